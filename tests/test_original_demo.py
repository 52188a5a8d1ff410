"""The original micrograd's demo notebook (demo.ipynb), its code unchanged, runs on our engine, reaches 100% accuracy
and follows the original's loss trajectory step by step.

The trajectory is checked against the same computation in PyTorch float64, starting from the same initial weights (that
our MLP draws exactly the original's initial weights is tested in test_layers.py, by replaying the original's random
calls). So the test needs neither the original package nor a network connection.
"""

import gc
import re

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")  # the notebook imports pyplot; no display here

# The notebook's code cells, as published (only the `%matplotlib inline` magic is left out).
ORIGINAL_DEMO = """
import random
import numpy as np
import matplotlib.pyplot as plt

from micrograd.engine import Value
from micrograd.nn import Neuron, Layer, MLP

np.random.seed(1337)
random.seed(1337)

# make up a dataset

from sklearn.datasets import make_moons, make_blobs
X, y = make_moons(n_samples=100, noise=0.1)

y = y*2 - 1 # make y be -1 or 1
# visualize in 2D
plt.figure(figsize=(5,5))
plt.scatter(X[:,0], X[:,1], c=y, s=20, cmap='jet')

# initialize a model
model = MLP(2, [16, 16, 1]) # 2-layer neural network
print(model)
print("number of parameters", len(model.parameters()))

# loss function
def loss(batch_size=None):

    # inline DataLoader :)
    if batch_size is None:
        Xb, yb = X, y
    else:
        ri = np.random.permutation(X.shape[0])[:batch_size]
        Xb, yb = X[ri], y[ri]
    inputs = [list(map(Value, xrow)) for xrow in Xb]

    # forward the model to get scores
    scores = list(map(model, inputs))

    # svm "max-margin" loss
    losses = [(1 + -yi*scorei).relu() for yi, scorei in zip(yb, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    # L2 regularization
    alpha = 1e-4
    reg_loss = alpha * sum((p*p for p in model.parameters()))
    total_loss = data_loss + reg_loss

    # also get accuracy
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
    return total_loss, sum(accuracy) / len(accuracy)

total_loss, acc = loss()
print(total_loss, acc)

# optimization
for k in range(100):

    # forward
    total_loss, acc = loss()

    # backward
    model.zero_grad()
    total_loss.backward()

    # update (sgd)
    learning_rate = 1.0 - 0.9*k/100
    for p in model.parameters():
        p.data -= learning_rate * p.grad

    if k % 1 == 0:
        print(f"step {k} loss {total_loss.data}, accuracy {acc*100}%")

# visualize decision boundary

h = 0.25
x_min, x_max = X[:, 0].min() - 1, X[:, 0].max() + 1
y_min, y_max = X[:, 1].min() - 1, X[:, 1].max() + 1
xx, yy = np.meshgrid(np.arange(x_min, x_max, h),
                     np.arange(y_min, y_max, h))
Xmesh = np.c_[xx.ravel(), yy.ravel()]
inputs = [list(map(Value, xrow)) for xrow in Xmesh]
scores = list(map(model, inputs))
Z = np.array([s.data > 0 for s in scores])
Z = Z.reshape(xx.shape)

fig = plt.figure()
plt.contourf(xx, yy, Z, cmap=plt.cm.Spectral, alpha=0.8)
plt.scatter(X[:, 0], X[:, 1], c=y, s=40, cmap=plt.cm.Spectral)
plt.xlim(xx.min(), xx.max())
plt.ylim(yy.min(), yy.max())
"""

STEP_LINE = re.compile(r"^step (\d+) loss (\S+), accuracy (\S+)%$")


@pytest.fixture(scope="module")
def demo_run():
    """Run the notebook once: (its namespace, [(loss, accuracy in %) per step], its printed lines)."""
    import contextlib
    import io

    import matplotlib.pyplot as plt

    printed = io.StringIO()
    namespace = {"__name__": "original_demo"}
    # Speed only: each step's graph (tens of thousands of nodes, freed by reference counting as soon as it is dropped)
    # makes Python's cycle collector walk everything pytest, torch and matplotlib hold, more than doubling the run time.
    gc.disable()
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(ORIGINAL_DEMO, "demo.ipynb", "exec"), namespace)
    finally:
        gc.enable()
    plt.close("all")
    lines = printed.getvalue().splitlines()
    steps = [STEP_LINE.match(line) for line in lines]
    trajectory = [(float(m[2]), float(m[3])) for m in steps if m]
    return namespace, trajectory, lines


def test_the_original_demo_runs_unchanged_and_reaches_100_percent_accuracy(demo_run):
    _, trajectory, lines = demo_run
    assert lines[0].startswith("MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ")
    assert lines[1] == "number of parameters 337"
    assert len(trajectory) == 100
    assert trajectory[-1][1] == 100.0
    assert trajectory[-1][0] < trajectory[0][0] / 10


def test_the_decision_boundary_cell_classifies_the_grid(demo_run):
    namespace, _, _ = demo_run
    Z = namespace["Z"]
    assert Z.shape == namespace["xx"].shape and Z.any() and not Z.all()  # both classes appear on the grid


def torch_demo_trajectory(initial_parameters, X, y, steps=100):
    """The notebook's training loop in PyTorch float64: [(loss, accuracy in %) per step]."""
    import torch

    flat = torch.tensor(initial_parameters)
    sizes, tensors, offset = [(2, 16), (16, 16), (16, 1)], [], 0
    for nin, nout in sizes:  # our parameter order: per neuron, its nin weights then its bias
        block = flat[offset : offset + nout * (nin + 1)].reshape(nout, nin + 1)
        tensors += [block[:, :nin].clone().requires_grad_(), block[:, nin].clone().requires_grad_()]
        offset += nout * (nin + 1)
    X, y = torch.tensor(X), torch.tensor(y, dtype=torch.float64)
    trajectory = []
    for k in range(steps):
        out = X
        for i in range(0, len(tensors), 2):
            out = out @ tensors[i].T + tensors[i + 1]
            if i < len(tensors) - 2:
                out = torch.relu(out)
        scores = out.squeeze(1)
        data_loss = torch.relu(1 - y * scores).mean()
        reg_loss = 1e-4 * sum((t * t).sum() for t in tensors)
        total_loss = data_loss + reg_loss
        accuracy = ((y > 0) == (scores > 0)).double().mean().item()
        for t in tensors:
            t.grad = None
        total_loss.backward()
        with torch.no_grad():
            for t in tensors:
                t -= (1.0 - 0.9 * k / 100) * t.grad
        trajectory.append((total_loss.item(), accuracy * 100))
    return trajectory


@pytest.mark.torch
def test_the_demo_follows_the_original_loss_trajectory(demo_run):
    import random

    from micrograd.nn import MLP

    namespace, trajectory, _ = demo_run
    random.seed(1337)
    initial = [p.data for p in MLP(2, [16, 16, 1]).parameters()]  # the notebook's model, before training
    X, y = namespace["X"], namespace["y"]
    expected = torch_demo_trajectory(initial, np.asarray(X), np.asarray(y))
    for k, ((loss, accuracy), (torch_loss, torch_accuracy)) in enumerate(zip(trajectory, expected)):
        assert loss == pytest.approx(torch_loss, rel=1e-9), f"loss at step {k}"
        assert accuracy == pytest.approx(torch_accuracy), f"accuracy at step {k}"
