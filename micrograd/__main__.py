"""The `micrograd` command's entry point: `python -m micrograd` and the installed `micrograd` script both run main()."""

import os
import signal
import sys


def main():
    """Run the command (micrograd.cli.main) and exit with its status: 130 and one line after a Ctrl-C at any moment."""
    try:
        from micrograd.cli import main as run_command  # imported here: a Ctrl-C may land in these ~50 ms of imports

        status = run_command()
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: a later Ctrl-C would only put a traceback in the exit
    except KeyboardInterrupt:  # one that run_command() could not catch: during the imports, or as it returned
        exit_interrupted()
    if status == 130:
        exit_interrupted(message=None)  # run_command() has printed its line and cleaned up
    sys.exit(status)


def exit_interrupted(message="micrograd: interrupted"):
    """Print `message` and leave with status 130 at once.

    At once (os._exit), not by SystemExit: a Ctrl-C that lands in code run by eval() or exec() of a string
    (collections.namedtuple does that, e.g. inside `from tqdm import tqdm`) makes CPython end the process by killing
    itself with SIGINT (status -2), although the KeyboardInterrupt was caught."""
    if message:
        print(message, file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)


def exit_if_the_command_is_starting():
    """Called on a Ctrl-C while `import micrograd` runs: if this process is the `micrograd` command starting (its
    installed script, or `python -m micrograd`, which import the package before any of the command's code), leave
    as a Ctrl-C at any later moment does. A program that imports micrograd keeps its KeyboardInterrupt."""
    program = os.path.basename(sys.argv[0]) if sys.argv else ""
    # While Python locates a -m module, sys.argv[0] is "-m" (documented); sys.orig_argv (3.10+) names the module.
    started_by_python_m = program == "-m" and "micrograd" in getattr(sys, "orig_argv", ["micrograd"])
    if program in ("micrograd", "micrograd.exe") or started_by_python_m:
        exit_interrupted()


if __name__ == "__main__":
    main()
