"""micrograd.compile: programs replay eager's values and gradients, bit for bit with the python backend and to 1e-12
with the numpy backend, at ordinary points and at the domain edges, on random graphs and on 100 steps of the demo."""

import gc
import itertools
import math
import random
import re
import struct
import subprocess
import sys
import threading
import weakref

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_ops_vs_torch import BINARY, CONSTANTS, POINTS, UNARY, WITH_A_CONSTANT
from test_properties import build, edge_numbers, largest_term, numbers, steps

import micrograd
from micrograd import Value, custom_op
from micrograd.autograd import make_node, topological_order
from micrograd.compiler import TracingCheckError
from micrograd.compiler.passes import as_matrix_product, flatten_sums, group_by_operation, schedule_by_level
from micrograd.compiler.trace import trace
from micrograd.datasets import make_moons, to_signed_labels
from micrograd.losses import binary_cross_entropy_with_logits, cross_entropy, hinge_loss, mse_loss
from micrograd.nn import MLP
from micrograd.optim import SGD

from conftest import docs_page, ours, run_example, same_float, theirs

BACKENDS = ["python", "numpy"]


def identical(a, b):
    """The same float to the bit (nan matches nan; 0.0 does not match -0.0)."""
    return struct.pack("<d", a) == struct.pack("<d", b) or (math.isnan(a) and math.isnan(b))


def agrees(backend):
    """How a backend must agree with eager: bit for bit (python) or to 1e-12 relative (numpy)."""
    return identical if backend == "python" else lambda a, b: same_float(a, b, rel=1e-12)


def assert_replays_eager(f, trace_point, points, backend):
    """Compile f at trace_point, replay it at every point: value and gradients as eager computes them there."""
    compiled = micrograd.compile(f, backend=backend, check=0)
    compiled(*trace_point)
    same = agrees(backend)
    for point in points:
        value, grads = compiled(*point)
        eager_value, eager_grads = ours(f, *point)
        assert same(value, eager_value), (point, value, eager_value)
        for i, (g, eager_g) in enumerate(zip(grads, eager_grads)):
            assert same(g, eager_g), (point, i, g, eager_g)


# --- every operation, at ordinary points and at the edges: relu's cut, x ** 0 and nan/inf/-0.0 are data, not structure


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("op", UNARY)
def test_unary_op_replays_eager_at_every_point(op, backend):
    assert_replays_eager(UNARY[op], [0.5], [[x] for x in POINTS], backend)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("op", BINARY)
def test_binary_op_replays_eager_at_every_pair_of_points(op, backend):
    assert_replays_eager(BINARY[op], [0.5, 1.5], list(itertools.product(POINTS, repeat=2)), backend)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("form", WITH_A_CONSTANT)
def test_op_with_a_constant_replays_eager_at_every_point(form, backend):
    for c in CONSTANTS:
        assert_replays_eager(WITH_A_CONSTANT[form](c), [0.5], [[x] for x in POINTS], backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_fused_sum_linear_and_losses_replay_eager(backend):
    def f(a, b, c):
        total = micrograd.sum([1.0, a, 2.5, b * c, -0.0, c, 7])  # numbers between the Values: added in that order
        pre = micrograd.linear([a, b, 0.5], [c, a * b, b], total)
        losses = [
            mse_loss([pre, a], [1.0, -2.0]),
            hinge_loss([pre, b, c], [1, -1, 1]),
            binary_cross_entropy_with_logits([pre, a], [1.0, 0.25]),
        ]
        return micrograd.sum(losses) * total.tanh()

    points = [[0.3, -1.2, 2.0], [1.5, 0.7, -0.4], [0.0, -0.0, 3.0], [1000.0, -2.0, 0.5], [math.nan, 1.0, 2.0]]
    assert_replays_eager(f, [0.3, -1.2, 2.0], points, backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_cross_entropy_replays_and_its_shift_by_the_largest_logit_is_a_frozen_constant(backend):
    def f(a, b, c):  # cross_entropy subtracts max(logits), a number read off .data: the trace keeps the first one
        return cross_entropy([[a, b, c], [c, b, a]], [2, 0])

    assert_replays_eager(f, [0.3, -1.2, 2.0], [[0.3, -1.2, 2.0]], backend)
    compiled = micrograd.compile(f, backend=backend, check=2)
    compiled(0.3, -1.2, 2.0)
    value, grads = compiled(1.5, 0.7, -0.4)  # another shift, the same mathematics: equal up to rounding
    eager_value, eager_grads = ours(f, 1.5, 0.7, -0.4)
    assert all(same_float(x, y, rel=1e-12) for x, y in zip([value, *grads], [eager_value, *eager_grads]))


@pytest.mark.parametrize("backend", BACKENDS)
def test_dead_relu_and_zero_power_cut_even_an_infinite_gradient(backend):
    def f(x):  # relu(x) is dead for x <= 0; its output's gradient is inf there (log at 0)
        return x.relu().log() + (x * 2) ** 0 + x

    assert_replays_eager(f, [1.0], [[-1.0], [0.0], [-0.0], [2.0], [math.nan]], backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_division_and_log_pass_their_gradient_as_the_engine_does_where_one_over_x_is_not_normal(backend):
    # 1/1e-310 is inf: the engine (as torch) computes grad / x there, and (1/x) * grad where 1/x is a normal float
    points = [[1.0, 1e-310], [1.0, 1e308], [3.0, 0.7], [1.0, 0.0], [-2.0, -1e-320]]
    assert_replays_eager(
        lambda a, b: (a / b) * 1e-10 + (b.log() * 1e-10).relu() + a / 1e-310, [1.0, 2.0], points, backend
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_value_to_a_value_power_at_zero_base_and_zero_exponent(backend):
    points = [[0.0, 2.0], [0.0, 0.0], [1.5, 0.0], [-2.0, 3.0], [-2.0, 0.5], [0.0, -1.0], [-0.0, -1.0]]
    assert_replays_eager(lambda a, b: a**b, [1.5, 2.0], points, backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_custom_op_compiles(backend):
    softplus = custom_op("softplus_for_compile", lambda x: math.log1p(math.exp(x)), lambda x: x.sigmoid())
    hypot = custom_op(
        "hypot_for_compile", math.hypot, lambda x, y: (x / (x * x + y * y) ** 0.5, y / (x * x + y * y) ** 0.5)
    )
    assert_replays_eager(lambda x, y: softplus(x * y) + hypot(x, y), [0.5, 1.0], [[1.0, 2.0], [-3.0, 0.25]], backend)


# --- random graphs, one leaf feeding many operations, the demo


def graphs(magnitudes):
    return {
        "inputs": st.lists(magnitudes, min_size=1, max_size=4),
        "program": st.lists(steps(magnitudes), min_size=1, max_size=12),
        "shift": numbers,
    }


# The python backend at every magnitude, over- and underflows included. The numpy backend adds in another order, which
# matters where additions cancel (1e300 + 1 - 1e300 is 0 or 1 by the order): it gets ordinary numbers.
@settings(max_examples=60, deadline=None)
@given(**graphs(edge_numbers))
def test_random_graphs_replay_eager_to_the_bit_at_other_points(inputs, program, shift):
    assert_random_graph_replays_eager("python", inputs, program, shift)


@settings(max_examples=60, deadline=None)
@given(**graphs(numbers))
def test_random_graphs_replay_eager_to_1e12_with_numpy(inputs, program, shift):
    assert_random_graph_replays_eager("numpy", inputs, program, shift)


def assert_random_graph_replays_eager(backend, inputs, program, shift):
    def f(*values):
        return build(program, values, constant=lambda c: c)

    # traced at the inputs, replayed there and at shifted inputs: the same graph, other numbers
    compiled = micrograd.compile(f, backend=backend, check=0)
    for point in (inputs, [x + shift for x in inputs]):
        value, grads = compiled(*point)
        values = [Value(x) for x in point]
        out = f(*values)
        out.backward()
        if backend == "python":
            assert identical(value, out.data) and all(identical(g, v.grad) for g, v in zip(grads, values))
        else:  # terms that cancel are only as exact as the largest of them, whatever the order of the additions
            nodes = topological_order(out)
            scale = max([abs(n.data) for n in nodes if math.isfinite(n.data)] + [largest_term(out), 1.0])
            assert same_float(value, out.data, rel=1e-12, abs_=1e-12 * scale), (point, value, out.data)
            for g, v in zip(grads, values):
                assert same_float(g, v.grad, rel=1e-12, abs_=1e-12 * scale), (point, g, v.grad)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_leaf_that_feeds_many_operations_gets_every_update(backend):
    x = Value(0.3)
    weights = [Value(random.Random(i).uniform(-1, 1)) for i in range(500)]
    loss = micrograd.sum([(x * w).tanh() + x * x for w in weights]) + micrograd.linear([x] * 500, weights, x)
    program = micrograd.compile(loss, backend=backend)
    program()
    compiled_grads = [v.grad for v in [x, *weights]]
    for v in [x, *weights]:
        v.grad = 0.0
    loss.backward()
    for compiled_grad, v in zip(compiled_grads, [x, *weights]):
        assert agrees(backend)(compiled_grad, v.grad)
    assert abs(x.grad) > 100  # 1,500 contributions: one lost update would show


def train_demo(backend, steps=100):
    """The README's training loop; with a backend, its graph is built once and compiled, and the one line that
    differs is marked."""
    X, y = make_moons(n_samples=100, noise=0.1, seed=1337)
    y = to_signed_labels(y)
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    optimizer = SGD(model.parameters(), lr=1.0)

    def forward():
        scores = [model(x) for x in X]
        return scores, hinge_loss(scores, y) + 1e-4 * micrograd.sum(p * p for p in model.parameters())

    if backend:
        scores, loss = forward()
        program = micrograd.compile(loss, backend=backend, outputs=scores)
    losses, accuracies = [], []
    for k in range(100 if steps is None else steps):
        optimizer.zero_grad()
        if backend:
            losses.append(program())  # <- the one change: replay instead of forward() and loss.backward()
            predictions = [program.data_of(s) for s in scores]
        else:
            scores, loss = forward()
            loss.backward()
            losses.append(loss.data)
            predictions = [s.data for s in scores]
        optimizer.lr = 1.0 - 0.9 * k / 100
        optimizer.step()
        accuracies.append(sum((p > 0) == (label > 0) for p, label in zip(predictions, y)) / len(y))
    return losses, accuracies, [p.data for p in model.parameters()]


@pytest.fixture(scope="module")
def eager_demo():
    return train_demo(None)


@pytest.mark.parametrize("backend", BACKENDS)
def test_100_demo_steps_train_as_eager(backend, eager_demo):
    losses, accuracies, parameters = train_demo(backend)
    eager_losses, eager_accuracies, eager_parameters = eager_demo
    if backend == "python":
        assert losses == eager_losses and parameters == eager_parameters
    for ours_, eager in zip(losses, eager_losses):
        assert same_float(ours_, eager, rel=1e-9)
    assert accuracies == eager_accuracies and accuracies[-1] == 1.0


# --- against PyTorch, directly


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("point", [(0.7, -1.3, 0.4), (-2.0, 0.5, 3.0)])
def test_compiled_functions_match_torch(backend, point):
    def f(a, b, c):
        hidden = [(a * 0.5 - b).tanh(), (b * c + 1).sigmoid(), (a - c).relu(), (a * a + 1).log()]
        return (hidden[0] * hidden[1] + hidden[2] / (1 + hidden[3]) + (c * 0.1).exp()) ** 2

    value, grads = micrograd.compile(f, backend=backend)(*point)
    torch_value, torch_grads = theirs(f, *point)
    assert same_float(value, torch_value, rel=1e-12)
    for g, t in zip(grads, torch_grads):
        assert same_float(g, t, rel=1e-12)


# --- the two ways in


@pytest.mark.parametrize("backend", BACKENDS)
def test_program_accumulates_into_leaf_grads_like_backward(backend):
    x = Value(3.0)
    y = x * x + 1
    program = micrograd.compile(y, backend=backend)
    assert program() == 10.0 and x.grad == 6.0
    x.data = 5.0
    assert program() == 26.0 and x.grad == 16.0  # 10 added to 6, as a second backward() would


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_leaf_as_the_output_gets_gradient_one(backend):
    x = Value(2.0)
    assert micrograd.compile(x, backend=backend)() == 2.0 and x.grad == 1.0


@pytest.mark.parametrize("backend", BACKENDS)
def test_data_of_gives_the_new_numbers_of_the_outputs(backend):
    a, b = Value(1.0), Value(2.0)
    product = a * b
    loss = (product + 1).tanh()
    program = micrograd.compile(loss, backend=backend, outputs=[product, a])
    a.data = 4.0
    program()
    assert program.data_of(product) == 8.0 and program.data_of(a) == 4.0


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_function_is_retraced_only_when_the_number_of_arguments_changes(backend):
    traces = []

    def total(*values):
        traces.append(len(values))
        return micrograd.sum(v * v for v in values)

    f = micrograd.compile(total, backend=backend, check=0)
    assert f(1.0, 2.0) == (5.0, (2.0, 4.0))
    assert f(3.0, 4.0) == (25.0, (6.0, 8.0))
    assert f(1.0, 1.0, 1.0) == (3.0, (2.0, 2.0, 2.0))
    assert traces == [2, 3]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_function_reads_the_current_data_of_values_it_closes_over_and_leaves_their_grad(backend):
    w = Value(2.0)
    f = micrograd.compile(lambda x: x * w, backend=backend)
    assert f(3.0) == (6.0, (2.0,))
    w.data = 5.0
    assert f(3.0) == (15.0, (5.0,))
    assert w.grad == 0.0


def test_an_unused_argument_has_gradient_zero_and_tracing_works_inside_no_grad():
    with micrograd.no_grad():
        f = micrograd.compile(lambda x, y: x * 3, backend="python")
        assert f(2.0, 5.0) == (6.0, (3.0, 0.0))


def test_check_catches_a_python_if_frozen_by_the_trace():
    def f(x):
        if x.data > 0:  # decided once, at trace time
            return x * 2
        return -x

    compiled = micrograd.compile(f, check=1)
    assert compiled(1.0) == (2.0, (2.0,))
    with pytest.raises(TracingCheckError, match=r"f\(-1.0\) gives value -2.0 compiled but 1.0 run eagerly"):
        compiled(-1.0)
    unchecked = micrograd.compile(f, check=0)
    unchecked(1.0)
    assert unchecked(-1.0) == (-2.0, (2.0,))  # silently the traced branch: what check is for


def test_check_passes_where_the_operations_decide():
    compiled = micrograd.compile(lambda x: x.relu() * 2, check=3)
    assert [compiled(x) for x in (1.0, -1.0, 2.0, -3.0)] == [(2.0, (2.0,)), (0.0, (0.0,)), (4.0, (2.0,)), (0.0, (0.0,))]


def test_the_printed_program_is_straight_line_python_named_by_labels():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    out = (c + a).tanh()
    out.label = "out"
    assert str(micrograd.compile(out, backend="python")) == (
        "def program(data, grads):\n"
        "    a, b = data\n"
        "    a_grad, b_grad = grads\n"
        "    # forward\n"
        "    c = a * b\n"
        "    v1 = c + a\n"
        "    out = tanh(v1)\n"
        "    # backward: as backward(), a gradient starts at 0.0 (a leaf's at its .grad) and adds each term\n"
        "    out_grad = 1.0\n"
        "    v1_grad = 0.0 + (1 - out * out) * out_grad\n"
        "    c_grad = 0.0 + v1_grad\n"
        "    a_grad = a_grad + v1_grad + b * c_grad\n"
        "    b_grad = b_grad + a * c_grad\n"
        "    return (out,), [a_grad, b_grad]\n"
    )


def test_labels_that_are_not_python_names_still_give_a_valid_program():
    x = Value(1.0, label="x[0]")
    y = Value(2.0, label="class")
    z = Value(3.0, label="x_0_")
    out = x * y + z
    out.label = "x_0__grad"
    program = micrograd.compile(out, backend="python")
    assert program() == 5.0 and (x.grad, y.grad, z.grad) == (2.0, 1.0, 1.0)


def test_labels_do_not_clash_with_the_names_of_custom_ops():
    double = custom_op("double_for_compile", lambda x: 2 * x, lambda x: 2.0)
    x = Value(1.5, label="op_double_for_compile")
    y = double(x)
    y.label = "op_double_for_compile_grads"
    assert micrograd.compile(y * x, backend="python")() == 4.5 and x.grad == 6.0


def test_a_program_does_not_keep_the_graph_alive():
    x = Value(1.0)
    hidden = x * 2
    program = micrograd.compile((hidden + 1).relu(), outputs=[hidden])
    program()
    watch = weakref.ref(hidden)
    del hidden
    gc.collect()
    assert watch() is None and program() == 3.0


# --- the passes of the numpy backend


def test_flatten_sums_merges_a_chain_of_additions_used_once_into_one_sum():
    a, b, c, d = (Value(x) for x in (1.0, 2.0, 3.0, 4.0))
    shared = a * b
    out = ((shared + c) + 2.0 + d) * shared
    equations = flatten_sums(trace(out).equations())
    assert [(e.op, e.inputs, e.constant) for e in equations] == [
        ("mul", (0, 1), None),  # a * b, used twice: kept
        ("sum", (4, 2, 3), 2.0),  # shared + c + 2.0 + d, one operation
        ("mul", (7, 4), None),
    ]


def test_schedule_by_level_puts_each_operation_above_its_highest_input_and_groups_split_levels_by_operation():
    a, b = Value(1.0), Value(2.0)
    out = (a * b).tanh() + (a + b).tanh() * a
    levels = schedule_by_level(trace(out).equations())
    assert [[e.op for e in level] for level in levels] == [["mul", "add"], ["tanh", "tanh"], ["mul"], ["add"]]
    assert list(group_by_operation(levels[0])) == [("mul", 2, None), ("add", 2, None)]


def layer_on_points(points, neurons, skip=()):
    """The linear operations of `neurons` (weights, bias) on `points`, all of them but the (point, neuron) pairs in
    `skip`, made neuron by neuron as a user's loop might; and their sum."""
    outputs = [
        micrograd.linear(x, w, b)
        for j, (w, b) in enumerate(neurons)
        for i, x in enumerate(points)
        if (i, j) not in skip
    ]
    return outputs, micrograd.sum(outputs)


def linear_group(out):
    (level, *_) = schedule_by_level(trace(out).equations())
    return [e for e in level if e.op == "linear"]


def test_as_matrix_product_finds_a_batch_of_points_through_a_layer():
    points = [[Value(i + 0.5), Value(-i)] for i in range(4)]
    neurons = [([Value(j), Value(j + 1.0)], Value(-j)) for j in range(3)]
    outputs, out = layer_on_points(points, neurons)
    tr = trace(out)
    input_rows, weight_rows, ordered = as_matrix_product(linear_group(out))
    slot = {id(v): s for s, v in enumerate(tr.leaves)}
    assert input_rows == [tuple(slot[id(v)] for v in x) for x in points]
    assert weight_rows == [tuple(slot[id(v)] for v in [*w, b]) for w, b in neurons]
    for i, j in itertools.product(range(4), range(3)):  # row-major: point i against neuron j at i * 3 + j
        assert ordered[i * 3 + j].inputs == input_rows[i] + weight_rows[j]


def test_a_linear_group_that_misses_a_pair_or_repeats_one_is_not_a_matrix_product():
    points = [[Value(i + 0.5), Value(-i)] for i in range(3)]
    neurons = [([Value(j), Value(j + 1.0)], Value(-j)) for j in range(2)]
    assert as_matrix_product(linear_group(layer_on_points(points, neurons, skip={(1, 0)})[1])) is None
    repeated = micrograd.sum([*layer_on_points(points, neurons)[0], micrograd.linear(points[0], *neurons[0])])
    assert as_matrix_product(linear_group(repeated)) is None


@pytest.mark.parametrize("skip", [(), ((0, 1),)], ids=["a matrix product", "a gather"])
def test_a_batch_through_a_layer_replays_eager_as_a_matrix_product_or_not(skip):
    # A value that is both an input and a weight, and an input used twice in one row, get every contribution.
    def f(a, b, c, d):
        points = [[a, b, a], [c, d, Value(1.5)], [d, a, b]]
        neurons = [([b, c, a], d), ([a, c, d], c)]
        return micrograd.sum((o * (k + 1)).tanh() for k, o in enumerate(layer_on_points(points, neurons, skip)[0]))

    points = [[0.3, -1.2, 2.0, 0.7], [1e150, 1.0, 3.0, -2.0], [math.inf, 0.5, 1.0, 2.0], [math.nan, 1, 2, 3]]
    program = micrograd.compile(f(*map(Value, points[0])), backend="numpy")
    assert [type(step).__name__ for _, _, steps in program._run._levels[:1] for step in steps] == [
        "_MatrixProduct" if not skip else "_Group"
    ]
    assert_replays_eager(f, [0.3, -1.2, 2.0, 0.7], points + [[0.0, -0.0, -0.0, 0.0]], "numpy")


@pytest.mark.parametrize(
    "layer",
    [
        lambda a, b: [micrograd.linear([], [], a), micrograd.linear([], [], b)],  # biases only: no inputs
        lambda a, b: [micrograd.linear([a], [b], a)],  # one point, one neuron
    ],
    ids=["no inputs", "1 x 1"],
)
def test_the_smallest_matrix_products_replay_eager(layer):
    assert_replays_eager(lambda a, b: micrograd.sum(o.tanh() for o in layer(a, b)), [0.5, 2.0], [[-1.0, 3.0]], "numpy")


def test_a_product_that_overflows_is_eagers_inf_in_a_matrix_product_too():
    # A fused multiply-add (BLAS) would keep 2 * -1e308 finite inside the sum: eager's -inf + inf = nan must stay nan.
    def f(a, b):
        point = [Value(2.0), a]
        neurons = [([b, b], Value(0.0)), ([Value(1.0), Value(0.0)], Value(0.0))]
        return micrograd.sum(micrograd.linear(point, w, bias).tanh() for w, bias in neurons)

    assert_replays_eager(f, [-1e308, -1e308], [[-1e308, -1e308], [1e308, -1e308], [1e200, 1e200]], "numpy")


# --- bad input


def test_bad_input_gets_a_clear_error():
    with pytest.raises(TypeError, match="needs a Value .* or a function"):
        micrograd.compile(3.0)
    with pytest.raises(ValueError, match="backend must be 'auto', 'python' or 'numpy', got 'gpu'"):
        micrograd.compile(Value(1.0), backend="gpu")
    with pytest.raises(ValueError, match="output that the graph does not compute"):
        micrograd.compile(Value(1.0) * 2, outputs=[Value(3.0)])
    with pytest.raises(ValueError, match="check must be a number of calls"):
        micrograd.compile(lambda x: x, check=-1)
    with pytest.raises(TypeError, match="takes numbers, got str"):
        micrograd.compile(lambda x: x)("1.0")
    with pytest.raises(TypeError, match="returns a Value, got float"):
        micrograd.compile(lambda x: 1.0)(2.0)
    x = Value(1.0)
    y = x * 2
    program = micrograd.compile(y, outputs=[x])
    with pytest.raises(RuntimeError, match="call it first"):
        program.data_of(x)
    program()
    assert program.data_of(y) == 2.0
    with pytest.raises(ValueError, match="outputs="):
        program.data_of(Value(1.0))


def test_an_operation_that_cannot_be_compiled_is_named():
    mystery = make_node(1.0, (Value(2.0),), (0.5,), "mystery")
    with pytest.raises(ValueError, match="cannot compile the operation 'mystery'.*custom_op"):
        micrograd.compile(mystery)


def run_without_numpy(code):
    """Run code in a fresh Python in which `import numpy` fails."""
    blocker = "import sys; sys.modules['numpy'] = None\n"
    return subprocess.run([sys.executable, "-c", blocker + code], capture_output=True, text=True)


def test_programs_run_without_numpy():
    result = run_without_numpy(
        "import micrograd\n"
        "x = micrograd.Value(3.0)\n"
        "program = micrograd.compile(x * x)\n"
        "print(program.backend, program(), x.grad)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "python 9.0 6.0\n"


def test_the_numpy_backend_without_numpy_is_a_clear_error():
    result = run_without_numpy("import micrograd\nmicrograd.compile(micrograd.Value(1.0), backend='numpy')\n")
    assert result.returncode == 1
    assert "ImportError: compile(backend='numpy') needs numpy (pip install numpy)" in result.stderr


def test_the_docs_examples_print_what_the_page_says(tmp_path):
    examples = re.findall(r"```python\n(.*?)```\n\nprints\n\n```\n(.*?)```", docs_page("guide/compile.md"), re.S)
    assert len(examples) == 3
    for code, output in examples:
        assert run_example(code, tmp_path) == output


@pytest.mark.parametrize("backend", BACKENDS)
def test_threads_calling_one_compiled_function_get_their_own_answers(backend):
    f = micrograd.compile(lambda x, y: (x * y).tanh() + x, backend=backend, check=0)
    points = [(0.1 * i, 1.0 - 0.05 * i) for i in range(40)]
    expected = [f(*point) for point in points]
    results = {}

    def work(name):
        results[name] = [f(*point) for point in points * 5]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(answers == expected * 5 for answers in results.values())


def test_a_long_chain_of_additions_becomes_one_numpy_sum():
    x = Value(0.5)
    y = x
    for _ in range(70_000):  # more slots than 2 bytes can number: the trace stores them in 4
        y = y + x
    program = micrograd.compile(y, backend="numpy")
    assert len(program._run._levels) == 1
    assert program() == 35_000.5 and x.grad == 70_001.0
