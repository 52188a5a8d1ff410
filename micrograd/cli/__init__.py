"""The `micrograd` command: `demo` (the original micrograd's moons demo), `train` (any built-in dataset), `graph`,
`exercises` and `export` (a saved model to PyTorch, ONNX or safetensors), one module per command.

    micrograd demo                      # trains, shows a progress bar, writes pictures and the model to ./micrograd-out
    micrograd train --dataset spiral --hidden 32,32 --optimizer adam --lr 0.05 --steps 200
    micrograd graph "(a*b + c).tanh()" --set a=2 b=-3 c=10

Bad arguments print one line on stderr and exit with status 2, before any training; training that diverges (a loss
that is nan or infinite), or outputs that cannot be written, stop with one line and status 1; Ctrl-C stops with one
line and status 130. Without the `viz` extra (tqdm, matplotlib, graphviz) the commands still train and write the model
and history: the progress is plain text, and one line says which pictures were skipped and what to install.
"""

import sys

from micrograd.cli import export, graph, train
from micrograd.exercises import command as exercises
from micrograd.messages import OneLineErrorParser, usage_language


def build_parser(language="en"):
    """The command's argument parser; `language` ("en" or "pt") is the language of its usage errors."""
    description = "Train tiny neural networks and draw computation graphs."
    parser = OneLineErrorParser(prog="micrograd", description=description, language=language)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineErrorParser)
    for name, add_arguments, run, help_text in [
        ("demo", train.add_demo_arguments, train.run_demo, "the original micrograd demo: an MLP on 100 moons points"),
        ("train", train.add_train_arguments, train.run_train, "train an MLP on a built-in dataset"),
        ("graph", graph.add_arguments, graph.run, "draw the graph of an expression, with data and gradients"),
        ("exercises", exercises.add_arguments, exercises.run, "write your own autograd engine, checked step by step"),
        ("export", export.add_arguments, export.run, "hand a saved model to PyTorch, ONNX or safetensors"),
    ]:
        command = commands.add_parser(name, help=help_text, language=language)
        add_arguments(command)
        command.set_defaults(run=run)
    return parser


def main(argv=None):
    """Run the command with arguments `argv` (default: the command line); returns the exit status."""
    try:
        if argv is None:
            argv = sys.argv[1:]
        args = build_parser(usage_language(argv)).parse_args(argv)
        return args.run(args)
    except KeyboardInterrupt:
        print("micrograd: interrupted", file=sys.stderr)
        return 130
