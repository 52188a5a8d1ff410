"""The package's architecture, read from the code's own imports (function-level ones included): no import cycle, no
module importing another's private name, and no layer importing a higher one. The layer map is written once, here."""

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "micrograd"

# From the bottom up: a module may import its own layer and the layers below, never one above. A name ending in ".*"
# is a whole subpackage.
LAYERS = [
    ("the ground", ["micrograd.version", "micrograd.messages", "micrograd.floats", "micrograd.modes"]),
    ("the engine", ["micrograd.autograd", "micrograd.engine"]),
    ("beyond backward()", ["micrograd.anomaly", "micrograd.functional", "micrograd.custom_ops"]),
    ("compiled programs", ["micrograd.compiler.*"]),
    ("the neural-network library", [f"micrograd.{name}" for name in ("layers", "losses", "optim", "datasets", "nn")]),
    ("training", ["micrograd.training"]),
    ("pictures and model files", ["micrograd.viz.*", "micrograd.plots", "micrograd.files.*"]),
    ("the hand-over to PyTorch and ONNX", ["micrograd.interop"]),
    ("the exercises", ["micrograd.exercises.*"]),
    ("the command", ["micrograd.cli.*", "micrograd.__main__"]),
    ("the front door", ["micrograd"]),
]


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def is_module(name):
    return name in MODULES


def imports_of(name):
    """(imported module, imported name or None) for every import statement in the module, at any depth."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names if alias.name.split(".")[0] == "micrograd"]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, up level - 1
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], *base.split(".")])
                base = base.rstrip(".")
            if base.split(".")[0] != "micrograd":
                continue
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.append((submodule, None) if is_module(submodule) else (base, alias.name))
    return found


GRAPH = {name: {target for target, _ in imports_of(name) if target != name} for name in MODULES}


def layer_of(name):
    for index, (_, members) in enumerate(LAYERS):
        for member in members:
            if name == member or (member.endswith(".*") and (name + ".").startswith(member[:-1])):
                return index
    return None


def test_every_module_has_a_place_in_the_layer_map():
    assert [name for name in MODULES if layer_of(name) is None] == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_imports_from_a_higher_layer(name):
    upward = [
        f"{target} ({LAYERS[layer_of(target)][0]})" for target in GRAPH[name] if layer_of(target) > layer_of(name)
    ]
    assert upward == [], f"{name} ({LAYERS[layer_of(name)][0]}) imports from above itself"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_imports_a_private_name_of_another(name):
    def is_private(part):
        return part.startswith("_") and not part.startswith("__")  # __version__ and __main__ are public

    private = [
        f"{target}.{imported}" if imported else target
        for target, imported in imports_of(name)
        if is_private(imported or "") or any(is_private(part) for part in target.split("."))
    ]
    assert private == [], "what two modules share gets a public name in the module that owns it"


def find_cycle(graph):
    """A list of modules that import each other in a circle (the first one again at the end), or None."""
    state, path = {}, []  # state: 1 while on the current path, 2 once done

    def visit(name):
        state[name] = 1
        path.append(name)
        for target in sorted(graph.get(name, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[name] = 2
        path.pop()
        return None

    for name in sorted(graph):
        if name not in state and (cycle := visit(name)):
            return cycle
    return None


def test_there_is_no_import_cycle():
    assert find_cycle(GRAPH) is None


def test_the_cycle_finder_finds_a_cycle_and_only_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_reading_of_imports_sees_function_level_imports_and_private_names(tmp_path, monkeypatch):
    """The rules above would pass vacuously if the reading of imports missed some."""
    source = "def f():\n    from micrograd.autograd import _labels\n"
    (tmp_path / "planted.py").write_text(source)
    monkeypatch.setitem(MODULES, "micrograd.planted", tmp_path / "planted.py")
    assert imports_of("micrograd.planted") == [("micrograd.autograd", "_labels")]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_says_its_job_in_its_first_docstring_line(name):
    docstring = ast.get_docstring(ast.parse(MODULES[name].read_text(encoding="utf-8")))
    assert docstring and docstring.split("\n")[0].strip(), f"{name} has no docstring"


# The paths the READMEs, the docs and the notebooks name: each keeps working wherever its code lives.
PUBLIC_PATHS = [
    ("micrograd", ["Value", "linear", "sum", "grad", "hessian", "gradcheck", "no_grad", "detect_anomaly"]),
    ("micrograd", ["custom_op", "compile", "TracingCheckError", "save", "load", "__version__"]),
    ("micrograd", ["nn", "optim", "losses", "datasets"]),
    ("micrograd.autograd", ["Value", "linear", "sum"]),
    ("micrograd.engine", ["Value"]),
    ("micrograd.nn", ["Neuron", "Layer", "MLP", "Module"]),
    ("micrograd.layers", ["Neuron", "Layer", "MLP", "Module"]),
    ("micrograd.losses", ["mse_loss", "hinge_loss", "binary_cross_entropy_with_logits", "cross_entropy"]),
    ("micrograd.optim", ["SGD", "Adam", "AdamW"]),
    ("micrograd.datasets", ["make_moons", "make_circles", "make_blobs", "make_spiral", "make_xor"]),
    ("micrograd.training", ["fit", "TrainingDiverged", "StepGraph"]),
    ("micrograd.functional", ["grad", "hessian", "gradcheck", "GradcheckError", "DERIVATIVE_RULES"]),
    ("micrograd.compiler", ["compile", "Program", "TracingCheckError"]),
    ("micrograd.viz", ["draw_dot", "to_html", "show", "trace", "check_size", "plots", "MAX_NODES"]),
    ("micrograd.plots", ["plot_decision_boundary", "plot_history"]),
    ("micrograd.interop", ["to_torch", "from_torch", "to_torch_optimizer", "from_torch_optimizer", "to_onnx"]),
    ("micrograd.exercises", ["EXERCISES"]),
    ("micrograd.cli", ["main"]),
]


@pytest.mark.parametrize(("module", "names"), PUBLIC_PATHS)
def test_a_public_path_keeps_working(module, names):
    imported = importlib.import_module(module)
    assert [name for name in names if not hasattr(imported, name)] == []


def test_micrograd_compile_is_the_function_not_the_compiler_package():
    import micrograd

    importlib.import_module("micrograd.compiler.numpy_backend")  # importing a submodule must not rebind the name
    assert callable(micrograd.compile) and micrograd.compile.__module__ == "micrograd.compiler"
