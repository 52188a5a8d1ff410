"""The workloads, run on one engine per process: `python -S workloads.py ENGINE_DIR TASK [ARGS...]`.

ENGINE_DIR is the directory that holds the `micrograd` package to measure (this checkout, or the original micrograd
0.1.0 installed by benchmarks/run.py). Run with `-S`, so that nothing but the standard library, ENGINE_DIR and (with
--numpy-dir) numpy's directory is importable: the two engines never share an import. Each task prints one JSON object.
Times are the process's CPU time (time.process_time): on a busy machine, time spent waiting for a core is not counted.

The user code is the same text for both engines and uses only what the original supports: `+ * / **` (a number
exponent), `relu()`, `backward()`, `from micrograd.engine import Value`, `from micrograd.nn import MLP`.
"""

import argparse
import gc
import json
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from moons import make_moons


class GCTimer:
    """Time spent in Python's cyclic garbage collector, and the number of full collections, via gc.callbacks."""

    def __init__(self):
        self.seconds = 0.0
        self.full_collections = 0  # generation 2: the ones that walk every tracked object
        self._start = None

    def __call__(self, phase, info):
        if phase == "start":
            self._start = time.process_time()
        else:
            self.seconds += time.process_time() - self._start
            self.full_collections += info["generation"] == 2

    def __enter__(self):
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc_info):
        gc.callbacks.remove(self)


def count_nodes(root):
    """The number of Values in root's graph, leaves and constants included (iteratively: graphs may be deep)."""
    seen, stack = {id(root)}, [root]
    while stack:
        for child in stack.pop()._prev:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return len(seen)


def demo(steps, n_samples, data, width=16):
    """The demo notebook's training loop, its user code unchanged; time, cyclic-GC time and loss of each step.

    data is "numpy" to pass the data as the notebook does (a float64 array X and an int64 array y: the original's
    Values then hold numpy scalars) or "floats" for plain Python lists. width is the size of both hidden layers (the
    notebook's 16; the larger workload's 32).
    """
    from micrograd.engine import Value
    from micrograd.nn import MLP

    X, y = make_moons(n_samples)
    if data == "numpy":
        import numpy as np

        X, y = np.array(X), np.array(y)
    random.seed(1337)
    model = MLP(2, [width, width, 1])  # 2-layer neural network

    # The notebook's loss function, on its full-batch path (batch_size=None).
    def loss():
        Xb, yb = X, y
        inputs = [list(map(Value, xrow)) for xrow in Xb]

        # forward the model to get scores
        scores = list(map(model, inputs))

        # svm "max-margin" loss
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(yb, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        # L2 regularization
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss

        # also get accuracy
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    times, gc_times, losses = [], [], []
    with GCTimer() as gc_timer:
        for k in range(steps):
            start, gc_before = time.process_time(), gc_timer.seconds
            # forward
            total_loss, acc = loss()

            # backward
            model.zero_grad()
            total_loss.backward()

            # update (sgd)
            learning_rate = 1.0 - 0.9 * k / 100
            for p in model.parameters():
                p.data -= learning_rate * p.grad
            times.append(time.process_time() - start)
            gc_times.append(gc_timer.seconds - gc_before)
            losses.append(float(total_loss.data))
    return {
        "step_s": statistics.median(times),
        "gc_s": statistics.median(gc_times),
        "full_collections_per_step": gc_timer.full_collections / steps,
        "nodes": count_nodes(total_loss),
        "losses": losses,
    }


def demo_compiled(steps, n_samples, backend, width=16):
    """The demo's training loop with `micrograd.compile` (ours only): the step's graph is built once, with the points
    as leaf Values, compiled, and replayed at every step (`program()` recomputes from the parameters' new `.data`).

    Also measures what compiling costs: the time to build the graph (one eager forward pass: the trace), the time of
    `compile()`, and the bytes the program keeps alive (tracemalloc, after a gc.collect(): the graph itself and the
    modules the backend imports excluded).
    """
    import micrograd
    from micrograd.engine import Value
    from micrograd.nn import MLP

    X, y = make_moons(n_samples)
    random.seed(1337)
    model = MLP(2, [width, width, 1])
    start = time.process_time()
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    total_loss = data_loss + 1e-4 * sum(p * p for p in model.parameters())
    traced = time.process_time()
    micrograd.compile(Value(1.0) * 2, backend=backend)  # imports the backend (numpy...): not the program's memory
    compile_start = time.process_time()
    program = micrograd.compile(total_loss, backend=backend)
    compiled = time.process_time()
    del program
    # The memory from a second compile: tracemalloc slows every allocation (3 to 7 times here), so not the timed one.
    gc.collect()
    tracemalloc.start()
    program = micrograd.compile(total_loss, backend=backend)
    gc.collect()
    program_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()

    times, losses = [], []
    with GCTimer() as gc_timer:
        for k in range(steps):
            start_step = time.process_time()
            model.zero_grad()
            loss = program()
            learning_rate = 1.0 - 0.9 * (k % 100) / 100  # the demo's schedule, again every 100 steps
            for p in model.parameters():
                p.data -= learning_rate * p.grad
            times.append(time.process_time() - start_step)
            losses.append(loss)
    return {
        "step_s": statistics.median(times),
        "gc_s": gc_timer.seconds / steps,
        "trace_s": traced - start,
        "compile_s": compiled - compile_start,
        "operations": len(program),
        "program_bytes": program_bytes,
        "losses": losses,
    }


def op_by_op_graph(width, layers):
    """An expression built one primitive operation at a time: a grid of `width` running values, `layers` deep.

    Each layer replaces every value v_i by relu(((v_i * v_next + b) / c) ** 0.5): five primitives (* + / ** relu),
    each a separate operation, and a value shared by two neighbours, so the graph is a DAG and not a tree. With b = 0.5
    and c = 2 the values settle near 0.7, so any depth stays finite. The output is the sum of the last layer.
    Returns (output, leaves).
    """
    from micrograd.engine import Value

    rng = random.Random(1337)
    b, c = Value(0.5), Value(2.0)
    row = [Value(rng.uniform(0.5, 1.5)) for _ in range(width)]
    leaves = [b, c, *row]
    for _ in range(layers):
        row = [(((v * row[(i + 1) % width] + b) / c) ** 0.5).relu() for i, v in enumerate(row)]
    out = row[0]
    for v in row[1:]:
        out = out + v
    return out, leaves


def op_graph_time(width, layers, repeats):
    """Median forward (building the graph) and backward times of the op-by-op graph, and the cyclic GC's time."""
    forward, backward, gc_times = [], [], []
    with GCTimer() as gc_timer:
        for _ in range(repeats):
            start, gc_before = time.process_time(), gc_timer.seconds
            out, _leaves = op_by_op_graph(width, layers)
            middle = time.process_time()
            out.backward()
            end = time.process_time()
            forward.append(middle - start)
            backward.append(end - middle)
            gc_times.append(gc_timer.seconds - gc_before)
            del out, _leaves  # as a loop that drops each graph before making the next
    out, leaves = op_by_op_graph(width, layers)
    out.backward()
    return {
        "forward_s": statistics.median(forward),
        "backward_s": statistics.median(backward),
        "total_s": statistics.median(f + b for f, b in zip(forward, backward)),
        "gc_s": statistics.median(gc_times),
        "nodes": count_nodes(out),
        "operations": 5 * width * layers + (width - 1),
        "values": [out.data] + [leaf.grad for leaf in leaves],  # the output and d(output)/d(leaf), for the checks
    }


def op_graph_memory(width, layers):
    """Bytes held by the op-by-op graph (tracemalloc), after forward and after backward, and the peak in backward.

    Measured: everything allocated from just before the leaves are made that is still alive at that moment (nodes,
    their children containers, closures, floats), after a gc.collect() so only live memory counts.
    """
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    out, _leaves = op_by_op_graph(width, layers)
    gc.collect()
    after_forward = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.reset_peak()
    out.backward()
    gc.collect()
    after_backward, peak = (m - base for m in tracemalloc.get_traced_memory())
    tracemalloc.stop()
    return {
        "nodes": count_nodes(out),
        "operations": 5 * width * layers + (width - 1),
        "after_forward_bytes": after_forward,
        "after_backward_bytes": after_backward,
        "backward_peak_bytes": peak,
    }


def chain_backward_works(length):
    """Whether backward() gets through a chain of `length` additions (y = y + x) and gives d(y)/dx = length."""
    from micrograd.engine import Value

    x = Value(1.0)
    y = x
    for _ in range(length - 1):
        y = y + x
    try:
        y.backward()
    except RecursionError:
        return False
    finally:
        del y
        gc.collect()  # the original's graph has reference cycles: free it before the next try
    if x.grad != length:
        raise AssertionError(f"chain of {length}: d(y)/dx is {x.grad}, expected {length}")
    return True


def deepest_chain(cap):
    """The longest chain (up to cap) that backward() handles at the default recursion limit: double, then bisect."""
    works, length = 0, 64
    while chain_backward_works(length):
        works = length
        if length == cap:
            return {"deepest": works, "capped": True, "recursion_limit": sys.getrecursionlimit()}
        length = min(2 * length, cap)
    fails = length
    while fails - works > 1:
        middle = (works + fails) // 2
        if chain_backward_works(middle):
            works = middle
        else:
            fails = middle
    return {"deepest": works, "capped": False, "recursion_limit": sys.getrecursionlimit()}


TASKS = {
    "demo": demo,
    "demo_compiled": demo_compiled,
    "op_graph_time": op_graph_time,
    "op_graph_memory": op_graph_memory,
    "deepest_chain": deepest_chain,
}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("engine_dir", help="the directory holding the micrograd package to measure")
    parser.add_argument("task", choices=TASKS)
    parser.add_argument("args", nargs="*", help="the task's arguments: sizes, and for demo the data kind")
    parser.add_argument("--numpy-dir", help="a directory holding numpy, for the demo on numpy data")
    options = parser.parse_args(argv)
    engine_dir = str(Path(options.engine_dir).resolve())
    sys.path.insert(0, engine_dir)
    if options.numpy_dir:
        sys.path.append(options.numpy_dir)  # after engine_dir: numpy's directory must not supply a micrograd
    import micrograd

    if not micrograd.__file__.startswith(engine_dir):
        raise RuntimeError(f"imported micrograd from {micrograd.__file__}, expected it under {engine_dir}")
    args = [int(arg) if arg.isdigit() else arg for arg in options.args]
    result = TASKS[options.task](*args)
    result["engine_file"] = micrograd.__file__
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
