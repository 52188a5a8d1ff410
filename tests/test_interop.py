"""micrograd.interop: a model and its optimizer handed to PyTorch and back, and to ONNX, with the same numbers."""

import random
import re
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd import losses
from micrograd.datasets import make_moons
from micrograd.interop import from_torch, from_torch_optimizer, to_onnx, to_torch, to_torch_optimizer, torch_layout
from micrograd.layers import MLP
from micrograd.optim import SGD, Adam, AdamW

from conftest import docs_page, run_example

nn = torch.nn
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


# --- to_torch and from_torch


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_to_torch_computes_what_the_mlp_computes_to_1e_12(activation):
    model = mlp(activation)
    torch_model = to_torch(model)
    theirs = torch_model(torch.tensor(INPUTS, dtype=torch.float64)).tolist()
    for x, row in zip(INPUTS, theirs):
        assert close(outputs(model, x), row, 1e-12)


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=2, max_size=4),
    activation=st.sampled_from(ACTIVATIONS),
    seed=st.integers(0, 2**32 - 1),
    data=st.data(),
)
def test_to_torch_agrees_for_any_architecture_and_input(sizes, activation, seed, data):
    random.seed(seed)
    model = MLP(sizes[0], sizes[1:], activation=activation, init="xavier")
    x = data.draw(st.lists(st.floats(-100, 100), min_size=sizes[0], max_size=sizes[0]))
    (theirs,) = to_torch(model)(torch.tensor([x], dtype=torch.float64)).tolist()
    assert close(outputs(model, x), theirs, 1e-12)
    assert from_torch(to_torch(model)).state_dict() == model.state_dict()


def test_to_torch_is_a_float64_sequential_named_like_pytorch():
    torch_model = to_torch(mlp("tanh"))
    assert [type(m).__name__ for m in torch_model] == ["Linear", "Tanh", "Linear", "Tanh", "Linear"]
    assert list(torch_model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    assert {p.dtype for p in torch_model.parameters()} == {torch.float64}
    assert list(to_torch(mlp("linear")).state_dict())[:3] == ["0.weight", "0.bias", "1.weight"]


def test_row_j_of_a_weight_is_neuron_j():
    model = mlp()
    weight = to_torch(model).state_dict()["2.weight"]
    assert weight[3].tolist() == [w.data for w in model.layers[1].neurons[3].w]
    assert to_torch(model).state_dict()["2.bias"][3].item() == model.layers[1].neurons[3].b.data


def test_to_torch_leaves_torchs_random_numbers_alone():
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    to_torch(mlp())
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_round_trip_from_micrograd_is_exact(activation):
    model = mlp(activation)
    back = from_torch(to_torch(model))
    assert back.state_dict() == model.state_dict()
    assert (back.nin, back.nouts, back.activation) == (model.nin, model.nouts, model.activation)


@pytest.mark.parametrize("activation", ["ReLU", "Tanh", "Sigmoid"])
def test_round_trip_from_torch_is_exact(activation):
    torch.manual_seed(0)
    Activation = getattr(torch.nn, activation)
    module = torch.nn.Sequential(nn.Linear(3, 6), Activation(), nn.Linear(6, 6), Activation(), nn.Linear(6, 2))
    again = to_torch(from_torch(module))
    assert all(torch.equal(a, b) for a, b in zip(module.state_dict().values(), again.state_dict().values()))
    assert list(module.state_dict()) == list(again.state_dict())


def test_from_torch_reads_float32_and_a_single_linear_exactly():
    torch.manual_seed(1)
    linear = torch.nn.Linear(3, 2).float()
    model = from_torch(linear)
    assert model.nouts == [2]
    assert [w.data for w in model.layers[0].neurons[1].w] == linear.weight[1].tolist()
    assert close(outputs(model, INPUTS[0]), linear(torch.tensor(INPUTS[0], dtype=torch.float32)).tolist(), 1e-6)


@pytest.mark.parametrize(
    "module, message",
    [
        (nn.Sequential(nn.Linear(2, 3), nn.Dropout(), nn.Linear(3, 1)), r"layer 1 \(Dropout\) is not supported"),
        (nn.Conv1d(1, 1, 3), r"layer 0 \(Conv1d\) is not supported"),
        (nn.Sequential(nn.Linear(2, 3, bias=False)), r"layer 0 \(Linear\) has no bias"),
        (nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(4, 1)), "takes 4 inputs but the layer before it gives 3"),
        (nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1)), "mixes activations"),
        (nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.Linear(3, 1)), "mixes activations"),
        (nn.Sequential(nn.Linear(2, 3), nn.ReLU()), "ends with ReLU"),
        (nn.Sequential(nn.ReLU(), nn.Linear(2, 3)), r"layer 0 \(ReLU\) must come right after a Linear"),
        (nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.ReLU(), nn.Linear(3, 1)), "layer 2 .* right after a Linear"),
        (nn.Sequential(), "no Linear layer"),
        (nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU())), r"layer 1 \(Sequential\) is not supported"),
    ],
)
def test_from_torch_names_what_it_cannot_translate(module, message):
    with pytest.raises(ValueError, match=message):
        from_torch(module)


def test_from_torch_rejects_weights_that_are_not_finite_and_what_is_not_a_module():
    linear = nn.Linear(2, 1)
    with torch.no_grad():
        linear.weight[0, 1] = float("nan")
    with pytest.raises(ValueError, match="should be a finite number"):
        from_torch(linear)
    with pytest.raises(TypeError, match="needs a torch.nn.Module, got MLP"):
        from_torch(mlp())
    with pytest.raises(TypeError, match="expected a micrograd MLP, got Linear"):
        to_torch(nn.Linear(2, 1))


def test_a_ragged_layer_is_a_value_error():
    model = mlp()
    model.layers[1].neurons[2].w.pop()
    with pytest.raises(ValueError, match="the neurons of layer 1 do not all have 4 weights"):
        to_torch(model)


# --- optimizers: training continues on the same trajectory


X, Y = make_moons(n_samples=12, noise=0.1, seed=3)
TARGETS = [2.0 * label - 1 for label in Y]

OPTIMIZERS = {
    "SGD": lambda params: SGD(params, lr=0.05),
    "SGD momentum": lambda params: SGD(params, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=1e-3),
    "SGD nesterov": lambda params: SGD(params, lr=0.05, momentum=0.8, nesterov=True),
    "Adam": lambda params: Adam(params, lr=0.02, betas=(0.8, 0.99), eps=1e-7, weight_decay=1e-3),
    "AdamW": lambda params: AdamW(params, lr=0.02, weight_decay=0.1),
}


def our_losses(model, optimizer, steps):
    history = []
    for _ in range(steps):
        loss = losses.mse_loss([model(x) for x in X], TARGETS)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        history.append(loss.data)
    return history


def torch_losses(torch_model, torch_optimizer, steps):
    inputs, targets = torch.tensor(X, dtype=torch.float64), torch.tensor(TARGETS, dtype=torch.float64)
    history = []
    for _ in range(steps):
        loss = torch.nn.functional.mse_loss(torch_model(inputs).squeeze(1), targets)
        torch_optimizer.zero_grad()
        loss.backward()
        torch_optimizer.step()
        history.append(loss.item())
    return history


@pytest.mark.parametrize("kind", OPTIMIZERS)
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_training_handed_to_torch_continues_on_the_same_trajectory(kind, activation):
    random.seed(1)
    model = MLP(2, [8, 8, 1], activation=activation)
    optimizer = OPTIMIZERS[kind](model.parameters())
    our_losses(model, optimizer, 10)
    torch_model = to_torch(model)
    torch_optimizer = to_torch_optimizer(optimizer, torch_model)
    theirs = torch_losses(torch_model, torch_optimizer, 20)
    ours = our_losses(model, optimizer, 20)  # the hand-over copied everything: both go on from the same point
    assert close(ours, theirs, 1e-9), (ours, theirs)
    assert ours[-1] < ours[0]  # and they are really training


@pytest.mark.parametrize("kind", OPTIMIZERS)
def test_training_handed_back_from_torch_continues_on_the_same_trajectory(kind):
    random.seed(2)
    torch_model = to_torch(MLP(2, [8, 8, 1], activation="tanh"))
    torch_optimizer = to_torch_optimizer(OPTIMIZERS[kind](from_torch(torch_model).parameters()), torch_model)
    torch_losses(torch_model, torch_optimizer, 10)
    model = from_torch(torch_model)
    optimizer = from_torch_optimizer(torch_optimizer, model)
    assert type(optimizer).__name__ == kind.split()[0]
    ours = our_losses(model, optimizer, 20)
    theirs = torch_losses(torch_model, torch_optimizer, 20)
    assert close(ours, theirs, 1e-9), (ours, theirs)


@pytest.mark.parametrize("kind", OPTIMIZERS)
@pytest.mark.parametrize("steps", [0, 3])
def test_optimizer_round_trip_is_exact(kind, steps):
    model = MLP(2, [4, 3, 1])
    optimizer = OPTIMIZERS[kind](model.parameters())
    our_losses(model, optimizer, steps)
    torch_model = to_torch(model)
    back = from_torch_optimizer(to_torch_optimizer(optimizer, torch_model), from_torch(torch_model))
    assert back.state_dict() == optimizer.state_dict()


def test_torch_hyperparameters_given_as_tensors_become_numbers():
    torch_model = to_torch(MLP(2, [3, 1]))
    lr, betas = torch.tensor(0.05), (torch.tensor(0.8), torch.tensor(0.9))
    optimizer = from_torch_optimizer(torch.optim.Adam(torch_model.parameters(), lr, betas), from_torch(torch_model))
    assert (optimizer.lr, optimizer.betas) == (0.05, (0.8, 0.9))
    assert all(type(x) is float for x in (optimizer.lr, *optimizer.betas))


def test_torch_adam_with_decoupled_weight_decay_becomes_adamw():
    torch_model = to_torch(MLP(2, [3, 1]))
    torch_optimizer = torch.optim.Adam(torch_model.parameters(), lr=0.1, decoupled_weight_decay=True, weight_decay=0.2)
    optimizer = from_torch_optimizer(torch_optimizer, from_torch(torch_model))
    assert type(optimizer) is AdamW and optimizer.weight_decay == 0.2


def test_optimizer_hand_over_rejects_what_does_not_match():
    model = MLP(2, [3, 1])
    torch_model = to_torch(model)
    other = MLP(2, [3, 1])
    with pytest.raises(ValueError, match="not torch_model's weights"):
        to_torch_optimizer(SGD(other.parameters(), lr=0.1), torch_model)
    with pytest.raises(ValueError, match="not torch_model's weights"):
        to_torch_optimizer(SGD(model.parameters()[:-1], lr=0.1), torch_model)
    with pytest.raises(TypeError, match="needs an SGD, Adam or AdamW optimizer, got list"):
        to_torch_optimizer([], torch_model)
    params = list(torch_model.parameters())
    for torch_optimizer, message in [
        (torch.optim.Adam(params, amsgrad=True), "amsgrad=True"),
        (torch.optim.SGD(params, lr=0.1, maximize=True), "maximize=True"),
        (torch.optim.RMSprop(params), "got RMSprop"),
        (torch.optim.SGD([{"params": params[:2]}, {"params": params[2:]}], lr=0.1), "2 parameter groups"),
        (torch.optim.SGD(params[:2], lr=0.1), "2 parameter tensors, the model 4"),
        (torch.optim.SGD(params, lr=0.1), "not the model's"),  # against `other`
    ]:
        with pytest.raises(ValueError, match=message):
            from_torch_optimizer(torch_optimizer, other if "model's" in message else model)


def test_a_torch_state_of_the_wrong_shape_is_a_value_error():
    torch_model = to_torch(MLP(2, [3, 1]))
    torch_optimizer = torch.optim.SGD(torch_model.parameters(), lr=0.1, momentum=0.9)
    for p in torch_model.parameters():
        torch_optimizer.state[p] = {"momentum_buffer": torch.zeros(7)}
    with pytest.raises(ValueError, match=r"'momentum_buffer' has shape \[7\], expected \[3, 2\]"):
        from_torch_optimizer(torch_optimizer, from_torch(torch_model))


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


def test_the_onnx_file_passes_the_checker_with_the_installed_opset_and_torchs_names(tmp_path):
    returned = to_onnx(mlp("tanh", nouts=(4, 1)), tmp_path / "model.onnx")
    saved = onnx.load(tmp_path / "model.onnx")
    onnx.checker.check_model(saved, full_check=True)
    assert saved == returned
    assert saved.opset_import[0].version == onnx.defs.onnx_opset_version()
    assert [t.name for t in saved.graph.initializer] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert [node.op_type for node in saved.graph.node] == ["Gemm", "Tanh", "Gemm"]
    assert [output.name for output in saved.graph.output] == ["output"]


def test_to_onnx_rejects_a_bad_dtype_and_what_is_not_an_mlp(tmp_path):
    with pytest.raises(ValueError, match="dtype must be 'float64' or 'float32', got 'float16'"):
        to_onnx(mlp(), tmp_path / "model.onnx", dtype="float16")
    with pytest.raises(TypeError, match="expected a micrograd MLP"):
        to_onnx(nn.Linear(2, 1), tmp_path / "model.onnx")
    assert list(tmp_path.iterdir()) == []


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


# --- the documentation's page


def docs_examples():
    """(code, expected output) for each Python block of the docs' hand-over page, in order."""
    section = docs_page("guide/handover.md")
    pairs = re.findall(r"```python\n(.*?)```\n\nprints[^\n]*\n\n```\n(.*?)```", section, re.S)
    assert len(pairs) == 4
    return pairs


def test_the_docs_examples_print_what_the_page_says_the_last_without_micrograd(tmp_path):
    *with_micrograd, (torch_only, torch_output) = docs_examples()
    for code, expected in with_micrograd:
        assert run_example(code, tmp_path) == expected
    hidden = 'import sys\nsys.modules["micrograd"] = None  # as if micrograd were not installed\n'
    assert "micrograd" not in torch_only
    assert run_example(hidden + torch_only, tmp_path) == torch_output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["model.onnx", "model.safetensors"]
