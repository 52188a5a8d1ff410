"""The domain edges named in the engine issue, one test each: the value and the gradient PyTorch float64 gives."""

import math

from micrograd import Value

INF, NAN = math.inf, math.nan


def value_and_grad(f, x):
    v = Value(x)
    out = f(v)
    out.backward()
    return out.data, v.grad


def test_log_of_zero_is_minus_inf_and_its_gradient_is_inf():
    assert value_and_grad(lambda x: x.log(), 0.0) == (-INF, INF)


def test_log_of_a_negative_number_is_nan_like_torch():
    value, grad = value_and_grad(lambda x: x.log(), -1.0)
    assert math.isnan(value) and grad == -1.0


def test_exp_overflows_to_inf_and_underflows_to_zero():
    assert value_and_grad(lambda x: x.exp(), 1000.0) == (INF, INF)
    assert value_and_grad(lambda x: x.exp(), -1000.0) == (0.0, 0.0)


def test_tanh_saturates_to_plus_and_minus_one():
    assert value_and_grad(lambda x: x.tanh(), 1000.0) == (1.0, 0.0)
    assert value_and_grad(lambda x: x.tanh(), -1000.0) == (-1.0, 0.0)


def test_sigmoid_of_large_inputs_does_not_overflow():
    assert value_and_grad(lambda x: x.sigmoid(), 1000.0) == (1.0, 0.0)
    assert value_and_grad(lambda x: x.sigmoid(), -1000.0) == (0.0, 0.0)


def test_negative_base_to_a_fractional_power_is_nan_not_complex():
    value, grad = value_and_grad(lambda x: x ** (1 / 3), -8.0)
    assert isinstance(value, float) and math.isnan(value) and math.isnan(grad)


def test_zero_to_a_negative_power_is_inf_and_its_gradient_is_minus_inf():
    assert value_and_grad(lambda x: x**-1, 0.0) == (INF, -INF)


def test_relu_derivative_at_zero_is_zero():
    assert value_and_grad(lambda x: x.relu(), 0.0) == (0.0, 0.0)


def test_relu_of_nan_is_nan_and_passes_the_gradient_like_torch():
    value, grad = value_and_grad(lambda x: x.relu(), NAN)
    assert math.isnan(value) and grad == 1.0


def test_division_by_zero_gives_signed_infinities_not_an_exception():
    assert (Value(1.0) / 0).data == INF
    assert (Value(-1.0) / 0).data == -INF
    assert math.isnan((Value(0.0) / 0).data)
    assert (1 / Value(-0.0)).data == -INF


def test_power_that_overflows_is_inf_with_the_right_sign():
    assert (Value(10.0) ** 400).data == INF
    assert (Value(-10.0) ** 401).data == -INF
    assert (Value(-10.0) ** Value(400.0)).data == INF


def test_derivative_of_x_to_the_zero_is_zero_even_at_zero():
    assert value_and_grad(lambda x: x**0, 0.0) == (1.0, 0.0)
