"""Compiled programs: trace a computation once, replay it many times (`micrograd.compile`).

Eager micrograd builds a new graph of Value objects at every training step, then walks it: every operation is a Python
object that is created, linked and visited. When the graph has the same shape at every step (the same model on the
same batch size), that work can be done once. Like JAX's `jit` and `torch.compile`, we *trace* the graph into a
program, and then *replay* the program on new numbers: the parameters the optimizer changed in place, the inputs of
the next batch.

The machinery is a pipeline of small functions, each from one plain data structure to the next (as JAX's jit traces
a function into a printable jaxpr and lowers it):

1. trace.py: `trace(root)` reads the graph into a `Trace`: the leaves, then one `Equation` per operation
   (`v3 = mul v1 v2`), in the order eager `backward()` uses.
2. A backend lowers the trace to something that runs:

   - python_backend.py: `python_source(trace)` writes the program as straight-line Python, forward then backward, one
     line per operation, then one per gradient: the sum of its chain-rule terms (`a_grad = a_grad + b * out_grad`, as
     Google's Tangent prints derivatives), and Python's own `compile()` turns it into a function. No dependencies,
     and bit-for-bit eager's answers: the same operations on the same floats in the same order.
   - numpy_backend.py: the passes of passes.py, `flatten_sums`, `schedule_by_level` and `group_by_operation`, turn
     the equations into a few wide steps, each one numpy call over many operations at once (what tensors do), and
     `as_matrix_product` finds the batches of points through a layer among them. Sums may add in another order, so
     results agree with eager to about 1e-15, not to the bit.

3. This file: `compile()`, the front door, and what it returns: a `Program` (a compiled graph) or a
   `CompiledFunction` (a compiled function of numbers).

What a trace cannot see: Python code *around* the operations. A Python `if` (or loop, or `max()`) that reads `.data`
is decided once, at trace time, and replayed frozen, as with `torch.jit.trace`; so is a Value made from a number read
off another Value (`Value(v.data)`), which becomes a constant. What the operations decide themselves is data, not
structure, and replays correctly: relu's cut, `x ** 0`, nan/inf/-0.0 at the domain edges. `compile(fn, check=n)`
compares the first n replays with an eager re-run and raises `TracingCheckError` where they disagree.
"""

import math
import weakref

from micrograd.autograd import Value, backward_lock
from micrograd.compiler.python_backend import python_backend, python_source
from micrograd.compiler.trace import trace
from micrograd.floats import float_or_none
from micrograd.functional import grad
from micrograd.modes import enable_grad


def _numpy_installed():
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


def _backend(name):
    """The backend to use: "python" or "numpy"; "auto" is numpy where it is installed."""
    if name == "auto":
        return "numpy" if _numpy_installed() else "python"
    if name not in ("python", "numpy"):
        raise ValueError(f"compile() backend must be 'auto', 'python' or 'numpy', got {name!r}")
    if name == "numpy" and not _numpy_installed():
        raise ImportError("compile(backend='numpy') needs numpy (pip install numpy); backend='python' needs nothing")
    return name


def _lower(trace, backend):
    if backend == "numpy":
        from micrograd.compiler.numpy_backend import NumpyProgram  # imports numpy: only when asked for

        return NumpyProgram(trace)
    return python_backend(trace)


class Program:
    """A compiled graph (see `compile`): `program()` recomputes it from its leaves' current numbers, adds the
    gradients into the leaves' `.grad` as `backward()` would, and returns the output's new number."""

    def __init__(self, trace, backend, output_values=()):
        self.backend = backend
        self._trace = trace
        self.leaves = trace.leaves  # the Values whose numbers a call reads, in the order run() takes them
        self._run = _lower(trace, backend)
        # Weak keys: the program must not keep the graph alive (an output Value holds on to all it was computed from).
        self._output_index = weakref.WeakKeyDictionary({value: i for i, value in enumerate(output_values)})
        self._outputs = None

    def __call__(self):
        """Run forward and backward on the leaves' current `.data`; accumulate into their `.grad`; return the
        output's value (a float)."""
        leaves = self.leaves
        with backward_lock:  # as backward(): one at a time, as both add into leaves' .grad
            self._outputs, grads = self._run([leaf.data for leaf in leaves], [leaf.grad for leaf in leaves])
            for leaf, leaf_grad in zip(leaves, grads):
                leaf.grad = leaf_grad
        return self._outputs[0]

    def run(self, data, grads):
        """The program on numbers alone: the leaves' numbers and gradients in (in `leaves`' order), the outputs' numbers
        and the leaves' new gradients out. Reads and writes no Value, so it needs no lock."""
        return self._run(data, grads)

    def data_of(self, value):
        """The number that the last call computed for `value`: the compiled Value or one given as `outputs=`."""
        index = self._output_index.get(value)
        if index is None:
            raise ValueError("data_of() needs one of the Values passed to compile(..., outputs=[...])")
        if self._outputs is None:
            raise RuntimeError("data_of() needs the program to have run: call it first")
        return self._outputs[index]

    def __len__(self):
        """The number of operations in the program."""
        return len(self._trace)

    def source(self):
        """The program as straight-line Python: forward, then backward (what the "python" backend runs)."""
        return python_source(self._trace)

    __str__ = source

    def __repr__(self):
        return f"<micrograd.compile program: {len(self)} operations, {len(self.leaves)} leaves, {self.backend}>"


class TracingCheckError(RuntimeError):
    """A compiled function disagreed with an eager run of the same function (torch.jit's name for the same check)."""


def _agree(a, b):
    """Equal up to rounding (the numpy backend adds in another order); nan agrees with nan, inf only with itself."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b)) + 1e-12


class CompiledFunction:
    """A function of numbers, compiled (see `compile`): `f(*numbers)` returns `(value, gradients)`."""

    def __init__(self, fn, backend, check):
        self._fn, self._backend, self._check = fn, backend, check
        self._programs = {}  # number of arguments -> (program, the argument Values it was traced with, checks left)

    def _trace(self, numbers):
        with enable_grad():  # trace even inside no_grad()
            arguments = [Value(x) for x in numbers]
            out = self._fn(*arguments)
        if not isinstance(out, Value):
            raise TypeError(f"compile() needs a function that returns a Value, got {type(out).__name__}")
        return [Program(trace(out), self._backend), arguments, self._check]

    def __call__(self, *args):
        numbers = [float_or_none(x) for x in args]
        for x, number in zip(args, numbers):
            if number is None:
                raise TypeError(f"a compiled function takes numbers, got {type(x).__name__}")
        entry = self._programs.get(len(numbers))
        traced_now = entry is None
        if traced_now:  # the first call with this many arguments: trace
            entry = self._programs[len(numbers)] = self._trace(numbers)
        program, arguments, checks_left = entry
        value, grads = self._replay(program, arguments, numbers)
        if checks_left and not traced_now:
            entry[2] -= 1
            self._compare_with_eager(numbers, value, grads)
        return value, grads

    def _replay(self, program, arguments, numbers):
        leaves = program.leaves
        number_of = dict(zip(map(id, arguments), numbers))
        data = [number_of.get(id(leaf), leaf.data) for leaf in leaves]
        outputs, grads = program.run(data, [0.0] * len(leaves))
        grad_of = {id(leaf): g for leaf, g in zip(leaves, grads)}
        return outputs[0], tuple(grad_of.get(id(a), 0.0) for a in arguments)

    def _compare_with_eager(self, numbers, value, grads):
        with enable_grad():
            arguments = [Value(x) for x in numbers]
            out = self._fn(*arguments)
            eager_grads = [g.data for g in grad(out, arguments)]
        call = f"{getattr(self._fn, '__name__', 'f')}({', '.join(map(repr, numbers))})"
        mismatches = [("value", value, out.data)] + [
            (f"d/d(argument {i})", ours, theirs) for i, (ours, theirs) in enumerate(zip(grads, eager_grads))
        ]
        for what, ours, theirs in mismatches:
            if not _agree(ours, theirs):
                raise TracingCheckError(
                    f"compile(check=...): {call} gives {what} {ours!r} compiled but {theirs!r} run eagerly. The trace "
                    "froze Python control flow that reads .data (an `if` on a Value, say) at the first call's numbers: "
                    "write it with operations (relu, ...) or call the function uncompiled"
                )


def compile(what, backend="auto", outputs=(), check=1):  # noqa: A001 -- micrograd.compile, like torch.compile
    """Compile a graph, or a function of numbers, into a program that replays it fast.

    - `compile(loss)`, for a Value whose graph is already built: `program()` recomputes every operation from the
      *current* `.data` of the graph's leaves, runs the backward pass, accumulates into each leaf's `.grad` exactly
      as `loss.backward()` would, and returns the new value of `loss`. `outputs=[...]` names other Values of the
      graph whose new numbers `program.data_of(value)` then gives (a model's scores, say).
    - `compile(fn)`, for a function of Values returning a Value (as `jax.jit(jax.value_and_grad(fn))`): `f(*numbers)`
      returns `(value, gradients)`, floats, tracing `fn` again only when the number of arguments changes. The first
      `check` calls that replay (1 by default, 0 for none) are compared with an eager run of `fn`; a disagreement
      (a Python `if` frozen by the trace) raises TracingCheckError.

    `backend` is "python" (generated Python: no dependencies, bit-for-bit eager's results), "numpy" (vectorized), or
    "auto": numpy when it is installed. `print(program)` shows the program as Python.

    >>> from micrograd import Value
    >>> x = Value(3.0, label="x")
    >>> y = x * x + 1
    >>> program = compile(y, backend="python")
    >>> program(), x.grad
    (10.0, 6.0)
    >>> x.data = 5.0
    >>> program(), x.grad   # 26, and the gradient 10 added to 6
    (26.0, 16.0)
    """
    backend = _backend(backend)
    if isinstance(what, Value):
        outputs = list(outputs)
        if not all(isinstance(v, Value) for v in outputs):
            raise TypeError("compile() outputs must be Values of the graph")
        return Program(trace(what, outputs), backend, [what, *outputs])
    if callable(what):
        if not isinstance(check, int) or check < 0:  # True counts as 1, False as 0
            raise ValueError(f"compile() check must be a number of calls (0 or more) or a bool, got {check!r}")
        return CompiledFunction(what, backend, check)
    raise TypeError(f"compile() needs a Value (a built graph) or a function of Values, got {type(what).__name__}")
