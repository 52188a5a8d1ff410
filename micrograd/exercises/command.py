"""`micrograd exercises`: list the exercises, start a file of stubs, check an exercise in it, show a solution.

    micrograd exercises start                # writes micrograd_exercises.py
    micrograd exercises check 1 --lang pt    # checks exercise 1 in it; exit status 0 if it passes, 1 if not
    micrograd exercises solution 1

`check` runs the learner's file and nothing else. Usage errors print one line on stderr and exit with status 2.
"""

import argparse
import importlib.util
import sys
from pathlib import Path

from micrograd import exercises
from micrograd.exercises.checks import describe
from micrograd.messages import OneLineErrorParser, command_error

DEFAULT_FILE = "micrograd_exercises.py"
ACTIONS = ("list", "start", "check", "solution")

TEXT = {
    "list_header": {
        "en": "Exercises (micrograd exercises start writes {file}; check N checks one; solution N shows ours):",
        "pt": "Exercícios (micrograd exercises start cria {file}; check N confere um; solution N mostra o nosso):",
    },
    "started": {
        "en": "wrote {file}: write exercise 1 in it, then run micrograd exercises check 1",
        "pt": "criado {file}: escreva nele o exercício 1, depois rode micrograd exercises check 1 --lang pt",
    },
    "exists": {
        "en": "{file} already exists (your work?): pass --file to start another one",
        "pt": "{file} já existe (o seu trabalho?): use --file para começar outro",
    },
    "no_file": {
        "en": "there is no {file}: run micrograd exercises start first (or pass --file)",
        "pt": "não existe {file}: rode micrograd exercises start antes (ou use --file)",
    },
    "does_not_run": {
        "en": "Your {file} does not run: {error}.",
        "pt": "Seu {file} não roda: {error}.",
    },
}


def add_arguments(parser: argparse.ArgumentParser):
    """Add the command's arguments to `parser` (its own, or a subcommand's)."""
    parser.add_argument("action", nargs="?", choices=ACTIONS, default="list", help="what to do (default: list)")
    parser.add_argument("number", nargs="?", type=int, help=f"the exercise, 1 to {len(exercises.EXERCISES)}")
    parser.add_argument("--lang", choices=exercises.LANGUAGES, default="en", help="English or Portuguese")
    parser.add_argument("--file", type=Path, default=Path(DEFAULT_FILE), help=f"your file (default {DEFAULT_FILE})")


def run(args) -> int:
    """Run the command with parsed arguments; its exit status: 0 on success or a passing check, 1 on a failing check,
    2 after a one-line usage error on stderr."""
    lang, path = args.lang, args.file
    if args.action in ("check", "solution"):
        if args.number is None or not 1 <= args.number <= len(exercises.EXERCISES):
            given = "none" if args.number is None else args.number
            return command_error(
                "exercises", f"{args.action} needs an exercise number from 1 to {len(exercises.EXERCISES)}, got {given}"
            )
    elif args.number is not None:
        return command_error("exercises", f"{args.action} takes no exercise number, got {args.number}")

    if args.action == "list":
        print(TEXT["list_header"][lang].format(file=DEFAULT_FILE))
        for exercise in exercises.EXERCISES:
            print(f"{exercise.number:3d}. {exercise.title[lang]:28s} {', '.join(exercise.names)}")
    elif args.action == "start":
        if path.exists():
            return command_error("exercises", TEXT["exists"][lang].format(file=path))
        try:
            path.write_text(exercises.starter_source(lang), encoding="utf-8")
        except OSError as error:
            return command_error("exercises", f"cannot write {path}: {error.strerror}")
        print(TEXT["started"][lang].format(file=path))
    elif args.action == "solution":
        print(exercises.solution_source(args.number, lang), end="")
    else:
        if not path.is_file():
            return command_error("exercises", TEXT["no_file"][lang].format(file=path))
        try:
            namespace = _load(path)
        except Exception as error:  # the learner's module failed at import time: SyntaxError, NameError, ...
            print(TEXT["does_not_run"][lang].format(file=path, error=describe(error)))
            return 1
        result = exercises.check(args.number, namespace, lang)
        print(result.message)
        return 0 if result.passed else 1
    return 0


def main(argv=None) -> int:
    """The command on its own: `python -m micrograd.exercises.command check 1`."""
    parser = OneLineErrorParser(prog="micrograd exercises", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


def _load(path):
    """The learner's file, run as a module of its own (not imported into sys.modules): its namespace."""
    spec = importlib.util.spec_from_file_location("micrograd_exercises_learner", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    sys.exit(main())
