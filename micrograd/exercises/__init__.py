"""Checked exercises: write a small autograd engine yourself, one rule at a time, and have each rule checked.

Nineteen exercises. The first ten walk the lecture's path: a derivative by nudging, `__add__` and `__mul__` with their
local derivatives, `tanh`, `exp`, `__pow__`, the topological order, `backward()`, a `Neuron`, a training step. The
next go on: relu, division and log, `Layer` and `MLP`, a training loop on the moons, softmax with the negative
log-likelihood, a gradient check, and three backward passes written by hand, each with one wrong line to find. Each
check runs your code on chosen and random inputs, compares it with micrograd's engine and with a nudge of your own
forward pass, and says in a sentence which rule is wrong and by how much, in English or Portuguese:

    >>> from micrograd import exercises
    >>> exercises.check(3, globals())                   # doctest: +SKIP
    your __mul__ sends -3.0 to other in 2.0 * -3.0, expected 2.0 (d(a * b)/da = b: the other factor; ...).

From the command line: `micrograd exercises start` writes a file of stubs, `micrograd exercises check N` checks it
(in a process of its own: see grader.py), `hint N` helps, `grade DIR` grades a class.
"""

import ast
import textwrap
from pathlib import Path
from typing import NamedTuple

from micrograd.exercises import checks

SOLUTIONS = Path(__file__).with_name("solutions.py")
LANGUAGES = ("en", "pt")


class Exercise(NamedTuple):
    """One exercise: what the learner writes, in which order, and how it is checked."""

    number: int
    title: dict  # {"en": ..., "pt": ...}
    names: tuple  # what the learner writes, as named in solutions.py: "slope", "Value.__add__", ...
    needs: tuple  # the exercises whose code this one runs
    check: object  # checks.check_...(namespace, rng), raising checks.Failed
    seconds: float = 1  # how many of the grader's time limits its check may take (training takes longer)


EXERCISES = [
    Exercise(1, {"en": "the derivative by nudging", "pt": "a derivada empurrando"}, ("slope",), (), checks.check_slope),
    Exercise(2, {"en": "__add__", "pt": "__add__"}, ("Value.__add__",), (), checks.check_add),
    Exercise(3, {"en": "__mul__", "pt": "__mul__"}, ("Value.__mul__",), (), checks.check_mul),
    Exercise(4, {"en": "tanh", "pt": "tanh"}, ("Value.tanh",), (), checks.check_tanh),
    Exercise(5, {"en": "exp", "pt": "exp"}, ("Value.exp",), (), checks.check_exp),
    Exercise(6, {"en": "__pow__", "pt": "__pow__"}, ("Value.__pow__",), (), checks.check_pow),
    Exercise(
        7,
        {"en": "the topological order", "pt": "a ordem topológica"},
        ("topological_order",),
        (),
        checks.check_topological_order,
    ),
    Exercise(8, {"en": "backward()", "pt": "backward()"}, ("Value.backward",), (7,), checks.check_backward),
    Exercise(
        9,
        {"en": "a Neuron", "pt": "um Neuron"},
        ("Neuron.__call__", "Neuron.parameters"),
        (2, 3, 4, 7, 8),
        checks.check_neuron,
    ),
    Exercise(
        10,
        {"en": "a training step", "pt": "um passo de treino"},
        ("training_step",),
        (2, 3, 4, 6, 7, 8, 9),
        checks.check_training_step,
    ),
    Exercise(11, {"en": "relu", "pt": "relu"}, ("Value.relu",), (), checks.check_relu),
    Exercise(
        12,
        {"en": "division and log", "pt": "divisão e log"},
        ("Value.__truediv__", "Value.log"),
        (),
        checks.check_division_and_log,
    ),
    Exercise(
        13,
        {"en": "Layer and MLP", "pt": "Layer e MLP"},
        ("Layer.__call__", "Layer.parameters", "MLP.__call__", "MLP.parameters"),
        (2, 3, 4, 7, 8, 9),
        checks.check_layer_and_mlp,
    ),
    Exercise(
        14,
        {"en": "a training loop on the moons", "pt": "um laço de treino nas luas"},
        ("fit_moons",),
        (2, 3, 4, 6, 7, 8, 9, 10, 13),
        checks.check_fit_moons,
        seconds=4,
    ),
    Exercise(
        15,
        {"en": "softmax and negative log-likelihood", "pt": "softmax e log-verossimilhança negativa"},
        ("softmax", "nll"),
        (2, 3, 5, 7, 8, 12),
        checks.check_softmax_and_nll,
    ),
    Exercise(
        16,
        {"en": "a gradient check", "pt": "uma verificação de gradiente"},
        ("gradient_check",),
        (2, 3, 4, 7, 8),
        checks.check_gradient_check,
    ),
    Exercise(
        17,
        {"en": "find the bug: L by hand", "pt": "ache o erro: L à mão"},
        ("grads_of_expression",),
        (),
        checks.check_bug("grads_of_expression"),
    ),
    Exercise(
        18,
        {"en": "find the bug: a neuron by hand", "pt": "ache o erro: um neurônio à mão"},
        ("grads_of_neuron",),
        (),
        checks.check_bug("grads_of_neuron"),
    ),
    Exercise(
        19,
        {"en": "find the bug: inputs used twice", "pt": "ache o erro: entradas usadas duas vezes"},
        ("grads_of_reuse",),
        (),
        checks.check_bug("grads_of_reuse"),
    ),
]

# The find-the-bug exercises: the starter file gives the solution with one line changed, (right line, wrong line), a
# mistake from the checker's catalogue: the other factor, tanh's derivative from its output, and += for a reused input.
BUGS = {
    17: (
        "    dL_da = dL_dd * b  # the chain rule: dL/dd * d(a*b)/da",
        "    dL_da = dL_dd * a  # the chain rule: dL/dd * d(a*b)/da",
    ),
    18: ("    do_dn = 1 - o**2", "    do_dn = 1 - n**2"),
    19: ("    dL_da += dL_de  # through e", "    dL_da = dL_de  # through e"),
}

# The Portuguese of solutions.py's docstrings (the English is in solutions.py itself), for the file `start` writes.
PORTUGUESE_DOCSTRINGS = {
    "slope": "exercício 1: a derivada de f em x, empurrando x por h para cada lado (uma diferença central).",
    "Value": "Um número que lembra como foi calculado: suas entradas (_prev) e d(self)/d(entrada) para cada uma "
    "(_local_grads). O Value da aula guarda uma closure `_backward`, que faz `self.grad += derivada local * "
    "out.grad`; aqui cada operação guarda só as derivadas locais, e o backward() faz essa multiplicação para cada nó.",
    "Value.__add__": "exercício 2: self + other, e d(self + other)/d(self), d(self + other)/d(other).",
    "Value.__mul__": "exercício 3: self * other, e d(self * other)/d(self), d(self * other)/d(other).",
    "Value.tanh": "exercício 4: tanh(self), e d tanh(self)/d(self).",
    "Value.exp": "exercício 5: e ** self, e d exp(self)/d(self).",
    "Value.__pow__": "exercício 6: self ** n para um número n, e d(self ** n)/d(self).",
    "Value.backward": "exercício 8: põe d(self)/d(v) em v.grad para todo Value v de que self foi calculado.",
    "topological_order": "exercício 7: todo Value de que root foi calculado, e root, cada um depois de todas as suas "
    "entradas.",
    "Neuron": "tanh(w · x + b): nin pesos e um viés.",
    "Neuron.__call__": "exercício 9: a saída do neurônio para as entradas x (uma lista de números ou Values).",
    "Neuron.parameters": "exercício 9: os Values que o treino ajusta: os pesos, depois o viés.",
    "training_step": "exercício 10: um passo de descida do gradiente na perda sum((model(x) - y)**2); devolve o data "
    "da perda.",
    "Value.relu": "exercício 11: max(0, self), e d relu(self)/d(self): 1 onde self > 0, senão 0.",
    "Value.__truediv__": "exercício 12: self / other, e d(self / other)/d(self), d(self / other)/d(other); "
    "ZeroDivisionError para 0.",
    "Value.log": "exercício 12: o logaritmo natural de self, e d log(self)/d(self); ValueError para self <= 0.",
    "Layer": "nout neurônios, cada um vendo as mesmas nin entradas.",
    "Layer.__call__": "exercício 13: a saída de cada neurônio para as entradas x, numa lista; o próprio Value se há "
    "um só neurônio.",
    "Layer.parameters": "exercício 13: os parâmetros de cada neurônio, neurônio após neurônio.",
    "MLP": "Camadas uma depois da outra: MLP(3, [4, 4, 1]) leva 3 entradas por duas camadas de 4 neurônios a 1 saída.",
    "MLP.__call__": "exercício 13: as entradas x por cada camada, as saídas de uma sendo as entradas da próxima.",
    "MLP.parameters": "exercício 13: os parâmetros de cada camada, camada após camada.",
    "fit_moons": "exercício 14: um MLP seu treinado nos pontos xs (rótulos ys: 1 ou -1) até classificar certo ao "
    "menos 90% deles (o sinal da saída); devolve (model, a lista das perdas, uma por passo).",
    "softmax": "exercício 15: as probabilidades exp(l) / soma de exp(l) para uma lista de Values, subtraindo antes o "
    "maior logit.",
    "nll": "exercício 15: a log-verossimilhança negativa da classe `target`: -log(probabilities[target]).",
    "gradient_check": "exercício 16: True se o backward() dá os gradientes de f (Values na entrada, um Value na "
    "saída) nos números xs que diferenças centrais do data de f dão, cada um dentro de tolerance * max(1, "
    "|numérico|); False se algum erra.",
    "grads_of_expression": "exercício 17 (ache o erro): dL/da, dL/db, dL/dc, dL/df para L = (a*b + c) * f, à mão "
    "como na aula.",
    "grads_of_neuron": "exercício 18 (ache o erro): o e do/dw1, do/dw2, do/db para o = tanh(x1*w1 + x2*w2 + b), à mão.",
    "grads_of_reuse": "exercício 19 (ache o erro): dL/da, dL/db para L = (a*b) * (a + b), à mão: a e b são usados "
    "duas vezes cada um.",
}

# The Portuguese of the comments in solutions.py's given code.
PORTUGUESE_COMMENTS = {
    "# a sum passes the gradient on": "# uma soma passa o gradiente adiante",
    "# the chain rule: dL/dd * d(a*b)/da": "# a regra da cadeia: dL/dd * d(a*b)/da",
    "# through d": "# por d",
    "# through e": "# por e",
}

STARTER_HEADERS = {
    "en": '''"""Your own micrograd: write each exercise where it says `raise NotImplementedError`, then check it:

    micrograd exercises check 1

Everything else is given; exercises 17 to 19 are given with one wrong line each, for you to find and fix.
`micrograd exercises list` lists them; `micrograd exercises hint N` helps when you are stuck (--level 2, 3: more),
`micrograd exercises solution N` shows an answer; `micrograd exercises check all` gives your score.
"""''',
    "pt": '''"""O seu próprio micrograd: escreva cada exercício onde está `raise NotImplementedError` e confira:

    micrograd exercises check 1 --lang pt

Todo o resto já vem pronto; os exercícios 17 a 19 vêm com uma linha errada cada, para você achar e corrigir.
`micrograd exercises list --lang pt` lista todos; `micrograd exercises hint N --lang pt` ajuda quando você empacar
(--level 2, 3: mais), `micrograd exercises solution N --lang pt` mostra uma resposta; `micrograd exercises check all
--lang pt` dá a sua nota.
"""''',
}

EXERCISE_WORD = {"en": "exercise", "pt": "exercício"}
PASSED = {
    "en": "Exercise {number} ({title}) passes. Next: exercise {next_number}, {next_title}.",
    "pt": "O exercício {number} ({title}) passou. Próximo: exercício {next_number}, {next_title}.",
}
PASSED_LAST = {
    "en": "Exercise {number} ({title}) passes: that was the last one. You have written an autograd engine, trained "
    "an MLP with it, and found the bugs of three backward passes.",
    "pt": "O exercício {number} ({title}) passou: era o último. Você escreveu um motor de autograd, treinou um MLP "
    "com ele e achou os erros de três retropropagações.",
}
NEEDS = {
    "en": "Exercise {number} runs your exercise {needed} ({title}), which does not pass yet: {message}",
    "pt": "O exercício {number} usa o seu exercício {needed} ({title}), que ainda não passa: {message}",
}


class Result(NamedTuple):
    """What check() found: `passed`, and a message of one or two sentences (shown as the result in a notebook)."""

    passed: bool
    message: str

    def __bool__(self):
        return self.passed

    def __repr__(self):
        return self.message


def exercise(number):
    """The Exercise numbered `number` (1 to 19); ValueError for any other number."""
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= len(EXERCISES):
        raise ValueError(f"there are exercises 1 to {len(EXERCISES)}, got {number!r}")
    return EXERCISES[number - 1]


def check(number, namespace, lang="en", known=None):
    """Check exercise `number` in `namespace`: a dict such as a notebook's globals(), a module, or the one class or
    function the exercise needs (`check(3, Value)`, `check(1, slope)`).

    The exercises it runs first (a Neuron needs your __add__, __mul__, tanh and backward) are checked too, and named
    if they fail. Returns a Result: true if the exercise passes, and a message saying so or naming the mistake.
    `known`: {number: Result} of exercises already checked on this namespace, which are not checked again.
    """
    _check_lang(lang)
    checked = exercise(number)
    known = {} if known is None else known
    for needed in checked.needs:
        if needed not in known:
            failed = checks.run(EXERCISES[needed - 1].check, namespace, seed=needed)
            known[needed] = Result(failed is None, "" if failed is None else failed.message(lang))
        if not known[needed]:
            title = EXERCISES[needed - 1].title[lang]
            message = known[needed].message
            message = message[0].lower() + message[1:]
            fields = {"number": number, "needed": needed, "title": title, "message": message}
            return Result(False, NEEDS[lang].format(**fields))
    failed = checks.run(checked.check, namespace, seed=number)
    if failed is not None:
        message = failed.message(lang)
        return Result(False, message[0].upper() + message[1:])
    fields = {"number": number, "title": checked.title[lang]}
    if number == len(EXERCISES):
        return Result(True, PASSED_LAST[lang].format(**fields))
    following = EXERCISES[number]
    return Result(True, PASSED[lang].format(next_number=following.number, next_title=following.title[lang], **fields))


def starter_source(lang="en"):
    """The file a learner starts from: solutions.py with each exercise's body replaced by a NotImplementedError."""
    _check_lang(lang)
    lines = SOLUTIONS.read_text().splitlines()
    edits = []  # (first line, last line, replacement lines), 1-based and inclusive
    module = ast.parse("\n".join(lines))
    edits.append((1, module.body[0].end_lineno, STARTER_HEADERS[lang].splitlines()))
    for qualified_name, node in _definitions(module):
        docstring = node.body[0]
        indent = " " * docstring.col_offset
        text = ast.get_docstring(node) if lang == "en" else PORTUGUESE_DOCSTRINGS[qualified_name]
        new_docstring = _docstring(text, indent)
        number = _exercise_of(qualified_name)
        if number is None or number in BUGS:
            edits.append((docstring.lineno, docstring.end_lineno, new_docstring))
            if number in BUGS:
                right, wrong = BUGS[number]
                body = lines[docstring.end_lineno : node.end_lineno]
                edits.append(
                    (docstring.end_lineno + 1, node.end_lineno, "\n".join(body).replace(right, wrong).split("\n"))
                )
        else:
            stub = f'{indent}raise NotImplementedError("{EXERCISE_WORD[lang]} {number}: {qualified_name}")'
            edits.append((docstring.lineno, node.end_lineno, [*new_docstring, stub]))
    for first, last, replacement in sorted(edits, reverse=True):
        lines[first - 1 : last] = replacement
    return _comments_in("\n".join(lines) + "\n", lang)


def solution_source(number, lang="en"):
    """The code of exercise `number` in solutions.py; methods come inside their class line."""
    _check_lang(lang)
    names = exercise(number).names
    source = SOLUTIONS.read_text()
    parts, current_class = [], None
    for qualified_name, node in _definitions(ast.parse(source)):
        if qualified_name not in names:
            continue
        code = ast.get_source_segment(source, node, padded=True)
        if lang == "pt":
            docstring = node.body[0]
            english = "\n".join(source.splitlines()[docstring.lineno - 1 : docstring.end_lineno])
            portuguese = "\n".join(_docstring(PORTUGUESE_DOCSTRINGS[qualified_name], " " * docstring.col_offset))
            code = code.replace(english, portuguese, 1)
        class_name = qualified_name.split(".")[0] if "." in qualified_name else None
        if class_name and class_name != current_class:
            code = f"class {class_name}:\n{code}"
        current_class = class_name
        parts.append(code)
    return _comments_in("\n\n".join(parts) + "\n", lang)


def _comments_in(code, lang):
    """`code` with its comments in `lang`."""
    if lang == "pt":
        for english, portuguese in PORTUGUESE_COMMENTS.items():
            code = code.replace(english, portuguese)
    return code


def _definitions(module):
    """(qualified name, node) for each function and class of solutions.py that has a docstring, methods included."""
    for node in module.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(node):
            yield node.name, node
            if isinstance(node, ast.ClassDef):
                for method in node.body:
                    if isinstance(method, ast.FunctionDef) and ast.get_docstring(method):
                        yield f"{node.name}.{method.name}", method


def _docstring(text, indent):
    """The lines of a docstring holding `text` at `indent`, wrapped to the project's 120 columns."""
    if len(indent) + len(text) + 6 <= 120:
        return [f'{indent}"""{text}"""']
    wrapped = textwrap.wrap(text, width=117 - len(indent))
    return [f'{indent}"""{wrapped[0]}', *(indent + line for line in wrapped[1:]), f'{indent}"""']


def _exercise_of(qualified_name):
    return next((e.number for e in EXERCISES if qualified_name in e.names), None)


def _check_lang(lang):
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be 'en' or 'pt', got {lang!r}")
