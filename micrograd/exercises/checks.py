"""The checks: each runs the learner's code on chosen and random inputs and compares it with micrograd's engine (and,
for the local derivatives, with a nudge of the learner's own forward pass). A check ends at the first mistake, by
raising `Failed` with a message key and the numbers to put in it; MESSAGES holds each message in English and
Portuguese.
"""

import linecache
import math
import random
import sysconfig
import traceback
from pathlib import Path

from micrograd.autograd import Value as Reference
from micrograd.messages import cut_repr
from micrograd.viz import trace

NUDGE = 1e-6
_OURS = Path(__file__).resolve().parent.parent  # the micrograd package: frames in it are ours, not the learner's

MESSAGES = {
    "missing": {
        "en": "there is no {name} in your code yet: define it (micrograd exercises start writes a file with every "
        "stub).",
        "pt": "ainda não há {name} no seu código: defina-o (micrograd exercises start cria um arquivo com todos os "
        "esboços).",
    },
    "not_written": {
        "en": "you have not written {name} yet: replace its raise NotImplementedError with your code.",
        "pt": "você ainda não escreveu {name}: troque o raise NotImplementedError pelo seu código.",
    },
    "raised": {"en": "your {name} raised {error}.", "pt": "seu {name} lançou {error}."},
    "number_operand": {
        "en": "your {name} fails when other is a plain number (a {symbol} 2.0): {error}. Make it a Value first: "
        "other = other if isinstance(other, Value) else Value(other).",
        "pt": "seu {name} falha quando other é um número comum (a {symbol} 2.0): {error}. Transforme-o em Value "
        "antes: other = other if isinstance(other, Value) else Value(other).",
    },
    "not_a_number": {
        "en": "your {name} returned {got}, expected a number.",
        "pt": "seu {name} devolveu {got}, esperado um número.",
    },
    "not_a_value": {
        "en": "your {name} returned {got}, expected a new Value.",
        "pt": "seu {name} devolveu {got}, esperado um novo Value.",
    },
    "slope": {
        "en": "your slope of f(x) = {function} at x = {x} is {got}, expected {expected}: the change in f divided by "
        "the change in x, (f(x + h) - f(x - h)) / (2 * h).",
        "pt": "sua inclinação de f(x) = {function} em x = {x} é {got}, esperado {expected}: a variação de f dividida "
        "pela variação de x, (f(x + h) - f(x - h)) / (2 * h).",
    },
    "data": {
        "en": "your {name} computes {expression} = {got}, expected {expected}.",
        "pt": "seu {name} calcula {expression} = {got}, esperado {expected}.",
    },
    "children": {
        "en": "your {name} records the inputs {got} for {expression}, expected {expected}: the Values it was computed "
        "from, in the order of local_grads.",
        "pt": "seu {name} registra as entradas {got} para {expression}, esperado {expected}: os Values de que ele foi "
        "calculado, na ordem de local_grads.",
    },
    "local_grads_count": {
        "en": "your {name} stores {got} local derivatives for {expression}, expected {expected}: one per input.",
        "pt": "seu {name} guarda {got} derivadas locais para {expression}, esperado {expected}: uma por entrada.",
    },
    "local_grad": {
        "en": "your {name} sends {got} to {input} in {expression}, expected {expected} ({rule}; nudging {input} by "
        "{nudge} says {numeric}).",
        "pt": "seu {name} manda {got} para {input} em {expression}, esperado {expected} ({rule}; empurrar {input} em "
        "{nudge} dá {numeric}).",
    },
    "order_not_a_list": {
        "en": "your topological_order returned {got}, expected a list of Values.",
        "pt": "seu topological_order devolveu {got}, esperado uma lista de Values.",
    },
    "order_stranger": {
        "en": "your topological_order of {graph} lists {got}, which is not in the graph.",
        "pt": "seu topological_order de {graph} lista {got}, que não está no grafo.",
    },
    "order_twice": {
        "en": "your topological_order of {graph} lists {node} {count} times, expected once: remember the nodes you "
        "have visited (a set) and skip them.",
        "pt": "seu topological_order de {graph} lista {node} {count} vezes, esperado uma: guarde os nós já visitados "
        "(um set) e pule-os.",
    },
    "order_missing": {
        "en": "your topological_order of {graph} leaves out {node}: every Value the root was computed from must be "
        "in it, and the root too.",
        "pt": "seu topological_order de {graph} deixa de fora {node}: todo Value de que a raiz foi calculada precisa "
        "estar nela, e a raiz também.",
    },
    "order_before_child": {
        "en": "your topological_order of {graph} puts {node} before its input {child}: add a node to the order only "
        "after all of its inputs.",
        "pt": "seu topological_order de {graph} põe {node} antes da sua entrada {child}: acrescente um nó à ordem só "
        "depois de todas as suas entradas.",
    },
    "backward_seed": {
        "en": "after {root}.backward() in {graph}, {root}.grad is {got}, expected 1.0: d{root}/d{root} = 1, and "
        "everything else starts from it.",
        "pt": "depois de {root}.backward() em {graph}, {root}.grad é {got}, esperado 1.0: d{root}/d{root} = 1, e todo "
        "o resto parte daí.",
    },
    "backward_reused": {
        "en": "after {root}.backward() in {graph}, {node}.grad is {got}, expected {expected}: {node} is used twice, so "
        "both contributions must add up (child.grad += ..., not =).",
        "pt": "depois de {root}.backward() em {graph}, {node}.grad é {got}, esperado {expected}: {node} é usado duas "
        "vezes, então as duas contribuições se somam (child.grad += ..., não =).",
    },
    "backward_accumulates": {
        "en": "after y = a * 2.0; y.backward() and then z = a * 3.0; z.backward(), a.grad is {got}, expected 5.0: "
        "gradients accumulate in the leaves, as in PyTorch (zero_grad() resets them).",
        "pt": "depois de y = a * 2.0; y.backward() e então z = a * 3.0; z.backward(), a.grad é {got}, esperado 5.0: "
        "os gradientes se acumulam nas folhas, como no PyTorch (zero_grad() os zera).",
    },
    "backward_grad": {
        "en": "after {root}.backward() in {graph}, {node}.grad is {got}, expected {expected}: from the output back "
        "to the inputs (reversed topological order), each node adds local derivative × its own grad to each input.",
        "pt": "depois de {root}.backward() em {graph}, {node}.grad é {got}, esperado {expected}: da saída de volta às "
        "entradas (ordem topológica invertida), cada nó soma derivada local × seu próprio grad a cada entrada.",
    },
    "neuron_output": {
        "en": "your Neuron gives {got} for x = {x} with w = {w} and b = {b}, expected {expected} = "
        "tanh(w · x + b){hint}.",
        "pt": "seu Neuron dá {got} para x = {x} com w = {w} e b = {b}, esperado {expected} = tanh(w · x + b){hint}.",
    },
    "neuron_parameters": {
        "en": "your Neuron(3).parameters() returns {got}, expected its 4 Values: the 3 weights w, then the bias b.",
        "pt": "seu Neuron(3).parameters() devolve {got}, esperado seus 4 Values: os 3 pesos w, depois o viés b.",
    },
    "neuron_grad": {
        "en": "after backward() of your Neuron's output, {name}.grad is {got}, expected {expected} (d out/d {name}).",
        "pt": "depois do backward() da saída do seu Neuron, {name}.grad é {got}, esperado {expected} (d out/d {name}).",
    },
    "step_loss": {
        "en": "your training_step returned the loss {got}, expected {expected}: the sum of (model(x) - y)**2 over the "
        "examples, before the update (return loss.data).",
        "pt": "seu training_step devolveu a perda {got}, esperado {expected}: a soma de (model(x) - y)**2 nos "
        "exemplos, antes da atualização (return loss.data).",
    },
    "step_unchanged": {
        "en": "your training_step left {name} at {got}, expected {expected}: move every parameter p against its "
        "gradient, p.data -= lr * p.grad.",
        "pt": "seu training_step deixou {name} em {got}, esperado {expected}: mova cada parâmetro p contra o seu "
        "gradiente, p.data -= lr * p.grad.",
    },
    "step_uphill": {
        "en": "your training_step moved {name} to {got}, expected {expected}: it went up the gradient; descend, "
        "p.data -= lr * p.grad, so that the loss goes down.",
        "pt": "seu training_step levou {name} a {got}, esperado {expected}: subiu o gradiente; desça, "
        "p.data -= lr * p.grad, para que a perda diminua.",
    },
    "step_parameter": {
        "en": "after one training_step, {name} is {got}, expected {expected}: zero the grads, backward() the loss, "
        "then p.data -= lr * p.grad for each parameter.",
        "pt": "depois de um training_step, {name} é {got}, esperado {expected}: zere os grads, backward() da perda, "
        "depois p.data -= lr * p.grad para cada parâmetro.",
    },
    "step_zero_grad": {
        "en": "after a second training_step, {name} is {got}, expected {expected}: set every p.grad = 0.0 before "
        "backward(), or the first step's gradients add up with the second's.",
        "pt": "depois de um segundo training_step, {name} é {got}, esperado {expected}: faça p.grad = 0.0 para todo "
        "parâmetro antes do backward(), senão os gradientes do primeiro passo se somam aos do segundo.",
    },
}

# Phrases that go into the messages above: the derivative rules, and hints about a likely mistake.
PHRASES = {
    "add": {
        "en": "d(a + b)/da = d(a + b)/db = 1: a sum passes the gradient on unchanged",
        "pt": "d(a + b)/da = d(a + b)/db = 1: uma soma passa o gradiente adiante sem mudar",
    },
    "mul": {"en": "d(a * b)/da = b: the other factor", "pt": "d(a * b)/da = b: o outro fator"},
    "tanh": {
        "en": "d tanh(x)/dx = 1 - tanh(x)**2: one minus the output squared",
        "pt": "d tanh(x)/dx = 1 - tanh(x)**2: um menos a saída ao quadrado",
    },
    "exp": {
        "en": "d exp(x)/dx = exp(x): the output, not the input",
        "pt": "d exp(x)/dx = exp(x): a saída, não a entrada",
    },
    "__pow__": {"en": "d x**n/dx = n * x**(n - 1)", "pt": "d x**n/dx = n * x**(n - 1)"},
    "without_bias": {"en": " (yours leaves out b)", "pt": " (o seu deixa b de fora)"},
    "without_tanh": {"en": " (yours leaves out the tanh)", "pt": " (o seu deixa a tanh de fora)"},
    "": {"en": "", "pt": ""},
}


class Failed(Exception):
    """The learner's code does not do what the exercise asks: MESSAGES[key], filled in with fields."""

    def __init__(self, key, **fields):
        super().__init__(key)
        self.key, self.fields = key, fields

    def message(self, lang):
        fields = {name: _text(value, lang) for name, value in self.fields.items()}
        return MESSAGES[self.key][lang].format(**fields)


class Phrase:
    """PHRASES[key], translated when the message it goes into is."""

    def __init__(self, key):
        self.key = key


def _text(value, lang):
    if isinstance(value, Phrase):
        return PHRASES[value.key][lang]
    if isinstance(value, Described):
        return value.text(lang)
    if isinstance(value, float):
        return show(value)
    if isinstance(value, list):
        return "[" + ", ".join(show(x) for x in value) + "]"
    return str(value)


def show(x):
    """A number as a message shows it: 6 decimals at most, and -3.0 rather than -3."""
    if isinstance(x, float) and math.isfinite(x):
        return repr(round(x, 6) + 0.0)  # + 0.0 turns -0.0 into 0.0
    return repr(x)


def close(got, expected, rel=1e-9):
    """Equal within `rel`, relative to expected (absolute below 1); nan is never close."""
    return abs(got - expected) <= rel * max(1.0, abs(expected))


# --- calling the learner's code


def learner(namespace, name):
    """namespace's `name` (a dict's key or a module's attribute) or namespace itself, a class or function so named;
    else Failed("missing")."""
    if isinstance(namespace, dict):
        found = namespace.get(name)
    elif callable(namespace):
        found = namespace if getattr(namespace, "__name__", None) == name else None
    else:
        found = getattr(namespace, name, None)
    if found is None:
        raise Failed("missing", name=name)
    return found


def call(name, function, *args):
    """function(*args), the learner's code: its NotImplementedError or other exception becomes a Failed."""
    try:
        return function(*args)
    except Failed:
        raise
    except NotImplementedError:
        raise Failed("not_written", name=name) from None
    except Exception as error:
        raise Failed("raised", name=name, error=Described(error)) from None


class Described:
    """An exception in one line, in either language: its type, its message and where in the learner's code it
    happened ("line 12: return self.data + other")."""

    LINE = {"en": "line", "pt": "linha"}

    def __init__(self, error):
        text = error.msg if isinstance(error, SyntaxError) else str(error)  # a SyntaxError's str() repeats the line
        self.headline = f"{type(error).__name__}: {text}" if text else type(error).__name__
        self.where = learner_line(error)

    def text(self, lang):
        if self.where is None:
            return self.headline
        lineno, code = self.where
        where = f"{self.LINE[lang]} {lineno}: {code}" if code else f"{self.LINE[lang]} {lineno}"
        return f"{self.headline} ({where})"


def describe(error, lang="en"):
    """An exception in one line (see Described)."""
    return Described(error).text(lang)


def learner_line(error):
    """(line number, code) of the last frame of the traceback that is not ours nor Python's own, or None."""
    if isinstance(error, SyntaxError) and error.lineno:  # the learner's file did not compile: no frame of theirs
        return error.lineno, (error.text or "").strip()
    python_paths = tuple({sysconfig.get_paths()[kind] for kind in ("stdlib", "platstdlib", "purelib", "platlib")})
    found = None
    for frame, lineno in traceback.walk_tb(error.__traceback__):
        filename = frame.f_code.co_filename
        if filename.startswith("<frozen"):  # importlib, running the learner's file
            continue
        if not filename.startswith("<"):  # a notebook's cells may be "<ipython-input-...>": those are the learner's
            path = Path(filename).resolve()
            if _OURS in path.parents or str(path).startswith(python_paths):
                continue
        found = frame, lineno
    if found is None:
        return None
    frame, lineno = found
    return lineno, linecache.getline(frame.f_code.co_filename, lineno, frame.f_globals).strip()


def learner_method(obj, name):
    """obj's method `name`, or Failed("missing") naming it."""
    found = getattr(obj, name, None)
    if found is None:
        raise Failed("missing", name=f"{type(obj).__name__}.{name}")
    return found


def data_of(name, value, value_class):
    """value.data if value is one of the learner's Values, else Failed."""
    if not isinstance(value, value_class):
        raise Failed("not_a_value", name=name, got=cut_repr(value))
    return number(name, value.data)


def number(name, x):
    """x as a float if the learner's code gave a number, else Failed naming `name`."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise Failed("not_a_number", name=name, got=cut_repr(x))
    return float(x)


# --- exercise 1: the derivative by nudging

SLOPE_CASES = [
    ("3*x**2 - 4*x + 5", lambda x: 3 * x**2 - 4 * x + 5, lambda x: 6 * x - 4, 3.0),
    ("x**2", lambda x: x**2, lambda x: 2 * x, -1.5),
    ("sin(x)", math.sin, math.cos, 1.0),
    ("exp(x)", math.exp, math.exp, None),  # None: a random x
]


def check_slope(namespace, rng):
    """Exercise 1: slope(f, x) against the exact derivative of a few functions (a one-sided nudge passes too)."""
    slope = learner(namespace, "slope")
    for description, f, derivative, x in SLOPE_CASES:
        x = rng.uniform(-2, 2) if x is None else x
        got = number("slope", call("slope", slope, f, x))
        if not close(got, derivative(x), rel=1e-4):  # a one-sided nudge is off by about h * f''(x)
            raise Failed("slope", function=description, x=x, got=got, expected=derivative(x))


# --- exercises 2 to 6: one operation, its result and its local derivatives


def _binary_points(rng):
    return [(2.0, -3.0), (-1.5, 0.5), *[(rng.uniform(-3, 3), rng.uniform(-3, 3)) for _ in range(3)]]


def _check_result(name, value_class, out, expression, inputs, reference):
    """out, made by the learner's op from the learner's `inputs`, against `reference`, our engine's result."""
    got = data_of(name, out, value_class)
    if not close(got, reference.data):
        raise Failed("data", name=name, expression=expression, got=got, expected=reference.data)
    children = tuple(getattr(out, "_prev", ()))
    if len(children) != len(inputs) or any(c is not i for c, i in zip(children, inputs)):
        labels = {id(v): n for v, n in zip(inputs, ("self", "other"))}
        shown = ", ".join(labels.get(id(c), cut_repr(c)) for c in children)
        raise Failed("children", name=name, expression=expression, got=f"({shown})", expected=_input_names(inputs))
    local_grads = tuple(getattr(out, "_local_grads", ()))
    if len(local_grads) != len(inputs):
        raise Failed("local_grads_count", name=name, expression=expression, got=len(local_grads), expected=len(inputs))
    return local_grads


def _input_names(inputs):
    return "(self, other)" if len(inputs) == 2 else "(self,)"


def _check_local_grads(name, local_grads, expected, numeric, expression, rule):
    for input_name, got, want, nudged in zip(("self", "other"), local_grads, expected, numeric):
        got = number(f"{name}'s local derivative", got)
        if not close(got, want, rel=1e-7):
            raise Failed(
                "local_grad",
                name=name,
                input=input_name,
                got=got,
                expected=want,
                expression=expression,
                rule=Phrase(rule),
                nudge=NUDGE,
                numeric=nudged,
            )


def _nudged(forward, x, *rest):
    """d forward / d x by a central difference: the learner's own forward pass, nudged."""
    return (forward(x + NUDGE, *rest) - forward(x - NUDGE, *rest)) / (2 * NUDGE)


def check_binary(namespace, rng, name, symbol, rule, apply):
    """A Value-Value operation (apply: a function of two operands) against ours; then with a plain-number operand."""
    value_class = learner(namespace, "Value")
    if getattr(value_class, name, None) is None:
        raise Failed("missing", name=f"Value.{name}")
    for a, b in _binary_points(rng):
        expression = f"{show(a)} {symbol} {show(b)}"
        x, y = value_class(a), value_class(b)
        out = call(name, apply, x, y)
        reference = apply(Reference(a), Reference(b))
        local_grads = _check_result(name, value_class, out, expression, (x, y), reference)

        def forward(p, q):
            return call(name, apply, value_class(p), value_class(q)).data

        numeric = (_nudged(forward, a, b), _nudged(lambda q, p: forward(p, q), b, a))
        _check_local_grads(name, local_grads, reference._local_grads, numeric, expression, rule)
    x = value_class(1.5)
    try:
        out = apply(x, 2.0)
    except NotImplementedError:
        raise Failed("not_written", name=name) from None
    except Exception as error:
        raise Failed("number_operand", name=name, symbol=symbol, error=Described(error)) from None
    if not close(data_of(name, out, value_class), apply(1.5, 2.0)):
        raise Failed("data", name=name, expression=f"1.5 {symbol} 2.0", got=out.data, expected=apply(1.5, 2.0))


def check_add(namespace, rng):
    """Exercise 2: __add__."""
    check_binary(namespace, rng, "__add__", "+", "add", lambda a, b: a + b)


def check_mul(namespace, rng):
    """Exercise 3: __mul__."""
    check_binary(namespace, rng, "__mul__", "*", "mul", lambda a, b: a * b)


def check_unary(namespace, rng, method, points, arguments=()):
    """The learner's Value.method(x, *arguments) at each point against ours (rule named by method)."""
    value_class = learner(namespace, "Value")
    function = getattr(value_class, method, None)
    if function is None:
        raise Failed("missing", name=f"Value.{method}")
    name = method  # as messages name it
    for point in points:
        expression = f"{show(point)}.{method}()" if not arguments else f"{show(point)} ** {show(arguments[0])}"
        x = value_class(point)
        out = call(name, function, x, *arguments)
        reference = getattr(Reference, method)(Reference(point), *arguments)
        local_grads = _check_result(name, value_class, out, expression, (x,), reference)

        def forward(p):
            return call(name, function, value_class(p), *arguments).data

        _check_local_grads(name, local_grads, reference._local_grads, (_nudged(forward, point),), expression, method)


def check_tanh(namespace, rng):
    """Exercise 4: tanh, at 0, both signs and a random point."""
    check_unary(namespace, rng, "tanh", [0.5, 0.0, -1.3, rng.uniform(-2, 2)])


def check_exp(namespace, rng):
    """Exercise 5: exp."""
    check_unary(namespace, rng, "exp", [0.5, -1.0, 2.0, rng.uniform(-2, 2)])


def check_pow(namespace, rng):
    """Exercise 6: __pow__ with whole, negative, fractional and random exponents."""
    for base, exponent in [(3.0, 2), (2.0, 3), (0.5, -1), (4.0, 0.5), (rng.uniform(0.5, 2), rng.uniform(-2, 3))]:
        check_unary(namespace, rng, "__pow__", [base], (exponent,))


# --- exercise 7: the topological order, on graphs of our engine's Values


def _named(value, name):
    value.label = name
    return value


def _graphs(rng):
    """(description, root, every Value in the graph by name) for a few graphs, reused nodes among them."""
    a, b, c, f = (_named(Reference(x), n) for x, n in ((2.0, "a"), (-3.0, "b"), (10.0, "c"), (-2.0, "f")))
    e = _named(a * b, "e")
    d = _named(e + c, "d")
    loss = _named(d * f, "L")
    yield "L = (a*b + c) * f", loss, [a, b, c, f, e, d, loss]
    a = _named(Reference(rng.uniform(-2, 2)), "a")
    b = _named(a + a, "b")
    c = _named(b * b, "c")
    d = _named(c + b, "d")
    yield "b = a + a; c = b * b; d = c + b", d, [a, b, c, d]
    nodes = [_named(Reference(rng.uniform(-1, 1)), f"x{i}") for i in range(3)]
    for i in range(12):  # a random graph in which nodes are reused
        x, y = rng.choice(nodes), rng.choice(nodes)
        nodes.append(_named(x * y if rng.random() < 0.5 else x + y, f"n{i}"))
    yield "a random graph of 15 Values", nodes[-1], nodes


def check_topological_order(namespace, rng):
    """Exercise 7: each Value once, after its inputs, none left out (leaves may be), on graphs with reused nodes."""
    topological_order = learner(namespace, "topological_order")
    for graph, root, _ in _graphs(rng):
        order = call("topological_order", topological_order, root)
        if not isinstance(order, (list, tuple)):
            raise Failed("order_not_a_list", got=cut_repr(order))
        in_graph = set(trace(root)[0])
        position = {}
        for i, node in enumerate(order):
            if node not in in_graph:
                raise Failed("order_stranger", graph=graph, got=cut_repr(node))
            if node in position:
                count = sum(other is node for other in order)
                raise Failed("order_twice", graph=graph, node=node.label, count=count)
            position[node] = i
        for node in in_graph:
            if node._prev and node not in position:  # leaves may be left out: nothing flows out of them
                raise Failed("order_missing", graph=graph, node=node.label)
        for node in order:
            for child in node._prev:
                if child in position and position[child] > position[node]:
                    raise Failed("order_before_child", graph=graph, node=node.label, child=child.label)


# --- exercise 8: backward(), on the learner's Values built with the learner's constructor


def _copy_graph(value_class, nodes):
    """The learner's Values with the same data, inputs and local derivatives as our `nodes` (children first)."""
    copies = {}
    for node in nodes:
        children = tuple(copies[child] for child in node._prev)
        copies[node] = value_class(node.data, children, tuple(node._local_grads), node._op)
    return copies


def check_backward(namespace, rng):
    """Exercise 8: every gradient, on the learner's copies of our graphs, against ours; and accumulation in leaves."""
    value_class = learner(namespace, "Value")
    for graph, root, nodes in _graphs(rng):
        copies = _copy_graph(value_class, nodes)
        call("backward", learner_method(copies[root], "backward"))
        root.backward()
        got = number("backward", copies[root].grad)
        if not close(got, 1.0):
            raise Failed("backward_seed", graph=graph, root=root.label, got=got)
        for node in reversed(nodes):  # the output first: its first wrong gradient tells the most
            got, expected = copies[node].grad, node.grad
            if not close(number("backward", got), expected):
                reused = sum(child is node for parent in nodes for child in parent._prev) > 1
                key = "backward_reused" if reused else "backward_grad"  # the nodes after it (its users) are right
                raise Failed(key, graph=graph, root=root.label, node=node.label, got=got, expected=expected)
    a = value_class(1.5)
    for factor in (2.0, 3.0):
        y = value_class(1.5 * factor, (a,), (factor,), "*")
        call("backward", learner_method(y, "backward"))
    if not close(number("backward", a.grad), 5.0):
        raise Failed("backward_accumulates", got=a.grad)


# --- exercise 9: a neuron


def check_neuron(namespace, rng):
    """Exercise 9: a Neuron's parameters, its output for given weights, and the gradients backward() gives."""
    value_class, neuron_class = learner(namespace, "Value"), learner(namespace, "Neuron")
    neuron = call("Neuron(3)", neuron_class, 3)
    parameters = call("Neuron.parameters", learner_method(neuron, "parameters"))
    if (
        not isinstance(parameters, (list, tuple))
        or len(parameters) != 4
        or any(p is not q for p, q in zip(parameters, [*getattr(neuron, "w", []), getattr(neuron, "b", None)]))
    ):
        raise Failed("neuron_parameters", got=cut_repr(parameters))
    for weights, bias, inputs in [
        ([0.5, -1.0, 0.25], 0.1, [1.0, 2.0, -3.0]),
        ([rng.uniform(-1, 1) for _ in range(3)], rng.uniform(-1, 1), [rng.uniform(-2, 2) for _ in range(3)]),
    ]:
        for p, x in zip(parameters, [*weights, bias]):
            p.data, p.grad = x, 0.0
        xs = [value_class(x) for x in inputs]
        out = call("Neuron.__call__", neuron, xs)
        got = data_of("Neuron.__call__", out, value_class)
        ours_w, ours_b, ours_x = [Reference(w) for w in weights], Reference(bias), [Reference(x) for x in inputs]
        pre_activation = ours_b
        for w, x in zip(ours_w, ours_x):
            pre_activation = pre_activation + w * x
        expected = pre_activation.tanh()
        if not close(got, expected.data):
            hint = ""
            if close(got, math.tanh(pre_activation.data - bias)):
                hint = "without_bias"
            elif close(got, pre_activation.data):
                hint = "without_tanh"
            raise Failed(
                "neuron_output",
                x=inputs,
                w=weights,
                b=bias,
                got=got,
                expected=expected.data,
                hint=Phrase(hint),
            )
        call("backward", learner_method(out, "backward"))
        expected.backward()
        names = [f"w[{i}]" for i in range(3)] + ["b"] + [f"x[{i}]" for i in range(3)]
        for name, mine, ours in zip(names, [*parameters, *xs], [*ours_w, ours_b, *ours_x]):
            if not close(number("backward", mine.grad), ours.grad):
                raise Failed("neuron_grad", name=name, got=mine.grad, expected=ours.grad)


# --- exercise 10: a training step


def check_training_step(namespace, rng):
    """Exercise 10: two steps on the lecture's four examples, against the same steps on our engine."""
    neuron_class, training_step = learner(namespace, "Neuron"), learner(namespace, "training_step")
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]  # the lecture's tiny dataset
    ys = [1.0, -1.0, -1.0, 1.0]
    lr = 0.05
    model = call("Neuron(3)", neuron_class, 3)
    parameters = call("Neuron.parameters", learner_method(model, "parameters"))
    start = [0.5, -0.3, 0.8, 0.1]
    for p, x in zip(parameters, start):
        p.data = x
    names = ["w[0]", "w[1]", "w[2]", "b"]
    ours = [Reference(x) for x in start]
    for step in (1, 2):
        loss = Reference(0.0)
        for x, y in zip(xs, ys):
            pre_activation = ours[3]
            for w, xi in zip(ours[:3], x):
                pre_activation = pre_activation + w * xi
            loss = loss + (pre_activation.tanh() - y) ** 2
        for p in ours:
            p.grad = 0.0
        loss.backward()
        before = [p.data for p in parameters]
        got = number("training_step", call("training_step", training_step, model, xs, ys, lr))
        if not close(got, loss.data):
            raise Failed("step_loss", got=got, expected=loss.data)
        for name, p, mine, old in zip(names, ours, parameters, before):
            expected = p.data - lr * p.grad
            got = number("training_step", mine.data)
            if close(got, expected):
                continue
            if step == 2:
                raise Failed("step_zero_grad", name=name, got=got, expected=expected)
            if close(got, old):
                raise Failed("step_unchanged", name=name, got=got, expected=expected)
            if close(got, p.data + lr * p.grad):
                raise Failed("step_uphill", name=name, got=got, expected=expected)
            raise Failed("step_parameter", name=name, got=got, expected=expected)
        for p in ours:
            p.data -= lr * p.grad


def run(check, namespace, seed):
    """Run one check; None if it passes, else the Failed that says why. An exception that escapes the learner's calls
    (their Value misbehaving inside our comparisons, say) is reported as theirs, in one line."""
    try:
        check(namespace, random.Random(seed))
    except Failed as failed:
        return failed
    except Exception as error:
        return Failed("raised", name="code", error=Described(error))
    return None
