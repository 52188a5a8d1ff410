"""The child process in which the grader runs one student's file: it checks the exercises it is asked for and
reports each verdict on a pipe, one JSON line each, to the grader (grader.py), which enforces the time limit.

What the student's code cannot do here, and why:
- import micrograd (our solutions and our engine would pass every check): the modules the checks need are loaded
  first, then dropped from sys.modules, so an import of any `micrograd...` name, by a statement, `__import__`,
  importlib or a string given to exec, is a fresh import, which an audit hook refuses (but for what a notebook
  exported as a script imports: micrograd.datasets, and a stand-in micrograd.exercises whose check() does nothing);
- open a file of micrograd's package (reading solutions.py from disk, or importing it through a path of its own);
- reach the checker's frames or objects (sys._getframe, a traceback's frames, a trace function, the garbage
  collector's lists), which would let it change a verdict (the checker hands it none of its own objects: only the
  student's Values, numbers, and functions whose globals hold nothing);
- replace a function that the checks call too (math.tanh, abs, random.Random), so that both sides agree;
- start a process, use ctypes or read /proc (a process of its own would not be checked; ctypes and /proc/self/mem
  reach any memory), or use more memory than allowed (RLIMIT_AS: a huge allocation is a MemoryError).
Any of these flags the file: the audit hook (which Python lets no code remove) records the reason, and every exercise
fails with it, even if the student's code caught the error. Verdicts carry a secret the student's code never sees, so
a line it writes on the pipe is not taken for one.

Run by the grader as `python -I -c "..."` with the request as one JSON line on stdin.
"""

import builtins
import json
import math
import os
import random
import resource
import sys
import sysconfig
import types

# Events through which code gets hold of frames (a trace function receives each one) or of every object.
FRAME_EVENTS = {
    *("sys._getframe", "sys._current_frames", "sys.settrace", "sys.setprofile"),
    *("gc.get_objects", "gc.get_referrers", "gc.get_referents"),
}
PROCESS_EVENTS = {
    *("os.fork", "os.forkpty", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile", "os.kill"),
    *("os.killpg", "subprocess.Popen"),
}
# Modules of Python's library that look at their caller's frame only to read its module's name or warning registry.
READS_CALLER_ONLY = {"collections/__init__.py", "typing.py", "enum.py", "warnings.py"}
FRAME_ATTRIBUTES = {"tb_frame", "gi_frame", "cr_frame", "ag_frame", "f_back"}


def main():
    request = json.loads(sys.stdin.readline())
    token = request.pop("token")  # read before the student's code runs, and kept in this frame only
    report_file = os.fdopen(request["fd"], "w", buffering=1, encoding="utf-8")

    def report(**fields):
        report_file.write(f"{token} {json.dumps(fields)}\n")

    _limit(resource.RLIMIT_FSIZE, 10**7)  # a file the student's code writes: 10 MB at most
    _limit(resource.RLIMIT_AS, request["memory"]) or _limit(resource.RLIMIT_DATA, request["memory"])  # macOS: DATA

    from micrograd import datasets, exercises
    from micrograd.exercises import grader

    package = os.path.dirname(os.path.dirname(os.path.realpath(exercises.__file__)))
    for name in [name for name in sys.modules if name == "micrograd" or name.startswith("micrograd.")]:
        del sys.modules[name]  # our references stay; an import by the student's code must find them again
    _stand_ins(datasets)
    watched = _Watch(builtins, math, random, datasets)  # what the checks and our engine call, reachable by the student
    flags = []
    lang, path = request["lang"], request["file"]
    _guard(package, os.path.dirname(path), request["others"], flags)

    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))  # a module of the student's beside the file
    try:
        namespace = grader.load(path)
    except BaseException as error:  # whatever the file does at load time: SyntaxError, SystemExit, MemoryError, ...
        message = grader.load_failure(error, path, lang)
        report(loaded=False, message=grader.flag_message(flags[0], lang) if flags else message)
        return
    watched.check(flags)
    report(loaded=True)
    known = {}
    for number in request["numbers"]:
        report(start=number)
        try:
            result = exercises.check(number, namespace, lang, known=known)
        except BaseException as error:  # sys.exit(), KeyboardInterrupt, GeneratorExit, ... raised by the student
            result = exercises.Result(False, grader.escape_message(error, lang))
        watched.check(flags)
        if flags:
            result = exercises.Result(False, grader.flag_message(flags[0], lang))
        known[number] = result
        report(number=number, passed=result.passed, message=result.message)
    report_file.close()


class _Watch:
    """Modules whose functions both the checks and the student's code call (math.tanh, abs, random.Random, the moons):
    a student's file that replaces one of them, so that both sides agree on a wrong answer, is flagged."""

    def __init__(self, *modules):
        self.modules = modules
        self.snapshot = [dict(vars(module)) for module in modules]

    def check(self, flags):
        for module, before in zip(self.modules, self.snapshot):
            now = vars(module)
            for name in sorted(before.keys() | now.keys()):
                if now.get(name) is not before.get(name):
                    flags.append(("patch", f"{module.__name__}.{name}"))
                    return


def _limit(kind, limit):
    """Lower one of this process's resource limits; False where the system does not allow it (RLIMIT_AS on macOS)."""
    try:
        resource.setrlimit(kind, (limit, limit))
    except (ValueError, OSError):
        return False
    return True


def _guard(package, student_folder, others, flags):
    """Install the audit hook that refuses micrograd's modules and files, the checker's frames, and new processes."""
    package_prefix = package + os.sep
    standard_library = os.path.realpath(sysconfig.get_paths()["stdlib"]) + os.sep
    students = os.path.realpath(student_folder) + os.sep
    # Not the student's, even inside the student's folder (a clone of micrograd, a virtual environment there):
    libraries = tuple({os.path.realpath(sysconfig.get_paths()[kind]) + os.sep for kind in ("purelib", "platlib")})
    not_students = (package_prefix, standard_library, *libraries)
    others = {os.path.realpath(other) for other in others}
    checking = [False]  # the hook's own calls (realpath, _getframe) must not be judged

    def refuse(kind, detail, error=PermissionError):
        flags.append((kind, detail))
        raise error(f"not allowed in an exercise file: {detail}")

    def called_by_student(trigger):
        """True if the nearest caller outside Python's own library is the student's code: not the checker (reading
        the student's traceback), not a library (matplotlib's look at its caller, numpy's use of ctypes), not the
        parts of Python's library that only read their caller's module name (namedtuple, warnings, ...)."""
        if os.path.relpath(trigger.f_code.co_filename, standard_library) in READS_CALLER_ONLY:
            return False
        while trigger is not None and trigger.f_code.co_filename.startswith((standard_library, "<frozen")):
            trigger = trigger.f_back
        if trigger is None:
            return False
        filename = os.path.realpath(trigger.f_code.co_filename)
        return filename.startswith(students) and not filename.startswith(not_students)

    def hook(event, args):
        if checking[0]:
            return
        checking[0] = True
        try:
            if event == "import" and (args[0] == "micrograd" or str(args[0]).startswith("micrograd.")):
                refuse("import", args[0], ImportError)
            elif event == "open" and isinstance(args[0], (str, bytes)):
                opened = os.path.realpath(os.fsdecode(args[0]))
                if opened.startswith(package_prefix):
                    refuse("file", _source_of(os.path.relpath(opened, os.path.dirname(package))))
                if opened in others:
                    refuse("other", os.path.basename(opened))
                if opened.startswith("/proc/"):  # /proc/self/mem would show this process's memory
                    refuse("file", opened)
            elif event in FRAME_EVENTS or (event == "object.__getattr__" and args[1] in FRAME_ATTRIBUTES):
                if called_by_student(sys._getframe(1)):
                    refuse("frames", event if event in FRAME_EVENTS else f"{type(args[0]).__name__}.{args[1]}")
            elif event in PROCESS_EVENTS:
                refuse("process", event)
            elif event.startswith("ctypes.") and called_by_student(sys._getframe(1)):  # ctypes reaches any memory
                refuse("process", event)
        finally:
            checking[0] = False

    sys.addaudithook(hook)
    sys.meta_path.insert(0, _ReportImports)


class _ReportImports:
    """importlib.import_module raises no audit event of its own: its search for a module is reported to the hook as an
    import (this class holds nothing the student's code could use to undo a flag)."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        sys.audit("import", name, None, sys.path, sys.meta_path, sys.path_hooks)
        return None


def _stand_ins(datasets):
    """The parts of micrograd a notebook exported as a script imports (grader.ALLOWED_IMPORTS): the datasets, and a
    micrograd.exercises whose check() does nothing. Any other micrograd module is a new import, which is refused."""
    package = types.ModuleType("micrograd")
    stand_in = types.ModuleType("micrograd.exercises")
    package.__path__, stand_in.__path__ = [], []
    stand_in.check = eval("lambda *args, **kwargs: None", {"__builtins__": {}})  # globals that lead nowhere
    package.datasets, package.exercises = datasets, stand_in
    sys.modules.update({"micrograd": package, "micrograd.exercises": stand_in, "micrograd.datasets": datasets})


def _source_of(path):
    """micrograd/x.py for micrograd/__pycache__/x.cpython-311.pyc: the module a compiled file was read for."""
    folder, name = os.path.split(path)
    if os.path.basename(folder) != "__pycache__":
        return path
    return os.path.join(os.path.dirname(folder), name.split(".")[0] + ".py")


if __name__ == "__main__":
    main()
