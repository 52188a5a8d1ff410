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


def test_zero_to_the_power_minus_inf_is_inf_on_every_python():
    # C's pow and PyTorch give +inf for either zero; Python's math.pow raised ValueError there before 3.11
    assert (Value(0.0) ** Value(-INF)).data == INF
    assert (Value(-0.0) ** -INF).data == INF


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


def test_division_gradient_does_not_square_the_divisor(matches_torch):
    # b * b overflows (or underflows) where -(a/b)/b, PyTorch's formula, does not: torch gives -1e-20 and -0.0
    matches_torch(lambda a, b: a / b, 1e300, 1e160)
    matches_torch(lambda a, b: a / b, 0.0, 5e-324)
    matches_torch(lambda a, b: a / b, 1e-300, 1e-160)


def test_number_divided_by_a_value_is_reciprocal_times_the_number_like_torch(matches_torch):
    matches_torch(lambda x: 1e308 / x, 1e155)  # torch: -0.01, where -1e308 / (x * x) would give 0
    matches_torch(lambda x: 2.0 / x, 1e-160)
    assert (2.0 / Value(4.0))._prev[0]._op == "reciprocal"


def test_value_to_a_zero_value_power_passes_no_nan_to_its_base(matches_torch):
    # The outer power's exponent gradient is 0 * log(-3) = nan; torch's where() stops it at the inner x ** 0
    matches_torch(lambda v, zero: (v ** ((2.5**v) ** zero) - 5).relu(), -3.0, 0.0)
    v = Value(-3.0)
    (v ** ((2.5**v) ** Value(0.0)) - 5).relu().backward()
    assert v.grad == 0.0


def test_zero_base_to_a_value_power_multiplies_its_exponent_gradient_by_zero_like_torch(matches_torch):
    # Unlike the base's edge at exponent 0, torch does not cut this one: 0 times an incoming nan is nan
    matches_torch(lambda x, y: (x**y) * (x - 1).log(), 0.0, 2.0)
    matches_torch(lambda x, y: (x**y) * 3.0, 0.0, 2.0)


def test_minus_zero_to_a_power_just_above_minus_one_is_plus_inf(matches_torch):
    # -0.9999999999999999 % 2 rounds to 1.0, which made the exponent look odd and the result -inf
    assert (Value(-0.0) ** -0.9999999999999999).data == INF
    matches_torch(lambda x: x**-0.9999999999999999, -0.0)
    matches_torch(lambda x, y: x**y, -0.0, -0.9999999999999999)
    matches_torch(lambda x: x**-1.0000000000000002, -0.0)


def test_a_gradient_reaches_a_numerator_or_a_log_input_as_grad_over_x_like_torch(matches_torch):
    # 1/1e-310 is inf, but torch computes grad / x: 1e-10 / 1e-310 = 1e300, and 0 / 1e-310 = 0 below a dead relu
    matches_torch(lambda a, b: (a / b) * 1e-10, 1.0, 1e-310)
    matches_torch(lambda a: (a / 1e-310) * 1e-10, 1.0)
    matches_torch(lambda x: x.log() * 1e-10, 1e-310)
    matches_torch(lambda x: x.log().relu(), 1e-310)
    matches_torch(lambda a, b: (a / b) * 3.0, 1.0, 1e308)  # 1/1e308 is subnormal: (1/b) * 3 loses digits
