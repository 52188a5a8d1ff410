"""Random expression graphs (hypothesis), with reused nodes and constants, against PyTorch float64."""

import math

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd import Value

from conftest import ARITHMETIC, same_float

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
operand = st.one_of(
    st.integers(min_value=0, max_value=30).map(lambda i: ("node", i)), numbers.map(lambda c: ("const", c))
)
step = st.one_of(
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


def close(ours, theirs, rel):
    return same_float(ours, theirs, rel=rel, abs_=rel)


@settings(max_examples=300, deadline=None)
@given(
    inputs=st.lists(numbers, min_size=1, max_size=4),
    program=st.lists(step, min_size=1, max_size=12),
)
def test_random_expression_graphs_match_torch(inputs, program):
    values = [Value(x) for x in inputs]
    out = build(program, values, constant=lambda c: c)
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]
    torch_out = build(program, tensors, constant=lambda c: c)
    if not math.isfinite(torch_out.item()):
        return  # overflow or a domain edge: the edge tests cover those one by one
    out.backward()
    torch_out.backward()
    assert close(out.data, torch_out.item(), 1e-10)
    for v, t in zip(values, tensors):
        torch_grad = 0.0 if t.grad is None else t.grad.item()
        if math.isfinite(torch_grad):
            assert close(v.grad, torch_grad, 1e-9), (v.grad, torch_grad)
