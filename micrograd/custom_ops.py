"""User-defined operations: `custom_op(name, forward, derivative)` makes a new operation that the engine, grad(...,
create_graph=True) and compile() treat as they treat the built-in ones, and `CUSTOM_OPS` is the registry compile()
replays them from."""

from micrograd.autograd import as_value, make_node, number_of
from micrograd.floats import float_or_none
from micrograd.functional import BUILT_IN_OPS, DERIVATIVE_RULES
from micrograd.modes import arithmetic_only

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
    if name in BUILT_IN_OPS or name.startswith("**"):
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
        data = float_or_none(forward(*numbers))
        if data is None:
            raise TypeError(f"the forward function of {name!r} must return a number")
        return data

    def local_grads_of(children):
        with arithmetic_only():  # the derivatives as numbers, without recording a graph
            local_grads = tuple(float_or_none(number_of(d)) for d in rule(None, children, None))
        if None in local_grads:
            raise TypeError(f"the derivative of {name!r} must give Values or numbers")
        return local_grads

    def operation(*inputs):
        children = tuple(as_value(x) for x in inputs)  # numbers become leaf Values
        data = forward_number(*(child.data for child in children))
        return make_node(data, children, local_grads_of(children), name)

    # A new definition under the same name (a re-run notebook cell) replaces the old.
    DERIVATIVE_RULES[name] = rule
    CUSTOM_OPS[name] = (forward_number, local_grads_of)
    operation.__name__ = operation.__qualname__ = name
    operation.__doc__ = f"The custom operation {name!r} (see micrograd.custom_op)."
    return operation
