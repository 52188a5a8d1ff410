"""Optimizers: SGD, Adam and AdamW with PyTorch's exact update rules, one parameter (a Value) at a time.

    >>> from micrograd import Value
    >>> from micrograd.optim import SGD
    >>> w = Value(1.0)
    >>> optimizer = SGD([w], lr=0.1)
    >>> loss = w * w
    >>> optimizer.zero_grad(); loss.backward(); optimizer.step()
    >>> w.data                     # 1.0 - 0.1 * 2.0
    0.8

Like PyTorch: `step()` uses the gradients that backward() left in the parameters, `zero_grad()` resets them, `lr` can
be changed between steps (a learning-rate schedule is one line: `optimizer.lr = 1.0 - 0.9 * k / 100`), and
`state_dict()` / `load_state_dict()` save and restore the hyper-parameters and the running averages.
"""

import math
import numbers

from micrograd.autograd import Value
from micrograd.messages import short_repr


def _as_float(x):
    """x as a float if it is a real number (not a bool) that a float can hold, else None (10**400 cannot)."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        return None
    try:
        return float(x)
    except OverflowError:
        return None


def _check_number(name, x, low=0.0, high=math.inf, high_inclusive=True):
    """x as a float if it is a real number in [low, high] (or [low, high)), else ValueError as PyTorch's 'Invalid ...
    value'."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(x).__name__}")
    number = _as_float(x)
    if number is None:
        raise ValueError(f"Invalid {name} value: {short_repr(x)} is too large for a float")
    inside = low <= number <= high if high_inclusive else low <= number < high
    if not inside:  # also catches nan
        interval = f"[{low}, {high}{']' if high_inclusive else ')'}"
        raise ValueError(f"Invalid {name} value: {number} (expected a number in {interval})")
    return number


def _check_bool(name, x):
    """x if it is True or False, else TypeError: a file's "false" or null must not count as a flag's value."""
    if not isinstance(x, bool):
        raise TypeError(f"{name} must be True or False, got {short_repr(x)}")
    return x


class Optimizer:
    """What SGD, Adam and AdamW share: the parameters, `lr`, `zero_grad()` and `state_dict()`."""

    # The hyper-parameters' names (besides lr), as the constructor and state_dict() spell them.
    hyperparameter_names = ()

    def __init__(self, params, lr):
        self.params = list(params)
        if not self.params:
            raise ValueError("optimizer got an empty parameter list")
        for p in self.params:
            if not isinstance(p, Value):
                raise TypeError(f"optimizer parameters must be Values, got {type(p).__name__}")
        self.lr = lr

    @property
    def lr(self):
        """The learning rate; set it between steps to follow a schedule."""
        return self._lr

    @lr.setter
    def lr(self, lr):
        self._lr = _check_number("learning rate", lr)

    def zero_grad(self):
        """Reset every parameter's gradient to 0 (gradients accumulate across backward() calls)."""
        for p in self.params:
            p.grad = 0.0

    def step(self):
        """Update every parameter from its gradient."""
        raise NotImplementedError

    def hyperparameters(self):
        """The hyper-parameters by name, as the constructor takes them: {"lr": 0.1, "momentum": 0.9, ...}."""
        return {"lr": self.lr, **{name: getattr(self, name) for name in self.hyperparameter_names}}

    def state_dict(self):
        """{"hyperparameters": {...}, "state": {...}}, JSON-able: enough to continue training exactly."""
        hyperparameters = {k: list(v) if isinstance(v, tuple) else v for k, v in self.hyperparameters().items()}
        return {"hyperparameters": hyperparameters, "state": self._state()}

    def load_state_dict(self, state_dict):
        """Restore what state_dict() gave, for the same number of parameters. Everything is checked first: on a
        problem this raises ValueError naming it, and the optimizer is left unchanged."""
        if not isinstance(state_dict, dict) or set(state_dict) != {"hyperparameters", "state"}:
            raise ValueError("optimizer state_dict must be a dict with keys 'hyperparameters' and 'state'")
        hyperparameters, state = state_dict["hyperparameters"], state_dict["state"]
        expected = {"lr", *self.hyperparameter_names}
        if not isinstance(hyperparameters, dict) or set(hyperparameters) != expected:
            raise ValueError(f"optimizer hyperparameters must be a dict with keys {sorted(expected)}")
        if not isinstance(state, dict) or set(state) != set(self._state()):
            raise ValueError(f"optimizer state must be a dict with keys {sorted(self._state())}")
        try:  # a fresh optimizer validates the hyper-parameters and the state; we take its attributes if all is well
            checked = type(self)(self.params, **hyperparameters)
            checked._load_state(state)
        except TypeError as error:
            raise ValueError(f"bad optimizer state_dict: {error}") from None
        vars(self).update(vars(checked))


def _number_list(state, key, length, allow_none=False, minimum=-math.inf):
    """state[key] as a list of `length` finite floats >= minimum (or None if allowed), else ValueError."""
    given = state[key]
    if given is None and allow_none:
        return None
    if not isinstance(given, list) or len(given) != length:
        raise ValueError(f"optimizer state {key!r} must be a list of {length} numbers, one per parameter")
    numbers_ = [_as_float(x) for x in given]
    for x, number in zip(given, numbers_):
        if number is None or not minimum <= number < math.inf:
            expected = "finite numbers" if minimum == -math.inf else f"finite numbers >= {minimum}"
            raise ValueError(f"optimizer state {key!r} must hold {expected}, got {short_repr(x)}")
    return numbers_


def _lerp(start, end, weight):
    """start + weight * (end - start), rounded as PyTorch's lerp rounds it (Adam's running average of the gradient)."""
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


class SGD(Optimizer):
    """Stochastic gradient descent, with PyTorch's momentum, dampening, Nesterov momentum and weight decay (L2).

    For each parameter p with gradient g::

        g += weight_decay * p;
        with momentum: buf = g at the first step, then buf = momentum * buf + (1 - dampening) * g;
                       g = g + momentum * buf (nesterov) or g = buf;
        then:          p -= lr * g.
    """

    hyperparameter_names = ("momentum", "dampening", "nesterov", "weight_decay")

    def __init__(self, params, lr, momentum=0, dampening=0, nesterov=False, weight_decay=0):
        super().__init__(params, lr)
        self.momentum = _check_number("momentum", momentum)
        self.dampening = _check_number("dampening", dampening, low=-math.inf)
        self.weight_decay = _check_number("weight_decay", weight_decay)
        self.nesterov = _check_bool("nesterov", nesterov)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        self.momentum_buffer = None  # one number per parameter, after the first step with momentum

    def step(self):
        lr, momentum, weight_decay = self.lr, self.momentum, self.weight_decay
        grads = [p.grad + weight_decay * p.data if weight_decay else p.grad for p in self.params]
        if momentum:
            if self.momentum_buffer is None:
                self.momentum_buffer = list(grads)
            else:
                keep = 1 - self.dampening
                self.momentum_buffer = [momentum * b + keep * g for b, g in zip(self.momentum_buffer, grads)]
            if self.nesterov:
                grads = [g + momentum * b for g, b in zip(grads, self.momentum_buffer)]
            else:
                grads = self.momentum_buffer
        for p, g in zip(self.params, grads):
            p.data -= lr * g

    def _state(self):
        return {"momentum_buffer": None if self.momentum_buffer is None else list(self.momentum_buffer)}

    def _load_state(self, state):
        self.momentum_buffer = _number_list(state, "momentum_buffer", len(self.params), allow_none=True)


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) as PyTorch computes it: running averages of the gradient and its square, with bias
    correction. weight_decay adds weight_decay * p to the gradient (L2); AdamW decouples it instead.

    At step t, for each parameter p with gradient g:
        m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g²
        p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
    """

    hyperparameter_names = ("betas", "eps", "weight_decay")
    _decoupled_weight_decay = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair of numbers, got {betas!r}")
        self.betas = tuple(
            _check_number(f"beta parameter at index {i}", beta, high=1.0, high_inclusive=False)
            for i, beta in enumerate(betas)
        )
        self.eps = _check_number("epsilon", eps)
        self.weight_decay = _check_number("weight_decay", weight_decay)
        self.step_count = 0
        self.exp_avg = [0.0] * len(self.params)  # m: the running average of the gradient
        self.exp_avg_sq = [0.0] * len(self.params)  # v: the running average of its square

    def step(self):
        lr, (beta1, beta2), eps, weight_decay = self.lr, self.betas, self.eps, self.weight_decay
        self.step_count += 1
        step_size = lr / (1 - beta1**self.step_count)
        bias_correction2_sqrt = (1 - beta2**self.step_count) ** 0.5
        for i, p in enumerate(self.params):
            g = p.grad
            if weight_decay:
                if self._decoupled_weight_decay:
                    p.data *= 1 - lr * weight_decay
                else:
                    g = g + weight_decay * p.data
            m = _lerp(self.exp_avg[i], g, 1 - beta1)
            v = beta2 * self.exp_avg_sq[i] + (1 - beta2) * g * g
            self.exp_avg[i], self.exp_avg_sq[i] = m, v
            p.data -= step_size * (m / (math.sqrt(v) / bias_correction2_sqrt + eps))

    def _state(self):
        return {"step": self.step_count, "exp_avg": list(self.exp_avg), "exp_avg_sq": list(self.exp_avg_sq)}

    def _load_state(self, state):
        n = len(self.params)
        self.exp_avg = _number_list(state, "exp_avg", n)
        self.exp_avg_sq = _number_list(state, "exp_avg_sq", n, minimum=0.0)  # averages of squares
        step = state["step"]
        if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step < 2**53:
            raise ValueError(f"optimizer state 'step' must be an int from 0 to 2**53, got {short_repr(step)}")
        self.step_count = step


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019), as PyTorch computes it: before the Adam update,
    `p *= 1 - lr * weight_decay` (instead of adding `weight_decay * p` to the gradient)."""

    _decoupled_weight_decay = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        super().__init__(params, lr, betas, eps, weight_decay)
