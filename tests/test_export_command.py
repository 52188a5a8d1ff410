"""`micrograd export`, run as a process: the files it writes hold the model, and bad input is one line and status 2."""

import os
import random
import stat
import subprocess
import sys

import numpy as np
import onnxruntime
import pytest
import torch

import micrograd
from micrograd.cli.export import TARGETS
from micrograd.interop import to_torch
from micrograd.nn import MLP
from micrograd.optim import Adam

X = [[0.5, -1.0], [2.0, 0.25]]


@pytest.fixture
def model_file(tmp_path):
    random.seed(3)
    model = MLP(2, [5, 3], activation="tanh")
    micrograd.save({"model": model, "optimizer": Adam(model.parameters())}, tmp_path / "checkpoint.json")
    return tmp_path / "checkpoint.json", [[v.data for v in model(x)] for x in X]


def export(*arguments, cwd, prelude=""):
    """Run `micrograd export ...` in a fresh Python, after `prelude` (e.g. hiding a package)."""
    code = f"{prelude}\nimport sys\nfrom micrograd.cli import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, "export", *map(str, arguments)], capture_output=True, text=True, cwd=cwd
    )


def test_to_torch_writes_a_state_dict_that_torch_loads_safely(model_file, tmp_path):
    path, expected = model_file
    result = export(path, "--to", "torch", "--out", "model.pt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "wrote model.pt: the float64 state_dict of torch.nn.Sequential(Linear(2, 5), Tanh()"
    )
    state_dict = torch.load(tmp_path / "model.pt", weights_only=True)
    torch_model = to_torch(MLP(2, [5, 3], activation="tanh"))
    torch_model.load_state_dict(state_dict)
    np.testing.assert_allclose(torch_model(torch.tensor(X, dtype=torch.float64)).tolist(), expected, rtol=1e-12)


@pytest.mark.parametrize("dtype, rel", [("float64", 1e-12), ("float32", 1e-5)])
def test_to_onnx_writes_a_model_that_onnxruntime_runs(model_file, tmp_path, dtype, rel):
    path, expected = model_file
    result = export(path, "--to", "onnx", "--out", "model.onnx", "--dtype", dtype, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f'{dtype}, input "input" [batch, 2], output "output" [batch, 3]' in result.stdout
    session = onnxruntime.InferenceSession(str(tmp_path / "model.onnx"), providers=["CPUExecutionProvider"])
    (outputs,) = session.run(None, {"input": np.array(X, dtype=dtype)})
    np.testing.assert_allclose(outputs, expected, rtol=rel)


def test_to_safetensors_writes_what_micrograd_load_reads(model_file, tmp_path):
    path, expected = model_file
    result = export(path, "--to", "safetensors", "--out", "model.safetensors", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    model = micrograd.load(tmp_path / "model.safetensors")
    assert [[v.data for v in model(x)] for x in X] == expected


def one_line_error(result):
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("micrograd export: error: ")
    return lines[0]


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["missing.json", "--to", "onnx", "--out", "m.onnx"], "No such file or directory: 'missing.json'"),
        (["hostile.json", "--to", "onnx", "--out", "m.onnx"], "hostile.json is not a micrograd model file"),
        (["hostile.safetensors", "--to", "torch", "--out", "m.pt"], "hostile.safetensors is not a micrograd model"),
        (["{model}", "--to", "pdf", "--out", "m.pdf"], "invalid choice: 'pdf'"),
        (["{model}", "--out", "m.onnx"], "the following arguments are required: --to"),
        (["{model}", "--to", "torch", "--out", "m.pt", "--dtype", "float32"], "--dtype is for --to onnx"),
        (["{model}", "--to", "safetensors", "--out", "m.json"], "--out m.json must end in .safetensors"),
        (["{model}", "--to", "onnx", "--out", "no/such/dir/m.onnx"], "No such file or directory"),
    ],
)
def test_bad_input_is_one_line_and_status_2(model_file, tmp_path, arguments, message):
    (tmp_path / "hostile.json").write_bytes(b"\x80\x04\x95 a pickle, perhaps")
    (tmp_path / "hostile.safetensors").write_bytes(b"\xff" * 8 + b"{}")
    arguments = [str(model_file[0]) if a == "{model}" else a for a in arguments]
    assert message in one_line_error(export(*arguments, cwd=tmp_path))
    assert not (tmp_path / "m.onnx").exists() and not (tmp_path / "m.pt").exists()


@pytest.mark.parametrize("target", TARGETS)
def test_out_naming_the_model_itself_is_refused_and_the_model_kept(model_file, tmp_path, target):
    original = tmp_path / "model.safetensors"
    micrograd.save(micrograd.load(model_file[0])["model"], original)
    before = original.read_bytes()
    (tmp_path / "link.safetensors").symlink_to(original)
    for out in (original, "link.safetensors"):
        assert "is the model file itself" in one_line_error(
            export(original, "--to", target, "--out", out, cwd=tmp_path)
        )
    assert original.read_bytes() == before


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a device needs root")
@pytest.mark.parametrize("target", TARGETS)
def test_out_naming_a_device_or_a_fifo_is_refused_not_replaced(model_file, tmp_path, target):
    os.mknod(tmp_path / "null.safetensors", stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a copy of /dev/null
    os.mkfifo(tmp_path / "fifo.safetensors")
    for out, kind in [("null.safetensors", "a character device"), ("fifo.safetensors", "a FIFO")]:
        message = one_line_error(export(model_file[0], "--to", target, "--out", out, cwd=tmp_path))
        assert f"is {kind}" in message and "refusing to replace it" in message
    assert stat.S_ISCHR(os.lstat(tmp_path / "null.safetensors").st_mode)
    assert stat.S_ISFIFO(os.lstat(tmp_path / "fifo.safetensors").st_mode)


@pytest.mark.parametrize("target, package", [("torch", "torch"), ("onnx", "onnx")])
def test_a_missing_package_is_one_line_naming_the_pip_command(model_file, tmp_path, target, package):
    prelude = f"import sys; sys.modules[{package!r}] = None  # not installed"
    line = one_line_error(export(model_file[0], "--to", target, "--out", "out", cwd=tmp_path, prelude=prelude))
    assert line.endswith(f"needs the {package} package: pip install {package}")


def test_safetensors_needs_no_package(model_file, tmp_path):
    prelude = "import sys\nfor name in ('torch', 'onnx', 'numpy', 'safetensors'): sys.modules[name] = None"
    result = export(model_file[0], "--to", "safetensors", "--out", "m.safetensors", cwd=tmp_path, prelude=prelude)
    assert result.returncode == 0, result.stderr


def test_the_installed_command_lists_export(tmp_path):
    result = subprocess.run([sys.executable, "-m", "micrograd", "export", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "--to {torch,onnx,safetensors}" in result.stdout
