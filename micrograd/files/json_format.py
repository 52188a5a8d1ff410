"""micrograd.save and micrograd.load: a trained MLP (and optionally its optimizer) as a small JSON file.

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
import os
import random
import secrets
import stat

from micrograd._messages import short_repr
from micrograd.layers import ACTIVATIONS, MLP, parameter_count
from micrograd.optim import SGD, Adam, AdamW

FORMAT = "micrograd"
VERSION = 1
MAX_FILE_BYTES = 64 * 1024 * 1024  # far more than the largest network a scalar engine can train
MAX_PARAMETERS = 1_000_000
OPTIMIZERS = {"SGD": SGD, "Adam": Adam, "AdamW": AdamW}


def save(obj, path):
    """Write a model to `path` as JSON: obj is an MLP, or {"model": mlp, "optimizer": optimizer} to keep the
    optimizer's state too (to resume training exactly). load(path) gives back the same kind of object.

    The write is atomic: the JSON goes to a temporary file in the same directory, which then replaces `path` in one
    step (os.replace), so a crash or an error mid-save leaves any existing file at `path` as it was. A symlink at `path`
    is written through, and a file that is replaced keeps its permissions.

    A path ending in .safetensors gets the model's weights as safetensors instead (see micrograd.safetensors_format).
    """
    if _is_safetensors(path):
        from micrograd.safetensors_format import to_bytes  # here: that module imports this one

        _write_atomically(path, to_bytes(obj))
        return
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
    payload = {"format": FORMAT, "version": VERSION, "model": {**_architecture_of(model), "state_dict": state_dict}}
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
    _write_atomically(path, text)


def _architecture_of(model):
    """What `load` needs to rebuild an MLP before its weights: {"class": "MLP", "nin", "nouts", "activation"}."""
    return {"class": "MLP", "nin": model.nin, "nouts": model.nouts, "activation": model.activation}


def _is_safetensors(path):
    return os.fsdecode(path).lower().endswith(".safetensors")


def _write_atomically(path, data):
    """Write `data` (bytes, or str as UTF-8) to `path` so that a reader sees the old file or the new one, never a mix.

    The data goes to a temporary file in the same directory, which then replaces the target in one step (os.replace).
    A symlink is written through (its target is replaced, the link stays); an existing file keeps its permission bits,
    a new one gets what open() would give (0o666 minus the umask). An OSError names `path`, not the temporary file.
    """
    path = os.fspath(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    target = os.path.realpath(path)  # replacing the link itself would turn it into a plain file
    # A short name of our own, not path's name plus a suffix, which could exceed the file system's name limit.
    temporary = os.path.join(os.path.dirname(target), f".micrograd-{secrets.token_hex(8)}.tmp")
    try:
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = None
        # O_EXCL: never reuse an existing file; mode 0o666 lets the umask decide the permissions, as open() would.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(descriptor, "wb") as file:
                if mode is not None:
                    os.chmod(temporary, mode)
                file.write(data)
                file.flush()
                # On disk before the rename, so the new name never points at a half-written file.
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            if os.path.exists(temporary):
                os.remove(temporary)
            raise
    except OSError as error:
        if error.errno is None:  # not from the operating system: nothing to rename
            raise
        raise OSError(error.errno, error.strerror, path) from None  # the same subclass (PermissionError...)


def load(path):
    """Read a file written by save(): an MLP, or {"model": mlp, "optimizer": optimizer} if the optimizer was saved.

    Anything else — an empty file, not JSON, another format or version, wrong shapes, weights that are not finite
    numbers, absurd sizes, deep nesting, a pickle — raises ValueError saying what is wrong. Nothing in the file is ever
    executed. A file that cannot be read at all raises OSError, as open() does. A path ending in .safetensors is read
    as safetensors (see micrograd.safetensors_format), with the same rules.
    """
    path = os.fspath(path)
    with open(path, "rb") as file:
        raw = file.read(MAX_FILE_BYTES + 1)
    try:
        if _is_safetensors(path):
            from micrograd.safetensors_format import from_bytes

            return from_bytes(raw)
        return _from_json(raw)
    except ValueError as error:
        raise ValueError(f"{path} is not a micrograd model file: {error}") from None


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


def _from_json(raw):
    if not raw:
        raise ValueError("it is empty")
    if len(raw) > MAX_FILE_BYTES:
        raise ValueError(f"it is larger than {MAX_FILE_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("it is not UTF-8 text (a pickle or other binary file?)") from None
    document = strict_json(text, "it")
    _check_keys(document, "the file", required={"format", "version", "model"}, optional={"optimizer"})
    if document["format"] != FORMAT:
        raise ValueError(f"its format tag is {short_repr(document['format'])}, expected {FORMAT!r}")
    version = document["version"]
    if type(version) is not int or version != VERSION:  # 1.0 and true are not the version number 1
        raise ValueError(f"it has version {short_repr(version)}; this micrograd reads version {VERSION}")
    model = _model_from_json(document["model"])
    if "optimizer" not in document:
        return model
    return {"model": model, "optimizer": _optimizer_from_json(document["optimizer"], model)}


def _model_from_json(spec):
    _check_keys(spec, "model", required={"class", "nin", "nouts", "activation", "state_dict"})
    model = _untrained_model(spec)
    if not isinstance(spec["state_dict"], dict):
        raise ValueError(f"model state_dict must be an object, got {type(spec['state_dict']).__name__}")
    model.load_state_dict(spec["state_dict"])  # ValueError naming the first bad weight
    return model


def _untrained_model(spec):
    """The MLP that spec's class, nin, nouts and activation describe, checked, built without disturbing `random`."""
    if spec["class"] != "MLP":
        raise ValueError(f"model class is {short_repr(spec['class'])}, expected 'MLP'")
    nin, nouts, activation = spec["nin"], spec["nouts"], spec["activation"]
    if not _is_size(nin):
        raise ValueError(f"model nin must be a positive int, got {short_repr(nin)}")
    if not isinstance(nouts, list) or not nouts or not all(_is_size(n) for n in nouts):
        raise ValueError(f"model nouts must be a non-empty list of positive ints, got {short_repr(nouts)}")
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise ValueError(f"model activation must be one of {', '.join(ACTIVATIONS)}, got {short_repr(activation)}")
    n_parameters = parameter_count(nin, nouts)
    if n_parameters > MAX_PARAMETERS:
        raise ValueError(f"the model would have {n_parameters} parameters, more than the limit of {MAX_PARAMETERS}")
    # Building an MLP draws its initial weights from `random`; loading must not change the caller's random sequence.
    random_state = random.getstate()
    try:
        return MLP(nin, nouts, activation=activation)
    finally:
        random.setstate(random_state)


def _optimizer_from_json(spec, model):
    _check_keys(spec, "optimizer", required={"class", "hyperparameters", "state"})
    optimizer_class = OPTIMIZERS.get(spec["class"]) if isinstance(spec["class"], str) else None
    if optimizer_class is None:
        raise ValueError(f"optimizer class must be one of {', '.join(OPTIMIZERS)}, got {short_repr(spec['class'])}")
    optimizer = optimizer_class(model.parameters(), lr=0.0)
    optimizer.load_state_dict({"hyperparameters": spec["hyperparameters"], "state": spec["state"]})
    return optimizer


def _check_keys(obj, what, required, optional=frozenset()):
    if not isinstance(obj, dict):
        raise ValueError(f"{what} must be a JSON object, got {type(obj).__name__}")
    for key in sorted(required - set(obj)):
        raise ValueError(f"{what} has no {key!r}")
    for key in sorted(set(obj) - required - optional):
        raise ValueError(f"{what} has an unexpected key {short_repr(key)}")


def _is_size(n):
    return isinstance(n, int) and not isinstance(n, bool) and n >= 1
