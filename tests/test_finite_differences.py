"""Central finite differences agree with backward() for every operation, away from kinks and domain edges."""

import pytest

from micrograd import Value, linear
from micrograd import sum as value_sum

OPERATIONS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
    "pow by a number": lambda a, b: a**2.5 + b**-3,
    "number over value": lambda a, b: 2.0 / a - 3 / b,
    "number to the value": lambda a, b: 2.0**a + 0.5**b,
    "neg": lambda a, b: -a * b,
    "relu": lambda a, b: a.relu() + (-b).relu(),
    "tanh": lambda a, b: (a * b).tanh(),
    "sigmoid": lambda a, b: (a - b).sigmoid(),
    "exp": lambda a, b: (a / b).exp(),
    "log": lambda a, b: (a * b).log(),
    "sum": lambda a, b: value_sum([a, b, a, 3.0]),
    "linear": lambda a, b: linear([a, b, 2.0], [b, a, a], a),
}

POINTS = [(0.7, 1.3), (1.9, 0.4), (2.5, 1.1)]


def central_difference(f, xs, i, h=1e-6):
    up, down = list(xs), list(xs)
    up[i] += h
    down[i] -= h
    return (f(*map(Value, up)).data - f(*map(Value, down)).data) / (2 * h)


@pytest.mark.parametrize("xs", POINTS)
@pytest.mark.parametrize("name", OPERATIONS)
def test_backward_agrees_with_central_differences(name, xs):
    f = OPERATIONS[name]
    values = [Value(x) for x in xs]
    f(*values).backward()
    for i, v in enumerate(values):
        assert v.grad == pytest.approx(central_difference(f, xs, i), rel=1e-6, abs=1e-8)
