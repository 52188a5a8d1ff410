"""Pictures of the graph: trace() and draw_dot(), their determinism, big graphs, and a missing Graphviz."""

import math
import os
import random
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import graphviz
import pytest

from micrograd import Value, custom_op, linear
from micrograd import sum as value_sum
from micrograd.layers import MLP
from micrograd.viz import INPUT_COLOR, NOT_FINITE_COLOR, PARAMETER_COLOR, draw_dot, trace
from micrograd.viz.dot import box_number, value_names

from conftest import HOSTILE_OP_NAMES, docs_page

ROOT = Path(__file__).resolve().parent.parent


def readme_expression():
    """(a*b + c).tanh(), the graph in the README, after backward()."""
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    out = (a * b + c).tanh()
    out.label = "out"
    out.backward()
    return out, (a, b, c)


def node_lines(dot):
    """{name: attribute text} for every node statement in the DOT text."""
    return dict(re.findall(r"^\t(v\d+(?:op)?) \[(.*)\]$", dot.source, re.M))


def edge_lines(dot):
    return re.findall(r"^\t(v\d+(?:op)?) -> (v\d+(?:op)?)(?: \[(.*)\])?$", dot.source, re.M)


def chain(length):
    x = Value(0.5, label="x")
    y = x
    for _ in range(length):
        y = y * 1.0001
    return y


# --- trace


def test_trace_lists_every_value_once_starting_from_the_root():
    out, (a, b, c) = readme_expression()
    nodes, edges = trace(out)
    assert nodes[0] is out
    assert len(nodes) == len({id(n) for n in nodes}) == 6  # out, a*b + c, a*b, c, a, b
    assert {id(n) for n in nodes} >= {id(a), id(b), id(c)}
    assert len(edges) == 5


def test_trace_keeps_one_edge_per_input_so_a_squared_by_multiplication_has_two():
    a = Value(3.0, label="a")
    square = a * a
    nodes, edges = trace(square)
    assert nodes == [square, a]
    assert edges == [(a, square), (a, square)]


def test_trace_order_follows_the_graph_not_memory_addresses():
    def labels(root):
        return [n.label for n in trace(root)[0]]

    def build():
        values = [Value(float(i), label=f"x{i}") for i in range(20)]
        random.shuffle(values)  # different creation order, hence different addresses
        by_label = sorted(values, key=lambda v: v.label)
        return sum((v * i).tanh() for i, v in enumerate(by_label))

    random.seed(0)
    first = labels(build())
    for _ in range(3):
        assert labels(build()) == first


def test_trace_handles_a_graph_far_deeper_than_the_recursion_limit():
    nodes, edges = trace(chain(50_000))
    assert len(nodes) == 50_001 and len(edges) == 50_000
    assert nodes[-1].label == "x"


def test_trace_refuses_what_is_not_a_value():
    with pytest.raises(TypeError, match="needs a Value, got float"):
        trace(2.0)


# --- what the picture shows


def test_each_value_is_a_record_with_label_data_and_grad_to_4_decimals():
    out, _ = readme_expression()
    nodes = node_lines(draw_dot(out))
    records = [attributes for name, attributes in nodes.items() if not name.endswith("op")]
    assert len(records) == 6
    assert 'label="{ out | data 0.9993 | grad 1.0000 }"' in nodes["v0"]
    assert any('label="{ a | data 2.0000 | grad -0.0040 }"' in r for r in records)
    assert any('label="{ data -6.0000 | grad 0.0013 }"' in r for r in records)  # a*b has no label: no empty field


def test_each_computed_value_is_fed_by_one_op_node_and_leaves_by_none():
    out, _ = readme_expression()
    dot = draw_dot(out)
    nodes, edges = node_lines(dot), edge_lines(dot)
    ops = {name: re.search(r"label=(\S+)", attributes).group(1) for name, attributes in nodes.items() if "op" in name}
    assert sorted(ops.values()) == ['"*"', '"+"', "tanh"]
    for op_name in ops:
        assert [target for source, target, _ in edges if source == op_name] == [op_name[:-2]]
    assert sum(1 for _, target, _ in edges if target.endswith("op")) == 5  # every input edge goes into an op node


@pytest.mark.parametrize(
    "build, op_text",
    [
        (lambda x: x**2, '"**2"'),
        (lambda x: x**0.5, '"**0.5"'),
        (lambda x: x**-1, '"**-1"'),
        (lambda x: -x, '"* -1"'),
        (lambda x: x * 2.5, '"* 2.5"'),
        (lambda x: x + 1, '"+ 1"'),
        (lambda x: x - 3, '"+ -3"'),
        (lambda x: x / 4, '"/ 4"'),
        (lambda x: x**x, '"**"'),
    ],
)
def test_op_nodes_show_the_constant_folded_into_the_operation(build, op_text):
    out = build(Value(1.5))
    assert f"v0op [label={op_text} " in draw_dot(out).source


def test_linear_node_labels_its_inputs_weights_and_bias():
    inputs = [Value(1.0, label="x1"), Value(2.0, label="x2")]
    weights = [Value(0.5, label="w1"), Value(-0.5, label="w2")]
    bias = Value(0.1, label="b")
    dot = draw_dot(linear(inputs, weights, bias))
    into_linear = [(source, attributes) for source, target, attributes in edge_lines(dot) if target == "v0op"]
    assert [re.search(r"label=(\w+)", attributes).group(1) for _, attributes in into_linear] == [
        "x1",
        "x2",
        "w1",
        "w2",
        "b",
    ]
    assert "label=linear" in node_lines(dot)["v0op"]


def test_division_and_power_of_two_values_label_which_input_is_which():
    a, b = Value(6.0, label="a"), Value(2.0, label="b")
    for out, roles in ((a / b, ["numerator", "denominator"]), (a**b, ["base", "exponent"])):
        edges = edge_lines(draw_dot(out))
        assert [re.search(r"label=(\w+)", attributes).group(1) for _, _, attributes in edges if attributes] == roles


def test_leaves_are_filled_blue_parameters_green_and_computed_values_not_at_all():
    x = Value(1.0, label="x")
    w = Value(0.5, label="w")
    out = (x * w).tanh()
    nodes = node_lines(draw_dot(out, parameters=[w]))
    x_line, w_line = (next(line for line in nodes.values() if f"{{ {name} |" in line) for name in "xw")
    assert f'fillcolor="{INPUT_COLOR}"' in x_line
    assert f'fillcolor="{PARAMETER_COLOR}"' in w_line
    assert "fillcolor" not in nodes["v0"] and "fillcolor" not in nodes["v1"]  # tanh(x * w) and x * w


@pytest.mark.parametrize(
    "build",
    [
        lambda x: (x - 2).log() * 3,  # data -inf, and x's gradient is inf
        lambda x: (x - 3).log() * 3,  # data nan
        lambda x: (x - 2) ** 0.5 * 3,  # x's gradient is inf
        lambda x: x * float("inf") + 1,  # a leaf with finite data and gradient inf
    ],
)
def test_values_with_nan_or_inf_data_or_grad_are_filled_red_and_only_those(build):
    x = Value(2.0, label="x")
    out = build(x)
    out.backward()
    records = [line for name, line in node_lines(draw_dot(out)).items() if not name.endswith("op")]
    red = [line for line in records if f'fillcolor="{NOT_FINITE_COLOR}"' in line]
    not_finite = [line for line in records if re.search(r"(data|grad) -?(inf|nan)", line)]
    assert red == not_finite and len(red) >= 2  # and out, whose data and grad are finite or not
    assert any("{ x |" in line for line in red) == (not math.isfinite(x.grad))


def test_rankdir_lays_out_left_to_right_or_top_to_bottom_and_nothing_else():
    out, _ = readme_expression()
    assert "rankdir=LR" in draw_dot(out).source
    top_to_bottom = draw_dot(out, rankdir="TB")
    assert "rankdir=TB" in top_to_bottom.source
    assert 'label="out | data 0.9993 | grad 1.0000"' in top_to_bottom.source  # fields still side by side
    for bad in ("RL", "lr", "", None):
        with pytest.raises(ValueError, match='rankdir must be "LR" or "TB"'):
            draw_dot(out, rankdir=bad)


def test_labels_with_record_syntax_are_shown_literally():
    weird = 'a{b}|<c>"d\\e'
    dot = draw_dot(Value(1.0, label=weird) * 2)
    svg = dot.pipe(format="svg", encoding="utf-8")
    assert "a{b}|&lt;c&gt;&quot;d\\e" in svg


SVG = "{http://www.w3.org/2000/svg}"


def drawn_texts(svg, node_name):
    """The lines of text that the SVG draws for the DOT node `node_name`."""
    for group in ElementTree.fromstring(svg).iter(SVG + "g"):
        title = group.find(SVG + "title")
        if title is not None and title.text == node_name:
            return [text.text for text in group.iter(SVG + "text")]
    raise AssertionError(f"no node {node_name} in the SVG")


@pytest.mark.parametrize("name", HOSTILE_OP_NAMES)
def test_a_custom_op_name_is_drawn_as_text_never_as_markup(name):
    out = custom_op(name, lambda x: 2 * x, lambda x: 2.0)(Value(1.0, label="x"))
    svg = draw_dot(out).pipe(format="svg", encoding="utf-8")
    assert drawn_texts(svg, "v0op") == [name]
    assert not re.search(r"<(a|image)\b|href", svg)


def test_characters_that_an_svg_cannot_hold_are_drawn_as_python_writes_them():
    out = custom_op("op\x00\ufffe", lambda x: 2 * x, lambda x: 2.0)(Value(1.0, label="a\x01b\ud800"))
    svg = draw_dot(out).pipe(format="svg", encoding="utf-8")
    assert drawn_texts(svg, "v0op") == ["op\\x00\\ufffe"] and drawn_texts(svg, "v1")[0] == "a\\x01b\\ud800"


def test_random_op_names_and_labels_always_give_a_well_formed_svg_without_markup():
    rng = random.Random(21)
    alphabet = "<>&\"'\\{}|[]; =\n\t\r NGTHEl#abc019\x00\x01\x7f\x85\xa0\u2028\u200b\ufeff\ufffe\U0001f600"
    for _ in range(40):
        name, label = ("".join(rng.choices(alphabet, k=rng.randint(1, 12))) for _ in range(2))
        out = custom_op(name, lambda x: 2 * x, lambda x: 2.0)(Value(1.0, label=label))
        svg = draw_dot(out).pipe(format="svg", encoding="utf-8")
        ElementTree.fromstring(svg)  # raises unless well-formed
        assert not re.search(r"<(a|image)\b|href", svg)


def test_a_label_keeps_its_entities_and_line_breaks_in_the_picture():
    svg = draw_dot(Value(1.0, label="&lt;&amp;") * Value(2.0, label="two\nlines")).pipe(format="svg", encoding="utf-8")
    assert drawn_texts(svg, "v1")[0] == "&lt;&amp;" and drawn_texts(svg, "v2")[:2] == ["two", "lines"]


# --- rendering


def test_renders_the_readme_expression_to_svg_and_png():
    out, _ = readme_expression()
    svg = draw_dot(out).pipe(encoding="utf-8")
    assert "<svg" in svg and "data 0.9993" in svg and ">tanh<" in svg
    png = draw_dot(out, format="png").pipe()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_displays_inline_in_jupyter_as_svg():
    out, _ = readme_expression()
    bundle = draw_dot(out)._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]


def test_without_the_dot_program_rendering_says_how_to_install_it_and_source_still_works(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no `dot` to be found
    out, _ = readme_expression()
    dot = draw_dot(out)
    assert "data 0.9993" in dot.source
    for render in (dot.pipe, lambda: dot.render(tmp_path / "graph"), dot._repr_mimebundle_):
        with pytest.raises(graphviz.ExecutableNotFound) as caught:
            render()
        message = str(caught.value)
        assert "apt-get install graphviz" in message  # Debian/Ubuntu
        assert "brew install graphviz" in message  # macOS
        assert "winget install graphviz" in message  # Windows


# --- determinism

DOT_OF_README_EXPRESSION = """
import sys
from micrograd import Value
from micrograd.viz import draw_dot
a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
junk = [Value(i) for i in range(1000)]  # moves the graph's addresses around
out = (a * b + c).tanh() + sum(x * 1.5 for x in [a, b, c]) + (a + b).relu() / c
out.backward()
sys.stdout.write(draw_dot(out, parameters={a, b}).source)
"""


def test_dot_text_is_byte_identical_across_processes_with_different_hash_seeds():
    sources = []
    for seed in ("0", "1", "12345"):
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", DOT_OF_README_EXPRESSION], capture_output=True, env=environment, check=True
        )
        sources.append(result.stdout)
    assert sources[0].startswith(b"digraph {") and b"tanh" in sources[0]
    assert sources[0] == sources[1] == sources[2]


def test_dot_text_is_identical_for_the_same_graph_built_twice():
    assert draw_dot(readme_expression()[0]).source == draw_dot(readme_expression()[0]).source


# --- big graphs


def test_a_3000_node_graph_is_refused_quickly_with_its_size_and_what_to_do():
    with pytest.raises(ValueError) as caught:
        draw_dot(chain(3_000))
    message = str(caught.value)
    assert "3,001 Values" in message and "max_nodes=500" in message
    assert "smaller part" in message and "max_nodes=3001" in message


def test_a_3000_node_graph_gives_its_dot_text_when_max_nodes_allows_it():
    dot = draw_dot(chain(3_000), max_nodes=5_000)
    assert len(node_lines(dot)) == 3_001 + 3_000  # a record per Value, an op node per computed Value


def test_the_loss_of_a_training_batch_is_refused_with_its_size():
    random.seed(1)
    model = MLP(2, [16, 16, 1])
    points = [[random.uniform(-1, 1), random.uniform(-1, 1)] for _ in range(100)]
    loss = sum((1 - model(x)).relu() for x in points)
    size = len(trace(loss)[0])
    with pytest.raises(ValueError, match=f"the graph has {size:,} Values"):
        draw_dot(loss)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "500"])
def test_max_nodes_must_be_a_positive_int(bad):
    with pytest.raises(ValueError, match="max_nodes must be a positive int"):
        draw_dot(Value(1.0), max_nodes=bad)


# --- documentation


def test_the_committed_picture_is_what_the_documented_command_draws(tmp_path):
    page = docs_page("guide/pictures.md")
    command = re.search(r"^micrograd graph (.*) --out docs/graph\.svg$", page, re.M)
    assert command, "the docs' page on pictures documents the command that draws docs/graph.svg"
    assert "![" in page and "(../../graph.svg)" in page
    arguments = re.findall(r'"[^"]*"|\S+', command.group(1))
    arguments = [argument.strip('"') for argument in arguments]
    fresh = tmp_path / "graph.svg"
    result = subprocess.run(
        [sys.executable, "-m", "micrograd", "graph", *arguments, "--out", str(fresh)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.replace(str(fresh), "docs/graph.svg") in page  # what the page says it prints

    def texts(svg):  # what the picture says; the layout's coordinates may differ between Graphviz versions
        return re.findall(r"<text[^>]*>([^<]*)</text>", svg)

    assert texts(fresh.read_text()) == texts((ROOT / "docs" / "graph.svg").read_text())
    assert "data 0.9993" in texts(fresh.read_text())


def test_the_docs_python_example_draws_a_png(tmp_path, monkeypatch, capsys):
    page = docs_page("guide/pictures.md")
    example = next(block for block in re.findall(r"```python\n(.*?)```", page, re.S) if "draw_dot" in block)
    monkeypatch.chdir(tmp_path)
    exec(example, {})
    assert (tmp_path / "graph.png").read_bytes().startswith(b"\x89PNG")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["graph.png"]
    assert capsys.readouterr().out == "digraph {\n"


def test_the_portuguese_readme_is_linked_both_ways_and_has_the_same_sections():
    english = (ROOT / "README.md").read_text()
    portuguese = (ROOT / "README.pt-BR.md").read_text()
    assert "(README.pt-BR.md)" in english.split("\n## ")[0]
    assert "(README.md)" in portuguese.split("\n## ")[0]

    def code_blocks(text):
        return re.findall(r"^```.*?^```", text, re.M | re.S)

    def heading_levels(text):
        return re.findall(r"^(#+) ", text, re.M)

    assert len(code_blocks(portuguese)) == len(code_blocks(english))  # the commands differ: --lang pt, notebooks-pt
    assert heading_levels(portuguese) == heading_levels(english)


def test_a_box_shows_4_decimals_or_a_small_number_in_scientific_notation_never_as_zero():
    numbers = [0.0, 2.0, -0.0040228, 2.4567e-5, -1e-7, 0.001, float("inf")]
    assert [box_number(x) for x in numbers] == ["0.0000", "2.0000", "-0.0040", "2.46e-5", "-1e-7", "0.0010", "inf"]


def test_every_value_gets_a_name_from_its_label_its_role_in_a_neuron_or_its_expression():
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    out = (a * b + c).tanh()
    assert value_names(out, trace(out)[0]) == ["tanh((a * b) + c)", "(a * b) + c", "a * b", "c", "a", "b"]
    x2 = Value(0.5, label="x2")  # a label is kept, and no role name takes it
    neuron = linear([1.0, x2], [Value(-3.0), Value(1.0)], Value(0.1)).relu()
    assert value_names(neuron, trace(neuron)[0]) == [
        "relu(x1 * w1 + x2 * w2 + b)",
        "x1 * w1 + x2 * w2 + b",
        "x1",
        "x2",
        "w1",
        "w2",
        "b",
    ]
    long = value_sum([Value(float(i), label=f"x{i}") * 2 for i in range(8)]).tanh()
    assert value_names(long, trace(long)[0])[:2] == ["tanh(sum(…))", "sum(…)"]
