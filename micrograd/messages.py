"""Error messages: one line, naming the bad value without printing too much of it (a file or an argument may hold
anything, line breaks included)."""

import argparse
import re
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


def command_error(command, message, status=2, language="en"):
    """Print `micrograd COMMAND: error: MESSAGE` as one line on stderr (in Portuguese where `language` is "pt" and
    the message is one PORTUGUESE translates); returns `status`, the exit status."""
    if language == "pt":
        print(f"micrograd {command}: erro: {in_portuguese(one_line(message))}", file=sys.stderr)
    else:
        print(f"micrograd {command}: error: {one_line(message)}", file=sys.stderr)
    return status


# What a path can be besides a regular file (micrograd.files.atomic.FILE_KINDS), in Portuguese.
KINDS = {
    "a directory": "uma pasta",
    "a character device": "um dispositivo de caracteres",
    "a block device": "um dispositivo de blocos",
    "a FIFO (named pipe)": "um FIFO (pipe nomeado)",
    "a socket": "um socket",
    "not a regular file": "outra coisa",
}

# argparse's messages and the commands' own, in Portuguese: (English pattern, Portuguese), applied in this order.
PORTUGUESE = [
    (r"^argument (\S+): ", r"argumento \1: "),
    (r"invalid choice: (.*) \(choose from (.*)\)$", r"opção inválida: \1 (as opções são \2)"),
    (r"invalid int value: (.*)$", r"era esperado um número inteiro, veio \1"),
    (r"invalid float value: (.*)$", r"era esperado um número, veio \1"),
    (r"invalid (\w+) value: (.*)$", r"valor inválido para \1: \2"),
    (r"^the following arguments are required: ", "faltam os argumentos: "),
    (r"^unrecognized arguments: ", "argumentos não reconhecidos: "),
    (r"expected one argument$", "falta o valor"),
    (r"expected at least one argument$", "falta ao menos um valor"),
    (r"expected a whole number, got ", "era esperado um número inteiro, veio "),
    (r"expected a number from (\S+) to (\S+), got ", r"era esperado um número de \1 a \2, veio "),
    (r"expected a positive number, got ", "era esperado um número positivo, veio "),
    (r"expected a number, got ", "era esperado um número, veio "),
    (r"expected a directory, got an empty name", "era esperada uma pasta, veio um nome vazio"),
    (r"expected sizes like 16,16, got ", "eram esperados tamanhos como 16,16, veio "),
    (r"layer sizes must be at least 1, got ", "os tamanhos das camadas devem ser pelo menos 1, veio "),
    (r"^--out (.*) is a file, not a directory$", r"--out \1 é um arquivo, não uma pasta"),
    (
        r"^--out (.*) lies under (.*), which is a file, not a directory$",
        r"--out \1 fica dentro de \2, que é um arquivo",
    ),
    (r"^--out (.*): cannot write in this directory \(permission denied\)$", r"--out \1: sem permissão de escrita"),
    (r"^--out (.*) cannot be created: ", r"--out \1 não pode ser criada: "),
    (
        r"^--out (.*): (.*) is (.*), not a regular file; refusing to replace it$",
        lambda match: f"--out {match[1]}: {match[2]} é {KINDS[match[3]]}, não um arquivo comum; nada foi alterado",
    ),
    (
        r"^--out (.*) ends in \.(\w+); pictures are \.svg or \.png$",
        r"--out \1 termina em .\2; as figuras são .svg ou .png",
    ),
    (r"^--set needs NAME=NUMBER, got ", "--set precisa de NOME=NÚMERO, veio "),
    (r"^--set (\w+)= needs a number, got ", r"--set \1= precisa de um número, veio "),
    (r"^--set gives (\w+) twice$", r"--set dá \1 duas vezes"),
    (r"^--set gives (.*), but the expression does not use (it|them)$", r"--set dá \1, mas a expressão não usa"),
    (r"^training diverged: ", "o treino divergiu: "),
    (r"; try fewer --steps$", "; tente menos --steps"),
    (r"; try a smaller --lr than (\S+)$", r"; tente um --lr menor que \1"),
    (r"^writing the outputs failed: ", "não foi possível salvar os resultados: "),
]


def in_portuguese(message):
    """`message` with every part that PORTUGUESE knows translated (the rest, such as a path, is kept)."""
    for english, portuguese in PORTUGUESE:
        message = re.sub(english, portuguese, message)
    return message


def usage_language(argv):
    """ "pt" when the command line asks for Portuguese (--lang pt or --lang=pt), else "en": the language of the errors
    found while reading that same command line."""
    argv = list(argv)
    asks = any(a == "--lang=pt" or (a == "--lang" and b == "pt") for a, b in zip(argv, argv[1:] + [""]))
    return "pt" if asks else "en"


class OneLineErrorParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, like the commands' other errors (argparse adds the usage), in
    English or, with `language="pt"`, in Portuguese."""

    def __init__(self, *args, language="en", **kwargs):
        super().__init__(*args, **kwargs)
        self.language = language

    def error(self, message):
        message = one_line(message)  # an argument may hold a line break
        if self.language == "pt":
            self.exit(2, f"{self.prog}: erro: {in_portuguese(message)}\n")
        self.exit(2, f"{self.prog}: error: {message}\n")
