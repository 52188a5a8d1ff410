"""Pictures of training with matplotlib: a 2-D classifier's decision regions, and loss/accuracy curves.

matplotlib is an optional dependency (`pip install 'micrograd[viz]'`): it is imported inside the functions, so the rest
of micrograd works without it. Without a display (a server, CI), figures render with the file-only Agg backend.

    >>> from micrograd.plots import plot_decision_boundary
    >>> ax = plot_decision_boundary(model, X, y)          # doctest: +SKIP
    >>> ax.figure.savefig("boundary.png")                 # doctest: +SKIP
"""

import os
import sys

from micrograd.autograd import Value
from micrograd.modes import no_grad


def _pyplot():
    """matplotlib.pyplot, on the Agg backend when there is no display and nobody chose a backend."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError("micrograd's plots need matplotlib: pip install 'micrograd[viz]'") from None
    no_display = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if no_display and "MPLBACKEND" not in os.environ and "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _predict_class(output):
    """The class a model's output stands for: score > 0 for one output (binary), the largest output otherwise."""
    if isinstance(output, Value):
        return int(output.data > 0)
    scores = [o.data for o in output]
    return max(range(len(scores)), key=scores.__getitem__)


def _decision_grid(model, X, resolution):
    """(xs, ys, classes): a resolution × resolution grid over the points' range plus a margin of 1 (as the original
    demo draws it), and the class the model predicts at each grid point, as rows (one per y)."""
    x_min, x_max = min(p[0] for p in X) - 1, max(p[0] for p in X) + 1
    y_min, y_max = min(p[1] for p in X) - 1, max(p[1] for p in X) + 1
    xs = [x_min + (x_max - x_min) * i / (resolution - 1) for i in range(resolution)]
    ys = [y_min + (y_max - y_min) * i / (resolution - 1) for i in range(resolution)]
    with no_grad():  # only the predictions are needed: no graph, so far less time and memory
        classes = [[_predict_class(model([x, y])) for x in xs] for y in ys]
    return xs, ys, classes


def plot_decision_boundary(model, X, y, ax=None, resolution=80):
    """Colour the plane by the class `model` predicts, and draw the points X coloured by their labels y.

    X is a list of 2-D points, y their labels: -1/+1 or 0/1 for a model with one output (the class is score > 0),
    0 .. k-1 for a model with k outputs (the class is the largest output). resolution is the grid's points per side.
    Draws on `ax` (a new figure if None) and returns it.
    """
    if len(X) != len(y):
        raise ValueError(f"plot_decision_boundary got {len(X)} points but {len(y)} labels")
    if not X or any(len(p) != 2 for p in X):
        raise ValueError("plot_decision_boundary needs a non-empty list of 2-D points")
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an int >= 2, got {resolution!r}")
    plt = _pyplot()
    from matplotlib.colors import BoundaryNorm, ListedColormap

    xs, ys, grid = _decision_grid(model, X, resolution)
    labels = sorted(set(y))
    binary = isinstance(model(X[0]), Value)
    if binary and len(labels) > 2:
        raise ValueError(f"a model with one output separates two classes, but y has {len(labels)}: {labels}")
    # Binary labels may be -1/+1 or 0/1: colour the points by their rank among the labels, as the regions are coloured.
    point_classes = [labels.index(label) for label in y] if binary else list(y)
    n_classes = max(2, len(labels), max(max(row) for row in grid) + 1)
    palette = plt.get_cmap("tab10" if n_classes <= 10 else "hsv", n_classes)  # one distinct colour per class
    colours = ListedColormap([palette(i) for i in range(n_classes)])
    norm = BoundaryNorm([i - 0.5 for i in range(n_classes + 1)], n_classes)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    ax.contourf(xs, ys, grid, levels=[i - 0.5 for i in range(n_classes + 1)], cmap=colours, norm=norm, alpha=0.35)
    ax.scatter([p[0] for p in X], [p[1] for p in X], c=point_classes, cmap=colours, norm=norm, s=20, edgecolors="k")
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_title("decision boundary")
    return ax


def plot_history(history, ax=None):
    """Plot training curves: history is a dict of per-step lists, {"loss": [...], "accuracy": [...]}, with accuracy
    (optional) as a fraction in [0, 1], drawn in % on a second axis on the right. Returns the loss axis."""
    if not isinstance(history, dict) or not history.get("loss"):
        raise ValueError(
            "plot_history needs a dict with a non-empty 'loss' list, e.g. {'loss': [...], 'accuracy': [...]}"
        )
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    steps = range(len(history["loss"]))
    ax.plot(steps, history["loss"], color="tab:blue", label="loss")
    ax.set_xlabel("step")
    ax.set_ylabel("loss", color="tab:blue")
    if history.get("accuracy"):
        accuracy_ax = ax.twinx()
        accuracy_ax.plot(range(len(history["accuracy"])), [100 * a for a in history["accuracy"]], color="tab:orange")
        accuracy_ax.set_ylabel("accuracy (%)", color="tab:orange")
        accuracy_ax.set_ylim(0, 105)
    ax.set_title("training")
    return ax
