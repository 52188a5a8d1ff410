"""micrograd.detect_anomaly(): the first nan or inf, in forward or backward, names its operation and its line."""

import gc
import math

import pytest

from micrograd import Value, custom_op, detect_anomaly, grad, no_grad
from micrograd.anomaly import ANOMALY_CHECKER
from micrograd.modes import GradMode, thread_modes


def test_forward_nan_or_inf_names_the_op_and_the_users_line():
    x = Value(0.0)
    with detect_anomaly():
        with pytest.raises(RuntimeError) as error:
            x.log()  # the offending line
    message = str(error.value)
    assert "'log' returned -inf from (0.0)" in message
    assert __file__ in message and "test_forward_nan_or_inf_names_the_op_and_the_users_line" in message
    assert "x.log()  # the offending line" in message


def test_forward_nan_is_caught_too():
    with detect_anomaly():
        with pytest.raises(RuntimeError, match=r"'\*\*0.5' returned nan from \(-4.0\)"):
            Value(-4.0) ** 0.5


def test_backward_inf_names_the_op_and_where_it_was_created():
    x = Value(0.0)
    with detect_anomaly():
        root = x**0.5  # finite (0.0), but its derivative at 0 is inf
        out = root * 3
        with pytest.raises(RuntimeError) as error:
            out.backward()
    message = str(error.value)
    assert "the backward of '**0.5' gave inf as the gradient of its input 0" in message
    assert "root = x**0.5  # finite (0.0)" in message and __file__ in message


def test_backward_nan_from_zero_times_inf_is_caught():
    x = Value(0.0)
    with detect_anomaly():
        out = (x**0.5) * 0.0
        with pytest.raises(
            RuntimeError, match=r"backward of '\*\*0.5' gave nan.*local derivative inf times gradient 0.0"
        ):
            out.backward()


def test_grad_is_checked_as_well():
    with detect_anomaly():
        x = Value(0.0)
        out = x**0.5
        with pytest.raises(RuntimeError, match=r"backward of '\*\*0.5' gave inf"):
            grad(out, x)
        with pytest.raises(RuntimeError, match=r"'\*\*-0.5' returned inf"):  # the derivative 0.5 * x**-0.5 as a Value
            grad(out, x, create_graph=True)


def test_values_made_before_detect_anomaly_are_reported_without_a_place():
    x = Value(0.0)
    out = x**0.5
    with detect_anomaly():
        with pytest.raises(RuntimeError, match=r"created outside detect_anomaly\(\)"):
            out.backward()


def test_finite_computations_work_as_usual_inside_detect_anomaly():
    a, b = Value(-4.0), Value(2.0)

    def f(a, b):
        return (a * b + b**3).tanh() + (a / b).exp() * a.sigmoid() - (b.log() + a.relu())

    with detect_anomaly():
        out = f(a, b)
        out.backward()
        checked = (out.data, a.grad, b.grad)
        second = grad(grad(out, a, create_graph=True)[0], b)[0].data
    a.grad = b.grad = 0.0
    out = f(a, b)
    out.backward()
    assert checked == (out.data, a.grad, b.grad)
    assert second == grad(grad(out, a, create_graph=True)[0], b)[0].data


def test_detect_anomaly_restores_the_fast_path_on_exit_and_on_errors():
    with detect_anomaly():
        assert thread_modes.anomaly is not None
    assert (GradMode.enabled, thread_modes.anomaly) == (True, None)
    with pytest.raises(RuntimeError):
        with detect_anomaly():
            Value(0.0).log()
    assert (GradMode.enabled, thread_modes.anomaly) == (True, None)


def test_no_grad_inside_detect_anomaly_records_nothing_but_still_checks():
    with detect_anomaly():
        with no_grad():
            y = Value(2.0) * 3
            assert y._prev == ()
            with pytest.raises(RuntimeError, match="'exp' returned inf"):
                Value(1000.0).exp()
        z = Value(2.0) * 3
        assert z._prev != ()  # recording is back, still under detect_anomaly
    assert (GradMode.enabled, thread_modes.anomaly) == (True, None)


def test_detect_anomaly_inside_no_grad_leaves_recording_off():
    with no_grad():
        with detect_anomaly():
            assert (Value(2.0) * 3)._prev == ()
        assert (Value(2.0) * 3)._prev == ()


def test_detect_anomaly_as_a_decorator():
    @detect_anomaly
    def f(x):
        return x.log()

    with pytest.raises(RuntimeError, match="'log' returned nan"):
        f(Value(-1.0))
    assert thread_modes.anomaly is None


def test_a_custom_op_is_reported_at_the_users_line():
    reciprocal = custom_op("reciprocal_for_anomaly_test", lambda x: math.inf if x == 0 else 1 / x, lambda x: -(x**-2))
    with detect_anomaly():
        with pytest.raises(RuntimeError) as error:
            reciprocal(Value(0.0))  # the user's line
    assert "'reciprocal_for_anomaly_test' returned inf" in str(error.value)
    assert "reciprocal(Value(0.0))  # the user's line" in str(error.value)


def test_creation_sites_are_freed_with_their_values():
    gc.collect()  # Values that earlier tests' tracebacks kept
    before = len(ANOMALY_CHECKER.creation_sites)
    with detect_anomaly():
        x = Value(1.0)
        nodes = [x * i for i in range(100)]
        assert len(ANOMALY_CHECKER.creation_sites) == before + 100
        del nodes  # reference counting frees them at once: no cycle collection needed
        assert len(ANOMALY_CHECKER.creation_sites) == before
