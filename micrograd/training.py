"""Training with a compiled program: `micrograd train --compile` and `micrograd demo --compile`.

`micrograd.cli.fit(..., compiled=True)` trains exactly as the eager `fit` does (same batches, same losses, same
optimizer steps, same history), but builds the step's graph only once and replays it with `micrograd.compile`. What
changes from step to step must therefore be a leaf whose `.data` we set, never a number folded into the graph:

- the batch's points and targets are leaf Values, refilled before every call;
- the hinge loss's ±1 labels and cross-entropy's class (as a one-hot row) are leaves too: written with the eager loss
  functions they would be constants, frozen at the first batch;
- cross-entropy subtracts the largest logit before exp() so that exp() cannot overflow. Eager reads that number off
  the logits (a Python `max` over `.data`, which a trace would freeze); here it is a leaf set to the previous step's
  largest logit. Any shift gives the same loss in exact arithmetic, so losses agree with eager's to about 1e-16.
"""

from micrograd import losses
from micrograd.autograd import Value
from micrograd.autograd import sum as value_sum
from micrograd.compiler import compile as compile_graph
from micrograd.datasets import to_signed_labels


class StepGraph:
    """One training step's graph on `size` examples, built once from leaves, compiled.

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
            self.shifts = [Value(max(v.data for v in logits)) for logits in self.outputs]
            loss = _cross_entropy(self.outputs, self.targets, self.shifts)
        else:
            self.targets = [Value(float(t)) for t in self._target_numbers(labels)]
            self.shifts = []
            loss = _LOSSES[loss_name](self.outputs, self.targets)
        if l2:
            loss = loss + l2 * value_sum(p * p for p in model.parameters())
        scores = [v for output in self.outputs for v in (output if isinstance(output, list) else [output])]
        self.program = compile_graph(loss, outputs=scores)

    def _target_numbers(self, labels):
        return labels if self.loss_name == "bce" else to_signed_labels(labels)

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
        loss = self.program()
        data_of = self.program.data_of
        for shift, logits in zip(self.shifts, self.outputs):  # the next step's shift: this step's largest logit
            shift.data = max(data_of(v) for v in logits)
        return loss

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


def _cross_entropy(batch_logits, one_hot_rows, shifts):
    """losses.cross_entropy with the target class as a one-hot row of leaves and the shift of its log-sum-exp a leaf:
    log Σ exp(v - shift) + shift - Σ one_hot·v. Adding zeros is exact, so the picked logit is eager's to the bit."""
    per_example = []
    for logits, one_hot, shift in zip(batch_logits, one_hot_rows, shifts):
        log_sum_exp = value_sum([(v - shift).exp() for v in logits]).log() + shift
        per_example.append(log_sum_exp - value_sum([t * v for t, v in zip(one_hot, logits)]))
    return value_sum(per_example) / len(per_example)


_LOSSES = {"hinge": _hinge, "bce": losses.binary_cross_entropy_with_logits, "mse": losses.mse_loss}
