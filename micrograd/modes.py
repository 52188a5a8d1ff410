"""Grad modes, per thread as in PyTorch: whether operations record a graph (`no_grad`, `enable_grad`) and whether they
are checked as they go (`detect_anomaly`, in micrograd/anomaly.py).

The engine asks one question per new node: should it record? `GradMode.enabled` answers it for everyone while no
thread has switched anything, so recording costs one check; otherwise the engine asks the calling thread's modes.
"""

import contextlib
import functools
import inspect
import threading


class GradMode:
    """`enabled` is True while no thread is inside no_grad() or detect_anomaly(): then the engine records after one
    check, as cheap as it gets. Otherwise it asks the calling thread's modes (`thread_modes`)."""

    enabled = True


class ThreadModes(threading.local):
    """One thread's modes, as in PyTorch: a no_grad() in one thread changes nothing in the others."""

    grad_enabled = True
    anomaly = None  # inside detect_anomaly(): the checker that makes and checks every new node
    recording = True  # grad_enabled and no anomaly checker


thread_modes = ThreadModes()
_modes_lock = threading.Lock()
_threads_not_recording = 0  # how many threads are inside no_grad() or detect_anomaly()


def set_modes(grad_enabled, anomaly):
    """Set the calling thread's modes: whether it records, and the anomaly checker (or None). While some thread does
    not record, the engine asks each thread for its modes."""
    global _threads_not_recording
    recording = grad_enabled and anomaly is None
    with _modes_lock:  # before this thread's switch: a thread that stops recording is counted before it makes nodes
        _threads_not_recording += (not recording) - (not thread_modes.recording)
        GradMode.enabled = _threads_not_recording == 0
    thread_modes.grad_enabled, thread_modes.recording, thread_modes.anomaly = grad_enabled, recording, anomaly


class Switch(contextlib.ContextDecorator):
    """Sets some of the calling thread's modes (`settings`) while active, in a `with` block or around a decorated
    function (around each step of a decorated generator's body, as PyTorch does); restores the previous modes on the way
    out, also when an exception leaves the block. Nesting works."""

    settings = {}

    def __new__(cls, function=None):
        if function is not None and not callable(function):
            raise TypeError(f"{cls.__name__}() takes no arguments (or, as a decorator, a function)")
        switch = super().__new__(cls)
        switch._saved = []  # a stack, so that the same object can be entered again
        return switch if function is None else switch(function)  # `@no_grad` works as well as `@no_grad()`

    def __enter__(self):
        self._saved.append({"grad_enabled": thread_modes.grad_enabled, "anomaly": thread_modes.anomaly})
        set_modes(**{**self._saved[-1], **self.settings})
        return self

    def __exit__(self, *exc_info):
        set_modes(**self._saved.pop())
        return False  # an exception goes on

    def __call__(self, function):
        if inspect.isgeneratorfunction(function):
            return _each_step_under(type(self), function)
        return super().__call__(function)

    def _recreate_cm(self):  # a new switch for each call of a decorated function: threads share no saved modes
        return type(self)()


def _each_step_under(switch, generator_function):
    """The generator function with `switch` active while its body runs, and the caller's modes between steps."""

    @functools.wraps(generator_function)
    def generator(*args, **kwargs):
        steps = generator_function(*args, **kwargs)
        resume, value = steps.send, None
        while True:
            try:
                with switch():
                    response = resume(value)
            except StopIteration as stop:
                return stop.value
            try:
                resume, value = steps.send, (yield response)
            except GeneratorExit:
                with switch():
                    steps.close()
                raise
            except BaseException as error:  # thrown in by the caller: goes on into the body
                resume, value = steps.throw, error

    return generator


class no_grad(Switch):  # noqa: N801 -- PyTorch's name
    """Inside this block (or decorated function) operations record no graph: their results are constants.

    >>> from micrograd import Value
    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * x
    >>> y.data, y._prev
    (4.0, ())

    Use it for work that needs no gradient, such as an optimizer's update or evaluating a model.
    `Value.detach()` does the same for a single Value.
    """

    settings = {"grad_enabled": False}


class enable_grad(Switch):  # noqa: N801 -- PyTorch's name
    """Records the graph even inside no_grad(): hessian(), gradcheck() and compile() need one."""

    settings = {"grad_enabled": True}


class arithmetic_only(Switch):  # noqa: N801
    """Neither records nor checks: for evaluating a custom op's derivatives as numbers."""

    settings = {"grad_enabled": False, "anomaly": None}
