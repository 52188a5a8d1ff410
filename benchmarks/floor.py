"""The floor: the demo's training step written out by hand in plain Python, with no autograd at all.

Same data, same initial weights (drawn as `MLP(2, [16, 16, 1])` draws them after `random.seed(1337)`), same hinge loss
+ 1e-4·L2 and SGD update; the backward pass is the chain rule applied by hand. No engine can do less work than this in
pure Python, so "ours / floor" says how much the autograd machinery costs.

Run by benchmarks/run.py in a subprocess: `python floor.py STEPS N_SAMPLES [WIDTH]` prints one JSON object (WIDTH is
the size of both hidden layers: 16, the demo's, unless given).
"""

import json
import random
import statistics
import sys
import time

from moons import make_moons

ALPHA = 1e-4


def initial_layers(sizes, seed=1337):
    """[(weights, biases)] per layer, weights[j] the input weights of neuron j, drawn in MLP's order."""
    random.seed(seed)
    layers = []
    for nin, nout in zip(sizes, sizes[1:]):
        weights, biases = [], []
        for _ in range(nout):  # Neuron(nin): nin weights uniform in [-1, 1], then a bias of 0
            weights.append([random.uniform(-1, 1) for _ in range(nin)])
            biases.append(0.0)
        layers.append((weights, biases))
    return layers


def training_step(layers, X, y, learning_rate):
    """One SGD step in place; returns the loss before the update, computed in the demo's order of operations."""
    weight_grads = [[[0.0] * len(row) for row in weights] for weights, _ in layers]
    bias_grads = [[0.0] * len(biases) for _, biases in layers]
    last = len(layers) - 1
    scale = 1.0 / len(X)
    loss_sum = 0.0
    for x, label in zip(X, y):
        # forward, keeping every layer's input and pre-activation for the backward pass
        activations, pre_activations = [x], []
        for index, (weights, biases) in enumerate(layers):
            inputs = activations[-1]
            zs = []
            for row, bias in zip(weights, biases):
                z = bias  # bias first, then w*x left to right: the original Neuron's sum(..., self.b)
                for w, a in zip(row, inputs):
                    z += w * a
                zs.append(z)
            pre_activations.append(zs)
            activations.append(zs if index == last else [z if z > 0 else 0.0 for z in zs])
        margin = 1 + -label * activations[-1][0]
        if margin <= 0:  # hinge loss is 0 here, and so is its gradient
            continue
        loss_sum += margin
        # backward: d loss / d output, then layer by layer back to the first
        output_grads = [scale * -label]
        for index in range(last, -1, -1):
            weights, _ = layers[index]
            inputs = activations[index]
            if index != last:  # through the relu
                output_grads = [g if z > 0 else 0.0 for g, z in zip(output_grads, pre_activations[index])]
            input_grads = [0.0] * len(inputs)
            for j, (row, g) in enumerate(zip(weights, output_grads)):
                if g == 0.0:
                    continue
                bias_grads[index][j] += g
                row_grads = weight_grads[index][j]
                for k, (w, a) in enumerate(zip(row, inputs)):
                    row_grads[k] += g * a
                    input_grads[k] += g * w
            output_grads = input_grads
    data_loss = loss_sum * scale
    reg_loss = 0.0
    for weights, biases in layers:  # parameters in MLP order: each neuron's weights, then its bias
        for row, bias in zip(weights, biases):
            for w in row:
                reg_loss += w * w
            reg_loss += bias * bias
    loss = data_loss + ALPHA * reg_loss
    # L2 gradient (2·alpha·p) and the SGD update
    for (weights, biases), w_grads, b_grads in zip(layers, weight_grads, bias_grads):
        for row, row_grads in zip(weights, w_grads):
            for k, g in enumerate(row_grads):
                row[k] -= learning_rate * (g + 2 * ALPHA * row[k])
        for j, g in enumerate(b_grads):
            biases[j] -= learning_rate * (g + 2 * ALPHA * biases[j])
    return loss


def main(steps, n_samples, width=16):
    X, y = make_moons(n_samples)
    layers = initial_layers([2, width, width, 1])
    times, losses = [], []
    for k in range(steps):
        start = time.process_time()
        losses.append(training_step(layers, X, y, learning_rate=1.0 - 0.9 * k / 100))
        times.append(time.process_time() - start)
    print(json.dumps({"step_s": statistics.median(times), "losses": losses}))


if __name__ == "__main__":
    main(*map(int, sys.argv[1:4]))
