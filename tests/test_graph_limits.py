"""Short input cannot make a picture take minutes, and the `graph` command refuses what it cannot do faithfully."""

import random
import sys

import pytest

from micrograd import Value, losses
from micrograd.cli.expression import MAX_DEPTH, ExpressionError, build
from micrograd.layers import MLP
from micrograd.viz import EDGE_LENGTH_PER_NODE, MAX_NODES, check_size, draw_dot, trace

from conftest import run_micrograd


def run_graph(*args, env=None, cwd=None):
    """`python -m micrograd graph ARGS` in a subprocess: (exit status, stdout, stderr)."""
    return run_micrograd("graph", *args, env=env, cwd=cwd)


def assert_one_line_error(status, out, err, *fragments):
    assert status == 2 and out == ""
    (line,) = err.splitlines()
    assert line.startswith("micrograd graph: error: ") and "Traceback" not in err
    for fragment in fragments:
        assert fragment in line


# --- layout time: what makes `dot` slow is bounded before it runs


@pytest.mark.parametrize(
    "expression",
    [
        "/".join(["a"] * 61),  # 60 divisions, 121 characters: `dot` took 25-29 s
        "**".join(["a"] * 90),  # a power tower of 90 terms, 268 characters: `dot` took over 10 minutes
    ],
)
def test_a_short_expression_whose_layout_takes_minutes_is_refused_at_once(expression, tmp_path):
    status, out, err = run_graph(expression, "--set", "a=1", "--out", str(tmp_path / "g.svg"))
    assert_one_line_error(status, out, err, "total length", "smaller part")
    assert list(tmp_path.iterdir()) == []


def test_the_edge_length_counts_each_long_edge_once_per_rank_it_spans():
    a = Value(1.0)
    out = build("/".join(["a"] * 11), {"a": a})  # a is used by 10 divisions, 1 to 10 ranks away from it
    nodes, edges = trace(out)
    with pytest.raises(ValueError) as caught:
        check_size(nodes, edges, max_nodes=20)
    assert str(caught.value).startswith("the graph has 11 Values and 20 edges of total length 65, more than")
    needed = -(-65 // EDGE_LENGTH_PER_NODE)
    assert f"pass max_nodes={needed} to draw it anyway" in str(caught.value)
    check_size(nodes, edges, max_nodes=needed)  # what the message suggests is enough


def test_draw_dot_applies_check_size_to_long_edges_not_only_to_the_number_of_values():
    out = build("/".join(["a"] * 61), {"a": Value(1.0)})
    assert len(trace(out)[0]) < MAX_NODES
    with pytest.raises(ValueError, match="total length"):
        draw_dot(out)


def test_one_samples_loss_through_the_demos_mlp_is_still_drawn():
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    loss = losses.hinge_loss([model([0.5, -0.5])], [1])
    loss.backward()
    assert "<svg" in draw_dot(loss).pipe(format="svg", encoding="utf-8")


@pytest.fixture
def slow_dot(tmp_path, monkeypatch):
    """A `dot` that never finishes, first on PATH, and a one-second DOT_TIMEOUT."""
    fake = tmp_path / "bin" / "dot"
    fake.parent.mkdir()
    fake.write_text(f"#!{sys.executable}\nimport time\ntime.sleep(60)\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:/usr/bin:/bin")
    monkeypatch.setattr("micrograd.viz.dot.DOT_TIMEOUT", 1)
    return fake


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the timeout finds `dot` in Linux's /proc")
def test_a_dot_that_runs_too_long_is_stopped_with_a_clear_error(slow_dot, tmp_path):
    dot = draw_dot(Value(2.0) * 3)
    for render in (dot.pipe, lambda: dot.render(tmp_path / "graph")):
        with pytest.raises(RuntimeError, match=r"did not finish laying out the graph in 1 s and was stopped"):
            render()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the timeout finds `dot` in Linux's /proc")
def test_the_graph_command_reports_a_dot_timeout_in_one_line(slow_dot, tmp_path, monkeypatch, capsys):
    from micrograd.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["graph", "a * 2", "--set", "a=1"]) == 2
    captured = capsys.readouterr()
    (line,) = captured.err.splitlines()
    assert "did not finish laying out the graph" in line and not (tmp_path / "graph.svg").exists()


# --- the expression's limits and the command's checks


def test_parentheses_count_towards_the_documented_depth_limit():
    x = {"x": Value(0.5)}
    assert build("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH, x).data == 0.5
    for depth in (MAX_DEPTH + 1, 199):  # 199: Python's own parser accepts up to 199
        with pytest.raises(ExpressionError, match=f"at most {MAX_DEPTH} levels"):
            build("(" * depth + "x" + ")" * depth, x)


def test_a_rejected_expression_leaks_no_syntax_warning():
    status, out, err = run_graph("1if a else 2", "--set", "a=1")
    assert_one_line_error(status, out, err, "ifexp syntax is not allowed")
    assert "SyntaxWarning" not in err


@pytest.mark.parametrize(
    "assignments, fragments",
    [
        (["a=1", "b=2"], ["--set gives b, but the expression does not use it"]),
        (["a=1", "b=2", "c=3"], ["--set gives b, c, but the expression does not use them"]),
        (["a=1", "if=2"], ["--set if=", "Python keyword"]),
        (["a=1", "None=2"], ["--set None=", "Python keyword"]),
    ],
)
def test_set_of_an_unused_or_keyword_name_is_refused(assignments, fragments, tmp_path):
    status, out, err = run_graph("a * 2", "--set", *assignments, cwd=tmp_path)
    assert_one_line_error(status, out, err, *fragments)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["x.pdf", "x.jpg", "x.svg.gz"])
def test_out_with_a_suffix_we_do_not_write_is_refused(name, tmp_path):
    status, out, err = run_graph("a * 2", "--set", "a=1", "--out", str(tmp_path / name))
    assert_one_line_error(status, out, err, "pictures are .svg or .png")
    assert list(tmp_path.iterdir()) == []
