"""Runs the test suite on every supported Python found on this machine, each in its own venv, without PyTorch.

    python3 scripts/test_pythons.py                  # every supported version found (`make test-pythons`)
    python3 scripts/test_pythons.py 3.10 3.13        # these only; a missing one is a failure (as CI runs it)
    python3 scripts/test_pythons.py 3.12 -- -x -k cli  # what follows `--` goes to pytest

Each version gets .venvs/3.X with the `test-core` extra: every package the tests use except PyTorch, whose only build
on these machines that does not download gigabytes is for Python 3.11. So the suite runs with `--without-torch`
(tests/conftest.py), and the comparisons with PyTorch run in `make test`.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

SUPPORTED = ["3.10", "3.11", "3.12", "3.13", "3.14"]  # as pyproject.toml's requires-python and the READMEs say
ROOT = Path(__file__).resolve().parent.parent
PYENV_ROOT = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))


def version_of(command):
    """'3.12' for a command that runs Python 3.12; None if it does not run (a pyenv shim whose version is unset)."""
    try:
        result = subprocess.run(
            [command, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True
        )
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def find_python(version):
    """A Python `version` on this machine: pythonX.Y on the PATH, else the newest of pyenv's X.Y.* builds; or None."""
    builds = [path for path in PYENV_ROOT.glob(f"versions/{version}.*") if re.fullmatch(r"\d+\.\d+\.\d+", path.name)]
    newest_first = sorted(builds, key=lambda path: int(path.name.split(".")[2]), reverse=True)
    for command in [f"python{version}", *(str(path / "bin" / f"python{version}") for path in newest_first)]:
        if version_of(command) == version:
            return command
    return None


def prepare_venv(python, version):
    """.venvs/VERSION with micrograd (editable) and its `test-core` extra; its python."""
    venv = ROOT / ".venvs" / version
    venv_python = venv / "bin" / "python"
    pip = [str(venv_python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if not venv_python.exists():
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[test-core]"], check=True)
    return venv_python


def run_suite(venv_python, pytest_args):
    """pytest --without-torch in that venv, its output shown as it comes: (exit status, pytest's closing line)."""
    command = [str(venv_python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--without-torch", *pytest_args]
    closing_line = "no summary"
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) as process:
        for line in process.stdout:
            print(line, end="", flush=True)
            if re.search(r"\d+ (passed|failed|error)", line):
                closing_line = line.strip(" =\n")
    return process.returncode, closing_line


def main(argv):
    versions, pytest_args = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    unknown = [version for version in versions if version not in SUPPORTED]
    if unknown:
        print(f"not a supported version: {' '.join(unknown)} (supported: {' '.join(SUPPORTED)})", file=sys.stderr)
        return 2
    results, missing = [], []
    for version in versions or SUPPORTED:
        python = find_python(version)
        if python is None:
            missing.append(version)
            print(f"Python {version} is not installed here: install it (e.g. `pyenv install {version}`) to test it too")
            continue
        print(f"\n=== Python {version} ({python}), in .venvs/{version}", flush=True)
        start = time.monotonic()
        status, closing_line = run_suite(prepare_venv(python, version), pytest_args)
        results.append((version, status, closing_line, time.monotonic() - start))
    print("\nPython  result (without PyTorch; setup included in the time)")
    for version, status, closing_line, seconds in results:
        print(f"{version:<7} {'ok' if status == 0 else 'FAILED':<6} {closing_line}; {seconds:.0f} s in all")
    for version in missing:
        print(f"{version:<7} not installed here: pyenv install {version}")
    asked_for_missing = bool(versions and missing)
    return 1 if not results or asked_for_missing or any(status != 0 for _, status, _, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
