"""The `graph` command: it draws and differentiates an expression, and refuses anything that is not arithmetic."""

import argparse
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from micrograd import Value
from micrograd.cli import main as micrograd_main
from micrograd.cli.expression import MAX_DEPTH, MAX_LENGTH, ExpressionError, build
from micrograd.cli.graph import add_arguments, run
from micrograd.viz import page

from conftest import docs_page, run_micrograd

ROOT = Path(__file__).resolve().parent.parent


def main(argv):
    """`micrograd graph ARGV...`, in this process."""
    return micrograd_main(["graph", *argv])


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def printed_numbers(text):
    """{"output": 0.99, "a.grad": -0.004, ...} from the command's output."""
    return {name: float(number) for name, number in re.findall(r"^(\S+): (\S+)$", text, re.M) if name != "wrote"}


@pytest.mark.torch
def test_draws_the_expression_and_prints_its_value_and_gradients_like_torch(in_tmp, capsys):
    import torch

    assert main(["(a*b + c).tanh()", "--set", "a=2", "b=-3", "c=10", "--out", "g.svg"]) == 0
    a, b, c = (torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in (2.0, -3.0, 10.0))
    out = (a * b + c).tanh()
    out.backward()
    printed = printed_numbers(capsys.readouterr().out)
    assert list(printed) == ["output", "a.grad", "b.grad", "c.grad"]
    for name, expected in zip(printed, (out.item(), a.grad.item(), b.grad.item(), c.grad.item())):
        assert printed[name] == pytest.approx(expected, rel=1e-5)
    svg = (in_tmp / "g.svg").read_text()
    assert "<svg" in svg and ">tanh<" in svg and ">a<" in svg


def test_writes_png_by_format_or_by_the_suffix_of_out(in_tmp):
    assert main(["a.exp()", "--set", "a=1", "--format", "png"]) == 0
    assert (in_tmp / "graph.png").read_bytes().startswith(b"\x89PNG")
    assert main(["a.exp()", "--set", "a=1", "--out", "picture.png"]) == 0
    assert (in_tmp / "picture.png").read_bytes().startswith(b"\x89PNG")
    assert main(["a.exp()", "--set", "a=1"]) == 0
    assert (in_tmp / "graph.svg").read_text().lstrip().startswith("<?xml")


def test_rankdir_top_to_bottom_gives_a_taller_picture(in_tmp):
    def size(rankdir):
        main(["((a*b).relu() + a).sigmoid()", "--set", "a=1", "b=2", "--rankdir", rankdir, "--out", "g.svg"])
        width, height = re.search(r'<svg width="(\d+)pt" height="(\d+)pt"', (in_tmp / "g.svg").read_text()).groups()
        return int(width), int(height)

    (lr_width, lr_height), (tb_width, tb_height) = size("LR"), size("TB")
    assert lr_width > lr_height and tb_height > tb_width


def test_works_as_a_subcommand_of_another_parser(in_tmp, capsys):
    parser = argparse.ArgumentParser(prog="micrograd")
    add_arguments(parser.add_subparsers(dest="command").add_parser("graph"))
    args = parser.parse_args(["graph", "x**2 - x", "--set", "x=3"])
    assert run(args) == 0
    assert printed_numbers(capsys.readouterr().out) == {"output": 6.0, "x.grad": 5.0}


def test_runs_as_python_dash_m(in_tmp):
    result = subprocess.run(
        [sys.executable, "-m", "micrograd", "graph", "a / b", "--set", "a=1", "b=4"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert printed_numbers(result.stdout) == {"output": 0.25, "a.grad": 0.25, "b.grad": -0.0625}


def assert_refused(arguments, capsys, *fragments):
    """The command exits with status 2 and one line on stderr that contains each fragment."""
    assert main(arguments) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("micrograd graph: error: "), captured.err
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize(
    "expression, fragment",
    [
        ("__import__('os').system('touch pwned')", "the call .system() is not allowed"),
        ("open('pwned', 'w')", "the call open() is not allowed"),
        ("a.__class__", "the attribute .__class__ is not allowed"),
        ("a.data", "the attribute .data is not allowed"),
        ("a.relu", "the attribute .relu is not allowed"),
        ("a.backward()", "the call .backward() is not allowed"),
        ("a[0]", "subscript syntax is not allowed"),
        ("(lambda: a)()", "a call is not allowed"),
        ("lambda: a", "lambda syntax is not allowed"),
        ("'pwned'", "the constant 'pwned' is not allowed"),
        ("a if a else a", "ifexp syntax is not allowed"),
        ("[a]", "list syntax is not allowed"),
        ("a // 2", "the operator // is not allowed"),
        ("a % 2", "the operator % is not allowed"),
        ("+a", "the operator unary + is not allowed"),
        ("a < 2", "a comparison is not allowed"),
        ("True * a", "the constant True is not allowed"),
        ("1j * a", "the constant 1j is not allowed"),
        ("a.tanh(2)", ".tanh() takes no arguments"),
        ("(x := a)", "namedexpr syntax is not allowed"),
        ("a +", "invalid syntax"),
        ("import os", "invalid syntax"),
        ("", "the expression is empty"),
        ("2 * 3", "uses no variable"),
    ],
)
def test_refuses_anything_but_arithmetic_with_one_line_and_status_2(expression, fragment, in_tmp, capsys):
    assert_refused([expression, "--set", "a=1"], capsys, fragment)
    assert list(in_tmp.iterdir()) == []  # nothing was run, nothing was written


def test_names_the_undefined_names(in_tmp, capsys):
    assert_refused(["x * a + y * x", "--set", "a=1"], capsys, "undefined names x, y", "--set")
    assert_refused(["open"], capsys, "undefined name open")


def test_a_name_is_the_one_written_not_pythons_normalised_one(in_tmp):
    """Python's parser reads ℕ as N; the command keeps the names the user wrote."""
    status, out, err = run_micrograd("graph", "ℕ*2", "--set", "ℕ=3", cwd=in_tmp)
    assert (status, err) == (0, "") and printed_numbers(out) == {"output": 6.0, "ℕ.grad": 2.0}
    assert ">ℕ<" in (in_tmp / "graph.svg").read_text()
    out = build("ℕ*N + 𝐚", {name: Value(x, label=name) for name, x in [("ℕ", 2.0), ("N", 3.0), ("𝐚", 0.5)]})
    assert out.data == 6.5


def test_names_that_only_python_would_confuse_are_refused_naming_the_written_one(in_tmp, capsys):
    assert_refused(["ℕ*2", "--set", "N=3"], capsys, "undefined name ℕ")
    assert_refused(["ﬁ + fi", "--set", "fi=1"], capsys, "undefined name ﬁ")


def test_a_name_written_with_a_combining_accent_is_the_same_name(in_tmp, capsys):
    assert main(["e\u0301 * 2", "--set", "\u00e9=3"]) == 0  # é as e + combining acute, and as one code point
    assert printed_numbers(capsys.readouterr().out) == {"output": 6.0, "\u00e9.grad": 2.0}


@pytest.mark.parametrize(
    "expression",
    [
        "-" * 1500 + "a",  # deep unary minus
        "+".join(["a"] * 500),  # a long chain of sums
        "a" + "**a" * 300,  # a right-nested power tower
        "a" + ".tanh()" * 200,
        "(" * 300 + "a" + ")" * 300,  # beyond Python's own parser limit
    ],
)
def test_refuses_expressions_nested_too_deeply_without_a_recursion_error(expression, in_tmp, capsys):
    assert_refused(["--set", "a=1", "--", expression], capsys)  # `--`: an expression may start with a minus


def test_refuses_expressions_that_are_too_long(in_tmp, capsys):
    assert_refused(["a + " * 1000 + "a", "--set", "a=1"], capsys, f"at most {MAX_LENGTH:,}")
    assert_refused(["9" * 1500 + " * a", "--set", "a=1"], capsys, "too large for a float")


@pytest.mark.parametrize(
    "assignments, fragment",
    [
        (["a"], "--set needs NAME=NUMBER, got 'a'"),
        (["2a=1"], "--set needs NAME=NUMBER, got '2a=1'"),
        (["a=two"], "--set a= needs a number, got 'two'"),
        (["a=1", "a=2"], "--set gives a twice"),
    ],
)
def test_refuses_bad_variables(assignments, fragment, in_tmp, capsys):
    assert_refused(["a * 2", "--set", *assignments], capsys, fragment)


def test_refuses_bad_options_in_one_line(in_tmp, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["a", "--set", "a=1", "--format", "pdf"])
    assert exited.value.code == 2
    assert len(capsys.readouterr().err.splitlines()) == 1
    assert_refused(["a * 2", "--set", "a=1", "--out", "g.svg", "--format", "png"], capsys, "ends in .svg")
    assert_refused(["a * 2", "--set", "a=1", "--out", "no/such/folder/g.svg"], capsys, "No such file or directory")


def test_without_the_dot_program_prints_the_numbers_then_says_how_to_install_it(in_tmp, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(in_tmp))
    assert main(["a * 2", "--set", "a=1"]) == 0
    captured = capsys.readouterr()
    assert printed_numbers(captured.out) == {"output": 2.0, "a.grad": 2.0}
    (line,) = captured.err.splitlines()
    assert line.startswith("micrograd graph: skipped graph.svg: ")
    for fragment in ("apt-get install graphviz", "brew install", "winget install"):
        assert fragment in line
    assert list(in_tmp.iterdir()) == []


def test_the_docs_refusal_example_prints_what_the_page_says(in_tmp):
    page = docs_page("guide/pictures.md")
    command, error = re.search(r"^\$ micrograd graph (.*)\n(micrograd graph: error: .*)$", page, re.M).groups()
    expression, rest = re.match(r'"([^"]*)" (.*)', command).groups()
    result = subprocess.run(
        [sys.executable, "-m", "micrograd", "graph", expression, *rest.split()], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.strip() == error


# --- the parser itself


def test_numbers_follow_the_engines_float_rules_instead_of_raising():
    x = Value(1.0)
    assert build("x * (1 / 0)", {"x": x}).data == math.inf
    assert build("x * 10 ** 400", {"x": x}).data == math.inf
    assert math.isnan(build("x * (-8) ** 0.5", {"x": x}).data)
    assert build("x * (2).exp()", {"x": x}).data == math.exp(2)


def test_a_variable_used_twice_is_one_leaf_whose_gradients_add_up():
    x = Value(3.0, label="x")
    out = build("x * x + x", {"x": x})
    out.backward()
    assert (out.data, x.grad) == (12.0, 7.0)


def test_precedence_is_pythons():
    values = {"a": Value(2.0), "b": Value(3.0)}
    for text, expected in (("-a ** 2", -4.0), ("a * b ** 2", 18.0), ("a - b - 1", -2.0), ("a ** b ** 0.5", 2**3**0.5)):
        assert build(text, values).data == pytest.approx(expected, rel=1e-15), text


def test_depth_limit_is_exactly_the_documented_one():
    x = {"x": Value(0.5)}
    assert build("-" * MAX_DEPTH + "x", x).data == 0.5
    with pytest.raises(ExpressionError, match=f"at most {MAX_DEPTH} levels"):
        build("-" * (MAX_DEPTH + 1) + "x", x)


def test_build_needs_a_string():
    with pytest.raises(TypeError, match="must be a str, got bytes"):
        build(b"x", {"x": Value(1.0)})


def test_in_portuguese_the_numbers_the_files_and_the_page_speak_portuguese(in_tmp, capsys):
    assert main(["a * 2", "--set", "a=1", "--html", "pagina.html", "--lang", "pt"]) == 0
    assert capsys.readouterr().out.splitlines() == ["saída: 2", "a.grad: 2", "salvo graph.svg", "salvo pagina.html"]
    assert '<html lang="pt-BR">' in (in_tmp / "pagina.html").read_text(encoding="utf-8")


def test_without_the_dot_program_the_page_is_written_to_lay_itself_out_and_the_picture_skipped(
    in_tmp, capsys, monkeypatch
):
    monkeypatch.setenv("PATH", str(in_tmp))
    assert main(["a * 2", "--set", "a=1", "--html", "page.html"]) == 0
    printed = capsys.readouterr()
    (line,) = printed.err.splitlines()
    assert line.startswith("micrograd graph: skipped graph.svg: Graphviz's `dot` program is needed")
    assert "wrote page.html" in printed.out
    assert "Viz.instance()" in (in_tmp / "page.html").read_text(encoding="utf-8")  # tests/test_web.py opens one
    assert [p.name for p in in_tmp.iterdir()] == ["page.html"]


def test_without_dot_nor_graphviz_in_webassembly_the_page_is_not_skipped_silently(in_tmp, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(in_tmp))
    monkeypatch.setattr(page, "BROWSER_GRAPHVIZ", "not-installed.js")
    assert main(["a * 2", "--set", "a=1", "--html", "page.html"]) == 0
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("micrograd graph: skipped graph.svg + page.html: Graphviz's `dot` program is needed")
    assert list(in_tmp.iterdir()) == []
