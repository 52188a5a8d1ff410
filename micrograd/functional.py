"""Beyond `backward()`: gradients as Values (and so gradients of gradients), Hessians, gradient checking, no_grad,
anomaly detection, and user-defined operations.

The engine stores each node's local derivatives as plain floats: that is all a first-order `backward()` needs, and it
is fast. For a gradient that can itself be differentiated, `grad(..., create_graph=True)` runs the same chain rule but
builds it out of Values, so the backward pass becomes a graph of its own. For that it needs each local derivative as a
Value, computed from the node and its children: `DERIVATIVE_RULES` below is that table, one entry per operation.
"""

import contextlib
import functools
import inspect
import math
import os
import sys
import threading
import traceback
import weakref

from micrograd.autograd import _CUT, Value, _constant, _GradMode, _node, _number, _thread_modes, _topological_order

# --- modes: no_grad() and detect_anomaly()


_modes_lock = threading.Lock()
_threads_not_recording = 0  # how many threads are inside no_grad() or detect_anomaly()


def _set_modes(grad_enabled, anomaly):
    """Set the calling thread's modes. While some thread does not record, `_node` asks each thread for its modes."""
    global _threads_not_recording
    recording = grad_enabled and not anomaly
    with _modes_lock:  # before this thread's switch: a thread that stops recording is counted before it makes nodes
        _threads_not_recording += (not recording) - (not _thread_modes.recording)
        _GradMode.enabled = _threads_not_recording == 0
    _thread_modes.grad_enabled, _thread_modes.recording = grad_enabled, recording
    _thread_modes.anomaly = _ANOMALY_CHECKER if anomaly else None


class _Switch(contextlib.ContextDecorator):
    """Sets some of the calling thread's modes while active, in a `with` block or around a decorated function (around
    each step of a decorated generator's body, as PyTorch does); restores the previous modes on the way out, also when
    an exception leaves the block. Nesting works."""

    settings = {}

    def __new__(cls, function=None):
        if function is not None and not callable(function):
            raise TypeError(f"{cls.__name__}() takes no arguments (or, as a decorator, a function)")
        switch = super().__new__(cls)
        switch._saved = []  # a stack, so that the same object can be entered again
        return switch if function is None else switch(function)  # `@no_grad` works as well as `@no_grad()`

    def __enter__(self):
        self._saved.append({"grad_enabled": _thread_modes.grad_enabled, "anomaly": _thread_modes.anomaly is not None})
        _set_modes(**{**self._saved[-1], **self.settings})
        return self

    def __exit__(self, *exc_info):
        _set_modes(**self._saved.pop())
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


class no_grad(_Switch):  # noqa: N801 -- PyTorch's name
    """Inside this block (or decorated function) operations record no graph: their results are constants.

    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * x
    >>> y.data, y._prev
    (4.0, ())

    Use it for work that needs no gradient, such as an optimizer's update or evaluating a model.
    `Value.detach()` does the same for a single Value.
    """

    settings = {"grad_enabled": False}


class detect_anomaly(_Switch):  # noqa: N801 -- PyTorch's name
    """Inside this block (or decorated function) the first operation whose result is nan or inf raises a
    RuntimeError, and so does the first step of `backward()` (or `grad()`) that makes a gradient nan or inf. The error
    names the operation and the line of your code that created it.

    It is slow (it records where every Value is made): use it to find a bug, not to train.
    """

    settings = {"anomaly": True}


class _recording(_Switch):  # noqa: N801
    """Records the graph even inside no_grad(): hessian() and gradcheck() need one."""

    settings = {"grad_enabled": True}


class _plain_arithmetic(_Switch):  # noqa: N801
    """Neither records nor checks: for evaluating a custom op's derivatives as numbers."""

    settings = {"grad_enabled": False, "anomaly": False}


_MICROGRAD_DIR = os.path.dirname(__file__)


def _user_frame():
    """Where the user's code is: the innermost frame outside micrograd's own files."""
    frame = sys._getframe(1)
    while frame is not None and os.path.dirname(frame.f_code.co_filename) == _MICROGRAD_DIR:
        frame = frame.f_back
    if frame is None:
        return None
    return traceback.FrameSummary(frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name, lookup_line=False)


def _where(site):
    if site is None:
        return "outside detect_anomaly(), so where is not known"
    return f'at File "{site.filename}", line {site.lineno}, in {site.name}:\n    {site.line}'


class _AnomalyChecker:
    """What detect_anomaly() installs in the engine: `node` makes (and checks) every new node, `backward` replaces
    `Value.backward`. Creation sites live in a weak dictionary, so they go away with their nodes."""

    def __init__(self):
        self.creation_sites = weakref.WeakKeyDictionary()

    def node(self, node, children, local_grads, op):
        if _thread_modes.grad_enabled:
            node._prev, node._local_grads, node._op = children, local_grads, op
            self.creation_sites[node] = _user_frame()
        else:  # no_grad() inside detect_anomaly(): a constant, but still checked
            node._prev, node._local_grads, node._op = (), (), ""
        if not math.isfinite(node.data):
            inputs = ", ".join(repr(child.data) for child in children)
            raise RuntimeError(
                f"detect_anomaly: {op!r} returned {node.data!r} from ({inputs}) in the forward pass,\n"
                f"{_where(_user_frame())}"
            )

    def check_gradient(self, node, index, local_grad, node_grad, contribution):
        if not math.isfinite(_float(contribution)):
            raise RuntimeError(
                f"detect_anomaly: the backward of {node._op!r} gave {_float(contribution)!r} as the gradient of its "
                f"input {index} (local derivative {_float(local_grad)!r} times gradient {_float(node_grad)!r}).\n"
                f"That {node._op!r} was created {_where(self.creation_sites.get(node))}"
            )

    def backward(self, root):
        """`Value.backward()`, with a check of every gradient that flows along an edge."""
        order = _topological_order(root)
        for node in order:
            node.grad = 0.0
        root.grad += 1.0
        for node in reversed(order):
            node_grad = node.grad
            for index, (child, local_grad) in enumerate(zip(node._prev, node._local_grads)):
                contribution = local_grad * node_grad
                self.check_gradient(node, index, local_grad, node_grad, contribution)
                child.grad += contribution


_ANOMALY_CHECKER = _AnomalyChecker()


def _float(x):
    """The number in a Value, or the number itself."""
    return x.data if isinstance(x, Value) else x


# --- local derivatives as Values: one rule per operation
# A rule gets the node (`out`), its children and the floats the engine stored, and returns d(out)/d(child) for each
# child, as Values where they depend on the graph and as floats where they are constants. Fewer than the children
# (an empty tuple for a dead relu or x ** 0) means no gradient flows, as in the engine.


def _pow_rule(out, children, stored):  # a ** b, both Values
    base, exponent = children
    # As in the engine (and PyTorch): the base's edge is cut where b == 0; the exponent's derivative is 0 where a == 0.
    d_base = _CUT if exponent.data == 0 else exponent * base ** (exponent - 1)
    d_exponent = 0.0 if base.data == 0 and exponent.data >= 0 else out * base.log()
    return d_base, d_exponent


def _constant_power_rule(out, children, stored):  # x ** n for a number n, kept in the op's name ("**2.0")
    if not stored:  # x ** 0 is a constant
        return ()
    n = float(out._op[2:])
    (x,) = children
    return (x ** (n - 1) * n,)


def _linear_rule(out, children, stored):  # children are (*inputs, *weights, bias)
    n = (len(children) - 1) // 2
    inputs, weights = children[:n], children[n : 2 * n]
    return (*weights, *inputs, 1.0)


DERIVATIVE_RULES = {
    "+": lambda out, children, stored: stored,  # all 1
    "*": lambda out, children, stored: (children[1], children[0]) if len(children) == 2 else stored,  # or a constant
    "/": lambda out, children, stored: (
        (1 / children[1], -(out / children[1])) if len(children) == 2 else stored  # 1 / c
    ),
    "reciprocal": lambda out, children, stored: (-(out * out),),
    "**": _pow_rule,
    "**n": _constant_power_rule,
    "relu": lambda out, children, stored: stored,  # 1, or a cut
    "tanh": lambda out, children, stored: (1 - out * out,),
    "sigmoid": lambda out, children, stored: (out * (1 - out),),
    "exp": lambda out, children, stored: (out,),
    "log": lambda out, children, stored: (1 / children[0],),
    "linear": _linear_rule,
    "bce_with_logits": lambda out, children, stored: (children[0].sigmoid() - children[1], -children[0]),  # losses.py
}
_BUILT_IN_OPS = frozenset(DERIVATIVE_RULES)


def _local_derivatives(node):
    op = node._op
    rule = DERIVATIVE_RULES.get("**n" if op.startswith("**") and op != "**" else op)
    if rule is None:
        raise NotImplementedError(
            f"grad(create_graph=True) has no derivative rule for the operation {op!r}: define the operation with "
            "micrograd.custom_op(), which registers one"
        )
    return rule(node, node._prev, node._local_grads)


def _times(local_grad, grad):
    """local_grad * grad for floats or Values, without a node for a multiplication by 1."""
    if type(local_grad) is float and local_grad == 1.0:
        return grad
    if type(grad) is float and grad == 1.0:
        return local_grad
    return local_grad * grad


def _as_values(what, name):
    values = [what] if isinstance(what, Value) else list(what) if isinstance(what, (list, tuple)) else None
    if values is None or not all(isinstance(v, Value) for v in values):
        raise TypeError(f"grad() needs {name} that are a Value or a list of Values, got {what!r}")
    if not values:
        raise ValueError(f"grad() needs at least one Value in {name}")
    return values


def grad(outputs, inputs, create_graph=False):
    """d(outputs)/d(input) for each of `inputs`, as a tuple of Values, like `torch.autograd.grad`.

    `outputs` is a Value (or a list of Values, whose gradients are added up); `inputs` a Value or a list of Values.
    Unlike `backward()`, nothing is stored in `.grad`. An input that `outputs` does not depend on gets `Value(0.0)`
    (PyTorch gives None unless `allow_unused=True`; a zero is what the mathematics says).

    With `create_graph=False` the results are constants. With `create_graph=True` they are Values whose graphs
    record how they were computed, so they can be differentiated again, to any order:

    >>> x = Value(3.0)
    >>> (dy_dx,) = grad(x**3, x, create_graph=True)     # 3x² = 27
    >>> (d2y_dx2,) = grad(dy_dx, x)                     # 6x = 18
    >>> dy_dx.data, d2y_dx2.data
    (27.0, 18.0)
    """
    outputs, inputs = _as_values(outputs, "outputs"), _as_values(inputs, "inputs")
    order, seen = [], set()
    for output in outputs:  # children before parents, over all outputs: nodes already placed keep their place
        for node in _topological_order(output):
            if node not in seen:
                seen.add(node)
                order.append(node)
    # Only nodes that lead to an input need a gradient: the rest of the graph is pruned.
    leads_to_input = set(inputs)
    for node in order:
        if any(child in leads_to_input for child in node._prev):
            leads_to_input.add(node)
    grads = {}
    for output in outputs:
        grads[output] = grads.get(output, 0.0) + 1.0
    checker = _thread_modes.anomaly
    for node in reversed(order):
        if node not in leads_to_input:
            continue
        node_grad = grads.get(node, 0.0)  # 0.0 below a cut (a dead relu), as in backward(): 0 * nan is still nan
        local_grads = _local_derivatives(node) if create_graph else node._local_grads
        for index, (child, local_grad) in enumerate(zip(node._prev, local_grads)):
            if child in leads_to_input:
                contribution = _times(local_grad, node_grad)
                if checker is not None:
                    checker.check_gradient(node, index, local_grad, node_grad, contribution)
                grads[child] = contribution if child not in grads else grads[child] + contribution
    results = []
    for x in inputs:
        g = grads.get(x, 0.0)
        if isinstance(g, Value) and not create_graph:
            g = g.data
        results.append(_constant(g))
    return tuple(results)


# --- Hessians and gradient checking


def _values_at(point, caller):
    if not isinstance(point, (list, tuple)):
        raise TypeError(f"{caller}() needs a list of numbers, got {type(point).__name__}")
    numbers = [_number(x) for x in point]
    if not numbers:
        raise ValueError(f"{caller}() needs at least one number")
    for x, number in zip(point, numbers):
        if number is None:
            raise TypeError(f"{caller}() needs a list of numbers, got a {type(x).__name__} in it")
    return numbers


def _call(f, numbers, caller):
    values = [Value(x) for x in numbers]
    out = f(*values)
    if not isinstance(out, Value):
        raise TypeError(f"{caller}() needs f to return a Value, got {type(out).__name__}")
    return values, out


def hessian(f, point):
    """The matrix of second derivatives of `f` at `point`, as a list of lists of floats.

    `point` is a list of numbers; `f` is called with one Value per number, as `f(*values)`, and returns a Value.

    >>> hessian(lambda x, y: x * x * y, [1.0, 2.0])    # [[2y, 2x], [2x, 0]]
    [[4.0, 2.0], [2.0, 0.0]]
    """
    with _recording():
        values, out = _call(f, _values_at(point, "hessian"), "hessian")
        gradient = grad(out, values, create_graph=True)
        return [[second.data for second in grad(first, values)] for first in gradient]


class GradcheckError(RuntimeError):
    """gradcheck() found a derivative that disagrees with finite differences (PyTorch's name)."""


def _input_names(f, count):
    """'input 0 (x)', ... using f's parameter names where it has them."""
    try:
        parameters = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):  # some built-ins have no signature
        parameters = []
    names = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return [f"input {i} ({names[i]})" if i < len(names) else f"input {i}" for i in range(count)]


def _gradient_at(f, numbers):
    with _recording():
        values, out = _call(f, numbers, "gradcheck")
        return [g.data for g in grad(out, values)]


def _shifted(numbers, index, step):
    shifted = list(numbers)
    shifted[index] += step
    return shifted


def gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, order=1):
    """Check our derivatives of `f` at `inputs` against central finite differences; return True or raise.

    `inputs` is a list of numbers and `f` is called as `f(*values)`, as in `hessian`. Each derivative must satisfy
    |ours - numeric| <= atol + rtol * |numeric|, where numeric is (f(x + eps) - f(x - eps)) / (2 eps) (the defaults are
    PyTorch's). With `order=2` the second derivatives from `grad(..., create_graph=True)` are checked as well, against
    central differences of the gradient. A disagreement raises GradcheckError naming the input(s) and both numbers.

    >>> gradcheck(lambda x, y: x * y.tanh(), [0.5, -1.0], order=2)
    True
    """
    numbers = _values_at(inputs, "gradcheck")
    if order not in (1, 2):
        raise ValueError(f"gradcheck() checks order=1 or order=2, got {order!r}")
    names = _input_names(f, len(numbers))

    def check(ours, numeric, what):
        if not abs(ours - numeric) <= atol + rtol * abs(numeric):  # `not <=`, so that nan fails
            raise GradcheckError(
                f"gradcheck: {what} at {numbers} is {ours!r} by backpropagation but {numeric!r} by central "
                f"differences (eps={eps}): more than atol={atol} + rtol={rtol} * |numeric| apart"
            )

    def value_at(shifted):
        with no_grad():
            return _call(f, shifted, "gradcheck")[1].data

    for i, ours in enumerate(_gradient_at(f, numbers)):
        numeric = (value_at(_shifted(numbers, i, eps)) - value_at(_shifted(numbers, i, -eps))) / (2 * eps)
        check(ours, numeric, f"d(output)/d({names[i]})")
    if order == 2:
        our_hessian = hessian(f, numbers)
        for j in range(len(numbers)):  # column j of the Hessian: how the gradient changes with input j
            after, before = _gradient_at(f, _shifted(numbers, j, eps)), _gradient_at(f, _shifted(numbers, j, -eps))
            for i, row in enumerate(our_hessian):
                numeric = (after[i] - before[i]) / (2 * eps)
                check(row[j], numeric, f"d²(output)/d({names[i]})d({names[j]})")
    return True


# --- user-defined operations

CUSTOM_OPS = {}  # name -> (forward on numbers, local derivatives of input Values as numbers): what compile() replays


def custom_op(name, forward, derivative):
    """Define a new operation from its forward function and its derivative rule; returns the operation.

    `forward(*numbers)` computes the result from the inputs' numbers (floats). `derivative(*values)` gives
    d(result)/d(input) for each input (a tuple, or a single Value for a one-input op) and is written with Value
    operations, so that `grad(..., create_graph=True)` can differentiate it again. The engine stores the derivatives
    as numbers at forward time, as it does for every built-in op. The operation accepts Values or numbers.

    >>> import math
    >>> softplus = custom_op("softplus", lambda x: math.log1p(math.exp(x)), lambda x: x.sigmoid())
    >>> y = softplus(Value(0.0))
    >>> round(y.data, 6), y._op
    (0.693147, 'softplus')
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"custom_op() needs a name that is a non-empty str, got {name!r}")
    if name in _BUILT_IN_OPS or name.startswith("**"):
        raise ValueError(f"custom_op() cannot redefine the built-in operation {name!r}")
    if not callable(forward) or not callable(derivative):
        raise TypeError(f"custom_op({name!r}) needs a forward function and a derivative function")

    def rule(out, children, stored):
        derivatives = derivative(*children)
        if not isinstance(derivatives, (tuple, list)):
            derivatives = (derivatives,)
        if len(derivatives) != len(children):
            count = f"{len(derivatives)} derivatives for {len(children)} inputs"
            raise ValueError(f"the derivative rule of {name!r} gave {count}")
        return tuple(derivatives)

    def forward_number(*numbers):
        data = _number(forward(*numbers))
        if data is None:
            raise TypeError(f"the forward function of {name!r} must return a number")
        return data

    def local_grads_of(children):
        with _plain_arithmetic():  # the derivatives as numbers, without recording a graph
            local_grads = tuple(_number(_float(d)) for d in rule(None, children, None))
        if None in local_grads:
            raise TypeError(f"the derivative of {name!r} must give Values or numbers")
        return local_grads

    def operation(*inputs):
        children = tuple(_constant(x) for x in inputs)  # numbers become leaf Values
        data = forward_number(*(child.data for child in children))
        return _node(data, children, local_grads_of(children), name)

    # A new definition under the same name (a re-run notebook cell) replaces the old.
    DERIVATIVE_RULES[name] = rule
    CUSTOM_OPS[name] = (forward_number, local_grads_of)
    operation.__name__ = operation.__qualname__ = name
    operation.__doc__ = f"The custom operation {name!r} (see micrograd.custom_op)."
    return operation
