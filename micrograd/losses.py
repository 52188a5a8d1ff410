"""Loss functions: how wrong a model's outputs are, as one Value to call backward() on.

Each has PyTorch's name and meaning (reduction "mean": the average over the batch), and the tests compare values and
gradients with PyTorch float64. Predictions are Values (a model's outputs); targets are numbers (or Values).

    >>> from micrograd import Value
    >>> from micrograd.losses import mse_loss
    >>> loss = mse_loss([Value(2.0), Value(0.0)], [1.0, 0.0])
    >>> loss.data
    0.5
"""

import math
import numbers

from micrograd import floats
from micrograd.autograd import Value, as_value, make_node
from micrograd.autograd import sum as value_sum


def _as_list(x, name):
    """A batch as a list: a single Value or number is a batch of one."""
    if isinstance(x, (list, tuple)):
        return list(x)
    if isinstance(x, (Value, numbers.Real)):
        return [x]
    try:  # numpy arrays and other sequences
        return list(x)
    except TypeError:
        raise TypeError(f"{name} must be a Value, a number or a list of them, got {type(x).__name__}") from None


def _batch(preds, targets, loss_name):
    preds, targets = _as_list(preds, "predictions"), _as_list(targets, "targets")
    if len(preds) != len(targets):
        raise ValueError(f"{loss_name} got {len(preds)} predictions but {len(targets)} targets")
    if not preds:
        raise ValueError(f"{loss_name} needs at least one prediction")
    return preds, targets


def _mean(losses):
    return value_sum(losses) / len(losses)


def mse_loss(preds, targets):
    """Mean squared error: mean of (pred - target)², like torch.nn.functional.mse_loss.

    preds and targets are Values or numbers, or lists of the same length.
    """
    preds, targets = _batch(preds, targets, "mse_loss")
    return _mean([(as_value(p) - t) ** 2 for p, t in zip(preds, targets)])


def hinge_loss(scores, labels):
    """The SVM's max-margin loss: mean of relu(1 - label·score), for labels -1 or +1.

    A score counts as right (no loss) once it has the label's sign and is at least 1 away from 0: the original
    micrograd demo's loss. datasets.to_signed_labels turns 0/1 labels into -1/+1.
    """
    scores, labels = _batch(scores, labels, "hinge_loss")
    for label in labels:
        if isinstance(label, Value) or not (label == 1 or label == -1):
            raise ValueError(f"hinge_loss needs labels -1 or +1, got {label!r} (to_signed_labels converts 0/1)")
    return _mean([(1 - as_value(s) * label).relu() for s, label in zip(scores, labels)])


def _binary_cross_entropy_with_logit(x, t):
    """One example's loss as one node, its value and local derivatives side by side, as the engine's operations are.

    The value is (1 - t)·x - log σ(x) with log σ(x) = min(x, 0) - log(1 + exp(-|x|)): no exp() can overflow and
    log1p keeps losses as small as 1e-300 (from log and exp, log(1 + 4e-18) would round to 0).
    The derivatives are the textbook ones, d/dx = σ(x) - t and d/dt = -x: built from the pieces, the gradient would
    be a difference of two numbers close to 1 and lose its digits.
    """
    t = as_value(t)  # a child even when it is a number: the second derivative needs it (see functional.py)
    x_data, t_data = x.data, t.data
    log_sigmoid = min(x_data, 0.0) - math.log1p(math.exp(-abs(x_data)))
    value = (1 - t_data) * x_data - log_sigmoid
    d_x = 1 / (1 + floats.exp(-x_data)) - t_data  # σ(x) - t, with σ as Value.sigmoid computes it
    return make_node(value, (x, t), (d_x, -x_data), "bce_with_logits")


def binary_cross_entropy_with_logits(logits, targets):
    """Binary cross-entropy on raw scores ("logits"): mean of -[t·log σ(x) + (1-t)·log(1-σ(x))].

    targets are probabilities in [0, 1] (usually the labels 0 and 1). Each example's loss is one node computed as
    torch.nn.functional.binary_cross_entropy_with_logits does, finite for any logit (±1000 included);
    the gradient with respect to a logit x is σ(x) - t.
    """
    logits, targets = _batch(logits, targets, "binary_cross_entropy_with_logits")
    for t in targets:
        if not isinstance(t, Value) and not 0 <= t <= 1:
            raise ValueError(f"binary_cross_entropy_with_logits needs targets in [0, 1], got {t!r}")
    return _mean([_binary_cross_entropy_with_logit(as_value(x), t) for x, t in zip(logits, targets)])


def _cross_entropy_one(logits, target):
    """-log softmax(logits)[target] = logsumexp(logits) - logits[target]."""
    logits = [as_value(v) for v in _as_list(logits, "logits")]
    if isinstance(target, bool) or not isinstance(target, numbers.Integral) or not 0 <= target < len(logits):
        raise ValueError(f"cross_entropy target must be a class index in [0, {len(logits)}), got {target!r}")
    # Subtracting the largest logit (a constant: no gradient through it) keeps every exp() in (0, 1]: no overflow.
    largest = max(v.data for v in logits)
    log_sum_exp = value_sum([(v - largest).exp() for v in logits]).log() + largest
    return log_sum_exp - logits[int(target)]


def cross_entropy(logits, target):
    """Softmax cross-entropy for classification into C classes, like torch.nn.functional.cross_entropy.

    For one example: logits is a list of C Values (a model's raw scores) and target the right class's index.
    For a batch: a list of such lists and a list of indices; the loss is the mean over the batch.
    The gradient with respect to the logits is softmax(logits) - one_hot(target).
    """
    logits = _as_list(logits, "logits")
    if not logits:
        raise ValueError("cross_entropy needs at least one logit")
    if isinstance(logits[0], (Value, numbers.Real)):
        return _cross_entropy_one(logits, target)
    logits, targets = _batch(logits, target, "cross_entropy")
    return _mean([_cross_entropy_one(row, t) for row, t in zip(logits, targets)])
