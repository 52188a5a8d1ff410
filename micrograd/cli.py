"""The `micrograd` command: `demo` (the original micrograd's moons demo), `train` (any built-in dataset) and `graph`.

    micrograd demo                      # trains, shows a progress bar, writes pictures and the model to ./micrograd-out
    micrograd train --dataset spiral --hidden 32,32 --optimizer adam --lr 0.05 --steps 200
    micrograd graph "(a*b + c).tanh()" --set a=2 b=-3 c=10

Bad arguments print one line on stderr and exit with status 2.
"""

import argparse
import csv
import random
import sys
from pathlib import Path

from micrograd import datasets, graph_command, losses, optim, save
from micrograd.autograd import sum as value_sum
from micrograd.exercises import command as exercises_command
from micrograd.graph_command import OneLineErrorParser
from micrograd.layers import MLP

DATASETS = {
    "moons": datasets.make_moons,
    "circles": datasets.make_circles,
    "blobs": datasets.make_blobs,
    "spiral": datasets.make_spiral,
    "xor": datasets.make_xor,
}
LOSSES = ["hinge", "bce", "mse", "cross_entropy"]
OPTIMIZERS = {"sgd": optim.SGD, "adam": optim.Adam, "adamw": optim.AdamW}


def _positive_int(text):
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {n}")
    return n


def _positive_float(text):
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 < x < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return x


def _layer_sizes(text):
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 16,16, got {text!r}") from None
    if any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(f"layer sizes must be at least 1, got {text!r}")
    return sizes


def build_parser():
    parser = OneLineErrorParser(prog="micrograd", description="Train tiny neural networks and draw computation graphs.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineErrorParser)

    demo = commands.add_parser("demo", help="the original micrograd demo: an MLP on 100 moons points")
    demo.add_argument("--out", type=Path, default=Path("micrograd-out"), help="where to write pictures and the model")
    demo.add_argument("--steps", type=_positive_int, default=100, help="training steps (default 100)")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(run=run_demo)

    train = commands.add_parser("train", help="train an MLP on a built-in dataset")
    train.add_argument("--dataset", choices=sorted(DATASETS), default="moons")
    train.add_argument("--samples", type=_positive_int, default=100, help="points in the dataset (default 100)")
    train.add_argument("--hidden", type=_layer_sizes, default=[16, 16], help="hidden layer sizes (default 16,16)")
    train.add_argument("--activation", choices=["relu", "tanh", "sigmoid"], default="relu")
    train.add_argument("--loss", choices=LOSSES, help="default: hinge for two classes, cross_entropy for more")
    train.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="sgd")
    train.add_argument("--lr", type=_positive_float, help="learning rate (default 0.1 for sgd, 0.01 otherwise)")
    train.add_argument("--steps", type=_positive_int, default=100)
    train.add_argument("--batch-size", type=_positive_int, help="examples per step (default: all)")
    train.add_argument("--seed", type=int, default=1337)
    train.add_argument("--out", type=Path, default=Path("micrograd-out"))
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.set_defaults(run=run_train)

    graph = commands.add_parser("graph", help="draw the graph of an expression, with data and gradients")
    graph_command.add_arguments(graph)
    graph.set_defaults(run=graph_command.run)

    practice = commands.add_parser("exercises", help="write your own autograd engine, checked step by step")
    exercises_command.add_arguments(practice)
    practice.set_defaults(run=exercises_command.run)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.run(args)


# --- training


def _prediction(output, loss_name):
    """The class a model's output stands for: the sign of a score, or the index of the largest logit."""
    if loss_name == "cross_entropy":
        scores = [v.data for v in output]
        return scores.index(max(scores))
    return int(output.data > 0)


def _loss(loss_name, outputs, labels):
    if loss_name == "hinge":
        return losses.hinge_loss(outputs, datasets.to_signed_labels(labels))
    if loss_name == "bce":
        return losses.binary_cross_entropy_with_logits(outputs, labels)
    if loss_name == "mse":  # regression onto -1/+1, so that the sign is the class, as for the hinge loss
        return losses.mse_loss(outputs, datasets.to_signed_labels(labels))
    return losses.cross_entropy(outputs, labels)


def fit(model, X, y, loss_name, optimizer, steps, batch_size=None, l2=0.0, lr_schedule=None, seed=0, quiet=False):
    """Train `model` on (X, y), labels 0, 1, ...; returns the history {"loss": [...], "accuracy": [...]}, one entry
    per step. Each step: forward on a batch, loss (+ l2 · sum of squared parameters), zero_grad, backward, optimizer
    step; `lr_schedule(step)` sets the learning rate first. Loss and accuracy are those of the step's batch.
    """
    from tqdm import tqdm

    rng = random.Random(seed)
    history = {"loss": [], "accuracy": []}
    bar = tqdm(range(steps), desc="training", unit="step", disable=quiet)
    for step in bar:
        batch = range(len(X)) if batch_size is None or batch_size >= len(X) else rng.sample(range(len(X)), batch_size)
        outputs = [model(X[i]) for i in batch]
        labels = [y[i] for i in batch]
        loss = _loss(loss_name, outputs, labels)
        if l2:
            loss = loss + l2 * value_sum(p * p for p in model.parameters())
        accuracy = sum(_prediction(o, loss_name) == t for o, t in zip(outputs, labels)) / len(labels)
        if lr_schedule is not None:
            optimizer.lr = lr_schedule(step)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        history["loss"].append(loss.data)
        history["accuracy"].append(accuracy)
        bar.set_postfix(loss=f"{loss.data:.4f}", accuracy=f"{accuracy:.0%}")
    return history


def _write_outputs(out, model, optimizer, X, y, history, loss_name):
    """The pictures, the model and the per-step CSV, in `out`; returns the paths written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from micrograd.plots import plot_decision_boundary, plot_history
    from micrograd.viz import draw_dot, to_html

    out.mkdir(parents=True, exist_ok=True)
    written = []

    path = out / "history.csv"
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["step", "loss", "accuracy"])
        writer.writerows(zip(range(len(history["loss"])), history["loss"], history["accuracy"]))
    written.append(path)

    for name, draw in [
        ("decision_boundary.png", lambda ax: plot_decision_boundary(model, X, y, ax=ax)),
        ("history.png", lambda ax: plot_history(history, ax=ax)),
    ]:
        fig, ax = plt.subplots(figsize=(6, 5))
        draw(ax)
        fig.savefig(out / name, dpi=100, bbox_inches="tight")
        plt.close(fig)
        written.append(out / name)

    path = out / "model.json"
    save({"model": model, "optimizer": optimizer}, path)
    written.append(path)

    # One neuron of the first layer on the first example: small enough to read, and it shows data and grad.
    neuron = model.layers[0].neurons[0]
    output = neuron(X[0])
    output.backward()
    dot = draw_dot(output, parameters=neuron.parameters())
    path = out / "neuron.svg"
    try:
        path.write_bytes(dot.pipe(format="svg"))
        written.append(path)
        path = out / "neuron.html"  # the same neuron on a page that steps through its backward pass
        to_html(output, path, parameters=neuron.parameters())
        written.append(path)
    except Exception as error:  # Graphviz's `dot` program is missing: say how to get it, keep the rest
        print(f"micrograd: skipped {path.name}: {error}", file=sys.stderr)
    model.zero_grad()
    return written


def run_demo(args):
    """The original micrograd demo: MLP(2, [16, 16, 1]) on 100 moons points, hinge loss + 1e-4·L2, SGD with the
    learning rate decaying linearly from 1.0 to 0.1."""
    X, y = datasets.make_moons(n_samples=100, noise=0.1, seed=1337)
    random.seed(1337)  # the original's initial weights
    model = MLP(2, [16, 16, 1])
    optimizer = optim.SGD(model.parameters(), lr=1.0)
    history = fit(
        model,
        X,
        y,
        "hinge",
        optimizer,
        args.steps,
        l2=1e-4,
        lr_schedule=lambda k: 1.0 - 0.9 * k / args.steps,
        quiet=args.quiet,
    )
    return _finish(args, model, optimizer, X, y, history, "hinge")


def run_train(args):
    X, y = DATASETS[args.dataset](n_samples=args.samples, seed=args.seed)
    n_classes = max(y) + 1
    loss_name = args.loss or ("hinge" if n_classes == 2 else "cross_entropy")
    if loss_name != "cross_entropy" and n_classes > 2:
        print(
            f"micrograd train: error: --loss {loss_name} is for two classes; {args.dataset} has {n_classes}",
            file=sys.stderr,
        )
        return 2
    random.seed(args.seed)
    model = MLP(2, [*args.hidden, n_classes if loss_name == "cross_entropy" else 1], activation=args.activation)
    lr = args.lr or (0.1 if args.optimizer == "sgd" else 0.01)
    optimizer = OPTIMIZERS[args.optimizer](model.parameters(), lr=lr)
    history = fit(
        model, X, y, loss_name, optimizer, args.steps, batch_size=args.batch_size, seed=args.seed, quiet=args.quiet
    )
    return _finish(args, model, optimizer, X, y, history, loss_name)


def _finish(args, model, optimizer, X, y, history, loss_name):
    accuracy = sum(_prediction(model(x), loss_name) == label for x, label in zip(X, y)) / len(X)
    for path in _write_outputs(args.out, model, optimizer, X, y, history, loss_name):
        print(f"wrote {path}")
    print(f"final accuracy: {accuracy:.1%}")
    return 0
