"""The grader, as a teacher runs it: `micrograd exercises grade DIR` over a class's files, each run in a process of its
own, so that no file can hang, stop or fool the run; `check all`, hints, solutions and course.json as a student meets
them. Time limits here are short (a course.json of 2 seconds per check) to keep the suite quick."""

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import nbformat
import pytest

from micrograd import exercises
from micrograd.exercises import grader
from micrograd.exercises.hints import HINTS

from conftest import run_micrograd

SOLVED = exercises.SOLUTIONS.read_text()
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "docs/classroom/grades.schema.json").read_text())
COURSE = {"exercises": [1, 3, 4], "timeout": 2}
WRONG_MUL = SOLVED.replace("(other.data, self.data)", "(self.data, other.data)")
TANH = "        t = math.tanh(self.data)\n"


def with_tanh_body(code):
    """The solution whose tanh runs `code` first (exercise 4 is checked third here, after 1 and 3 pass)."""
    return SOLVED.replace(TANH, f"        {code}\n{TANH}")


# One file per trick of the issue, and what its three exercises (1, 3, 4) must say.
CLASS = {
    "right.py": (SOLVED, [True, True, True], "passes"),
    "right-too.txt": (SOLVED, [True, True, True], "passes"),
    "wrong.py": (WRONG_MUL, [True, False, True], "Your __mul__ sends 2.0 to self in 2.0 * -3.0, expected -3.0"),
    "loop.py": (with_tanh_body("while True: pass"), [True, True, False], "took longer than 2 s on exercise 4"),
    "exit-at-the-end.py": (WRONG_MUL + "\nimport sys\nsys.exit(0)\n", [False] * 3, "calls sys.exit() while loading"),
    "os-exit.py": (with_tanh_body("import os; os._exit(0)"), [True, True, False], "ended the process during"),
    "base-exception.py": (
        "class Stop(BaseException):\n    pass\n\n\n" + with_tanh_body("raise Stop('no')"),
        [True, True, False],
        "Your code raised Stop: no (line ",
    ),
    "ten-gigabytes.py": ("x = bytearray(10 * 1024**3)\n" + SOLVED, [False] * 3, "needs more memory than the 1 GiB"),
    "import-solutions.py": ("from micrograd.exercises.solutions import *\n", [False] * 3, "Flagged: your file imports"),
    "syntax-error.py": ("def slope(f, x, h=1e-6:\n    pass\n", [False] * 3, "does not run: SyntaxError"),
}
LATIN1 = "# exercícios\n".encode("latin-1") + SOLVED.encode()  # not UTF-8: í is one byte, 0xed


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class's folder, graded as JSON by the command: (the report, the command's exit status)."""
    folder = tmp_path_factory.mktemp("class")
    for name, (source, _, _) in CLASS.items():
        (folder / name).write_text(source, encoding="utf-8")
    (folder / "latin-1.py").write_bytes(LATIN1)
    (folder / "course.json").write_text(json.dumps(COURSE))
    result = subprocess.run(
        [sys.executable, "-m", "micrograd", "exercises", "grade", str(folder), "--json"],
        capture_output=True,
        text=True,
        timeout=180,  # a bound against a hang: a run that stopped at the loop would never end
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout), folder


def test_the_grade_report_follows_the_documented_format(graded):
    report, _ = graded
    jsonschema.validate(report, SCHEMA)
    assert [s["file"] for s in report["students"]] == sorted([*CLASS, "latin-1.py"])


@pytest.mark.parametrize("name", sorted(CLASS))
def test_every_trick_gets_the_right_verdict_and_a_clear_reason(graded, name):
    report, _ = graded
    student = next(s for s in report["students"] if s["file"] == name)
    _, expected, reason = CLASS[name]
    assert [e["passed"] for e in student["exercises"]] == expected
    assert [e["number"] for e in student["exercises"]] == COURSE["exercises"]
    assert student["score"] == sum(expected) and student["out_of"] == 3
    messages = [e["message"] for e in student["exercises"]]
    assert any(reason in message for message in messages), messages
    assert all("\n" not in message and "Traceback" not in message for message in messages)
    assert (student["flagged"] is not None) == name.startswith("import")


def test_a_file_that_is_not_utf8_is_named_with_its_first_bad_byte(graded):
    report, _ = graded
    student = next(s for s in report["students"] if s["file"] == "latin-1.py")
    assert student["score"] == 0
    assert student["exercises"][0]["message"] == (
        "Your latin-1.py is not UTF-8 text (byte 0xed at position 7): save it as UTF-8."
    )


def test_grade_as_csv_has_a_row_per_student_and_a_column_per_exercise(graded):
    _, folder = graded
    (folder / "course.json").write_text(json.dumps({"exercises": [1, 3], "timeout": 2}))
    for name in list(CLASS)[2:] + ["latin-1.py"]:
        (folder / name).unlink()
    status, out, _ = run_micrograd("exercises", "grade", str(folder), "--csv")
    assert status == 0
    assert out.splitlines() == [
        "file,score,out_of,flagged,exercise 1,exercise 3",
        "right-too.txt,2,2,no,1,1",
        "right.py,2,2,no,1,1",
    ]


# --- the sneaky ways to use our code: each one is flagged and passes nothing


SNEAKY = {
    "importlib": "import importlib\nValue = importlib.import_module('micro' + 'grad.exercises.solutions').Value",
    "__import__": "m = __import__('micrograd.exercises.solutions', fromlist=['*'])\nValue = m.Value",
    "exec": "exec('from micrograd.autograd ' + 'import Value')",
    "our engine": "import micrograd\nValue = micrograd.Value",
    "the file": f"exec(open({str(exercises.SOLUTIONS)!r}).read())  # Value",
    "the frames": "import sys\n"
    + WRONG_MUL.replace(
        '        return Value(self.data * other.data, (self, other), (self.data, other.data), "*")',
        "        sys._getframe(3).f_globals['close'] = lambda *a, **k: True\n"
        '        return Value(self.data * other.data, (self, other), (self.data, other.data), "*")',
    ),
    "the garbage collector": "import gc\nfound = [m for m in gc.get_objects() if 'close' in dir(m)]",
    "a process": "import subprocess, sys\nsubprocess.run([sys.executable, '-c', 'import micrograd'])",
    "a trace function": "import sys\nsys.settrace(lambda frame, event, arg: None)",
    "ctypes": "import ctypes\nsecret = ctypes.string_at(id(1), 8)",
    "its own memory": "open('/proc/self/mem', 'rb')",
    "inspect": "import inspect\nframe = inspect.currentframe()",
    "math.tanh replaced": "import math\nmath.tanh = lambda x: 0.0",
    "abs replaced": "import json\njson.dumps.__globals__['__builtins__']['abs'] = lambda x: 0.0",
    "an import caught": "import importlib\ntry:\n    importlib.import_module('micrograd.autograd')\n"
    "except ImportError:\n    pass",
}


@pytest.mark.parametrize("trick", sorted(SNEAKY))
def test_a_sneaky_use_of_micrograd_is_flagged(tmp_path, trick):
    mine = tmp_path / "mine.py"
    mine.write_text(SNEAKY[trick] if "Value" in SNEAKY[trick] else SOLVED + "\n" + SNEAKY[trick] + "\n")
    (tmp_path / "course.json").write_text(json.dumps({"exercises": [3], "timeout": 5}))
    status, out, _ = run_micrograd("exercises", "check", "3", "--file", str(mine), "--lang", "pt", cwd=tmp_path)
    assert status == 1 and out.startswith("Sinalizado: seu "), out


def test_a_notebook_exported_as_a_script_passes_with_its_imports_of_check_and_the_datasets(tmp_path):
    solved = nbformat.read(NOTEBOOKS / "solutions" / "02-exercises.ipynb", as_version=4)
    cells = [cell.source for cell in solved.cells if cell.cell_type == "code"][:-1]  # not the plot
    assert "from micrograd.exercises import check" in cells[0]
    (tmp_path / "exported.py").write_text("from micrograd.datasets import make_moons\n" + "\n\n".join(cells) + "\n")
    verdicts = grader.check_file(tmp_path / "exported.py", [1, 13], timeout=5)
    assert [v.passed for v in verdicts] == [True, True], verdicts


def test_a_thread_left_running_or_numpy_imported_do_not_stop_a_right_file_from_passing(tmp_path):
    (tmp_path / "mine.py").write_text(
        "import threading, time\nimport numpy\n"
        "threading.Thread(target=time.sleep, args=(3600,)).start()  # not a daemon: it would keep a process alive\n"
        + SOLVED
    )
    verdicts = grader.check_file(tmp_path / "mine.py", [1, 3], timeout=5)
    assert [v.passed for v in verdicts] == [True, True], verdicts


def test_a_file_may_not_read_another_students_file(tmp_path):
    (tmp_path / "ana.py").write_text(SOLVED)
    (tmp_path / "bruno.py").write_text("exec(open('ana.py').read())\n")
    report = grader.grade(tmp_path, timeout=5)
    bruno = report["students"][1]
    assert bruno["score"] == 0 and "another student's file" in bruno["flagged"]
    assert report["students"][0]["score"] == len(exercises.EXERCISES)


# --- check all, check N, and what a student meets


def test_check_all_gives_a_score_and_the_same_json_as_grade(tmp_path):
    (tmp_path / "micrograd_exercises.py").write_text(WRONG_MUL)
    status, out, _ = run_micrograd("exercises", "check", "all", "--json", cwd=tmp_path)
    report = json.loads(out)
    jsonschema.validate(report, SCHEMA)
    assert status == 1 and report["students"][0]["out_of"] == len(exercises.EXERCISES)
    failing = [e["number"] for e in report["students"][0]["exercises"] if not e["passed"]]
    assert failing == [3, 9, 10, 13, 14, 15, 16]  # __mul__ and every exercise that runs it
    status, out, _ = run_micrograd("exercises", "check", "all", "--lang", "pt", cwd=tmp_path)
    assert status == 1 and out.splitlines()[-1] == f"Nota: 12 de {len(exercises.EXERCISES)}."
    assert out.splitlines()[2].startswith("  3 ✗ Seu __mul__ manda 2.0 para self")


@pytest.mark.parametrize(
    "code, english, portuguese",
    [
        ("raise KeyboardInterrupt", "Your code raised KeyboardInterrupt (line ", "Seu código lançou KeyboardInterrupt"),
        ("raise GeneratorExit", "Your code raised GeneratorExit (line ", "(linha "),
        ("import sys; sys.exit(0)", "Your code called sys.exit() during the check", "chamou sys.exit()"),
    ],
)
def test_a_base_exception_in_a_check_is_the_students_and_not_an_interruption(tmp_path, code, english, portuguese):
    (tmp_path / "micrograd_exercises.py").write_text(with_tanh_body(code))
    for lang, expected in (("en", english), ("pt", portuguese)):
        status, out, err = run_micrograd("exercises", "check", "4", "--lang", lang, cwd=tmp_path)
        assert status == 1 and err == "" and expected in out and out.count("\n") == 1


def test_a_txt_file_and_a_module_beside_it_work(tmp_path):
    (tmp_path / "helpers.py").write_text("def central(f, x, h):\n    return (f(x + h) - f(x - h)) / (2 * h)\n")
    (tmp_path / "mine.txt").write_text(
        SOLVED.replace("return (f(x + h) - f(x - h)) / (2 * h)", "return central(f, x, h)") + "\n"
        "from helpers import central\n"
    )
    status, out, _ = run_micrograd("exercises", "check", "1", "--file", "mine.txt", cwd=tmp_path)
    assert (status, out.split(" (")[0]) == (0, "Exercise 1")


def test_the_line_of_an_error_is_told_in_portuguese(tmp_path):
    (tmp_path / "micrograd_exercises.py").write_text(SOLVED.replace(TANH, "        t = math.tanh(self)\n"))
    status, out, _ = run_micrograd("exercises", "check", "4", "--lang", "pt", cwd=tmp_path)
    assert status == 1 and "(linha " in out and "(line " not in out


def test_start_names_the_file_and_language_the_next_command_needs(tmp_path):
    status, out, _ = run_micrograd("exercises", "start", "--file", "meu.py", "--lang", "pt", cwd=tmp_path)
    assert status == 0 and out.strip().endswith("micrograd exercises check 1 --file meu.py --lang pt")
    status, out, _ = run_micrograd("exercises", *out.split("rode micrograd exercises ")[1].split(), cwd=tmp_path)
    assert status == 1 and out.startswith("Você ainda não escreveu slope")


# --- hints, solutions and the course file


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_every_exercise_has_three_hints_in_each_language(lang):
    assert sorted(HINTS) == [e.number for e in exercises.EXERCISES]
    assert all(len(HINTS[n][lang]) == 3 and all(HINTS[n][lang]) for n in HINTS)


def test_hints_go_from_a_nudge_to_the_code_and_name_the_next_level(tmp_path):
    status, out, _ = run_micrograd("exercises", "hint", "3", cwd=tmp_path)
    assert status == 0 and out.splitlines() == [
        f"Hint 1 of 3 for exercise 3 (__mul__): {HINTS[3]['en'][0]}",
        "More: micrograd exercises hint 3 --level 2",
    ]
    status, out, _ = run_micrograd("exercises", "hint", "3", "--level", "3", "--lang", "pt", cwd=tmp_path)
    assert status == 0 and out == f"Dica 3 de 3 para o exercício 3 (__mul__): {HINTS[3]['pt'][2]}\n"


def test_a_course_file_hides_solutions_and_limits_hints(tmp_path):
    (tmp_path / "course.json").write_text(json.dumps({"solutions": False, "hints": 1}))
    status, out, err = run_micrograd("exercises", "solution", "3", "--lang", "pt", cwd=tmp_path)
    assert status == 2 and out == "" and "as soluções estão ocultas neste curso" in err
    status, out, _ = run_micrograd("exercises", "hint", "3", "--level", "3", cwd=tmp_path)
    assert status == 0 and "gives 1 hint(s) per exercise" in out and HINTS[3]["en"][0] in out
    assert HINTS[3]["en"][2] not in out


@pytest.mark.parametrize(
    "settings, problem",
    [
        ("{", "is not a JSON file"),
        ('{"hint": 2}', "unknown setting 'hint'"),
        ('{"exercises": [0]}', "exercises must be a list of exercise numbers from 1 to 19"),
        ('{"hints": 4}', "hints must be a whole number from 0 to 3, got 4"),
        ('{"solutions": "no"}', "solutions must be true or false"),
        ('{"timeout": -1}', "timeout must be a number of seconds above 0"),
    ],
)
def test_a_bad_course_file_is_one_line_naming_the_setting(tmp_path, settings, problem):
    (tmp_path / "course.json").write_text(settings)
    status, out, err = run_micrograd("exercises", "grade", str(tmp_path))
    assert status == 2 and out == "" and err.count("\n") == 1 and problem in err and "Traceback" not in err


def test_a_file_that_never_finishes_loading_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(grader, "LOADING_SECONDS", 0)  # loading gets a check's time only: 1 s here
    (tmp_path / "mine.py").write_text("while True:\n    pass\n")
    verdicts = grader.check_file(tmp_path / "mine.py", [1, 2], lang="pt", timeout=1)
    assert [v.message for v in verdicts] == [
        "Seu mine.py não terminou de carregar em 1 s e foi interrompido: um laço sem fim fora de uma função?"
    ] * 2
