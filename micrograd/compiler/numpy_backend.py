"""The numpy backend of `micrograd.compile`: a traced program as a few wide numpy steps instead of one Python step per
operation.

After `flatten_sums`, `schedule_by_level` and `group_by_operation` (passes.py), each group is operations of one
kind whose inputs are all computed: one numpy call computes all of them. Every number lives in one array, `values`,
where each group's results are side by side; the inputs of a group are gathered with one `take`, and the local
derivative of each edge (input) is saved for backward. A group of `linear` operations that is a batch of points
through a layer is one matrix product instead (`as_matrix_product`): it gathers each point's inputs and each neuron's
weights once, not once per operation. Backward runs the levels from the top: each edge's contribution, local
derivative × gradient of its operation, then one `np.add.at` adds all the contributions of a level into the inputs'
gradients (a scatter-add that, unlike `grads[index] += ...`, loses no update when one input feeds many operations).

The operations below are the engine's formulas on arrays, with the engine's answers at the domain edges (numpy, like
C, gives inf and nan where Python's math module would raise).

How results may differ from eager's (tests/test_compile_edges.py checks this rule over a grid of edge values):
1. Summation order. Where eager adds three or more terms into one number — a sum() of Values, a chain `a + b + c`
   (the numbers in it included, which flatten_sums adds together first), a `linear` of two or more inputs, the
   gradient of a Value used three or more times — this backend adds the same terms in another order (and a batch of
   points through a layer may fuse each product with its addition). Its result is what adding those terms in
   another order gives: equal up to rounding, or different where the sum cancels (`x + 1e300 - 1e300` is x here,
   0.0 eagerly) or overflows in one order and not in the other.
2. Rounding of numpy's own exp, log, log1p, tanh and power, which may differ from Python's math module in the last
   bit (a relative 1e-16): a rounding, never a different nan, infinity or zero over the grid of edge values.
Everything else is eager's to the bit: every other operation, every sum of two terms, the sign of every zero (a sum
of -0.0 terms is -0.0), every cut edge (relu's where x <= 0, x ** 0's, a ** b's base where b == 0), 1/x applied as
the engine's one_over.
"""

import numpy as np

from micrograd.autograd import Value
from micrograd.compiler.passes import as_matrix_product, flatten_sums, group_by_operation, schedule_by_level

# Each operation on a group of m operations with k inputs each: (inputs as an (m, k) array, constant) -> (results,
# local derivatives: an (m, k) array or what broadcasts to one). The constant is per operation (an array: "sum", and
# "mul"/"div" by a number) or shared by the group (the exponent of "power", a custom op's definition).


def _sum(x, constant):
    # Starting from -0.0, which adds nothing, a sum of -0.0 terms stays -0.0 as eager's `x + x` does (numpy starts at
    # 0.0); eager's sum() starts from 0.0, and its constant says so.
    return x.sum(axis=1, initial=-0.0) + constant, 1.0


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


def _pow(x, constant):  # a ** b; d/db is 0 where a == 0 and b >= 0 (and d/da is cut where b == 0: _Group.backward)
    a, b = x[:, 0], x[:, 1]
    out = np.power(a, b)
    d_base = b * np.power(a, b - 1)
    d_exponent = np.where((a == 0) & (b >= 0), 0.0, out * np.log(a))
    return out, np.stack([d_base, d_exponent], axis=1)


def _power_of(x, n):
    """x ** n as the engine's floats.power: exact shortcuts for the common exponents, C's pow otherwise."""
    shortcuts = {2: lambda: x * x, 3: lambda: x * x * x, -1: lambda: 1.0 / x, -2: lambda: 1.0 / (x * x)}
    shortcuts.update({0.5: lambda: np.sqrt(x), -0.5: lambda: 1.0 / np.sqrt(x)})
    return shortcuts.get(n, lambda: np.power(x, n))()


def _power(x, n):
    if n == 0:  # x ** 0 is a constant: its edge is cut (_Group.backward)
        return _power_of(x[:, 0], n), np.zeros_like(x)
    return _power_of(x[:, 0], n), (n * _power_of(x[:, 0], n - 1))[:, None]


def _relu(x, constant):
    a = x[:, 0]
    return np.where(a < 0, 0.0, a), np.where(a <= 0, 0.0, 1.0)[:, None]  # keeps -0.0 and nan; 0 is a cut (_Group)


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


def _linear(x, constant):  # inputs are (*inputs, *weights, bias); most groups are a _MatrixProduct instead
    n = x.shape[1] // 2
    inputs, weights = x[:, :n], x[:, n : 2 * n]
    local = np.concatenate([weights, inputs, np.ones((len(x), 1))], axis=1)  # d/dx_i = w_i, d/dw_i = x_i, d/dbias = 1
    return x[:, 2 * n] + (weights * inputs).sum(axis=1, initial=-0.0), local  # -0.0: as in _sum


def _bce_with_logits(x, constant):  # losses.py: (1 - t)·x - log σ(x); d/dx = σ(x) - t, d/dt = -x
    logit, target = x[:, 0], x[:, 1]
    log_sigmoid = np.minimum(logit, 0.0) - np.log1p(np.exp(-np.abs(logit)))
    d_logit = 1 / (1 + np.exp(-logit)) - target
    return (1 - target) * logit - log_sigmoid, np.stack([d_logit, -logit], axis=1)


def _detached_max(x, constant):  # the largest input as Python's max() picks it (the first, unless one is larger)
    largest = x[:, 0]
    for column in x.T[1:]:
        largest = np.where(column > largest, column, largest)
    return largest, np.zeros_like(x)  # no gradient: cut in _Group.backward


def _custom(x, definition):  # one Python call per operation: a custom op is a function of floats
    forward_number, local_grads_of = definition
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
    "detached_max": _detached_max,
}
# The inputs whose local derivative is 1/x, applied to the gradient as the engine's one_over does: (1/x) × g where 1/x
# is a normal float, g / x (as PyTorch) elsewhere. The forward pass keeps x as the "local derivative" of these columns.
DIVIDING = {"div": 0, "log": 0}
_SMALLEST_NORMAL = np.finfo(float).tiny


def _times_one_over(x, grad):
    """grad × the engine's one_over(x), for arrays."""
    reciprocal = 1.0 / x
    normal = (np.abs(reciprocal) >= _SMALLEST_NORMAL) & (np.abs(reciprocal) < np.inf)
    return np.where(normal, reciprocal * grad, grad / x)


class _Group:
    """Operations computed by one numpy step: results in values[start:end], the positions of their inputs in
    positions[edge_start:edge_end] (`arity` per operation, one operation after another)."""

    def __init__(self, op, arity, constant, start, end, edge_start, edge_end):
        self.op, self.function, self.constant, self.dividing = op, OPERATIONS[op], constant, DIVIDING.get(op)
        self.shape = (end - start, arity)
        self.start, self.end, self.edge_start, self.edge_end = start, end, edge_start, edge_end

    def forward(self, values, positions, saved):
        """Compute the results into `values`, and save each edge's local derivative into `saved`."""
        inputs = values.take(positions[self.edge_start : self.edge_end]).reshape(self.shape)
        local = saved[self.edge_start : self.edge_end].reshape(self.shape)
        results, local[...] = self.function(inputs, self.constant)
        values[self.start : self.end] = results

    def backward(self, values, grads, positions, saved, contribution):
        """Each edge's contribution to its input's gradient, local derivative × the gradient of its operation."""
        local = saved[self.edge_start : self.edge_end].reshape(self.shape)
        contribution = contribution.reshape(self.shape)
        grad = grads[self.start : self.end, None]
        np.multiply(local, grad, out=contribution)
        if self.dividing is not None:
            column = self.dividing
            contribution[:, column] = _times_one_over(local[:, column], grad[:, 0])
        # Where an edge is cut, no gradient flows back, not even 0 × inf = nan: relu's where x <= 0 (where its local
        # derivative is 0), x ** 0's, detached_max's, and a ** b's base where b == 0. Other local derivatives of 0
        # multiply, as eager's do.
        if self.op == "relu":
            np.copyto(contribution, 0.0, where=local == 0)
        elif self.op == "detached_max" or (self.op == "power" and self.constant == 0):
            contribution[...] = 0.0
        elif self.op == "pow":  # the base's edge is cut where the exponent is 0
            exponents = values.take(positions[self.edge_start + 1 : self.edge_end : 2])
            np.copyto(contribution[:, 0], 0.0, where=exponents == 0)


_LARGEST_FLOAT = np.finfo(float).max


def _largest_magnitude(numbers):
    return np.abs(numbers).max(initial=0.0)  # inf or nan where there is one


def _products_stay_finite(largest_a, largest_b, terms):
    """Whether every sum of `terms` products of a number of magnitude at most `largest_a` by one of at most
    `largest_b` stays below overflow (False for inf or nan). A matrix product may fuse a multiplication and an addition
    (BLAS's FMA), so a product that overflows, eager's inf (and inf - inf, nan), could come out finite; where nothing
    can overflow, fused and rounded products differ only in the last bit."""
    return largest_a * largest_b * terms < _LARGEST_FLOAT


class _MatrixProduct:
    """A group of "linear" operations that is every input row against every weight row (see `as_matrix_product`):
    results in values[start:end] in row-major order; positions[edge_start:edge_end] holds the input rows, the weight
    rows and the biases. Backward needs only these rows, not one copy of them per operation."""

    def __init__(self, rows, columns, n, start, edge_start):
        self.rows, self.columns, self.n = rows, columns, n
        self.start, self.end = start, start + rows * columns
        self.edge_start, self.edge_end = edge_start, edge_start + rows * n + columns * (n + 1)

    def _split(self, numbers):
        """The input rows (rows, n), the weight rows (columns, n) and the biases (columns) in an edge-sized slice of
        numbers; each contiguous, as the fast matrix product needs."""
        inputs_end, weights_end = self.rows * self.n, (self.rows + self.columns) * self.n
        inputs, weights = numbers[:inputs_end], numbers[inputs_end:weights_end]
        return inputs.reshape(self.rows, self.n), weights.reshape(self.columns, self.n), numbers[weights_end:]

    @staticmethod
    def edges(input_rows, weight_rows):
        """The slots a matrix product reads, in the order `_split` expects them."""
        weights = [slot for row in weight_rows for slot in row[:-1]]
        return [slot for row in input_rows for slot in row] + weights + [row[-1] for row in weight_rows]

    def forward(self, values, positions, saved):
        numbers = saved[self.edge_start : self.edge_end]
        values.take(positions[self.edge_start : self.edge_end], out=numbers)  # backward needs them: saved
        inputs, weights, biases = self._split(numbers)
        largest = _largest_magnitude(numbers)
        if _products_stay_finite(largest, largest, self.n + 1):
            products = inputs @ weights.T
        else:  # each product rounded on its own, as eager does (see _products_stay_finite)
            products = (inputs[:, None, :] * weights).sum(axis=2)
        results = products + biases
        # A matrix product adds from 0.0, so a cell of -0.0 terms comes out 0.0: eager's is -0.0, from a bias of -0.0.
        rows, columns = np.nonzero((results == 0) & np.signbit(biases))
        if len(rows):
            terms = inputs[rows] * weights[columns]
            all_negative_zeros = np.all((terms == 0) & np.signbit(terms), axis=1)
            results[rows[all_negative_zeros], columns[all_negative_zeros]] = -0.0
        values[self.start : self.end] = results.ravel()

    def backward(self, values, grads, positions, saved, contribution):
        numbers = saved[self.edge_start : self.edge_end]
        inputs, weights, _ = self._split(numbers)
        to_inputs, to_weights, to_biases = self._split(contribution)
        grad = grads[self.start : self.end].reshape(self.rows, self.columns)
        if _products_stay_finite(_largest_magnitude(grad), _largest_magnitude(numbers), max(self.rows, self.columns)):
            to_inputs[...] = grad @ weights  # d/dx = w
            to_weights[...] = grad.T @ inputs  # d/dw = x
        else:
            to_inputs[...] = (grad[:, :, None] * weights).sum(axis=1)
            to_weights[...] = (grad[:, :, None] * inputs[:, None, :]).sum(axis=0)
        to_biases[...] = grad.sum(axis=0)  # d/dbias = 1


def _lower(key, group, start, edge_start, custom_ops):
    """The step that computes a group of `group_by_operation`, its results being values[start:...] and its numbers
    read being positions[edge_start:...], `custom_ops` the trace's definitions of custom ops: (the step, the group's
    equations in the order of its results, the slots the step reads)."""
    op, arity, shared = key
    product = as_matrix_product(group) if op == "linear" else None
    if product:
        input_rows, weight_rows, ordered = product
        step = _MatrixProduct(len(input_rows), len(weight_rows), arity // 2, start, edge_start)
        return step, ordered, _MatrixProduct.edges(input_rows, weight_rows)
    constant = custom_ops[shared] if op == "custom" else _group_constant(op, arity, shared, group)
    step = _Group(op, arity, constant, start, start + len(group), edge_start, edge_start + len(group) * arity)
    return step, group, [slot for equation in group for slot in equation.inputs]


def _group_constant(op, arity, shared, equations):
    if op == "power":
        return shared
    if op == "sum" or (op in ("mul", "div") and arity == 1):
        return np.array([equation.constant for equation in equations], dtype=float)
    return None


class NumpyProgram:
    """A traced program lowered to numpy steps; called as `program(data, grads)` like the python backend's function:
    the leaves' numbers and gradients in, the outputs' numbers and the leaves' new gradients out.

    The program keeps only what says what to compute (the steps and the positions of their inputs); the numbers of
    a call (values, gradients, saved local derivatives) are made by the call and freed after it, as a function's
    local variables are."""

    def __init__(self, trace):
        number_of_leaves = len(trace.leaves)
        equations = flatten_sums(trace.equations(), keep=set(trace.outputs))
        position = {slot: slot for slot in range(number_of_leaves)}  # leaves first, then each group's results
        edge_inputs = []  # the slots whose numbers each step reads, step after step
        self._levels = []  # (a level's first and last edge, its steps)
        for level in schedule_by_level(equations):
            level_edge_start, steps = len(edge_inputs), []
            for key, group in group_by_operation(level).items():
                step, ordered, slots_read = _lower(key, group, len(position), len(edge_inputs), trace.custom_ops)
                for equation in ordered:  # a step's results side by side, in its order: a slice of `values`
                    position[equation.output] = len(position)
                edge_inputs += slots_read
                steps.append(step)
            self._levels.append((level_edge_start, len(edge_inputs), steps))
        self._positions = np.array([position[slot] for slot in edge_inputs], dtype=np.int32)  # half of int64's size
        self._outputs = np.array([position[slot] for slot in trace.outputs], dtype=np.intp)
        self._number_of_leaves, self._size = number_of_leaves, len(position)

    def __call__(self, data, leaf_grads):
        values, saved = np.empty(self._size), np.empty(len(self._positions))
        with np.errstate(all="ignore"):  # inf and nan are answers here, as in the engine
            self._forward(values, saved, data)
            grads = self._backward(values, saved, leaf_grads)
        return values[self._outputs].tolist(), grads[: self._number_of_leaves].tolist()

    def _forward(self, values, saved, data):
        values[: self._number_of_leaves] = data
        for _, _, steps in self._levels:
            for step in steps:
                step.forward(values, self._positions, saved)

    def _backward(self, values, saved, leaf_grads):
        positions = self._positions
        grads = np.zeros(self._size)
        grads[: self._number_of_leaves] = leaf_grads
        grads[self._outputs[0]] += 1.0
        for edge_start, edge_end, steps in reversed(self._levels):
            contributions = np.empty(edge_end - edge_start)
            for step in steps:
                start = step.edge_start - edge_start
                contribution = contributions[start : start + step.edge_end - step.edge_start]
                step.backward(values, grads, positions, saved, contribution)
            # a scatter-add: every contribution counts, also several into one input (unlike grads[index] += ...)
            np.add.at(grads, positions[edge_start:edge_end], contributions)
        return grads
