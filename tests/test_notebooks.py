"""The notebooks run from top to bottom without an error, and what they show on GitHub is what they compute today.

Each notebook is executed in a fresh Jupyter kernel (nbclient); matplotlib draws with the inline backend (Agg, no
display needed) and graphs are SVGs from Graphviz. After changing a notebook, refresh its committed outputs with

    .venv/bin/python tests/test_notebooks.py
"""

import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

FOLDER = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb")) + sorted(FOLDER.glob("pt-BR/*.ipynb"))  # English, then the translations
# A student's notebook is blank (a stub where each exercise goes); its solved twin in solutions/ is for the teacher.
STUDENT_NOTEBOOKS = [FOLDER / "02-exercises.ipynb", FOLDER / "pt-BR/02-exercises.ipynb"]
SOLVED_NOTEBOOKS = [path.parent / "solutions" / path.name for path in STUDENT_NOTEBOOKS]
RUN_AS_THEY_ARE = [path for path in NOTEBOOKS if path not in STUDENT_NOTEBOOKS]
WHAT_YOU_WILL_LEARN = ("you will learn", "você vai aprender")
PICTURES = ("image/svg+xml", "image/png")
NEED_PYTORCH = [path for path in NOTEBOOKS if "import torch" in path.read_text()]
PYTORCH_MISSING = ("PyTorch is not installed", "PyTorch não está instalado")


def execute(path, **kernel_options):
    """The notebook at `path`, executed in a fresh kernel (in its own folder); raises on the first failing cell."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": path.parent}})
    client.execute(**kernel_options)
    return notebook


def texts(notebook):
    """What each code cell prints and returns, as text. Pictures are listed by their type only (their text form holds a
    memory address, their bytes depend on the versions of Graphviz and matplotlib); stderr is left out (warnings such
    as matplotlib's "building the font cache" on a fresh machine are not what the notebook shows). Printed text that
    arrives in several pieces is joined: where the kernel cuts it depends on timing, not on the notebook."""
    shown = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        shown_in_cell = []
        for output in cell.outputs:
            if output.output_type == "stream":
                if output.name != "stdout":
                    continue
                if shown_in_cell and shown_in_cell[-1][0] == "stdout":
                    shown_in_cell[-1] = ("stdout", shown_in_cell[-1][1] + output.text)
                else:
                    shown_in_cell.append(("stdout", output.text))
            elif output.output_type in ("execute_result", "display_data"):
                pictures = [kind for kind in PICTURES if kind in output.data]
                shown_in_cell.append(("picture", pictures) if pictures else ("text", output.data.get("text/plain")))
            else:
                shown_in_cell.append((output.output_type, output.get("evalue")))
        shown += shown_in_cell
    return shown


def test_printed_text_is_compared_whole_within_a_cell_however_the_kernel_cut_it():
    def printing(*cells):
        """A notebook whose code cells print the given pieces of text, one list of pieces per cell."""
        new_cell, new_output = nbformat.v4.new_code_cell, nbformat.v4.new_output
        return nbformat.v4.new_notebook(
            cells=[
                new_cell(outputs=[new_output("stream", name="stdout", text=piece) for piece in pieces])
                for pieces in cells
            ]
        )

    assert texts(printing(["step 0\n", "step 10\n"], ["done\n"])) == texts(printing(["step 0\nstep 10\n"], ["done\n"]))
    assert texts(printing(["step 0\n", "step 10\n"])) != texts(printing(["step 0\n"], ["step 10\n"]))


def test_there_are_notebooks_to_check():
    assert {path.name for path in NOTEBOOKS} >= {"01-main.ipynb", "03-training.ipynb", "04-gradients.ipynb"}


@pytest.mark.parametrize("path", RUN_AS_THEY_ARE, ids=lambda path: str(path.relative_to(FOLDER)))
def test_notebook_runs_and_its_committed_outputs_are_current(path):
    committed = nbformat.read(path, as_version=4)
    code_cells = [cell for cell in committed.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code_cells), "the notebook is committed with its outputs"
    executed = execute(path)  # fails on any error in any cell
    assert texts(executed) == texts(committed), "refresh the outputs: .venv/bin/python tests/test_notebooks.py"


@pytest.mark.parametrize(
    "student, solved", list(zip(STUDENT_NOTEBOOKS, SOLVED_NOTEBOOKS)), ids=lambda path: path.parent.name
)
def test_a_student_notebook_filled_in_with_the_solutions_runs_and_shows_the_solved_outputs(student, solved, tmp_path):
    blank, answers = nbformat.read(student, as_version=4), nbformat.read(solved, as_version=4)
    assert [c.cell_type for c in blank.cells] == [c.cell_type for c in answers.cells]
    assert not any(cell.get("outputs") for cell in blank.cells), "a student's notebook is committed blank"
    for mine, ours in zip(blank.cells, answers.cells):
        if mine.source != ours.source:  # an exercise: a stub, or (find the bug) the solution with one line changed
            changed = set(mine.source.splitlines()) ^ set(ours.source.splitlines())
            assert mine.cell_type == "code" and ("raise NotImplementedError" in mine.source or len(changed) == 2)
            mine.source = ours.source
    nbformat.write(blank, tmp_path / student.name)
    executed = execute(tmp_path / student.name)  # fails on any error in any cell
    assert texts(executed) == texts(answers), "refresh the outputs: .venv/bin/python tests/test_notebooks.py SOLVED"


def test_the_notebooks_that_compare_with_pytorch_are_found():
    assert {path.name for path in NEED_PYTORCH} >= {"04-gradients.ipynb", "06-compile.ipynb", "07-pytorch.ipynb"}


@pytest.mark.parametrize("path", NEED_PYTORCH, ids=lambda path: str(path.relative_to(FOLDER)))
def test_notebook_runs_without_pytorch_and_says_so_in_one_line(path, tmp_path):
    (tmp_path / "torch.py").write_text("raise ModuleNotFoundError('torch')\n")  # as if PyTorch were not installed
    executed = execute(path, env={**os.environ, "PYTHONPATH": str(tmp_path)})  # fails on any error in any cell
    printed = "".join(text for kind, text in texts(executed) if kind == "stdout").splitlines()
    about_pytorch = [line for line in printed if "PyTorch" in line]  # no comparison printed without it
    assert len(about_pytorch) == 1 and any(words in about_pytorch[0] for words in PYTORCH_MISSING)


@pytest.mark.parametrize("path", RUN_AS_THEY_ARE + SOLVED_NOTEBOOKS, ids=lambda path: str(path.relative_to(FOLDER)))
def test_notebook_opens_with_what_the_reader_will_learn_and_ends_with_a_picture(path):
    notebook = nbformat.read(path, as_version=4)
    assert notebook.cells[0].cell_type == "markdown"
    assert any(words in notebook.cells[0].source for words in WHAT_YOU_WILL_LEARN)
    last_output = [cell for cell in notebook.cells if cell.cell_type == "code"][-1].outputs[-1]
    assert any(kind in last_output.get("data", {}) for kind in PICTURES)


if __name__ == "__main__":
    for path in sys.argv[1:] or RUN_AS_THEY_ARE + SOLVED_NOTEBOOKS:
        nbformat.write(execute(Path(path)), path)
        print(f"executed and saved {path}")
