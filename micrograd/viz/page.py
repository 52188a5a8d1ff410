"""The graph as an interactive page: watch the forward pass, then the chain rule, one step at a time.

>>> from micrograd import Value
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> out = (a * b).tanh()
>>> out.backward()
>>> page = to_html(out)       # micrograd.viz.to_html; to_html(out, "graph.html") also writes the file
>>> page.html.startswith("<!DOCTYPE html>")
True

The page is one self-contained HTML file: the layout is draw_dot's SVG (so the same size limit applies), the CSS and
JavaScript are inlined from micrograd/viz/page_assets, and nothing is loaded from the network. Its JavaScript replays
`backward()` edge by edge from the local derivatives the engine stored, and, when a leaf is edited, recomputes every
node with an operation table that mirrors micrograd/autograd.py (page_assets/page.js).
"""

import html
import json
import re
import shutil
import tempfile
import webbrowser
from importlib import resources
from pathlib import Path

from micrograd.autograd import Cut, OneOver, topological_order
from micrograd.viz.dot import MAX_NODES, draw_dot, formula, op_text, trace, value_names

LANGUAGES = ("en", "pt-BR")
# Graphviz compiled to WebAssembly (the npm package @viz-js/viz), which scripts/setup.sh copies here from web/: pages
# made where Graphviz's `dot` is missing carry it and lay themselves out in the browser.
BROWSER_GRAPHVIZ = "viz-global.js"


class GraphPage:
    """An interactive page of a graph: `html` is the whole file; Jupyter displays it inline (in an iframe)."""

    def __init__(self, html_text, value_count):
        self.html = html_text
        self.value_count = value_count

    def save(self, path):
        """Write the page to `path` (UTF-8); returns the path."""
        path = Path(path)
        path.write_text(self.html, encoding="utf-8")
        return path

    def _repr_html_(self):
        # An iframe keeps the page's script, styles and element ids apart from the notebook's and from other pages.
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
            f'style="width: 100%; height: 720px; border: 1px solid #ccc" title="micrograd graph page"></iframe>'
        )

    def __repr__(self):
        return f"<micrograd graph page: {self.value_count} Values>"


def to_html(root, path=None, *, max_nodes=None, parameters=(), rankdir="LR", language="en", svg=None, focus=None):
    """The interactive page of the graph of `root`, a `GraphPage`; with `path`, also written there.

    On the page every Value shows its name (its label, else value_names'), data and grad; hovering or focusing one
    shows its operation, its local derivatives and the chain-rule terms `local × grad`; the page opens at step 0, and
    buttons (or ←, →, space) step through the forward pass and then the backward pass, edge by edge (a graph whose
    backward() ran offers its result in one click); a leaf's value can be edited, and the page recomputes everything.
    `language` is the page's first language, "en" or "pt-BR" (a button switches). `max_nodes` (default: draw_dot's,
    micrograd.viz.MAX_NODES), `parameters` and `rankdir` are draw_dot's: a graph too big for draw_dot is refused
    with the same ValueError. Lays the graph out with Graphviz's `dot` program, as draw_dot's pictures do; where `dot`
    is missing, the page carries Graphviz compiled to WebAssembly (page_assets/viz-global.js, when installed) and lays
    itself out in the browser. `svg`: the layout of page_dot's DOT text, made elsewhere (the browser pages do that).
    `focus`: a Value of the graph that the page marks and whose details it shows from the start (the playground's
    clicked weight).
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(map(repr, LANGUAGES))}, got {language!r}")
    nodes, _ = trace(root)
    if focus is not None and not any(node is focus for node in nodes):
        raise ValueError(f"focus must be a Value of the graph of root, got {focus!r}")
    assets = resources.files("micrograd.viz") / "page_assets"
    script = (assets / "page.js").read_text(encoding="utf-8")
    if svg is None:
        dot = page_dot(root, max_nodes=max_nodes, parameters=parameters, rankdir=rankdir)
        graphviz_in_page = assets / BROWSER_GRAPHVIZ
        if shutil.which("dot") is None and graphviz_in_page.is_file():
            # No Graphviz here: the page lays itself out in the browser (the same layout program), then starts.
            svg = ""
            script = (
                f"{graphviz_in_page.read_text(encoding='utf-8')}\nViz.instance().then((viz) => {{\n"
                f'document.getElementById("graph").append(viz.renderSVGElement({_script_literal(dot.source)}));\n'
                f"{script}\n}});"
            )
        else:
            svg = dot.pipe(format="svg").decode()
    if svg:
        svg = svg[svg.index("<svg") :]  # drop the XML prolog and DOCTYPE (which names a URL): the SVG is inline
        svg = svg.replace(' xmlns="http://www.w3.org/2000/svg"', "").replace(
            ' xmlns:xlink="http://www.w3.org/1999/xlink"', ""
        )
    graph = _graph_data(root, nodes, parameters, focus)
    title = f"micrograd: {root.label or 'graph'}"
    parts = {
        "language": language,
        "title": html.escape(title),
        "style": (assets / "page.css").read_text(encoding="utf-8"),
        "svg": svg,
        "graph": _script_literal(graph),
        "script": script,
    }
    # One pass over the template, so a label that reads "{{script}}" is never itself replaced.
    page = re.sub(r"\{\{(\w+)\}\}", lambda match: parts[match[1]], (assets / "page.html").read_text(encoding="utf-8"))
    result = GraphPage(page, len(nodes))
    if path is not None:
        result.save(path)
    return result


def page_dot(root, *, max_nodes=None, parameters=(), rankdir="LR"):
    """The graph to_html lays out (a graphviz.Digraph; its `.source` is the DOT text): every box named, and narrow
    boxes, so that the text stays large. Arguments as to_html's."""
    if max_nodes is None:
        max_nodes = MAX_NODES
    boxes = {"name_every_value": True, "stack_fields": True}
    return draw_dot(root, rankdir=rankdir, max_nodes=max_nodes, parameters=parameters, **boxes)


def show(root, **options):
    """Show the page of `root`'s graph: inline in Jupyter, otherwise in the web browser (from a temporary file).

    `options` are to_html's. Returns None in Jupyter, else the path of the temporary file.
    """
    page = to_html(root, **options)
    if _in_jupyter():
        from IPython.display import display

        display(page)
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".html", prefix="micrograd-", delete=False, encoding="utf-8") as f:
        f.write(page.html)
    path = Path(f.name)
    webbrowser.open(path.as_uri())
    return path


def _in_jupyter():
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in shell.config


def _graph_data(root, nodes, parameters, focus):
    """What the page's JavaScript needs, node by node, in trace() order (node i is `v{i}` in the SVG)."""
    index = {id(node): i for i, node in enumerate(nodes)}
    parameter_ids = {id(p) for p in parameters}
    values = []
    for node, name in zip(nodes, value_names(root, nodes)):
        value = {
            "name": name,
            "data": node.data,
            "grad": node.grad,
            "op": "**n" if node._op.startswith("**") and node._op != "**" else node._op,
            "opText": op_text(node) if node._prev or node._op else "",
            "formula": formula(node) if node._prev or node._op else "",
            "children": [index[id(child)] for child in node._prev],
            "localGrads": [_local_grad(local_grad) for local_grad in node._local_grads[: len(node._prev)]],
            "parameter": id(node) in parameter_ids,
        }
        value.update(_folded_constant(node))
        values.append(value)
    return {
        "values": values,
        "order": [index[id(node)] for node in topological_order(root)],  # the order backward() uses
        "backwardHasRun": root.grad != 0,  # backward() sets it to 1; before, it is 0
        "focus": None if focus is None else index[id(focus)],
    }


def _folded_constant(node):
    """The number folded into `node` (x * 2, x / 4, x + 1, x ** 3, sum([x, 1.5])), for the page to recompute it.

    The engine keeps it: in the op's name for x ** n, as the local derivative for x * c, and after the local
    derivatives for x + c, x / c and a fused sum (whose entry is its numbers with their positions).
    """
    op, children, local_grads = node._op, node._prev, node._local_grads
    if op.startswith("**") and op != "**":
        return {"constant": float(op[2:])}
    if op == "*" and len(children) == 1:
        return {"constant": local_grads[0]}
    if op in ("+", "/") and len(local_grads) > len(children):
        return {"constant": local_grads[-1]}
    return {}


def _local_grad(local_grad):
    """A local derivative for the page: a number, or how backward() applies the two that are not plain numbers."""
    if isinstance(local_grad, OneOver):  # 1/x where it is not a normal float, applied as grad / x
        return {"over": local_grad.x}
    if isinstance(local_grad, Cut):  # 0, whatever the gradient (even inf or nan)
        return {"cut": True}
    return local_grad


def _script_literal(data):
    """`data` as a JavaScript literal that can sit inside <script>: no `</script>` in a label can end the script.

    NaN and Infinity are written as such (valid JavaScript, though not JSON); floats keep all their digits.
    """
    text = json.dumps(data, allow_nan=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
