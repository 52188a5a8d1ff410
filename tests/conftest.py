"""Helpers shared by the tests: run the same function on our Values and on PyTorch float64 tensors."""

import math
import operator
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from micrograd import Value

torch.set_default_dtype(torch.float64)

# The four arithmetic operators by name, for tests that build random expressions on Values and on tensors alike.
ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def ours(f, *xs):
    """f on Values made from xs: (output value, [d output / d x for each x]) after backward()."""
    values = [Value(x) for x in xs]
    out = f(*values)
    out.backward()
    return out.data, [v.grad for v in values]


def theirs(f, *xs):
    """The same with PyTorch float64 tensors; an input the output does not use has gradient 0."""
    tensors = [torch.tensor(float(x), requires_grad=True) for x in xs]
    out = f(*tensors)
    out.backward()
    return out.item(), [0.0 if t.grad is None else t.grad.item() for t in tensors]


def same_float(a, b, rel=0.0, abs_=0.0):
    """Equal as floats: nan matches nan, infinities must match exactly, finite numbers within the tolerances."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return a == b or abs(a - b) <= max(rel * max(abs(a), abs(b)), abs_)


def assert_matches_torch(f, *xs, rel=1e-12, value_rel=0.0):
    (our_value, our_grads), (torch_value, torch_grads) = ours(f, *xs), theirs(f, *xs)
    assert same_float(our_value, torch_value, rel=value_rel), f"value at {xs}: ours {our_value}, torch {torch_value}"
    for i, (g, t) in enumerate(zip(our_grads, torch_grads)):
        assert same_float(g, t, rel=rel), f"gradient {i} at {xs}: ours {g}, torch {t}"


@pytest.fixture
def matches_torch():
    return assert_matches_torch


def docs_page(path, language="en"):
    """The text of a documentation page, e.g. docs_page("guide/compile.md"), from docs/en or docs/pt-BR."""
    return (Path(__file__).resolve().parent.parent / "docs" / language / path).read_text()


def docs_example(path):
    """(code, output): the first python block of the documentation page at `path` and the output block after it."""
    code, output = re.findall(r"```(?:python)?\n(.*?)```", docs_page(path), re.S)[:2]
    return code, output


# Names a user may give a custom_op, each of which graphviz would read as markup if it reached DOT as it is.
HOSTILE_OP_NAMES = [
    '<<TABLE><TR><TD HREF="javascript:alert(1)">click</TD></TR></TABLE>>',  # an HTML-like label with a link
    '<<IMG SRC="/etc/passwd"/>>',
    "<b>bold</b>",
    "ends in a backslash\\",
    "\\N \\G \\l",  # graphviz's escapes: the node's name, the graph's name, a left-justified line
    "&lt;&amp;",  # entities, which graphviz decodes
    'a"b',
]


def run_micrograd(*args, cwd=None, env=None):
    """`python -m micrograd ARGS` in a subprocess, as a user runs the command: (exit status, stdout, stderr)."""
    command = [sys.executable, "-m", "micrograd", *args]
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env)
    return result.returncode, result.stdout, result.stderr


def run_example(code, cwd):
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """One headless Chromium for the whole session (see tests/browser.py), closed at the end."""
    from browser import start_chromium

    driver = start_chromium(tmp_path_factory.mktemp("chromium"))
    yield driver
    driver.quit()
