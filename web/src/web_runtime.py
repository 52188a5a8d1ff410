"""What the browser's worker calls: run a page's code and print-capture it, run a notebook cell as Jupyter does, or
call a helper function, and answer in JSON with errors as one line (the same `Type: message` a learner sees in a
terminal's last line)."""

import ast
import contextlib
import importlib
import io
import json

import micrograd.viz
import micrograd.viz.page
from micrograd.messages import one_line
from micrograd.viz.page import page_dot

namespace = {"__name__": "__main__"}  # shared by a page's runs, like a notebook's cells
page_to_show = {}  # what the last cell's micrograd.viz.show() asked for: its root and options
DOT_OPTIONS = ("max_nodes", "parameters", "rankdir")  # the options of show() that page_dot takes too


def _show_under_the_cell(root, **options):
    """micrograd.viz.show in the page: as in Jupyter, the step-through page appears under the cell."""
    page_to_show.update(root=root, options=options)


micrograd.viz.show = micrograd.viz.page.show = _show_under_the_cell


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


def run_cell(source):
    """Run a notebook cell in the page's namespace, as Jupyter does: {"printed": text, "shown": what the cell shows}.

    What it shows: the step-through page its show() asked for ({"page": DOT text}: the browser lays it out, then
    page_html makes the page), a graph its last line gives (draw_dot's Digraph: {"graph": DOT text}), or the repr of
    any other value of its last line ({"text": ...}); None when there is nothing to show. Called through `call`, which
    turns the cell's exception into its one line.
    """
    printed = io.StringIO()
    page_to_show.clear()
    cell = ast.parse(source, "<cell>")
    last = cell.body.pop().value if cell.body and isinstance(cell.body[-1], ast.Expr) else None
    with contextlib.redirect_stdout(printed):
        exec(compile(cell, "<cell>", "exec"), namespace)
        value = None if last is None else eval(compile(ast.Expression(last), "<cell>", "eval"), namespace)
    return {"printed": printed.getvalue(), "shown": _shown(value)}


def _shown(value):
    if page_to_show:
        options = {k: v for k, v in page_to_show["options"].items() if k in DOT_OPTIONS}
        return {"page": page_dot(page_to_show["root"], **options).source}
    if value is None:
        return None
    if type(value).__name__ == "Digraph" and hasattr(value, "source"):  # draw_dot's picture
        return {"graph": value.source}
    return {"text": repr(value)}


def page_html(svg):
    """The step-through page the last cell's show() asked for, laid out as `svg` by the browser."""
    return micrograd.viz.page.to_html(page_to_show["root"], svg=svg, **page_to_show["options"]).html


def call(module, function, args_json):
    """`module.function(*args)` for one of the pages' helper modules; its result must be JSON-able."""
    try:
        result = getattr(importlib.import_module(module), function)(*json.loads(args_json))
    except BaseException as error:
        return _error(error)
    return json.dumps({"ok": True, "value": result})
