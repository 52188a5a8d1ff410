"""Float arithmetic with PyTorch's (C's) answers where Python's math module would raise: log(0) is -inf, exp(1000) is
inf, (-8) ** (1/3) is nan, 1 / 0 is inf. The engine (micrograd/autograd.py) computes every result and local derivative
with these, and the compiled programs (micrograd/compiler/) replay them."""

import math
import numbers

from micrograd.messages import short_repr


def divide(a, b):
    """a / b, with ±inf or nan for a zero divisor instead of ZeroDivisionError."""
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0 or a != a:  # 0/0 and nan/0
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)


def c_pow(base, exponent):
    """base ** exponent as C's pow computes it: nan for a negative base and a fractional exponent, ±inf on overflow."""
    try:
        return math.pow(base, exponent)
    except ValueError:  # (-8) ** (1/3), or 0 ** negative (also 0 ** -inf before Python 3.11)
        if base != 0:
            return math.nan
    except OverflowError:
        pass
    # The result is infinite; it is negative only for a negative base (-0.0 included) and an odd integer exponent.
    odd = math.isfinite(exponent) and abs(math.fmod(exponent, 2)) == 1  # fmod is exact; % rounds
    negative = math.copysign(1.0, base) < 0 and odd
    return -math.inf if negative else math.inf


def power(x, n):
    """x ** n for a constant n, as PyTorch computes it: exact shortcuts for the common exponents, C's pow otherwise."""
    if n == 2:
        return x * x
    if n == 3:
        return x * x * x
    if n == -1:
        return divide(1.0, x)
    if n == -2:
        return divide(1.0, x * x)
    if n == 0.5:
        return sqrt(x)
    if n == -0.5:
        return divide(1.0, sqrt(x))
    return c_pow(x, n)


def sqrt(x):
    return math.sqrt(x) if x >= 0 else math.nan  # sqrt(-0.0) is -0.0, as in C


def exp(x):
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def log(x):
    if x > 0:
        return math.log(x)
    return -math.inf if x == 0 else math.nan  # log(0) = -inf; log of a negative number (or nan) = nan


def float_or_none(x):
    """x as a float if it is a real number (int, float, bool, Fraction, numpy scalar...), else None."""
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real):
        try:
            return float(x)
        except OverflowError:
            raise ValueError(f"{type(x).__name__} {short_repr(x)} is too large for a float") from None
    return None
