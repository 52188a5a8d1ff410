"""Speed and memory of this micrograd next to the original micrograd 0.1.0, measured in one run.

    .venv/bin/python benchmarks/run.py            # the full run: a few minutes
    .venv/bin/python benchmarks/run.py --quick    # tiny sizes, well under a minute: checks that it all runs

Installs the original from the package index into a temporary directory (`pip install --target`), then runs every
workload of benchmarks/workloads.py once per engine, each in its own `python -S` process, so the two engines never
share an import. Prints a table of medians and ratios, then a second table: the demo step compiled
(`micrograd.compile`), by hand (floor.py) and in batched PyTorch (pytorch_step.py, when torch is installed), also on a
larger workload. Then checks that everything computed the same numbers; exits with status 1 if not.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ORIGINAL = "micrograd==0.1.0"
TOLERANCE = 1e-9  # largest relative difference allowed between the engines' numbers

# Sizes of each workload: the original is ~100x slower, so it runs fewer repetitions of the same work.
FULL = {
    "demo_points": 100,
    "demo_steps": {"ours": 50, "original": 7},
    "floor_steps": 50,
    "grid": (100, 100),  # op-by-op graph: width, layers (50,099 operations)
    "grid_repeats": {"ours": 15, "original": 5},
    "chain_cap": 1_000_000,
    "compiled_steps": 300,  # also PyTorch's: a few hundred milliseconds, longer than the host's slow spells
    "large": {"points": 1000, "width": 32, "eager_steps": 3, "compiled_steps": 100},
}
QUICK = {
    "demo_points": 20,
    "demo_steps": {"ours": 2, "original": 1},
    "floor_steps": 2,
    "grid": (10, 10),
    "grid_repeats": {"ours": 2, "original": 1},
    "chain_cap": 10_000,
    "compiled_steps": 2,
    "large": {"points": 40, "width": 4, "eager_steps": 1, "compiled_steps": 2},
}


def install_original(target):
    """pip-install the original micrograd into the directory target, with this interpreter's pip."""
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*command, "--target", str(target), ORIGINAL], check=True)


def numpy_dir():
    """The directory numpy is installed in (None without numpy): the demo's numpy-data row needs it."""
    try:
        import numpy
    except ImportError:
        return None
    return str(Path(numpy.__file__).resolve().parent.parent)


# Every way runs on one thread, as the scalar engines do: PyTorch is told so (pytorch_step.py), and the BLAS library
# behind numpy's matrix products (the numpy backend's) is told so here. Threads would also make a step wait for a core
# whenever another program is busy: a 40 µs product took 8 ms on this machine with two busy programs beside it.
ONE_THREAD = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def run_workload(engine_dir, task, *args, numpy_in=None):
    """Run one task of workloads.py in a fresh `python -S` process on the engine in engine_dir; its JSON result."""
    command = [sys.executable, "-S", str(HERE / "workloads.py"), str(engine_dir), task, *map(str, args)]
    if numpy_in:
        command += ["--numpy-dir", numpy_in]
    print(f"  {task} {' '.join(map(str, args))} on {engine_dir}", file=sys.stderr, flush=True)
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, env=ONE_THREAD)
    if result.returncode != 0:
        raise RuntimeError(f"{task} on {engine_dir} failed:\n{result.stderr}")
    return json.loads(result.stdout)


def run_script(script, *args, site=False):
    """Run benchmarks/script with args in a fresh process (`python -S` unless it needs site-packages); its JSON."""
    command = [sys.executable, *([] if site else ["-S"]), str(HERE / script), *map(str, args)]
    print(f"  {script} {' '.join(map(str, args))}", file=sys.stderr, flush=True)
    result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=600, env=ONE_THREAD)
    return json.loads(result.stdout)


def have_torch():
    """Whether PyTorch is installed (the `bench` extra installs it): the PyTorch rows need it."""
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def measure(engines, sizes):
    """Every workload on every engine: {engine: {workload: result}}, and the floor's result."""
    numpy_in = numpy_dir()
    results = {}
    for name, engine_dir in engines.items():
        steps = sizes["demo_steps"][name]
        width, layers = sizes["grid"]
        results[name] = {
            "demo_floats": run_workload(engine_dir, "demo", steps, sizes["demo_points"], "floats"),
            "demo_numpy": numpy_in
            and run_workload(engine_dir, "demo", steps, sizes["demo_points"], "numpy", numpy_in=numpy_in),
            "grid": run_workload(engine_dir, "op_graph_time", width, layers, sizes["grid_repeats"][name]),
            "memory": run_workload(engine_dir, "op_graph_memory", width, layers),
            "chain": run_workload(engine_dir, "deepest_chain", sizes["chain_cap"]),
        }
    floor = run_script("floor.py", sizes["floor_steps"], sizes["demo_points"])
    return results, floor


def measure_compiled(ours_dir, sizes):
    """The demo step and the larger workload: {workload: {way: result}}, ways being eager, compiled with each backend,
    the hand-written floor and batched PyTorch (None when torch or numpy is missing). The original is not run on the
    larger workload (see docs/en/guide/speed.md: its recursive backward() cannot get through that graph)."""
    numpy_in, torch_in = numpy_dir(), have_torch()
    demo_points, steps, large = sizes["demo_points"], sizes["compiled_steps"], sizes["large"]
    points, width = large["points"], large["width"]
    return {
        "demo": {
            "numpy": numpy_in
            and run_workload(ours_dir, "demo_compiled", steps, demo_points, "numpy", numpy_in=numpy_in),
            "python": run_workload(ours_dir, "demo_compiled", steps, demo_points, "python"),
            "torch": torch_in and run_script("pytorch_step.py", steps, demo_points, 16, site=True),
        },
        "large": {
            "eager": run_workload(ours_dir, "demo", large["eager_steps"], points, "floats", width),
            "numpy": numpy_in
            and run_workload(
                ours_dir, "demo_compiled", large["compiled_steps"], points, "numpy", width, numpy_in=numpy_in
            ),
            "floor": run_script("floor.py", large["eager_steps"], points, width),
            "torch": torch_in and run_script("pytorch_step.py", large["compiled_steps"], points, width, site=True),
        },
    }


def relative_difference(a, b):
    """|a - b| relative to the larger magnitude (0 when both are 0)."""
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def check(description, ours, theirs):
    """A line saying whether the sequences agree within TOLERANCE (over their common length), and whether they do."""
    count = min(len(ours), len(theirs))
    worst = max((relative_difference(a, b) for a, b in zip(ours, theirs)), default=0.0)
    ok = count > 0 and worst <= TOLERANCE
    verdict = "OK" if ok else "FAILED"
    line = f"{description} ({count} numbers): max relative difference {worst:.1e} (<= {TOLERANCE:g}: {verdict})"
    return line, ok


def milliseconds(seconds):
    ms = seconds * 1000
    return f"{ms:.0f} ms" if ms >= 100 else f"{ms:.1f} ms" if ms >= 1 else f"{ms:.2f} ms"


def ratio(slow, fast):
    return f"{slow / fast:.1f}x"


def timed_row(label, ours_s, original_s):
    """A table row with both times and how many times faster ours is."""
    return (label, milliseconds(ours_s), milliseconds(original_s), ratio(original_s, ours_s))


def table(results, floor):
    """The results as rows of text: (what, ours, original, original / ours)."""
    ours, original = results["ours"], results["original"]
    rows = []
    for key, data in [("demo_numpy", "notebook's numpy data"), ("demo_floats", "plain Python floats")]:
        a, b = ours[key], original[key]
        if not a:
            rows.append((f"demo step, {data}", "skipped: no numpy", "", ""))
            continue
        full_collections = (f"{a['full_collections_per_step']:.1f}", f"{b['full_collections_per_step']:.1f}")
        rows += [
            timed_row(f"demo step, {data}", a["step_s"], b["step_s"]),
            ("  of which cyclic GC", milliseconds(a["gc_s"]), milliseconds(b["gc_s"]), ""),
            ("  full GC collections per step", *full_collections, ""),
        ]
    a, b = ours["demo_floats"], original["demo_floats"]
    rows += [
        ("  graph nodes per step", f"{a['nodes']:,}", f"{b['nodes']:,}", ""),
        ("hand-written floor, no autograd", milliseconds(floor["step_s"]), "", ""),
        ("  demo step (floats) / floor", ratio(a["step_s"], floor["step_s"]), ratio(b["step_s"], floor["step_s"]), ""),
    ]
    a, b = ours["grid"], original["grid"]
    rows += [
        (f"op-by-op graph, {a['operations']:,} operations", "", "", ""),
        timed_row("  forward + backward", a["total_s"], b["total_s"]),
        timed_row("  forward (building the graph)", a["forward_s"], b["forward_s"]),
        timed_row("  backward", a["backward_s"], b["backward_s"]),
        ("  of which cyclic GC", milliseconds(a["gc_s"]), milliseconds(b["gc_s"]), ""),
        ("  graph nodes", f"{a['nodes']:,}", f"{b['nodes']:,}", ""),
    ]
    a, b = ours["memory"], original["memory"]
    for key, moment in [
        ("after_forward_bytes", "after forward"),
        ("after_backward_bytes", "after backward"),
        ("backward_peak_bytes", "peak during backward"),
    ]:
        per_node = (f"{m[key] / m['nodes']:.0f}" for m in (a, b))
        rows.append((f"memory {moment}, bytes per node", *per_node, ""))
    ours_bytes, original_bytes = (m["after_forward_bytes"] / m["operations"] for m in (a, b))
    per_operation = (f"{ours_bytes:.0f}", f"{original_bytes:.0f}", ratio(original_bytes, ours_bytes))
    rows.append(("memory after forward, bytes per operation", *per_operation))
    a, b = ours["chain"], original["chain"]
    deepest = [f"{'>= ' if c['capped'] else ''}{c['deepest']:,}" for c in (a, b)]
    rows.append((f"deepest chain backward() handles, recursion limit {a['recursion_limit']}", *deepest, ""))
    return rows


def table_compiled(compiled, results, floor, sizes):
    """The second table's header and rows: (way, demo step, larger workload's step, larger / demo)."""
    demo, large = compiled["demo"], compiled["large"]
    width = sizes["large"]["width"]
    header = (
        "one training step",
        f"{sizes['demo_points']} points, [16, 16, 1]",
        f"{sizes['large']['points']:,} points, [{width}, {width}, 1]",
        "larger / demo",
    )
    eager = {"demo": results["ours"]["demo_floats"], "large": large["eager"]}
    demo_times = {
        "original": results["original"]["demo_floats"],
        "eager": eager["demo"],
        "numpy": demo["numpy"],
        "python": demo["python"],
        "floor": floor,
        "torch": demo["torch"],
    }

    def time_of(result):
        return milliseconds(result["step_s"]) if result else "not run"

    def ratio_of(slow, fast):
        return ratio(slow["step_s"], fast["step_s"]) if slow and fast else ""

    rows = []
    for way, label in [
        ("original", "original micrograd 0.1.0"),
        ("eager", "eager (ours)"),
        ("numpy", "compiled, numpy backend"),
        ("python", "compiled, generated-Python backend"),
        ("floor", "hand-written floor, no autograd"),
        ("torch", "batched PyTorch float64, 1 thread"),
    ]:
        small, big = demo_times[way], large.get(way)
        rows.append((label, time_of(small), time_of(big), ratio_of(big, small)))
    for label, slow, fast in [
        ("original / compiled (numpy)", "original", "numpy"),
        ("eager / compiled (numpy)", "eager", "numpy"),
        ("compiled (numpy) / PyTorch", "numpy", "torch"),
        ("compiled (numpy) / floor", "numpy", "floor"),
        ("compiled (generated Python) / floor", "python", "floor"),
    ]:
        rows.append(
            (label, ratio_of(demo_times[slow], demo_times[fast]), ratio_of(large.get(slow), large.get(fast)), "")
        )

    def compile_cost(program, eager_step):
        return f"{(program['trace_s'] + program['compile_s']) / eager_step['step_s']:.1f}" if program else ""

    def bytes_per_operation(program):
        return f"{program['program_bytes'] / program['operations']:.0f}" if program else ""

    for backend in ("numpy", "python"):
        rows += [
            (
                f"tracing + compiling ({backend}), in eager steps",
                compile_cost(demo[backend], eager["demo"]),
                compile_cost(large.get(backend), eager["large"]),
                "",
            ),
            (
                f"program memory ({backend}), bytes per operation",
                bytes_per_operation(demo[backend]),
                bytes_per_operation(large.get(backend)),
                "",
            ),
        ]
    operations = [f"{program['operations']:,}" if program else "" for program in (demo["python"], large["numpy"])]
    rows.append(("operations in the compiled program", *operations, ""))
    return header, rows


def format_table(rows, header=("", "ours", "original", "original / ours")):
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    lines = []
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def checks(results, floor):
    """Lines saying whether the engines (and the hand-written floor) computed the same numbers; and whether all did."""
    ours, original = results["ours"], results["original"]
    lines = []
    for key, data in [("demo_numpy", "numpy data"), ("demo_floats", "floats")]:
        if ours[key]:
            lines.append(check(f"demo losses, {data}, ours vs original", ours[key]["losses"], original[key]["losses"]))
    ours_grid, original_grid = ours["grid"]["values"], original["grid"]["values"]
    lines += [
        check("demo losses, floats, ours vs hand-written floor", ours["demo_floats"]["losses"], floor["losses"]),
        check("op-by-op graph: output and leaf grads, ours vs original", ours_grid, original_grid),
    ]
    return [line for line, _ in lines], all(ok for _, ok in lines)


def checks_compiled(compiled, results):
    """Lines saying whether compiled programs, the floor and PyTorch computed the eager engine's losses; and whether
    all did."""
    demo, large = compiled["demo"], compiled["large"]
    eager = {"demo": results["ours"]["demo_floats"]["losses"], "larger": large["eager"]["losses"]}
    lines = []
    for workload, ways in [("demo", demo), ("larger", large)]:
        for way, label in [
            ("numpy", "compiled (numpy)"),
            ("python", "compiled (generated Python)"),
            ("floor", "hand-written floor"),
            ("torch", "PyTorch"),
        ]:
            if ways.get(way):
                lines.append(check(f"{workload} losses, {label} vs eager", ways[way]["losses"], eager[workload]))
    return [line for line, _ in lines], all(ok for _, ok in lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that everything runs (under a minute)")
    parser.add_argument(
        "--original", metavar="DIR", help=f"use the original micrograd found in DIR instead of installing {ORIGINAL}"
    )
    options = parser.parse_args(argv)
    sizes = QUICK if options.quick else FULL
    with tempfile.TemporaryDirectory(prefix="micrograd-original-") as temporary:
        if options.original:
            original_dir = Path(options.original).resolve()
            if not (original_dir / "micrograd" / "engine.py").is_file():
                sys.exit(f"--original {options.original}: no micrograd/engine.py in that directory")
        else:
            print(f"Installing {ORIGINAL} into {temporary} ...", file=sys.stderr, flush=True)
            try:
                install_original(temporary)
            except subprocess.CalledProcessError:
                sys.exit(f"Could not install {ORIGINAL} with pip. Offline? Point --original at a copy of it.")
            original_dir = Path(temporary)
        print("Measuring (each line is one fresh process):", file=sys.stderr, flush=True)
        results, floor = measure({"ours": ROOT, "original": original_dir}, sizes)
    compiled = measure_compiled(ROOT, sizes)
    lines, all_ok = checks(results, floor)
    compiled_lines, compiled_ok = checks_compiled(compiled, results)
    print(
        f"micrograd benchmark, {datetime.date.today()}: Python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs{' (--quick: tiny sizes, the numbers mean nothing)' if options.quick else ''}"
    )
    where = f"from {original_dir}" if options.original else "pip-installed into a temporary directory"
    ours_file = Path(results["ours"]["grid"]["engine_file"]).relative_to(ROOT)
    print(f"ours: {ours_file} in this checkout; original: {ORIGINAL}, {where}")
    print(
        f"demo step: median of {sizes['demo_steps']['ours']} steps (ours) and {sizes['demo_steps']['original']} "
        f"(original) on {sizes['demo_points']} points; op-by-op graph: median of {sizes['grid_repeats']['ours']} "
        f"and {sizes['grid_repeats']['original']} runs"
    )
    print()
    print(format_table(table(results, floor)))
    print()
    header, rows = table_compiled(compiled, results, floor, sizes)
    print(f"compiled: median of {sizes['compiled_steps']} steps (also PyTorch's); larger workload: median of ", end="")
    print(f"{sizes['large']['eager_steps']} eager and {sizes['large']['compiled_steps']} compiled steps")
    print(format_table(rows, header))
    print()
    print("\n".join(lines + compiled_lines))
    return 0 if all_ok and compiled_ok else 1


if __name__ == "__main__":
    sys.exit(main())
