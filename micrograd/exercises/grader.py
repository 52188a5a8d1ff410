"""Checking a student's file, or a class's folder of them, where nothing in a file can stop, hang or fool the run.

Each file runs in a process of its own (micrograd/exercises/sandbox.py) with a memory limit; the grader gives each check
a time limit and kills the process past it. A loop, sys.exit(), os._exit(), a BaseException, a crash or a huge
allocation fails the check it happens in, with a reason, and the next checks go on in a new process. A file that
imports micrograd (our solutions or our engine, by any route) or reads its files is flagged, and passes nothing.

    >>> report = grade(Path("submissions"))                 # doctest: +SKIP
    >>> print(as_json(report))                              # doctest: +SKIP

The JSON is a stable format (FORMAT below); the CSV has one row per student and a column per exercise.
"""

import ast
import csv
import io
import json
import os
import secrets
import selectors
import signal
import subprocess
import sys
import threading
import time
import types
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

from micrograd.exercises import EXERCISES
from micrograd.exercises.checks import Described, describe

DEFAULT_TIMEOUT = 5.0  # seconds per check (the longest exercise's own factor multiplies it)
DEFAULT_MEMORY = 1 << 30  # bytes of address space for a student's process
LOADING_SECONDS = 10  # what loading may take beyond a check's time: Python's start and imports, on a busy machine
COURSE_FILE = "course.json"
# What a student's file may import from micrograd (None: anything in it): what a notebook exported as a script does. In
# the student's process micrograd.exercises is a stand-in whose check() does nothing.
ALLOWED_IMPORTS = {"micrograd.exercises": ("check",), "micrograd.datasets": None}
SUFFIXES = (".py", ".txt")  # what `grade` takes for a student's file in a folder
PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent.parent)  # the folder holding the micrograd package
CHILD = f"import sys; sys.path[:0] = [{PACKAGE_ROOT!r}]; from micrograd.exercises.sandbox import main; main()"

FORMAT = """\
{"students": [                      one entry per student's file, in file-name order
  {"file": "ana.py",                the file's name in the folder
   "score": 17,                     how many exercises pass
   "out_of": 19,                    how many were checked
   "flagged": null,                 or why the file passes nothing (it imports micrograd, reads its files, ...)
   "exercises": [{"number": 1, "passed": true, "message": "..."}, ...]}  each checked exercise, in order
]}"""

TEXT = {
    "timeout": {
        "en": "Your code took longer than {seconds} s on exercise {number} and was stopped: an endless loop?",
        "pt": "Seu código levou mais de {seconds} s no exercício {number} e foi interrompido: um laço sem fim?",
    },
    "load_timeout": {
        "en": "Your {file} did not finish loading in {seconds} s and was stopped: an endless loop outside a function?",
        "pt": "Seu {file} não terminou de carregar em {seconds} s e foi interrompido: um laço sem fim fora de uma "
        "função?",
    },
    "ended": {
        "en": "Your code ended the process during exercise {number} ({how}): a function must return its answer, "
        "not end the program.",
        "pt": "Seu código encerrou o processo durante o exercício {number} ({how}): uma função deve devolver a "
        "resposta, não encerrar o programa.",
    },
    "load_ended": {
        "en": "Your {file} ended the process while loading ({how}): put code that runs things under "
        'if __name__ == "__main__":.',
        "pt": "Seu {file} encerrou o processo ao carregar ({how}): ponha o código que executa coisas sob "
        'if __name__ == "__main__":.',
    },
    "exit_status": {"en": "exit status {status}", "pt": "status de saída {status}"},
    "signal": {"en": "killed by {signal}", "pt": "morto por {signal}"},
    "sys_exit": {
        "en": "Your code called sys.exit() during the check: a function must return its answer, not end the program.",
        "pt": "Seu código chamou sys.exit() durante a conferência: uma função deve devolver a resposta, não encerrar "
        "o programa.",
    },
    "base_exception": {
        "en": "Your code raised {error} during the check: raise an Exception (ValueError, ...), or none.",
        "pt": "Seu código lançou {error} durante a conferência: lance uma Exception (ValueError, ...), ou nenhuma.",
    },
    "does_not_run": {"en": "Your {file} does not run: {error}.", "pt": "Seu {file} não roda: {error}."},
    "load_exit": {
        "en": 'Your {file} calls sys.exit() while loading: put code that runs things under if __name__ == "__main__":.',
        "pt": "Seu {file} chama sys.exit() ao carregar: ponha o código que executa coisas sob "
        'if __name__ == "__main__":.',
    },
    "memory": {
        "en": "Your {file} needs more memory than the {limit} allowed while loading.",
        "pt": "Seu {file} precisa de mais memória do que os {limit} permitidos ao carregar.",
    },
    "not_utf8": {
        "en": "Your {file} is not UTF-8 text (byte {byte} at position {position}): save it as UTF-8.",
        "pt": "Seu {file} não é texto UTF-8 (byte {byte} na posição {position}): salve-o como UTF-8.",
    },
    "no_verdict": {
        "en": "The check of exercise {number} gave no verdict: your code closed the grader's channel.",
        "pt": "A conferência do exercício {number} não deu veredito: seu código fechou o canal do corretor.",
    },
}
FLAGS = {
    "import": {
        "en": "Flagged: your file imports {detail}, part of micrograd itself; exercises are checked on your own code, "
        "so none passes.",
        "pt": "Sinalizado: seu arquivo importa {detail}, parte do próprio micrograd; os exercícios conferem o seu "
        "próprio código, então nenhum passa.",
    },
    "file": {
        "en": "Flagged: your file reads {detail}, a file of micrograd itself; exercises are checked on your own code, "
        "so none passes.",
        "pt": "Sinalizado: seu arquivo lê {detail}, um arquivo do próprio micrograd; os exercícios conferem o seu "
        "próprio código, então nenhum passa.",
    },
    "other": {
        "en": "Flagged: your file reads {detail}, another student's file; none passes.",
        "pt": "Sinalizado: seu arquivo lê {detail}, o arquivo de outro estudante; nenhum passa.",
    },
    "frames": {
        "en": "Flagged: your code reaches into the checker ({detail}); none passes.",
        "pt": "Sinalizado: seu código mexe por dentro do corretor ({detail}); nenhum passa.",
    },
    "patch": {
        "en": "Flagged: your code replaces {detail}, which the checker uses too; none passes.",
        "pt": "Sinalizado: seu código substitui {detail}, que o corretor também usa; nenhum passa.",
    },
    "process": {
        "en": "Flagged: your code starts a process or loads a C library ({detail}); none passes.",
        "pt": "Sinalizado: seu código inicia um processo ou carrega uma biblioteca C ({detail}); nenhum passa.",
    },
}


class Verdict(NamedTuple):
    number: int
    passed: bool
    message: str


class Course(NamedTuple):
    """What a teacher's course.json sets: which exercises count, how many hints, whether solutions show, the limits."""

    exercises: tuple = tuple(e.number for e in EXERCISES)
    hints: int = 3
    solutions: bool = True
    timeout: float = DEFAULT_TIMEOUT


class CourseError(ValueError):
    """A course.json that cannot be used: the message names the file and the problem."""


def read_course(folder):
    """The Course of `folder`'s course.json, or the defaults if it has none; CourseError names a bad setting."""
    path = Path(folder) / COURSE_FILE
    if not path.is_file():
        return Course()
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CourseError(f"{path} is not a JSON file: {error}") from None
    if not isinstance(settings, dict):
        raise CourseError(f"{path} must hold a JSON object, got {type(settings).__name__}")
    unknown = set(settings) - set(Course._fields)
    if unknown:
        raise CourseError(f"{path} has an unknown setting {sorted(unknown)[0]!r}: the settings are {Course._fields}")
    numbers, hints = settings.get("exercises", list(Course().exercises)), settings.get("hints", 3)
    solutions, timeout = settings.get("solutions", True), settings.get("timeout", DEFAULT_TIMEOUT)
    if not isinstance(numbers, list) or not all(_is_exercise(n) for n in numbers) or not numbers:
        raise CourseError(f"{path}: exercises must be a list of exercise numbers from 1 to {len(EXERCISES)}")
    if not _whole(hints) or not 0 <= hints <= 3:
        raise CourseError(f"{path}: hints must be a whole number from 0 to 3, got {hints!r}")
    if not isinstance(solutions, bool):
        raise CourseError(f"{path}: solutions must be true or false, got {solutions!r}")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 600:
        raise CourseError(f"{path}: timeout must be a number of seconds above 0 and at most 600, got {timeout!r}")
    return Course(tuple(sorted(set(numbers))), hints, solutions, float(timeout))


def _whole(x):
    return isinstance(x, int) and not isinstance(x, bool)


def _is_exercise(x):
    return _whole(x) and 1 <= x <= len(EXERCISES)


# --- in the student's process (sandbox.py calls these)


class NotUtf8(ValueError):
    def __init__(self, error):
        super().__init__(str(error))
        self.byte, self.position = f"0x{error.object[error.start]:02x}", error.start


def load(path):
    """Run the student's file as a module of its own (any suffix: .py, .txt): its namespace."""
    source = Path(path).read_bytes()
    try:
        source.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotUtf8(error) from None
    module = types.ModuleType("submission")
    module.__file__ = str(path)
    sys.modules["submission"] = module  # dataclasses and pickle look a class's module up by name
    exec(compile(source, str(path), "exec"), module.__dict__)
    return module


def load_failure(error, path, lang):
    """The one-line message for a file that fails while it loads."""
    file = Path(path).name
    if isinstance(error, NotUtf8):
        return TEXT["not_utf8"][lang].format(file=file, byte=error.byte, position=error.position)
    if isinstance(error, SystemExit):
        return TEXT["load_exit"][lang].format(file=file)
    if isinstance(error, MemoryError):
        return TEXT["memory"][lang].format(file=file, limit=_size(DEFAULT_MEMORY))
    return TEXT["does_not_run"][lang].format(file=file, error=describe(error, lang))


def escape_message(error, lang):
    """The message for a BaseException that is not an Exception, raised by the student's code during a check."""
    if isinstance(error, SystemExit):
        return TEXT["sys_exit"][lang]
    return TEXT["base_exception"][lang].format(error=describe(error, lang))


def flag_message(flag, lang):
    kind, detail = flag
    return FLAGS[kind][lang].format(detail=detail)


def _size(n):
    return f"{n / (1 << 30):g} GiB"


# --- in the grader's process


# grade() checks files in threads, and CPython 3.11's ast.parse is not thread-safe: two at once can fail with
# "SystemError: AST constructor recursion depth mismatch" (python/cpython#106905). One parse at a time.
_PARSING = threading.Lock()


def imported_micrograd(source):
    """The first statement of a file's source that imports micrograd beyond ALLOWED_IMPORTS, as (module name, line
    number), or None."""
    try:
        with _PARSING:
            tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None  # the student's process says what is wrong with it
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [(node.module or "", alias.name) for alias in node.names]
        else:
            continue
        for module, name in names:
            if (module == "micrograd" or module.startswith("micrograd.")) and not _allowed(module, name):
                return module if name is None else f"{module}.{name}", node.lineno
    return None


def _allowed(module, name):
    """Whether `import module` (name None) or `from module import name` stays within ALLOWED_IMPORTS."""
    if name is not None and f"{module}.{name}" in ALLOWED_IMPORTS:  # from micrograd import datasets
        return True
    if module not in ALLOWED_IMPORTS:
        return False
    allowed = ALLOWED_IMPORTS[module]
    return allowed is None or name is None or name in allowed


def check_file(path, numbers, lang="en", timeout=DEFAULT_TIMEOUT, memory=DEFAULT_MEMORY, others=()):
    """A Verdict for each exercise of `numbers` in the student's file at `path`, in order, each checked in a child
    process within `timeout` seconds (times the exercise's own factor). `others`: the class's other files, which this
    one may not read."""
    numbers = list(numbers)
    imported = imported_micrograd(Path(path).read_bytes())
    if imported:
        name, lineno = imported
        message = flag_message(("import", f"{name} ({Described.LINE[lang]} {lineno})"), lang)
        return [Verdict(number, False, message) for number in numbers]
    verdicts = []
    while len(verdicts) < len(numbers):
        remaining = numbers[len(verdicts) :]
        found, stopped = _run_child(path, remaining, lang, timeout, memory, others)
        verdicts += found
        if stopped is not None:  # the check in progress failed with this message; the next ones go on in a new child
            number, message, at_load = stopped
            if at_load:
                return verdicts + [Verdict(n, False, message) for n in remaining]
            verdicts.append(Verdict(number, False, message))
    return verdicts


def _run_child(path, numbers, lang, timeout, memory, others):
    """Run the sandbox over `numbers`: (verdicts it gave, None) if it finished, else (verdicts, (number, message,
    at_load)) for the check it was stopped in."""
    read_end, write_end = os.pipe()
    token = secrets.token_hex(16)
    request = {"token": token, "fd": write_end, "file": str(Path(path).resolve()), "numbers": numbers}
    request.update(lang=lang, memory=memory, others=[str(o) for o in others])
    child = subprocess.Popen(
        [sys.executable, "-I", "-c", CHILD],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(write_end,),
        cwd=Path(path).resolve().parent,
        start_new_session=True,  # its own process group, killed whole
    )
    os.close(write_end)
    verdicts, current, loaded = [], None, False
    allowed = [timeout + LOADING_SECONDS]  # seconds for the step under way: loading, then each check (times its factor)
    file = Path(path).name
    try:
        try:
            child.stdin.write(json.dumps(request).encode() + b"\n")
            child.stdin.close()
        except BrokenPipeError:  # the child is gone already: its channel's end says how
            pass
        for line in _lines(read_end, token, lambda: allowed[0]):
            if line is None:  # time is up
                _kill(child)
                if not loaded:
                    message = TEXT["load_timeout"][lang].format(file=file, seconds=f"{allowed[0]:g}")
                    return verdicts, (numbers[0], message, True)
                seconds = f"{check_seconds(current, timeout):g}"
                return verdicts, (current, TEXT["timeout"][lang].format(seconds=seconds, number=current), False)
            if "loaded" in line:
                loaded = True
                if not line["loaded"]:
                    return verdicts, (numbers[0], line["message"], True)
            elif "start" in line:
                current = line["start"]
                allowed[0] = check_seconds(current, timeout)
            elif line.get("number") == current:
                verdicts.append(Verdict(current, bool(line["passed"]), str(line["message"])))
                current = None
                if len(verdicts) == len(numbers):  # done: a thread of the student's may keep the process alive
                    return verdicts, None
        try:
            status = child.wait(timeout)
        except subprocess.TimeoutExpired:  # the channel closed, the process goes on: a thread of the student's
            status = None
    finally:
        _kill(child)
        os.close(read_end)
    how = _how_it_ended(status, lang)
    if not loaded:
        return verdicts, (numbers[0], TEXT["load_ended"][lang].format(file=file, how=how), True)
    number = current if current is not None else numbers[len(verdicts)]
    if status == 0 and current is None:
        return verdicts, (number, TEXT["no_verdict"][lang].format(number=number), False)
    return verdicts, (number, TEXT["ended"][lang].format(number=number, how=how), False)


def _lines(read_end, token, seconds_allowed):
    """The child's reports as dicts, in order; None when the time allowed for the current step runs out. Lines
    without the token (written by the student's code) are skipped; a line longer than a megabyte is dropped."""
    selector = selectors.DefaultSelector()
    selector.register(read_end, selectors.EVENT_READ)
    buffer, started = b"", time.monotonic()
    prefix = token.encode() + b" "
    try:
        while True:
            left = seconds_allowed() - (time.monotonic() - started)
            if left <= 0 or not selector.select(left):
                yield None
                return
            chunk = os.read(read_end, 65536)
            if not chunk:
                return
            buffer += chunk
            *complete, buffer = buffer.split(b"\n")
            if len(buffer) > 1 << 20:
                buffer = b""
            for raw in complete:
                if raw.startswith(prefix):
                    try:
                        line = json.loads(raw[len(prefix) :])
                    except ValueError:
                        continue
                    started = time.monotonic()  # each step gets its own time
                    yield line
    finally:
        selector.close()


def _kill(child):
    if child.poll() is None:
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        child.wait()


def _how_it_ended(status, lang):
    if status is None:
        return TEXT["signal"][lang].format(signal="SIGKILL")
    if status < 0:
        return TEXT["signal"][lang].format(signal=signal.Signals(-status).name)
    return TEXT["exit_status"][lang].format(status=status)


def check_seconds(number, timeout=DEFAULT_TIMEOUT):
    """The seconds exercise `number`'s check may take: the time limit times the exercise's own factor."""
    return timeout * EXERCISES[number - 1].seconds


def student_files(folder):
    """The students' files of a folder: every .py and .txt file in it, by name (not course.json, not subfolders, not
    hidden files such as an editor's)."""
    return sorted(p for p in Path(folder).iterdir() if p.is_file() and p.suffix in SUFFIXES and p.name[0] != ".")


def grade(folder, lang="en", timeout=None, memory=DEFAULT_MEMORY, jobs=None):
    """The report of a class: every student file of `folder` checked on the course's exercises (course.json), each in
    processes of its own, `jobs` files at a time."""
    course = read_course(folder)
    timeout = course.timeout if timeout is None else timeout
    files = student_files(folder)
    jobs = jobs or max(1, min(4, os.cpu_count() or 1))

    def one(path):
        others = [other for other in files if other != path]
        return student_report(path.name, check_file(path, course.exercises, lang, timeout, memory, others))

    with ThreadPoolExecutor(jobs) as pool:
        return {"students": list(pool.map(one, files))}


def student_report(file, verdicts):
    """One student's entry of the report (see FORMAT)."""
    flag_openings = tuple(text[lang].split(":")[0] for text in FLAGS.values() for lang in text)
    return {
        "file": file,
        "score": sum(v.passed for v in verdicts),
        "out_of": len(verdicts),
        "flagged": next((v.message for v in verdicts if v.message.startswith(flag_openings)), None),
        "exercises": [v._asdict() for v in verdicts],
    }


def as_json(report):
    return json.dumps(report, ensure_ascii=False, indent=2)


def as_csv(report):
    """One row per student: file, score, out_of, flagged (yes/no), then 1 or 0 per exercise."""
    numbers = sorted({e["number"] for student in report["students"] for e in student["exercises"]})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["file", "score", "out_of", "flagged", *(f"exercise {n}" for n in numbers)])
    for student in report["students"]:
        passed = {e["number"]: e["passed"] for e in student["exercises"]}
        marks = [int(passed[n]) if n in passed else "" for n in numbers]
        flagged = "yes" if student["flagged"] else "no"
        writer.writerow([student["file"], student["score"], student["out_of"], flagged, *marks])
    return out.getvalue()
