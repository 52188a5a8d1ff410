"""detect_anomaly(): find the first operation, forward or backward, that makes a nan or an inf, and where your code
created it (as `torch.autograd.detect_anomaly`)."""

import math
import os
import sys
import traceback
import weakref

from micrograd.autograd import number_of, topological_order
from micrograd.modes import Switch, thread_modes

_MICROGRAD_DIR = os.path.dirname(__file__) + os.sep


def _user_frame():
    """Where the user's code is: the innermost frame outside micrograd's own files (its subpackages included)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_MICROGRAD_DIR):
        frame = frame.f_back
    if frame is None:
        return None
    return traceback.FrameSummary(frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name, lookup_line=False)


def _where(site):
    if site is None:
        return "outside detect_anomaly(), so where is not known"
    return f'at File "{site.filename}", line {site.lineno}, in {site.name}:\n    {site.line}'


class AnomalyChecker:
    """What detect_anomaly() installs in the engine: `node` makes (and checks) every new node, `backward` replaces
    `Value.backward`, `check_gradient` checks each gradient that grad() computes. Creation sites live in a weak
    dictionary, so they go away with their nodes."""

    def __init__(self):
        self.creation_sites = weakref.WeakKeyDictionary()

    def node(self, node, children, local_grads, op):
        if thread_modes.grad_enabled:
            node._prev, node._local_grads, node._op = children, local_grads, op
            self.creation_sites[node] = _user_frame()
        else:  # no_grad() inside detect_anomaly(): a constant, but still checked
            node._prev, node._local_grads, node._op = (), (), ""
        if not math.isfinite(node.data):
            inputs = ", ".join(repr(child.data) for child in children)
            raise RuntimeError(
                f"detect_anomaly: {op!r} returned {node.data!r} from ({inputs}) in the forward pass,\n"
                f"{_where(_user_frame())}"
            )

    def check_gradient(self, node, index, local_grad, node_grad, contribution):
        if not math.isfinite(number_of(contribution)):
            raise RuntimeError(
                f"detect_anomaly: the backward of {node._op!r} gave {number_of(contribution)!r} as the gradient of "
                f"its input {index} (local derivative {number_of(local_grad)!r} times gradient "
                f"{number_of(node_grad)!r}).\nThat {node._op!r} was created {_where(self.creation_sites.get(node))}"
            )

    def backward(self, root):
        """`Value.backward()`, with a check of every gradient that flows along an edge."""
        order = topological_order(root)
        for node in order:
            node.grad = 0.0
        root.grad += 1.0
        for node in reversed(order):
            node_grad = node.grad
            for index, (child, local_grad) in enumerate(zip(node._prev, node._local_grads)):
                contribution = local_grad * node_grad
                self.check_gradient(node, index, local_grad, node_grad, contribution)
                child.grad += contribution


ANOMALY_CHECKER = AnomalyChecker()


class detect_anomaly(Switch):  # noqa: N801 -- PyTorch's name
    """Inside this block (or decorated function) the first operation whose result is nan or inf raises a
    RuntimeError, and so does the first step of `backward()` (or `grad()`) that makes a gradient nan or inf. The error
    names the operation and the line of your code that created it.

    It is slow (it records where every Value is made): use it to find a bug, not to train.
    """

    settings = {"anomaly": ANOMALY_CHECKER}
