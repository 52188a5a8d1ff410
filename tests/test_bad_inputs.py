"""Bad input gets a clear TypeError or ValueError naming the problem."""

from fractions import Fraction

import pytest

from micrograd import Value


@pytest.mark.parametrize("bad", ["2.0", None, [1.0], 1 + 2j, object(), Value(1.0)])
def test_value_refuses_anything_but_a_real_number_naming_its_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


@pytest.mark.parametrize("good, expected", [(2, 2.0), (True, 1.0), (Fraction(1, 4), 0.25), (-0.0, -0.0)])
def test_value_accepts_real_numbers_and_stores_a_float(good, expected):
    v = Value(good)
    assert type(v.data) is float and v.data == expected


def test_an_integer_too_large_for_a_float_is_a_value_error():
    with pytest.raises(ValueError, match="too large"):
        Value(10**400)
    with pytest.raises(ValueError, match="too large") as error:
        Value(10**4000)
    assert len(str(error.value)) < 200  # the number is cut short in the message


def test_label_must_be_a_string():
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


@pytest.mark.parametrize("bad", ["2", None, [1], 1j])
def test_operators_with_unsupported_operands_give_pythons_type_error(bad):
    v = Value(1.0)
    for op in (
        lambda: v + bad,
        lambda: bad + v,
        lambda: v - bad,
        lambda: bad - v,
        lambda: v * bad,
        lambda: v / bad,
        lambda: bad / v,
        lambda: v**bad,
        lambda: bad**v,
    ):
        with pytest.raises(TypeError):
            op()
