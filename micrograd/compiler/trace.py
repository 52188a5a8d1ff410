"""Tracing: a graph of Values read into a `Trace`, the plain, printable program that compile()'s backends lower.

A trace lists the leaves, then one `Equation` per operation (`v3 = mul v1 v2`, as a jaxpr) in the order eager
`backward()` uses, with the numbers the engine folded into operations (the 2 of `x * 2`) kept beside them.
"""

from array import array
from typing import NamedTuple

from micrograd.autograd import topological_order
from micrograd.custom_ops import CUSTOM_OPS


class Equation(NamedTuple):
    """One operation of a traced program: slot `output` is `op` applied to slots `inputs` (as a jaxpr's `c = mul a b`).

    `constant` holds what the engine folded into the operation: the number in `v + c` ("add"), `v * c` ("mul") and
    `v / c` ("div"), the exponent of `v ** n` ("power"), the numbers of a fused sum ("sum": (after how many inputs,
    number) pairs; after `flatten_sums`, their total), the name of a custom op ("custom", its definition being in
    the trace's `custom_ops`); None otherwise.
    """

    output: int
    op: str
    inputs: tuple
    constant: object = None


_OPS_NAMED_AS_IN_THE_ENGINE = ("relu", "tanh", "sigmoid", "exp", "log", "reciprocal", "linear", "bce_with_logits")
_OPS_NAMED_AS_IN_THE_ENGINE += ("detached_max",)  # the largest input, no gradient: training.py's cross-entropy shift


def _constant_of(node):
    """The number the engine folded into `node` (see Equation), or None."""
    op, children, local_grads = node._op, node._prev, node._local_grads
    if op == "+" and len(local_grads) > len(children):  # `v + c` and sum() keep theirs after the local derivatives
        return local_grads[-1]
    if op == "*" and len(children) == 1:  # d(v * c)/dv is c
        return local_grads[0]
    if op == "/" and len(children) == 1:  # `v / c` keeps c after its local derivative
        return local_grads[-1]
    return None


def _equation(output, op, inputs, constant):
    """The Equation for an operation the engine calls `op`."""
    if op == "+":
        return Equation(output, "sum" if isinstance(constant, tuple) else "add", inputs, constant)
    if op in ("*", "/"):
        return Equation(output, "mul" if op == "*" else "div", inputs, constant)
    if op == "**":
        return Equation(output, "pow", inputs)
    if op.startswith("**"):  # a power by a number, kept in the name: "**2.0"
        return Equation(output, "power", inputs, float(op[2:]))
    if op in _OPS_NAMED_AS_IN_THE_ENGINE:
        return Equation(output, op, inputs)
    return Equation(output, "custom", inputs, op)


class Trace:
    """A graph as a program: slots 0 … len(leaves)-1 are the leaves (read afresh at every call), then one slot per
    operation, in topological order (each after its inputs); `outputs` are the slots a call returns, the first being
    the one differentiated; `names` maps the slots of labelled Values to their labels; `custom_ops` holds the
    definition (as in CUSTOM_OPS) of each custom op the program uses, as it was when traced: a custom op redefined
    later does not change a program.

    The operations are stored flat — the engine's name, the input slots in one array, the few folded numbers in a dict
    — so that a program of a million operations stays small; `equations()` gives them as Equations.
    """

    def __init__(self, leaves, names, number_of_slots):
        self.leaves, self.names, self.outputs, self.custom_ops = leaves, names, (), {}
        self.ops = []  # the engine's name of each operation: "+", "*", "**2.0", "tanh"... (shared strings)
        # the input slots of every operation, one operation after another: 2 bytes each where all the slots fit
        self.inputs = array("H" if number_of_slots <= 2**16 else "i")
        self.ends = array("i")  # where each operation's inputs end in `inputs`
        self.constants = {}  # operation index -> the number the engine folded in, only where it did

    def append(self, op, inputs, constant):
        """Add an operation that the engine calls `op`, from `inputs` (slots), with its folded number or None."""
        if not (op in ("+", "*", "/") or op.startswith("**") or op in _OPS_NAMED_AS_IN_THE_ENGINE):
            if op not in CUSTOM_OPS:
                raise ValueError(
                    f"compile() cannot compile the operation {op!r}: it is not one of micrograd's operations; "
                    "define it with micrograd.custom_op() to make it compilable"
                )
            self.custom_ops[op] = CUSTOM_OPS[op]
        if constant is not None:
            self.constants[len(self.ops)] = constant
        self.ops.append(op)
        self.inputs.extend(inputs)
        self.ends.append(len(self.inputs))

    def __len__(self):
        return len(self.ops)

    def equations(self):
        """The operations as a list of Equations, in order."""
        equations, start, first_slot = [], 0, len(self.leaves)
        for i, (op, end) in enumerate(zip(self.ops, self.ends)):
            equations.append(_equation(first_slot + i, op, tuple(self.inputs[start:end]), self.constants.get(i)))
            start = end
        return equations


def trace(root, outputs=()):
    """Read the graph that computes `root` into a Trace, in eager `backward()`'s order; `outputs` are other Values of
    that graph whose new numbers a call should also return."""
    order = topological_order(root)
    slot_of, leaves = {}, []
    for node in order or [root]:  # a leaf root is its own (and only) leaf
        for child in node._prev or (node,):
            if not child._prev and child not in slot_of:
                slot_of[child] = len(leaves)
                leaves.append(child)
    result = Trace(leaves, {}, number_of_slots=len(leaves) + len(order))
    for node in order:
        result.append(node._op, [slot_of[child] for child in node._prev], _constant_of(node))
        slot_of[node] = len(leaves) + len(result) - 1
    for value in outputs:
        if value not in slot_of:
            raise ValueError(f"compile() got an output that the graph does not compute: {value!r}")
    result.names = {slot: value.label for value, slot in slot_of.items() if value.label}
    result.outputs = (slot_of[root], *(slot_of[v] for v in outputs))
    return result
