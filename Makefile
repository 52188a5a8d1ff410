# The two commands a new user runs. Each creates or refreshes .venv and installs what it needs.
.PHONY: demo test

demo:
	@bash scripts/setup.sh viz
	.venv/bin/micrograd demo
	@echo "Then: make notebooks opens notebook 01, the tour, in JupyterLab (make notebooks-pt: in Portuguese)."

# The notebooks in JupyterLab, from notebooks/01-main.ipynb (NOTEBOOKS_HEADLESS=1: check they open, without a browser).
.PHONY: notebooks notebooks-pt
notebooks:
	@bash scripts/setup.sh notebooks
	.venv/bin/python scripts/open_notebook.py notebooks/01-main.ipynb

notebooks-pt:
	@bash scripts/setup.sh notebooks
	.venv/bin/python scripts/open_notebook.py notebooks/pt-BR/01-main.ipynb

# The documentation site, both languages, into site/ (open site/index.html); offline, warnings are errors.
.PHONY: docs
docs:
	@bash scripts/setup.sh docs
	.venv/bin/python scripts/build_docs.py site

test:
	@bash scripts/setup.sh test
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/python -m pytest

# The tests on every supported Python found here (3.10 to 3.14), each in .venvs/3.X without PyTorch (see the script);
# PYTHONS="3.10 3.13" names the ones to run. A few minutes per Python.
.PHONY: test-pythons
test-pythons:
	python3 scripts/test_pythons.py $(PYTHONS)

# Speed and memory next to the original micrograd 0.1.0 (installs it into a temporary directory); a few minutes.
.PHONY: bench
bench:
	@bash scripts/setup.sh bench
	.venv/bin/python benchmarks/run.py

# The browser pages (Python in WebAssembly: nothing to install for the reader) into site/play; serve that folder.
.PHONY: web
web:
	@bash scripts/setup.sh web
	.venv/bin/python scripts/build_web.py site/play
	@echo "Serve it: .venv/bin/python -m http.server -d site/play, then open http://localhost:8000"
