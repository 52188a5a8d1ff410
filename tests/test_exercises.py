"""The checked exercises: every solution passes, every typical mistake fails with a message that names the rule and the
numbers (in English and in Portuguese), and `micrograd exercises` behaves as a command."""

import re

import pytest

from micrograd import exercises
from micrograd.exercises import solutions

from conftest import docs_page, run_micrograd

SOLVED = exercises.SOLUTIONS.read_text()

# (exercise, a line of the solution, the typical mistake, what the English message says, what the Portuguese says)
MISTAKES = [
    (
        1,
        "return (f(x + h) - f(x - h)) / (2 * h)",
        "return (f(x + h) - f(x - h)) / h",
        ["slope of f(x) = 3*x**2 - 4*x + 5 at x = 3.0 is 28.0, expected 14.0"],
        ["é 28.0"],
    ),
    (
        1,
        "return (f(x + h) - f(x - h)) / (2 * h)",
        "return (f(x + h) - f(x)) / h",
        ["x**3 at x = 1.0 with h = 0.1 is 3.31, expected 3.01", "nudge x to both sides"],
        ["empurre x para os dois lados"],
    ),
    (
        2,
        'return Value(self.data + other.data, (self, other), (1.0, 1.0), "+")',
        "out = Value(self.data + other.data, (self, other))\n\n        def _backward():\n"
        "            self.grad += out.grad\n            other.grad += out.grad\n\n"
        "        out._backward = _backward\n        return out",
        ["sets out._backward, a closure, as the lecture does", "(1.0, 1.0)", "child.grad += local_grad * out.grad"],
        ["define out._backward, uma closure, como na aula"],
    ),
    (
        6,
        "return Value(self.data**n,",
        "return Value(abs(self.data) ** n,",
        ["__pow__ computes -2.0 ** 3 = 8.0, expected -8.0"],
        ["calcula -2.0 ** 3 = 8.0"],
    ),
    (
        11,
        "(1.0 if self.data > 0 else 0.0,)",
        "(1.0 if self.data >= 0 else 0.0,)",
        ["relu sends 1.0 to self in 0.0.relu(), expected 0.0", "0 at x = 0 itself"],
        ["manda 1.0 para self em 0.0.relu(), esperado 0.0"],
    ),
    (
        11,
        "(1.0 if self.data > 0 else 0.0,)",
        "(max(0.0, self.data),)",
        ["relu sends 1.5 to self in 1.5.relu(), expected 1.0"],
        ["manda 1.5 para self"],
    ),
    (
        12,
        "(1 / b, -a / b**2)",
        "(1 / b, a / b**2)",
        ["__truediv__ sends 0.75 to other in 3.0 / 2.0, expected -0.75", "-a / b**2"],
        ["manda 0.75 para other"],
    ),
    (
        12,
        '(1 / self.data,), "log"',
        '(math.log(self.data),), "log"',
        ["log sends 0.693147 to self in 2.0.log(), expected 0.5", "1 / x"],
        ["esperado 0.5"],
    ),
    (
        12,
        "Value(math.log(self.data),",
        "Value(math.log(abs(self.data)),",
        ["Value(-1.0).log() returned 0.0, expected a ValueError", "outside the operation's domain"],
        ["fora do domínio"],
    ),
    (
        13,
        "return outs[0] if len(outs) == 1 else outs",
        "return outs",
        ["Layer(3, 1) returns [Value(", "expected the Value itself"],
        ["esperado o próprio Value"],
    ),
    (
        13,
        "return [p for layer in self.layers for p in layer.parameters()]",
        "return self.layers[-1].parameters()",
        ["MLP(3, [4, 4, 1]).parameters() has 5 Values, expected 41"],
        ["tem 5 Values, esperado 41"],
    ),
    (
        13,
        "            x = layer(x)\n        return x",
        "            out = layer(x)\n        return out",
        ["each layer's outputs are the next layer's inputs"],
        ["as saídas de cada camada são as entradas da próxima"],
    ),
    (14, "for _ in range(100)]", "for _ in range(2)]", ["after 2 steps", "at least 90%"], ["ao menos 90%"]),
    (14, "lr=0.02) for _ in range(100)", "lr=-0.02) for _ in range(5)", ["did not go down"], ["não diminuiu"]),
    (
        15,
        "largest = max(logit.data for logit in logits)",
        "largest = 0.0",
        ["softmax of [1000.0, 0.0, -1000.0] raised OverflowError", "Subtract the largest logit"],
        ["Subtraia antes o maior logit"],
    ),
    (15, "return [e / total for e in exps]", "return exps", ["not divided by the sum"], ["não somam 1"]),
    (15, "return -probabilities[target].log()", "return probabilities[target].log()", ["wrong sign"], ["sinal"]),
    (
        16,
        "            return False\n",
        "            pass\n",
        ["says True for f(x, y) = type(x)(x.data * y.data, (x, y), (y.data * 1.001, x.data), '*') at [2.0, 3.0]"],
        ["diz True para f(x, y)"],
    ),
    (16, "enumerate(values):", "enumerate(values[:1]):", ["whose local derivative for y is off"], ["para y erra"]),
    (
        16,
        "> tolerance * max(1.0, abs(numeric))",
        "> tolerance",
        ["says False for f(x, y) = x * y at [1000.0, 1000.0]", "relative to the gradient's size"],
        ["diz False"],
    ),
    *[
        (number, right, wrong, ["one line of the given code is still wrong"], ["ainda está errada"])
        for number, (right, wrong) in exercises.BUGS.items()
    ],
    (
        2,
        '(1.0, 1.0), "+"',
        '(1.0, 0.0), "+"',
        ["__add__ sends 0.0 to other", "expected 1.0", "d(a + b)/db = 1"],
        ["manda 0.0 para other", "esperado 1.0"],
    ),
    (
        2,
        "other = other if isinstance(other, Value) else Value(other)\n        return Value(self.data + other.data",
        "return Value(self.data + other.data",
        ["fails when other is a plain number (a + 2.0)", "AttributeError"],
        ["falha quando other é um número comum"],
    ),
    (
        3,
        "(other.data, self.data)",
        "(self.data, other.data)",
        ["__mul__ sends 2.0 to self in 2.0 * -3.0, expected -3.0", "the other factor"],
        ["o outro fator"],
    ),
    (
        4,
        "(1 - t * t,)",
        "(1 - self.data**2,)",
        ["tanh sends 0.75 to self in 0.5.tanh(), expected 0.786448"],
        ["um menos a saída ao quadrado"],
    ),
    (
        5,
        '(e,), "exp"',
        '(self.data,), "exp"',
        ["exp sends 0.5 to self in 0.5.exp(), expected 1.648721", "the output, not the input"],
        ["a saída, não a entrada"],
    ),
    (
        6,
        "(n * self.data ** (n - 1),)",
        "(self.data ** (n - 1),)",
        ["__pow__ sends 3.0 to self in 3.0 ** 2, expected 6.0"],
        ["esperado 6.0"],
    ),
    (7, "            visited.add(node)\n", "", ["lists a 6 times, expected once", "visited"], ["lista a 6 vezes"]),
    (
        7,
        "            for child in node._prev:\n                visit(child)\n            order.append(node)",
        "            order.append(node)\n            for child in node._prev:\n                visit(child)",
        ["puts L before its input d"],
        ["põe L antes da sua entrada d"],
    ),
    (
        8,
        "child.grad += local_grad",
        "child.grad = local_grad",
        ["b is used twice", "child.grad +="],
        ["b é usado duas vezes"],
    ),
    (8, "        self.grad = 1.0\n", "", ["L.grad is 0.0, expected 1.0"], ["L.grad é 0.0, esperado 1.0"]),
    (
        8,
        "        self.grad = 1.0\n",
        "        for node in topological_order(self):\n            node.grad = 0.0\n        self.grad = 1.0\n",
        ["a.grad is 3.0, expected 5.0", "gradients accumulate in the leaves"],
        ["os gradientes se acumulam nas folhas"],
    ),
    (7, "    return order\n", "    return order[:-1]\n", ["leaves out L"], ["deixa de fora L"]),
    (
        10,
        "        p.data -= lr * p.grad\n",
        "        pass\n",
        ["left w[0] at 0.5, expected 0.76615"],
        ["deixou w[0] em 0.5"],
    ),
    (
        8,
        "in reversed(topological_order(self))",
        "in topological_order(self)",
        ["e.grad is 0.0, expected -2.0", "reversed topological order"],
        ["ordem topológica invertida"],
    ),
    (
        9,
        "        total = self.b\n",
        "        total = 0.0\n",
        ["-0.978026 for x = [1.0, 2.0, -3.0]", "expected -0.973226", "leaves out b"],
        ["deixa b de fora"],
    ),
    (9, "        return total.tanh()", "        return total", ["leaves out the tanh"], ["deixa a tanh de fora"]),
    (
        9,
        "return self.w + [self.b]",
        "return self.w",
        ["parameters() returns", "the 3 weights w, then the bias b"],
        ["os 3 pesos w, depois o viés b"],
    ),
    (
        10,
        "p.data -= lr * p.grad",
        "p.data += lr * p.grad",
        ["moved w[0] to 0.23385, expected 0.76615", "up the gradient"],
        ["subiu o gradiente"],
    ),
    (
        10,
        "    for p in model.parameters():\n        p.grad = 0.0\n",
        "",
        ["After a second training_step", "set every p.grad = 0.0"],
        ["segundo training_step"],
    ),
    (10, "    return loss.data", "    return loss.data / len(xs)", ["the sum of (model(x) - y)**2"], ["a soma"]),
]


def namespace_of(source, filename="learner.py"):
    namespace = {}
    exec(compile(source, filename, "exec"), namespace)
    return namespace


def with_mistake(solution_line, mistake):
    assert SOLVED.count(solution_line) == 1, solution_line
    return SOLVED.replace(solution_line, mistake)


@pytest.mark.parametrize("lang", ["en", "pt"])
@pytest.mark.parametrize("number", range(1, 20))
def test_each_solution_passes_its_check_and_names_the_next_exercise(number, lang):
    result = exercises.check(number, vars(solutions), lang)
    assert result.passed, result.message
    if number < 19:
        assert f"{number + 1}, {exercises.EXERCISES[number].title[lang]}" in result.message
    else:
        assert ("the last one" if lang == "en" else "era o último") in result.message


@pytest.mark.parametrize("number, solution_line, mistake, english, portuguese", MISTAKES)
def test_a_typical_mistake_fails_with_the_rule_and_the_numbers(number, solution_line, mistake, english, portuguese):
    namespace = namespace_of(with_mistake(solution_line, mistake))
    for lang, expected in (("en", english), ("pt", portuguese)):
        result = exercises.check(number, namespace, lang)
        assert not result.passed
        for fragment in expected:
            assert fragment in result.message, result.message
        assert "Traceback" not in result.message and "\n" not in result.message


def test_every_exercise_is_checked_against_a_mistake():
    assert {number for number, *_ in MISTAKES} == set(range(1, len(exercises.EXERCISES) + 1))


def test_a_local_derivative_off_by_a_twentieth_of_a_percent_is_caught():
    namespace = namespace_of(with_mistake("(1 - t * t,)", "((1 - t * t) * 1.0005,)"))
    assert not exercises.check(4, namespace)


def test_check_takes_a_namespace_a_module_or_the_class_or_function_itself():
    assert exercises.check(3, solutions.Value) and exercises.check(1, solutions.slope)
    assert exercises.check(3, solutions) and exercises.check(3, {"Value": solutions.Value})
    assert exercises.check(9, solutions.Neuron).message.startswith("Exercise 9 runs your exercise 2 (__add__)")
    assert not exercises.check(1, solutions.Value)


def test_an_operation_missing_from_the_learners_value_is_named():
    namespace = namespace_of(
        "class Value:\n    def __init__(self, data, children=(), local_grads=(), op=''):\n        pass\n"
    )
    assert exercises.check(3, namespace).message.startswith("There is no Value.__mul__ in your code yet")
    assert exercises.check(4, namespace, "pt").message.startswith("Ainda não há Value.tanh no seu código")
    assert exercises.check(7, {}).message.startswith("There is no topological_order in your code yet")


def test_a_later_exercise_names_the_earlier_one_it_runs():
    namespace = namespace_of(with_mistake("(other.data, self.data)", "(self.data, other.data)"))
    result = exercises.check(9, namespace)
    assert result.message.startswith("Exercise 9 runs your exercise 3 (__mul__), which does not pass yet: your __mul__")
    assert exercises.check(9, namespace, "pt").message.startswith("O exercício 9 usa o seu exercício 3 (__mul__)")


def test_a_learners_exception_is_one_line_with_their_type_message_and_line(tmp_path):
    source = with_mistake("        e = math.exp(self.data)\n", "        e = math.exp(self.data) + self.nothing\n")
    path = tmp_path / "mine.py"
    path.write_text(source)
    result = exercises.check(5, namespace_of(source, str(path)))
    line = source.splitlines().index("        e = math.exp(self.data) + self.nothing") + 1
    expected = f"Your exp raised AttributeError: 'Value' object has no attribute 'nothing' (line {line}: "
    assert result.message.startswith(expected), result.message


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_the_starter_file_has_a_stub_naming_each_exercise(lang):
    namespace = namespace_of(exercises.starter_source(lang))
    for exercise in exercises.EXERCISES:
        result = exercises.check(exercise.number, namespace, lang)
        assert not result.passed
        if exercise.number in exercises.BUGS:  # given with its bug, not as a stub
            assert ("still wrong" if lang == "en" else "ainda está errada") in result.message
            continue
        first_unwritten = exercises.EXERCISES[exercise.needs[0] - 1] if exercise.needs else exercise
        assert first_unwritten.names[0].split(".")[-1] in result.message
        assert "NotImplementedError" in result.message, result.message
    word = "exercise" if lang == "en" else "exercício"
    assert f'raise NotImplementedError("{word} 2: Value.__add__")' in exercises.starter_source(lang)


def test_the_starter_file_is_the_solution_without_the_answers():
    starter = exercises.starter_source("en")
    assert "(other.data, self.data)" not in starter and "visited" not in starter
    assert 'def __init__(self, data, children=(), local_grads=(), op=""):' in starter  # given, as in the solution
    assert max(len(line) for line in exercises.starter_source("pt").splitlines()) <= 120


def test_a_solution_is_the_code_of_solutions_py_in_either_language():
    english = exercises.solution_source(3)
    assert english.startswith("class Value:\n    def __mul__(self, other):\n")
    assert 'return Value(self.data * other.data, (self, other), (other.data, self.data), "*")' in english
    portuguese = exercises.solution_source(9, "pt")
    assert portuguese.count("class Neuron:") == 1 and "exercício 9" in portuguese
    assert compile(portuguese, "solution", "exec")


@pytest.mark.parametrize("bad", [0, 20, "1", True, 2.0])
def test_check_refuses_a_number_that_is_not_an_exercise(bad):
    with pytest.raises(ValueError, match="exercises 1 to 19"):
        exercises.check(bad, {})


def test_check_refuses_an_unknown_language():
    with pytest.raises(ValueError, match="lang must be 'en' or 'pt', got 'fr'"):
        exercises.check(1, {}, lang="fr")


# --- the command, as a process


def command(*args, cwd):
    status, out, err = run_micrograd("exercises", *args, cwd=cwd)
    assert "Traceback" not in out + err
    return status, out, err


def test_list_shows_the_exercises_in_either_language(tmp_path):
    status, out, _ = command("list", cwd=tmp_path)
    assert status == 0 and "  7. the topological order" in out and len(out.splitlines()) == 20
    status, out, _ = command("--lang", "pt", cwd=tmp_path)
    assert status == 0 and "  7. a ordem topológica" in out


def test_start_writes_the_stubs_once_and_check_says_what_is_not_written(tmp_path):
    status, out, _ = command("start", "--lang", "pt", cwd=tmp_path)
    assert status == 0 and "micrograd_exercises.py" in out
    assert (tmp_path / "micrograd_exercises.py").read_text() == exercises.starter_source("pt")
    status, out, err = command("start", cwd=tmp_path)
    assert status == 2 and out == "" and err.count("\n") == 1 and "already exists" in err
    status, out, _ = command("check", "1", "--lang", "pt", cwd=tmp_path)
    assert status == 1 and out == "Você ainda não escreveu slope: troque o raise NotImplementedError pelo seu código.\n"


def test_check_passes_with_status_0_and_fails_with_status_1_and_one_line(tmp_path):
    (tmp_path / "micrograd_exercises.py").write_text(SOLVED)
    status, out, _ = command("check", "10", cwd=tmp_path)
    assert status == 0 and out.startswith("Exercise 10 (a training step) passes")
    (tmp_path / "micrograd_exercises.py").write_text(with_mistake("(other.data, self.data)", "(self.data, other.data)"))
    status, out, _ = command("check", "3", cwd=tmp_path)
    assert status == 1 and out.count("\n") == 1
    assert out.startswith("Your __mul__ sends 2.0 to self in 2.0 * -3.0, expected -3.0 (d(a * b)/da = b")


def test_check_reports_the_learners_exception_in_one_line_with_their_line(tmp_path):
    mine = tmp_path / "mine.py"
    source = with_mistake("        t = math.tanh(self.data)\n", "        t = math.tanh(self)\n")
    mine.write_text(source)
    line = source.splitlines().index("        t = math.tanh(self)") + 1
    status, out, _ = command("check", "4", "--file", str(mine), cwd=tmp_path)
    assert status == 1
    assert out == f"Your tanh raised TypeError: must be real number, not Value (line {line}: t = math.tanh(self)).\n"


def test_check_reports_a_file_that_does_not_run_in_one_line(tmp_path):
    (tmp_path / "micrograd_exercises.py").write_text("import math\n\ndef slope(f, x, h=1e-6:\n    pass\n")
    status, out, _ = command("check", "1", cwd=tmp_path)
    assert status == 1 and out.count("\n") == 1
    assert out.startswith("Your micrograd_exercises.py does not run: SyntaxError: ") and "(line 3: def slope" in out


def test_solution_prints_the_code_of_an_exercise(tmp_path):
    status, out, _ = command("solution", "8", cwd=tmp_path)
    assert status == 0 and out == exercises.solution_source(8)
    assert "child.grad += local_grad * node.grad" in out
    compile(out, "solution", "exec")


@pytest.mark.parametrize(
    "args, message",
    [
        (["check"], "check needs an exercise number from 1 to 19 or all, got none"),
        (["solution", "20"], "solution needs an exercise number from 1 to 19, got 20"),
        (["hint", "x"], "hint needs an exercise number from 1 to 19, got x"),
        (["list", "2"], "list takes no exercise number, got 2"),
        (["check", "1", "--lang", "fr"], "--lang must be en or pt, got 'fr'"),
        (["check", "1"], "there is no micrograd_exercises.py: run micrograd exercises start first"),
        (["check", "1", "--lang", "pt"], "não existe micrograd_exercises.py: rode micrograd exercises start antes"),
        (["solution", "0", "--lang", "pt"], "solution precisa de um número de exercício de 1 a 19, recebeu 0"),
        (["grade", "--lang", "pt"], "grade precisa da pasta com os arquivos dos estudantes"),
        (["grade", "nowhere"], "nowhere is not a folder"),
        (["hint", "3", "--level", "4"], "--level must be 1, 2 or 3, got 4"),
        (["check", "3", "--json"], "--json goes with check all, grade only"),
        (["check", "all", "--timeout", "0"], "--timeout must be a number of seconds above 0"),
        (["fly"], "unknown action 'fly'"),
    ],
)
def test_usage_errors_are_one_line_on_stderr_with_status_2(tmp_path, args, message):
    status, out, err = command(*args, cwd=tmp_path)
    assert status == 2 and out == "" and err.count("\n") == 1
    prefix = "micrograd exercises: erro: " if "pt" in args else "micrograd exercises: error: "
    assert err.startswith(prefix) and message in err


# --- the Exercises page of the documentation, in both languages


def docs_block(language, first_line):
    """The lines of the Exercises page's code block that begins with `first_line`."""
    text = docs_page("exercises.md", language)
    return next(
        b for b in re.findall(r"^```[^`\n]*\n(.*?)^```", text, re.M | re.S) if b.startswith(first_line)
    ).splitlines()


@pytest.mark.parametrize("language", ["en", "pt-BR"])
def test_the_docs_commands_run_in_order_from_a_fresh_folder(tmp_path, language):
    statuses = []
    for line in docs_block(language, "micrograd exercises start"):
        args = line.split("#")[0].split()[2:]
        statuses.append(command(*args, cwd=tmp_path)[0])
    assert statuses == [0, 1, 0, 0, 1, 0]  # check 1 and check all fail on the stubs, as a check that does not pass does


def test_the_docs_failing_check_prints_what_the_page_shows(tmp_path):
    lines = docs_block("en", "$ micrograd exercises check 3")
    assert lines == docs_block("pt-BR", "$ micrograd exercises check 3")
    (tmp_path / "micrograd_exercises.py").write_text(with_mistake("(other.data, self.data)", "(self.data, other.data)"))
    for command_line, expected in zip(lines[::2], lines[1::2]):
        status, out, _ = command(*command_line.split()[3:], cwd=tmp_path)
        assert (status, out) == (1, expected + "\n")
