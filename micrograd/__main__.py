"""`python -m micrograd` is the `micrograd` command."""

import os
import signal
import sys

try:
    from micrograd.cli import main

    status = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: a later Ctrl-C would only put a traceback in the exit
except KeyboardInterrupt:  # one that main() could not catch: while micrograd.cli was imported, or as main() returned
    print("micrograd: interrupted", file=sys.stderr)
    status = 130
if status == 130:
    # Leave with 130 at once. A Ctrl-C that lands in code run by eval() or exec() of a string (collections.namedtuple
    # does that, e.g. inside `from tqdm import tqdm`) makes CPython end `python -m` by killing itself with SIGINT
    # (status -2), although main() caught the KeyboardInterrupt. main() has already cleaned up.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)
sys.exit(status)
