"""Error messages: one line, naming the bad value without printing too much of it (a file or an argument may hold
anything, line breaks included)."""

import argparse
import sys


def short_repr(x, limit=60):
    """repr(x) cut to `limit` characters; a list or a dict by its type name; an int too long to print by its size."""
    if isinstance(x, (list, dict)):
        return type(x).__name__
    return cut_repr(x, limit)


def cut_repr(x, limit=60):
    """repr(x) cut to `limit` characters, a list's and a dict's too; an int too long to print by its size."""
    try:
        text = repr(x)
    except ValueError:
        if not isinstance(x, int):
            raise
        return f"an int of {x.bit_length()} bits"  # more digits than Python prints (sys.get_int_max_str_digits)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def one_line(message):
    """`message` (a string or an exception) on one line: a path, an argument or `dot`'s stderr may span lines."""
    return " ".join(str(message).split())


def command_error(command, message, status=2):
    """Print `micrograd COMMAND: error: MESSAGE` as one line on stderr; returns `status`, the exit status."""
    print(f"micrograd {command}: error: {one_line(message)}", file=sys.stderr)
    return status


class OneLineErrorParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, like the commands' other errors (argparse adds the usage)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {one_line(message)}\n")  # an argument may hold a line break
