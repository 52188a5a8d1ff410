"""The demo's training step in batched PyTorch float64: what a tensor framework does with the same work.

Same data, same initial weights (drawn as `MLP(2, [16, 16, 1])` draws them after `random.seed(1337)`), same hinge loss
+ 1e-4·L2 and SGD update as benchmarks/workloads.py's demo, but each layer is one matrix product over all the points.
One thread (`torch.set_num_threads(1)`), as the scalar engines have one; times are CPU time, like everywhere here.

Run by benchmarks/run.py in a subprocess: `python pytorch_step.py STEPS N_SAMPLES WIDTH` prints one JSON object
(WIDTH is the size of both hidden layers: 16 for the demo).
"""

import json
import statistics
import sys
import time

import torch
from floor import ALPHA, initial_layers
from moons import make_moons


def training_step(layers, X, y, learning_rate):
    """One SGD step in place on [(weight, bias)] tensors; returns the loss before the update."""
    parameters = [p for layer in layers for p in layer]
    for p in parameters:
        p.grad = None
    activations = X
    for index, (weight, bias) in enumerate(layers):
        activations = activations @ weight.T + bias
        if index != len(layers) - 1:
            activations = activations.relu()
    data_loss = (1 - y * activations[:, 0]).relu().mean()
    loss = data_loss + ALPHA * sum((p * p).sum() for p in parameters)
    loss.backward()
    with torch.no_grad():
        for p in parameters:
            p -= learning_rate * p.grad
    return loss.item()


def main(steps, n_samples, width):
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    X, y = make_moons(n_samples)
    X, y = torch.tensor(X), torch.tensor(y, dtype=torch.float64)
    layers = [
        (torch.tensor(weights, requires_grad=True), torch.tensor(biases, requires_grad=True))
        for weights, biases in initial_layers([2, width, width, 1])
    ]
    times, losses = [], []
    for k in range(steps):
        start = time.process_time()
        # the demo's schedule, again every 100 steps (as the compiled steps, which are timed over more than 100)
        losses.append(training_step(layers, X, y, learning_rate=1.0 - 0.9 * (k % 100) / 100))
        times.append(time.process_time() - start)
    print(json.dumps({"step_s": statistics.median(times), "losses": losses, "torch": torch.__version__}))


if __name__ == "__main__":
    main(*map(int, sys.argv[1:4]))
