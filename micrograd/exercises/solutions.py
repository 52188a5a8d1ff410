"""The solved exercises: what `micrograd exercises solution N` prints, and the file `start` hollows out.

A small engine of its own, written the way micrograd's autograd.py is: each operation returns its result together with
its *local derivatives*, one per input, and backward() multiplies them along the graph. Everything not marked
"exercise N" is given to the learner as it is here.
"""

import math
import random


def slope(f, x, h=1e-6):
    """exercise 1: the derivative of f at x, by nudging x by h on each side (a central difference)."""
    return (f(x + h) - f(x - h)) / (2 * h)


class Value:
    """A number that remembers how it was computed: its inputs (_prev) and d(self)/d(input) for each (_local_grads)."""

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

    def __truediv__(self, other):  # self / other
        return self * other**-1


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


def training_step(model, xs, ys, lr):
    """exercise 10: one step of gradient descent on the loss sum((model(x) - y)**2); returns the loss's data."""
    loss = sum((model(x) - y) ** 2 for x, y in zip(xs, ys))
    for p in model.parameters():
        p.grad = 0.0
    loss.backward()
    for p in model.parameters():
        p.data -= lr * p.grad
    return loss.data
