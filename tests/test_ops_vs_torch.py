"""Every operation and every reflected form: value and gradient equal PyTorch float64, at ordinary points and at the
domain edges (0, ±1000, ±inf, nan, negative bases, magnitudes near overflow and underflow, subnormals...)."""

import itertools
import math

import pytest

from conftest import assert_matches_torch

pytestmark = pytest.mark.torch  # every test here compares with PyTorch

ORDINARY = [-3.7, -1.0, -0.5, 0.25, 1.0, 2.0, 3.7]
EDGES = [0.0, -0.0, 1000.0, -1000.0, 745.0, -745.0, math.inf, -math.inf, math.nan]
# Where squaring overflows or underflows while the result does not: 1e155² and 1e160² are inf, 1e-300² is 0.
MAGNITUDES = [1e300, -1e300, 1e160, 1e155, 1e-155, 1e-300, -1e-300, 5e-324]
POINTS = ORDINARY + EDGES + MAGNITUDES

UNARY = {
    "relu": lambda a: a.relu(),
    "tanh": lambda a: a.tanh(),
    "sigmoid": lambda a: a.sigmoid(),
    "exp": lambda a: a.exp(),
    "log": lambda a: a.log(),
    "neg": lambda a: -a,
}

BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
}

CONSTANTS = [2, 3, -1, -2, 0.5, -0.5, 1 / 3, 0, 1, -2.5, 4, 1e308, 1e-300]

WITH_A_CONSTANT = {
    "v + c": lambda c: lambda a: a + c,
    "c + v": lambda c: lambda a: c + a,
    "v - c": lambda c: lambda a: a - c,
    "c - v": lambda c: lambda a: c - a,
    "v * c": lambda c: lambda a: a * c,
    "c * v": lambda c: lambda a: c * a,
    "v / c": lambda c: lambda a: a / c,
    "c / v": lambda c: lambda a: c / a,
    "v ** c": lambda c: lambda a: a**c,
    "c ** v": lambda c: lambda a: c**a,
}


@pytest.mark.parametrize("x", POINTS)
@pytest.mark.parametrize("op", UNARY)
def test_unary_op_matches_torch(op, x):
    assert_matches_torch(UNARY[op], x)


@pytest.mark.parametrize("x, y", list(itertools.product(POINTS, repeat=2)))
@pytest.mark.parametrize("op", BINARY)
def test_binary_op_matches_torch(op, x, y):
    assert_matches_torch(BINARY[op], x, y)


@pytest.mark.parametrize("x", POINTS)
@pytest.mark.parametrize("c", CONSTANTS)
@pytest.mark.parametrize("form", WITH_A_CONSTANT)
def test_operation_with_a_plain_number_matches_torch(form, c, x):
    assert_matches_torch(WITH_A_CONSTANT[form](c), x)


def test_same_value_used_twice_matches_torch():
    assert_matches_torch(lambda a: a * a + a / a - a**a, 1.7)
