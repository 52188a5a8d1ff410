"""Pictures of the computation graph: every Value as a box with its data and grad, every operation as a small oval.

>>> from micrograd import Value
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> out = (a * b).tanh()
>>> out.backward()
>>> dot = draw_dot(out)       # a graphviz.Digraph: displays inline in Jupyter
>>> dot.source.splitlines()[0]
'digraph {'

`dot.pipe(format="png")` gives the picture's bytes and `dot.render("graph")` writes graph.svg; both need Graphviz's
`dot` program, while `dot.source` (the DOT text) needs only the `graphviz` Python package (`pip install graphviz`).
The DOT text is the same in every process for the same graph, so pictures can be diffed and tested.
"""

import functools
import math
import os
import re
import signal
import threading
from collections import deque
from pathlib import Path

from micrograd.autograd import Value, topological_order

MAX_NODES = 500  # graphviz lays out a few hundred boxes in about a second; tens of thousands take minutes
EDGE_LENGTH_PER_NODE = 2  # with max_nodes, bounds the edges' total length: see check_size
DOT_TIMEOUT = 30  # seconds: rendering a picture gives up after this, the safety net under check_size

# Fill colours: leaves (made by the user) stand out from the values computed from them; nan or inf is an alarm.
INPUT_COLOR = "#dbe9f6"  # blue: leaves, e.g. inputs
PARAMETER_COLOR = "#d8f0d2"  # green: leaves passed as `parameters`
NOT_FINITE_COLOR = "#f8c4c4"  # red: data or grad is nan or ±inf

INSTALL_GRAPHVIZ = (
    "Graphviz's `dot` program is needed to render graph pictures but was not found on PATH. Install it with "
    "`sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS) or `winget install graphviz` "
    "(Windows; then add its bin folder to PATH). The DOT text (`.source`) works without it."
)


def trace(root):
    """All Values that `root` depends on, and the edges between them: (nodes, edges).

    `nodes` starts with `root`, then goes breadth first through each node's inputs in their order (`_prev`), each
    Value once; `edges` holds one (child, parent) pair per input of each computed node, in the same order (an input
    used twice, as in `a * a`, gives two edges). Iterative, so graphs of any depth work; the order depends only on the
    graph, never on memory addresses or hashing.
    """
    if not isinstance(root, Value):
        raise TypeError(f"trace() needs a Value, got {type(root).__name__}")
    nodes, edges = [root], []
    seen = {id(root)}  # for lookups only: nothing is ever iterated in set order
    queue = deque(nodes)
    while queue:
        node = queue.popleft()
        for child in node._prev:
            edges.append((child, node))
            if id(child) not in seen:
                seen.add(id(child))
                nodes.append(child)
                queue.append(child)
    return nodes, edges


def check_size(nodes, edges, max_nodes=MAX_NODES):
    """Refuse, with a ValueError that gives the counts and what to do, a graph that graphviz would lay out slowly.

    `nodes` and `edges` are what `trace()` returns. Two things make graphviz's `dot` slow (measured on 2 cores): many
    Values (the loss of 4 samples through an MLP(2, [16, 16, 1]), 623 Values, took over 30 s), and long edges: a
    Value used by operations far apart, as `a` in `a/a/.../a`, is routed through every rank in between, and those
    bends cost as much as boxes (60 divisions, 61 Values, took 25 s). So both are bounded: at most `max_nodes` Values,
    and a total edge length — each edge counted as the number of ranks it spans, a Value sitting one rank before its
    farthest user — of at most EDGE_LENGTH_PER_NODE × `max_nodes`.
    """
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive int, got {max_nodes!r}")
    length = _total_edge_length(nodes, edges)
    needed = max(len(nodes), -(-length // EDGE_LENGTH_PER_NODE))  # the smallest max_nodes that allows this graph
    if needed > max_nodes:
        raise ValueError(
            f"the graph has {len(nodes):,} Values and {len(edges):,} edges of total length {length:,}, more than "
            f"max_nodes={max_nodes:,} allows ({max_nodes:,} Values, total length "
            f"{EDGE_LENGTH_PER_NODE * max_nodes:,}); graphviz would take a long time to lay it out. Draw a smaller "
            f"part of it (e.g. one sample's loss or one neuron's output instead of the loss over a whole batch), or "
            f"pass max_nodes={needed} to draw it anyway."
        )


def _total_edge_length(nodes, edges):
    """The sum over edges of the ranks each spans, with the root at rank 0 and every Value one rank after its farthest
    user (a longest path from the root, in topological order: a Value is placed once all its users are)."""
    users_left = {id(node): 0 for node in nodes}
    for child, _ in edges:
        users_left[id(child)] += 1
    rank = {id(nodes[0]): 0}
    ready = [nodes[0]]
    while ready:
        node = ready.pop()
        for child in node._prev:
            rank[id(child)] = max(rank.get(id(child), 0), rank[id(node)] + 1)
            users_left[id(child)] -= 1
            if users_left[id(child)] == 0:
                ready.append(child)
    return sum(rank[id(child)] - rank[id(parent)] for child, parent in edges)


def draw_dot(
    root,
    format="svg",  # noqa: A002 -- graphviz's name
    rankdir="LR",
    max_nodes=MAX_NODES,
    parameters=(),
    name_every_value=False,
    stack_fields=False,
):
    """The computation graph of `root` as a `graphviz.Digraph`.

    Each Value is a box with its label (if it has one), `data` and `grad` to 4 decimals (a small number that would
    read 0.0000 in scientific notation, 2.46e-5); with `name_every_value`, a Value without a label shows the name
    `value_names` gives it (a * b, tanh(n), w1 for a neuron's weight); with `stack_fields`, a left-to-right layout
    stacks each box's name, data and grad (a graph half as wide: the page's layout). Each computed Value is fed by
    a small oval naming its operation (`+`, `*`, `tanh`, `**2`, `linear`...). Constants folded into an operation are
    shown in the oval (`* -1` for a negation, `+ 1` for `x + 1`). A `linear` node's inputs are labelled x1.., w1..
    and b. Leaves are filled blue, or green when listed in `parameters` (e.g. `model.parameters()`); a Value whose data
    or grad is nan or ±inf is filled red.

    `format` is the picture format used by `.render()`/`.pipe()` and `rankdir` the direction of the layout: "LR"
    (left to right) or "TB" (top to bottom). A graph that graphviz would take minutes to lay out is refused with a
    ValueError (see `check_size`): draw a smaller part of it, or raise `max_nodes`. Rendering gives up after
    DOT_TIMEOUT seconds with a RuntimeError.
    """
    if rankdir not in ("LR", "TB"):
        raise ValueError(f'rankdir must be "LR" or "TB", got {rankdir!r}')
    nodes, edges = trace(root)
    check_size(nodes, edges, max_nodes)
    parameter_ids = {id(p) for p in parameters}

    # Node names come from the traversal order, so the same graph gives the same DOT text in every process.
    names = {id(node): f"v{i}" for i, node in enumerate(nodes)}
    shown_names = value_names(root, nodes) if name_every_value else [node.label for node in nodes]
    across = rankdir == "LR" and not stack_fields  # a record's fields run across the layout direction, unless stacked
    record_fields = "{{ {} }}" if across else "{}"
    dot = _digraph_class()(
        format=format,
        # nslimit caps the network-simplex passes that place the boxes: long edges made them take most of the time
        graph_attr={"rankdir": rankdir, "nslimit": "1"},
        node_attr={"fontname": "Helvetica"},
        edge_attr={"fontname": "Helvetica"},
    )
    for node, shown_name in zip(nodes, shown_names):
        name = names[id(node)]
        fields = [f"data {box_number(node.data)}", f"grad {box_number(node.grad)}"]
        if shown_name:
            fields.insert(0, _escape_record(shown_name))
        style = {"shape": "record", "label": record_fields.format(" | ".join(fields))}
        if not (math.isfinite(node.data) and math.isfinite(node.grad)):
            style.update(style="filled", fillcolor=NOT_FINITE_COLOR, color="red", penwidth="2")
        elif not node._prev:
            style.update(style="filled", fillcolor=PARAMETER_COLOR if id(node) in parameter_ids else INPUT_COLOR)
        dot.node(name, **style)
        if node._prev or node._op:  # a computed Value (also one whose inputs were cut, like x ** 0)
            oval = _escape_text(op_text(node))  # a custom op's name is text, never markup
            dot.node(name + "op", oval, shape="oval", fontsize="12", height="0.3", margin="0.05,0.02")
            dot.edge(name + "op", name)

    roles_left = {}  # parent id -> the roles of its inputs not yet drawn (x1, w1, ..., b for linear), in edge order
    for child, parent in edges:
        roles = roles_left.get(id(parent))
        if roles is None:
            roles = roles_left[id(parent)] = iter(_input_roles(parent))
        role = next(roles, "")
        dot.edge(names[id(child)], names[id(parent)] + "op", **({"label": role, "fontsize": "12"} if role else {}))
    return dot


def box_number(x):
    """A number as a box shows it: 4 decimals, or, for a small one that would read 0.0000, 3 significant digits in
    scientific notation (2.46e-5). The page's JavaScript writes them the same way (boxNumber in page.js)."""
    if x == 0 or not math.isfinite(x) or abs(x) >= 1e-3:
        return f"{x:.4f}"
    mantissa, exponent = f"{x:.2e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


NAME_LENGTH = 28  # a longer expression is shortened to its last operation: tanh(…), … + b


def value_names(root, nodes):
    """A name for each of `nodes` (trace()'s list for `root`), for pictures and pages: its label; for a neuron's
    unlabelled input, weight or bias, its role (x1, w1, b); else the expression that made it from its inputs' names
    (a * b, tanh(n)), shortened where longer than NAME_LENGTH (… + b, tanh(…)); else (a leaf with no label) v and its
    position, as in the DOT text."""
    names = {id(node): node.label for node in nodes}
    taken = set(names.values())
    for node in nodes:
        if node._op == "linear":
            for child, role in zip(node._prev, _input_roles(node)):
                if not (child._prev or names[id(child)] or role in taken):  # an unlabelled input, weight or bias
                    names[id(child)] = role
                    taken.add(role)
    for node in topological_order(root):  # inputs before the Values made from them
        if names[id(node)] or not (node._prev or node._op):
            continue
        inputs = [names[id(child)] or "…" for child in node._prev]
        names[id(node)] = _expression(node, inputs)
        if len(names[id(node)]) > NAME_LENGTH:  # keep the inputs whose names are short: … + b, tanh(n)
            names[id(node)] = _expression(node, [name if len(name) <= 4 else "…" for name in inputs])
        if len(names[id(node)]) > NAME_LENGTH:
            names[id(node)] = "sum(…)" if node._op == "+" else f"{node._op}(…)"
    return [names[id(node)] or f"v{i}" for i, node in enumerate(nodes)]


def formula(node):
    """How `node` is computed, with {0}, {1}, ... standing for its inputs: "{0} * {1}", "tanh({0})", "{0} + 1"; the
    page fills them with names or numbers."""
    return _expression(node, [f"{{{k}}}" for k in range(len(node._prev))])


def _expression(node, inputs):
    """How `node` was computed from inputs with these names: a * b, x + 1, x**2, tanh(a), x1 * w1 + b."""
    op = node._op
    if op.isidentifier() and op != "linear":  # a function: tanh(a * b)
        return f"{op}({', '.join(inputs)})"
    inputs = [f"({name})" if " " in name else name for name in inputs]  # an operator: (a * b) + c
    if op == "linear":  # (*inputs, *weights, bias): x1 * w1 + x2 * w2 + b
        n = (len(inputs) - 1) // 2
        return " + ".join([f"{x} * {w}" for x, w in zip(inputs[:n], inputs[n:-1])] + [inputs[-1]])
    if op in ("+", "*", "/", "**") and len(inputs) == 2:
        return f" {op} ".join(inputs)
    if op == "+" and len(inputs) > 2:
        return " + ".join(inputs)
    if op.startswith("**"):
        return inputs[0] + op_text(node)
    if len(inputs) == 1 and op_text(node) != op:  # x * 2, x + 1
        return f"{inputs[0]} {op_text(node)}"
    return f"{op}({', '.join(inputs)})"


def op_text(node):
    """The text in an operation's oval, with the constant that was folded into the operation, if any."""
    op = node._op
    if op.startswith("**") and op != "**":  # a power by a constant: "**2.0" is shown as "**2"
        return f"**{float(op[2:]):g}"
    if len(node._prev) == 1 and op in ("*", "/", "+"):  # a Value and a number, e.g. x * 2 or x + 1
        constant = node._local_grads[-1]  # d(x * c)/dx is c; `x + c` and `x / c` keep c after their derivative
        if isinstance(constant, float):  # not a fused sum of one Value (its numbers are a tuple)
            return f"{op} {constant:.4g}"
    return op


def _input_roles(node):
    """Edge labels for the inputs of operations whose inputs are not interchangeable."""
    if node._op == "linear":  # children are (*inputs, *weights, bias)
        n = (len(node._prev) - 1) // 2
        return [f"x{i}" for i in range(1, n + 1)] + [f"w{i}" for i in range(1, n + 1)] + ["b"]
    if node._op == "/" and len(node._prev) == 2:
        return ["numerator", "denominator"]
    if node._op == "**":
        return ["base", "exponent"]
    return []


# Characters that an SVG (XML 1.0) cannot hold, and NUL, which ends DOT's text: C0 controls but tab, newline and
# carriage return, UTF-16 surrogates (not even UTF-8), U+FFFE and U+FFFF.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _escape_text(text):
    """`text` as graphviz shows it literally: not an HTML-like label (<...>), no escapes (\\N, \\l, a final \\ that
    would end the DOT string early), no HTML entities (graphviz draws &lt; as <), and a character that no SVG can
    hold written as Python's repr() writes it (\\x01)."""
    return _import_graphviz().escape(_xml_safe(text).replace("&", "&amp;"))


def _escape_record(text):
    """A label as literal text inside a graphviz record, whose fields are separated by | and grouped by { }, with
    its line breaks (see _escape_text for the rest)."""
    text = _xml_safe(text).replace("&", "&amp;").replace("\\", "\\\\")
    for special in '{}|<>"':
        text = text.replace(special, "\\" + special)
    return text.replace("\n", "\\n")  # a line break, which a record would otherwise drop


def _xml_safe(text):
    """`text` with each character that an SVG cannot hold written as repr() writes it."""
    return NOT_IN_XML.sub(lambda match: repr(match[0])[1:-1], text)


def _import_graphviz():
    try:
        import graphviz
    except ImportError:
        raise ImportError(
            "drawing graphs needs the graphviz Python package: pip install graphviz (or pip install 'micrograd[viz]')"
        ) from None
    return graphviz


@functools.cache
def _digraph_class():
    """graphviz.Digraph, whose rendering says how to install Graphviz when its `dot` program is missing, and stops
    `dot` with a RuntimeError after DOT_TIMEOUT seconds.

    Made on first use, as the graphviz package is optional: `trace()` works without it.
    """
    graphviz = _import_graphviz()

    class GraphvizNotInstalled(graphviz.ExecutableNotFound):  # still caught by `except graphviz.ExecutableNotFound`
        def __init__(self):
            RuntimeError.__init__(self, INSTALL_GRAPHVIZ)

    def run_dot(method, *args, **kwargs):
        timed_out = threading.Event()
        timer = threading.Timer(DOT_TIMEOUT, lambda: (timed_out.set(), _stop_dot_processes()))
        timer.daemon = True  # never keeps the interpreter from exiting
        timer.start()
        try:
            return method(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            raise GraphvizNotInstalled() from error
        except graphviz.CalledProcessError:
            if not timed_out.is_set():  # `dot` failed on its own: graphviz's error says why
                raise
            raise RuntimeError(
                f"Graphviz's `dot` did not finish laying out the graph in {DOT_TIMEOUT} s and was stopped; draw a "
                f"smaller part of the graph, or raise micrograd.viz.dot.DOT_TIMEOUT"
            ) from None
        finally:
            timer.cancel()

    class Digraph(graphviz.Digraph):
        def pipe(self, *args, **kwargs):  # also what Jupyter's inline display calls
            return run_dot(super().pipe, *args, **kwargs)

        def render(self, *args, **kwargs):  # also what view() calls
            return run_dot(super().render, *args, **kwargs)

    Digraph.__module__, Digraph.__qualname__ = __name__, "Digraph"  # reads as micrograd.viz.Digraph in reprs
    return Digraph


def _stop_dot_processes():
    """Kill the `dot` processes this process started. graphviz offers no timeout, so this finds them in Linux's /proc
    (elsewhere it finds none, and `dot` runs to the end)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, rest = stat.read_text().split(" (", 1)
            command, fields = rest.rsplit(") ", 1)
            if command == "dot" and int(fields.split()[1]) == os.getpid():  # fields: state, parent id, ...
                os.kill(int(pid), signal.SIGKILL)
        except (OSError, ValueError):  # the process ended meanwhile
            continue
