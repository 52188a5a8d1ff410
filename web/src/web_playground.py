"""The playground's Python side, in the browser's worker: a network trained step by step with the real engine.

`reset(settings)` builds the data, the MLP and its optimizer; `train(steps)` runs that many training steps (the loop
of micrograd.training.fit, replayed by its compiled StepGraph) and returns what the page draws. Every call answers
JSON-able numbers, so the page only draws. A neuron's step-through page is micrograd.viz.to_html's, laid out by
the browser's Graphviz (neuron_dot, then neuron_page).
"""

import math
import random

from micrograd import datasets, optim
from micrograd.autograd import Value, linear
from micrograd.layers import ACTIVATIONS, MLP
from micrograd.training import StepGraph, TrainingDiverged
from micrograd.viz import to_html
from micrograd.viz.page import page_dot

DATASETS = {
    "moons": (datasets.make_moons, {"noise": 0.1}, 2),
    "circles": (datasets.make_circles, {"noise": 0.05}, 2),
    "spiral": (datasets.make_spiral, {}, 3),
    "xor": (datasets.make_xor, {"noise": 0.05}, 2),
    "blobs": (datasets.make_blobs, {}, 3),
}
OPTIMIZERS = {"sgd": optim.SGD, "adam": optim.Adam, "adamw": optim.AdamW}
GRID = 24  # cells per side of the boundary picture and of each neuron's heat map
# Colouring a picture needs no graph: the grid goes through the model's own weights as plain floats.
FLOAT_ACTIVATIONS = {
    "relu": lambda s: max(s, 0.0),
    "tanh": math.tanh,
    "sigmoid": lambda s: 1 / (1 + math.exp(-s)) if s > -700 else 0.0,
    "linear": lambda s: s,
}

state = {}  # the one training session of the page


def reset(settings):
    """A new session from the page's settings; the points, their labels and the picture's square."""
    make, options, classes = DATASETS[settings["dataset"]]
    X, y = make(n_samples=int(settings.get("points", 100)), seed=int(settings.get("seed", 0)), **options)
    loss_name = settings["loss"]
    if classes > 2 and loss_name != "cross_entropy":
        raise ValueError(f"{settings['dataset']} has {classes} classes: choose the cross_entropy loss")
    outputs = classes if loss_name == "cross_entropy" else 1
    random.seed(int(settings.get("seed", 0)))
    model = MLP(2, [*settings["hidden"], outputs], activation=settings["activation"])
    optimizer = OPTIMIZERS[settings["optimizer"]](model.parameters(), lr=float(settings["lr"]))
    batch_size = min(int(settings["batch"]), len(X)) if settings.get("batch") else len(X)
    reach = max(abs(c) for point in X for c in point) * 1.15
    state.clear()
    state.update(X=X, y=y, model=model, optimizer=optimizer, loss=loss_name, batch=batch_size, step=0, graph=None)
    state.update(rng=random.Random(int(settings.get("seed", 0))), reach=reach)
    return {"points": X, "labels": y, "classes": classes, "reach": reach}


def train(steps, draw=True):
    """`steps` training steps; the losses and accuracies of those steps, and (with `draw`) the pictures after them."""
    X, y, history = state["X"], state["y"], {"loss": [], "accuracy": []}
    for _ in range(int(steps)):
        batch = range(len(X)) if state["batch"] >= len(X) else state["rng"].sample(range(len(X)), state["batch"])
        points, labels = [X[i] for i in batch], [y[i] for i in batch]
        state["optimizer"].zero_grad()
        if state["graph"] is None:  # built once, from the first batch, then replayed (micrograd.compile)
            state["graph"] = StepGraph(state["model"], state["loss"], points, labels, 0.0)
        else:
            state["graph"].fill(points, labels)
        loss = state["graph"].run()
        if not math.isfinite(loss):
            raise TrainingDiverged(f"the loss became {loss} at step {state['step']}: try a smaller learning rate")
        state["optimizer"].step()
        predictions = state["graph"].predictions()
        history["loss"].append(loss)
        history["accuracy"].append(sum(p == t for p, t in zip(predictions, labels)) / len(labels))
        state["step"] += 1
    return {"step": state["step"], **history, **(pictures() if draw else {})}


def accuracy():
    """The model's accuracy on every point of the dataset (not only the last batch)."""
    right = 0
    for point, label in zip(state["X"], state["y"]):
        outputs = float_forward(point)[-1]
        right += (outputs.index(max(outputs)) if len(outputs) > 1 else int(outputs[0] > 0)) == label
    return right / len(state["X"])


def float_forward(point):
    """Every layer's outputs for one point, from the model's weights as plain floats."""
    layers, x = [], point
    for layer in state["model"].layers:
        x = [
            FLOAT_ACTIVATIONS[n.activation](n.b.data + sum(w.data * xi for w, xi in zip(n.w, x))) for n in layer.neurons
        ]
        layers.append(x)
    return layers


def pictures():
    """The class each grid cell falls in (the boundary) and each neuron's output on the grid (its heat map)."""
    reach = state["reach"]
    coordinates = [-reach + (2 * reach) * (i + 0.5) / GRID for i in range(GRID)]
    boundary, neurons = [], None  # neurons: every layer's, the output layer's too
    for y in reversed(coordinates):  # the picture's first row is the top
        for x in coordinates:
            layers = float_forward([x, y])
            out = layers[-1]
            boundary.append(out.index(max(out)) if len(out) > 1 else (1 if out[0] > 0 else 0))
            if neurons is None:
                neurons = [[[] for _ in layer] for layer in layers]
            for layer_maps, outputs in zip(neurons, layers):
                for heat_map, output in zip(layer_maps, outputs):
                    heat_map.append(output)
    weights = [[[w.data for w in neuron.w] for neuron in layer.neurons] for layer in state["model"].layers]
    return {"grid": GRID, "boundary": boundary, "neurons": neurons, "weights": weights, "full_accuracy": accuracy()}


def neuron_dot(layer, index, language, weight=None):
    """The DOT text of one neuron's graph at the current weights, after backward() from the neuron's output, on the
    first point of the dataset where gradients flow back to its weights (a relu at rest passes none: a page of zeros
    teaches nothing) — to weight number `weight` when one was clicked, which the page then marks — else on the last
    point. neuron_page then makes the page from the browser's layout."""
    neuron = state["model"].layers[int(layer)].neurons[int(index)]
    for point in state["X"]:
        previous = float_forward(point)[int(layer) - 1] if int(layer) else point
        # Copies of the weights: the page's backward() must not add into the model's gradients.
        inputs, weights, bias = [Value(x) for x in previous], [Value(w.data) for w in neuron.w], Value(neuron.b.data)
        out = linear(inputs, weights, bias)
        if ACTIVATIONS[neuron.activation] is not None:
            out = ACTIVATIONS[neuron.activation](out)
        out.backward()
        if any(w.grad != 0 for w in (weights if weight is None else [weights[int(weight)]])):
            break
    out.label = "out"
    focus = None if weight is None else weights[int(weight)]
    state["page"] = {"root": out, "parameters": [*weights, bias], "language": language, "focus": focus}
    return page_dot(out, parameters=[*weights, bias]).source


def neuron_page(svg):
    """The step-through page (micrograd.viz.to_html) of the graph neuron_dot gave, laid out as `svg` by the browser."""
    page = state["page"]
    return to_html(
        page["root"], parameters=page["parameters"], language=page["language"], svg=svg, focus=page["focus"]
    ).html
