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

# Speed and memory next to the original micrograd 0.1.0 (installs it into a temporary directory); a few minutes.
.PHONY: bench
bench:
	@bash scripts/setup.sh bench
	.venv/bin/python benchmarks/run.py
