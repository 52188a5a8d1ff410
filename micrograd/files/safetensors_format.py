"""The safetensors model file: what micrograd.save and micrograd.load do for a path ending in .safetensors.

safetensors is a plain layout: 8 bytes giving the header's length (little-endian), the header (JSON: each tensor's
dtype, shape and byte range, and a "__metadata__" object of strings), then the tensors' raw little-endian numbers.

    {"__metadata__": {"format": "micrograd", "version": "1",
                      "model": "{\\"class\\": \\"MLP\\", \\"nin\\": 2, \\"nouts\\": [4, 1], ...}"},
     "0.weight": {"dtype": "F64", "shape": [4, 2], "data_offsets": [0, 64]}, "0.bias": {...}, "2.weight": ...}

Tensors are named and shaped as to_torch's state_dict, so PyTorch loads them into to_torch's Sequential with
`safetensors.torch.load_file` and no micrograd; the metadata lets `load` rebuild the MLP. We read and write the layout
with `struct` and `json` rather than the `safetensors` package: that package reads tensors through numpy or torch,
and loading a model should need nothing installed. Nothing is unpickled; a malformed file is a ValueError.
"""

import itertools
import json
import math
import struct

from micrograd.files.description import (
    FORMAT,
    VERSION,
    architecture_of,
    check_keys,
    check_names,
    checked_architecture,
    torch_layout,
    torch_names,
    untrained_model,
)
from micrograd.files.json_format import strict_json
from micrograd.layers import MLP
from micrograd.messages import cut_repr

DTYPES = {"F64": "d", "F32": "f"}  # what we read (struct format letters); we write F64, PyTorch's float32 is F32
ARCHITECTURE = ("class", "nin", "nouts", "activation")


def to_bytes(model):
    """The safetensors file of an MLP's weights (float64), with its architecture in the metadata."""
    if isinstance(model, dict) and set(model) == {"model", "optimizer"}:
        raise ValueError("a .safetensors file holds a model's weights only; save the optimizer too in a .json file")
    if not isinstance(model, MLP):
        raise TypeError(f"save() needs an MLP, got {type(model).__name__}")
    metadata = {"format": FORMAT, "version": str(VERSION), "model": json.dumps(architecture_of(model))}
    header, tensors, offset = {"__metadata__": metadata}, [], 0
    for name, shape, values in torch_layout(model):
        numbers = [v.data for v in values]
        for x in numbers:  # named as in the file
            if not math.isfinite(x):
                raise ValueError(f"cannot save a model whose weight {name} holds {x}")
        tensors.append(struct.pack(f"<{len(numbers)}d", *numbers))
        header[name] = {"dtype": "F64", "shape": shape, "data_offsets": [offset, offset + len(tensors[-1])]}
        offset += len(tensors[-1])
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the format pads the header with spaces so that the numbers start 8-aligned
    return struct.pack("<Q", len(text)) + text + b"".join(tensors)


def from_bytes(raw):
    """The MLP in a safetensors file written by to_bytes (or by PyTorch from to_torch's state_dict, F64 or F32, with our
    metadata). ValueError saying what is wrong for anything else."""
    if len(raw) < 8:
        raise ValueError("it is shorter than the 8 bytes that give a safetensors header's length")
    (header_length,) = struct.unpack("<Q", raw[:8])
    if header_length > len(raw) - 8:
        raise ValueError(f"its header length ({header_length} bytes) runs past the end of the file")
    header = _parse_header(raw[8 : 8 + header_length])
    buffer = raw[8 + header_length :]
    architecture = _architecture(header.pop("__metadata__", None))
    _, nouts, activation = checked_architecture(architecture)
    check_names(
        header,
        itertools.chain.from_iterable(torch_names(len(nouts), activation)),
        missing=lambda name: f"it has no tensor {name!r}",
        unexpected=lambda name: f"it has a tensor {cut_repr(name)} that the model does not have",
    )
    model = untrained_model(architecture)
    numbers_of, spans = {}, []  # id(Value) -> its number in the file; each tensor's (begin, end)
    for name, shape, values in torch_layout(model):
        info = header[name]
        check_keys(info, f"tensor {name!r}", required={"dtype", "shape", "data_offsets"})
        if info["shape"] != shape:
            raise ValueError(f"tensor {name!r} has shape {cut_repr(info['shape'])}, expected {shape}")
        letter = DTYPES.get(info["dtype"]) if isinstance(info["dtype"], str) else None
        if letter is None:
            raise ValueError(f"tensor {name!r} has dtype {cut_repr(info['dtype'])}; we read {' and '.join(DTYPES)}")
        begin, end = _offsets(info["data_offsets"], name)
        if end - begin != len(values) * struct.calcsize(letter) or end > len(buffer):
            raise ValueError(
                f"tensor {name!r}'s bytes {begin}..{end} do not hold {len(values)} {info['dtype']} numbers"
            )
        spans.append((begin, end))
        for v, x in zip(values, struct.unpack(f"<{len(values)}{letter}", buffer[begin:end])):
            numbers_of[id(v)] = x
    position = 0
    for begin, end in sorted(spans):  # the format's rule: the tensors fill the data, in any order, without gaps
        if begin != position:
            raise ValueError("its tensors' bytes overlap or leave gaps")
        position = end
    if position != len(buffer):
        raise ValueError(f"it has {len(buffer) - position} bytes after the last tensor")
    state_dict = {
        name: [numbers_of[id(v)] for v in weights] if isinstance(weights, list) else numbers_of[id(weights)]
        for name, weights in model.named_weights()
    }
    model.load_state_dict(state_dict)  # ValueError naming a weight that is not finite
    return model


def _parse_header(text):
    try:
        text = text.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("its header is not UTF-8 text") from None
    header = strict_json(text, "its header")
    if not isinstance(header, dict):
        raise ValueError(f"its header must be a JSON object, got {type(header).__name__}")
    return header


def _architecture(metadata):
    """The {"class", "nin", "nouts", "activation"} that the file's metadata gives, for untrained_model to check."""
    if metadata is None:
        raise ValueError("it has no __metadata__, so not the architecture a micrograd model needs")
    check_keys(metadata, "__metadata__", required={"format", "version", "model"})
    if metadata["format"] != FORMAT:
        raise ValueError(f"its format tag is {cut_repr(metadata['format'])}, expected {FORMAT!r}")
    if metadata["version"] != str(VERSION):
        raise ValueError(f"it has version {cut_repr(metadata['version'])}; this micrograd reads version {VERSION}")
    if not isinstance(metadata["model"], str):
        raise ValueError("the metadata's model must be a string of JSON, as safetensors metadata holds strings")
    architecture = strict_json(metadata["model"], "the metadata's model")
    check_keys(architecture, "the metadata's model", required=set(ARCHITECTURE))
    return architecture


def _offsets(offsets, name):
    if (
        not isinstance(offsets, list)
        or len(offsets) != 2
        or not all(isinstance(x, int) and not isinstance(x, bool) for x in offsets)
        or not 0 <= offsets[0] <= offsets[1]
    ):
        raise ValueError(
            f"tensor {name!r} has data_offsets {cut_repr(offsets)}, expected [begin, end] with begin <= end"
        )
    return offsets
