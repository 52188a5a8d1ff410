"""Losses: values and gradients against the PyTorch functions of the same name (float64), extreme logits included."""

import math

import pytest

from micrograd import Value
from micrograd.losses import binary_cross_entropy_with_logits, cross_entropy, hinge_loss, mse_loss

EXTREME_LOGITS = [-1000.0, -745.0, -50.0, -37.0, -1.5, -1e-8, 0.0, 1e-8, 0.7, 20.0, 37.0, 50.0, 745.0, 1000.0]


def compare(our_loss_fn, torch_loss_fn, inputs, targets, rel=1e-12, target_grads=False):
    """Run both on the same numbers; check the loss and d loss / d input (and d loss / d target if asked)."""
    import torch

    xs = [Value(x) for x in inputs]
    ts = [Value(t) for t in targets] if target_grads else targets
    loss = our_loss_fn(xs, ts)
    loss.backward()
    x_t = torch.tensor(inputs, requires_grad=True)
    t_t = torch.tensor(targets, requires_grad=target_grads)
    torch_loss = torch_loss_fn(x_t, t_t)
    torch_loss.backward()
    assert math.isfinite(loss.data)
    assert loss.data == pytest.approx(torch_loss.item(), rel=rel, abs=1e-300)
    assert [x.grad for x in xs] == pytest.approx(x_t.grad.tolist(), rel=rel, abs=1e-300)
    if target_grads:
        assert [t.grad for t in ts] == pytest.approx(t_t.grad.tolist(), rel=rel, abs=1e-300)


@pytest.mark.torch
def test_mse_loss_matches_torch():
    import torch.nn.functional as F

    compare(mse_loss, F.mse_loss, [0.5, -1.25, 3.0, 0.0], [1.0, -1.0, 2.5, 0.125], target_grads=True)


def test_mse_loss_of_a_single_value():
    loss = mse_loss(Value(3.0), 1.0)
    loss.backward()
    assert loss.data == 4.0


@pytest.mark.torch
def test_hinge_loss_matches_torch_relu_of_one_minus_margin():
    """PyTorch has no binary hinge loss of this name; its definition there is relu(1 - y·s).mean()."""
    import torch

    compare(hinge_loss, lambda s, y: torch.relu(1 - y * s).mean(), [2.0, 0.5, -0.3, -3.0, 0.99], [1, 1, 1, -1, -1])


def test_hinge_loss_is_the_original_demos_loss():
    scores, labels = [Value(0.3), Value(-2.0), Value(1.5)], [1, 1, -1]
    original = sum((1 + -y * s).relu() for y, s in zip(labels, scores)) * (1.0 / len(scores))
    assert hinge_loss(scores, labels).data == pytest.approx(original.data, rel=1e-15)


def test_hinge_loss_rejects_zero_one_labels():
    with pytest.raises(ValueError, match="labels -1 or \\+1, got 0"):
        hinge_loss([Value(1.0), Value(2.0)], [1, 0])


@pytest.mark.torch
@pytest.mark.parametrize("target", [0.0, 1.0, 0.3])
def test_binary_cross_entropy_with_logits_matches_torch_even_at_extreme_logits(target):
    import torch.nn.functional as F

    targets = [target] * len(EXTREME_LOGITS)
    compare(binary_cross_entropy_with_logits, F.binary_cross_entropy_with_logits, EXTREME_LOGITS, targets)


@pytest.mark.torch
def test_binary_cross_entropy_with_logits_gradient_with_respect_to_targets_matches_torch():
    import torch.nn.functional as F

    compare(
        binary_cross_entropy_with_logits,
        F.binary_cross_entropy_with_logits,
        [0.5, -2.0, 7.0],
        [0.0, 1.0, 0.25],
        target_grads=True,
    )


def test_binary_cross_entropy_with_logits_keeps_tiny_losses():
    """log(1 + exp(-40)) is 4.2e-18, not 0: built naively from log and exp it would round to 0."""
    loss = binary_cross_entropy_with_logits([Value(40.0)], [1.0])
    assert loss.data == pytest.approx(math.exp(-40), rel=1e-12)


def test_binary_cross_entropy_with_logits_rejects_targets_outside_zero_one():
    with pytest.raises(ValueError, match="targets in \\[0, 1\\], got -1"):
        binary_cross_entropy_with_logits([Value(1.0)], [-1])


@pytest.mark.torch
def test_cross_entropy_matches_torch_for_a_batch():
    import torch
    import torch.nn.functional as F

    logits = [[1.0, 2.0, -0.5], [0.3, -0.3, 3.1], [-2.0, 0.0, 0.1], [5.0, 5.0, 5.0]]
    targets = [1, 2, 0, 2]
    ours = [[Value(v) for v in row] for row in logits]
    loss = cross_entropy(ours, targets)
    loss.backward()
    theirs = torch.tensor(logits, requires_grad=True)
    torch_loss = F.cross_entropy(theirs, torch.tensor(targets))
    torch_loss.backward()
    assert loss.data == pytest.approx(torch_loss.item(), rel=1e-12)
    assert [[v.grad for v in row] for row in ours] == [pytest.approx(row, rel=1e-12) for row in theirs.grad.tolist()]


@pytest.mark.torch
@pytest.mark.parametrize(
    "logits", [[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -999.0], [1000.0, 1000.0, 1000.0], [745.0, -745.0, 3.0]]
)
@pytest.mark.parametrize("target", [0, 1, 2])
def test_cross_entropy_of_one_example_matches_torch_at_extreme_logits(logits, target):
    import torch
    import torch.nn.functional as F

    ours = [Value(v) for v in logits]
    loss = cross_entropy(ours, target)
    loss.backward()
    theirs = torch.tensor(logits, requires_grad=True)
    torch_loss = F.cross_entropy(theirs, torch.tensor(target))
    torch_loss.backward()
    assert math.isfinite(loss.data) and all(math.isfinite(v.grad) for v in ours)
    assert loss.data == pytest.approx(torch_loss.item(), rel=1e-12)
    assert [v.grad for v in ours] == pytest.approx(theirs.grad.tolist(), rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("target", [3, -1, 1.0, True, "0"])
def test_cross_entropy_rejects_a_target_that_is_not_a_class_index(target):
    with pytest.raises(ValueError, match="class index in \\[0, 3\\)"):
        cross_entropy([Value(1.0), Value(2.0), Value(3.0)], target)


@pytest.mark.parametrize(
    "loss_fn", [mse_loss, hinge_loss, binary_cross_entropy_with_logits, cross_entropy], ids=lambda f: f.__name__
)
def test_batch_size_mismatch_raises_value_error(loss_fn):
    with pytest.raises(ValueError, match="got 2 predictions but 3 targets"):
        if loss_fn is cross_entropy:
            loss_fn([[Value(1.0), Value(2.0)], [Value(1.0), Value(0.0)]], [0, 1, 1])
        else:
            loss_fn([Value(1.0), Value(-1.0)], [1, -1, 1] if loss_fn is hinge_loss else [1, 0, 1])


def test_empty_batch_raises_value_error():
    with pytest.raises(ValueError, match="at least one prediction"):
        mse_loss([], [])


def test_non_number_predictions_raise_type_error():
    with pytest.raises(TypeError, match="Value needs a real number"):
        mse_loss(["a"], [1.0])


@pytest.mark.torch
@pytest.mark.parametrize("x, t", [(0.3, 1.0), (-2.0, 0.0), (40.0, 1.0)])
def test_binary_cross_entropy_has_second_derivatives_like_torch(x, t):
    import torch

    import micrograd

    logit = Value(x)
    (first,) = micrograd.grad(binary_cross_entropy_with_logits([logit], [t]), [logit], create_graph=True)
    (second,) = micrograd.grad(first, [logit])
    torch_logit = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    torch_loss = torch.nn.functional.binary_cross_entropy_with_logits(torch_logit, torch.tensor(t, dtype=torch.float64))
    (torch_first,) = torch.autograd.grad(torch_loss, torch_logit, create_graph=True)
    (torch_second,) = torch.autograd.grad(torch_first, torch_logit)
    assert first.data == pytest.approx(torch_first.item(), rel=1e-12, abs=1e-300)
    assert second.data == pytest.approx(torch_second.item(), rel=1e-9, abs=1e-300)
