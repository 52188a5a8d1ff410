"""The `demo` and `train` commands: train an MLP on a built-in dataset, then write its history, pictures, model and the
page of one neuron into --out, as a set. The neuron is one whose gradients flow (a relu at rest passes none back, and
a page of zeros teaches nothing): for `demo` the lecture's, tanh(x1*w1 + x2*w2 + b); for `train` a neuron of the
trained model's first layer on a training point where it is active.

    micrograd demo                      # the original micrograd's moons demo, into ./micrograd-out
    micrograd train --dataset spiral --hidden 32,32 --optimizer adam --lr 0.05 --steps 200
"""

import argparse
import contextlib
import csv
import random
import sys
from pathlib import Path

from micrograd import datasets, optim
from micrograd.autograd import Value
from micrograd.cli.outputs import StagedOutputs, interrupts_held_back
from micrograd.files import save
from micrograd.files.description import MAX_PARAMETERS
from micrograd.layers import MLP, parameter_count
from micrograd.messages import command_error, cut_repr, one_line
from micrograd.training import LOSS_NAMES, TrainingDiverged, fit, prediction

DATASETS = {
    "moons": datasets.make_moons,
    "circles": datasets.make_circles,
    "blobs": datasets.make_blobs,
    "spiral": datasets.make_spiral,
    "xor": datasets.make_xor,
}
CLASSES = {"moons": 2, "circles": 2, "blobs": 3, "spiral": 3, "xor": 2}
OPTIMIZERS = {"sgd": optim.SGD, "adam": optim.Adam, "adamw": optim.AdamW}
OUTPUT_NAMES = ["history.csv", "decision_boundary.png", "history.png", "model.json", "neuron.svg", "neuron.html"]
VIZ_EXTRA = "pip install 'micrograd[viz]'"

# Limits, checked before training, so that no argument can make the command grow its memory without end.
MAX_STEPS = 1_000_000
MAX_SAMPLES = 10_000
MAX_WEIGHT_USES = 10_000_000  # points per step × parameters: a step's graph takes about 50 bytes per use, 0.5 GB here
COMPILE_HELP = "trace the training step once and replay it (micrograd.compile): same results, faster"
LANGUAGES = ("en", "pt")
PAGE_LANGUAGE = {"en": "en", "pt": "pt-BR"}
TEXT = {  # what the commands print, in each language of --lang
    "wrote": {"en": "wrote {path}", "pt": "salvo {path}"},
    "accuracy": {"en": "final accuracy: {accuracy}", "pt": "acurácia final: {accuracy}"},
    "open_next": {
        "en": "Next: open {page} in a web browser and press → to watch backprop run through the lecture's neuron.",
        "pt": "A seguir: abra {page} num navegador e tecle → para ver a retropropagação no neurônio da aula.",
    },
    "skipped": {"en": "micrograd: skipped {names}: {notes}", "pt": "micrograd: {names} não foram criados: {notes}"},
    "need": {"en": "they need {missing}: {command}", "pt": "eles precisam de {missing}: {command}"},
    "and": {"en": " and ", "pt": " e "},
    "training": {"en": "training", "pt": "treino"},
    "step": {"en": "step", "pt": "passo"},
}


def _count(maximum):
    """An argparse type: a whole number from 1 to `maximum`."""

    def parse(text):
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {cut_repr(text, 40)}") from None
        if not 1 <= n <= maximum:
            raise argparse.ArgumentTypeError(f"expected a number from 1 to {maximum:,}, got {_short(n)}")
        return n

    return parse


def _short(n):
    """An int for a message: in full, unless it has more digits than a message should hold."""
    text = str(n)
    return text if len(text) <= 20 else f"a number of {len(text):,} digits"


def _directory(text):
    """An argparse type: a directory's path, not empty (which would mean the current directory)."""
    if not text:
        raise argparse.ArgumentTypeError("expected a directory, got an empty name")
    return Path(text)


def _positive_float(text):
    """An argparse type: a number above 0, finite."""
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {cut_repr(text, 40)}") from None
    if not 0 < x < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {cut_repr(text, 40)}")
    return x


def _layer_sizes(text):
    """An argparse type: hidden layer sizes, "16,16" -> [16, 16]."""
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 16,16, got {cut_repr(text, 40)}") from None
    if any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(f"layer sizes must be at least 1, got {cut_repr(text, 40)}")
    return sizes


def add_demo_arguments(parser):
    parser.add_argument(
        "--out", type=_directory, default=Path("micrograd-out"), help="where to write pictures and the model"
    )
    parser.add_argument("--steps", type=_count(MAX_STEPS), default=100, help="training steps (default 100)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--compile", action="store_true", help=COMPILE_HELP)
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="the messages' and the page's language")


def add_train_arguments(parser):
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="moons")
    parser.add_argument("--samples", type=_count(MAX_SAMPLES), default=100, help="points in the dataset (default 100)")
    parser.add_argument("--hidden", type=_layer_sizes, default=[16, 16], help="hidden layer sizes (default 16,16)")
    parser.add_argument("--activation", choices=["relu", "tanh", "sigmoid"], default="relu")
    parser.add_argument("--loss", choices=LOSS_NAMES, help="default: hinge for two classes, cross_entropy for more")
    parser.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="sgd")
    parser.add_argument("--lr", type=_positive_float, help="learning rate (default 0.1 for sgd, 0.01 otherwise)")
    parser.add_argument("--steps", type=_count(MAX_STEPS), default=100)
    parser.add_argument("--batch-size", type=_count(MAX_SAMPLES), help="examples per step (default: all)")
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--out", type=_directory, default=Path("micrograd-out"))
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--compile", action="store_true", help=COMPILE_HELP)
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="the messages' and the page's language")


@contextlib.contextmanager
def _progress(steps, quiet, lang):
    """fit()'s `on_step` that shows the progress: tqdm's bar, or plain text lines when tqdm is not installed. The bar's
    line is ended on the way out, also when interrupted."""
    # Ctrl-C waits the few hundredths of a second that importing and starting tqdm take: inside an import, Python can
    # drop the KeyboardInterrupt (raised in importlib's weakref callback, it is only printed) and training would go on.
    with interrupts_held_back():
        try:
            from tqdm import tqdm
        except ImportError:
            bar = _TextProgress(steps, quiet, lang)
        else:
            bar = tqdm(total=steps, desc=TEXT["training"][lang], unit=TEXT["step"][lang], disable=quiet)

    def on_step(step, loss, accuracy):
        bar.set_postfix(loss=f"{loss:.4f}", accuracy=f"{accuracy:.0%}", refresh=False)
        bar.update(1)

    try:
        yield on_step
    finally:
        bar.close()


class _TextProgress:
    """Progress as a line on stderr about every tenth of the steps, and at the last: what tqdm shows, without tqdm."""

    def __init__(self, steps, quiet, lang):
        self.steps, self.quiet, self.lang, self.done, self.postfix = steps, quiet, lang, 0, {}
        self.every = max(1, steps // 10)

    def set_postfix(self, refresh=True, **values):
        self.postfix = values

    def update(self, n=1):
        self.done += n
        if not self.quiet and (self.done % self.every == 0 or self.done == self.steps):
            shown = "  ".join(f"{name} {value}" for name, value in self.postfix.items())
            training, step = TEXT["training"][self.lang], TEXT["step"][self.lang]
            print(f"{training}: {step} {self.done}/{self.steps}  {shown}", file=sys.stderr)

    def close(self):
        pass


def _write_outputs(command, directory, model, optimizer, X, y, history, lang):
    """The per-step CSV, the pictures and the model, in `directory`. Returns one line saying which pictures were
    skipped and what to install, or None."""
    with open(directory / "history.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["step", "loss", "accuracy"])
        writer.writerows(zip(range(len(history["loss"])), history["loss"], history["accuracy"]))
    save({"model": model, "optimizer": optimizer}, directory / "model.json")

    skipped, missing, notes = [], [], []
    try:
        _plot(directory, model, X, y, history)
    except ImportError:
        skipped += ["decision_boundary.png", "history.png"]
        missing.append("matplotlib")
    try:
        _draw_neuron(directory / "neuron.svg", lang, model if command == "train" else None, X)
    except ImportError:
        skipped += ["neuron.svg", "neuron.html"]
        missing.append("graphviz")
    except RuntimeError as error:  # Graphviz's `dot` program is missing (or too slow): its message says what to do
        skipped += [name for name in ("neuron.svg", "neuron.html") if not (directory / name).exists()]
        notes.append(one_line(error))
    if missing:
        notes.insert(0, TEXT["need"][lang].format(missing=TEXT["and"][lang].join(missing), command=VIZ_EXTRA))
    return TEXT["skipped"][lang].format(names=", ".join(skipped), notes="; ".join(notes)) if skipped else None


def _plot(directory, model, X, y, history):
    """decision_boundary.png and history.png."""
    import matplotlib

    matplotlib.use("Agg")  # files only, even where there is a display
    import matplotlib.pyplot as plt

    from micrograd.plots import plot_decision_boundary, plot_history

    for name, draw in [
        ("decision_boundary.png", lambda ax: plot_decision_boundary(model, X, y, ax=ax)),
        ("history.png", lambda ax: plot_history(history, ax=ax)),
    ]:
        fig, ax = plt.subplots(figsize=(6, 5))
        draw(ax)
        fig.savefig(directory / name, dpi=100, bbox_inches="tight")
        plt.close(fig)


def lecture_neuron():
    """The neuron of the lecture "building micrograd", with its numbers and names, after backward(): (o, [w1, w2, b]).

    o = tanh(x1*w1 + x2*w2 + b) with x1 = 2, x2 = 0, w1 = -3, w2 = 1 and b = 6.8813735870195432, chosen so that
    n = 0.8814 and o = 0.7071: the local derivative of tanh is then 1 - o² = 0.5, and every gradient reads simply.
    """
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1.label, x2w2.label = "x1*w1", "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o, [w1, w2, b]


def live_neuron(model, X):
    """A neuron of `model`'s first layer on the first point of `X` where gradients flow back to its parameters, after
    backward(): (output, the neuron's parameters), or None where no neuron is active on any point."""
    for x in X:
        for neuron in model.layers[0].neurons:
            output = neuron(x)
            output.backward()
            if any(p.grad != 0 for p in neuron.parameters()):
                return output, neuron.parameters()
            model.zero_grad()
    return None


def _draw_neuron(path, lang, model, X):
    """A neuron as a picture at `path` and as the step-by-step page beside it (.html), the same graph: a live neuron of
    `model` on a point of `X`, or (with no model, or none active) the lecture's."""
    from micrograd.viz import draw_dot, to_html

    output, parameters = (model and live_neuron(model, X)) or lecture_neuron()
    try:
        # The page first: without `dot` it can still lay itself out in the browser (see to_html); the picture cannot.
        to_html(output, path.with_suffix(".html"), parameters=parameters, language=PAGE_LANGUAGE[lang])
        picture = draw_dot(output, parameters=parameters, stack_fields=True)  # the page's layout
        path.write_bytes(picture.pipe(format="svg"))
    finally:
        if model:
            model.zero_grad()


def run_demo(args):
    """The original micrograd demo: MLP(2, [16, 16, 1]) on 100 moons points, hinge loss + 1e-4·L2, SGD with the
    learning rate decaying linearly from 1.0 to 0.1."""
    try:
        staging = StagedOutputs(args.out, OUTPUT_NAMES)
    except ValueError as error:
        return command_error("demo", error, status=2, language=args.lang)
    with staging:
        X, y = datasets.make_moons(n_samples=100, noise=0.1, seed=1337)
        random.seed(1337)  # the original's initial weights
        model = MLP(2, [16, 16, 1])
        optimizer = optim.SGD(model.parameters(), lr=1.0)

        schedule = lambda k: 1.0 - 0.9 * k / args.steps  # noqa: E731 -- the original demo's linear decay
        training = {"steps": args.steps, "l2": 1e-4, "lr_schedule": schedule, "compiled": args.compile}
        status = _train_and_write("demo", staging, args, training, model, optimizer, X, y, "hinge")
    page = args.out / "neuron.html"
    if status == 0 and page.exists():
        print(TEXT["open_next"][args.lang].format(page=page))
    return status


def run_train(args):
    """Train an MLP on a built-in dataset as the arguments say; every argument is checked before training."""
    n_classes = CLASSES[args.dataset]
    loss_name = args.loss or ("hinge" if n_classes == 2 else "cross_entropy")
    nouts = [*args.hidden, n_classes if loss_name == "cross_entropy" else 1]
    n_parameters = parameter_count(2, nouts)
    points_per_step = min(args.batch_size or args.samples, args.samples)
    problem = None
    if loss_name != "cross_entropy" and n_classes > 2:
        problem = f"--loss {loss_name} is for two classes; {args.dataset} has {n_classes}"
    elif args.samples < n_classes:
        problem = f"--samples {args.samples} is too few: {args.dataset} needs at least one point per class, {n_classes}"
    elif n_parameters > MAX_PARAMETERS:
        problem = f"--hidden makes {_short(n_parameters)} parameters; the limit is {MAX_PARAMETERS:,}"
    elif points_per_step * n_parameters > MAX_WEIGHT_USES:
        problem = (
            f"{points_per_step:,} points per step × {n_parameters:,} parameters is more than {MAX_WEIGHT_USES:,} "
            f"weight uses per step; use fewer --samples, a smaller --batch-size or smaller --hidden layers"
        )
    if problem:
        return command_error("train", problem, status=2, language=args.lang)
    try:
        staging = StagedOutputs(args.out, OUTPUT_NAMES)
    except ValueError as error:
        return command_error("train", error, status=2, language=args.lang)
    with staging:
        X, y = DATASETS[args.dataset](n_samples=args.samples, seed=args.seed)
        random.seed(args.seed)
        model = MLP(2, nouts, activation=args.activation)
        lr = args.lr or (0.1 if args.optimizer == "sgd" else 0.01)
        optimizer = OPTIMIZERS[args.optimizer](model.parameters(), lr=lr)

        training = {"steps": args.steps, "batch_size": args.batch_size, "seed": args.seed, "compiled": args.compile}
        return _train_and_write("train", staging, args, training, model, optimizer, X, y, loss_name, lr=lr)


def _train_and_write(command, staging, args, training, model, optimizer, X, y, loss_name, lr=None):
    """Train with fit(..., **training), write the outputs into `staging` and publish them as a set; the exit status."""
    try:
        with _progress(training["steps"], args.quiet, args.lang) as on_step:
            history = fit(model, X, y, loss_name, optimizer, on_step=on_step, **training)
    except TrainingDiverged as error:
        advice = f"try a smaller --lr than {lr:g}" if lr is not None else "try fewer --steps"
        return command_error(command, f"training diverged: {error}; {advice}", status=1, language=args.lang)
    accuracy = sum(prediction(model(x), loss_name) == label for x, label in zip(X, y)) / len(X)
    try:
        skipped = _write_outputs(command, staging.path, model, optimizer, X, y, history, args.lang)
        written = [name for name in OUTPUT_NAMES if (staging.path / name).exists()]
        staging.publish()
    except OSError as error:  # e.g. the disk is full
        return command_error(command, f"writing the outputs failed: {error}", status=1, language=args.lang)
    for name in written:
        print(TEXT["wrote"][args.lang].format(path=staging.out / name))
    if skipped:
        sys.stdout.flush()
        print(skipped, file=sys.stderr)
    shown = f"{accuracy:.1%}" if args.lang == "en" else f"{accuracy:.1%}".replace(".", ",")
    print(TEXT["accuracy"][args.lang].format(accuracy=shown))
    return 0
