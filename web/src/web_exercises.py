"""The exercises page's Python side, in the browser's worker: the exercises, the starter file, and a check of the
learner's file with the same steps and messages as `micrograd exercises check N`.

The command runs the file in a sandboxed process of its own (a grader must not be fooled); a browser tab has no
processes, and the learner checks only their own code there, so the page loads it and checks it in the worker, with
the functions the sandbox calls: grader.load, grader.load_failure, exercises.check, grader.escape_message; and under the
command's time limits, which the page keeps by restarting the worker (see exercises.js).
"""

from micrograd import exercises
from micrograd.exercises import command, grader

CLI_LANGUAGE = {"en": "en", "pt-BR": "pt"}


def listing(language):
    """Every exercise as {number, title, names}: the page lists what micrograd.exercises has, however many."""
    lang = CLI_LANGUAGE[language]
    return [{"number": e.number, "title": e.title[lang], "names": list(e.names)} for e in exercises.EXERCISES]


def starter(language):
    """The file `micrograd exercises start` writes, in `language`."""
    return exercises.starter_source(CLI_LANGUAGE[language])


def time_limits(number, language):
    """The command's time limits for loading the file and for checking exercise `number`, with what it says past
    each: {"load": [seconds, message], "check": [seconds, message]}. The page asks before running the learner's code,
    which may never give the worker back."""
    lang, number = CLI_LANGUAGE[language], int(number)
    load_seconds, check_seconds = grader.DEFAULT_TIMEOUT + grader.LOADING_SECONDS, grader.check_seconds(number)
    return {
        "load": [
            load_seconds,
            grader.TEXT["load_timeout"][lang].format(file=command.DEFAULT_FILE, seconds=f"{load_seconds:g}"),
        ],
        "check": [check_seconds, grader.TEXT["timeout"][lang].format(seconds=f"{check_seconds:g}", number=number)],
    }


loaded = {}  # the learner's file as load() left it: its namespace


def load(source, language):
    """Run `source` as the learner's file: {loaded}, and the command's message when it cannot be loaded."""
    lang, path = CLI_LANGUAGE[language], command.DEFAULT_FILE  # the CLI's file name, so that messages name it alike
    loaded.clear()
    with open(path, "w", encoding="utf-8") as file:
        file.write(source)
    try:
        loaded["namespace"] = grader.load(path)
    except BaseException as error:  # whatever the file does while it loads: SyntaxError, SystemExit, ...
        return {"loaded": False, "message": grader.load_failure(error, path, lang)}
    return {"loaded": True}


def check(number, language):
    """Exercise `number` checked in the file load() ran: {passed, message}, the message as the CLI's."""
    lang = CLI_LANGUAGE[language]
    try:
        result = exercises.check(int(number), loaded["namespace"], lang)
    except BaseException as error:  # sys.exit() or another BaseException raised by the learner's code
        result = exercises.Result(False, grader.escape_message(error, lang))
    return {"passed": result.passed, "message": result.message}
