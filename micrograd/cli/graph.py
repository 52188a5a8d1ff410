"""`micrograd graph`: draw the graph of an expression, with the gradient of every variable.

    micrograd graph "(a*b + c).tanh()" --set a=2 b=-3 c=10 --out graph.svg

builds the expression from Values (parsed, never evaluated: see expression.py), runs backward(), writes the
picture and prints the output and each variable's gradient. Errors are one line on stderr and exit status 2.
"""

import argparse
import keyword
import subprocess
import sys
from pathlib import Path

from micrograd.autograd import Value
from micrograd.cli.expression import build, name_as_written
from micrograd.messages import command_error, one_line

FORMATS = ("svg", "png")
LANGUAGES = ("en", "pt")
PAGE_LANGUAGE = {"en": "en", "pt": "pt-BR"}
TEXT = {  # what the command prints, in each language of --lang
    "output": {"en": "output", "pt": "saída"},
    "wrote": {"en": "wrote {path}", "pt": "salvo {path}"},
    "skipped": {
        "en": "micrograd graph: skipped {paths}: {why}",
        "pt": "micrograd graph: {paths} não foram criados: {why}",
    },
}


def add_arguments(parser: argparse.ArgumentParser):
    """Add the command's arguments to `parser` (its own, or a subcommand's)."""
    parser.add_argument("expression", help='e.g. "(a*b + c).tanh()": numbers, variables, + - * / **, .tanh() ...')
    parser.add_argument(
        "--set",
        nargs="+",
        action="extend",
        default=[],
        metavar="NAME=NUMBER",
        dest="variables",
        help="the value of each variable, e.g. --set a=2 b=-3",
    )
    parser.add_argument("--out", help="where to write the picture (default: graph.svg, or graph.png with --format png)")
    parser.add_argument("--format", choices=FORMATS, help="picture format (default: from --out's suffix, else svg)")
    parser.add_argument("--rankdir", choices=("LR", "TB"), default="LR", help="layout: left to right or top to bottom")
    parser.add_argument("--html", help="also write the interactive page (step through backprop) to this file")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="the messages' and the page's language")


def run(args) -> int:
    """Run the command with parsed arguments; the exit status: 0, or 2 after a one-line error on stderr.

    Without the graphviz package or Graphviz's `dot` program, the output and the gradients are still printed, then
    one line on stderr says what to install, and the status is 0, as the `demo` command skips its pictures.
    """
    try:
        output_path, picture_format = _output(args.out, args.format)
        variables = _parse_variables(args.variables)
        out = build(args.expression, variables)
        _check_all_used(variables, out)
        out.backward()
        written, skipped, why = [], [], None
        try:
            output_path.write_bytes(_draw(out, picture_format, args.rankdir))
            written.append(output_path)
        except _MissingGraphviz as missing:
            skipped, why = [output_path], missing
        if args.html:  # without `dot`, the page can still lay itself out in the browser (see to_html)
            try:
                written.append(_page(out, args))
            except _MissingGraphviz as missing:
                skipped, why = [*skipped, args.html], missing
    except (ValueError, OSError, RuntimeError, subprocess.CalledProcessError) as error:
        return command_error("graph", error, language=args.lang)
    print(f"{TEXT['output'][args.lang]}: {out.data:.6g}")
    for name, value in variables.items():
        print(f"{name}.grad: {value.grad:.6g}")
    for path in written:
        print(TEXT["wrote"][args.lang].format(path=path))
    if skipped:
        sys.stdout.flush()  # the numbers first, then what to install
        paths = " + ".join(str(path) for path in skipped)
        print(one_line(TEXT["skipped"][args.lang].format(paths=paths, why=why)), file=sys.stderr)
    return 0


def _page(out, args):
    """Write the interactive page to args.html; its path. _MissingGraphviz when it can be laid out nowhere."""
    try:
        import graphviz

        from micrograd.viz import to_html
    except ImportError as error:
        raise _MissingGraphviz(error) from None
    try:
        to_html(out, args.html, rankdir=args.rankdir, language=PAGE_LANGUAGE[args.lang])
    except graphviz.ExecutableNotFound as error:
        raise _MissingGraphviz(error) from None
    return args.html


def _parse_variables(assignments):
    """{"a": Value(2.0, label="a"), ...} from ["a=2", ...], in the order given."""
    variables = {}
    for assignment in assignments:
        name, equals, number = assignment.partition("=")
        name = name_as_written(name.strip())
        if not equals or not name.isidentifier():
            raise ValueError(f"--set needs NAME=NUMBER, got {assignment!r}")
        if keyword.iskeyword(name):
            raise ValueError(f"--set {name}=: {name} is a Python keyword, so the expression cannot use it as a name")
        if name in variables:
            raise ValueError(f"--set gives {name} twice")
        try:
            data = float(number)
        except ValueError:
            raise ValueError(f"--set {name}= needs a number, got {number!r}") from None
        variables[name] = Value(data, label=name)
    return variables


class _MissingGraphviz(Exception):
    """The graphviz package or Graphviz's `dot` program is missing: the message says how to install it."""


def _draw(out, picture_format, rankdir):
    """The picture's bytes; _MissingGraphviz when the graphviz package or Graphviz's `dot` program is missing."""
    try:
        from micrograd.viz import draw_dot  # only here: the graphviz package is needed for pictures only

        dot = draw_dot(out, format=picture_format, rankdir=rankdir)
    except ImportError as error:
        raise _MissingGraphviz(error) from None
    import graphviz

    try:
        return dot.pipe()
    except graphviz.ExecutableNotFound as error:
        raise _MissingGraphviz(error) from None


def _check_all_used(variables, out):
    """Refuse a --set that the expression does not use: most likely a typo in the expression or in --set."""
    from micrograd.viz import trace

    in_graph = {id(node) for node in trace(out)[0]}
    unused = [name for name, value in variables.items() if id(value) not in in_graph]
    if unused:
        listed = ", ".join(unused)
        raise ValueError(f"--set gives {listed}, but the expression does not use {'them' if len(unused) > 1 else 'it'}")


def _output(out, picture_format):
    """The picture's path and format, from --out and --format."""
    if out is None:
        picture_format = picture_format or "svg"
        return Path(f"graph.{picture_format}"), picture_format
    suffix = Path(out).suffix.lower().lstrip(".")
    if suffix and suffix not in FORMATS:  # the picture would not be what the name says
        raise ValueError(f"--out {out} ends in .{suffix}; pictures are .svg or .png")
    if picture_format is None:
        picture_format = suffix if suffix in FORMATS else "svg"
    elif suffix in FORMATS and suffix != picture_format:
        raise ValueError(f"--out {out} ends in .{suffix} but --format is {picture_format}")
    return Path(out), picture_format
