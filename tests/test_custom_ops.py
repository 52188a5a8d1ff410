"""micrograd.custom_op: a new operation from a forward function and a derivative rule written with Values."""

import math

import pytest
from test_higher_order import our_derivatives, torch_derivatives

from micrograd import Value, custom_op, grad, gradcheck, no_grad

softplus = custom_op("softplus", lambda x: math.log1p(math.exp(x)), lambda x: x.sigmoid())
hypot = custom_op(
    "hypot",
    math.hypot,
    lambda x, y: (x / (x * x + y * y) ** 0.5, y / (x * x + y * y) ** 0.5),
)


def test_a_custom_op_is_one_node_with_its_local_derivatives_stored():
    x = Value(0.5)
    y = softplus(x)
    assert y._op == "softplus" and y._prev == (x,)
    assert y.data == math.log1p(math.exp(0.5))
    assert y._local_grads == (1 / (1 + math.exp(-0.5)),)


@pytest.mark.torch
def test_backward_through_a_custom_op_matches_torch():
    import torch

    x = Value(0.5)
    (softplus(x) * x).backward()
    tx = torch.tensor(0.5, requires_grad=True)
    (torch.nn.functional.softplus(tx) * tx).backward()
    assert x.grad == pytest.approx(tx.grad.item(), rel=1e-14)


@pytest.mark.torch
@pytest.mark.parametrize("point", [-2.0, 0.0, 0.7, 3.5])
def test_higher_derivatives_of_a_custom_op_match_torch(point):
    import torch

    ours = our_derivatives(lambda x: softplus(x * x) * x, [point], order=3)
    theirs = torch_derivatives(lambda x: torch.nn.functional.softplus(x * x) * x, [point], order=3)
    for indices, value in theirs.items():
        assert ours[indices] == pytest.approx(value, rel=1e-12, abs=1e-14), indices


@pytest.mark.torch
def test_a_custom_op_with_two_inputs_matches_torch_to_third_order():
    import torch

    ours = our_derivatives(lambda x, y: hypot(x, y * x), [0.6, -1.7], order=3)
    theirs = torch_derivatives(lambda x, y: torch.hypot(x, y * x), [0.6, -1.7], order=3)
    for indices, value in theirs.items():
        assert ours[indices] == pytest.approx(value, rel=1e-12, abs=1e-14), indices


def test_custom_ops_pass_gradcheck_first_and_second_order():
    assert gradcheck(lambda x: softplus(x), [0.3], order=2, rtol=1e-6, atol=1e-8)
    assert gradcheck(lambda x, y: hypot(x, y) * softplus(y), [0.6, -1.7], order=2, rtol=1e-6, atol=1e-8)


def test_a_custom_op_accepts_numbers_as_inputs():
    y = Value(2.0)
    out = hypot(3.0, y * 2)
    assert out.data == 5.0
    assert grad(out, y)[0].data == pytest.approx(2 * 4 / 5)


def test_a_custom_op_under_no_grad_is_a_constant():
    with no_grad():
        y = softplus(Value(1.0))
    assert y._prev == () and y.data == math.log1p(math.e)


def test_the_derivative_may_be_a_plain_number():
    double = custom_op("double", lambda x: 2 * x, lambda x: 2)
    x = Value(3.0)
    (d,) = grad(double(x) * x, x, create_graph=True)
    assert d.data == 12.0 and grad(d, x)[0].data == 4.0


def test_defining_an_op_again_replaces_its_rule():
    first = custom_op("redefined", lambda x: x, lambda x: 1.0)
    second = custom_op("redefined", lambda x: 3 * x, lambda x: 3.0)
    x = Value(1.0)
    assert grad(second(x), x, create_graph=True)[0].data == 3.0
    assert first.__name__ == second.__name__ == "redefined"


def test_bad_definitions_are_clear_errors():
    with pytest.raises(TypeError, match="non-empty str"):
        custom_op("", math.exp, lambda x: x.exp())
    with pytest.raises(ValueError, match="built-in operation 'tanh'"):
        custom_op("tanh", math.tanh, lambda x: 1 - x.tanh() ** 2)
    with pytest.raises(ValueError, match=r"built-in operation '\*\*3'"):
        custom_op("**3", lambda x: x**3, lambda x: 3 * x**2)
    with pytest.raises(TypeError, match="forward function and a derivative function"):
        custom_op("no_rule", math.exp, None)


def test_bad_results_of_the_user_functions_are_clear_errors():
    two_derivatives = custom_op("two_derivatives", math.exp, lambda x: (x.exp(), x.exp()))
    with pytest.raises(ValueError, match="'two_derivatives' gave 2 derivatives for 1 inputs"):
        two_derivatives(Value(1.0))
    text_forward = custom_op("text_forward", lambda x: "one", lambda x: x)
    with pytest.raises(TypeError, match="forward function of 'text_forward' must return a number"):
        text_forward(Value(1.0))
    text_derivative = custom_op("text_derivative", math.exp, lambda x: "one")
    with pytest.raises(TypeError, match="derivative of 'text_derivative' must give Values or numbers"):
        text_derivative(Value(1.0))
    with pytest.raises(TypeError, match="Value needs a real number"):
        softplus("1.0")
