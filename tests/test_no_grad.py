"""micrograd.no_grad(): a context manager and a decorator inside which operations record no graph."""

import pytest

import micrograd
from micrograd import Value, no_grad


def records_graph():
    x = Value(1.0)
    return (x + 1)._prev != ()


def test_operations_inside_no_grad_are_constants():
    x = Value(2.0)
    with no_grad():
        y = (x * x).tanh() + micrograd.linear([x], [x], x) + micrograd.sum([x, x])
    assert y._prev == () and y._op == ""
    assert y.data == pytest.approx(0.999329299739067 + 6.0 + 4.0)


def test_no_grad_restores_recording_on_exit():
    with no_grad():
        assert not records_graph()
    assert records_graph()


def test_no_grad_restores_recording_when_an_exception_leaves_the_block():
    with pytest.raises(KeyError):
        with no_grad():
            raise KeyError("an error inside the block")
    assert records_graph()


def test_nested_no_grad_keeps_recording_off_until_the_outer_block_ends():
    with no_grad():
        with no_grad():
            assert not records_graph()
        assert not records_graph()
    assert records_graph()


def test_no_grad_as_a_decorator_with_and_without_parentheses():
    @no_grad()
    def evaluate(x):
        return x * x

    @no_grad
    def evaluate_too(x):
        return x * x

    x = Value(3.0)
    assert evaluate(x)._prev == () and evaluate_too(x)._prev == ()
    assert evaluate(x).data == 9.0 and evaluate.__name__ == "evaluate"
    assert records_graph()


def test_a_recursive_decorated_function_restores_recording():
    @no_grad
    def depth(n):
        assert not records_graph()
        return 0 if n == 0 else 1 + depth(n - 1)

    assert depth(3) == 3
    assert records_graph()


def test_an_optimizer_step_under_no_grad_builds_no_graph():
    w = Value(1.0)
    loss = (w * 3 - 1) ** 2
    loss.backward()
    with no_grad():
        w_new = w - 0.1 * w.grad  # an update written with Values
    assert w_new._prev == () and w_new.data == pytest.approx(1.0 - 0.1 * 12.0)


def test_backward_through_values_made_under_no_grad_stops_there():
    x = Value(2.0)
    with no_grad():
        constant = x * 5
    y = constant * x
    y.backward()
    assert x.grad == 10.0


def test_no_grad_takes_no_arguments_but_a_function():
    with pytest.raises(TypeError, match="no_grad"):
        no_grad(False)


def test_no_grad_on_a_generator_function_applies_to_its_body_like_torch():
    @no_grad
    def squares(xs):
        for x in xs:
            yield x * x

    @no_grad()
    def with_return_value():
        yield records_graph()
        return "done"

    x = Value(3.0)
    steps = squares([x, x])
    first = next(steps)
    assert first._prev == () and first.data == 9.0
    assert records_graph()  # between steps the caller's mode holds
    assert [y._prev for y in steps] == [()]
    inner = with_return_value()
    assert next(inner) is False
    with pytest.raises(StopIteration) as stop:
        next(inner)
    assert stop.value.value == "done" and records_graph()


def test_a_generator_under_no_grad_gets_thrown_exceptions_and_closes_inside_the_mode():
    seen = []

    @no_grad
    def watcher():
        try:
            while True:
                try:
                    yield
                except ValueError:
                    seen.append(("caught", records_graph()))
        finally:
            seen.append(("closed", records_graph()))

    steps = watcher()
    next(steps)
    steps.throw(ValueError("from the caller"))
    steps.close()
    assert seen == [("caught", False), ("closed", False)] and records_graph()
