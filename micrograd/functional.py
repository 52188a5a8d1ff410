"""Beyond `backward()`: gradients as Values (and so gradients of gradients), Hessians and gradient checking.

The engine stores each node's local derivatives as plain floats: that is all a first-order `backward()` needs, and it
is fast. For a gradient that can itself be differentiated, `grad(..., create_graph=True)` runs the same chain rule but
builds it out of Values, so the backward pass becomes a graph of its own. For that it needs each local derivative as a
Value, computed from the node and its children: `DERIVATIVE_RULES` below is that table, one entry per operation.
"""

import inspect

from micrograd.autograd import CUT, Value, as_value, topological_order
from micrograd.floats import float_or_none
from micrograd.modes import enable_grad, no_grad, thread_modes

# --- local derivatives as Values: one rule per operation
# A rule gets the node (`out`), its children and the floats the engine stored, and returns d(out)/d(child) for each
# child, as Values where they depend on the graph and as floats where they are constants. Fewer than the children
# (an empty tuple for a dead relu or x ** 0) means no gradient flows, as in the engine.


def _pow_rule(out, children, stored):  # a ** b, both Values
    base, exponent = children
    # As in the engine (and PyTorch): the base's edge is cut where b == 0; the exponent's derivative is 0 where a == 0.
    d_base = CUT if exponent.data == 0 else exponent * base ** (exponent - 1)
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
BUILT_IN_OPS = frozenset(DERIVATIVE_RULES)


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
        for node in topological_order(output):
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
    checker = thread_modes.anomaly
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
        results.append(as_value(g))
    return tuple(results)


# --- Hessians and gradient checking


def _values_at(point, caller):
    if not isinstance(point, (list, tuple)):
        raise TypeError(f"{caller}() needs a list of numbers, got {type(point).__name__}")
    numbers = [float_or_none(x) for x in point]
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
    with enable_grad():
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
    with enable_grad():
        values, out = _call(f, numbers, "gradcheck")
        return [g.data for g in grad(out, values)]


def _shifted(numbers, index, step):
    shifted = list(numbers)
    shifted[index] += step
    return shifted


def gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, order=1):
    """Check our derivatives of `f` at `inputs` against central finite differences; return True or raise.

    `inputs` is a list of numbers and `f` is called as `f(*values)`, as in `hessian`. Each derivative must satisfy
    `|ours - numeric| <= atol + rtol * |numeric|`, where numeric is `(f(x + eps) - f(x - eps)) / (2 eps)` (the
    defaults are PyTorch's). With `order=2` the second derivatives from `grad(..., create_graph=True)` are checked as
    well, against central differences of the gradient. A disagreement raises GradcheckError naming the input(s) and
    both numbers.

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
