"""Compiled programs: trace a computation once, replay it many times (`micrograd.compile`).

Eager micrograd builds a new graph of Value objects at every training step, then walks it: every operation is a Python
object that is created, linked and visited. When the graph has the same shape at every step (the same model on the
same batch size), that work can be done once. Like JAX's `jit` and `torch.compile`, we *trace* the graph into a
program, and then *replay* the program on new numbers: the parameters the optimizer changed in place, the inputs of
the next batch.

The machinery is a pipeline of small functions, each from one plain data structure to the next (as JAX's jit traces
a function into a printable jaxpr and lowers it):

1. `trace(root)` reads the graph into a `Trace`: the leaves, then one `Equation` per operation (`v3 = mul v1 v2`),
   in the order eager `backward()` uses.
2. A backend lowers the trace to something that runs:
   - "python": `python_source(trace)` writes the program as straight-line Python, forward then backward, one line per
     operation, then one per gradient: the sum of its chain-rule terms (`a_grad = a_grad + b * out_grad`, as
     Google's Tangent prints derivatives), and Python's own `compile()` turns it into a function. No dependencies,
     and bit-for-bit eager's answers: the same operations on the same floats in the same order.
   - "numpy": the passes `flatten_sums`, `schedule_by_level` and `group_by_operation` turn the equations into a few
     wide steps, each one numpy call over many operations at once (what tensors do), and `as_matrix_product` finds
     the batches of points through a layer among them. Sums may add in another order, so results agree with eager to
     about 1e-15, not to the bit.

What a trace cannot see: Python code *around* the operations. A Python `if` (or loop, or `max()`) that reads `.data`
is decided once, at trace time, and replayed frozen, as with `torch.jit.trace`; so is a Value made from a number read
off another Value (`Value(v.data)`), which becomes a constant. What the operations decide themselves is data, not
structure, and replays correctly: relu's cut, `x ** 0`, nan/inf/-0.0 at the domain edges. `compile(fn, check=n)`
compares the first n replays with an eager re-run and raises `TracingCheckError` where they disagree.
"""

import builtins
import keyword
import math
import re
import weakref
from array import array
from typing import NamedTuple

from micrograd._floats import _div, _exp, _log, _number, _pow, _sqrt
from micrograd.autograd import Value, _backward_lock, _one_over, _topological_order
from micrograd.functional import CUSTOM_OPS, _recording, grad

# --- 1. tracing: a graph of Values -> a Trace


class Equation(NamedTuple):
    """One operation of a traced program: slot `output` is `op` applied to slots `inputs` (as a jaxpr's `c = mul a b`).

    `constant` holds what the engine folded into the operation: the number in `v + c` ("add"), `v * c` ("mul") and
    `v / c` ("div"), the exponent of `v ** n` ("power"), the numbers of a fused sum ("sum": (after how many inputs,
    number) pairs; after `flatten_sums`, their total), the name of a custom op ("custom"); None otherwise.
    """

    output: int
    op: str
    inputs: tuple
    constant: object = None


_OPS_NAMED_AS_IN_THE_ENGINE = ("relu", "tanh", "sigmoid", "exp", "log", "reciprocal", "linear", "bce_with_logits")


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
    the one differentiated; `names` maps the slots of labelled Values to their labels.

    The operations are stored flat — the engine's name, the input slots in one array, the few folded numbers in a dict
    — so that a program of a million operations stays small; `equations()` gives them as Equations.
    """

    def __init__(self, leaves, names, number_of_slots):
        self.leaves, self.names, self.outputs = leaves, names, ()
        self.ops = []  # the engine's name of each operation: "+", "*", "**2.0", "tanh"... (shared strings)
        # the input slots of every operation, one operation after another: 2 bytes each where all the slots fit
        self.inputs = array("H" if number_of_slots <= 2**16 else "i")
        self.ends = array("i")  # where each operation's inputs end in `inputs`
        self.constants = {}  # operation index -> the number the engine folded in, only where it did

    def append(self, op, inputs, constant):
        """Add an operation that the engine calls `op`, from `inputs` (slots), with its folded number or None."""
        if not (op in ("+", "*", "/") or op.startswith("**") or op in _OPS_NAMED_AS_IN_THE_ENGINE or op in CUSTOM_OPS):
            raise ValueError(
                f"compile() cannot compile the operation {op!r}: it is not one of micrograd's operations; "
                "define it with micrograd.custom_op() to make it compilable"
            )
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
    order = _topological_order(root)
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


# --- 2a. the python backend: straight-line source, compiled by Python


def _names(trace):
    """A Python name for every slot: the Value's label (made a valid, unique identifier), else x0, x1… for leaves
    and v0, v1… for the rest. A name's gradient is name + "_grad", which must not clash either."""
    taken = set(_HELPERS) | {"data", "grads", "program", "min", "abs"} | set(_custom_helpers(trace))
    names = []
    for slot in range(len(trace.leaves) + len(trace)):
        name = re.sub(r"\W", "_", trace.names.get(slot, ""))
        if not name:
            name = f"x{slot}" if slot < len(trace.leaves) else f"v{slot - len(trace.leaves)}"
        elif name[0].isdigit() or keyword.iskeyword(name):
            name = "v_" + name
        candidate, n = name, 1
        while candidate in taken or candidate + "_grad" in taken:
            candidate, n = f"{name}_{n}", n + 1
        taken.update((candidate, candidate + "_grad"))
        names.append(candidate)
    return names


def _literal(x):
    """A float as Python source that gives it back exactly."""
    return repr(x) if math.isfinite(x) else {math.inf: "inf", -math.inf: "-inf"}.get(x, "nan")


def _power_source(x, n):
    """x ** n for a number n, as the engine's _power computes it."""
    shortcuts = {2.0: f"{x} * {x}", 3.0: f"{x} * {x} * {x}", -1.0: f"div(1.0, {x})", -2.0: f"div(1.0, {x} * {x})"}
    shortcuts.update({0.5: f"sqrt({x})", -0.5: f"div(1.0, sqrt({x}))"})
    return shortcuts.get(n, f"pow({x}, {_literal(n)})")


def _is_call(source):
    return re.fullmatch(r"\w+\(.*\)", source) is not None


def _custom_name(op):
    """A Python name for a custom op: other characters are written as their code ("my-op" -> "op_my_2d_op")."""
    return "op_" + re.sub(r"\W", lambda match: f"_{ord(match.group()):x}_", op)


_TERMS_PER_LINE = 16  # a long sum is split over several lines: Python's compiler recurses once per `+` of a line


def _sum_lines(out, start, terms):
    """out = start + terms[0] + terms[1] + …, left to right as the engine adds, a few terms per line."""
    lines, total = [], start
    for i in range(0, len(terms), _TERMS_PER_LINE):
        lines.append(f"{out} = {' + '.join([total, *terms[i : i + _TERMS_PER_LINE]])}")
        total = out
    return lines or [f"{out} = {start}"]


_ONE_LINERS = {  # the other operations: (input names, constant) -> source, one line each
    "mul": lambda x, c: f"{x[0]} * {x[1] if c is None else _literal(c)}",
    "div": lambda x, c: f"div({x[0]}, {x[1] if c is None else _literal(c)})",
    "pow": lambda x, c: f"pow({x[0]}, {x[1]})",
    "power": lambda x, c: _power_source(x[0], c),
    "relu": lambda x, c: f"0.0 if {x[0]} < 0 else {x[0]}",
    "tanh": lambda x, c: f"tanh({x[0]})",
    "sigmoid": lambda x, c: f"1 / (1 + exp(-{x[0]}))",
    "exp": lambda x, c: f"exp({x[0]})",
    "log": lambda x, c: f"log({x[0]})",
    "reciprocal": lambda x, c: f"div(1.0, {x[0]})",
    # losses.py: (1 - t)·x - log σ(x), with log σ(x) = min(x, 0) - log1p(exp(-|x|))
    "bce_with_logits": lambda x, c: f"(1 - {x[1]}) * {x[0]} - (min({x[0]}, 0.0) - log1p(exp(-abs({x[0]}))))",
    "custom": lambda x, c: f"{_custom_name(c)}({', '.join(x)})",
}


def _forward_lines(equation, out, x):
    """Python lines that compute `equation` into the name `out`, from the names `x` of its inputs."""
    op, c = equation.op, equation.constant
    if op == "add":
        return [f"{out} = {x[0]} + {x[1] if c is None else _literal(c)}"]
    if op == "sum":  # the engine starts from 0.0 and adds Values and numbers in the order it was given them
        terms, numbers = [], list(c)
        for i, name in enumerate(x):
            terms += [_literal(number) for position, number in numbers if position == i]
            terms.append(name)
        terms += [_literal(number) for position, number in numbers if position == len(x)]
        return _sum_lines(out, "0.0", terms)
    if op == "linear":  # bias + w0 * x0 + w1 * x1 + …, children being (*inputs, *weights, bias)
        n = len(x) // 2
        return _sum_lines(out, x[-1], [f"{w} * {xi}" for xi, w in zip(x[:n], x[n : 2 * n])])
    return [f"{out} = {_ONE_LINERS[op](x, c)}"]


def _chain_rule_terms(equation, out, x):
    """(input index, contribution to its gradient as source) for each gradient that flows: the engine's local
    derivative times the gradient `g` of the result, computed exactly as backward() computes it; a term of a sum."""
    op, c, g = equation.op, equation.constant, out + "_grad"
    if op in ("add", "sum"):
        return [(i, g) for i in range(len(x))]
    if op == "mul":
        if c is not None:
            return [(0, f"{_literal(c)} * {g}")]
        return [(0, f"{x[1]} * {g}"), (1, f"{x[0]} * {g}")]
    if op == "div":  # d/da = 1/b as the engine's one_over(b): g / b where 1/b is not a normal float; d/db = -(a/b)/b
        if c is not None:  # one_over(c) is known now
            one_over = _one_over(c)
            contribution = f"{_literal(one_over)} * {g}" if type(one_over) is float else f"div({g}, {_literal(c)})"
            return [(0, contribution)]
        return [(0, f"one_over({x[1]}) * {g}"), (1, f"-div({out}, {x[1]}) * {g}")]
    if op == "pow":  # a cut where b == 0; d/db is 0 where a == 0 and b >= 0 (0 * nan would be nan)
        a, b = x
        return [
            (0, f"(0.0 if {b} == 0 else {b} * pow({a}, {b} - 1) * {g})"),
            (1, f"(0.0 if {a} == 0 and {b} >= 0 else {out} * log({a})) * {g}"),
        ]
    if op == "power":  # x ** 0 is a constant: no gradient flows
        if c == 0:
            return []
        power = _power_source(x[0], c - 1)  # n * x ** (n - 1), that product first, as the engine computes it
        return [(0, f"{_literal(c)} * {power if _is_call(power) else f'({power})'} * {g}")]
    if op == "relu":  # backward() skips x <= 0 (a cut, not a multiplication by 0; nan passes): -0.0 adds nothing
        return [(0, f"(-0.0 if {x[0]} <= 0 else {g})")]
    if op == "linear":
        n = len(x) // 2
        to_inputs = [(i, f"{x[n + i]} * {g}") for i in range(n)]  # d/dx_i = w_i
        to_weights = [(n + i, f"{x[i]} * {g}") for i in range(n)]  # d/dw_i = x_i
        return to_inputs + to_weights + [(2 * n, g)]
    if op == "bce_with_logits":  # d/dx = σ(x) - t, d/dt = -x
        return [(0, f"(1 / (1 + exp(-{x[0]})) - {x[1]}) * {g}"), (1, f"-{x[0]} * {g}")]
    if op == "custom":
        derivatives = f"{_custom_name(c)}_grads({', '.join(x)})"
        return [(i, f"{derivatives}[{i}] * {g}") for i in range(len(x))]
    contribution = {
        "tanh": f"(1 - {out} * {out}) * {g}",
        "sigmoid": f"{out} * (1 - {out}) * {g}",
        "exp": f"{out} * {g}",
        "log": f"one_over({x[0]}) * {g}",  # 1/x, as the engine applies it
        "reciprocal": f"-({out} * {out}) * {g}",
    }
    return [(0, contribution[op])]


def _gradient_terms(trace, equations, names):
    """For every slot, the chain-rule terms of its gradient as source, in the order backward() adds them: the
    operations from the last to the first, and each operation's inputs in order."""
    terms = [[] for _ in range(len(trace.leaves) + len(equations))]
    terms[trace.outputs[0]].append("1.0")  # d(output)/d(output), first, as backward() starts with it
    for equation in reversed(equations):
        x = [names[slot] for slot in equation.inputs]
        for i, term in _chain_rule_terms(equation, names[equation.output], x):
            terms[equation.inputs[i]].append(term)
    return terms


def python_source(trace):
    """The traced program as the source of a Python function `program(data, grads)`: the leaves' numbers and
    gradients in, the outputs' numbers and the leaves' new gradients out. Forward lines, one per operation; then
    backward lines, one per gradient: the sum of its chain-rule terms, each operation's gradient before its inputs'."""
    names = _names(trace)
    leaves = names[: len(trace.leaves)]
    grad_names = [name + "_grad" for name in leaves]
    comma = "," * (len(leaves) == 1)  # `a, = data` unpacks a list of one
    lines = ["def program(data, grads):", f"    {', '.join(leaves)}{comma} = data"]
    lines.append(f"    {', '.join(grad_names)}{comma} = grads")
    lines.append("    # forward")
    equations = trace.equations()
    for equation in equations:
        x = [names[slot] for slot in equation.inputs]
        lines += ["    " + line for line in _forward_lines(equation, names[equation.output], x)]
    lines.append("    # backward: as backward(), a gradient starts at 0.0 (a leaf's at its .grad) and adds each term")
    terms = _gradient_terms(trace, equations, names)
    backward = []
    for equation in reversed(equations):
        grad_name = names[equation.output] + "_grad"
        if terms[equation.output] == ["1.0"]:  # the output: 0.0 + 1.0 is 1.0
            backward.append(f"{grad_name} = 1.0")
        else:  # 0.0 + t is not always t: 0.0 + -0.0 is 0.0
            backward += _sum_lines(grad_name, "0.0", terms[equation.output])
    for slot, grad_name in enumerate(grad_names):
        if terms[slot]:
            backward += _sum_lines(grad_name, grad_name, terms[slot])
    lines += ["    " + line for line in backward]
    outputs = ", ".join(names[slot] for slot in trace.outputs)
    lines.append(f"    return ({outputs},), [{', '.join(grad_names)}]")
    return "\n".join(lines) + "\n"


# The engine's float helpers, under short names: the generated code computes exactly what the engine computes.
_HELPERS = {"div": _div, "pow": _pow, "sqrt": _sqrt, "exp": _exp, "log": _log, "tanh": math.tanh}
_HELPERS.update({"one_over": _one_over, "log1p": math.log1p, "inf": math.inf, "nan": math.nan})


def _custom_helpers(trace):
    """The forward function and local derivatives (as numbers) of each custom op in the trace, by generated name."""
    helpers = {}
    for op in set(trace.ops) & set(CUSTOM_OPS):
        forward_number, local_grads_of = CUSTOM_OPS[op]
        helpers[_custom_name(op)] = forward_number
        helpers[_custom_name(op) + "_grads"] = lambda *numbers, of=local_grads_of: of(tuple(map(Value, numbers)))
    return helpers


def python_backend(trace):
    """The traced program as a Python function, compiled from `python_source(trace)`."""
    namespace = {**_HELPERS, **_custom_helpers(trace)}
    exec(builtins.compile(python_source(trace), "<micrograd program>", "exec"), namespace)
    return namespace["program"]


# --- 2b. passes for the numpy backend: each takes equations and gives equations (or groups of them)


def flatten_sums(equations, keep=()):
    """Merge every addition ("add", "sum") whose result is used once, by another addition, into that addition: the
    chain `a + b + c + d` becomes one "sum" of four inputs. Every "sum" that comes out has as its constant the total
    of its numbers (-0.0 when none: x + -0.0 is x, even for x = -0.0). Slots in `keep` are not merged away.

    Fewer, wider operations mean fewer levels and fewer numpy calls; the additions happen in another order, so a
    result can differ from eager's in the last bit.
    """
    adds = ("add", "sum")
    uses, uses_by_adds = {}, {}
    for equation in equations:
        for slot in equation.inputs:
            uses[slot] = uses.get(slot, 0) + 1
            if equation.op in adds:
                uses_by_adds[slot] = uses_by_adds.get(slot, 0) + 1
    pending = {}  # slot of an addition being merged -> (its inputs, its constant), until its user takes them
    flattened = []
    for equation in equations:  # inputs come before their users
        if equation.op not in adds:
            flattened.append(equation)
            continue
        if equation.op == "sum":
            constant = 0.0 + sum(number for _, number in equation.constant)  # the engine's sum starts at 0.0
        else:
            constant = -0.0 if equation.constant is None else equation.constant
        inputs = []
        for slot in equation.inputs:
            if slot in pending:
                merged_inputs, merged_constant = pending.pop(slot)
                inputs += merged_inputs
                constant += merged_constant
            else:
                inputs.append(slot)
        output = equation.output
        if uses.get(output) == 1 and uses_by_adds.get(output) == 1 and output not in keep:
            pending[output] = (inputs, constant)
        else:
            flattened.append(Equation(output, "sum", tuple(inputs), constant))
    return flattened


def schedule_by_level(equations):
    """Equations by level: a leaf is at level 0, an operation one above its highest input. The operations of a level
    depend only on lower levels, so each level can run all at once, forward from the bottom, backward from the top."""
    level_of = {}  # slot -> level; leaves are not in it (level 0)
    levels = []
    for equation in equations:  # inputs come first, so a level is at most one above the highest so far
        level = 1 + max(level_of.get(slot, 0) for slot in equation.inputs)
        if level > len(levels):
            levels.append([])
        levels[level - 1].append(equation)
        level_of[equation.output] = level
    return levels


def group_by_operation(level):
    """A level's equations grouped by what one numpy step can compute together: the same operation, the same number
    of inputs, and the same exponent (for "power") or custom op. Returns {(op, arity, exponent or name): equations}."""
    groups = {}
    for equation in level:
        shared = equation.constant if equation.op in ("power", "custom") else None
        groups.setdefault((equation.op, len(equation.inputs), shared), []).append(equation)
    return groups


def as_matrix_product(group):
    """A group of "linear" equations that is every one of a few input vectors against every one of a few weight rows
    (a batch of points through a layer: each point's inputs meet each neuron's weights) is the matrix product
    inputs @ weights.T + biases. Returns (input rows, weight rows, the equations in row-major order: input row i
    against weight row j at i * len(weight rows) + j), rows being tuples of slots, a weight row ending with its bias;
    or None for any other group.

    One product of small matrices replaces gathering every input of every operation: the demo's widest group, 1,600
    operations of 33 inputs each, is 100 points × 16 neurons, so 1,872 numbers instead of 52,800.
    """
    n = len(group[0].inputs) // 2  # inputs are (*inputs, *weights, bias)
    input_rows, weight_rows, cells = {}, {}, {}
    for equation in group:
        i = input_rows.setdefault(equation.inputs[:n], len(input_rows))
        j = weight_rows.setdefault(equation.inputs[n:], len(weight_rows))
        cells[i, j] = equation
    if len(cells) != len(group) or len(cells) != len(input_rows) * len(weight_rows):  # a repeat, or not every pair
        return None
    ordered = [cells[i, j] for i in range(len(input_rows)) for j in range(len(weight_rows))]
    return list(input_rows), list(weight_rows), ordered


# --- 3. the program: what compile() returns


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
        from micrograd.numpy_backend import NumpyProgram  # imports numpy: only when asked for

        return NumpyProgram(trace)
    return python_backend(trace)


class Program:
    """A compiled graph (see `compile`): `program()` recomputes it from its leaves' current numbers, adds the
    gradients into the leaves' `.grad` as `backward()` would, and returns the output's new number."""

    def __init__(self, trace, backend, output_values=()):
        self.backend = backend
        self._trace = trace
        self._leaves = trace.leaves
        self._run = _lower(trace, backend)
        # Weak keys: the program must not keep the graph alive (an output Value holds on to all it was computed from).
        self._output_index = weakref.WeakKeyDictionary({value: i for i, value in enumerate(output_values)})
        self._outputs = None

    def __call__(self):
        """Run forward and backward on the leaves' current `.data`; accumulate into their `.grad`; return the
        output's value (a float)."""
        leaves = self._leaves
        with _backward_lock:  # as backward(): one at a time, as both add into leaves' .grad
            self._outputs, grads = self._run([leaf.data for leaf in leaves], [leaf.grad for leaf in leaves])
            for leaf, leaf_grad in zip(leaves, grads):
                leaf.grad = leaf_grad
        return self._outputs[0]

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
        return f"<micrograd.compile program: {len(self)} operations, {len(self._leaves)} leaves, {self.backend}>"


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
        with _recording():  # trace even inside no_grad()
            arguments = [Value(x) for x in numbers]
            out = self._fn(*arguments)
        if not isinstance(out, Value):
            raise TypeError(f"compile() needs a function that returns a Value, got {type(out).__name__}")
        return [Program(trace(out), self._backend), arguments, self._check]

    def __call__(self, *args):
        numbers = [_number(x) for x in args]
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
        leaves = program._leaves
        number_of = dict(zip(map(id, arguments), numbers))
        data = [number_of.get(id(leaf), leaf.data) for leaf in leaves]
        outputs, grads = program._run(data, [0.0] * len(leaves))  # both backends keep nothing between calls: no lock
        grad_of = {id(leaf): g for leaf, g in zip(leaves, grads)}
        return outputs[0], tuple(grad_of.get(id(a), 0.0) for a in arguments)

    def _compare_with_eager(self, numbers, value, grads):
        with _recording():
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
