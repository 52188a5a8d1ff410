"""Neuron, Layer, MLP: the original micrograd's behaviour and weights, PyTorch's answers, and state_dict."""

import json
import math
import random

import numpy as np
import pytest
import torch

from micrograd import Value, nn
from micrograd.layers import MLP, Layer, Module, Neuron

from conftest import docs_example, run_example


def test_the_original_import_path_gives_the_same_classes():
    assert (nn.Module, nn.Neuron, nn.Layer, nn.MLP) == (Module, Neuron, Layer, MLP)


def test_default_initial_weights_are_the_originals_for_the_same_seed():
    """The original draws random.uniform(-1, 1) for each weight, neuron by neuron and layer by layer; biases are 0."""
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    random.seed(1337)
    expected = []
    for nin, nout in [(2, 16), (16, 16), (16, 1)]:
        for _ in range(nout):
            expected += [random.uniform(-1, 1) for _ in range(nin)] + [0.0]
    assert [p.data for p in model.parameters()] == expected


def test_a_neuron_adds_like_the_original_bias_first_then_left_to_right():
    random.seed(3)
    neuron = Neuron(3, nonlin=False)
    neuron.b.data = 0.1
    x = [0.7, -1.3, 2.9]
    w = [v.data for v in neuron.w]
    assert neuron(x).data == ((0.1 + w[0] * x[0]) + w[1] * x[1]) + w[2] * x[2]  # sum(wi*xi, b), exactly


def test_a_neuron_is_one_fused_linear_node_then_its_activation():
    x = [Value(0.5), Value(-1.0)]
    linear_out = Neuron(2, nonlin=False)(x)
    assert linear_out._op == "linear" and len(linear_out._prev) == 2 + 2 + 1  # inputs, weights, bias
    tanh_out = Neuron(2, activation="tanh")(x)
    assert tanh_out._op == "tanh" and tanh_out._prev[0]._op == "linear"


def torch_forward(model, x, activation):
    """The same MLP in PyTorch: (output tensor, the parameter tensors in our order)."""
    params, out = [], torch.tensor(x)
    for i, layer in enumerate(model.layers):
        w = torch.tensor([[v.data for v in n.w] for n in layer.neurons], requires_grad=True)
        b = torch.tensor([n.b.data for n in layer.neurons], requires_grad=True)
        params.append((w, b))
        out = w @ out + b
        if i < len(model.layers) - 1 and activation != "linear":
            out = getattr(torch, activation)(out)
    return out, params


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
@pytest.mark.parametrize("nouts", [[3, 1], [4, 4, 2], [1, 3], [1, 1], [2, 1, 1]], ids=str)
def test_mlp_outputs_and_gradients_match_torch(nouts, activation):
    """Includes hidden layers of a single neuron, which the original cannot run (its Layer then returns a Value)."""
    random.seed(11)
    model = MLP(3, nouts, activation=activation)
    x = [0.4, -0.9, 1.7]
    out = model(x)
    torch_out, torch_params = torch_forward(model, x, activation)
    outputs = [out] if nouts[-1] == 1 else out
    assert isinstance(out, Value) == (nouts[-1] == 1)
    assert len(outputs) == nouts[-1]
    loss = sum(o * (i + 1) for i, o in enumerate(outputs))  # weights make each output matter differently
    loss.backward()
    (torch_out * torch.arange(1.0, nouts[-1] + 1)).sum().backward()
    assert [o.data for o in outputs] == pytest.approx(torch_out.tolist(), rel=1e-12, abs=1e-15)
    torch_grads = []
    for w, b in torch_params:
        for row, bias in zip(w.grad, b.grad):
            torch_grads += [*row.tolist(), bias.item()]
    assert [p.grad for p in model.parameters()] == pytest.approx(torch_grads, rel=1e-12, abs=1e-15)


def test_single_output_layer_returns_a_value_and_wider_layers_a_list():
    assert isinstance(Layer(2, 1)([1.0, 2.0]), Value)
    out = Layer(2, 3)([Value(1.0), Value(2.0)])
    assert isinstance(out, list) and len(out) == 3


def test_numpy_and_plain_inputs_give_the_same_outputs_as_values():
    random.seed(5)
    model = MLP(2, [4, 2])
    as_values = [o.data for o in model([Value(0.5), Value(-1.5)])]
    assert [o.data for o in model([0.5, -1.5])] == as_values
    assert [o.data for o in model(np.array([0.5, -1.5]))] == as_values


def test_wrong_number_of_inputs_raises_value_error():
    with pytest.raises(ValueError, match="got 3 inputs but 2 weights"):
        MLP(2, [3, 1])([1.0, 2.0, 3.0])


def test_hidden_layers_use_the_activation_and_the_last_layer_is_linear():
    model = MLP(2, [3, 3, 2], activation="tanh")
    assert [n.activation for layer in model.layers for n in layer.neurons] == ["tanh"] * 6 + ["linear"] * 2
    assert all(n.nonlin for n in model.layers[0].neurons) and not model.layers[-1].neurons[0].nonlin


def test_repr_reads_like_the_originals():
    assert repr(MLP(2, [2, 1])) == "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(2)]]"
    assert repr(Neuron(3, activation="tanh")) == "TanhNeuron(3)"
    assert repr(Neuron(3, activation="sigmoid")) == "SigmoidNeuron(3)"
    assert repr(Neuron(3, nonlin=False, activation="tanh")) == "LinearNeuron(3)"


def test_parameters_are_weights_then_bias_neuron_by_neuron():
    model = MLP(2, [16, 16, 1])
    assert len(model.parameters()) == 16 * 3 + 16 * 17 + 17
    first = model.layers[0].neurons[0]
    assert model.parameters()[:3] == [*first.w, first.b]
    assert len({id(p) for p in model.parameters()}) == len(model.parameters())


def test_zero_grad_resets_all_gradients():
    model = MLP(2, [3, 1])
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


@pytest.mark.parametrize(("init", "bound"), [("xavier", math.sqrt(6 / (50 + 40))), ("kaiming", math.sqrt(6 / 50))])
def test_init_schemes_draw_weights_within_their_bound(init, bound):
    random.seed(0)
    layer = Layer(50, 40, init=init)
    weights = [w.data for n in layer.neurons for w in n.w]
    assert max(abs(w) for w in weights) <= bound
    assert max(abs(w) for w in weights) > 0.95 * bound  # 2000 draws: the bound is (nearly) reached
    assert abs(sum(weights) / len(weights)) < 0.05 * bound
    assert all(n.b.data == 0.0 for n in layer.neurons)


def test_init_is_passed_down_from_mlp():
    random.seed(0)
    model = MLP(100, [100, 1], init="kaiming")
    assert max(abs(p.data) for p in model.parameters()) <= math.sqrt(6 / 100)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Neuron(2, activation="softplus"), ValueError, "activation must be one of"),
        (lambda: MLP(2, [1], activation="swish"), ValueError, "activation must be one of"),
        (lambda: Neuron(2, init="normal"), ValueError, "init must be"),
        (lambda: Neuron(0), ValueError, "nin must be at least 1"),
        (lambda: Neuron(2.5), TypeError, "nin must be an int"),
        (lambda: Layer(2, 0), ValueError, "nout must be at least 1"),
        (lambda: MLP(2, []), TypeError, "nouts must be a non-empty list"),
        (lambda: MLP(2, 16), TypeError, "nouts must be a non-empty list"),
    ],
)
def test_bad_arguments_raise_clear_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_state_dict_is_named_like_torch_and_json_able():
    random.seed(1)
    model = MLP(2, [2, 1])
    state = model.state_dict()
    assert list(state) == [
        "layers.0.neurons.0.w",
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w",
        "layers.0.neurons.1.b",
        "layers.1.neurons.0.w",
        "layers.1.neurons.0.b",
    ]
    assert state["layers.0.neurons.1.w"] == [w.data for w in model.layers[0].neurons[1].w]
    assert json.loads(json.dumps(state)) == state


def test_load_state_dict_makes_an_identical_model():
    random.seed(1)
    model = MLP(3, [4, 2])
    random.seed(2)
    other = MLP(3, [4, 2])
    other.load_state_dict(json.loads(json.dumps(model.state_dict())))
    assert [p.data for p in other.parameters()] == [p.data for p in model.parameters()]
    assert [o.data for o in other([0.1, 0.2, 0.3])] == [o.data for o in model([0.1, 0.2, 0.3])]


def test_load_state_dict_accepts_integers():
    model = MLP(1, [1])
    model.load_state_dict({"layers.0.neurons.0.w": [2], "layers.0.neurons.0.b": -1})
    assert model([3.0]).data == 5.0


def bad_state_dicts():
    """(description, state dict): each is broken in its LAST entry, so a loader that writes as it goes would have
    changed the model before noticing."""
    random.seed(1)
    good = MLP(2, [2, 1]).state_dict()
    last_w, last_b = "layers.1.neurons.0.w", "layers.1.neurons.0.b"

    def with_(key, value):
        return {**good, key: value}

    missing = dict(good)
    del missing[last_b]
    return [
        ("missing key 'layers.1.neurons.0.b'", missing),
        ("unexpected key 'layers.2.neurons.0.w'", with_("layers.2.neurons.0.w", [1.0])),
        (r"\['layers.1.neurons.0.w'\] should be a list of 2 numbers, got a list of 3", with_(last_w, [1.0, 2, 3])),
        (r"\['layers.1.neurons.0.w'\] should be a list of 2 numbers, got float", with_(last_w, 1.0)),
        (r"\['layers.1.neurons.0.w\[1\]'\] should be a number, got str", with_(last_w, [1.0, "2"])),
        (r"\['layers.1.neurons.0.w\[0\]'\] should be a number, got NoneType", with_(last_w, [None, 2.0])),
        (r"\['layers.1.neurons.0.b'\] should be a number, got bool", with_(last_b, True)),
        (r"\['layers.1.neurons.0.b'\] should be a finite number, got nan", with_(last_b, math.nan)),
        (r"\['layers.1.neurons.0.w\[1\]'\] should be a finite number, got -inf", with_(last_w, [0.0, -math.inf])),
        (r"\['layers.1.neurons.0.b'\] should be a finite number", with_(last_b, 10**400)),
        (r"\['layers.1.neurons.0.b'\] should be a number, got list", with_(last_b, [0.0])),
    ]


@pytest.mark.parametrize(("message", "state"), bad_state_dicts(), ids=[m for m, _ in bad_state_dicts()])
def test_bad_state_dict_raises_value_error_naming_it_and_changes_nothing(message, state):
    random.seed(9)
    model = MLP(2, [2, 1])
    before = model.state_dict()
    with pytest.raises(ValueError, match=message):
        model.load_state_dict(state)
    assert model.state_dict() == before


def test_load_state_dict_needs_a_dict():
    with pytest.raises(TypeError, match="needs a dict, got list"):
        MLP(2, [1]).load_state_dict([1.0, 2.0, 3.0])


def test_the_docs_example_prints_what_the_page_says(tmp_path):
    code, output = docs_example("guide/nn.md")
    assert run_example(code, tmp_path) == output
