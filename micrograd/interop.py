"""Hand a micrograd model to PyTorch and ONNX, and back: the same weights, the same numbers on the other side.

    torch_model = to_torch(model)                                  # torch.nn.Sequential(Linear, ReLU, ..., Linear)
    torch_optimizer = to_torch_optimizer(optimizer, torch_model)   # training continues on the same trajectory
    model = from_torch(torch_model)                                # and back; round trips are exact
    to_onnx(model, "model.onnx")                                   # for onnxruntime and everything that reads ONNX

The translation goes layer by layer: our Layer of n neurons reading m inputs is torch's Linear(m, n), whose weight row j
is neuron j's `w` and whose bias[j] is its `b`; the hidden activation stands between Linears as a module. Tensors are
named as torch.nn.Sequential names them ("0.weight", "0.bias", "2.weight", ...), in ONNX and safetensors files too.
torch and onnx are optional: each function imports what it needs, and says how to install it if it is missing.
"""

import importlib

from micrograd.files.atomic import write_atomically
from micrograd.files.description import OPTIMIZERS, model_from_description, torch_layout
from micrograd.optim import AdamW
from micrograd.version import __version__

# Our activation names and theirs. "linear" has no module: Linear layers then follow each other directly.
TORCH_ACTIVATIONS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}
ONNX_ACTIVATIONS = {"relu": "Relu", "tanh": "Tanh", "sigmoid": "Sigmoid"}
ONNX_DTYPES = {"float64": "DOUBLE", "float32": "FLOAT"}
# Opset 17 (ONNX 1.12, 2022; IR version 8): the onnxruntime of every supported Python reads it (the newest for Python
# 3.10 reads no file past IR version 11), and Gemm, Relu, Tanh and Sigmoid compute the same in every later opset.
ONNX_OPSET = 17


def require(module, purpose):
    """import `module`, or ImportError saying that `purpose` needs it and the pip command that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        package = module.split(".")[0]
        raise ImportError(f"{purpose} needs the {package} package: pip install {package}") from None


def _tensor(torch, shape, numbers):
    return torch.tensor(numbers, dtype=torch.float64).reshape(shape)


def to_torch(model):
    """A torch.nn.Sequential computing what `model` (an MLP) computes, in float64: Linear layers with the same weights
    and the hidden activation module (ReLU, Tanh or Sigmoid) between them. Its state_dict names are "0.weight",
    "0.bias", "2.weight", ...; its outputs equal ours to 1e-12. torch's random numbers are not used."""
    torch = require("torch", "to_torch")
    layout = torch_layout(model)
    modules = []
    for i in range(len(model.layers)):
        if i and model.activation != "linear":
            modules.append(getattr(torch.nn, TORCH_ACTIVATIONS[model.activation])())
        fan_out, fan_in = layout[2 * i][1]
        modules.append(torch.nn.utils.skip_init(torch.nn.Linear, fan_in, fan_out, dtype=torch.float64))
    torch_model = torch.nn.Sequential(*modules)
    torch_model.load_state_dict(
        {name: _tensor(torch, shape, [v.data for v in values]) for name, shape, values in layout}
    )
    return torch_model


def from_torch(module):
    """The MLP that computes what `module` computes: a torch.nn.Sequential of Linear layers (with biases) with the same
    ReLU, Tanh or Sigmoid module between every two of them (or none at all), ending with a Linear; or one Linear.
    Weights of any float dtype become Python floats exactly. Anything else is a ValueError naming the layer."""
    torch = require("torch", "from_torch")
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"from_torch() needs a torch.nn.Module, got {type(module).__name__}")
    layers = list(module) if type(module) is torch.nn.Sequential else [module]
    activation_of = {getattr(torch.nn, name): ours for ours, name in TORCH_ACTIVATIONS.items()}
    linears, between, pending = [], [], None  # between[i]: the activation between Linears i and i + 1
    for index, layer in enumerate(layers):
        what = f"layer {index} ({type(layer).__name__})"
        if type(layer) is torch.nn.Linear:
            if layer.bias is None:
                raise ValueError(f"{what} has no bias; micrograd's neurons always have one")
            if linears and layer.in_features != linears[-1].out_features:
                given = linears[-1].out_features
                raise ValueError(f"{what} takes {layer.in_features} inputs but the layer before it gives {given}")
            if linears:
                between.append(pending or "linear")
            linears.append(layer)
            pending = None
        elif type(layer) in activation_of:
            if not linears or pending:
                raise ValueError(f"{what} must come right after a Linear layer")
            pending = activation_of[type(layer)]
        else:
            raise ValueError(
                f"{what} is not supported: micrograd's MLP has Linear layers with ReLU, Tanh or Sigmoid between them"
            )
    if not linears:
        raise ValueError("the module has no Linear layer")
    if pending:
        raise ValueError(f"the module ends with {TORCH_ACTIVATIONS[pending]}; micrograd's MLP ends with a Linear layer")
    if len(set(between)) > 1:
        raise ValueError(f"the module mixes activations ({', '.join(sorted(set(between)))}); an MLP has one")
    state_dict = {}
    for i, linear in enumerate(linears):
        weight = linear.weight.detach().to(torch.float64).tolist()
        bias = linear.bias.detach().to(torch.float64).tolist()
        for j, (row, b) in enumerate(zip(weight, bias)):
            state_dict[f"layers.{i}.neurons.{j}.w"], state_dict[f"layers.{i}.neurons.{j}.b"] = row, b
    # the model files' checks: sizes, finite weights, and the caller's `random` sequence left alone
    architecture = {
        "class": "MLP",
        "nin": linears[0].in_features,
        "nouts": [linear.out_features for linear in linears],
        "activation": between[0] if between else "relu",  # one Linear: any activation computes the same
    }
    return model_from_description({**architecture, "state_dict": state_dict})


def _check_same_weights(layout, tensors):
    """ValueError unless the tensors have the layout's shapes and hold its Values' numbers."""
    if len(tensors) != len(layout):
        raise ValueError(f"the optimizer has {len(tensors)} parameter tensors, the model {len(layout)}")
    for (name, shape, values), tensor in zip(layout, tensors):
        if list(tensor.shape) != shape:
            raise ValueError(f"the optimizer's tensor for {name} has shape {list(tensor.shape)}, expected {shape}")
        if tensor.detach().reshape(-1).tolist() != [v.data for v in values]:
            raise ValueError(f"the optimizer's {name} is not the model's: hand over an optimizer with its model")


def to_torch_optimizer(optimizer, torch_model):
    """The torch.optim optimizer (SGD, Adam or AdamW) that continues where `optimizer` is, over torch_model's
    parameters: the same hyper-parameters and the same state (momentum buffers; Adam's step count and running
    averages), so that training goes on along the same trajectory. `optimizer` trains an MLP's parameters() and
    torch_model is to_torch of that MLP: its weights are checked to be the same."""
    torch = require("torch", "to_torch_optimizer")
    if type(optimizer) not in OPTIMIZERS.values():
        raise TypeError(f"to_torch_optimizer() needs an SGD, Adam or AdamW optimizer, got {type(optimizer).__name__}")
    twin = from_torch(torch_model)  # fresh Values laid out as torch_model; twin.parameters() in our optimizer's order
    if [p.data for p in optimizer.params] != [p.data for p in twin.parameters()]:
        raise ValueError(
            "the optimizer's parameters are not torch_model's weights: hand over an optimizer with its model"
        )
    tensors = list(torch_model.parameters())
    torch_optimizer = getattr(torch.optim, type(optimizer).__name__)(tensors, **optimizer.hyperparameters())
    state = optimizer.state_dict()["state"]
    step = state.pop("step", None)
    position = {id(p): i for i, p in enumerate(twin.parameters())}
    for tensor, (_, shape, values) in zip(tensors, torch_layout(twin)):
        entry = {
            key: _tensor(torch, shape, [numbers[position[id(v)]] for v in values])
            for key, numbers in state.items()
            if numbers is not None  # SGD before its first step with momentum
        }
        if step is not None:
            entry["step"] = torch.tensor(float(step), dtype=torch.float64)  # float64: exact for any step count
        if entry:
            torch_optimizer.state[tensor] = entry
    return torch_optimizer


def from_torch_optimizer(torch_optimizer, model):
    """Our SGD, Adam or AdamW over model.parameters() that continues where torch_optimizer is (the inverse of
    to_torch_optimizer): model is from_torch of the module torch_optimizer trains, its weights checked to be the same.
    torch.optim.Adam with decoupled_weight_decay=True becomes AdamW; what ours do not have (amsgrad, maximize, several
    parameter groups) is a ValueError."""
    torch = require("torch", "from_torch_optimizer")
    name = type(torch_optimizer).__name__
    if type(torch_optimizer) not in (torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW):
        raise ValueError(f"from_torch_optimizer() takes torch.optim.SGD, Adam or AdamW, got {name}")
    if len(torch_optimizer.param_groups) != 1:
        raise ValueError(f"the {name} has {len(torch_optimizer.param_groups)} parameter groups; ours have one")
    group = torch_optimizer.param_groups[0]
    for option in ("amsgrad", "maximize"):
        if group.get(option):
            raise ValueError(f"the {name} uses {option}=True, which micrograd's optimizers do not have")
    # torch.optim's class names are ours (OPTIMIZERS: what save() names them by)
    optimizer_class = AdamW if name == "Adam" and group.get("decoupled_weight_decay") else OPTIMIZERS[name]
    layout = torch_layout(model)
    tensors = group["params"]
    _check_same_weights(layout, tensors)

    def plain(x):  # torch allows tensors as hyper-parameters
        return float(x) if isinstance(x, torch.Tensor) else x

    hyperparameters = {key: plain(group[key]) for key in ("lr", *optimizer_class.hyperparameter_names)}
    if "betas" in hyperparameters:
        hyperparameters["betas"] = [plain(beta) for beta in group["betas"]]
    optimizer = optimizer_class(model.parameters(), **hyperparameters)
    position = {id(p): i for i, p in enumerate(model.parameters())}
    states = [torch_optimizer.state.get(tensor, {}) for tensor in tensors]
    state = optimizer.state_dict()["state"]  # a fresh optimizer's: where torch has no state yet
    for key in state:
        present = [key in s for s in states]
        if not any(present):
            continue
        if not all(present):
            raise ValueError(f"only some parameters of the {name} have a {key!r} in their state")
        if key == "step":
            steps = {float(s["step"]) for s in states}
            if len(steps) != 1 or not next(iter(steps)).is_integer():
                raise ValueError(f"the {name}'s parameters have different or fractional step counts: {sorted(steps)}")
            state["step"] = int(steps.pop())
            continue
        numbers = [0.0] * len(position)
        for s, (_, shape, values) in zip(states, layout):
            if list(s[key].shape) != shape:
                raise ValueError(f"the {name}'s {key!r} has shape {list(s[key].shape)}, expected {shape}")
            for v, x in zip(values, s[key].detach().to(torch.float64).reshape(-1).tolist()):
                numbers[position[id(v)]] = x
        state[key] = numbers
    optimizer.load_state_dict({"hyperparameters": optimizer.state_dict()["hyperparameters"], "state": state})
    return optimizer


def to_onnx(model, path, dtype="float64"):
    """Write `model` (an MLP) to `path` as an ONNX model and return it (an onnx.ModelProto): input "input" of shape
    [batch, nin], output "output" of shape [batch, nout], one Gemm per layer with its weights as initializers named as
    in to_torch ("0.weight", ...), the activation between. dtype is "float64" or "float32". The opset is ONNX_OPSET with
    the IR version it needs, whatever onnx is installed; the model is validated with onnx.checker before it is written
    (atomically)."""
    onnx = require("onnx", "to_onnx")
    from onnx import TensorProto, helper

    if dtype not in ONNX_DTYPES:
        raise ValueError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
    element_type = getattr(TensorProto, ONNX_DTYPES[dtype])
    layout = torch_layout(model)
    initializers = [
        helper.make_tensor(name, element_type, shape, [v.data for v in values]) for name, shape, values in layout
    ]
    nodes, current = [], "input"
    for i in range(len(model.layers)):
        index = layout[2 * i][0].split(".")[0]  # the layer's index in to_torch's Sequential
        last = i == len(model.layers) - 1
        linear_output = "output" if last else f"{index}.output"
        nodes.append(helper.make_node("Gemm", [current, f"{index}.weight", f"{index}.bias"], [linear_output], transB=1))
        current = linear_output
        if not last and model.activation != "linear":
            current = f"{index}.{model.activation}"
            nodes.append(helper.make_node(ONNX_ACTIVATIONS[model.activation], [linear_output], [current]))
    nin, nout = layout[0][1][1], layout[-1][1][0]
    graph = helper.make_graph(
        nodes,
        "micrograd_mlp",
        [helper.make_tensor_value_info("input", element_type, ["batch", nin])],
        [helper.make_tensor_value_info("output", element_type, ["batch", nout])],
        initializers,
    )
    opset = helper.make_opsetid("", ONNX_OPSET)
    onnx_model = helper.make_model_gen_version(  # the IR version of the opset, not the newest onnx knows
        graph, opset_imports=[opset], producer_name="micrograd", producer_version=__version__
    )
    onnx.checker.check_model(onnx_model, full_check=True)
    write_atomically(path, onnx_model.SerializeToString())
    return onnx_model
