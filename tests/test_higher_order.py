"""Gradients of gradients: grad(..., create_graph=True) against torch.autograd.grad(..., create_graph=True), float64."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import micrograd
from micrograd import Value, grad

from conftest import ARITHMETIC, same_float

# --- ours and PyTorch's derivatives of every order, with 0 for "does not depend on"


def our_derivatives(f, xs, order):
    """All partial derivatives of f at xs up to `order`: {(i, j, ...): value} for every tuple of input indices."""
    values = [Value(x) for x in xs]
    results = {(): f(*values)}
    for level in range(order):
        for indices in [k for k in results if len(k) == level]:
            gradient = grad(results[indices], values, create_graph=True)
            for i, g in enumerate(gradient):
                results[(*indices, i)] = g
    return {k: v.data for k, v in results.items()}


def torch_derivatives(f, xs, order):
    import torch

    tensors = [torch.tensor(float(x), dtype=torch.float64, requires_grad=True) for x in xs]
    results = {(): f(*tensors)}
    for level in range(order):
        for indices in [k for k in results if len(k) == level]:
            out = results[indices]
            if not out.requires_grad:  # a constant: every derivative of it is 0
                gradient = [None] * len(tensors)
            else:
                gradient = torch.autograd.grad(out, tensors, create_graph=True, allow_unused=True)
            for i, g in enumerate(gradient):
                results[(*indices, i)] = torch.zeros(()) if g is None else g
    return {k: v.item() for k, v in results.items()}


def assert_derivatives_match_torch(f, xs, order, rel=1e-9):
    ours, theirs = our_derivatives(f, xs, order), torch_derivatives(f, xs, order)
    for indices, torch_value in theirs.items():
        if math.isfinite(torch_value):
            assert same_float(ours[indices], torch_value, rel=rel, abs_=rel), (indices, ours[indices], torch_value)


# --- each operation, second and third derivatives

OPERATIONS = {
    "a + b": lambda a, b: a + b,
    "a - b": lambda a, b: a - b,
    "a * b": lambda a, b: a * b,
    "a / b": lambda a, b: a / b,
    "a ** b": lambda a, b: a**b,
    "a + 3": lambda a, b: (a + 3) * b,
    "3 * a": lambda a, b: 3 * a * b,
    "a / 3": lambda a, b: a / 3 * b,
    "3 / a": lambda a, b: 3 / a * b,
    "3 - a": lambda a, b: (3 - a) * b,
    "2 ** a": lambda a, b: 2**a * b,
    "-a": lambda a, b: -a * b,
    "a ** 2": lambda a, b: a**2 * b,
    "a ** 3": lambda a, b: a**3 * b,
    "a ** -1": lambda a, b: a**-1 * b,
    "a ** -2": lambda a, b: a**-2 * b,
    "a ** 0.5": lambda a, b: a**0.5 * b,
    "a ** -0.5": lambda a, b: a**-0.5 * b,
    "a ** 2.5": lambda a, b: a**2.5 * b,
    "a ** 1": lambda a, b: a**1 * b,
    "a ** 0": lambda a, b: a**0 * b,
    "relu": lambda a, b: (a * b).relu() * a,
    "tanh": lambda a, b: (a * b).tanh(),
    "sigmoid": lambda a, b: (a * b).sigmoid(),
    "exp": lambda a, b: (a * b).exp(),
    "log": lambda a, b: (a * b).log(),
}


@pytest.mark.torch
@pytest.mark.parametrize("name", OPERATIONS)
@pytest.mark.parametrize("point", [(0.7, 1.3), (1.9, -0.4), (-1.2, -0.8)])
def test_second_and_third_derivatives_of_each_operation_match_torch(name, point):
    assert_derivatives_match_torch(OPERATIONS[name], point, order=3)


@pytest.mark.torch
@pytest.mark.parametrize("point", [(0.7, 1.3, -0.5), (-1.5, 2.0, 0.25)])
def test_derivatives_of_the_fused_linear_and_sum_match_torch(point):
    def ours(a, b, c):
        return micrograd.linear([a, b * b, 2.0], [c, a, b], c * a).tanh() * micrograd.sum([a * b, c, 1.0, a])

    def theirs(a, b, c):
        return (c * a + a * c + b * b * a + 2.0 * b).tanh() * (a * b + c + 1.0 + a)

    ours_all, theirs_all = our_derivatives(ours, point, 3), torch_derivatives(theirs, point, 3)
    for indices, torch_value in theirs_all.items():
        assert same_float(ours_all[indices], torch_value, rel=1e-9, abs_=1e-12), indices


def test_relu_has_zero_second_derivative_and_cuts_where_dead():
    def square_of_relu(a):
        return a.relu() * a.relu()

    assert our_derivatives(square_of_relu, [1.5], 3) == {(): 2.25, (0,): 3.0, (0, 0): 2.0, (0, 0, 0): 0.0}
    assert our_derivatives(square_of_relu, [-1.5], 2) == {(): 0.0, (0,): 0.0, (0, 0): 0.0}


@pytest.mark.torch
def test_power_of_a_value_at_zero_base_and_exponent_matches_torch_masks():
    # torch takes d(a**b)/db as 0 where a == 0 and b >= 0, and d(a**b)/da as 0 where b == 0, also in double backward
    assert_derivatives_match_torch(lambda a, b: a**b, [0.0, 2.0], order=3)
    assert_derivatives_match_torch(lambda a, b: a**b, [1.5, 0.0], order=3)


def test_fifth_derivative_of_a_power():
    x = Value(2.0)
    derivative = x**6
    for _ in range(5):
        (derivative,) = grad(derivative, x, create_graph=True)
    assert derivative.data == 6 * 5 * 4 * 3 * 2 * 2.0


@pytest.mark.torch
def test_inputs_unused_in_the_gradient_get_zero_higher_derivatives_like_torch():
    def f(x, y, z):
        return x * y + z  # d/dz = 1: a constant, so every derivative of it is 0

    assert_derivatives_match_torch(f, [0.5, -2.0, 3.0], order=3)
    x, y, z = Value(0.5), Value(-2.0), Value(3.0)
    _, _, dz = grad(f(x, y, z), [x, y, z], create_graph=True)
    assert dz._prev == () and [g.data for g in grad(dz, [x, y, z])] == [0.0, 0.0, 0.0]


def test_no_perturbation_confusion():
    # d/dx [x * (d/dy (x + y))] at x = y = 1 is 1: the inner derivative is the constant 1, not something of x
    x, y = Value(1.0), Value(1.0)
    (inner,) = grad(x + y, y, create_graph=True)
    (outer,) = grad(x * inner, x)
    assert outer.data == 1.0


def test_no_perturbation_confusion_when_the_inner_derivative_depends_on_x():
    # d/dx [x * (d/dy (x * y))] = d/dx [x * x] = 2x
    x, y = Value(3.0), Value(5.0)
    (inner,) = grad(x * y, y, create_graph=True)
    (outer,) = grad(x * inner, x)
    assert outer.data == 6.0


def test_second_derivative_graph_can_be_backpropagated_with_backward():
    x = Value(0.3)
    (dy_dx,) = grad(x.tanh(), x, create_graph=True)
    dy_dx.backward()
    t = math.tanh(0.3)
    assert x.grad == pytest.approx(-2 * t * (1 - t * t), rel=1e-15)


def test_every_method_of_value_that_makes_a_node_has_a_derivative_rule():
    # A new operation in the engine needs an entry in micrograd.functional.DERIVATIVE_RULES for create_graph=True.
    checked = []
    for name in [name for name in dir(Value) if not name.startswith("_")]:
        x = Value(0.7)
        try:
            out = getattr(x, name)()
        except TypeError:  # an attribute, or a method that needs arguments: not a one-input operation
            continue
        if isinstance(out, Value) and out._prev:
            (derivative,) = grad(out, x, create_graph=True)  # NotImplementedError when the rule is missing
            grad(derivative, x)
            checked.append(name)
    assert {"relu", "tanh", "sigmoid", "exp", "log"} <= set(checked)


def test_a_node_without_a_derivative_rule_is_a_clear_error():
    x = Value(2.0)
    y = x * x
    y._op = "mystery"  # as if made by some op that never registered a rule
    with pytest.raises(NotImplementedError, match="'mystery'.*custom_op"):
        grad(y, x, create_graph=True)
    assert grad(y, x)[0].data == 4.0  # first order needs only the stored floats


# --- random expressions with every operation (hypothesis)

UNARY = ["relu", "tanh", "sigmoid", "exp", "log", "neg", "scale"]
UNARY += ["square", "cube", "reciprocal", "sqrt_of", "two_to_the"]
BINARY = ["+", "-", "*", "/", "**", "linear", "sum"]


def apply(op, a, b, c):
    """The same step on Values or on tensors (linear and sum written out for tensors)."""
    on_values = isinstance(a, Value)
    if op == "neg":
        return -a
    if op == "square":
        return a**2
    if op == "cube":
        return a**3
    if op == "reciprocal":
        return 1 / a
    if op == "sqrt_of":  # a fractional power of a positive base
        return (a * a + 0.5) ** 0.5
    if op == "two_to_the":
        return 2**a
    if op == "scale":  # numbers folded into one-child nodes: '/', '+' and '*'
        return (a / 1.7 - 0.3) * 0.9
    if op in UNARY:
        return getattr(a, op)()
    if op in ARITHMETIC:
        return ARITHMETIC[op](a, b)
    if op == "**":
        return (a * a + 0.1) ** b  # a positive base, so that the result is real
    if op == "linear":  # the engine adds the bias first
        return micrograd.linear([a, b], [c, a], c) if on_values else c + c * a + a * b
    return micrograd.sum([a, b, 1.5, c]) if on_values else a + b + 1.5 + c


numbers = st.floats(min_value=-2, max_value=2, allow_nan=False).filter(lambda x: abs(x) > 0.1)
node_index = st.integers(min_value=0, max_value=20)
step = st.tuples(st.sampled_from(UNARY + BINARY), node_index, node_index)


def run(program, inputs):
    """All the nodes: each step applies an op to the latest node and (for more operands) earlier ones, so nodes are
    reused; the output mixes the last node with one from the middle, so that earlier branches matter."""
    nodes = list(inputs)
    for op, j, k in program:
        nodes.append(apply(op, nodes[-1], nodes[j % len(nodes)], nodes[k % len(nodes)]))
    nodes.append(nodes[-1] + nodes[len(nodes) // 2] * 0.5)
    return nodes


@pytest.mark.torch
@settings(max_examples=300, deadline=None)
@given(inputs=st.lists(numbers, min_size=1, max_size=3), program=st.lists(step, min_size=1, max_size=8))
def test_random_expressions_second_and_third_derivatives_match_torch(inputs, program):
    import torch

    def f(*xs):
        return run(program, xs)[-1]

    # With huge intermediate numbers, products of derivatives over- or underflow, and the order of the chain rule's
    # multiplications decides which; near 0, the large derivatives of 1/x and log(x) cancel to noise. In both cases
    # neither answer means anything, so such graphs are skipped (as the inputs keep away from 0).
    magnitudes = [abs(node.item()) for node in run(program, [torch.tensor(x) for x in inputs])]
    if not all(m == 0 or 0.1 < m < 1e8 for m in magnitudes):
        return
    theirs = torch_derivatives(f, inputs, order=3)
    if not all(abs(derivative) < 1e100 for derivative in theirs.values()):
        return
    ours = our_derivatives(f, inputs, order=3)
    # A derivative that cancels to (nearly) 0 is compared with a tolerance relative to the example's largest numbers.
    scale = max(1.0, *(abs(derivative) for derivative in theirs.values()))
    for indices, torch_value in theirs.items():
        assert same_float(ours[indices], torch_value, rel=1e-9, abs_=1e-9 * scale), (indices, ours[indices])


@pytest.mark.torch
def test_value_to_a_zero_value_power_cuts_its_base_also_with_create_graph():
    def f(v, zero):  # the exponent's edge carries 0 * nan = nan into x ** zero, whose base's edge is cut
        return (v ** ((2.5**v) ** zero) - 5).relu()

    ours_all, theirs_all = our_derivatives(f, [-3.0, 0.0], 1), torch_derivatives(f, [-3.0, 0.0], 1)
    assert all(same_float(ours_all[k], theirs_all[k]) for k in theirs_all), (ours_all, theirs_all)


@pytest.mark.torch
@pytest.mark.parametrize("point", [(1e300, 1e160), (1e-300, 1e-160), (3.0, 1e155)])
def test_derivatives_of_a_division_at_large_and_tiny_magnitudes_match_torch(point):
    assert_derivatives_match_torch(lambda a, b: a / b, point, order=2)
    assert_derivatives_match_torch(lambda a, b: 3 / b * a, point, order=2)
