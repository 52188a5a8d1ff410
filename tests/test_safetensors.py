"""micrograd.save and load of a .safetensors file: readable by PyTorch without micrograd, and by micrograd without
PyTorch; a malformed file is a ValueError and nothing is ever unpickled."""

import json
import random
import struct
import subprocess
import sys

import pytest
import safetensors
import safetensors.torch
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import micrograd
from micrograd.interop import to_torch
from micrograd.nn import MLP
from micrograd.optim import SGD


def model(activation="relu"):
    random.seed(7)
    return MLP(2, [4, 3, 1], activation=activation)


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.safetensors"
    micrograd.save(model(), path)
    return path


def header_and_data(path):
    raw = path.read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8 : 8 + length]), raw[8 + length :]


def write(path, header, data):
    text = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text)) + text + data)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_load_rebuilds_the_same_mlp_exactly(tmp_path, activation):
    original = model(activation)
    micrograd.save(original, tmp_path / "model.safetensors")
    loaded = micrograd.load(tmp_path / "model.safetensors")
    assert loaded.state_dict() == original.state_dict()
    assert (loaded.nin, loaded.nouts, loaded.activation) == (2, [4, 3, 1], activation)


def test_the_file_holds_to_torchs_state_dict_and_the_architecture_as_metadata(saved):
    original = model()
    tensors = safetensors.torch.load_file(saved)
    expected = to_torch(original).state_dict()
    assert sorted(tensors) == sorted(expected)
    assert all(torch.equal(tensors[name], expected[name]) for name in expected)
    with safetensors.safe_open(saved, framework="pt") as file:
        metadata = file.metadata()
    assert metadata["format"] == "micrograd" and metadata["version"] == "1"
    assert json.loads(metadata["model"]) == {"class": "MLP", "nin": 2, "nouts": [4, 3, 1], "activation": "relu"}
    (header_length,) = struct.unpack("<Q", saved.read_bytes()[:8])
    assert header_length % 8 == 0  # padded, so that the numbers start 8-aligned


def test_pytorch_loads_it_into_a_sequential_without_micrograd(saved):
    code = f"""
import sys
sys.modules["micrograd"] = None  # micrograd is not installed
import torch
from safetensors.torch import load_file
nn = torch.nn
torch_model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1)).double()
torch_model.load_state_dict(load_file({str(saved)!r}))
print(torch_model(torch.tensor([[0.5, -1.0]], dtype=torch.float64)).item())
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(result.stdout) == model()([0.5, -1.0]).data


def test_micrograd_loads_it_without_torch_numpy_or_safetensors(saved):
    code = f"""
import sys
for name in ("torch", "numpy", "safetensors"):
    sys.modules[name] = None  # not installed
import micrograd
print(micrograd.load({str(saved)!r})([0.5, -1.0]).data)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(result.stdout) == model()([0.5, -1.0]).data


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_a_file_that_pytorch_wrote_from_to_torchs_state_dict_loads(tmp_path, dtype):
    original = model("tanh")
    state_dict = {name: t.to(dtype) for name, t in to_torch(original).state_dict().items()}
    architecture = {"class": "MLP", "nin": 2, "nouts": [4, 3, 1], "activation": "tanh"}
    metadata = {"format": "micrograd", "version": "1", "model": json.dumps(architecture)}
    safetensors.torch.save_file(state_dict, tmp_path / "model.safetensors", metadata=metadata)
    loaded = micrograd.load(tmp_path / "model.safetensors")
    expected = [t.to(torch.float64).reshape(-1).tolist() for t in state_dict.values()]
    assert [t.reshape(-1).tolist() for t in to_torch(loaded).state_dict().values()] == expected


def test_save_keeps_only_a_model_and_only_finite_weights(tmp_path):
    m = model()
    with pytest.raises(ValueError, match="holds a model's weights only; save the optimizer too in a .json file"):
        micrograd.save({"model": m, "optimizer": SGD(m.parameters(), lr=0.1)}, tmp_path / "m.safetensors")
    with pytest.raises(TypeError, match="save\\(\\) needs an MLP, got list"):
        micrograd.save([], tmp_path / "m.safetensors")
    m.layers[1].neurons[2].b.data = float("inf")
    with pytest.raises(ValueError, match="weight 2.bias holds inf"):
        micrograd.save(m, tmp_path / "m.safetensors")
    assert list(tmp_path.iterdir()) == []


def test_the_suffix_decides_the_format_whatever_its_case(tmp_path):
    micrograd.save(model(), tmp_path / "model.SafeTensors")
    assert (tmp_path / "model.SafeTensors").read_bytes()[8:9] == b"{"
    assert micrograd.load(tmp_path / "model.SafeTensors").state_dict() == model().state_dict()


# --- malformed files


def change_header(change):
    def apply(header, data):
        change(header)
        return header, data

    return apply


def with_architecture(**changes):
    architecture = {"class": "MLP", "nin": 2, "nouts": [4, 3, 1], "activation": "relu", **changes}
    return change_header(lambda h: h["__metadata__"].update(model=json.dumps(architecture)))


MALFORMED = [
    (change_header(lambda h: h.pop("__metadata__")), "no __metadata__"),
    (change_header(lambda h: h["__metadata__"].update(format="pt")), "format tag is 'pt'"),
    (change_header(lambda h: h["__metadata__"].update(version="2")), "version '2'"),
    (change_header(lambda h: h["__metadata__"].update(model="{")), "model is not valid JSON"),
    (change_header(lambda h: h["__metadata__"].update(model='{"class": "MLP"}')), "has no 'activation'"),
    (with_architecture(activation="gelu"), "activation must be one of"),
    (with_architecture(nouts=[10**9]), "more than the limit"),
    (change_header(lambda h: h.pop("2.bias")), "no tensor '2.bias'"),
    (change_header(lambda h: h.update({"9.weight": h["0.weight"]})), "tensor '9.weight' that the model does not"),
    (change_header(lambda h: h["0.weight"].update(shape=[2, 4])), r"shape \[2, 4\], expected \[4, 2\]"),
    (change_header(lambda h: h["0.weight"].update(dtype="I64")), "dtype 'I64'; we read F64 and F32"),
    (change_header(lambda h: h["0.weight"].update(data_offsets=[0, 8])), "do not hold 8 F64 numbers"),
    (change_header(lambda h: h["0.weight"].update(data_offsets=[64, 0])), "expected \\[begin, end\\]"),
    (change_header(lambda h: h["0.weight"].update(data_offsets="0-64")), "expected \\[begin, end\\]"),
    (change_header(lambda h: h["0.weight"].update(data_offsets=[10**6, 10**6 + 64])), "do not hold 8 F64"),
    (change_header(lambda h: h["0.bias"].update(data_offsets=h["0.weight"]["data_offsets"][:1] * 2)), "do not"),
    (change_header(lambda h: h["0.weight"].pop("dtype")), "tensor '0.weight' has no 'dtype'"),
    (lambda h, d: (h, d + b"\0" * 8), "8 bytes after the last tensor"),
    (lambda h, d: (h, d[:-8]), "do not hold"),
    (lambda h, d: (h, struct.pack("<d", float("nan")) + d[8:]), "should be a finite number, got nan"),
]


@pytest.mark.parametrize("change, message", MALFORMED)
def test_malformed_files_raise_value_error_saying_what_is_wrong(saved, change, message):
    header, data = change(*header_and_data(saved))
    write(saved, header, data)
    with pytest.raises(ValueError, match=message):
        micrograd.load(saved)


def test_a_file_declaring_more_layers_than_it_holds_fails_before_building_any(saved, monkeypatch):
    write(saved, *with_architecture(nouts=[1] * 400_000)(*header_and_data(saved)))
    monkeypatch.setattr("micrograd.files.description.MLP", lambda *args, **kwargs: pytest.fail("built an MLP"))
    with pytest.raises(ValueError, match="it has no tensor '6.weight'"):
        micrograd.load(saved)


def test_overlapping_tensors_are_rejected(saved):
    header, data = header_and_data(saved)
    header["0.bias"]["data_offsets"], header["2.bias"]["data_offsets"] = [64, 96], [64, 88]
    write(saved, header, data)
    with pytest.raises(ValueError, match="overlap or leave gaps|do not hold"):
        micrograd.load(saved)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "shorter than the 8 bytes"),
        (b"\x01\x00", "shorter than the 8 bytes"),
        (struct.pack("<Q", 10**12) + b"{}", "header length .* runs past the end"),
        (struct.pack("<Q", 3) + b"{\xff}", "header is not UTF-8"),
        (struct.pack("<Q", 5) + b"nope!", "header is not valid JSON"),
        (struct.pack("<Q", 2) + b"[]", "must be a JSON object, got list"),
        (struct.pack("<Q", 8) + b'{"a":NaN', "header is not valid JSON"),
        (struct.pack("<Q", 14) + b'{"a":1, "a":2}', "an object has the key 'a' twice"),
        (struct.pack("<Q", 2000) + b"[" * 1000 + b"]" * 1000, "nested too deeply|not valid JSON"),
    ],
)
def test_broken_files_raise_value_error(tmp_path, content, message):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        micrograd.load(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_changed_byte_loads_or_raises_value_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "model.safetensors"
    micrograd.save(model(), path)
    raw = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(raw)))
    path.write_bytes(bytes(raw[:cut] if data.draw(st.booleans()) else raw))
    try:
        micrograd.load(path)
    except ValueError:
        pass
