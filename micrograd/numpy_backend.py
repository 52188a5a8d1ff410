"""The numpy backend of `micrograd.compile`: a traced program as a few wide numpy steps instead of one Python step per
operation.

After `flatten_sums`, `schedule_by_level` and `group_by_operation` (in compiler.py), each group is operations of one
kind whose inputs are all computed: one numpy call computes all of them. Every number lives in one array, `values`,
where each group's results are side by side; the inputs of a group are gathered with one fancy index. Backward runs
the levels from the top: each edge's contribution, local derivative × gradient of its operation, then one
`np.bincount` adds all the contributions of a level into the inputs' gradients (a scatter-add that, unlike
`grads[index] += ...`, loses no update when one input feeds many operations).

The operations below are the engine's formulas on arrays, with the engine's answers at the domain edges (numpy, like
C, gives inf and nan where Python's math module would raise).
"""

import numpy as np

from micrograd.autograd import Value
from micrograd.compiler import flatten_sums, group_by_operation, schedule_by_level
from micrograd.functional import CUSTOM_OPS

# Each operation on a group of m operations with k inputs each: (inputs as an (m, k) array, constant) -> (results,
# local derivatives as an (m, k) array, or None where they are all 1 and stay so or where the function wrote them in
# place: `_linear`). The constant is per operation (an array: "sum", and "mul"/"div" by a number) or shared by the
# group (the exponent of "power", a custom op's name).


def _sum(x, constant):
    return x.sum(axis=1) + constant, None


def _mul(x, constant):
    if constant is None:
        return x[:, 0] * x[:, 1], x[:, ::-1]
    return x[:, 0] * constant, constant[:, None]


def _div(x, constant):  # d/da = 1/b, kept as b (see DIVIDING); d/db = -(a/b)/b, as PyTorch computes them
    if constant is None:
        a, b = x[:, 0], x[:, 1]
        out = a / b
        return out, np.stack([b, -(out / b)], axis=1)
    return x[:, 0] / constant, constant[:, None]


def _pow(x, constant):  # a ** b; d/db is 0 where a == 0 and b >= 0 (and d/da is cut where b == 0: see _backward)
    a, b = x[:, 0], x[:, 1]
    out = np.power(a, b)
    d_base = b * np.power(a, b - 1)
    d_exponent = np.where((a == 0) & (b >= 0), 0.0, out * np.log(a))
    return out, np.stack([d_base, d_exponent], axis=1)


def _power_of(x, n):
    """x ** n as the engine's _power: exact shortcuts for the common exponents, C's pow otherwise."""
    shortcuts = {2: lambda: x * x, 3: lambda: x * x * x, -1: lambda: 1.0 / x, -2: lambda: 1.0 / (x * x)}
    shortcuts.update({0.5: lambda: np.sqrt(x), -0.5: lambda: 1.0 / np.sqrt(x)})
    return shortcuts.get(n, lambda: np.power(x, n))()


def _power(x, n):
    if n == 0:  # x ** 0 is a constant: its edge is cut (see CUT_AT_0)
        return _power_of(x[:, 0], n), np.zeros_like(x)
    return _power_of(x[:, 0], n), (n * _power_of(x[:, 0], n - 1))[:, None]


def _relu(x, constant):
    a = x[:, 0]
    return np.where(a < 0, 0.0, a), np.where(a <= 0, 0.0, 1.0)[:, None]  # keeps -0.0 and nan; 0 is a cut (CUT_AT_0)


def _tanh(x, constant):
    t = np.tanh(x[:, 0])
    return t, (1 - t * t)[:, None]


def _sigmoid(x, constant):
    s = 1 / (1 + np.exp(-x[:, 0]))
    return s, (s * (1 - s))[:, None]


def _exp(x, constant):
    e = np.exp(x[:, 0])
    return e, e[:, None]


def _log(x, constant):  # d/dx = 1/x, kept as x (see DIVIDING)
    return np.log(x[:, 0]), x


def _reciprocal(x, constant):
    r = 1.0 / x[:, 0]
    return r, -(r * r)[:, None]


def _linear(x, constant, local):  # inputs are (*inputs, *weights, bias)
    # The one operation that writes its local derivatives in place, into `local` (weights for the inputs, inputs for
    # the weights; the bias's 1 is there from the start): on the demo's widest group, a new (m, k) array and its copy
    # cost more than the dot products.
    n = x.shape[1] // 2
    inputs, weights = x[:, :n], x[:, n : 2 * n]
    local[:, :n] = weights
    local[:, n : 2 * n] = inputs
    return x[:, 2 * n] + np.einsum("ij,ij->i", weights, inputs), None


def _bce_with_logits(x, constant):  # losses.py: (1 - t)·x - log σ(x); d/dx = σ(x) - t, d/dt = -x
    logit, target = x[:, 0], x[:, 1]
    log_sigmoid = np.minimum(logit, 0.0) - np.log1p(np.exp(-np.abs(logit)))
    d_logit = 1 / (1 + np.exp(-logit)) - target
    return (1 - target) * logit - log_sigmoid, np.stack([d_logit, -logit], axis=1)


def _custom(x, name):  # one Python call per operation: a custom op is a function of floats
    forward_number, local_grads_of = CUSTOM_OPS[name]
    rows = x.tolist()
    out = [forward_number(*row) for row in rows]
    return np.array(out, dtype=float), np.array([local_grads_of(tuple(map(Value, row))) for row in rows], dtype=float)


OPERATIONS = {
    "sum": _sum,
    "mul": _mul,
    "div": _div,
    "pow": _pow,
    "power": _power,
    "relu": _relu,
    "tanh": _tanh,
    "sigmoid": _sigmoid,
    "exp": _exp,
    "log": _log,
    "reciprocal": _reciprocal,
    "linear": _linear,
    "bce_with_logits": _bce_with_logits,
    "custom": _custom,
}
# Where an edge is cut, no gradient flows back, not even 0 × inf = nan. For these operations a local derivative of 0
# means a cut (relu where x <= 0, x ** 0); a ** b's base is cut where b == 0 (see _backward).
CUT_AT_0 = ("relu", "power")
# The inputs whose local derivative is 1/x, applied to the gradient as PyTorch (and the engine) does, g / x: the
# forward pass keeps x as the "local derivative" of these columns.
DIVIDING = {"div": 0, "log": 0}


class _Group:
    """Operations computed by one numpy step: results in values[start:end], inputs' positions in
    edge_inputs[edge_start:edge_end] (k per operation, one operation after another)."""

    __slots__ = ("op", "function", "constant", "dividing", "shape", "start", "end", "edge_start", "edge_end")

    def __init__(self, op, arity, constant, start, end, edge_start, edge_end):
        self.op, self.function, self.constant, self.dividing = op, OPERATIONS[op], constant, DIVIDING.get(op)
        self.shape = (end - start, arity)
        self.start, self.end, self.edge_start, self.edge_end = start, end, edge_start, edge_end


def _group_constant(op, arity, shared, equations):
    if op in ("power", "custom"):
        return shared
    if op == "sum" or (op in ("mul", "div") and arity == 1):
        return np.array([equation.constant for equation in equations], dtype=float)
    return None


class NumpyProgram:
    """A traced program lowered to numpy steps; called as `program(data, grads)` like the python backend's function:
    the leaves' numbers and gradients in, the outputs' numbers and the leaves' new gradients out."""

    def __init__(self, trace):
        number_of_leaves = len(trace.leaves)
        equations = flatten_sums(trace.equations(), keep=set(trace.outputs))
        levels = [group_by_operation(level) for level in schedule_by_level(equations)]
        # Positions: leaves first, then each level's groups one after another, so a group's results are a slice.
        position = {slot: slot for slot in range(number_of_leaves)}
        for groups in levels:
            for group in groups.values():
                for equation in group:
                    position[equation.output] = len(position)
        edge_inputs = []
        self._levels = []  # (first position of the level, its first and last edge, its groups)
        for groups in levels:
            level_start, level_edge_start, steps = None, len(edge_inputs), []
            for (op, arity, shared), group in groups.items():
                start = position[group[0].output]
                level_start = start if level_start is None else level_start
                edge_start = len(edge_inputs)
                edge_inputs += [position[slot] for equation in group for slot in equation.inputs]
                constant = _group_constant(op, arity, shared, group)
                steps.append(_Group(op, arity, constant, start, start + len(group), edge_start, len(edge_inputs)))
            self._levels.append((level_start, level_edge_start, len(edge_inputs), steps))
        self._edge_inputs = np.array(edge_inputs, dtype=np.int32)  # half the memory of int64
        self._local_grads = np.ones(len(edge_inputs))  # written by forward, except where always 1 (sums)
        self._contributions = np.empty(max((end - start for _, start, end, _ in self._levels), default=0))
        self._values = np.empty(len(position))
        self._grads = np.empty(len(position))
        self._outputs = np.array([position[slot] for slot in trace.outputs], dtype=np.intp)
        self._number_of_leaves = number_of_leaves

    def __call__(self, data, grads):
        with np.errstate(all="ignore"):  # inf and nan are answers here, as in the engine
            self._forward(data)
            self._backward(grads)
        return self._values[self._outputs].tolist(), self._grads[: self._number_of_leaves].tolist()

    def _forward(self, data):
        values, local_grads, edge_inputs = self._values, self._local_grads, self._edge_inputs
        values[: self._number_of_leaves] = data
        for _, _, _, steps in self._levels:
            for step in steps:
                # int32 positions keep the program small; numpy gathers faster if they are converted first
                positions = edge_inputs[step.edge_start : step.edge_end].astype(np.intp)
                inputs = values[positions].reshape(step.shape)
                if step.op == "linear":  # writes its local derivatives itself
                    local = local_grads[step.edge_start : step.edge_end].reshape(step.shape)
                    results, local = _linear(inputs, step.constant, local)
                else:
                    results, local = step.function(inputs, step.constant)
                values[step.start : step.end] = results
                if local is not None:
                    local_grads[step.edge_start : step.edge_end].reshape(step.shape)[...] = local

    def _backward(self, leaf_grads):
        grads, local_grads, contributions = self._grads, self._local_grads, self._contributions
        grads[: self._number_of_leaves] = leaf_grads
        grads[self._number_of_leaves :] = 0.0
        grads[self._outputs[0]] += 1.0
        for level_start, edge_start, edge_end, steps in reversed(self._levels):
            for step in steps:  # each edge's local derivative × the gradient of its operation
                local = local_grads[step.edge_start : step.edge_end].reshape(step.shape)
                start = step.edge_start - edge_start
                contribution = contributions[start : start + step.edge_end - step.edge_start].reshape(step.shape)
                grad = grads[step.start : step.end, None]
                np.multiply(local, grad, out=contribution)
                if step.dividing is not None:
                    column = step.dividing
                    np.divide(grad[:, 0], local[:, column], out=contribution[:, column])
                if step.op in CUT_AT_0:
                    np.copyto(contribution, 0.0, where=local == 0)
                elif step.op == "pow":  # the base's edge is cut where the exponent is 0
                    exponents = self._values[self._edge_inputs[step.edge_start + 1 : step.edge_end : 2]]
                    np.copyto(contribution[:, 0], 0.0, where=exponents == 0)
            inputs = self._edge_inputs[edge_start:edge_end]
            level_contributions = contributions[: edge_end - edge_start]
            grads[:level_start] += np.bincount(inputs, level_contributions, minlength=level_start)
