"""The solved exercises: what `micrograd exercises solution N` prints, and the file `start` hollows out.

A small engine of its own, written the way micrograd's autograd.py is: each operation returns its result together with
its *local derivatives*, one per input, and backward() multiplies them along the graph. Everything not marked
"exercise N" is given to the learner as it is here; exercises 17 to 19 are given with one wrong line (exercises.BUGS).
"""

import math
import random


def slope(f, x, h=1e-6):
    """exercise 1: the derivative of f at x, by nudging x by h on each side (a central difference)."""
    return (f(x + h) - f(x - h)) / (2 * h)


class Value:
    """A number that remembers how it was computed: its inputs (_prev) and d(self)/d(input) for each (_local_grads).
    The lecture's Value keeps a `_backward` closure instead, which does `self.grad += local derivative * out.grad`;
    here each operation stores just the local derivatives, and backward() does that multiplication for every node."""

    def __init__(self, data, children=(), local_grads=(), op=""):
        self.data = data
        self.grad = 0.0
        self._prev = children
        self._local_grads = local_grads
        self._op = op

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"

    def __add__(self, other):
        """exercise 2: self + other, and d(self + other)/d(self), d(self + other)/d(other)."""
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other):
        """exercise 3: self * other, and d(self * other)/d(self), d(self * other)/d(other)."""
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data), "*")

    def tanh(self):
        """exercise 4: tanh(self), and d tanh(self)/d(self)."""
        t = math.tanh(self.data)
        return Value(t, (self,), (1 - t * t,), "tanh")

    def exp(self):
        """exercise 5: e ** self, and d exp(self)/d(self)."""
        e = math.exp(self.data)
        return Value(e, (self,), (e,), "exp")

    def __pow__(self, n):
        """exercise 6: self ** n for a number n, and d(self ** n)/d(self)."""
        return Value(self.data**n, (self,), (n * self.data ** (n - 1),), f"**{n}")

    def relu(self):
        """exercise 11: max(0, self), and d relu(self)/d(self): 1 where self > 0, else 0."""
        return Value(max(0.0, self.data), (self,), (1.0 if self.data > 0 else 0.0,), "relu")

    def __truediv__(self, other):
        """exercise 12: self / other, and d(self / other)/d(self), d(self / other)/d(other); ZeroDivisionError for 0."""
        other = other if isinstance(other, Value) else Value(other)
        a, b = self.data, other.data
        return Value(a / b, (self, other), (1 / b, -a / b**2), "/")

    def log(self):
        """exercise 12: the natural logarithm of self, and d log(self)/d(self); ValueError for self <= 0."""
        return Value(math.log(self.data), (self,), (1 / self.data,), "log")

    def backward(self):
        """exercise 8: fill in d(self)/d(v) in v.grad for every Value v that self was computed from."""
        self.grad = 1.0
        for node in reversed(topological_order(self)):
            for child, local_grad in zip(node._prev, node._local_grads):
                child.grad += local_grad * node.grad

    def __neg__(self):  # -self
        return self * -1

    def __sub__(self, other):  # self - other
        return self + (-other)

    def __radd__(self, other):  # other + self
        return self + other

    def __rmul__(self, other):  # other * self
        return self * other

    def __rtruediv__(self, other):  # other / self
        return Value(other) / self


def topological_order(root):
    """exercise 7: every Value that root was computed from, and root, each one after all of its children."""
    order, visited = [], set()

    def visit(node):
        if node not in visited:
            visited.add(node)
            for child in node._prev:
                visit(child)
            order.append(node)

    visit(root)
    return order


class Neuron:
    """tanh(w · x + b): nin weights and a bias."""

    def __init__(self, nin):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)

    def __call__(self, x):
        """exercise 9: the neuron's output for the inputs x (a list of numbers or Values)."""
        total = self.b
        for wi, xi in zip(self.w, x):
            total = total + wi * xi
        return total.tanh()

    def parameters(self):
        """exercise 9: the Values that training adjusts: the weights, then the bias."""
        return self.w + [self.b]


class Layer:
    """nout neurons, each one seeing the same nin inputs."""

    def __init__(self, nin, nout):
        self.neurons = [Neuron(nin) for _ in range(nout)]

    def __call__(self, x):
        """exercise 13: each neuron's output for the inputs x, in a list; the Value itself if there is one neuron."""
        outs = [neuron(x) for neuron in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self):
        """exercise 13: every neuron's parameters, neuron after neuron."""
        return [p for neuron in self.neurons for p in neuron.parameters()]


class MLP:
    """Layers one after another: MLP(3, [4, 4, 1]) takes 3 inputs through two layers of 4 neurons to 1 output."""

    def __init__(self, nin, nouts):
        sizes = [nin] + nouts
        self.layers = [Layer(sizes[i], sizes[i + 1]) for i in range(len(nouts))]

    def __call__(self, x):
        """exercise 13: the inputs x through each layer in turn, each layer's outputs the next one's inputs."""
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        """exercise 13: every layer's parameters, layer after layer."""
        return [p for layer in self.layers for p in layer.parameters()]


def training_step(model, xs, ys, lr):
    """exercise 10: one step of gradient descent on the loss sum((model(x) - y)**2); returns the loss's data."""
    loss = sum((model(x) - y) ** 2 for x, y in zip(xs, ys))
    for p in model.parameters():
        p.grad = 0.0
    loss.backward()
    for p in model.parameters():
        p.data -= lr * p.grad
    return loss.data


def fit_moons(xs, ys):
    """exercise 14: an MLP of yours trained on the points xs (labels ys: 1 or -1) until it classifies at least 90% of
    them right (the sign of its output); returns (model, the list of losses, one per step)."""
    random.seed(0)
    model = MLP(2, [8, 8, 1])
    losses = [training_step(model, xs, ys, lr=0.02) for _ in range(100)]
    return model, losses


def softmax(logits):
    """exercise 15: the probabilities exp(l) / sum of exp(l) for a list of Values, largest logit subtracted first."""
    largest = max(logit.data for logit in logits)  # exp(1000) overflows; softmax does not change when all shift
    exps = [(logit - largest).exp() for logit in logits]
    total = sum(exps)
    return [e / total for e in exps]


def nll(probabilities, target):
    """exercise 15: the negative log-likelihood of class `target`: -log(probabilities[target])."""
    return -probabilities[target].log()


def gradient_check(f, xs, h=1e-6, tolerance=1e-5):
    """exercise 16: True if backward() gives the gradients of f (Values in, a Value out) at the numbers xs that
    central differences of f's data give, each within tolerance * max(1, |numeric|); False if any is off."""
    values = [Value(x) for x in xs]
    f(*values).backward()
    for i, value in enumerate(values):
        up, down = list(xs), list(xs)
        up[i] += h
        down[i] -= h
        numeric = (f(*map(Value, up)).data - f(*map(Value, down)).data) / (2 * h)
        if abs(value.grad - numeric) > tolerance * max(1.0, abs(numeric)):
            return False
    return True


def grads_of_expression(a, b, c, f):
    """exercise 17 (find the bug): dL/da, dL/db, dL/dc, dL/df for L = (a*b + c) * f, by hand as in the lecture."""
    d = a * b + c
    dL_dd, dL_df = f, d  # d(d * f)/dd = f, d(d * f)/df = d
    dL_dc = dL_dd  # a sum passes the gradient on
    dL_da = dL_dd * b  # the chain rule: dL/dd * d(a*b)/da
    dL_db = dL_dd * a
    return dL_da, dL_db, dL_dc, dL_df


def grads_of_neuron(x1, w1, x2, w2, b):
    """exercise 18 (find the bug): o and do/dw1, do/dw2, do/db for o = tanh(x1*w1 + x2*w2 + b), by hand."""
    n = x1 * w1 + x2 * w2 + b
    o = math.tanh(n)
    do_dn = 1 - o**2
    return o, do_dn * x1, do_dn * x2, do_dn


def grads_of_reuse(a, b):
    """exercise 19 (find the bug): dL/da, dL/db for L = (a*b) * (a + b), by hand: a and b are each used twice."""
    d, e = a * b, a + b
    dL_dd, dL_de = e, d
    dL_da = dL_dd * b  # through d
    dL_db = dL_dd * a
    dL_da += dL_de  # through e
    dL_db += dL_de
    return dL_da, dL_db
