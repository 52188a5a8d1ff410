"""The exercises page's Python side, in the browser's worker: the exercises, the starter file, and a check of the
learner's file with the same steps and messages as `micrograd exercises check N`.

The command runs the file in a sandboxed process of its own (a grader must not be fooled); a browser tab has no
processes, and the learner checks only their own code there, so the page loads it and checks it in the worker, with
the functions the sandbox calls: grader.load, grader.load_failure, exercises.check, grader.escape_message.
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


def check(source, number, language):
    """Exercise `number` checked in `source` as the learner's file: {passed, message}, the message as the CLI's."""
    lang, path = CLI_LANGUAGE[language], command.DEFAULT_FILE  # the CLI's file name, so that messages name it alike
    with open(path, "w", encoding="utf-8") as file:
        file.write(source)
    try:
        namespace = grader.load(path)
    except BaseException as error:  # whatever the file does while it loads: SyntaxError, SystemExit, ...
        return {"passed": False, "message": grader.load_failure(error, path, lang)}
    try:
        result = exercises.check(int(number), namespace, lang)
    except BaseException as error:  # sys.exit() or another BaseException raised by the learner's code
        result = exercises.Result(False, grader.escape_message(error, lang))
    return {"passed": result.passed, "message": result.message}
