# The two commands a new user runs. Each creates or refreshes .venv and installs what it needs.
.PHONY: demo test

demo:
	@bash scripts/setup.sh viz
	.venv/bin/micrograd demo

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
