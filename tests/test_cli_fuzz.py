"""A standing property: whatever the arguments, the `micrograd` command ends in bounded time with status 0, or with one
line on stderr and status 2 (1 when training diverged), never with a traceback.

Each example runs the command as a process, so the example counts are small; the arguments are drawn from option names,
edge values and junk. Numbers that would be valid are kept small, so that a run that trains does so for seconds.
"""

import subprocess
import sys
import tempfile

from hypothesis import given, settings
from hypothesis import strategies as st

TIMEOUT = 120  # seconds per call: generous for a loaded CI machine; a hang fails the test instead of blocking it

OPTIONS = [
    "--dataset", "--samples", "--hidden", "--activation", "--loss", "--optimizer", "--lr", "--steps", "--batch-size",
    "--seed", "--out", "--quiet", "--set", "--format", "--rankdir", "--", "-h",
]  # fmt: skip
VALUES = [
    "1", "2", "3", "0", "-1", "2,3", "0,4", "a,b", "1e3", "1e308", "1e-320", "nan", "inf", "-inf", "0.5", "abc", "",
    "99999999999999999999", "9" * 5000, "moons", "spiral", "blobs", "xor", "circles", "relu", "tanh", "mse", "hinge",
    "bce", "cross_entropy", "adam", "sgd", "adamw", "out", "out/deeper", "a-file", "a-file/out", "/proc/x", ".", "svg",
    "png", "TB", "a=1", "b=-2", "a=nan", "a=", "=1", "if=1",
]  # fmt: skip
PIECES = [
    "a", "b", "c", "1", "2.5", "0", "1e308", "(", ")", "+", "-", "*", "/", "**", ".tanh()", ".relu()", ".exp()",
    ".log()", ".sigmoid()", ".data", " ", "[0]", "'s'", "if", "else", "lambda", ",", "_", "__import__", "1if",
]  # fmt: skip


def run_in_fresh_directory(args):
    """(status, stderr) of `python -m micrograd ARGS` in an empty directory that holds one file, `a-file`."""
    with tempfile.TemporaryDirectory() as directory:
        with open(f"{directory}/a-file", "w") as f:
            f.write("not a directory")
        result = subprocess.run(
            [sys.executable, "-m", "micrograd", *args], capture_output=True, text=True, cwd=directory, timeout=TIMEOUT
        )
    return result.returncode, result.stderr


def assert_ends_well(status, err, args):
    assert "Traceback" not in err, (args, err)
    if status == 1:  # the failures that are not the arguments' fault
        last_line = err.splitlines()[-1]
        assert "training diverged" in last_line or "writing the outputs failed" in last_line, (args, err)
    else:
        assert status in (0, 2), (args, status, err)
    if status == 2:
        assert len(err.splitlines()) == 1, (args, err)


@settings(max_examples=12, deadline=None)
@given(
    command=st.sampled_from(["demo", "train", "train", "graph", "fly"]),
    words=st.lists(
        st.one_of(
            st.sampled_from(OPTIONS),
            st.sampled_from(VALUES),
            st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=6),
        ),
        max_size=8,
    ),
)
def test_the_command_with_random_arguments_ends_with_status_0_1_or_2_and_no_traceback(command, words):
    # Small defaults first: a later random --steps or --samples replaces them, as argparse keeps the last one.
    small = {"demo": ["--steps", "2"], "train": ["--steps", "2", "--samples", "20"]}.get(command, [])
    args = [command, *small, "--quiet", *words] if command != "graph" else [command, *words]
    assert_ends_well(*run_in_fresh_directory(args), args)


@settings(max_examples=20, deadline=None)
@given(
    expression=st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join),
    values=st.lists(st.sampled_from(["1", "-2", "0", "0.5", "1e308", "-1e-320", "nan", "inf", "x", ""]), max_size=3),
)
def test_graph_with_random_short_expressions_ends_with_status_0_or_2_and_no_traceback(expression, values):
    assignments = [f"{name}={value}" for name, value in zip("abc", values)]
    args = ["graph", expression, *(["--set", *assignments] if assignments else [])]
    status, err = run_in_fresh_directory(args)
    assert status in (0, 2)
    assert_ends_well(status, err, args)
