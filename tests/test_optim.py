"""Optimizers: the same network trained with ours and with torch.optim (float64) follows the same path to 1e-9."""

import json
import math
import random

import pytest
import torch

from micrograd import Value
from micrograd.layers import MLP
from micrograd.losses import mse_loss
from micrograd.optim import SGD, Adam, AdamW

from conftest import docs_example, run_example

STEPS = 40
INPUTS = [[0.5, -1.0, 0.25], [-0.3, 0.8, 1.2], [1.5, 0.1, -0.7], [-1.1, -0.4, 0.3], [0.2, 0.9, -1.3], [0.0, 0.4, 0.6]]
TARGETS = [0.3, -0.5, 0.8, -0.2, 0.1, 0.6]


def small_network():
    random.seed(7)
    return MLP(3, [4, 4, 1], activation="tanh")


def torch_copy(model):
    """The model's weights as torch tensors: for each layer a (nout, nin) weight matrix and an (nout,) bias."""
    tensors = []
    for layer in model.layers:
        tensors.append(torch.tensor([[w.data for w in n.w] for n in layer.neurons], requires_grad=True))
        tensors.append(torch.tensor([n.b.data for n in layer.neurons], requires_grad=True))
    return tensors


def torch_loss(tensors):
    x = torch.tensor(INPUTS)
    for i in range(0, len(tensors), 2):
        x = x @ tensors[i].T + tensors[i + 1]
        if i < len(tensors) - 2:
            x = torch.tanh(x)
    return torch.nn.functional.mse_loss(x.squeeze(1), torch.tensor(TARGETS))


def our_loss(model):
    return mse_loss([model(x) for x in INPUTS], TARGETS)


def flat_torch_parameters(tensors):
    """Torch's weights in our parameter order: layer by layer, neuron by neuron, the weights then the bias."""
    flat = []
    for i in range(0, len(tensors), 2):
        weights, biases = tensors[i].detach(), tensors[i + 1].detach()
        for row, bias in zip(weights, biases):
            flat += [*row.tolist(), bias.item()]
    return flat


def train_both(our_optimizer_class, torch_optimizer_class, lr_schedule=None, **options):
    model = small_network()
    tensors = torch_copy(model)
    ours = our_optimizer_class(model.parameters(), **options)
    theirs = torch_optimizer_class(tensors, **options)
    for k in range(STEPS):
        if lr_schedule:
            ours.lr = lr_schedule(k)
            for group in theirs.param_groups:
                group["lr"] = lr_schedule(k)
        loss = our_loss(model)
        ours.zero_grad()
        loss.backward()
        ours.step()
        torch_loss_value = torch_loss(tensors)
        theirs.zero_grad()
        torch_loss_value.backward()
        theirs.step()
        assert loss.data == pytest.approx(torch_loss_value.item(), rel=1e-9, abs=1e-12), f"loss at step {k}"
    for ours_p, theirs_p in zip([p.data for p in model.parameters()], flat_torch_parameters(tensors)):
        assert ours_p == pytest.approx(theirs_p, rel=1e-9, abs=1e-12)
    return model


SGD_OPTIONS = [
    {"lr": 0.1},
    {"lr": 0.05, "momentum": 0.9},
    {"lr": 0.05, "momentum": 0.9, "dampening": 0.3},
    {"lr": 0.05, "momentum": 0.8, "nesterov": True},
    {"lr": 0.1, "weight_decay": 0.05},
    {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01},
]
ADAM_OPTIONS = [
    {},
    {"lr": 0.02},
    {"lr": 0.02, "betas": (0.5, 0.9)},  # 1 - beta1 = 0.5: PyTorch's lerp takes its other branch
    {"lr": 0.02, "betas": (0.3, 0.99), "eps": 1e-3},
    {"lr": 0.02, "weight_decay": 0.1},
]


@pytest.mark.parametrize("options", SGD_OPTIONS, ids=str)
def test_sgd_follows_torch_sgd(options):
    train_both(SGD, torch.optim.SGD, **options)


@pytest.mark.parametrize("options", ADAM_OPTIONS, ids=str)
def test_adam_follows_torch_adam(options):
    train_both(Adam, torch.optim.Adam, **options)


@pytest.mark.parametrize("options", [*ADAM_OPTIONS, {"lr": 0.05, "weight_decay": 0.5}], ids=str)
def test_adamw_follows_torch_adamw(options):
    train_both(AdamW, torch.optim.AdamW, **options)


@pytest.mark.parametrize(
    ("optimizer_class", "options"),
    [(SGD, {"lr": 0.2, "momentum": 0.5}), (Adam, {"lr": 0.05}), (AdamW, {"lr": 0.05})],
    ids=["SGD", "Adam", "AdamW"],
)
def test_changing_lr_between_steps_follows_torch(optimizer_class, options):
    torch_class = getattr(torch.optim, optimizer_class.__name__)
    train_both(optimizer_class, torch_class, lr_schedule=lambda k: options["lr"] * (1.0 - 0.9 * k / STEPS), **options)


def test_training_actually_reduces_the_loss():
    model = small_network()
    optimizer = Adam(model.parameters(), lr=0.05)
    first = our_loss(model).data
    for _ in range(STEPS):
        loss = our_loss(model)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert our_loss(model).data < first / 5


def test_zero_grad_resets_every_parameter_gradient():
    model = small_network()
    optimizer = SGD(model.parameters(), lr=0.1)
    our_loss(model).backward()
    assert any(p.grad != 0 for p in model.parameters())
    optimizer.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_step_uses_accumulated_gradients_as_they_are():
    w = Value(1.0)
    optimizer = SGD([w], lr=0.1)
    (w * 3).backward()
    (w * 3).backward()  # no zero_grad in between: the gradient is 6
    optimizer.step()
    assert w.data == 1.0 - 0.1 * 6


@pytest.mark.parametrize(
    ("optimizer_class", "options"),
    [
        (SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
        (SGD, {"lr": 0.1}),
        (Adam, {"lr": 0.02, "betas": (0.5, 0.9), "weight_decay": 0.1}),
        (AdamW, {"lr": 0.02}),
    ],
    ids=["SGD-momentum", "SGD", "Adam", "AdamW"],
)
def test_state_dict_through_json_resumes_training_exactly(optimizer_class, options):
    """Train 20 steps, save the state, train 20 more; a fresh copy restored from the saved state does the same."""

    def train(model, optimizer, steps):
        for _ in range(steps):
            loss = our_loss(model)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    model = small_network()
    optimizer = optimizer_class(model.parameters(), **options)
    train(model, optimizer, 20)
    saved_model, saved_optimizer = json.dumps(model.state_dict()), json.dumps(optimizer.state_dict())
    train(model, optimizer, 20)

    resumed_model = small_network()
    resumed_model.load_state_dict(json.loads(saved_model))
    resumed_optimizer = optimizer_class(resumed_model.parameters(), lr=123.0)
    resumed_optimizer.load_state_dict(json.loads(saved_optimizer))
    assert resumed_optimizer.lr == options["lr"]
    train(resumed_model, resumed_optimizer, 20)
    assert [p.data for p in resumed_model.parameters()] == [p.data for p in model.parameters()]


def test_bad_optimizer_state_dict_raises_value_error_and_changes_nothing():
    model = small_network()
    optimizer = Adam(model.parameters(), lr=0.02)
    our_loss(model).backward()
    optimizer.step()
    before = optimizer.state_dict()
    good = json.loads(json.dumps(before))
    bad_states = []
    for key, bad in [("exp_avg", [1.0]), ("exp_avg_sq", ["x"] * len(model.parameters())), ("step", -1)]:
        state = json.loads(json.dumps(good))
        state["state"][key] = bad
        bad_states.append(state)
    wrong_betas = json.loads(json.dumps(good))
    wrong_betas["hyperparameters"]["betas"] = [0.9, 1.5]
    wrong_type = json.loads(json.dumps(good))
    wrong_type["hyperparameters"]["lr"] = "fast"
    unknown_key = json.loads(json.dumps(good))
    unknown_key["hyperparameters"]["momentum"] = 0.9
    nan_average = json.loads(json.dumps(good))
    nan_average["state"]["exp_avg"][3] = math.nan
    for bad in [*bad_states, wrong_betas, wrong_type, unknown_key, nan_average, {}, [], None]:
        with pytest.raises(ValueError):
            optimizer.load_state_dict(bad)
        assert optimizer.state_dict() == before


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: SGD(p, lr=-0.1), "Invalid learning rate"),
        (lambda p: SGD(p, lr=0.1, momentum=-0.5), "Invalid momentum"),
        (lambda p: SGD(p, lr=0.1, weight_decay=-1), "Invalid weight_decay"),
        (lambda p: SGD(p, lr=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
        (lambda p: SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "Nesterov"),
        (lambda p: Adam(p, lr=-1e-3), "Invalid learning rate"),
        (lambda p: Adam(p, betas=(1.0, 0.999)), "Invalid beta parameter at index 0"),
        (lambda p: Adam(p, betas=(0.9, -0.1)), "Invalid beta parameter at index 1"),
        (lambda p: Adam(p, eps=-1e-8), "Invalid epsilon"),
        (lambda p: AdamW(p, weight_decay=-0.01), "Invalid weight_decay"),
        (lambda p: Adam(p, lr=math.nan), "Invalid learning rate"),
        (lambda p: SGD([], lr=0.1), "empty parameter list"),
    ],
)
def test_bad_hyperparameters_raise_value_error_like_torch(make, message):
    with pytest.raises(ValueError, match=message):
        make([Value(1.0)])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: SGD(p, lr=10**400), "Invalid learning rate value: 1000"),
        (lambda p: SGD(p, lr=0.1, momentum=10**400), "Invalid momentum value"),
        (lambda p: Adam(p, betas=(0.9, 10**4000)), "Invalid beta parameter at index 1 value"),
        (lambda p: AdamW(p, eps=-(10**400)), "Invalid epsilon value"),
    ],
)
def test_a_hyperparameter_too_large_for_a_float_is_a_short_value_error_naming_it(make, message):
    with pytest.raises(ValueError, match=message) as error:  # was OverflowError
        make([Value(1.0)])
    assert "too large for a float" in str(error.value) and len(str(error.value)) < 200


def test_torch_rejects_the_same_hyperparameters():
    """Our error cases are PyTorch's: the same arguments make torch.optim raise ValueError too."""
    p = [torch.zeros(1, requires_grad=True)]
    for make in [
        lambda: torch.optim.SGD(p, lr=-0.1),
        lambda: torch.optim.SGD(p, lr=0.1, nesterov=True),
        lambda: torch.optim.Adam(p, betas=(1.0, 0.999)),
        lambda: torch.optim.Adam(p, eps=-1e-8),
        lambda: torch.optim.AdamW(p, weight_decay=-0.01),
    ]:
        with pytest.raises(ValueError):
            make()


def test_setting_a_negative_lr_raises_and_keeps_the_old_one():
    optimizer = SGD([Value(1.0)], lr=0.1)
    with pytest.raises(ValueError, match="Invalid learning rate"):
        optimizer.lr = -1
    assert optimizer.lr == 0.1


def test_non_value_parameters_and_non_number_hyperparameters_raise_type_error():
    with pytest.raises(TypeError, match="must be Values, got float"):
        SGD([1.0], lr=0.1)
    with pytest.raises(TypeError, match="learning rate must be a number, got str"):
        Adam([Value(1.0)], lr="0.1")


def test_the_docs_training_example_prints_what_the_page_says(tmp_path):
    code, output = docs_example("guide/training.md")
    assert run_example(code, tmp_path) == output
