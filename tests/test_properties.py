"""Random expression graphs (hypothesis), with reused nodes and constants, against PyTorch float64."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd import Value
from micrograd.autograd import topological_order

from conftest import ARITHMETIC, same_float

pytestmark = pytest.mark.torch  # every test here compares with PyTorch (test_compile.py uses the strategies without)

UNARY = ["relu", "tanh", "sigmoid", "exp", "log", "neg", "square", "cube_root_of_square"]
BINARY = ["+", "-", "*", "/", "**"]


def apply(op, a, b=None):
    """The same step on Values or on tensors: both support these operators and methods."""
    if op == "neg":
        return -a
    if op == "square":
        return a**2
    if op == "cube_root_of_square":  # a fractional power of a non-negative base
        return (a * a + 1) ** (1 / 3)
    if op in UNARY:
        return getattr(a, op)()
    if op in ARITHMETIC:
        return ARITHMETIC[op](a, b)
    return a**b


numbers = st.floats(min_value=-3, max_value=3, allow_nan=False).filter(lambda x: abs(x) > 1e-3)
# Magnitudes where a square, a product or a reciprocal overflows or underflows, and subnormals.
EDGE_MAGNITUDES = [1e300, -1e300, 1e160, -1e155, 1e-155, 1e-300, -1e-300, 1e-310, 5e-324]
edge_numbers = st.one_of(numbers, st.sampled_from(EDGE_MAGNITUDES))


def steps(constants):
    operand = st.one_of(
        st.integers(min_value=0, max_value=30).map(lambda i: ("node", i)), constants.map(lambda c: ("const", c))
    )
    return st.one_of(
        st.tuples(st.sampled_from(UNARY), operand, st.none()),
        st.tuples(st.sampled_from(BINARY), operand, operand),
    )


def build(program, inputs, constant):
    """Run the program: each step applies an op to earlier nodes (picked modulo their count, so nodes are reused)
    or to a constant, which `constant` turns into whatever the engine wants (plain number or tensor)."""
    nodes = list(inputs)

    def pick(operand):
        kind, what = operand
        return nodes[what % len(nodes)] if kind == "node" else constant(what)

    for op, a, b in program:
        left = pick(a) if a[0] == "node" else nodes[-1]
        right = None if b is None else pick(b)
        nodes.append(apply(op, left, right))
    # The output mixes the last few nodes so that earlier branches matter.
    return nodes[-1] + nodes[len(nodes) // 2] * 0.5


def largest_term(out):
    """The largest finite |local derivative × gradient| that backward() added up: sums of terms that cancel are only
    as exact as this, and rounding depends on the order of the additions, which differs between us and PyTorch."""
    terms = [abs(d * node.grad) for node in topological_order(out) for _, d in zip(node._prev, node._local_grads)]
    return max([t for t in terms if math.isfinite(t)], default=0.0)


def assert_graph_matches_torch(inputs, program, abs_=None):
    import torch

    values = [Value(x) for x in inputs]
    out = build(program, values, constant=lambda c: c)
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]
    torch_out = build(program, tensors, constant=lambda c: c)
    if not math.isfinite(torch_out.item()):
        return  # overflow or a domain edge: the edge tests cover those one by one
    out.backward()
    torch_out.backward()
    if abs_ is None:
        abs_ = 1e-9 * largest_term(out)
    assert same_float(out.data, torch_out.item(), rel=1e-10, abs_=abs_)
    for v, t in zip(values, tensors):
        torch_grad = 0.0 if t.grad is None else t.grad.item()
        if math.isfinite(torch_grad):
            assert same_float(v.grad, torch_grad, rel=1e-9, abs_=abs_), (v.grad, torch_grad)


@settings(max_examples=300, deadline=None)
@given(
    inputs=st.lists(numbers, min_size=1, max_size=4),
    program=st.lists(steps(numbers), min_size=1, max_size=12),
)
def test_random_expression_graphs_match_torch(inputs, program):
    assert_graph_matches_torch(inputs, program, abs_=1e-9)  # rounding differences may cancel to a tiny absolute error


@settings(max_examples=300, deadline=None)
@given(
    inputs=st.lists(edge_numbers, min_size=1, max_size=4),
    program=st.lists(steps(edge_numbers), min_size=1, max_size=8),
)
def test_random_expression_graphs_at_extreme_magnitudes_match_torch(inputs, program):
    assert_graph_matches_torch(inputs, program)  # relative to the terms' size: 1e-20 against 0 fails at 1e-160
