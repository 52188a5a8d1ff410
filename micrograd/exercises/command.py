"""`micrograd exercises`: list the exercises, start a file of stubs, check it, give hints and solutions, grade a class.

    micrograd exercises start                  # writes micrograd_exercises.py
    micrograd exercises check 1 --lang pt      # checks exercise 1 in it; exit status 0 if it passes, 1 if not
    micrograd exercises check all --json       # every exercise, a score, as JSON (for autograding)
    micrograd exercises hint 1                 # a nudge; --level 2: the rule; --level 3: the shape of the code
    micrograd exercises solution 1
    micrograd exercises grade submissions/ --csv   # one file per student: a row each, a column per exercise

The learner's file runs in a process of its own (see grader.py), so nothing in it can hang or stop the command. A
course.json beside the file (or in the graded folder) can hide solutions and hints. Usage errors print one line on
stderr, in the language asked for, and exit with status 2.
"""

import argparse
import sys
from pathlib import Path

from micrograd import exercises
from micrograd.exercises import grader
from micrograd.exercises.hints import HINTS
from micrograd.messages import OneLineErrorParser, command_error, one_line

DEFAULT_FILE = "micrograd_exercises.py"
ACTIONS = ("list", "start", "check", "hint", "solution", "grade")
COUNT = len(exercises.EXERCISES)

TEXT = {
    "list_header": {
        "en": "Exercises (micrograd exercises start writes {file}; check N checks one; hint N helps; solution N shows "
        "ours):",
        "pt": "Exercícios (micrograd exercises start cria {file}; check N confere um; hint N dá uma dica; solution N "
        "mostra o nosso):",
    },
    "started": {
        "en": "wrote {file}: write exercise 1 in it, then run micrograd exercises check 1{options}",
        "pt": "criado {file}: escreva nele o exercício 1, depois rode micrograd exercises check 1{options}",
    },
    "exists": {
        "en": "{file} already exists (your work?): pass --file to start another one",
        "pt": "{file} já existe (o seu trabalho?): use --file para começar outro",
    },
    "no_file": {
        "en": "there is no {file}: run micrograd exercises start first (or pass --file)",
        "pt": "não existe {file}: rode micrograd exercises start antes (ou use --file)",
    },
    "cannot_write": {"en": "cannot write {file}: {reason}", "pt": "não é possível escrever {file}: {reason}"},
    "unknown_action": {
        "en": "unknown action {action!r}: choose from {actions}",
        "pt": "ação desconhecida {action!r}: escolha entre {actions}",
    },
    "needs_number": {
        "en": "{action} needs an exercise number from 1 to {count}, got {given}",
        "pt": "{action} precisa de um número de exercício de 1 a {count}, recebeu {given}",
    },
    "needs_number_or_all": {
        "en": "check needs an exercise number from 1 to {count} or all, got {given}",
        "pt": "check precisa de um número de exercício de 1 a {count} ou all, recebeu {given}",
    },
    "takes_no_number": {
        "en": "{action} takes no exercise number, got {given}",
        "pt": "{action} não recebe número de exercício, recebeu {given}",
    },
    "needs_folder": {
        "en": "grade needs the folder of the students' files, got {given}",
        "pt": "grade precisa da pasta com os arquivos dos estudantes, recebeu {given}",
    },
    "not_a_folder": {"en": "{folder} is not a folder", "pt": "{folder} não é uma pasta"},
    "no_students": {
        "en": "{folder} has no .py or .txt file to grade",
        "pt": "{folder} não tem arquivo .py ou .txt para corrigir",
    },
    "bad_level": {
        "en": "--level must be 1, 2 or 3, got {given}",
        "pt": "--level deve ser 1, 2 ou 3, recebeu {given}",
    },
    "bad_timeout": {
        "en": "--timeout must be a number of seconds above 0 and at most 600, got {given}",
        "pt": "--timeout deve ser um número de segundos acima de 0 e até 600, recebeu {given}",
    },
    "json_and_csv": {"en": "choose --json or --csv, not both", "pt": "escolha --json ou --csv, não os dois"},
    "option_not_here": {
        "en": "{option} goes with {actions} only",
        "pt": "{option} vale só com {actions}",
    },
    "solutions_hidden": {
        "en": "solutions are hidden in this course ({course}): try micrograd exercises hint {number}",
        "pt": "as soluções estão ocultas neste curso ({course}): tente micrograd exercises hint {number} --lang pt",
    },
    "hints_hidden": {
        "en": "this course ({course}) gives no hints",
        "pt": "este curso ({course}) não dá dicas",
    },
    "hint_limit": {
        "en": "this course ({course}) gives {hints} hint(s) per exercise; here is the last one:",
        "pt": "este curso ({course}) dá {hints} dica(s) por exercício; aqui está a última:",
    },
    "hint": {
        "en": "Hint {level} of 3 for exercise {number} ({title}): {text}",
        "pt": "Dica {level} de 3 para o exercício {number} ({title}): {text}",
    },
    "next_hint": {
        "en": "More: micrograd exercises hint {number} --level {level}{options}",
        "pt": "Mais: micrograd exercises hint {number} --level {level}{options}",
    },
    "score": {"en": "Score: {score} of {out_of}.", "pt": "Nota: {score} de {out_of}."},
    "student": {
        "en": "{file}: {score} of {out_of}{flagged}{failing}",
        "pt": "{file}: {score} de {out_of}{flagged}{failing}",
    },
    "failing": {"en": "; not passing: {numbers}", "pt": "; não passam: {numbers}"},
    "flagged": {"en": " (flagged)", "pt": " (sinalizado)"},
}


def add_arguments(parser: argparse.ArgumentParser):
    """Add the command's arguments to `parser` (its own, or a subcommand's). Values are checked by run(), so that its
    usage errors speak the language asked for."""
    parser.add_argument("action", nargs="?", default="list", help=f"what to do: {', '.join(ACTIONS)} (default list)")
    parser.add_argument("target", nargs="?", help=f"the exercise (1 to {COUNT}; check: or all), or grade's folder")
    parser.add_argument("--lang", default="en", help="en (English) or pt (Brazilian Portuguese)")
    parser.add_argument("--file", type=Path, help=f"your file (default {DEFAULT_FILE})")
    parser.add_argument("--level", help="hint: 1 a nudge, 2 the rule, 3 the shape of the code")
    parser.add_argument("--json", action="store_true", help="check all, grade: the report as JSON")
    parser.add_argument("--csv", action="store_true", help="grade: the report as CSV, a row per student")
    parser.add_argument("--timeout", help=f"check, grade: seconds per check (default {grader.DEFAULT_TIMEOUT:g})")


def run(args) -> int:
    """Run the command with parsed arguments; its exit status: 0 on success or a passing check, 1 on a failing check,
    2 after a one-line usage error on stderr."""
    lang = args.lang if args.lang in exercises.LANGUAGES else "en"
    if args.lang not in exercises.LANGUAGES:
        return command_error("exercises", f"--lang must be en or pt, got {args.lang!r}")

    def error(key, **fields):
        return command_error("exercises", TEXT[key][lang].format(**fields), language=lang)

    if args.action not in ACTIONS:
        return error("unknown_action", action=args.action, actions=", ".join(ACTIONS))
    problem = _usage_problem(args)
    if problem:
        return error(*problem[:1], **problem[1])
    path = args.file or Path(DEFAULT_FILE)
    try:
        course = grader.read_course(args.target if args.action == "grade" else path.parent)
    except grader.CourseError as bad:
        return command_error("exercises", str(bad), language=lang)
    timeout = float(args.timeout) if args.timeout else course.timeout
    number = int(args.target) if _is_number(args.target) and args.action != "grade" else None

    if args.action == "list":
        print(TEXT["list_header"][lang].format(file=DEFAULT_FILE))
        for exercise in exercises.EXERCISES:
            print(f"{exercise.number:3d}. {exercise.title[lang]:40s} {', '.join(exercise.names)}")
    elif args.action == "start":
        if path.exists():
            return error("exists", file=path)
        try:
            path.write_text(exercises.starter_source(lang), encoding="utf-8")
        except OSError as failure:
            return error("cannot_write", file=path, reason=failure.strerror)
        print(TEXT["started"][lang].format(file=path, options=_options(args)))
    elif args.action == "hint":
        return _hint(args, number, course, lang)
    elif args.action == "solution":
        if not course.solutions:
            return error("solutions_hidden", course=Path(path.parent, grader.COURSE_FILE), number=number)
        print(exercises.solution_source(number, lang), end="")
    elif args.action == "grade":
        folder = Path(args.target)
        if not folder.is_dir():
            return error("not_a_folder", folder=folder)
        if not grader.student_files(folder):
            return error("no_students", folder=folder)
        report = grader.grade(folder, lang, timeout)
        _print_report(report, args, lang)
    else:
        if not path.is_file():
            return error("no_file", file=path)
        numbers = course.exercises if number is None else [number]
        verdicts = grader.check_file(path, numbers, lang, timeout)
        if number is not None:
            print(verdicts[0].message)
            return 0 if verdicts[0].passed else 1
        student = grader.student_report(path.name, verdicts)
        if args.json:
            print(grader.as_json({"students": [student]}))
        else:
            for verdict in verdicts:
                print(f"{verdict.number:3d} {'✓' if verdict.passed else '✗'} {verdict.message}")
            print(TEXT["score"][lang].format(**student))
        return 0 if student["score"] == student["out_of"] else 1
    return 0


def _usage_problem(args):
    """(TEXT key, fields) for arguments that do not fit together, or None."""
    action, target = args.action, args.target
    if action in ("hint", "solution") and not _is_number(target):
        return "needs_number", {"action": action, "count": COUNT, "given": "none" if target is None else target}
    if action == "check" and target != "all" and not _is_number(target):
        return "needs_number_or_all", {"count": COUNT, "given": "none" if target is None else target}
    if action == "grade" and target is None:
        return "needs_folder", {"given": "none"}
    if action in ("list", "start") and target is not None:
        return "takes_no_number", {"action": action, "given": target}
    if args.level is not None and (action != "hint" or args.level not in ("1", "2", "3")):
        return ("bad_level", {"given": args.level}) if action == "hint" else _not_here("--level", "hint")
    if args.json and args.csv:
        return "json_and_csv", {}
    if args.csv and action != "grade":
        return _not_here("--csv", "grade")
    if args.json and not (action == "grade" or (action == "check" and target == "all")):
        return _not_here("--json", "check all, grade")
    if args.timeout is not None:
        if action not in ("check", "grade"):
            return _not_here("--timeout", "check, grade")
        try:
            seconds = float(args.timeout)
        except ValueError:
            seconds = None
        if seconds is None or not 0 < seconds <= 600:
            return "bad_timeout", {"given": args.timeout}
    if args.file is not None and action == "grade":
        return _not_here("--file", "start, check, hint, solution")
    return None


def _not_here(option, actions):
    return "option_not_here", {"option": option, "actions": actions}


def _is_number(text):
    return text is not None and text.isdigit() and 1 <= int(text) <= COUNT


def _options(args):
    """The options a later command needs to find the same file and speak the same language."""
    return (f" --file {args.file}" if args.file else "") + (" --lang pt" if args.lang == "pt" else "")


def _hint(args, number, course, lang):
    course_file = Path((args.file or Path(DEFAULT_FILE)).parent, grader.COURSE_FILE)
    if course.hints == 0:
        return command_error("exercises", TEXT["hints_hidden"][lang].format(course=course_file), language=lang)
    level = int(args.level or 1)
    if level > course.hints:
        print(TEXT["hint_limit"][lang].format(course=course_file, hints=course.hints))
        level = course.hints
    title = exercises.EXERCISES[number - 1].title[lang]
    print(TEXT["hint"][lang].format(level=level, number=number, title=title, text=HINTS[number][lang][level - 1]))
    if level < course.hints:
        print(TEXT["next_hint"][lang].format(number=number, level=level + 1, options=_options(args)))
    return 0


def _print_report(report, args, lang):
    if args.json:
        print(grader.as_json(report))
    elif args.csv:
        print(grader.as_csv(report), end="")
    else:
        for student in report["students"]:
            failing = [str(e["number"]) for e in student["exercises"] if not e["passed"]]
            fields = dict(student, flagged=TEXT["flagged"][lang] if student["flagged"] else "")
            fields["failing"] = TEXT["failing"][lang].format(numbers=", ".join(failing)) if failing else ""
            print(one_line(TEXT["student"][lang].format(**fields)))


def main(argv=None) -> int:
    """The command on its own: `python -m micrograd.exercises.command check 1`."""
    parser = OneLineErrorParser(prog="micrograd exercises", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
