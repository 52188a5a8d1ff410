"""The benchmark runs and checks what it says it checks (it prints timings; nothing here asserts a timing)."""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def load(name):
    """A module of benchmarks/ (a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.torch
def test_quick_run_prints_every_row_for_both_engines_and_passes_its_checks():
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--quick"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    table = result.stdout
    timed_rows = ["demo step, notebook's numpy data", "demo step, plain Python floats", "  forward + backward"]
    for row in timed_rows:  # a time for each engine and their ratio
        assert re.search(rf"^{re.escape(row)} +[\d.]+ ms +[\d.]+ ms +[\d.]+x$", table, re.MULTILINE), row
    assert re.search(r"^hand-written floor, no autograd +[\d.]+ ms$", table, re.MULTILINE)
    assert re.search(r"^memory after forward, bytes per node +\d+ +\d+$", table, re.MULTILINE)
    # ours goes as deep as the quick run asks; the original stops short of its recursion limit
    deepest = re.search(r"^deepest chain .*recursion limit (\d+) +>= 10,000 +([\d,]+)$", table, re.MULTILINE)
    assert deepest and int(deepest[2].replace(",", "")) < int(deepest[1])
    # the second table: the demo and the larger workload, eager, compiled, by hand and in PyTorch
    for row in ["eager (ours)", "compiled, numpy backend", "hand-written floor, no autograd", "batched PyTorch"]:
        assert re.search(rf"^{re.escape(row)}.* +[\d.]+ ms +[\d.]+ ms +[\d.]+x$", table, re.MULTILINE), row
    assert re.search(r"^compiled, generated-Python backend +[\d.]+ ms +not run$", table, re.MULTILINE)
    assert re.search(r"^original micrograd 0.1.0 +[\d.]+ ms +not run$", table, re.MULTILINE)
    for backend in ("numpy", "python"):
        assert re.search(rf"^tracing \+ compiling \({backend}\), in eager steps +[\d.]+", table, re.MULTILINE)
        assert re.search(rf"^program memory \({backend}\), bytes per operation +\d+", table, re.MULTILINE)
    check_lines = [line for line in table.splitlines() if "max relative difference" in line]
    assert len(check_lines) == 10 and all(line.endswith("OK)") for line in check_lines)
    compiled_checks = [line for line in check_lines if "vs eager" in line]
    assert {line.split(" losses, ")[1].split(" vs ")[0] for line in compiled_checks} == {
        "compiled (numpy)",
        "compiled (generated Python)",
        "hand-written floor",
        "PyTorch",
    }


def test_check_fails_when_the_engines_differ_by_more_than_the_tolerance():
    run = load("run")
    assert run.check("losses", [1.0, 2.0], [1.0, 2.0 * (1 + 1e-12)])[1]
    line, ok = run.check("losses", [1.0, 2.0], [1.0, 2.0 * (1 + 1e-8)])
    assert not ok and line.endswith("FAILED)")


def test_moons_are_the_same_for_the_same_seed_and_balanced():
    moons = load("moons")
    X, y = moons.make_moons(100)
    assert (X, y) == moons.make_moons(100)
    assert (X, y) != moons.make_moons(100, seed=1)
    assert len(X) == 100 and all(len(point) == 2 for point in X)
    assert sorted(set(y)) == [-1, 1] and y.count(1) == 50


def test_moons_need_at_least_four_samples():
    moons = load("moons")
    with pytest.raises(ValueError, match="at least 4 samples, got 3"):
        moons.make_moons(3)
