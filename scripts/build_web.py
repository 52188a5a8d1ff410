"""Build the browser pages into one static folder: micrograd itself running in the browser, nothing to install.

    python scripts/build_web.py OUT        # e.g. site/play (make web)

OUT/ then holds everything the pages need and asks nothing of any other host:
    pyodide/            Python 3.14 compiled to WebAssembly (the core files only, from the npm package `pyodide`)
    vendor/             Graphviz in WebAssembly (@viz-js/viz) and the CodeMirror 6 editor, as ES modules
    *.whl               our package, built from this checkout, and the graphviz Python package (for DOT text)
    micrograd.js        the runtime every page shares (below), micrograd-worker.js runs Python in a Web Worker
    runnable.js/.css    editable, runnable code blocks for the docs site
    index.html, playground.html, exercises.html   the pages; ?lang=pt-BR for Portuguese (default en)

Contract with the pages and the docs site (keep it):
- `<script src="micrograd.js"></script>` defines `window.micrograd`:
    `micrograd.ready`        a Promise that resolves when Python can run (asking for it starts the runtime);
    `micrograd.run(source)`  a Promise of everything `source` printed; a Python exception rejects it with the one-line
                             message `TypeError: ...`. Runs share one namespace per page, like a notebook's cells.
    `micrograd.start()`      start loading now (pages with `data-start="background"` on the script tag do it at once).
  While Python loads, a small badge shows the progress.
- `<script src="runnable.js"></script>` (+ runnable.css) turns every `<div class="mg-runnable">` holding a `<pre>`, and
  every Sphinx `div.highlight-python` inside an element of class `mg-runnable`, into an editable block with a Run
  button and an output area. It loads micrograd.js from its own folder when the page has not.
- Browsers refuse WebAssembly from file:// URLs: serve OUT (`python -m http.server -d OUT`) and open http://localhost:8000.

The npm packages are pinned in web/package-lock.json; `npm ci` installs them into web/node_modules when missing.
"""

import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
NODE_MODULES = WEB / "node_modules"
# The graphviz Python package (pure Python; Pyodide's core lacks it) builds the DOT text of the step-through pages.
GRAPHVIZ_PYTHON = "graphviz==0.21"
BROWSER_GRAPHVIZ = "viz-global.js"  # beside micrograd's page assets when installed (scripts/setup.sh); not in a wheel
PYODIDE_CORE = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]
# The editor's ES modules and what they import, as named in the pages' import map.
EDITOR_MODULES = [
    "codemirror",
    "@codemirror/autocomplete",
    "@codemirror/commands",
    "@codemirror/lang-python",
    "@codemirror/language",
    "@codemirror/lint",
    "@codemirror/search",
    "@codemirror/state",
    "@codemirror/streamparser",
    "@codemirror/view",
    "@lezer/common",
    "@lezer/highlight",
    "@lezer/lr",
    "@lezer/python",
    "@marijn/find-cluster-break",
    "crelt",
    "style-mod",
    "w3c-keyname",
]


def fail(message):
    sys.exit(f"build_web: error: {message}")


def install_npm_packages():
    """`npm ci` in web/ when its node_modules is missing: the versions of web/package-lock.json, nothing newer."""
    if NODE_MODULES.is_dir():
        return
    if shutil.which("npm") is None:
        fail("npm is missing; install Node.js and npm (e.g. sudo apt-get install npm)")
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=WEB, check=True)


def build_wheels(out):
    """Our package as a wheel made from this checkout, and the graphviz package's; returns their file names."""
    # setuptools builds in the checkout's build/ and never removes a file from it: a module moved or deleted since an
    # earlier build would still go into the wheel. build/ is only that cache (it is ignored by git).
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(ROOT), "-w", tmp]
        if importlib.util.find_spec("setuptools"):  # build with it, offline; else pip fetches the build backend
            command.append("--no-build-isolation")
        subprocess.run(command, check=True)
        download = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
        subprocess.run([*download, GRAPHVIZ_PYTHON, "-d", tmp], check=True)
        wheels = sorted(Path(tmp).glob("*.whl"))
        for wheel in wheels:
            copy_without(wheel, out / wheel.name, BROWSER_GRAPHVIZ)
        return [wheel.name for wheel in wheels]


def copy_without(wheel, target, left_out):
    """Copy a wheel leaving out the files named `left_out`: the pages have their own copy of Graphviz (vendor/)."""
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            if Path(item.filename).name != left_out:
                copy.writestr(item, source.read(item))


def module_entry(package):
    """The ES module file of an npm package (its package.json's "module", else "main")."""
    meta = json.loads((NODE_MODULES / package / "package.json").read_text())
    exports = meta.get("exports", {})
    entry = meta.get("module") or (exports.get("import") if isinstance(exports, dict) else None) or meta["main"]
    return Path(package) / entry


def vendor(out):
    """Pyodide's core, Graphviz's WebAssembly build and the editor's modules (with an import map for the pages)."""
    (out / "pyodide").mkdir()
    for name in PYODIDE_CORE:
        shutil.copy(NODE_MODULES / "pyodide" / name, out / "pyodide" / name)
    (out / "vendor").mkdir()
    shutil.copy(NODE_MODULES / "@viz-js/viz/dist/viz-global.js", out / "vendor" / "viz-global.js")
    imports = {}
    for package in EDITOR_MODULES:
        entry = module_entry(package)
        target = out / "vendor" / entry
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(NODE_MODULES / entry, target)
        imports[package] = f"./vendor/{entry.as_posix()}"
    return {"imports": imports}


def build(out):
    install_npm_packages()
    if out.exists():
        if not (out / "micrograd.js").exists():  # never empty a folder that is not one of our builds
            fail(f"{out} exists and is not a build of the pages; give a new or previously built folder")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    import_map = vendor(out)
    wheels = build_wheels(out)
    for source in sorted((WEB / "src").iterdir()):
        text = source.read_text(encoding="utf-8")
        text = text.replace('"__WHEELS__"', json.dumps(wheels))
        text = text.replace("__IMPORT_MAP__", json.dumps(import_map, indent=1))
        (out / source.name).write_text(text, encoding="utf-8")
    print(f"built {out}: open it through a web server, e.g. python -m http.server -d {out}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        fail("usage: python scripts/build_web.py OUT")
    build(Path(sys.argv[1]))
