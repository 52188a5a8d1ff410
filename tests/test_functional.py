"""micrograd.grad (first order), micrograd.hessian, Value.detach, and the README's examples of micrograd.functional."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import micrograd
from micrograd import Value, grad, hessian

from conftest import docs_page

ROOT = Path(__file__).resolve().parent.parent


def test_grad_gives_what_backward_gives():
    a, b = Value(-4.0), Value(2.0)
    out = ((a * b + b**3).tanh() + (a / b).exp()) * a.sigmoid()
    gradients = grad(out, [a, b])
    out.backward()
    assert [g.data for g in gradients] == [a.grad, b.grad]


def test_grad_matches_torch_autograd_grad():
    def f(x, y):
        return (x * y + 1) ** 2 / (y.exp() + x.tanh())

    x, y = Value(0.3), Value(-1.7)
    tx, ty = torch.tensor(0.3, requires_grad=True), torch.tensor(-1.7, requires_grad=True)
    ours = [g.data for g in grad(f(x, y), [x, y])]
    theirs = [g.item() for g in torch.autograd.grad(f(tx, ty), [tx, ty])]
    assert ours == pytest.approx(theirs, rel=1e-12)


def test_grad_does_not_touch_grad():
    x = Value(3.0)
    y = x * x
    x.grad, y.grad = 0.5, 0.25  # whatever a previous backward() left there
    grad(y, x)
    grad(y, x, create_graph=True)
    assert (x.grad, y.grad) == (0.5, 0.25)


def test_grad_returns_a_tuple_of_values_like_torch():
    x = Value(3.0)
    result = grad(x * x, x)
    assert isinstance(result, tuple) and len(result) == 1
    assert isinstance(result[0], Value) and result[0].data == 6.0


def test_without_create_graph_the_gradients_are_constants():
    x = Value(3.0)
    (dy_dx,) = grad(x * x * x, x)
    assert dy_dx._prev == () and dy_dx.data == 27.0


def test_with_create_graph_the_gradient_has_a_graph_back_to_the_input():
    x = Value(3.0)
    (dy_dx,) = grad(x * x * x, x, create_graph=True)
    dy_dx.backward()
    assert (dy_dx.data, x.grad) == (27.0, 18.0)


def test_an_unused_input_gets_a_zero_value():
    x, unused = Value(3.0), Value(5.0)
    for create_graph in (False, True):
        dx, d_unused = grad(x * 2, [x, unused], create_graph=create_graph)
        assert dx.data == 2.0
        assert isinstance(d_unused, Value) and d_unused.data == 0.0 and d_unused._prev == ()


def test_an_input_cut_off_by_a_dead_relu_gets_zero():
    x = Value(-1.0)
    assert grad((x * 3).relu(), x)[0].data == 0.0


def test_gradient_with_respect_to_an_intermediate_value():
    x = Value(2.0)
    hidden = x * x
    out = hidden * 3 + x
    d_hidden, dx = grad(out, [hidden, x])
    assert (d_hidden.data, dx.data) == (3.0, 3 * 2 * 2.0 + 1)  # dx counts the path through hidden too


def test_gradient_of_a_value_with_respect_to_itself_is_one():
    x = Value(2.0)
    assert grad(x, x)[0].data == 1.0


def test_gradients_of_several_outputs_add_up_like_torch():
    x = Value(2.0)
    y, z = x * x, x * 3
    assert grad([y, z], x)[0].data == 4.0 + 3.0


def test_grad_through_the_fused_sum_and_linear():
    x, w, b = Value(2.0), Value(-3.0), Value(0.5)
    out = micrograd.sum([micrograd.linear([x, 1.0], [w, w], b), x, 4.0])
    assert [g.data for g in grad(out, [x, w, b])] == [w.data + 1, x.data + 1, 1.0]


def test_grad_rejects_what_is_not_a_value():
    x = Value(1.0)
    with pytest.raises(TypeError, match="outputs"):
        grad(3.0, x)
    with pytest.raises(TypeError, match="inputs"):
        grad(x * 2, [x, 2.0])
    with pytest.raises(ValueError, match="at least one"):
        grad(x * 2, [])


# --- hessian


def test_hessian_of_rosenbrock_is_the_analytic_one():
    def rosenbrock(x, y):
        return (1 - x) ** 2 + 100 * (y - x**2) ** 2

    for x, y in [(1.0, 1.0), (-1.2, 1.0), (0.5, -0.3)]:
        analytic = [[2 - 400 * (y - x**2) + 800 * x**2, -400 * x], [-400 * x, 200.0]]
        computed = hessian(rosenbrock, [x, y])
        for row, expected_row in zip(computed, analytic):
            assert row == pytest.approx(expected_row, rel=1e-14)


def test_hessian_is_a_list_of_lists_of_floats():
    result = hessian(lambda x, y, z: x * y * z, [1, 2, 3])
    assert result == [[0.0, 3.0, 2.0], [3.0, 0.0, 1.0], [2.0, 1.0, 0.0]]
    assert all(type(entry) is float for row in result for entry in row)


def test_hessian_matches_torch():
    def f(x, y, z):
        return (x * y).tanh() * z.exp() + (x / z) ** 3 + y**z

    point = [0.4, 1.3, 0.9]
    expected = torch.autograd.functional.hessian(f, tuple(torch.tensor(p) for p in point))
    computed = hessian(f, point)
    for i in range(3):
        assert computed[i] == pytest.approx([expected[i][j].item() for j in range(3)], rel=1e-12)


def test_hessian_and_gradcheck_work_inside_no_grad():
    with micrograd.no_grad():
        assert hessian(lambda x, y: x * x * y, [1.0, 2.0]) == [[4.0, 2.0], [2.0, 0.0]]
        assert micrograd.gradcheck(lambda x, y: x * x * y, [1.0, 2.0], order=2)
        assert (Value(1.0) * 2)._prev == ()  # and no_grad is still on


def test_hessian_rejects_bad_points_and_functions():
    with pytest.raises(TypeError, match="list of numbers"):
        hessian(lambda x: x * x, 2.0)
    with pytest.raises(TypeError, match="list of numbers, got a str"):
        hessian(lambda x: x * x, ["2"])
    with pytest.raises(ValueError, match="at least one number"):
        hessian(lambda: Value(1.0), [])
    with pytest.raises(TypeError, match="return a Value, got float"):
        hessian(lambda x: 2.0, [1.0])


# --- detach


def test_detach_is_the_same_number_without_a_graph():
    x = Value(2.0)
    y = (x * x).detach()
    assert y.data == 4.0 and y._prev == () and y._op == ""
    z = y * x
    z.backward()
    assert x.grad == 4.0  # y counts as a constant


# --- the documentation's page on all this


def docs_examples():
    """(code, expected output) for each Python block of the docs' page that is followed by the text it prints."""
    section = docs_page("guide/gradients.md")
    pairs = re.findall(r"```python\n(.*?)```\n\nprints[^\n]*\n\n```\n(.*?)```", section, re.S)
    assert len(pairs) == 7
    return pairs


@pytest.mark.parametrize("code, expected", docs_examples())
def test_docs_examples_print_what_the_page_says(code, expected, tmp_path):
    (tmp_path / "example.py").write_text(code)
    result = subprocess.run(
        [sys.executable, "example.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.replace(str(tmp_path) + os.sep, "") == expected
