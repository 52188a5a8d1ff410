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

from micrograd.autograd import Value, _node
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


def _value(x):
    return x if isinstance(x, Value) else Value(x)


def _mean(losses):
    return value_sum(losses) / len(losses)


def mse_loss(preds, targets):
    """Mean squared error: mean of (pred - target)², like torch.nn.functional.mse_loss.

    preds and targets are Values or numbers, or lists of the same length.
    """
    preds, targets = _batch(preds, targets, "mse_loss")
    return _mean([(_value(p) - t) ** 2 for p, t in zip(preds, targets)])


def hinge_loss(scores, labels):
    """The SVM's max-margin loss: mean of relu(1 - label·score), for labels -1 or +1.

    A score counts as right (no loss) once it has the label's sign and is at least 1 away from 0: the original
    micrograd demo's loss. datasets.to_signed_labels turns 0/1 labels into -1/+1.
    """
    scores, labels = _batch(scores, labels, "hinge_loss")
    for label in labels:
        if isinstance(label, Value) or not (label == 1 or label == -1):
            raise ValueError(f"hinge_loss needs labels -1 or +1, got {label!r} (to_signed_labels converts 0/1)")
    return _mean([(1 - _value(s) * label).relu() for s, label in zip(scores, labels)])


def _log_sigmoid(x):
    """log(sigmoid(x)) as one node, computed without overflow: min(x, 0) - log(1 + exp(-|x|)).

    Built from log and exp it would lose everything past exp(-36) (1 + 1e-16 == 1) and overflow at exp(1000); as one
    node it is exact to the last bit, like torch.nn.functional.logsigmoid. d/dx = 1 - sigmoid(x) = sigmoid(-x).
    """
    z = math.exp(-abs(x.data))  # in (0, 1]: never overflows
    value = min(x.data, 0.0) - math.log1p(z)
    d_x = z / (1 + z) if x.data >= 0 else 1 / (1 + z)  # sigmoid(-x), written so that it never overflows
    return _node(value, (x,), (d_x,), "log_sigmoid")


def binary_cross_entropy_with_logits(logits, targets):
    """Binary cross-entropy on raw scores ("logits"): mean of -[t·log σ(x) + (1-t)·log(1-σ(x))].

    targets are probabilities in [0, 1] (usually the labels 0 and 1). Written as (1 - t)·x - log σ(x), which stays
    finite for any logit (±1000 included), as torch.nn.functional.binary_cross_entropy_with_logits does.
    The gradient with respect to a logit is σ(x) - t.
    """
    logits, targets = _batch(logits, targets, "binary_cross_entropy_with_logits")
    for t in targets:
        if not isinstance(t, Value) and not 0 <= t <= 1:
            raise ValueError(f"binary_cross_entropy_with_logits needs targets in [0, 1], got {t!r}")
    losses = []
    for x, t in zip(logits, targets):
        x = _value(x)
        losses.append(x * (1 - t) - _log_sigmoid(x))
    return _mean(losses)


def _cross_entropy_one(logits, target):
    """-log softmax(logits)[target] = logsumexp(logits) - logits[target]."""
    logits = [_value(v) for v in _as_list(logits, "logits")]
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
