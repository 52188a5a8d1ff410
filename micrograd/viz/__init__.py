"""Pictures: the graph as a Graphviz picture (dot.py), as an interactive step-through page (page.py, page_assets/),
and training as matplotlib plots (plots.py).

>>> from micrograd import Value
>>> from micrograd.viz import draw_dot, to_html
>>> out = (Value(2.0, label="a") * Value(-3.0, label="b")).tanh()
>>> draw_dot(out).source.splitlines()[0]
'digraph {'
"""

from micrograd.viz import plots as plots
from micrograd.viz.dot import (
    EDGE_LENGTH_PER_NODE,
    INPUT_COLOR,
    INSTALL_GRAPHVIZ,
    MAX_NODES,
    NOT_FINITE_COLOR,
    PARAMETER_COLOR,
    check_size,
    draw_dot,
    trace,
)
from micrograd.viz.page import GraphPage, show, to_html

__all__ = [
    "EDGE_LENGTH_PER_NODE",
    "INPUT_COLOR",
    "INSTALL_GRAPHVIZ",
    "MAX_NODES",
    "NOT_FINITE_COLOR",
    "PARAMETER_COLOR",
    "GraphPage",
    "check_size",
    "draw_dot",
    "plots",
    "show",
    "to_html",
    "trace",
]
