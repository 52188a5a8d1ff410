"""Every notebook has a Portuguese twin in notebooks/pt-BR/ that runs the same program: only the text differs.

Prose, comments and the text of strings (what a cell prints, a plot's labels) are translated; everything else in a
code cell must be the same, which we check on the code's syntax tree with every string's text blanked out (an
f-string keeps its expressions and format specs). The committed outputs must show the same numbers and pictures in the
same cells. tests/test_notebooks.py runs the twins like the English notebooks.
"""

import ast
import re

import nbformat
import pytest
from test_notebooks import FOLDER, texts

ENGLISH = sorted(FOLDER.glob("*.ipynb")) + sorted(FOLDER.glob("solutions/*.ipynb"))
PORTUGUESE = FOLDER / "pt-BR"


class _BlankStrings(ast.NodeTransformer):
    def visit_Constant(self, node):
        return ast.Constant("") if isinstance(node.value, str) else node

    def visit_JoinedStr(self, node):  # an f-string: its expressions count, its text does not
        node.values = [self.visit(value) for value in node.values if isinstance(value, ast.FormattedValue)]
        return node

    def visit_FormattedValue(self, node):
        node.value = self.visit(node.value)  # not the format spec (":.4f"): that is part of the program
        return node


def program(source):
    """The code of a cell with comments dropped and every string's text blanked: what a translation keeps."""
    python = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))  # magics
    return ast.dump(_BlankStrings().visit(ast.parse(python)))


def code_cells(notebook):
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def numbers(shown):
    """The numbers in a notebook's outputs, cell by cell, and the kinds of its pictures."""
    return [
        (kind, value if kind == "picture" else re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", value or ""))
        for kind, value in shown
    ]


def twins():
    return [(path, PORTUGUESE / path.relative_to(FOLDER)) for path in ENGLISH]


def test_program_ignores_comments_and_the_text_of_strings_but_not_the_code():
    assert program('print(f"loss {x:.4f}")  # the loss') == program('print(f"perda {x:.4f}")  # a perda')
    assert program('print(f"loss {x:.4f}")') != program('print(f"loss {y:.4f}")')
    assert program('print(f"loss {x:.4f}")') != program('print(f"loss {x:.2f}")')
    assert program("steps = 100") != program("steps = 10")


def test_every_notebook_has_a_portuguese_twin_and_no_twin_is_orphaned():
    translated = [*PORTUGUESE.glob("*.ipynb"), *PORTUGUESE.glob("solutions/*.ipynb")]
    assert {path.relative_to(FOLDER) for path in ENGLISH} == {path.relative_to(PORTUGUESE) for path in translated}


@pytest.mark.parametrize("english, portuguese", twins(), ids=lambda path: path.name)
def test_twins_run_the_same_code_and_show_the_same_numbers(english, portuguese):
    english, portuguese = nbformat.read(english, as_version=4), nbformat.read(portuguese, as_version=4)
    assert [program(code) for code in code_cells(portuguese)] == [program(code) for code in code_cells(english)]
    assert numbers(texts(portuguese)) == numbers(texts(english))


@pytest.mark.parametrize("english, portuguese", twins(), ids=lambda path: path.name)
def test_twins_prose_is_translated_cell_for_cell(english, portuguese):
    english, portuguese = nbformat.read(english, as_version=4), nbformat.read(portuguese, as_version=4)
    assert [cell.cell_type for cell in portuguese.cells] == [cell.cell_type for cell in english.cells]
    prose = [(en.source, pt.source) for en, pt in zip(english.cells, portuguese.cells) if en.cell_type == "markdown"]
    untranslated = [en for en, pt in prose if en == pt and len(en.split()) > 5]  # a short heading may be the same
    assert not untranslated
