"""The python backend of compile(): a Trace written as straight-line Python, forward then backward, one line per
operation and then one per gradient (`a_grad = a_grad + b * out_grad`, as Google's Tangent prints derivatives), turned
into a function by Python's own `compile()`. No dependencies, and bit for bit eager's answers: the same operations on
the same floats in the same order.
"""

import builtins
import keyword
import math
import re

from micrograd import floats
from micrograd.autograd import Value, one_over


def _is_safe_name(text):
    """Whether `text` can be a Python name as it is: an identifier, not a keyword, and ASCII (Python reads other
    letters through NFKC, so that ℕ and N, or ﬁ and fi, would be one variable)."""
    return text.isascii() and text.isidentifier() and not keyword.iskeyword(text)


_SUFFIXES = ("", "_grad", "_local")  # a slot's name, its gradient's, and its custom op's local derivatives'


def _names(trace):
    """A Python name for every slot: the Value's label where it is a safe name (unique: a, a_1…), else x0, x1… for
    leaves and v0, v1… for the rest (the label then shows in a comment)."""
    taken = set(_HELPERS) | {"data", "grads", "state", "program", "min", "max", "abs"} | set(_custom_helpers(trace))
    names = []
    for slot in range(len(trace.leaves) + len(trace)):
        name = trace.names.get(slot, "")
        if not _is_safe_name(name):
            name = f"x{slot}" if slot < len(trace.leaves) else f"v{slot - len(trace.leaves)}"
        candidate, n = name, 1
        while any(candidate + suffix in taken for suffix in _SUFFIXES):
            candidate, n = f"{name}_{n}", n + 1
        taken.update(candidate + suffix for suffix in _SUFFIXES)
        names.append(candidate)
    return names


def _comment(text):
    """A user's text (a label, an op's name) for a comment: as it is where it is printable on one line, else its
    repr, so that no text can end the comment."""
    return text if text.isprintable() else repr(text)


def _literal(x):
    """A float as Python source that gives it back exactly."""
    return repr(x) if math.isfinite(x) else {math.inf: "inf", -math.inf: "-inf"}.get(x, "nan")


def _power_source(x, n):
    """x ** n for a number n, as the engine computes it (floats.power)."""
    shortcuts = {2.0: f"{x} * {x}", 3.0: f"{x} * {x} * {x}", -1.0: f"div(1.0, {x})", -2.0: f"div(1.0, {x} * {x})"}
    shortcuts.update({0.5: f"sqrt({x})", -0.5: f"div(1.0, sqrt({x}))"})
    return shortcuts.get(n, f"pow({x}, {_literal(n)})")


def _is_call(source):
    return re.fullmatch(r"\w+\(.*\)", source) is not None


def _custom_names(trace):
    """A Python name for each custom op of the trace: op_ + its name where that is a safe name, else op_0, op_1…"""
    ops = sorted(trace.custom_ops)
    return {op: f"op_{op}" if _is_safe_name(op) else f"op_{i}" for i, op in enumerate(ops)}


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
    "detached_max": lambda x, c: f"max({', '.join(x)})",
}


def _forward_lines(equation, out, x, custom_names):
    """Python lines that compute `equation` into the name `out`, from the names `x` of its inputs."""
    op, c = equation.op, equation.constant
    if op == "custom":  # its local derivatives are numbers computed with the result, as the engine stores them
        function, arguments = custom_names[c], ", ".join(x)
        name_shown = "" if function == f"op_{c}" else f"  # {_comment(c)}"
        return [f"{out} = {function}({arguments}){name_shown}", f"{out}_local = {function}_grads({arguments})"]
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
            reciprocal = one_over(c)
            contribution = f"{_literal(reciprocal)} * {g}" if type(reciprocal) is float else f"div({g}, {_literal(c)})"
            return [(0, contribution)]
        return [(0, f"one_over({x[1]}) * {g}"), (1, f"-div({out}, {x[1]}) * {g}")]
    if op == "pow":  # a cut where b == 0; d/db is 0 where a == 0 and b >= 0 (0 * nan would be nan)
        a, b = x
        return [
            (0, f"(0.0 if {b} == 0 else {b} * pow({a}, {b} - 1) * {g})"),
            (1, f"(0.0 if {a} == 0 and {b} >= 0 else {out} * log({a})) * {g}"),
        ]
    if op == "detached_max" or (op == "power" and c == 0):  # no gradient flows (x ** 0 is a constant)
        return []
    if op == "power":
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
    if op == "custom":  # its local derivatives, computed once in the forward pass
        return [(i, f"{out}_local[{i}] * {g}") for i in range(len(x))]
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
    return "\n".join(_source_lines(trace)) + "\n"


def _source_lines(trace):
    """python_source's lines."""
    names, custom_names = _names(trace), _custom_names(trace)
    labels_shown = {slot: f"  # {_comment(label)}" for slot, label in trace.names.items() if label != names[slot]}
    leaves = names[: len(trace.leaves)]
    grad_names = [name + "_grad" for name in leaves]
    comma = "," * (len(leaves) == 1)  # `a, = data` unpacks a list of one
    lines = ["def program(data, grads):", f"    {', '.join(leaves)}{comma} = data"]
    lines += [f"    # {name} is{labels_shown[slot][3:]}" for slot, name in enumerate(leaves) if slot in labels_shown]
    lines.append(f"    {', '.join(grad_names)}{comma} = grads")
    lines.append("    # forward")
    equations = trace.equations()
    for equation in equations:
        x = [names[slot] for slot in equation.inputs]
        forward = _forward_lines(equation, names[equation.output], x, custom_names)
        forward[-1] += labels_shown.get(equation.output, "")
        lines += ["    " + line for line in forward]
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
    return lines


# The engine's float helpers, under short names: the generated code computes exactly what the engine computes.
_HELPERS = {"div": floats.divide, "pow": floats.c_pow, "sqrt": floats.sqrt, "exp": floats.exp, "log": floats.log}
_HELPERS.update({"tanh": math.tanh, "one_over": one_over, "log1p": math.log1p, "inf": math.inf, "nan": math.nan})


def _custom_helpers(trace):
    """The forward function and local derivatives (as numbers) of each custom op in the trace, by generated name: the
    definitions the trace took, so that a custom op redefined later does not change the program."""
    helpers = {}
    for op, function in _custom_names(trace).items():
        forward_number, local_grads_of = trace.custom_ops[op]
        helpers[function] = forward_number
        helpers[function + "_grads"] = lambda *numbers, of=local_grads_of: of(tuple(map(Value, numbers)))
    return helpers


# Python's compiler holds a whole function at once, ~2 KB per line and more for longer ones (a 500,000-line program:
# 1 GB), so a longer program is compiled in parts: 2 KB per operation at the peak instead of 6. Parts cost time at
# every call, as the variables that cross from part to part go through a dict (a chain of 166,668 operations: 2x).
_LINES_IN_ONE_FUNCTION = 20_000
_LINES_PER_PART = 2_000
_NAME = re.compile(r"[A-Za-z_]\w*")  # the program's names are ASCII (_names)


def python_backend(trace):
    """The traced program as a Python function, compiled from `python_source(trace)`: as one function, or, for a very
    long program, as parts of a few thousand lines run one after the other (see `_in_parts`)."""
    namespace = {**_HELPERS, **_custom_helpers(trace)}
    lines = _source_lines(trace)
    if len(lines) > _LINES_IN_ONE_FUNCTION:
        return _in_parts(lines[1:], namespace)
    exec(builtins.compile("\n".join(lines), "<micrograd program>", "exec"), namespace)
    return namespace["program"]


def _in_parts(body, namespace):
    """The lines of a program's body as functions of `_LINES_PER_PART` lines each, run in order: a part takes the
    variables it reads from earlier parts out of a dict, `state`, and puts those that later parts read into it. The
    same lines run, so the same numbers come out; only the compiler's peak memory is that of one part."""
    parts = [body[start : start + _LINES_PER_PART] for start in range(0, len(body), _LINES_PER_PART)]
    names_set, names_read, last_part_reading = [], [], {}
    for k, part in enumerate(parts):
        set_here, read_here = set(), set()
        for line in part:
            code = line.split("#", 1)[0]  # a comment holds a label, never code
            target, is_assignment, expression = code.partition(" = ")
            set_here.update(_NAME.findall(target) if is_assignment else ())
            read_here.update(_NAME.findall(expression if is_assignment else code))
        last_part_reading.update(dict.fromkeys(read_here, k))
        names_set.append(set_here)
        names_read.append(read_here)
    functions, earlier = [], {"data", "grads"}
    for k, part in enumerate(parts):
        names_in = sorted(names_read[k] & earlier)
        names_out = [name for name in sorted(names_set[k]) if last_part_reading.get(name, k) > k]
        lines = ["def part(state):"]  # the variables in and out on one line each: a line per name compiles slowly
        if names_in:
            lines.append(f"    {', '.join(names_in)}, = [state[name] for name in {tuple(names_in)!r}]")
        lines += [line.split("#", 1)[0] for line in part] + ["    pass"]  # (a part may be all comments)
        if names_out:
            lines.append(f"    state.update(zip({tuple(names_out)!r}, ({', '.join(names_out)},)))")
        exec(builtins.compile("\n".join(lines), f"<micrograd program, part {k + 1}>", "exec"), namespace)
        functions.append(namespace.pop("part"))
        earlier |= names_set[k]

    def program(data, grads):
        state = {"data": data, "grads": grads}
        for part in functions[:-1]:
            part(state)
        return functions[-1](state)

    return program
