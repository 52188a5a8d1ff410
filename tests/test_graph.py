"""How the graph behaves: order, accumulation, depth, memory, and the README's numbers."""

import gc
import sys
import weakref

from micrograd import Value


def test_children_are_an_ordered_tuple():
    a, b = Value(1.0), Value(2.0)
    assert (a * b)._prev == (a, b)
    assert (b * a)._prev == (b, a)
    assert (a + 1)._prev == (a,)


def test_op_names_the_operation():
    a, b = Value(1.0), Value(2.0)
    assert [(a + b)._op, (a * b)._op, (a / b)._op, (a**b)._op, (a**2)._op, a.tanh()._op] == [
        "+",
        "*",
        "/",
        "**",
        "**2.0",
        "tanh",
    ]


def test_leaf_starts_with_float_data_and_zero_grad():
    v = Value(3, label="x")
    assert (v.data, v.grad, v.label, v._prev, v._op) == (3.0, 0.0, "x", (), "")
    assert type(v.data) is float and type(v.grad) is float


def test_repr_shows_data_and_grad():
    assert repr(Value(2.5)) == "Value(data=2.5, grad=0.0)"


def test_gradients_accumulate_in_leaves_across_backward_calls():
    x = Value(3.0)
    y = x * x
    y.backward()
    y.backward()
    assert x.grad == 12.0  # 2 * (2 * 3), as torch gives for two backward() calls


def test_a_second_backward_through_a_deep_graph_adds_exactly_the_same_again():
    x = Value(0.5)
    z = ((x * x).tanh() * x).exp()
    z.backward()
    once = x.grad
    z.backward()
    assert x.grad == 2 * once  # intermediate gradients are recomputed, not accumulated


def test_backward_on_a_leaf_gives_it_gradient_one():
    x = Value(2.0)
    x.backward()
    assert x.grad == 1.0


def test_a_million_node_chain_backpropagates_at_the_default_recursion_limit():
    assert sys.getrecursionlimit() <= 1000 * 10  # nothing here raised it
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y + 1
    y.backward()
    assert y.data == 1_000_001.0 and x.grad == 1.0


def test_a_graph_is_freed_by_reference_counting_alone():
    gc.collect()
    gc.disable()
    try:
        x = Value(2.0)
        middle = (x * x).tanh()
        root = middle * x + 1
        root.backward()
        middle_ref, root_ref = weakref.ref(middle), weakref.ref(root)
        del middle
        assert middle_ref() is not None  # the root still holds it
        del root
        assert root_ref() is None and middle_ref() is None  # no reference cycle kept them alive
    finally:
        gc.enable()


def test_numpy_scalars_work_on_either_side():
    import numpy as np

    v = Value(np.float64(2.0))
    assert type(v.data) is float
    assert isinstance(np.int64(3) * v, Value)
    assert (np.float64(1.5) + v).data == 3.5
    assert (np.int64(-1) * v).data == -2.0
