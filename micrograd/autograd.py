"""The engine: `Value`, a number that remembers how it was computed, and `backward()`, the chain rule.

Each operation below computes its result and, right beside it, its *local derivatives*: d(result)/d(input) for each
input. Nothing else is stored — no closures — so a graph is freed by reference counting as soon as it is dropped.
`backward()` then visits the graph from the output back to the inputs and, for every edge, adds
local derivative × gradient of the result into the input's gradient. That is the whole of reverse-mode autodiff.

Numbers behave as IEEE-754 float64 does in PyTorch: log(0) is -inf, exp(1000) is inf, (-8) ** (1/3) is nan (the
helpers in micrograd/floats.py). No op raises OverflowError or "math domain error" or returns a complex number.
"""

import math
import sys
import threading
import weakref

from micrograd import floats  # C's answers where Python's math raises: floats.log(0) is -inf
from micrograd.modes import GradMode, thread_modes


class Value:
    """A scalar and its gradient: `data` is the number, `grad` is d(output)/d(this) once `backward()` has run.

    >>> a = Value(2.0); b = Value(-3.0)
    >>> c = a * b + 1
    >>> c.backward()
    >>> c.data, a.grad, b.grad
    (-5.0, -3.0, 2.0)
    """

    # Slots, not a __dict__: a node is a few small objects, which keeps graphs compact and fast to build.
    __slots__ = ("data", "grad", "_prev", "_local_grads", "_op", "__weakref__")
    __array_ufunc__ = None  # numpy scalars on the left (np.float64(2) * v) defer to our reflected operators

    def __init__(self, data, label=""):
        number = floats.float_or_none(data)
        if number is None:
            raise TypeError(f"Value needs a real number (int, float, bool or numpy scalar), got {type(data).__name__}")
        self.data = number
        self.grad = 0.0
        if label != "":  # the setter checks it
            self.label = label
        self._prev = ()  # the Values this one was computed from (none: a leaf, made by the user)
        self._local_grads = ()  # d(self.data)/d(child.data) for each child, in the same order (fewer: see relu)
        self._op = ""  # the operation that made it, for pictures and for higher-order gradients

    # --- operations: the result and, beside it, the local derivative with respect to each input
    # A plain number operand is a constant: it is folded into the result instead of becoming a node of its own.
    # micrograd.compile needs the constant back: d(v * c)/dv is c; in `v + c` and `v / c`, c rides along as an extra
    # entry after the local derivative, which backward's zip() (it stops at the last child) ignores.
    # Local derivatives that are always 1 share one tuple (_ONE, _ONE_ONE) instead of a new one per node.

    def __add__(self, other):
        if isinstance(other, Value):
            return make_node(self.data + other.data, (self, other), _ONE_ONE, "+")
        other = floats.float_or_none(other)
        if other is None:
            return NotImplemented
        return make_node(self.data + other, (self,), (1.0, other), "+")

    def __mul__(self, other):
        if isinstance(other, Value):
            return make_node(self.data * other.data, (self, other), (other.data, self.data), "*")
        other = floats.float_or_none(other)
        if other is None:
            return NotImplemented
        return make_node(self.data * other, (self,), (other,), "*")

    def __truediv__(self, other):
        a = self.data
        if isinstance(other, Value):
            b = other.data
            # d(a/b)/da = 1/b;  d(a/b)/db = -a/b², computed as PyTorch does: -(a/b)/b (b*b overflows)
            out = floats.divide(a, b)
            return make_node(out, (self, other), (one_over(b), -floats.divide(out, b)), "/")
        b = floats.float_or_none(other)
        if b is None:
            return NotImplemented
        return make_node(floats.divide(a, b), (self,), (one_over(b), b), "/")

    def __pow__(self, exponent):
        if isinstance(exponent, Value):
            a, b = self.data, exponent.data
            out = floats.c_pow(a, b)
            # d(a**b)/da = b * a**(b-1);  d(a**b)/db = a**b * log(a). As in PyTorch, where b == 0 the base's edge is cut
            # (no gradient, not even nan), and where a == 0 with b >= 0 the exponent's derivative is 0 (0 * nan is nan).
            d_base = CUT if b == 0 else b * floats.c_pow(a, b - 1)
            d_exponent = 0.0 if a == 0 and b >= 0 else out * floats.log(a)
            return make_node(out, (self, exponent), (d_base, d_exponent), "**")
        n = floats.float_or_none(exponent)
        if n is None:
            return NotImplemented
        d_base = () if n == 0 else (n * floats.power(self.data, n - 1),)  # x ** 0 is a constant: a cut, like relu's
        out = floats.power(self.data, n)
        return make_node(out, (self,), d_base, sys.intern(f"**{n!r}"))  # the exponent is kept in the op's name

    def relu(self):
        x = self.data
        if x <= 0:  # no gradient flows back, not even a nan: as in PyTorch, this is a cut, not a multiplication by 0
            return make_node(0.0 if x < 0 else x, (self,), (), "relu")  # keeps -0.0, as PyTorch does
        return make_node(x, (self,), _ONE, "relu")  # relu(nan) is nan, with derivative 1, as in PyTorch

    def tanh(self):
        t = math.tanh(self.data)
        return make_node(t, (self,), (1 - t * t,), "tanh")

    def sigmoid(self):
        s = 1 / (1 + floats.exp(-self.data))  # exp(1000) is inf, and 1/inf is 0: no overflow, as in PyTorch
        return make_node(s, (self,), (s * (1 - s),), "sigmoid")

    def exp(self):
        e = floats.exp(self.data)
        return make_node(e, (self,), (e,), "exp")

    def log(self):
        x = self.data
        return make_node(floats.log(x), (self,), (one_over(x),), "log")

    def reciprocal(self):
        """1 / self, as `torch.reciprocal`: d(1/x)/dx = -1/x², computed as -(1/x)², which is finite where x*x is not."""
        r = floats.divide(1.0, self.data)
        return make_node(r, (self,), (-(r * r),), "reciprocal")

    # --- composite operations, built from the ones above

    def __neg__(self):  # -self
        return self * -1

    def __sub__(self, other):  # self - other
        return self + (-other)

    def __radd__(self, other):  # other + self
        return self + other

    def __rmul__(self, other):  # other * self
        return self * other

    def __rsub__(self, other):  # other - self
        return other + (-self)

    def __rtruediv__(self, other):  # other / self, computed as PyTorch does: reciprocal(self) * other
        return self.reciprocal() * other

    def __rpow__(self, other):  # other ** self: the number becomes a leaf, as d/dself needs log(other)
        return as_value(other) ** self

    def detach(self):
        """The same number as a new leaf Value, cut from the graph (as `torch.Tensor.detach`)."""
        return Value(self.data)

    # --- the chain rule

    def backward(self):
        """Fill in `grad` of every Value this one depends on: d(self)/d(that Value).

        Gradients *accumulate* in the Values you made (the leaves), as in PyTorch and the original micrograd: call
        `zero_grad()` on a model (or set `v.grad = 0.0`) between steps. Intermediate Values get this call's gradient.
        """
        with backward_lock:  # one backward() at a time: two at once on a shared graph would mix their gradients
            if thread_modes.anomaly is not None:  # inside detect_anomaly(): a backward that checks every step
                return thread_modes.anomaly.backward(self)
            order = topological_order(self)
            for node in order:  # intermediate gradients are recomputed, not accumulated
                node.grad = 0.0
            self.grad += 1.0  # d(self)/d(self)
            for node in reversed(order):  # every node after all the nodes that use it
                grad = node.grad
                for child, local_grad in zip(node._prev, node._local_grads):
                    child.grad += local_grad * grad

    @property
    def label(self):
        """A name for pictures ("" if none). Few Values have one, so labels live in a side table, not in every node."""
        return _labels.get(self, "")

    @label.setter
    def label(self, label):
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}")
        _labels[self] = label

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"


_labels = weakref.WeakKeyDictionary()  # Value -> its label; an entry goes away with its Value


def topological_order(root):
    """The computed (non-leaf) Values that root depends on, each after all of its children.

    A depth-first search with an explicit stack instead of recursion, so that a graph of any depth works: each stack
    entry is a node and an iterator over its children, which resumes where it left off when we come back to the node.
    """
    order, visited = [], {root}
    stack = [(root, iter(root._prev))] if root._prev else []
    while stack:
        node, children = stack[-1]
        for child in children:
            if child._prev and child not in visited:  # leaves need no place in the order: nothing flows out of them
                visited.add(child)
                stack.append((child, iter(child._prev)))
                break
        else:  # all of node's children are in order
            stack.pop()
            order.append(node)
    return order


_ONE, _ONE_ONE = (1.0,), (1.0, 1.0)
_SMALLEST_NORMAL = sys.float_info.min  # 2.2e-308: below it a float loses digits


# Two local derivatives that multiply a gradient as PyTorch's backward does, where a plain float would differ.


def one_over(x):
    """The local derivative 1/x (of a/x and of log x). PyTorch applies it as grad / x; (1/x) * grad is the same within
    a rounding while 1/x is a normal float, but inf or short of digits beyond (1/1e-310 is inf, 1e-10/1e-310 is not)."""
    if x:  # not 0 (nan is true, and nan <= ... is false)
        reciprocal = 1.0 / x
        if _SMALLEST_NORMAL <= abs(reciprocal) < math.inf:
            return reciprocal
    return OneOver(x)


class OneOver(float):
    """1/x that multiplies a gradient as PyTorch does, as grad / x: for an x where 1/x is not a normal float."""

    __slots__ = ("x",)

    def __new__(cls, x):
        reciprocal = super().__new__(cls, floats.divide(1.0, x))
        reciprocal.x = x
        return reciprocal

    def __mul__(self, grad):
        return floats.divide(grad, self.x)

    __rmul__ = __mul__


class Cut(float):
    """A local derivative of 0 that stays 0 whatever gradient it multiplies, inf and nan included: PyTorch's
    `where(condition, 0, ...)`. Plain 0.0 * nan is nan; a cut edge passes nothing back."""

    def __mul__(self, grad):
        return 0.0

    __rmul__ = __mul__


CUT = Cut(0.0)

backward_lock = threading.Lock()  # one backward() (or compiled program) at a time: both add into leaves' .grad
_new_value = object.__new__


def make_node(data, children, local_grads, op):
    """A Value computed by `op` from `children`, with d(data)/d(child) for each child in `local_grads`."""
    node = _new_value(Value)  # bypasses __init__: data is already a float
    node.data = data
    node.grad = 0.0
    if GradMode.enabled or thread_modes.recording:
        node._prev, node._local_grads, node._op = children, local_grads, op
    elif thread_modes.anomaly is not None:  # detect_anomaly(): the checker records (or not) and checks the node
        thread_modes.anomaly.node(node, children, local_grads, op)
    else:  # no_grad(): a constant, as if the user had written the number
        node._prev, node._local_grads, node._op = (), (), ""
    return node


def as_value(x):
    """x itself if it is a Value, else a number made a leaf Value."""
    return x if isinstance(x, Value) else Value(x)


def number_of(x):
    """The number in a Value, or x itself (a float)."""
    return x.data if isinstance(x, Value) else x


# Fused n-ary operations. NB: one node for a whole sum instead of one per `+` is what tensors do at scale: fewer,
# bigger operations, so less time spent walking the graph.


def sum(values):  # noqa: A001 -- micrograd.sum, like torch.sum
    """Sum of Values (and numbers) as one node: d(sum)/d(value) = 1 for each."""
    total, children, numbers = 0.0, [], []
    for v in values:
        if isinstance(v, Value):
            total += v.data
            children.append(v)
        else:
            number = floats.float_or_none(v)
            if number is None:
                raise TypeError(f"sum() needs Values or numbers, got {type(v).__name__}")
            total += number
            numbers.append((len(children), number))  # added after that many Values: compile() replays the order
    # After the local derivatives, one extra entry (ignored by backward) marks a fused sum and records its numbers.
    return make_node(total, tuple(children), (1.0,) * len(children) + (tuple(numbers),), "+")


def linear(inputs, weights, bias):
    """sum(w * x) + bias as one node, a neuron's pre-activation: d/dw_i = x_i, d/dx_i = w_i, d/dbias = 1."""
    if len(inputs) != len(weights):
        raise ValueError(f"linear() got {len(inputs)} inputs but {len(weights)} weights")
    try:
        weight_data = [w.data for w in weights]
        total = bias.data
    except AttributeError:
        raise TypeError("linear() needs weights and a bias that are Values") from None
    try:
        input_data = [x.data for x in inputs]
    except AttributeError:  # plain numbers among the inputs: make them leaf Values
        inputs = [as_value(x) for x in inputs]
        input_data = [x.data for x in inputs]
    for w, x in zip(weight_data, input_data):  # left to right, as sum(w * x for ...) adds
        total += w * x
    return make_node(total, (*inputs, *weights, bias), (*weight_data, *input_data, 1.0), "linear")
