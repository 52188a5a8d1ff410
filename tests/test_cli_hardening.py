"""The `micrograd` command under misuse: missing extras, absurd sizes, bad --out, divergence and Ctrl-C."""

import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from micrograd import load
from micrograd.cli import main
from micrograd.cli.outputs import StagedOutputs

from conftest import docs_page, run_micrograd

ALL_OUTPUTS = ["decision_boundary.png", "history.csv", "history.png", "model.json", "neuron.html", "neuron.svg"]


def one_line(err):
    """The only line of stderr, checking that it is the only one and no traceback."""
    assert "Traceback" not in err
    (line,) = err.splitlines()
    return line


def contents(directory):
    """{name: bytes} of every file in `directory`, hidden ones included."""
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


@pytest.fixture
def previous_run(tmp_path):
    """An output directory holding a complete earlier run, and a file of the user's."""
    out = tmp_path / "out"
    assert main(["train", "--steps", "2", "--samples", "20", "--out", str(out), "--quiet"]) == 0
    (out / "notes.txt").write_text("mine")
    return out


# --- 1. without the viz extra


def test_without_matplotlib_the_model_and_history_are_written_and_one_line_names_the_viz_extra(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` now raises ImportError
    assert main(["demo", "--steps", "3", "--out", str(tmp_path / "out"), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [
        "history.csv",
        "model.json",
        "neuron.html",
        "neuron.svg",
    ]
    assert load(tmp_path / "out" / "model.json")["model"].nouts == [16, 16, 1]
    line = one_line(captured.err)
    assert "skipped decision_boundary.png, history.png" in line and "pip install 'micrograd[viz]'" in line
    assert captured.out.splitlines()[-2].startswith("final accuracy: ")  # then what to open next: the page


def test_without_the_dot_program_the_demo_writes_its_page_to_lay_itself_out_and_skips_only_the_picture(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` here; the page carries Graphviz in WebAssembly instead
    assert main(["demo", "--steps", "3", "--out", str(tmp_path / "out"), "--quiet"]) == 0
    captured = capsys.readouterr()
    names = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert names == ["decision_boundary.png", "history.csv", "history.png", "model.json", "neuron.html"]
    assert "Viz.instance()" in (tmp_path / "out" / "neuron.html").read_text(encoding="utf-8")
    assert "skipped neuron.svg: Graphviz's `dot` program is needed" in one_line(captured.err)


def test_without_tqdm_the_progress_is_plain_text(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    assert main(["train", "--steps", "20", "--samples", "20", "--out", str(tmp_path / "out")]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 10  # every tenth of the steps
    assert lines[-1].startswith("training: step 20/20  loss ") and "accuracy " in lines[-1]


def test_a_run_that_skips_pictures_removes_the_old_pictures_instead_of_mixing_them_in(
    previous_run, monkeypatch, capsys
):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["train", "--steps", "2", "--samples", "20", "--out", str(previous_run), "--quiet"]) == 0
    assert sorted(path.name for path in previous_run.iterdir()) == [
        "history.csv",
        "model.json",
        "neuron.html",
        "neuron.svg",
        "notes.txt",
    ]


# --- 3 and 4. every argument is checked before training, in one line


@pytest.mark.parametrize(
    "args, complaint",
    [
        (["train", "--hidden", "1000000000"], "parameters; the limit is 1,000,000"),
        (["train", "--hidden", "1000,1000"], "parameters; the limit is 1,000,000"),
        (["train", "--samples", "1000000000"], "from 1 to 10,000, got 1000000000"),
        (["train", "--samples", "10000", "--hidden", "300,300"], "weight uses per step"),
        (["train", "--samples", "1"], "--samples 1 is too few: moons needs at least one point per class, 2"),
        (["train", "--dataset", "spiral", "--samples", "1"], "spiral needs at least one point per class, 3"),
        (["train", "--steps", "99999999999999999999999"], "from 1 to 1,000,000, got a number of 23 digits"),
        (["demo", "--steps", "99999999999999999999999"], "from 1 to 1,000,000"),
        (["train", "--batch-size", "0"], "from 1 to 10,000, got 0"),
        (["train", "--out", ""], "expected a directory, got an empty name"),
    ],
)
def test_absurd_arguments_are_refused_at_once_in_one_line(args, complaint, tmp_path):
    status, out, err = run_micrograd(*args, cwd=tmp_path)
    assert status == 2 and out == ""
    assert complaint in one_line(err)
    assert list(tmp_path.iterdir()) == []  # nothing trained, nothing written


@pytest.mark.parametrize(
    "where, complaint",
    [
        ("a-file", "is a file, not a directory"),
        ("a-file/out", "lies under a-file, which is a file"),
        ("a-file/deeper/out", "lies under a-file, which is a file"),
        ("/proc/micrograd-out", "cannot be created"),
    ],
)
def test_an_out_that_cannot_be_written_is_refused_before_training(where, complaint, tmp_path):
    (tmp_path / "a-file").write_text("not a directory")
    status, out, err = run_micrograd("train", "--out", where, cwd=tmp_path)
    assert status == 2 and out == ""
    assert complaint in one_line(err)
    assert [path.name for path in tmp_path.iterdir()] == ["a-file"]


@pytest.mark.parametrize(
    "kind, complaint",
    [
        ("a FIFO", "model.json is a FIFO"),
        ("a directory", "model.json is a directory"),
        ("a link to a FIFO", "model.json is a FIFO"),
    ],
)
def test_an_out_holding_one_of_our_names_as_no_regular_file_is_refused_before_training(kind, complaint, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    if kind == "a directory":
        (out / "model.json").mkdir()
    else:
        os.mkfifo(out / ("model.json" if kind == "a FIFO" else "elsewhere"))
        if kind == "a link to a FIFO":
            (out / "model.json").symlink_to("elsewhere")
    before = sorted((path.name, os.lstat(path).st_mode) for path in out.iterdir())
    status, printed, err = run_micrograd("train", "--out", str(out), cwd=tmp_path)
    assert status == 2 and printed == ""
    assert complaint in one_line(err) and "not a regular file; refusing to replace it" in one_line(err)
    assert sorted((path.name, os.lstat(path).st_mode) for path in out.iterdir()) == before
    assert [path.name for path in tmp_path.iterdir()] == ["out"]  # no hidden staging directory left


def test_one_of_our_names_turned_into_a_fifo_while_training_is_not_replaced(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "model.json").write_text("old")
    staging = StagedOutputs(out, ["model.json", "history.csv"])
    (staging.path / "model.json").write_text("new")
    (staging.path / "history.csv").write_text("new")
    (out / "model.json").unlink()
    os.mkfifo(out / "model.json")
    with staging, pytest.raises(FileExistsError, match="a FIFO"):
        staging.publish()
    assert stat.S_ISFIFO(os.lstat(out / "model.json").st_mode) and not (out / "history.csv").exists()


# --- 5. divergence


def test_training_that_diverges_stops_with_one_line_status_1_and_leaves_the_old_outputs(previous_run):
    old_files = contents(previous_run)
    status, out, err = run_micrograd("train", "--loss", "mse", "--lr", "100", "--out", str(previous_run), "--quiet")
    assert status == 1 and out == ""
    line = one_line(err)
    assert "training diverged: the loss became" in line and "try a smaller --lr than 100" in line
    assert contents(previous_run) == old_files
    assert [path.name for path in previous_run.parent.iterdir()] == ["out"]  # no hidden staging directory left


# --- 6. Ctrl-C


def test_ctrl_c_prints_one_line_exits_130_and_leaves_the_old_outputs(previous_run):
    old_files = contents(previous_run)
    command = [sys.executable, "-m", "micrograd", "train", "--steps", "100000", "--out", str(previous_run), "--quiet"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any(path.name.startswith(".out-") for path in previous_run.parent.iterdir()):  # training has begun
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130 and out == ""
    assert one_line(err) == "micrograd: interrupted"
    assert contents(previous_run) == old_files
    assert [path.name for path in previous_run.parent.iterdir()] == ["out"]


# Loaded at start-up from PYTHONPATH: a real Ctrl-C (SIGINT) arrives just as Python imports the module INTERRUPT_AT.
CTRL_C_DURING_AN_IMPORT = """
import os, signal, sys

class CtrlC:
    def find_spec(self, name, path=None, target=None):
        if name == os.environ["INTERRUPT_AT"]:
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, CtrlC())
"""


@pytest.mark.parametrize("module", ["micrograd.datasets", "micrograd.files", "micrograd.cli", "micrograd.cli.train"])
@pytest.mark.parametrize("started_as", ["python -m micrograd", "micrograd"])
def test_ctrl_c_while_the_command_imports_prints_one_line_and_exits_130(tmp_path, monkeypatch, module, started_as):
    (tmp_path / "sitecustomize.py").write_text(CTRL_C_DURING_AN_IMPORT)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.setenv("INTERRUPT_AT", module)
    # the installed script, as pip generated it from pyproject.toml's [project.scripts]
    command = (
        [sys.executable, "-m", "micrograd"]
        if started_as != "micrograd"
        else [Path(sys.executable).parent / "micrograd"]
    )
    result = subprocess.run([*command, "demo", "--out", tmp_path / "out"], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, one_line(result.stderr)) == (130, "", "micrograd: interrupted")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["sitecustomize.py"]


def test_ctrl_c_while_a_program_imports_micrograd_stays_a_keyboard_interrupt(tmp_path, monkeypatch):
    (tmp_path / "sitecustomize.py").write_text(CTRL_C_DURING_AN_IMPORT)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.setenv("INTERRUPT_AT", "micrograd.files")
    code = "try:\n    import micrograd\nexcept KeyboardInterrupt:\n    print('caught')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (0, "caught\n")


def test_outputs_are_moved_into_place_only_by_publish(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "model.json").write_text("old")
    staging = StagedOutputs(out, ["model.json", "history.csv", "history.png"])
    (staging.path / "model.json").write_text("new")
    (staging.path / "history.csv").write_text("new")
    assert (out / "model.json").read_text() == "old"
    staging.publish()
    assert contents(out) == {"history.csv": b"new", "model.json": b"new"}
    assert [path.name for path in tmp_path.iterdir()] == ["out"]


def test_a_new_out_directory_appears_complete_and_with_ordinary_permissions(tmp_path):
    staging = StagedOutputs(tmp_path / "new" / "out", ["model.json"])
    (staging.path / "model.json").write_text("new")
    staging.publish()
    assert contents(tmp_path / "new" / "out") == {"model.json": b"new"}
    assert (tmp_path / "new" / "out").stat().st_mode & 0o777 == (tmp_path / "new").stat().st_mode & 0o777


@pytest.mark.parametrize(
    "args",
    [
        ["demo", "\x0c"],
        ["train", "--dataset", "a\nb"],
        ["train", "--out", "a-file/x\ny"],
        ["graph", "a\n+", "--set", "a=1"],
    ],
)
def test_an_argument_with_a_line_break_still_gives_a_one_line_error(args, tmp_path):
    (tmp_path / "a-file").write_text("not a directory")
    status, out, err = run_micrograd(*args, cwd=tmp_path)
    assert status == 2 and out == ""
    assert one_line(err).startswith("micrograd")


def test_the_docs_divergence_example_prints_what_the_page_says(tmp_path):
    page = docs_page("guide/command.md")
    example = re.search(r"^\$ micrograd (train .*)\n(micrograd train: error: training diverged.*)$", page, re.M)
    command, error = example.groups()
    status, out, err = run_micrograd(*command.split(), cwd=tmp_path)
    assert status == 1 and one_line(err) == error
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_while_writing_gives_one_line_status_1_and_leaves_the_old_outputs(
    previous_run, monkeypatch, capsys
):
    def full_disk(*args):
        raise OSError(28, "No space left on device")

    old_files = contents(previous_run)
    monkeypatch.setattr("micrograd.cli.train.save", full_disk)
    assert main(["train", "--steps", "2", "--samples", "20", "--out", str(previous_run), "--quiet"]) == 1
    assert "writing the outputs failed: [Errno 28] No space left on device" in one_line(capsys.readouterr().err)
    assert contents(previous_run) == old_files
    assert [path.name for path in previous_run.parent.iterdir()] == ["out"]
