"""Threads: grad mode belongs to each thread (as in PyTorch), and backward() calls on a shared graph do not mix."""

import sys
import threading

import pytest

from micrograd import Value, detect_anomaly, no_grad


def records_graph():
    return (Value(1.0) + 1)._prev != ()


def run_in_thread(target):
    """Run target in a new thread; re-raise what it raised (an AssertionError included) here."""
    errors = []

    def wrapped():
        try:
            target()
        except BaseException as error:  # noqa: B036 -- handed back to the test
            errors.append(error)

    thread = threading.Thread(target=wrapped)
    thread.start()
    return thread, errors


def join(thread, errors):
    thread.join(timeout=60)
    assert not thread.is_alive()
    if errors:
        raise errors[0]


def test_no_grad_in_one_thread_leaves_the_other_threads_recording():
    inside, done = threading.Event(), threading.Event()

    def evaluate():
        with no_grad():
            assert not records_graph()
            inside.set()
            assert done.wait(timeout=60)
            assert not records_graph()

    thread, errors = run_in_thread(evaluate)
    assert inside.wait(timeout=60)
    x = Value(3.0)
    y = x * x
    y.backward()
    assert records_graph() and x.grad == 6.0  # 0.0 when no_grad() was process-wide
    done.set()
    join(thread, errors)


def test_interleaved_no_grad_blocks_in_two_threads_leave_recording_on():
    # A enters, B enters, A leaves, B leaves: with one process-wide mode, B restored "off" for good.
    a_inside, b_inside, a_left = threading.Event(), threading.Event(), threading.Event()

    def a():
        with no_grad():
            a_inside.set()
            assert b_inside.wait(timeout=60)
        a_left.set()
        assert records_graph()

    def b():
        assert a_inside.wait(timeout=60)
        with no_grad():
            b_inside.set()
            assert a_left.wait(timeout=60)
            assert not records_graph()
        assert records_graph()

    threads = [run_in_thread(a), run_in_thread(b)]
    for thread, errors in threads:
        join(thread, errors)
    assert records_graph()


def test_a_thread_starts_recording_even_if_its_creator_is_inside_no_grad():
    with no_grad():
        results = []
        thread, errors = run_in_thread(lambda: results.append(records_graph()))
        join(thread, errors)
    assert results == [True]


def test_detect_anomaly_belongs_to_the_thread_that_enters_it():
    inside, done = threading.Event(), threading.Event()

    def checked():
        with detect_anomaly():
            with pytest.raises(RuntimeError, match="detect_anomaly"):
                Value(0.0).log()
            inside.set()
            assert done.wait(timeout=60)

    thread, errors = run_in_thread(checked)
    assert inside.wait(timeout=60)
    assert Value(0.0).log().data == -float("inf")  # no error here: this thread is not in detect_anomaly()
    done.set()
    join(thread, errors)


@pytest.fixture
def frequent_thread_switches():
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # make the threads interleave inside backward()
    yield
    sys.setswitchinterval(interval)


def test_two_threads_calling_backward_on_one_graph_both_count(frequent_thread_switches):
    x = Value(1.0001)
    y = x
    for _ in range(20_000):
        y = y * 1.0 + x * 1e-4  # dy/dx grows along the chain: a mixed-up pass gives a very different number
    y.backward()
    y.backward()
    twice = x.grad
    x.grad = 0.0
    start = threading.Barrier(2)

    def backward():
        start.wait(timeout=60)
        y.backward()

    threads = [run_in_thread(backward), run_in_thread(backward)]
    for thread, errors in threads:
        join(thread, errors)
    assert x.grad == twice  # as two calls one after the other
