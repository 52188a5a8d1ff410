"""A model's description, shared by every file format and the hand-over: its architecture (what rebuilds the MLP
before its weights), its weights' names and shapes as PyTorch lays them out, and the checks both directions need."""

import random

from micrograd.layers import ACTIVATIONS, MLP, parameter_count
from micrograd.messages import short_repr
from micrograd.optim import SGD, Adam, AdamW

FORMAT = "micrograd"
VERSION = 1
MAX_FILE_BYTES = 64 * 1024 * 1024  # far more than the largest network a scalar engine can train
MAX_PARAMETERS = 1_000_000
OPTIMIZERS = {"SGD": SGD, "Adam": Adam, "AdamW": AdamW}  # by their class names, which are torch.optim's too


def architecture_of(model):
    """What `load` needs to rebuild an MLP before its weights: {"class": "MLP", "nin", "nouts", "activation"}."""
    return {"class": "MLP", "nin": model.nin, "nouts": model.nouts, "activation": model.activation}


def model_from_description(spec):
    check_keys(spec, "model", required={"class", "nin", "nouts", "activation", "state_dict"})
    _, nouts, _ = checked_architecture(spec)
    if not isinstance(spec["state_dict"], dict):
        raise ValueError(f"model state_dict must be an object, got {type(spec['state_dict']).__name__}")
    check_names(
        spec["state_dict"],
        state_dict_names(nouts),
        missing=lambda name: f"state_dict is missing key {name!r}",
        unexpected=lambda name: f"state_dict has unexpected key {short_repr(name)}",
    )
    model = untrained_model(spec)
    model.load_state_dict(spec["state_dict"])  # ValueError naming the first bad weight
    return model


def checked_architecture(spec):
    """(nin, nouts, activation) of spec, an architecture_of() dict, once checked: ValueError saying what is wrong."""
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
    return nin, nouts, activation


def untrained_model(spec):
    """The MLP that spec's class, nin, nouts and activation describe, checked, built without disturbing `random`."""
    nin, nouts, activation = checked_architecture(spec)
    # Building an MLP draws its initial weights from `random`; loading must not change the caller's random sequence.
    random_state = random.getstate()
    try:
        return MLP(nin, nouts, activation=activation)
    finally:
        random.setstate(random_state)


def check_names(given, expected_names, missing, unexpected):
    """ValueError(missing(name)) for the first of `expected_names` not in `given`, else ValueError(unexpected(name))
    for a name in `given` not expected. Run before building the model: a small file may declare 400,000 layers, and
    the first absent name stops the check (the names generated are never more than the file holds)."""
    expected = set()
    for name in expected_names:
        if name not in given:
            raise ValueError(missing(name))
        expected.add(name)
    for name in given:
        if name not in expected:
            raise ValueError(unexpected(name))


def state_dict_names(nouts):
    """The keys of MLP(nin, nouts).state_dict(), as MLP.named_weights names them, without building the MLP."""
    return (
        f"layers.{i}.neurons.{j}.{name}" for i, fan_out in enumerate(nouts) for j in range(fan_out) for name in "wb"
    )


def torch_names(n_layers, activation):
    """Each layer's (weight name, bias name) in to_torch's state_dict, without building the MLP."""
    stride = 1 if activation == "linear" else 2  # the index of each Linear in the Sequential
    return ((f"{stride * i}.weight", f"{stride * i}.bias") for i in range(n_layers))


def torch_layout(model):
    """The model's parameters laid out as to_torch's state_dict: [("0.weight", [4, 2], [w, ...]), ("0.bias", [4],
    [b, ...]), ...]: each tensor's name, shape and Values in row-major order (row j of a weight is neuron j's w).
    Every parameter appears exactly once."""
    if not isinstance(model, MLP):
        raise TypeError(f"expected a micrograd MLP, got {type(model).__name__}")
    layout = []
    names = torch_names(len(model.layers), model.activation)
    for i, (layer, (weight_name, bias_name)) in enumerate(zip(model.layers, names)):
        fan_in, fan_out = len(layer.neurons[0].w), len(layer.neurons)
        if any(len(neuron.w) != fan_in for neuron in layer.neurons):
            raise ValueError(f"the neurons of layer {i} do not all have {fan_in} weights")
        layout.append((weight_name, [fan_out, fan_in], [w for neuron in layer.neurons for w in neuron.w]))
        layout.append((bias_name, [fan_out], [neuron.b for neuron in layer.neurons]))
    return layout


def check_keys(obj, what, required, optional=frozenset()):
    if not isinstance(obj, dict):
        raise ValueError(f"{what} must be a JSON object, got {type(obj).__name__}")
    for key in sorted(required - set(obj)):
        raise ValueError(f"{what} has no {key!r}")
    for key in sorted(set(obj) - required - optional):
        raise ValueError(f"{what} has an unexpected key {short_repr(key)}")


def _is_size(n):
    return isinstance(n, int) and not isinstance(n, bool) and n >= 1
