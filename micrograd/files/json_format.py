"""The JSON model file: a trained MLP (and optionally its optimizer) as a small file that says what it is.

The file says what it is (a format tag and version), how to rebuild the network (its architecture) and what it learned
(its weights): `load` rebuilds the MLP without you constructing it first. It is plain JSON, never pickle, so loading a
file can never run code; a file that is not exactly what `save` writes is rejected with ValueError.

    {"format": "micrograd", "version": 1,
     "model": {"class": "MLP", "nin": 2, "nouts": [16, 16, 1], "activation": "relu",
               "state_dict": {"layers.0.neurons.0.w": [0.23, -0.7], "layers.0.neurons.0.b": 0.0, ...}},
     "optimizer": {"class": "SGD", "hyperparameters": {"lr": 0.1, ...}, "state": {...}}}   <- only if saved
"""

import json
import math

from micrograd.files.description import (
    FORMAT,
    OPTIMIZERS,
    VERSION,
    architecture_of,
    check_keys,
    model_from_description,
)
from micrograd.layers import MLP
from micrograd.messages import short_repr


def to_text(obj):
    """The JSON file of obj: an MLP, or {"model": mlp, "optimizer": optimizer} to keep the optimizer's state too (to
    resume training exactly)."""
    if isinstance(obj, dict) and set(obj) == {"model", "optimizer"}:
        model, optimizer = obj["model"], obj["optimizer"]
    else:
        model, optimizer = obj, None
    if not isinstance(model, MLP):
        raise TypeError(f"save() needs an MLP or {{'model': MLP, 'optimizer': optimizer}}, got {type(obj).__name__}")
    state_dict = model.state_dict()
    for name, weights in state_dict.items():
        for w in weights if isinstance(weights, list) else [weights]:
            if not math.isfinite(w):
                raise ValueError(f"cannot save a model whose weight {name} is {w}")
    payload = {"format": FORMAT, "version": VERSION, "model": {**architecture_of(model), "state_dict": state_dict}}
    if optimizer is not None:
        if type(optimizer) not in OPTIMIZERS.values():
            raise TypeError(f"save() can keep an SGD, Adam or AdamW optimizer, got {type(optimizer).__name__}")
        if len(optimizer.params) != len(model.parameters()) or any(
            p is not q for p, q in zip(optimizer.params, model.parameters())
        ):
            raise ValueError("the optimizer must be optimizing exactly model.parameters(), in that order")
        payload["optimizer"] = {"class": type(optimizer).__name__, **optimizer.state_dict()}
    try:
        text = json.dumps(payload, allow_nan=False)
    except ValueError:
        raise ValueError("cannot save an optimizer state that holds inf or nan") from None
    return text


def strict_json(text, what):
    """json.loads(text), but strict: NaN and Infinity are not numbers, and an object may not give a key twice.
    Anything else is a ValueError saying what is wrong with `what` ("it", "its header", ...)."""
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_object_without_repeated_keys)
    except RecursionError:
        raise ValueError(f"{what} is nested too deeply") from None
    except _RepeatedKeyError:
        raise
    except ValueError as error:
        raise ValueError(f"{what} is not valid JSON ({error})") from None


def _reject_constant(name):
    raise ValueError(f"{name} is not a number in strict JSON")


class _RepeatedKeyError(ValueError):
    pass


def _object_without_repeated_keys(pairs):
    """A JSON object as a dict; json.loads would silently keep the last of two equal keys, and two readers of the file
    could then disagree about what it holds."""
    seen = set()
    for key, _ in pairs:
        if key in seen:
            raise _RepeatedKeyError(f"an object has the key {short_repr(key)} twice")
        seen.add(key)
    return dict(pairs)


def from_bytes(raw):
    """The MLP (or {"model", "optimizer"}) in the bytes of a JSON model file; ValueError saying what is wrong."""
    if not raw:
        raise ValueError("it is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("it is not UTF-8 text (a pickle or other binary file?)") from None
    document = strict_json(text, "it")
    check_keys(document, "the file", required={"format", "version", "model"}, optional={"optimizer"})
    if document["format"] != FORMAT:
        raise ValueError(f"its format tag is {short_repr(document['format'])}, expected {FORMAT!r}")
    version = document["version"]
    if type(version) is not int or version != VERSION:  # 1.0 and true are not the version number 1
        raise ValueError(f"it has version {short_repr(version)}; this micrograd reads version {VERSION}")
    model = model_from_description(document["model"])
    if "optimizer" not in document:
        return model
    return {"model": model, "optimizer": _optimizer_from_json(document["optimizer"], model)}


def _optimizer_from_json(spec, model):
    check_keys(spec, "optimizer", required={"class", "hyperparameters", "state"})
    optimizer_class = OPTIMIZERS.get(spec["class"]) if isinstance(spec["class"], str) else None
    if optimizer_class is None:
        raise ValueError(f"optimizer class must be one of {', '.join(OPTIMIZERS)}, got {short_repr(spec['class'])}")
    optimizer = optimizer_class(model.parameters(), lr=0.0)
    optimizer.load_state_dict({"hyperparameters": spec["hyperparameters"], "state": spec["state"]})
    return optimizer
