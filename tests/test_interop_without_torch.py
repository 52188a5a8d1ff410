"""micrograd.interop without PyTorch: the ONNX file that onnxruntime runs, torch_layout, and the error that names the
package to install. The hand-over to PyTorch and back is in test_interop.py."""

import random
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime
import pytest

from micrograd.interop import to_onnx, torch_layout
from micrograd.layers import MLP

ACTIVATIONS = ["relu", "tanh", "sigmoid", "linear"]
INPUTS = [[0.3, -1.2, 2.0], [0.0, 0.0, 0.0], [-5.0, 4.0, 0.5], [1e-3, 7.0, -0.25]]


def mlp(activation="relu", seed=0, nouts=(4, 5, 2)):
    random.seed(seed)
    return MLP(3, list(nouts), activation=activation)


def outputs(model, x):
    """Our model's outputs on one input, always as a list."""
    out = model(x)
    return [v.data for v in out] if isinstance(out, list) else [out.data]


def close(a, b, rel):
    return all(abs(x - y) <= rel * max(1.0, abs(x), abs(y)) for x, y in zip(a, b)) and len(a) == len(b)


# --- ONNX


def onnx_outputs(path, inputs, dtype):
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(["output"], {"input": np.array(inputs, dtype=dtype)})[0].tolist()


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_onnx_in_float64_gives_our_outputs_to_1e_12(tmp_path, activation):
    model = mlp(activation)
    to_onnx(model, tmp_path / "model.onnx")
    for x, row in zip(INPUTS, onnx_outputs(tmp_path / "model.onnx", INPUTS, np.float64)):
        assert close(outputs(model, x), row, 1e-12)


def test_onnx_in_float32_gives_our_outputs_to_float32_precision(tmp_path):
    model = mlp("sigmoid")
    to_onnx(model, tmp_path / "model.onnx", dtype="float32")
    for x, row in zip(INPUTS, onnx_outputs(tmp_path / "model.onnx", INPUTS, np.float32)):
        assert close(outputs(model, x), row, 1e-5)
        assert not close(outputs(model, x), row, 1e-12)  # really float32


def test_the_onnx_file_passes_the_checker_with_opset_17_and_torchs_names(tmp_path):
    returned = to_onnx(mlp("tanh", nouts=(4, 1)), tmp_path / "model.onnx")
    saved = onnx.load(tmp_path / "model.onnx")
    onnx.checker.check_model(saved, full_check=True)
    assert saved == returned
    assert (saved.opset_import[0].version, saved.ir_version) == (17, 8)  # what onnxruntime reads on Python 3.10 too
    assert [t.name for t in saved.graph.initializer] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert [node.op_type for node in saved.graph.node] == ["Gemm", "Tanh", "Gemm"]
    assert [output.name for output in saved.graph.output] == ["output"]


# --- the packages are optional


@pytest.mark.parametrize(
    "call, package",
    [
        ("interop.to_torch(model)", "torch"),
        ("interop.from_torch(None)", "torch"),
        ("interop.to_torch_optimizer(None, None)", "torch"),
        ("interop.from_torch_optimizer(None, model)", "torch"),
        ("interop.to_onnx(model, 'model.onnx')", "onnx"),
    ],
)
def test_a_missing_package_is_an_import_error_with_the_pip_command(tmp_path, call, package):
    code = f"""
import sys
sys.modules[{package!r}] = None  # as if it were not installed
from micrograd import interop
from micrograd.nn import MLP
model = MLP(2, [1])
try:
    {call}
except ImportError as error:
    print(error)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert result.stdout.strip().endswith(f"needs the {package} package: pip install {package}")


def test_torch_layout_lists_every_parameter_once():
    model = mlp()
    layout = torch_layout(model)
    assert sorted(id(v) for _, _, values in layout for v in values) == sorted(id(p) for p in model.parameters())
    assert [shape for _, shape, _ in layout] == [[4, 3], [4], [5, 4], [5], [2, 5], [2]]
