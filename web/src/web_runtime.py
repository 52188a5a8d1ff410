"""What the browser's worker calls: run a page's code and print-capture it, or call a helper function, and answer in
JSON with errors as one line (the same `Type: message` a learner sees in a terminal's last line)."""

import contextlib
import importlib
import io
import json

from micrograd.messages import one_line

namespace = {"__name__": "__main__"}  # shared by a page's runs, like a notebook's cells


def _error(error):
    return json.dumps({"ok": False, "value": one_line(f"{type(error).__name__}: {error}")})


def run(source):
    """Run `source` in the page's namespace; everything it printed, or its exception as one line."""
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(source, "<page>", "exec"), namespace)
    except BaseException as error:  # SystemExit and KeyboardInterrupt too: the page must get an answer
        return _error(error)
    return json.dumps({"ok": True, "value": printed.getvalue()})


def call(module, function, args_json):
    """`module.function(*args)` for one of the pages' helper modules; its result must be JSON-able."""
    try:
        result = getattr(importlib.import_module(module), function)(*json.loads(args_json))
    except BaseException as error:
        return _error(error)
    return json.dumps({"ok": True, "value": result})
