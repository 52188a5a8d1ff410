"""micrograd.compile at the edges: every operation at the special floats under a few downstream wrappers, against
eager, on both backends; and programs whose labels and op names are any Unicode text.

The grid is one compiled program per backend: every graph of the grid gets its own leaves, and the root adds the
graphs' outputs, so each leaf's gradient is that of its own graph (the root's local derivatives are 1).

How the numpy backend may differ from eager (the rule stated in micrograd/compiler/numpy_backend.py):
    1. Summation order. Where eager adds three or more terms into one number — a sum() of Values, a chain `a + b + c`
       (the numbers in it included, which the numpy backend adds together first), a `linear` of two or more inputs,
       the gradient of a Value used three or more times — the numpy backend adds the same terms in another order (and
       a batch of points through a layer may fuse each product with its addition). Its result is what adding those
       terms in another order gives: equal up to rounding, or different where the sum cancels (`x + 1e300 - 1e300`)
       or overflows in one order and not in the other.
    2. Rounding of numpy's own exp, log, log1p, tanh and power, which may differ from Python's math module in the
       last bit (a relative 1e-16): a rounding, never a different nan, infinity or zero (checked below).
    Everything else is eager's to the bit: every other operation, every sum of two terms, the sign of every zero,
    every cut edge.
"""

import importlib
import math
import random
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import micrograd
from micrograd import Value, custom_op
from micrograd.autograd import linear
from micrograd.autograd import sum as value_sum
from micrograd.compiler.passes import as_matrix_product
from micrograd.compiler.trace import trace
from micrograd.losses import binary_cross_entropy_with_logits

from conftest import same_float

INF, NAN = math.inf, math.nan
SPECIAL = [0.0, -0.0, 5e-324, -1e-310, 2.2250738585072014e-308, 1e154, -1e154, 1e200, 1e308, -1e308, INF, -INF, NAN]
SPECIAL += [745.0, -745.0, 1000.0, -1000.0, 1.5]

UNARY = {
    "relu": lambda x: x.relu(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "exp": lambda x: x.exp(),
    "log": lambda x: x.log(),
    "reciprocal": lambda x: x.reciprocal(),
    "neg": lambda x: -x,
    **{f"x**{n}": lambda x, n=n: x**n for n in (0, 1, 2, 3, -1, -2, 0.5, -0.5, 1.5)},
    "x*3": lambda x: x * 3,
    "x/3": lambda x: x / 3,
    "x+1": lambda x: x + 1,
    "x+x": lambda x: x + x,
    "x-x": lambda x: x - x,
    "x+1e300-1e300": lambda x: x + 1e300 - 1e300,
}
BINARY = {
    "a+b": lambda a, b: a + b,
    "a-b": lambda a, b: a - b,
    "a*b": lambda a, b: a * b,
    "a/b": lambda a, b: a / b,
    "a**b": lambda a, b: a**b,
    "sum(a,b)": lambda a, b: value_sum([a, b]),
    "linear(a;b;a)": lambda a, b: linear([a], [b], a),
    "bce(a,b)": lambda a, b: binary_cross_entropy_with_logits([a], [b]),
}
WRAPPERS = {
    "y": lambda y: y,
    "log y": lambda y: y.log(),
    "1/y": lambda y: y.reciprocal(),
    "y**2": lambda y: y**2,
    "y/0.5": lambda y: y / Value(0.5),
    "2/y": lambda y: 2 / y,
    "y+y": lambda y: y + y,
}


def identical(a, b):
    """The same float to the bit (nan matches nan; 0.0 does not match -0.0)."""
    return struct.pack("<d", a) == struct.pack("<d", b) or (math.isnan(a) and math.isnan(b))


def grid():
    """(name, leaves, output) for every operation at every special value (pair) under every wrapper."""
    graphs = []
    for wrapper_name, wrapper in WRAPPERS.items():
        for op_name, op in UNARY.items():
            for x in SPECIAL:
                leaf = Value(x)
                graphs.append((f"{wrapper_name} with y = {op_name} at x={x!r}", [leaf], wrapper(op(leaf))))
        for op_name, op in BINARY.items():
            for a in SPECIAL:
                for b in SPECIAL:
                    leaves = [Value(a), Value(b)]
                    name = f"{wrapper_name} with y = {op_name} at a={a!r}, b={b!r}"
                    graphs.append((name, leaves, wrapper(op(*leaves))))
    return graphs


def sums_three_or_more_terms(output, leaves):
    """Whether a graph has a sum that the summation-order rule (above) covers: a fused sum or a chain of additions of
    three or more terms, a linear of two or more inputs, or a Value used three or more times."""
    uses, stack, seen = {}, [output], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for child in node._prev:
            uses[id(child)] = uses.get(id(child), 0) + 1
            stack.append(child)
        if node._op == "linear" and len(node._prev) >= 5:
            return True
        if node._op == "+" and _terms(node) >= 3:
            return True
    return any(count >= 3 for count in uses.values())


def _terms(node):
    """The terms of an addition, counting those of the additions chained into it and the numbers folded in."""
    numbers = node._local_grads[len(node._prev) :]
    count = len(numbers[0]) if numbers and isinstance(numbers[0], tuple) else len(numbers)
    return count + sum(_terms(child) if child._op == "+" else 1 for child in node._prev)


def rounded_alike(a, b):
    """Equal but for the last bits of rounding: both finite, not zero, of one sign, within a relative 1e-12."""
    return math.isfinite(a) and math.isfinite(b) and a * b > 0 and abs(a - b) <= 1e-12 * abs(a)


def mismatches(backend):
    """The grid's graphs whose compiled value or gradients differ from eager's: (name, which part of the rule covers
    it: "order", "rounding" or None)."""
    graphs = grid()
    root = value_sum([output for _, _, output in graphs])
    program = micrograd.compile(root, backend=backend, outputs=[output for _, _, output in graphs])
    root.backward()
    eager = [(output.data, [leaf.grad for leaf in leaves]) for _, leaves, output in graphs]
    for _, leaves, _ in graphs:
        for leaf in leaves:
            leaf.grad = 0.0
    program()
    found = []
    for (name, leaves, output), (value, grads) in zip(graphs, eager):
        compiled = [program.data_of(output), *(leaf.grad for leaf in leaves)]
        if not all(map(identical, compiled, [value, *grads])):
            if sums_three_or_more_terms(output, leaves):
                found.append((name, "order"))
            elif all(map(rounded_alike, compiled, [value, *grads])):
                found.append((name, "rounding"))
            else:
                found.append((name, None))
    return len(graphs), found


def test_python_backend_is_eager_to_the_bit_over_the_edge_grid():
    size, found = mismatches("python")
    assert size > 15_000
    assert found == []


def test_numpy_backend_is_eager_over_the_edge_grid_but_for_summation_order_and_rounding():
    size, found = mismatches("numpy")
    assert [name for name, covered_by in found if covered_by is None] == []
    assert sum(covered_by == "rounding" for _, covered_by in found) < size / 1000


# --- labels and op names: any text, on both backends, with eager's numbers

BACKENDS = ["python", "numpy"]


def assert_compiled_is_eager(output, leaves, backend):
    """The compiled program of `output` gives eager's value and gradients: to the bit with the python backend, and
    with numpy's within its rule (a gradient of a Value used three times may add in another order: 1e-12)."""
    output.backward()
    eager = [output.data, *(leaf.grad for leaf in leaves)]
    for leaf in leaves:
        leaf.grad = 0.0
    program = micrograd.compile(output, backend=backend)
    compiled = [program(), *(leaf.grad for leaf in leaves)]
    if backend == "python":
        assert all(map(identical, compiled, eager)), (compiled, eager)
    else:
        assert all(same_float(a, b, rel=1e-12, abs_=1e-12) for a, b in zip(compiled, eager)), (compiled, eager)
    return program


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("first, second", [("N", "ℕ"), ("fi", "ﬁ"), ("a", "𝐚"), ("x", "x²"), ("div", "ｄｉｖ")])
def test_labels_that_python_would_read_as_one_name_stay_two_values(first, second, backend):
    a, b = Value(3.0, label=first), Value(4.0, label=second)
    y = a * 2 + b * b
    y.label = "ｐｏｗ"
    program = assert_compiled_is_eager(y, [a, b], backend)
    assert program() == 22.0  # 3 * 2 + 4 * 4, not 4 * 2 + 4 * 4 (N and ℕ as one variable)


@pytest.mark.parametrize("backend", BACKENDS)
def test_labels_that_are_not_python_names_or_that_are_its_helpers_names_compile(backend):
    labels = [
        "x²",
        "θ₁",
        "½",
        "ｄｉｖ",
        "ｐｏｗ",
        "div",
        "pow",
        "max",
        "data",
        "grads",
        "v0",
        "x0_grad",
        "class",
        "a b",
    ]
    leaves = [Value(i + 1.0, label=label) for i, label in enumerate(labels)]
    y = leaves[0]
    for i, leaf in enumerate(leaves[1:]):
        y = (y * leaf).log() if i % 2 else y / leaf + leaf**2
        y.label = labels[-1 - i]
    assert_compiled_is_eager(y, leaves, backend)


def test_the_printed_program_shows_labels_that_are_not_python_names_in_comments_that_stay_comments():
    a, b = Value(2.0, label="θ₁"), Value(5.0, label="x\nimport os\nos.exit()")
    source = micrograd.compile(a * b, backend="python").source()
    assert "# x0 is θ₁" in source
    assert "import os" not in source.replace("'x\\nimport os\\nos.exit()'", "")


@pytest.mark.parametrize("backend", BACKENDS)
def test_custom_ops_whose_names_python_would_mangle_alike_stay_two_ops(backend):
    minus = custom_op("a-b", lambda a, b: a - b, lambda a, b: (1.0, -1.0))
    plus = custom_op("a_2d_b", lambda a, b: a + b, lambda a, b: (1.0, 1.0))
    double = custom_op("ﬁ", lambda a: 2 * a, lambda a: 2.0)
    fi = custom_op("fi", lambda a: 3 * a, lambda a: 3.0)
    a, b = Value(2.0, label="fi"), Value(3.0)
    y = minus(a, b) * plus(a, b) + double(a) + fi(b)
    assert_compiled_is_eager(y, [a, b], backend)
    assert y.data == -5.0 + 4.0 + 9.0


def test_a_custom_op_of_many_inputs_makes_a_program_linear_in_its_inputs():
    size = {}
    for n in (500, 1000):
        total = custom_op(f"sum of {n}", lambda *xs: math.fsum(xs), lambda *xs: (1.0,) * len(xs))
        leaves = [Value(float(i)) for i in range(n)]
        size[n] = len(micrograd.compile(total(*leaves), backend="python").source())
    assert size[1000] < 2.2 * size[500]  # quadratic: 4 times


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_custom_op_redefined_after_compiling_leaves_the_program_as_it_was(backend):
    square = custom_op("redefined square", lambda x: x * x, lambda x: 2 * x)
    x = Value(3.0)
    program = micrograd.compile(square(x), backend=backend)
    function = micrograd.compile(lambda x: square(x) + 1, backend=backend)
    assert function(2.0) == (5.0, (4.0,))  # traced
    custom_op("redefined square", lambda x: -x, lambda x: -1.0)
    assert program() == 9.0 and x.grad == 6.0
    assert function(3.0) == (10.0, (6.0,))  # and checked against eager, which runs `square`, the first definition


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_compiled_function_of_no_arguments_runs_again(backend):
    function = micrograd.compile(lambda: Value(2.0) * 3 + 1, backend=backend)
    assert function() == function() == (7.0, ())


def test_the_check_blames_the_numpy_backends_summation_order_when_that_is_the_difference():
    function = micrograd.compile(lambda x: x + 1e300 - 1e300, backend="numpy")
    function(1.0)
    with pytest.raises(micrograd.TracingCheckError, match="adds the terms of a sum in another order") as error:
        function(1.0)
    assert "control flow" not in str(error.value)
    frozen = micrograd.compile(lambda x: x * 2 if x.data > 0 else x * 3, backend="numpy")
    frozen(1.0)
    with pytest.raises(micrograd.TracingCheckError, match="froze Python control flow"):
        frozen(-1.0)


# Letters that Python's NFKC reading folds together, helper-like names, and characters that are no part of a name.
LABEL_TEXT = st.text(st.sampled_from("NℕfﬁiaA𝐚𝐀xX²₁½ｄｉｖpowdivmaxv0_- \n#'\"\\é€ߋ𐐀"), max_size=6)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), backend=st.sampled_from(BACKENDS))
def test_any_labels_and_op_names_compile_to_eagers_numbers(data, backend):
    names = data.draw(st.lists(LABEL_TEXT.filter(bool), min_size=2, max_size=3, unique=True), label="op names")
    ops = [
        custom_op(name, lambda a, b, k=k: a * k + b, lambda a, b, k=k: (float(k), 1.0)) for k, name in enumerate(names)
    ]
    leaves = [Value(float(i) + 0.5, label=data.draw(LABEL_TEXT)) for i in range(4)]
    values = list(leaves)
    for _ in range(6):
        a, b = data.draw(st.sampled_from(values)), data.draw(st.sampled_from(values))
        made = data.draw(st.sampled_from([*ops, lambda a, b: a * b, lambda a, b: a + b, lambda a, b: (a + b).tanh()]))
        value = made(a, b)
        value.label = data.draw(LABEL_TEXT)
        values.append(value)
    assert_compiled_is_eager(micrograd.sum(values[4:]), leaves, backend)


@pytest.mark.parametrize("lines_per_part", [1, 7, 50])
def test_a_long_program_compiled_in_parts_is_eager_to_the_bit(monkeypatch, lines_per_part):
    python_backend = importlib.import_module("micrograd.compiler.python_backend")
    monkeypatch.setattr(python_backend, "_LINES_IN_ONE_FUNCTION", 10)
    monkeypatch.setattr(python_backend, "_LINES_PER_PART", lines_per_part)
    rng = random.Random(lines_per_part)
    leaves = [Value(rng.uniform(-2, 2), label=rng.choice(["a", "θ", "ℕ", "", "state", "part"])) for _ in range(30)]
    values = list(leaves)
    for _ in range(300):
        a, b = rng.choice(values[-40:]), rng.choice(values)
        values.append(rng.choice([a * b, (a + b).tanh(), a + b + 1, a.relu() * 0.5, micrograd.sum([a, b, a])]))
    assert_compiled_is_eager(micrograd.sum(values[-50:]).tanh(), leaves, "python")


def test_a_batch_through_a_layer_keeps_minus_zero_like_eager():
    points = [[Value(1.0), Value(2.0)], [Value(-0.0), Value(3.0)]]
    neurons = [([Value(-0.0), Value(-0.0)], Value(-0.0)), ([Value(0.0), Value(-0.0)], Value(-0.0))]
    outputs = [linear(point, weights, bias) for point in points for weights, bias in neurons]
    leaves = [v for point in points for v in point] + [v for weights, bias in neurons for v in (*weights, bias)]
    graph = micrograd.sum([output.reciprocal() for output in outputs])
    layer = [equation for equation in trace(graph).equations() if equation.op == "linear"]
    assert as_matrix_product(layer) is not None  # the numpy backend computes it as a matrix product
    assert [output.data for output in outputs] == [-0.0, 0.0, -0.0, 0.0]
    assert_compiled_is_eager(graph, leaves, "numpy")
