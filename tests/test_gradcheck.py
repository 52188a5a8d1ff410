"""micrograd.gradcheck: our derivatives against central differences. Its tests show that it catches small errors."""

import math
import re

import pytest

from micrograd import Value, custom_op, gradcheck, linear
from micrograd import sum as value_sum
from micrograd.functional import GradcheckError

# A tolerance ten times tighter than an error of 0.1%, and still far above central differences' own error (~1e-10).
TIGHT = {"rtol": 1e-4, "atol": 1e-7}

softplus = custom_op("softplus_for_gradcheck", lambda x: math.log1p(math.exp(x)), lambda x: x.sigmoid())
softplus_off_by_a_thousandth = custom_op(
    "softplus_off_by_a_thousandth", lambda x: math.log1p(math.exp(x)), lambda x: x.sigmoid() * 1.001
)
softplus_off_by_a_hundredth = custom_op(
    "softplus_off_by_a_hundredth", lambda x: math.log1p(math.exp(x)), lambda x: x.sigmoid() * 1.01
)
# x³ with a first derivative that is right but whose own derivative is 0.1% off: the Value x ** 2.002 / x.data ** 0.002
# equals x² (x.data is a number, so it is a constant), but differentiates to 2.002 x.
cube_with_wrong_second_derivative = custom_op(
    "cube_with_wrong_second_derivative", lambda x: x**3, lambda x: x**2.002 * (3 / x.data**0.002)
)


def numbers_in(message):
    return [float(n) for n in re.findall(r"is (\S+) by backpropagation but (\S+) by central differences", message)[0]]


@pytest.mark.parametrize(
    "f, point",
    [
        (lambda x, y: x * y + x / y - y**x, [1.3, 0.7]),
        (lambda x, y: (x * y).tanh() + (x - y).sigmoid() + (x + 2).log() + x.exp() + (x * y).relu(), [0.4, 1.1]),
        (lambda x, y: x**3 + 2**y + 1 / x + x**-0.5, [0.9, -0.4]),
        (lambda x, y, z: linear([x, y], [z, x], y) * value_sum([x, y, z, 1.0]), [0.5, -1.5, 2.0]),
        (lambda x: softplus(x) * softplus(x * x), [0.3]),
    ],
)
def test_correct_derivatives_pass_first_and_second_order(f, point):
    assert gradcheck(f, point) is True
    assert gradcheck(f, point, order=2) is True
    assert gradcheck(f, point, order=2, **TIGHT) is True


def test_catches_a_first_derivative_wrong_by_a_thousandth():
    assert gradcheck(lambda x: softplus(x), [0.5], **TIGHT)
    with pytest.raises(GradcheckError, match=r"d\(output\)/d\(input 0 \(x\)\)") as error:
        gradcheck(lambda x: softplus_off_by_a_thousandth(x), [0.5], **TIGHT)
    ours, numeric = numbers_in(str(error.value))
    assert ours == pytest.approx(1.001 / (1 + math.exp(-0.5)), rel=1e-12)
    assert numeric == pytest.approx(1 / (1 + math.exp(-0.5)), rel=1e-8)


def test_the_default_tolerances_catch_a_derivative_wrong_by_a_hundredth():
    # PyTorch's defaults (rtol=1e-3) let an error of 0.1% through by design; 1% does not pass.
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: softplus_off_by_a_hundredth(x), [0.5])


def test_names_the_input_that_disagrees_and_both_numbers():
    def f(weight, bias):
        return weight * 2 + softplus_off_by_a_thousandth(bias)

    with pytest.raises(GradcheckError) as error:
        gradcheck(f, [3.0, -0.25], **TIGHT)
    message = str(error.value)
    assert "input 1 (bias)" in message and "input 0" not in message
    ours, numeric = numbers_in(message)
    assert ours == pytest.approx(numeric * 1.001, rel=1e-8)


def test_inputs_without_parameter_names_are_named_by_position():
    with pytest.raises(GradcheckError, match=r"d\(output\)/d\(input 1\) at \[1.0, 0.5\]"):
        gradcheck(lambda *xs: xs[0] + softplus_off_by_a_hundredth(xs[1]), [1.0, 0.5])


def test_order_2_catches_a_second_derivative_wrong_by_a_thousandth():
    def f(x):
        return cube_with_wrong_second_derivative(x)

    assert gradcheck(f, [1.5], **TIGHT)  # the first derivative is right
    with pytest.raises(GradcheckError, match=r"d²\(output\)/d\(input 0 \(x\)\)d\(input 0 \(x\)\)") as error:
        gradcheck(f, [1.5], order=2, **TIGHT)
    ours, numeric = numbers_in(str(error.value))
    assert (ours, numeric) == (pytest.approx(2.002 * 3 * 1.5, rel=1e-9), pytest.approx(6 * 1.5, rel=1e-6))


def test_order_2_names_a_cross_derivative():
    # x * y, where d/dx is y ** 1.001 / y.data ** 0.001: the value y, but its derivative by y is 1.001 instead of 1
    product = custom_op(
        "product_with_wrong_cross_derivative", lambda x, y: x * y, lambda x, y: (y**1.001 / y.data**0.001, x)
    )

    def f(x, y):
        return product(x, y)

    assert gradcheck(f, [1.5, 0.8], **TIGHT)
    with pytest.raises(GradcheckError, match=r"d²\(output\)/d\(input 0 \(x\)\)d\(input 1 \(y\)\)"):
        gradcheck(f, [1.5, 0.8], order=2, **TIGHT)


def test_a_nan_derivative_fails():
    with pytest.raises(GradcheckError, match="is nan by backpropagation"):
        gradcheck(lambda x: x**0.5 * 0.0 + (x - 1).relu(), [0.0])


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="order=1 or order=2, got 3"):
        gradcheck(lambda x: x, [1.0], order=3)
    with pytest.raises(TypeError, match="list of numbers"):
        gradcheck(lambda x: x, 1.0)
    with pytest.raises(TypeError, match="list of numbers, got a Value"):
        gradcheck(lambda x: x, [Value(1.0)])
    with pytest.raises(TypeError, match="return a Value"):
        gradcheck(lambda x: 1.0, [1.0])
