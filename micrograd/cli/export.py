"""`micrograd export`: a model saved by micrograd, handed over to PyTorch, ONNX or safetensors.

    micrograd export model.json --to torch --out model.pt                 # torch.load gives to_torch's state_dict
    micrograd export model.json --to onnx --out model.onnx [--dtype float32]
    micrograd export model.json --to safetensors --out model.safetensors

MODEL is a file written by micrograd.save (.json or .safetensors; a checkpoint's optimizer is left out). Errors (a
missing or malformed file, a missing package, --out naming MODEL itself or a device, FIFO or directory) are one line on
stderr and exit status 2.
"""

import io
import os
from pathlib import Path

from micrograd.files import is_safetensors, load, save
from micrograd.files.atomic import check_replaceable, write_atomically
from micrograd.interop import require, to_onnx, to_torch
from micrograd.messages import command_error

TARGETS = ("torch", "onnx", "safetensors")


def add_arguments(parser):
    """Add the command's arguments to `parser` (the `export` subcommand's)."""
    parser.add_argument("model", help="a file written by micrograd.save (.json or .safetensors)")
    parser.add_argument("--to", choices=TARGETS, required=True, dest="target", help="what to hand the model to")
    parser.add_argument("--out", type=Path, required=True, help="the file to write")
    parser.add_argument("--dtype", choices=("float64", "float32"), help="--to onnx only: the numbers' type (float64)")


def run(args):
    """Run the command with parsed arguments; the exit status: 0, or 2 after a one-line error on stderr."""
    try:
        if args.dtype and args.target != "onnx":
            raise ValueError(f"--dtype is for --to onnx; --to {args.target} writes float64")
        if args.target == "safetensors" and not is_safetensors(args.out):
            raise ValueError(f"--out {args.out} must end in .safetensors: micrograd.load tells the format by it")
        model = load(args.model)
        if args.out.exists() and os.path.samefile(args.model, args.out):
            raise ValueError(f"--out {args.out} is the model file itself; write the export to another file")
        check_replaceable(args.out)  # before the exporter needs its package: a bad --out is said first
        if isinstance(model, dict):  # a checkpoint: the optimizer stays behind
            model = model["model"]
        description = EXPORTERS[args.target](model, args.out, args.dtype or "float64")
    except (ValueError, ImportError, OSError) as error:
        return command_error("export", error)
    print(f"wrote {args.out}: {description}")
    return 0


def _torch_file(model, out, dtype):
    torch = require("torch", "--to torch")
    torch_model = to_torch(model)
    buffer = io.BytesIO()
    torch.save(torch_model.state_dict(), buffer)  # tensors only: torch.load reads it with weights_only=True
    write_atomically(out, buffer.getvalue())
    layers = [
        f"Linear({m.in_features}, {m.out_features})" if hasattr(m, "weight") else f"{type(m).__name__}()"
        for m in torch_model
    ]
    return f"the float64 state_dict of torch.nn.Sequential({', '.join(layers)})"


def _onnx_file(model, out, dtype):
    onnx_model = to_onnx(model, out, dtype=dtype)
    opset, nin, nout = onnx_model.opset_import[0].version, model.nin, model.nouts[-1]
    return f'ONNX opset {opset}, {dtype}, input "input" [batch, {nin}], output "output" [batch, {nout}]'


def _safetensors_file(model, out, dtype):
    save(model, out)
    return "safetensors, tensors named as to_torch's state_dict, the architecture in the metadata"


EXPORTERS = {"torch": _torch_file, "onnx": _onnx_file, "safetensors": _safetensors_file}
