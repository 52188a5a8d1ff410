"""Plots: the decision regions are the model's predictions, the figures render to PNG, and matplotlib stays optional."""

import subprocess
import sys

import matplotlib
import pytest

from micrograd.layers import MLP
from micrograd.modes import GradMode
from micrograd.viz.plots import _decision_grid, plot_decision_boundary, plot_history

matplotlib.use("Agg")

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def linear_model(weights, bias=0.0):
    """An MLP with one linear neuron: score = w · x + b."""
    model = MLP(2, [1])
    model.load_state_dict({"layers.0.neurons.0.w": weights, "layers.0.neurons.0.b": bias})
    return model


def three_class_model():
    """Three linear outputs x1, -x1 and x2: the class with the largest one wins."""
    model = MLP(2, [3])
    model.load_state_dict(
        {
            "layers.0.neurons.0.w": [1.0, 0.0],
            "layers.0.neurons.0.b": 0.0,
            "layers.0.neurons.1.w": [-1.0, 0.0],
            "layers.0.neurons.1.b": 0.0,
            "layers.0.neurons.2.w": [0.0, 1.0],
            "layers.0.neurons.2.b": 0.0,
        }
    )
    return model


def test_the_grid_covers_the_points_with_a_margin_and_holds_the_binary_predictions():
    X = [[-1.0, -2.0], [1.0, 3.0]]
    xs, ys, classes = _decision_grid(linear_model([1.0, 0.0]), X, resolution=9)
    assert (xs[0], xs[-1], ys[0], ys[-1]) == (-2.0, 2.0, -3.0, 4.0)
    assert len(classes) == len(ys) and all(len(row) == len(xs) for row in classes)
    assert all(row == [int(x > 0) for x in xs] for row in classes)


def test_the_grid_holds_the_argmax_for_several_outputs():
    xs, ys, classes = _decision_grid(three_class_model(), [[-1.0, -1.0], [1.0, 1.0]], resolution=7)
    for y, row in zip(ys, classes):
        for x, predicted in zip(xs, row):
            scores = [x, -x, y]
            assert predicted == scores.index(max(scores))


def test_the_grid_is_computed_without_recording_a_graph_and_recording_resumes():
    _decision_grid(linear_model([1.0, 1.0]), [[0.0, 0.0], [1.0, 1.0]], resolution=3)
    assert GradMode.enabled
    assert linear_model([1.0, 1.0])([1.0, 2.0])._prev


@pytest.mark.parametrize("labels", [[-1, 1, 1, -1], [0, 1, 1, 0]])
def test_binary_decision_boundary_renders_to_png(tmp_path, labels):
    X = [[-1.0, 0.5], [1.0, 0.2], [0.5, -1.0], [-0.5, -0.5]]
    ax = plot_decision_boundary(linear_model([1.0, 0.0]), X, labels, resolution=10)
    assert len(ax.collections) >= 2  # the regions and the points
    points = ax.collections[-1]
    assert points.get_offsets().tolist() == X
    assert points.get_array().tolist() == [0, 1, 1, 0]  # the lower label is class 0, whichever convention
    ax.figure.savefig(tmp_path / "boundary.png")
    assert (tmp_path / "boundary.png").read_bytes().startswith(PNG_SIGNATURE)
    matplotlib.pyplot.close(ax.figure)


def test_multi_class_decision_boundary_draws_on_the_given_axes(tmp_path):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    X, y = [[1.0, 0.0], [-1.0, 0.0], [0.0, 2.0]], [0, 1, 2]
    assert plot_decision_boundary(three_class_model(), X, y, ax=ax, resolution=10) is ax
    assert ax.collections[-1].get_array().tolist() == [0, 1, 2]
    fig.savefig(tmp_path / "multi.png")
    assert (tmp_path / "multi.png").read_bytes().startswith(PNG_SIGNATURE)
    plt.close(fig)


def test_one_output_cannot_show_three_classes():
    with pytest.raises(ValueError, match="one output separates two classes, but y has 3"):
        plot_decision_boundary(linear_model([1.0, 0.0]), [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]], [0, 1, 2])


def test_mismatched_points_and_labels_raise_value_error():
    with pytest.raises(ValueError, match="2 points but 1 labels"):
        plot_decision_boundary(linear_model([1.0, 0.0]), [[0.0, 0.0], [1.0, 1.0]], [0])


def test_history_plot_draws_loss_and_accuracy_in_percent(tmp_path):
    history = {"loss": [1.0, 0.5, 0.25], "accuracy": [0.5, 0.75, 1.0]}
    ax = plot_history(history)
    assert ax.lines[0].get_ydata().tolist() == history["loss"]
    accuracy_axes = [other for other in ax.figure.axes if other is not ax]
    assert accuracy_axes[0].lines[0].get_ydata().tolist() == [50.0, 75.0, 100.0]
    ax.figure.savefig(tmp_path / "history.png")
    assert (tmp_path / "history.png").read_bytes().startswith(PNG_SIGNATURE)
    matplotlib.pyplot.close(ax.figure)


def test_history_without_accuracy_has_one_axis():
    ax = plot_history({"loss": [3.0, 2.0]})
    assert ax.figure.axes == [ax]
    matplotlib.pyplot.close(ax.figure)


def test_history_needs_a_loss_list():
    with pytest.raises(ValueError, match="non-empty 'loss' list"):
        plot_history([1.0, 2.0])


def test_micrograd_imports_and_trains_without_its_viz_extra_and_plots_say_what_to_install():
    code = """
import sys
for name in ("matplotlib", "graphviz", "tqdm"):
    sys.modules[name] = None  # as if it were not installed
import micrograd, micrograd.plots, micrograd.viz, micrograd.cli
from micrograd.layers import MLP
MLP(2, [1])([1.0, 2.0]).backward()
try:
    micrograd.plots.plot_history({"loss": [1.0]})
except ImportError as error:
    print(error)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "micrograd's plots need matplotlib: pip install 'micrograd[viz]'"


def test_without_a_display_plots_use_agg_whatever_the_configured_backend(tmp_path):
    """A matplotlibrc naming a backend that cannot load here: pyplot alone would fail, our plots pick Agg first."""
    (tmp_path / "matplotlibrc").write_text("backend: module://no_such_backend\n")
    code = "from micrograd.plots import plot_history; import matplotlib; plot_history({'loss': [1.0]});"
    code += "print(matplotlib.get_backend())"
    env = {"PATH": "", "HOME": str(tmp_path), "MATPLOTLIBRC": str(tmp_path)}  # and no DISPLAY
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().lower() == "agg"
