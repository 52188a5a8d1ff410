"""`micrograd train --compile` and `micrograd demo --compile` train as the eager command does: same batches, losses,
accuracies, model and files, with the step's graph compiled once and replayed."""

import csv
import functools
import json
import random

import pytest

from micrograd import datasets, optim
from micrograd.layers import MLP
from micrograd.training import fit

from conftest import run_micrograd

TOLERANCE = 1e-9  # the numpy backend may add in another order than eager: not bit for bit


def close(a, b):
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b), 1e-300)


def train(fit_function, dataset, loss_name, hidden=(8,), **options):
    """A fresh model trained by fit_function: (history, the final parameters)."""
    X, y = datasets.make_blobs(n_samples=30, seed=3) if dataset == "blobs" else datasets.make_moons(30, seed=3)
    random.seed(5)
    n_outputs = 3 if loss_name == "cross_entropy" else 1
    model = MLP(2, [*hidden, n_outputs], activation="tanh" if loss_name == "mse" else "relu")
    optimizer = optim.Adam(model.parameters(), lr=0.05)
    history = fit_function(model, X, y, loss_name, optimizer, steps=6, **options)
    return history, [p.data for p in model.parameters()]


@pytest.mark.parametrize(
    "dataset, loss_name, options",
    [
        ("moons", "hinge", {"l2": 1e-3, "lr_schedule": lambda step: 0.05 / (1 + step)}),
        ("moons", "hinge", {"batch_size": 7, "seed": 2}),  # the ±1 labels change with the batch
        ("moons", "bce", {"batch_size": 7}),
        ("moons", "mse", {"batch_size": 7}),
        ("blobs", "cross_entropy", {"batch_size": 7}),  # the class and the largest logit change with the batch
        ("blobs", "cross_entropy", {}),
    ],
)
def test_compiled_fit_gives_the_eager_fits_history_and_parameters(dataset, loss_name, options):
    eager_history, eager_parameters = train(fit, dataset, loss_name, **options)
    compiled_history, compiled_parameters = train(functools.partial(fit, compiled=True), dataset, loss_name, **options)
    assert compiled_history["accuracy"] == eager_history["accuracy"]
    assert all(map(close, compiled_history["loss"], eager_history["loss"])), (compiled_history, eager_history)
    assert all(map(close, compiled_parameters, eager_parameters))


def run_command(*args):
    status, out, err = run_micrograd(*args)
    assert status == 0 and "Traceback" not in err, err
    return out


def numbers(path):
    """Every number of a history.csv or a model.json, in order."""
    if path.suffix == ".csv":
        return [float(x) for row in list(csv.reader(open(path)))[1:] for x in row]
    found = []

    def walk(x):
        if isinstance(x, dict):
            for key in sorted(x):
                walk(x[key])
        elif isinstance(x, list):
            for item in x:
                walk(item)
        elif isinstance(x, (int, float)) and not isinstance(x, bool):
            found.append(x)

    walk(json.loads(path.read_text()))
    return found


@pytest.mark.parametrize(
    "command",
    [
        ["demo", "--steps", "5"],
        ["train", "--dataset", "blobs", "--samples", "40", "--hidden", "8", "--batch-size", "9", "--steps", "5"],
    ],
    ids=["demo", "train-blobs-batches"],
)
def test_command_with_compile_writes_the_same_files_and_final_accuracy(tmp_path, command):
    eager, compiled = tmp_path / "eager", tmp_path / "compiled"
    eager_out = run_command(*command, "--quiet", "--out", str(eager))
    compiled_out = run_command(*command, "--quiet", "--out", str(compiled), "--compile")
    assert compiled_out.replace(str(compiled), str(eager)) == eager_out  # the files written, the final accuracy
    assert sorted(p.name for p in compiled.iterdir()) == sorted(p.name for p in eager.iterdir())
    for name in ["history.csv", "model.json"]:
        ours, theirs = numbers(compiled / name), numbers(eager / name)
        assert len(ours) == len(theirs) > 0 and all(map(close, ours, theirs)), name


@pytest.mark.parametrize("optimizer, lr", [("sgd", "100"), ("adam", "3000")])
def test_compiled_training_at_a_huge_learning_rate_diverges_only_if_eager_does(tmp_path, optimizer, lr):
    # The logits jump by hundreds in a step: a shift of the log-sum-exp taken from the previous step's logits would
    # overflow exp() where eager's, this step's largest logit, does not.
    command = ["train", "--dataset", "spiral", "--steps", "15", "--lr", lr, "--hidden", "8", "--optimizer", optimizer]
    eager, compiled = tmp_path / "eager", tmp_path / "compiled"
    run_command(*command, "--quiet", "--out", str(eager))
    run_command(*command, "--quiet", "--out", str(compiled), "--compile")
    ours, theirs = numbers(compiled / "history.csv"), numbers(eager / "history.csv")
    assert len(ours) == len(theirs) > 0 and all(map(close, ours, theirs))
