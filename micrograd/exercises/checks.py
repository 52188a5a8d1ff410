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
import types
from pathlib import Path

from micrograd.autograd import Value as Reference
from micrograd.datasets import make_moons, to_signed_labels
from micrograd.messages import cut_repr

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
    "slope_one_sided": {
        "en": "your slope of f(x) = x**3 at x = {x} with h = {h} is {got}, expected {expected}: nudge x to both sides, "
        "(f(x + h) - f(x - h)) / (2 * h); a one-sided (f(x + h) - f(x)) / h is off by about h * f''(x) / 2.",
        "pt": "sua inclinação de f(x) = x**3 em x = {x} com h = {h} é {got}, esperado {expected}: empurre x para os "
        "dois lados, (f(x + h) - f(x - h)) / (2 * h); de um lado só, (f(x + h) - f(x)) / h erra por cerca de "
        "h * f''(x) / 2.",
    },
    "closure": {
        "en": "your {name} sets out._backward, a closure, as the lecture does; this engine stores the local "
        "derivatives instead: pass them to Value(data, children, local_grads, op), {expected} for {expression}, one "
        "per input. backward() then does what each _backward did: child.grad += local_grad * out.grad.",
        "pt": "seu {name} define out._backward, uma closure, como na aula; este motor guarda as derivadas locais: "
        "passe-as para Value(data, children, local_grads, op), {expected} para {expression}, uma por entrada. O "
        "backward() faz então o que cada _backward fazia: child.grad += local_grad * out.grad.",
    },
    "domain_value": {
        "en": "your {expression} returned {got}, expected a {expected}: that is outside the operation's domain, and a "
        "number would hide the mistake in whatever uses it.",
        "pt": "seu {expression} devolveu {got}, esperado um {expected}: isso está fora do domínio da operação, e um "
        "número esconderia o erro em tudo o que o usa.",
    },
    "domain_error": {
        "en": "your {expression} raised {got}, expected a {expected} (what Python's own / and math.log raise).",
        "pt": "seu {expression} lançou {got}, esperado um {expected} (o que o / e o math.log do Python lançam).",
    },
    "parameter_count": {
        "en": "your {model}.parameters() has {got} Values, expected {expected}: every neuron's weights and bias, "
        "(inputs + 1) per neuron, layer after layer.",
        "pt": "seu {model}.parameters() tem {got} Values, esperado {expected}: os pesos e o viés de cada neurônio, "
        "(entradas + 1) por neurônio, camada após camada.",
    },
    "one_output": {
        "en": "your {model} returns {got} for one output, expected the Value itself (as in the lecture), so that a "
        "loss can use it directly.",
        "pt": "seu {model} devolve {got} para uma saída, esperado o próprio Value (como na aula), para que a perda "
        "possa usá-lo direto.",
    },
    "outputs": {
        "en": "your {model} returns {got}, expected a list of {expected} Values: one per neuron of the last layer.",
        "pt": "seu {model} devolve {got}, esperado uma lista de {expected} Values: um por neurônio da última camada.",
    },
    "model_output": {
        "en": "your {model} gives {got} for x = {x}, expected {expected}: each layer's outputs are the next layer's "
        "inputs, and each neuron is tanh(w · x + b) with its parameters in the order of parameters().",
        "pt": "seu {model} dá {got} para x = {x}, esperado {expected}: as saídas de cada camada são as entradas da "
        "próxima, e cada neurônio é tanh(w · x + b) com seus parâmetros na ordem de parameters().",
    },
    "fit_answer": {
        "en": "your fit_moons returned {got}, expected (model, losses).",
        "pt": "seu fit_moons devolveu {got}, esperado (model, losses).",
    },
    "fit_model": {
        "en": "your fit_moons returned the model {got}, expected one of your MLPs.",
        "pt": "seu fit_moons devolveu o modelo {got}, esperado um dos seus MLPs.",
    },
    "fit_losses": {
        "en": "your fit_moons returned the losses {got}, expected a list of numbers, one per step (at least 2).",
        "pt": "seu fit_moons devolveu as perdas {got}, esperado uma lista de números, um por passo (ao menos 2).",
    },
    "fit_not_learning": {
        "en": "your fit_moons's loss went from {first} to {last}: it did not go down. Zero the grads before "
        "backward(), step against the gradient, and try a smaller learning rate.",
        "pt": "a perda do seu fit_moons foi de {first} a {last}: não diminuiu. Zere os grads antes do backward(), "
        "ande contra o gradiente e tente uma taxa de aprendizado menor.",
    },
    "fit_accuracy": {
        "en": "your model classifies {got} of the training points right after {steps} steps, expected at least "
        "{expected}: train longer, or give the MLP more neurons (MLP(2, [8, 8, 1]) and 100 steps of lr 0.02 do).",
        "pt": "seu modelo classifica certo {got} dos pontos de treino depois de {steps} passos, esperado ao menos "
        "{expected}: treine mais, ou dê mais neurônios ao MLP (MLP(2, [8, 8, 1]) e 100 passos com lr 0.02 bastam).",
    },
    "fit_new_points": {
        "en": "your model classifies {got} of 100 new moons points right, expected at least {expected}: it fits the "
        "training points but not the moons; a smaller MLP or fewer steps generalize better.",
        "pt": "seu modelo classifica certo {got} de 100 pontos novos das luas, esperado ao menos {expected}: ele se "
        "ajusta aos pontos de treino, mas não às luas; um MLP menor ou menos passos generalizam melhor.",
    },
    "softmax_shape": {
        "en": "your softmax returned {got}, expected a list of {expected} Values: one probability per logit.",
        "pt": "seu softmax devolveu {got}, esperado uma lista de {expected} Values: uma probabilidade por logit.",
    },
    "softmax_overflow": {
        "en": "your softmax of {logits} raised {error}: exp(1000) is too large for a float. Subtract the largest "
        "logit from each one first: softmax does not change when every logit shifts by the same number.",
        "pt": "seu softmax de {logits} lançou {error}: exp(1000) é grande demais para um float. Subtraia antes o "
        "maior logit de cada um: o softmax não muda quando todos os logits andam o mesmo tanto.",
    },
    "softmax_values": {
        "en": "your softmax of {logits} gives {got}, expected {expected}: exp(l) / (sum of exp(l) over the logits)"
        "{hint}.",
        "pt": "seu softmax de {logits} dá {got}, esperado {expected}: exp(l) / (soma de exp(l) sobre os logits){hint}.",
    },
    "nll_value": {
        "en": "your nll for the logits {logits} and target {target} is {got}, expected {expected}: "
        "-log(probabilities[target]){hint}.",
        "pt": "seu nll para os logits {logits} e o alvo {target} é {got}, esperado {expected}: "
        "-log(probabilities[target]){hint}.",
    },
    "nll_grad": {
        "en": "after backward() of nll(softmax({logits}), {target}), logit {index}'s grad is {got}, expected "
        "{expected}: p - 1 for the target, p for the others. Build both from Value operations so that the gradient "
        "flows back.",
        "pt": "depois do backward() de nll(softmax({logits}), {target}), o grad do logit {index} é {got}, esperado "
        "{expected}: p - 1 para o alvo, p para os outros. Monte os dois com operações de Value para que o gradiente "
        "volte.",
    },
    "gradcheck_not_bool": {
        "en": "your gradient_check returned {got}, expected True or False.",
        "pt": "seu gradient_check devolveu {got}, esperado True ou False.",
    },
    "gradcheck_missed": {
        "en": "your gradient_check says True for f(x, y) = {f} at {x}, whose local derivative for {input} is off by "
        "0.1%: compare backward()'s gradient of every input with a central difference, relative to its size.",
        "pt": "seu gradient_check diz True para f(x, y) = {f} em {x}, cuja derivada local para {input} erra por "
        "0,1%: compare o gradiente de cada entrada dado pelo backward() com uma diferença central, relativa ao "
        "tamanho dele.",
    },
    "gradcheck_false_alarm": {
        "en": "your gradient_check says False for f(x, y) = {f} at {x}, whose gradients are right: use a central "
        "difference, new Values for each nudge, and a tolerance relative to the gradient's size.",
        "pt": "seu gradient_check diz False para f(x, y) = {f} em {x}, cujos gradientes estão certos: use uma "
        "diferença central, Values novos a cada empurrão e uma tolerância relativa ao tamanho do gradiente.",
    },
    "bug_shape": {
        "en": "your {name} returned {got}, expected {expected} numbers.",
        "pt": "seu {name} devolveu {got}, esperado {expected} números.",
    },
    "bug_still_there": {
        "en": "your {name}({arguments}) gives {output} = {got}, expected {expected} for {computed}: one line of the "
        "given code is still wrong. Derive {output} by the chain rule, or nudge an input and compare (exercise 16).",
        "pt": "seu {name}({arguments}) dá {output} = {got}, esperado {expected} para {computed}: uma linha do código "
        "dado ainda está errada. Derive {output} pela regra da cadeia, ou empurre uma entrada e compare "
        "(exercício 16).",
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
    "relu": {
        "en": "d relu(x)/dx = 1 where x > 0, else 0 (0 at x = 0 itself, as in PyTorch)",
        "pt": "d relu(x)/dx = 1 onde x > 0, senão 0 (0 no próprio x = 0, como no PyTorch)",
    },
    "truediv": {
        "en": "d(a / b)/da = 1 / b, d(a / b)/db = -a / b**2",
        "pt": "d(a / b)/da = 1 / b, d(a / b)/db = -a / b**2",
    },
    "log": {"en": "d log(x)/dx = 1 / x", "pt": "d log(x)/dx = 1 / x"},
    "softmax_unnormalized": {
        "en": " (yours are not divided by the sum: they do not add up to 1)",
        "pt": " (os seus não estão divididos pela soma: não somam 1)",
    },
    "nll_sign": {
        "en": " (yours has the wrong sign: a loss is never negative here, since log(p) <= 0)",
        "pt": " (o seu está com o sinal trocado: aqui a perda nunca é negativa, pois log(p) <= 0)",
    },
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


def sealed(source, **names):
    """A function made from `source` whose globals hold only `names`: the learner's code is handed functions through
    which it cannot reach the checker's module (a function's __globals__)."""
    return eval(source, {"__builtins__": {}, **names})


_MATH = types.SimpleNamespace(sin=math.sin, exp=math.exp)
SLOPE_CASES = [
    ("3*x**2 - 4*x + 5", "lambda x: 3 * x**2 - 4 * x + 5", lambda x: 6 * x - 4, 3.0),
    ("x**2", "lambda x: x**2", lambda x: 2 * x, -1.5),
    ("sin(x)", "lambda x: math.sin(x)", math.cos, 1.0),
    ("exp(x)", "lambda x: math.exp(x)", math.exp, None),  # None: a random x
]


def check_slope(namespace, rng):
    """Exercise 1: slope(f, x) against the exact derivative of a few functions, then with a large h against the
    central difference itself (a one-sided nudge is off by about h * f''(x) / 2)."""
    slope = learner(namespace, "slope")
    for description, source, derivative, x in SLOPE_CASES:
        x = rng.uniform(-2, 2) if x is None else x
        got = number("slope", call("slope", slope, sealed(source, math=_MATH), x))
        if not close(got, derivative(x), rel=1e-4):
            raise Failed("slope", function=description, x=x, got=got, expected=derivative(x))
    cube, x, h = sealed("lambda x: x**3"), 1.0, 0.1
    got = number("slope", call("slope", slope, cube, x, h))
    expected = (cube(x + h) - cube(x - h)) / (2 * h)
    if not close(got, expected):
        raise Failed("slope_one_sided", x=x, h=h, got=got, expected=expected)


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
        if callable(getattr(out, "_backward", None)):  # the lecture's style: a closure instead of stored derivatives
            expected = "(" + ", ".join(show(float(x)) for x in reference._local_grads) + ")"
            raise Failed("closure", name=name, expression=expression, expected=expected)
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


def _plain(local_grads):
    """Our engine's local derivatives as plain floats (relu's below 0 is a float that multiplies anything to 0)."""
    return tuple(float(x) for x in local_grads)


def _nudged(forward, x, *rest):
    """d forward / d x by a central difference: the learner's own forward pass, nudged."""
    return (forward(x + NUDGE, *rest) - forward(x - NUDGE, *rest)) / (2 * NUDGE)


def check_binary(namespace, rng, name, symbol, rule, apply, points=None):
    """A Value-Value operation (apply: a function of two operands) against ours; then with a plain-number operand."""
    value_class = learner(namespace, "Value")
    if getattr(value_class, name, None) is None:
        raise Failed("missing", name=f"Value.{name}")
    for a, b in points or _binary_points(rng):
        expression = f"{show(a)} {symbol} {show(b)}"
        x, y = value_class(a), value_class(b)
        out = call(name, apply, x, y)
        reference = apply(Reference(a), Reference(b))
        local_grads = _check_result(name, value_class, out, expression, (x, y), reference)

        def forward(p, q):
            return call(name, apply, value_class(p), value_class(q)).data

        numeric = (_nudged(forward, a, b), _nudged(lambda q, p: forward(p, q), b, a))
        _check_local_grads(name, local_grads, _plain(reference._local_grads), numeric, expression, rule)
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

        expected = _plain(reference._local_grads) or (0.0,)  # our relu at or below 0 keeps no edge: derivative 0
        _check_local_grads(name, local_grads, expected, (_nudged(forward, point),), expression, method)


def check_tanh(namespace, rng):
    """Exercise 4: tanh, at 0, both signs and a random point."""
    check_unary(namespace, rng, "tanh", [0.5, 0.0, -1.3, rng.uniform(-2, 2)])


def check_exp(namespace, rng):
    """Exercise 5: exp."""
    check_unary(namespace, rng, "exp", [0.5, -1.0, 2.0, rng.uniform(-2, 2)])


def check_pow(namespace, rng):
    """Exercise 6: __pow__ with whole, negative, fractional and random exponents, on positive and negative bases."""
    cases = [(3.0, 2), (2.0, 3), (0.5, -1), (4.0, 0.5), (-2.0, 3), (-1.5, 2), (-0.5, -1)]
    for base, exponent in [*cases, (rng.uniform(0.5, 2), rng.uniform(-2, 3))]:
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
    value_class = learner(namespace, "Value")
    for graph, root, nodes in _graphs(rng):
        copies = _copy_graph(value_class, nodes)  # the learner's own Values: ours are never handed to their code
        label = {id(copy): node.label for node, copy in copies.items()}
        order = call("topological_order", topological_order, copies[root])
        if not isinstance(order, (list, tuple)):
            raise Failed("order_not_a_list", got=cut_repr(order))
        position = {}
        for i, node in enumerate(order):
            if id(node) not in label:
                raise Failed("order_stranger", graph=graph, got=cut_repr(node))
            if id(node) in position:
                count = sum(other is node for other in order)
                raise Failed("order_twice", graph=graph, node=label[id(node)], count=count)
            position[id(node)] = i
        for node in _reachable(root):
            if node._prev and id(copies[node]) not in position:  # leaves may be left out: nothing flows out of them
                raise Failed("order_missing", graph=graph, node=node.label)
        ours = {id(copy): node for node, copy in copies.items()}
        for copy in order:
            node = ours[id(copy)]
            for child in node._prev:
                if position.get(id(copies[child]), -1) > position[id(copy)]:
                    raise Failed("order_before_child", graph=graph, node=node.label, child=child.label)


def _reachable(root):
    """Every Value that `root` was computed from, and root."""
    found, stack = {root}, [root]
    while stack:
        for child in stack.pop()._prev:
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


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


# --- exercises 11 and 12: relu, division and log, with their domain edges


def check_relu(namespace, rng):
    """Exercise 11: relu on both sides of 0 (at 0 itself the derivative is taken as 0, as in PyTorch)."""
    check_unary(namespace, rng, "relu", [1.5, -0.5, 0.0, rng.uniform(0.1, 2), -rng.uniform(0.1, 2)])


def check_division_and_log(namespace, rng):
    """Exercise 12: a / b and log(x) against ours; dividing by 0 and the log of 0 or of a negative number raise."""
    check_binary(namespace, rng, "__truediv__", "/", "truediv", lambda a, b: a / b, points=_division_points(rng))
    check_unary(namespace, rng, "log", [2.0, 0.5, 1.0, rng.uniform(0.1, 5)])
    value_class = learner(namespace, "Value")
    for expression, operation, error in [
        ("1.0 / 0.0", lambda: value_class(1.0) / value_class(0.0), ZeroDivisionError),
        ("Value(0.0).log()", lambda: value_class(0.0).log(), ValueError),
        ("Value(-1.0).log()", lambda: value_class(-1.0).log(), ValueError),
    ]:
        try:
            out = operation()
        except error:
            continue
        except NotImplementedError:
            raise Failed("not_written", name="log" if "log" in expression else "__truediv__") from None
        except Exception as other:
            raise Failed("domain_error", expression=expression, got=Described(other), expected=error.__name__) from None
        got = cut_repr(getattr(out, "data", out))
        raise Failed("domain_value", expression=expression, got=got, expected=error.__name__)


def _division_points(rng):
    return [(3.0, 2.0), (-1.5, 0.5), (1.0, -4.0), (rng.uniform(-3, 3), rng.uniform(0.5, 3))]


# --- exercise 13: Layer and MLP


def _set_parameters(parameters, rng):
    numbers = [rng.uniform(-1, 1) for _ in parameters]
    for p, x in zip(parameters, numbers):
        p.data, p.grad = x, 0.0
    return numbers


def _reference_mlp(numbers, sizes, inputs):
    """Our engine's output of an MLP of `sizes` with the parameters `numbers` (neuron by neuron: weights, then bias)."""
    numbers, x = iter(numbers), [Reference(v) for v in inputs]
    for nout in sizes[1:]:
        outs = []
        for _ in range(nout):
            total = Reference(0.0)
            for xi in x:
                total = total + Reference(next(numbers)) * xi
            outs.append((total + Reference(next(numbers))).tanh())
        x = outs
    return x


def check_layer_and_mlp(namespace, rng):
    """Exercise 13: a Layer's and an MLP's parameters (how many, and in order) and outputs, against ours."""
    layer_class, mlp_class = learner(namespace, "Layer"), learner(namespace, "MLP")
    for description, make, sizes in [
        ("Layer(3, 2)", lambda: layer_class(3, 2), [3, 2]),
        ("Layer(3, 1)", lambda: layer_class(3, 1), [3, 1]),
        ("MLP(3, [4, 4, 1])", lambda: mlp_class(3, [4, 4, 1]), [3, 4, 4, 1]),
        ("MLP(2, [3, 2])", lambda: mlp_class(2, [3, 2]), [2, 3, 2]),
    ]:
        model = call(description, make)
        name = description.split("(")[0]
        parameters = call(f"{name}.parameters", learner_method(model, "parameters"))
        count = sum((nin + 1) * nout for nin, nout in zip(sizes, sizes[1:]))
        if not isinstance(parameters, (list, tuple)) or len(parameters) != count:
            got = len(parameters) if isinstance(parameters, (list, tuple)) else cut_repr(parameters)
            raise Failed("parameter_count", model=description, got=got, expected=count)
        numbers = _set_parameters(parameters, rng)
        inputs = [rng.uniform(-2, 2) for _ in range(sizes[0])]
        expected = [v.data for v in _reference_mlp(numbers, sizes, inputs)]
        out = call(f"{name}.__call__", model, inputs)
        if sizes[-1] == 1:
            if isinstance(out, (list, tuple)):
                raise Failed("one_output", model=description, got=cut_repr(out))
            got = [data_of(f"{name}.__call__", out, learner(namespace, "Value"))]
        else:
            if not isinstance(out, (list, tuple)) or len(out) != sizes[-1]:
                raise Failed("outputs", model=description, got=cut_repr(out), expected=sizes[-1])
            got = [data_of(f"{name}.__call__", v, learner(namespace, "Value")) for v in out]
        if not all(close(g, e) for g, e in zip(got, expected)):
            raise Failed("model_output", model=description, x=inputs, got=got, expected=expected)


# --- exercise 14: a training loop on the moons


def check_fit_moons(namespace, rng):
    """Exercise 14: fit_moons trains one of the learner's MLPs to 90% of 40 moons points and 85% of 100 new ones."""
    fit_moons, mlp_class = learner(namespace, "fit_moons"), learner(namespace, "MLP")
    points, labels = make_moons(40, noise=0.1, seed=1)
    xs, ys = [list(p) for p in points], to_signed_labels(labels)
    answer = call("fit_moons", fit_moons, [list(x) for x in xs], list(ys))
    if not isinstance(answer, tuple) or len(answer) != 2:
        raise Failed("fit_answer", got=cut_repr(answer))
    model, losses = answer
    if not isinstance(model, mlp_class):
        raise Failed("fit_model", got=cut_repr(model))
    if not isinstance(losses, (list, tuple)) or len(losses) < 2:
        raise Failed("fit_losses", got=cut_repr(losses))
    losses = [number("fit_moons", loss) for loss in losses]
    if not losses[-1] < losses[0]:
        raise Failed("fit_not_learning", first=losses[0], last=losses[-1])
    new_points, new_labels = make_moons(100, noise=0.1, seed=2)
    for points_checked, signs, target, key in [
        (xs, ys, 0.9, "fit_accuracy"),
        ([list(p) for p in new_points], to_signed_labels(new_labels), 0.85, "fit_new_points"),
    ]:
        right = 0
        for x, y in zip(points_checked, signs):
            output = data_of("MLP.__call__", call("MLP.__call__", model, x), learner(namespace, "Value"))
            right += (output > 0) == (y > 0)
        if right / len(signs) < target:
            raise Failed(key, got=f"{right / len(signs):.0%}", expected=f"{target:.0%}", steps=len(losses))


# --- exercise 15: softmax and the negative log-likelihood


def check_softmax_and_nll(namespace, rng):
    """Exercise 15: softmax's probabilities and the gradient of nll with respect to each logit (p - 1 for the target,
    p for the others), on small and on huge logits."""
    value_class = learner(namespace, "Value")
    softmax, nll = learner(namespace, "softmax"), learner(namespace, "nll")
    cases = [([2.0, 1.0, 0.1], 0), ([0.5, -1.0, 3.0, 0.0], 3), ([1000.0, 0.0, -1000.0], 0)]
    cases.append(([rng.uniform(-3, 3) for _ in range(3)], 2))
    for numbers, target in cases:
        logits = [value_class(x) for x in numbers]
        try:
            probabilities = call("softmax", softmax, logits)
        except Failed as failed:
            error = failed.fields.get("error")
            if isinstance(error, Described) and error.headline.startswith("OverflowError"):
                raise Failed("softmax_overflow", logits=numbers, error=error) from None
            raise
        if not isinstance(probabilities, (list, tuple)) or len(probabilities) != len(numbers):
            raise Failed("softmax_shape", got=cut_repr(probabilities), expected=len(numbers))
        largest = max(numbers)
        exps = [math.exp(x - largest) for x in numbers]
        expected = [e / sum(exps) for e in exps]
        got = [data_of("softmax", p, value_class) for p in probabilities]
        if not all(close(g, e) for g, e in zip(got, expected)):
            hint = "softmax_unnormalized" if close(sum(got), sum(exps)) and not close(sum(got), 1.0) else ""
            raise Failed("softmax_values", logits=numbers, got=got, expected=expected, hint=Phrase(hint))
        loss = call("nll", nll, probabilities, target)
        got = data_of("nll", loss, value_class)
        want = -math.log(expected[target])
        if not close(got, want):
            hint = "nll_sign" if close(got, -want) else ""
            raise Failed("nll_value", logits=numbers, target=target, got=got, expected=want, hint=Phrase(hint))
        call("backward", learner_method(loss, "backward"))
        for i, (logit, p) in enumerate(zip(logits, expected)):
            want = p - (i == target)
            if not close(number("backward", logit.grad), want, rel=1e-7):
                raise Failed("nll_grad", logits=numbers, target=target, index=i, got=logit.grad, expected=want)


# --- exercise 16: a gradient check


GRADIENT_CHECK_CASES = [  # (f's source, what is wrong in it or "", its inputs)
    ("lambda x, y: x * y + x.tanh()", "", [0.5, -1.5]),
    ("lambda x, y: (x * x) * y", "", [1.5, 2.0]),
    ("lambda x, y: x * y", "", [1e3, 1e3]),  # a difference of large numbers: the tolerance must be relative
    ("lambda x, y: type(x)(x.data * y.data, (x, y), (y.data * 1.001, x.data), '*')", "x", [2.0, 3.0]),
    ("lambda x, y: type(x)(x.data * y.data, (x, y), (y.data, x.data + 0.01), '*')", "y", [2.0, 3.0]),
    ("lambda x, y: type(x)(x.data * y.data, (x, y), (y.data * 1.001, x.data), '*')", "x", [1e3, 1e3]),
]


def check_gradient_check(namespace, rng):
    """Exercise 16: gradient_check says True for functions whose gradients are right, False for one whose local
    derivative is off by 0.1% on either input (at inputs of size 1 and of size 1000)."""
    learner(namespace, "Value")
    gradient_check = learner(namespace, "gradient_check")
    for source, wrong, inputs in GRADIENT_CHECK_CASES:
        f = sealed(source, type=type)
        verdict = call("gradient_check", gradient_check, f, list(inputs))
        if not isinstance(verdict, bool):
            raise Failed("gradcheck_not_bool", got=cut_repr(verdict))
        expression = source.split(": ", 1)[1]
        if verdict and wrong:
            raise Failed("gradcheck_missed", f=expression, x=inputs, input=wrong)
        if not verdict and not wrong:
            raise Failed("gradcheck_false_alarm", f=expression, x=inputs)


# --- exercises 17 to 19: find the bug in a backward pass written by hand


def _expected(function, inputs):
    """Our engine's function(inputs) and its gradient with respect to each input."""
    values = [Reference(x) for x in inputs]
    out = function(*values)
    out.backward()
    return out.data, [v.grad for v in values]


BUG_CASES = {  # the function's name: (what it computes, its outputs' names, our engine's function, its inputs)
    "grads_of_expression": (
        "L = (a*b + c) * f",
        ["dL/da", "dL/db", "dL/dc", "dL/df"],
        lambda a, b, c, f: (a * b + c) * f,
        [(2.0, -3.0, 10.0, -2.0), (1.5, 0.5, -1.0, 3.0)],
    ),
    "grads_of_neuron": (
        "o = tanh(x1*w1 + x2*w2 + b)",
        ["o", "do/dw1", "do/dw2", "do/db"],
        lambda x1, w1, x2, w2, b: (x1 * w1 + x2 * w2 + b).tanh(),
        [(2.0, -3.0, 0.0, 1.0, 6.8813735870195432), (0.5, 0.4, -1.0, 0.3, 0.1)],
    ),
    "grads_of_reuse": (
        "L = (a*b) * (a + b)",
        ["dL/da", "dL/db"],
        lambda a, b: (a * b) * (a + b),
        [(2.0, -3.0), (0.5, 1.5)],
    ),
}


def check_bug(name):
    """The check of a find-the-bug exercise: the learner's fixed function against our engine's gradients."""

    def check(namespace, rng):
        function = learner(namespace, name)
        computed, outputs, ours, cases = BUG_CASES[name]
        for inputs in cases:
            got = call(name, function, *inputs)
            if not isinstance(got, (list, tuple)) or len(got) != len(outputs):
                raise Failed("bug_shape", name=name, got=cut_repr(got), expected=len(outputs))
            out, grads = _expected(ours, inputs)
            if name == "grads_of_neuron":
                grads = [out, grads[1], grads[3], grads[4]]  # o, do/dw1, do/dw2, do/db
            for output, mine, want in zip(outputs, got, grads):
                if not close(number(name, mine), want):
                    arguments = ", ".join(show(x) for x in inputs)
                    raise Failed(
                        "bug_still_there",
                        name=name,
                        arguments=arguments,
                        computed=computed,
                        output=output,
                        got=mine,
                        expected=want,
                    )

    check.__doc__ = f"Exercises 17 to 19: {name}, fixed, against our engine's gradients."
    return check


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
