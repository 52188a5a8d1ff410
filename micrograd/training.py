"""Training: the loop every network here is trained with (`fit`), and a step whose graph is built once and replayed
(`StepGraph`, for `fit(..., compiled=True)`).

Each step of `fit`: forward on a batch, loss, zero_grad, backward, optimizer step — the loop of the lecture.

`StepGraph` trains exactly as the eager loop does (same batches, same losses, same optimizer steps, same history), but
builds the step's graph only once and replays it with `micrograd.compile`. What changes from step to step must
therefore be a leaf whose `.data` we set, never a number folded into the graph:

- the batch's points and targets are leaf Values, refilled before every call;
- the hinge loss's ±1 labels and cross-entropy's class (as a one-hot row) are leaves too: written with the eager loss
  functions they would be constants, frozen at the first batch;
- cross-entropy subtracts the largest logit before exp() so that exp() cannot overflow. Eager reads that number off
  the logits (a Python `max` over `.data`, which a trace would freeze) as a constant; here it is a node of the graph,
  `detached_max`: the same number, computed by the program at every step, through which no gradient flows. So the
  compiled step computes eager's loss, and trains (or diverges) as eager does.
"""

import math
import random

from micrograd import datasets, losses
from micrograd.autograd import Value, make_node
from micrograd.autograd import sum as value_sum
from micrograd.compiler import compile  # noqa: A004 -- micrograd.compile, like torch.compile

LOSS_NAMES = ["hinge", "bce", "mse", "cross_entropy"]


class TrainingDiverged(ArithmeticError):
    """The loss (or a parameter) became nan or infinite: the message says at which step and what to try."""


def prediction(output, loss_name):
    """The class a model's output stands for: the sign of a score, or the index of the largest logit."""
    if loss_name == "cross_entropy":
        scores = [v.data for v in output]
        return scores.index(max(scores))
    return int(output.data > 0)


def loss_by_name(loss_name, outputs, labels):
    """The loss `loss_name` (one of LOSS_NAMES) of a batch's outputs against its labels 0, 1, ..."""
    if loss_name == "hinge":
        return losses.hinge_loss(outputs, datasets.to_signed_labels(labels))
    if loss_name == "bce":
        return losses.binary_cross_entropy_with_logits(outputs, labels)
    if loss_name == "mse":  # regression onto -1/+1, so that the sign is the class, as for the hinge loss
        return losses.mse_loss(outputs, datasets.to_signed_labels(labels))
    return losses.cross_entropy(outputs, labels)


def fit(
    model,
    X,
    y,
    loss_name,
    optimizer,
    steps,
    batch_size=None,
    l2=0.0,
    lr_schedule=None,
    seed=0,
    compiled=False,
    on_step=None,
):
    """Train `model` on (X, y), labels 0, 1, ...; returns the history {"loss": [...], "accuracy": [...]}, one entry
    per step. Each step: forward on a batch, loss (+ l2 · sum of squared parameters), zero_grad, backward, optimizer
    step; `lr_schedule(step)` sets the learning rate first. Loss and accuracy are those of the step's batch.
    With `compiled`, the step's graph is built once and replayed (micrograd.compile, see StepGraph): the same
    batches, losses and history. `on_step(step, loss, accuracy)`, if given, is called after each step (a progress bar,
    a live plot). Raises TrainingDiverged at the first loss, or at the end a parameter, that is nan or infinite.
    """
    rng = random.Random(seed)
    history = {"loss": [], "accuracy": []}
    step_graph = None
    for step in range(steps):
        batch = range(len(X)) if batch_size is None or batch_size >= len(X) else rng.sample(range(len(X)), batch_size)
        points, labels = [X[i] for i in batch], [y[i] for i in batch]
        if lr_schedule is not None:
            optimizer.lr = lr_schedule(step)
        optimizer.zero_grad()
        if compiled:
            if step_graph is None:  # built from the first batch: that step's numbers are already in its leaves
                step_graph = StepGraph(model, loss_name, points, labels, l2)
            else:
                step_graph.fill(points, labels)
            loss = step_graph.run()  # forward and backward
            predictions = step_graph.predictions()
        else:
            outputs = [model(x) for x in points]
            graph = loss_by_name(loss_name, outputs, labels)
            if l2:
                graph = graph + l2 * value_sum(p * p for p in model.parameters())
            graph.backward()
            loss = graph.data
            predictions = [prediction(o, loss_name) for o in outputs]
        if not math.isfinite(loss):
            raise TrainingDiverged(f"the loss became {loss} at step {step}")
        optimizer.step()
        accuracy = sum(p == t for p, t in zip(predictions, labels)) / len(labels)
        history["loss"].append(loss)
        history["accuracy"].append(accuracy)
        if on_step is not None:
            on_step(step, loss, accuracy)
    if not all(math.isfinite(p.data) for p in model.parameters()):
        raise TrainingDiverged(f"a parameter became nan or infinite in the last step ({steps - 1})")
    return history


class StepGraph:
    """One training step's graph on a batch of a fixed size, built once from leaves, compiled.

    `fill(points, labels)` sets the leaves to a batch; `run()` replays forward and backward (gradients go into the
    parameters' `.grad`) and returns the loss; `predictions()` are the classes the last run's outputs stand for.
    """

    def __init__(self, model, loss_name, points, labels, l2):
        self.loss_name = loss_name
        self.inputs = [[Value(x) for x in point] for point in points]
        self.outputs = [model(row) for row in self.inputs]
        if loss_name == "cross_entropy":
            n_classes = len(self.outputs[0])
            self.targets = [[Value(float(k == label)) for k in range(n_classes)] for label in labels]
            loss = _cross_entropy(self.outputs, self.targets)
        else:
            self.targets = [Value(float(t)) for t in self._target_numbers(labels)]
            loss = _LOSSES[loss_name](self.outputs, self.targets)
        if l2:
            loss = loss + l2 * value_sum(p * p for p in model.parameters())
        scores = [v for output in self.outputs for v in (output if isinstance(output, list) else [output])]
        self.program = compile(loss, outputs=scores)

    def _target_numbers(self, labels):
        return labels if self.loss_name == "bce" else datasets.to_signed_labels(labels)

    def fill(self, points, labels):
        """Put a batch into the leaves (as many points as the graph was built for)."""
        for row, point in zip(self.inputs, points):
            for leaf, x in zip(row, point):
                leaf.data = float(x)
        if self.loss_name == "cross_entropy":
            for row, label in zip(self.targets, labels):
                for k, leaf in enumerate(row):
                    leaf.data = float(k == label)
        else:
            for leaf, t in zip(self.targets, self._target_numbers(labels)):
                leaf.data = float(t)

    def run(self):
        """Forward and backward on the leaves' current numbers; the loss."""
        return self.program()

    def predictions(self):
        """The class each output of the last run stands for (the eager command's rule: sign, or largest logit)."""
        data_of = self.program.data_of
        if self.loss_name == "cross_entropy":
            rows = [[data_of(v) for v in logits] for logits in self.outputs]
            return [row.index(max(row)) for row in rows]
        return [int(data_of(score) > 0) for score in self.outputs]


def _hinge(scores, signed_labels):
    """losses.hinge_loss with the labels as leaf Values, in the same operations and order."""
    return value_sum([(1 - s * t).relu() for s, t in zip(scores, signed_labels)]) / len(scores)


def _detached_max(values):
    """The largest of `values` (Python's max, as eager's cross-entropy takes it) as a node with no gradient: each of
    its edges is cut, as relu's are below 0, so that it stands for the constant eager subtracts."""
    return make_node(max(v.data for v in values), tuple(values), (), "detached_max")


def _cross_entropy(batch_logits, one_hot_rows):
    """losses.cross_entropy with the target class as a one-hot row of leaves: log Σ exp(v - shift) + shift - Σ
    one_hot·v, the shift being the largest logit. Adding zeros is exact, so the picked logit is eager's to the bit."""
    per_example = []
    for logits, one_hot in zip(batch_logits, one_hot_rows):
        shift = _detached_max(logits)
        log_sum_exp = value_sum([(v - shift).exp() for v in logits]).log() + shift
        per_example.append(log_sum_exp - value_sum([t * v for t, v in zip(one_hot, logits)]))
    return value_sum(per_example) / len(per_example)


_LOSSES = {"hinge": _hinge, "bce": losses.binary_cross_entropy_with_logits, "mse": losses.mse_loss}
