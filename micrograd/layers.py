"""A tiny neural-network library on top of the engine: Module, Neuron, Layer, MLP (the original micrograd's API).

A `Neuron` computes activation(w · x + b), its weighted sum being one fused `linear` node; a `Layer` is neurons that
read the same inputs; an `MLP` is layers, the last one linear. Every `Module` can list its parameters, reset their
gradients, and give its weights as a plain, JSON-able `state_dict()` (with PyTorch-style names: "layers.0.neurons.3.w").
"""

import math
import numbers
import random

from micrograd.autograd import Value, as_value, linear
from micrograd.messages import short_repr

ACTIVATIONS = {"relu": Value.relu, "tanh": Value.tanh, "sigmoid": Value.sigmoid, "linear": None}
_ACTIVATION_NAMES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Linear"}


def _init_bound(init, fan_in, fan_out):
    """Weights are drawn uniformly from [-bound, bound]; the schemes differ only in the bound."""
    if init == "uniform":  # the original micrograd's choice
        return 1.0
    if init == "xavier":  # Glorot & Bengio 2010; torch.nn.init.xavier_uniform_: keeps the variance for tanh/sigmoid
        return math.sqrt(6.0 / (fan_in + fan_out))
    if init == "kaiming":  # He et al. 2015; torch.nn.init.kaiming_uniform_(nonlinearity="relu"): for relu
        return math.sqrt(6.0 / fan_in)
    raise ValueError(f"init must be 'uniform', 'xavier' or 'kaiming', got {init!r}")


def _check_size(name, n):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"{name} must be at least 1, got {n}")
    return int(n)


class Module:
    """Anything with parameters: the base of Neuron, Layer and MLP, like torch.nn.Module."""

    def zero_grad(self):
        """Reset every parameter's gradient to 0 (gradients accumulate across backward() calls)."""
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self):
        """The Values that training adjusts, in a fixed order."""
        return []

    def named_weights(self):
        """(name, weights) pairs: weights is a Value, or a list of Values, named as in state_dict()."""
        return []

    def state_dict(self):
        """The weights as plain numbers, JSON-able: {"layers.0.neurons.0.w": [0.2, -0.7], "layers.0.neurons.0.b": 0}"""
        return {name: [v.data for v in w] if isinstance(w, list) else w.data for name, w in self.named_weights()}

    def load_state_dict(self, state_dict):
        """Set the weights from a dict like state_dict()'s.

        Everything is checked before anything is written: on a missing or unexpected key, a wrong length, or a value
        that is not a finite number, this raises ValueError naming the first problem and the module is left unchanged.
        """
        if not isinstance(state_dict, dict):
            raise TypeError(f"load_state_dict() needs a dict, got {type(state_dict).__name__}")
        named = self.named_weights()
        expected = {name for name, _ in named}
        for name, _ in named:
            if name not in state_dict:
                raise ValueError(f"state_dict is missing key {name!r}")
        for key in state_dict:
            if key not in expected:
                raise ValueError(f"state_dict has unexpected key {short_repr(key)}")
        updates = []  # (Value, new data), applied only once all of them are valid
        for name, weights in named:
            given = state_dict[name]
            if isinstance(weights, list):
                if not isinstance(given, list) or len(given) != len(weights):
                    shape = f"a list of {len(given)}" if isinstance(given, list) else type(given).__name__
                    raise ValueError(f"state_dict[{name!r}] should be a list of {len(weights)} numbers, got {shape}")
                updates += [(v, _finite(x, f"{name}[{i}]")) for i, (v, x) in enumerate(zip(weights, given))]
            else:
                updates.append((weights, _finite(given, name)))
        for value, data in updates:
            value.data = data


def _finite(x, name):
    """x as a float if it is a finite real number, else ValueError naming it."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise ValueError(f"state_dict[{name!r}] should be a number, got {type(x).__name__}")
    try:
        number = float(x)
    except OverflowError:  # an int too large for a float
        number = math.inf
    if not math.isfinite(number):
        raise ValueError(f"state_dict[{name!r}] should be a finite number, got {short_repr(x)}")
    return number


class Neuron(Module):
    """activation(w · x + b) with nin weights `w` and a bias `b`; the weighted sum is one fused `linear` node.

    activation is "relu", "tanh", "sigmoid" or "linear"; nonlin=False (the original's flag) means "linear".
    init chooses the weights' scale: "uniform" (the original's uniform(-1, 1), the default), "xavier" or "kaiming";
    fan_out is the number of neurons in the layer, which "xavier" needs (Layer passes it). The bias starts at 0.
    """

    def __init__(self, nin, nonlin=True, activation="relu", init="uniform", fan_out=1):
        nin = _check_size("nin", nin)
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(map(repr, ACTIVATIONS))}, got {activation!r}")
        bound = _init_bound(init, nin, fan_out)
        self.w = [Value(random.uniform(-bound, bound)) for _ in range(nin)]
        self.b = Value(0.0)
        self.activation = activation if nonlin else "linear"
        self._activate = ACTIVATIONS[self.activation]  # an unbound method, or None: no lookup per call

    @property
    def nonlin(self):
        return self.activation != "linear"

    def __call__(self, x):
        act = linear(x, self.w, self.b)
        return self._activate(act) if self._activate else act

    def parameters(self):
        return self.w + [self.b]

    def named_weights(self):
        return [("w", self.w), ("b", self.b)]

    def __repr__(self):
        return f"{_ACTIVATION_NAMES[self.activation]}Neuron({len(self.w)})"


class Layer(Module):
    """nout neurons that read the same inputs. Called on a list of inputs it returns a list of nout outputs, or a
    single Value when nout is 1 (as in the original). Keyword arguments go to each Neuron."""

    def __init__(self, nin, nout, **kwargs):
        nout = _check_size("nout", nout)
        self.neurons = [Neuron(nin, fan_out=nout, **kwargs) for _ in range(nout)]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]

    def named_weights(self):
        return [(f"neurons.{i}.{name}", w) for i, n in enumerate(self.neurons) for name, w in n.named_weights()]

    def __repr__(self):
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


def parameter_count(nin, nouts):
    """How many parameters MLP(nin, nouts) has (each neuron: a weight per input, and a bias), without building it."""
    sizes = [nin, *nouts]
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(sizes, sizes[1:]))


class MLP(Module):
    """A multi-layer perceptron: nin inputs, then a layer of nouts[i] neurons for each i. The hidden layers use
    `activation`, the last layer is linear. Returns a list of outputs, or a single Value when the last layer has one.

    >>> import random; random.seed(1337)
    >>> model = MLP(2, [16, 16, 1])   # the original demo's network, with the original's initial weights
    >>> model([1.0, -0.5]).data
    -0.7671028003614676
    """

    def __init__(self, nin, nouts, activation="relu", init="uniform"):
        if not isinstance(nouts, (list, tuple)) or not nouts:
            raise TypeError(f"nouts must be a non-empty list of layer sizes, got {nouts!r}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(map(repr, ACTIVATIONS))}, got {activation!r}")
        self.nin, self.nouts, self.activation = nin, list(nouts), activation  # the architecture, for micrograd.save
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation=activation if i < len(nouts) - 1 else "linear", init=init)
            for i in range(len(nouts))
        ]

    def __call__(self, x):
        # Inputs become Values once here, not once per neuron; each layer gives a list, even a hidden layer of one.
        x = [as_value(xi) for xi in x]
        for layer in self.layers:
            x = [n(x) for n in layer.neurons]
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def named_weights(self):
        return [(f"layers.{i}.{name}", w) for i, layer in enumerate(self.layers) for name, w in layer.named_weights()]

    def __repr__(self):
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
