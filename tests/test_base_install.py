"""The package installed without extras, in a fresh virtual environment: every command works.

The venv has no pip and no packages (`venv --without-pip`); the wheel is built without build isolation from a copy of
the sources, and this venv's pip installs it there (`pip --python`), offline. About 10 seconds.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VIZ_EXTRA = "pip install 'micrograd[viz]'"


@pytest.fixture(scope="module")
def base_install(tmp_path_factory):
    """The bin directory of a fresh venv holding micrograd and nothing else."""
    work = tmp_path_factory.mktemp("base-install")
    sources = work / "sources"  # a copy, so that building leaves no build/ or *.egg-info in the checkout
    sources.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, sources)
    shutil.copytree(ROOT / "micrograd", sources / "micrograd", ignore=shutil.ignore_patterns("__pycache__"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(work), str(sources)], check=True)
    (wheel,) = work.glob("micrograd-*.whl")
    subprocess.run([*pip, "--python", str(venv / "bin" / "python"), "install", "--no-deps", str(wheel)], check=True)
    return venv / "bin"


def run(bin_directory, *args, cwd):
    result = subprocess.run([str(bin_directory / "micrograd"), *args], capture_output=True, text=True, cwd=cwd)
    assert "Traceback" not in result.stderr
    return result


def test_the_base_install_has_no_extras(base_install):
    result = subprocess.run(
        [str(base_install / "python"), "-c", "import graphviz"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1 and "No module named 'graphviz'" in result.stderr
    for module in ("matplotlib", "tqdm", "numpy", "torch"):
        result = subprocess.run([str(base_install / "python"), "-c", f"import {module}"], capture_output=True)
        assert result.returncode == 1, module


@pytest.mark.parametrize("command", [["demo", "--steps", "3"], ["train", "--dataset", "spiral", "--steps", "3"]])
def test_demo_and_train_write_the_model_and_history_and_name_the_viz_extra(base_install, tmp_path, command):
    result = run(base_install, *command, "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["history.csv", "model.json"]
    assert result.stdout.splitlines() == [
        "wrote out/history.csv",
        "wrote out/model.json",
        result.stdout.splitlines()[-1],
    ]
    assert result.stdout.splitlines()[-1].startswith("final accuracy: ")
    progress, skipped = result.stderr.splitlines()[:-1], result.stderr.splitlines()[-1]
    assert [line.split("  ")[0] for line in progress] == [
        "training: step 1/3",
        "training: step 2/3",
        "training: step 3/3",
    ]
    assert skipped == (
        "micrograd: skipped decision_boundary.png, history.png, neuron.svg, neuron.html: "
        "they need matplotlib and graphviz: " + VIZ_EXTRA
    )
    check = "import micrograd; print(micrograd.load('out/model.json')['model'])"
    loaded = subprocess.run([str(base_install / "python"), "-c", check], capture_output=True, text=True, cwd=tmp_path)
    assert loaded.stdout.startswith("MLP of [")


def test_graph_prints_the_output_and_gradients_then_what_to_install(base_install, tmp_path):
    result = run(base_install, "graph", "(a*b + c).tanh()", "--set", "a=2", "b=-3", "c=10", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "output: 0.999329",
        "a.grad: -0.00402285",
        "b.grad: 0.0026819",
        "c.grad: 0.00134095",
    ]
    (line,) = result.stderr.splitlines()
    assert line.startswith("micrograd graph: skipped graph.svg: ") and VIZ_EXTRA in line
    assert list(tmp_path.iterdir()) == []


def test_opening_a_notebook_without_jupyterlab_says_how_to_get_it_in_one_line(base_install):
    script, notebook = ROOT / "scripts" / "open_notebook.py", "notebooks/01-main.ipynb"
    result = subprocess.run([str(base_install / "python"), script, notebook], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "open_notebook: JupyterLab is not installed in this Python; `make notebooks` installs it"
    ]
