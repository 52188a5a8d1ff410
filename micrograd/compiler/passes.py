"""Passes for the numpy backend of compile(): each takes equations (micrograd/compiler/trace.py) and gives equations,
or groups of them, that fewer and wider numpy steps can compute."""

from micrograd.compiler.trace import Equation


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
