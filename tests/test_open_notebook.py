"""`make notebooks` opens notebook 01 in JupyterLab; with NOTEBOOKS_HEADLESS=1 it checks, without a browser, that
JupyterLab serves the notebook and that the notebook's kernel runs micrograd, then stops the server."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "open_notebook.py"


def open_notebook(*arguments):
    environment = {**os.environ, "NOTEBOOKS_HEADLESS": "1"}
    return subprocess.run(
        [sys.executable, SCRIPT, *arguments], capture_output=True, text=True, env=environment, timeout=240
    )


@pytest.mark.parametrize("notebook", ["notebooks/01-main.ipynb", "notebooks/pt-BR/01-main.ipynb"])
def test_jupyterlab_serves_the_first_notebook_and_its_kernel_runs_micrograd(notebook):
    result = open_notebook(notebook)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"JupyterLab served {notebook} and its kernel ran micrograd; server stopped (NOTEBOOKS_HEADLESS=1)"
    ]


def test_make_notebooks_opens_notebook_01_in_each_language():
    makefile = (ROOT / "Makefile").read_text()
    opened = dict(re.findall(r"^(notebooks(?:-pt)?):\n(?:\t.*\n)*?\t.*open_notebook\.py (\S+)$", makefile, re.M))
    assert opened == {"notebooks": "notebooks/01-main.ipynb", "notebooks-pt": "notebooks/pt-BR/01-main.ipynb"}


def test_a_missing_notebook_is_a_one_line_error():
    result = open_notebook("notebooks/99-nothing.ipynb")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"open_notebook: there is no notebook notebooks/99-nothing.ipynb in {ROOT}"]
