"""The exercises page's Python side, in the browser's worker: the exercises, the starter file, and a check of the
learner's file by the CLI itself (`micrograd exercises check N`), so that the page shows its messages word for word."""

import contextlib
import io

from micrograd import exercises
from micrograd.exercises import command

CLI_LANGUAGE = {"en": "en", "pt-BR": "pt"}


def listing(language):
    """Every exercise as {number, title, names}: the page lists what micrograd.exercises has, however many."""
    lang = CLI_LANGUAGE[language]
    return [{"number": e.number, "title": e.title[lang], "names": list(e.names)} for e in exercises.EXERCISES]


def starter(language):
    """The file `micrograd exercises start` writes, in `language`."""
    return exercises.starter_source(CLI_LANGUAGE[language])


def check(source, number, language):
    """`micrograd exercises check NUMBER` on `source` as the learner's file: {passed, message} as the CLI prints it."""
    # The CLI's own file name, in the worker's working folder, so that a message naming the file reads as in a terminal
    with open(command.DEFAULT_FILE, "w", encoding="utf-8") as file:
        file.write(source)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        arguments = ["check", str(int(number)), "--lang", CLI_LANGUAGE[language], "--file", command.DEFAULT_FILE]
        status = command.main(arguments)
    return {"passed": status == 0, "message": printed.getvalue().strip()}
