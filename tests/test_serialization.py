"""micrograd.save / micrograd.load: exact round trips, atomic writes, and ValueError for every malformed file."""

import copy
import json
import math
import os
import pickle
import random
import re
import stat

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import micrograd
from micrograd.files.atomic import write_atomically
from micrograd.layers import MLP
from micrograd.losses import mse_loss
from micrograd.optim import SGD, Adam, AdamW

from conftest import docs_example, run_example

INPUTS = [[0.5, -1.0], [1.5, 0.25], [-0.7, 0.3]]
TARGETS = [1.0, -1.0, 0.5]


def trained_model(activation="tanh", steps=5, optimizer_class=Adam):
    random.seed(4)
    model = MLP(2, [3, 2, 1], activation=activation)
    optimizer = optimizer_class(model.parameters(), lr=0.05)
    for _ in range(steps):
        train_step(model, optimizer)
    return model, optimizer


def train_step(model, optimizer):
    loss = mse_loss([model(x) for x in INPUTS], TARGETS)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


@pytest.fixture
def saved(tmp_path):
    """A valid file and its JSON document."""
    model, _ = trained_model()
    path = tmp_path / "model.json"
    micrograd.save(model, path)
    return path, json.loads(path.read_text())


def test_load_rebuilds_the_same_mlp_exactly(tmp_path):
    model, _ = trained_model(activation="sigmoid")
    micrograd.save(model, tmp_path / "m.json")
    loaded = micrograd.load(tmp_path / "m.json")
    assert isinstance(loaded, MLP)
    assert repr(loaded) == repr(model)
    assert [p.data for p in loaded.parameters()] == [p.data for p in model.parameters()]
    assert [loaded(x).data for x in INPUTS] == [model(x).data for x in INPUTS]


def test_the_file_is_json_with_a_format_tag_version_architecture_and_weights(saved):
    _, document = saved
    assert document["format"] == "micrograd" and document["version"] == 1
    assert {k: document["model"][k] for k in ("class", "nin", "nouts", "activation")} == {
        "class": "MLP",
        "nin": 2,
        "nouts": [3, 2, 1],
        "activation": "tanh",
    }
    assert "layers.2.neurons.0.b" in document["model"]["state_dict"]
    assert "optimizer" not in document


@pytest.mark.parametrize("optimizer_class", [SGD, Adam, AdamW])
def test_saving_the_optimizer_too_resumes_training_exactly(tmp_path, optimizer_class):
    model, optimizer = trained_model(optimizer_class=optimizer_class)
    micrograd.save({"model": model, "optimizer": optimizer}, str(tmp_path / "checkpoint.json"))
    loaded = micrograd.load(str(tmp_path / "checkpoint.json"))
    assert set(loaded) == {"model", "optimizer"} and type(loaded["optimizer"]) is optimizer_class
    assert loaded["optimizer"].state_dict() == optimizer.state_dict()
    for _ in range(5):
        train_step(model, optimizer)
        train_step(loaded["model"], loaded["optimizer"])
    assert [p.data for p in loaded["model"].parameters()] == [p.data for p in model.parameters()]


def test_loading_does_not_disturb_the_callers_random_numbers(saved):
    path, _ = saved
    random.seed(123)
    expected = random.random()
    random.seed(123)
    micrograd.load(path)
    assert random.random() == expected


def test_save_rejects_what_it_cannot_rebuild(tmp_path):
    with pytest.raises(TypeError, match="needs an MLP"):
        micrograd.save([1.0, 2.0], tmp_path / "x.json")
    model, _ = trained_model()
    other, _ = trained_model()
    with pytest.raises(ValueError, match="exactly model.parameters()"):
        micrograd.save({"model": model, "optimizer": SGD(other.parameters(), lr=0.1)}, tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


def test_a_failed_save_leaves_the_existing_file_as_it_was(saved):
    path, _ = saved
    before = path.read_bytes()
    model, _ = trained_model()
    model.parameters()[3].data = math.nan
    with pytest.raises(ValueError, match="weight layers.0.neurons.1.w is nan"):
        micrograd.save(model, path)
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == [path.name]


@pytest.mark.parametrize("failing", ["os.fsync", "os.replace"])
def test_a_crash_mid_save_leaves_the_existing_file_and_no_temporary_file(saved, monkeypatch, failing):
    path, _ = saved
    before = path.read_bytes()

    def crash(*args):
        raise OSError("disk on fire")

    monkeypatch.setattr(failing, crash)
    model, _ = trained_model(activation="relu")
    with pytest.raises(OSError, match="disk on fire"):
        micrograd.save(model, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == [path.name]
    micrograd.load(path)


def test_save_respects_the_umask_like_open(tmp_path):
    old_umask = os.umask(0o022)
    try:
        micrograd.save(trained_model()[0], tmp_path / "m.json")
    finally:
        os.umask(old_umask)
    assert (tmp_path / "m.json").stat().st_mode & 0o777 == 0o644


def test_save_writes_a_file_whose_name_is_as_long_as_the_system_allows(tmp_path):
    path = tmp_path / ("m" * 250 + ".json")  # 255 bytes: the usual limit for one name
    micrograd.save(trained_model()[0], path)
    assert micrograd.load(path).state_dict() == trained_model()[0].state_dict()
    assert os.listdir(tmp_path) == [path.name]


def test_save_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path):
    (tmp_path / "models").mkdir()
    target, link = tmp_path / "models" / "real.json", tmp_path / "link.json"
    target.write_text("old")
    link.symlink_to(target)
    model, _ = trained_model()
    micrograd.save(model, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert micrograd.load(target).state_dict() == model.state_dict()
    assert sorted(os.listdir(tmp_path / "models")) == ["real.json"]


def test_save_through_a_dangling_symlink_creates_its_target(tmp_path):
    target, link = tmp_path / "real.json", tmp_path / "link.json"
    link.symlink_to(target)
    micrograd.save(trained_model()[0], link)
    assert link.is_symlink() and micrograd.load(target)


def test_save_keeps_the_permissions_of_the_file_it_replaces(saved):
    path, _ = saved
    for mode in (0o600, 0o640):
        path.chmod(mode)
        micrograd.save(trained_model()[0], path)
        assert path.stat().st_mode & 0o777 == mode


def test_save_errors_name_the_users_path_not_the_temporary_file(tmp_path):
    model, _ = trained_model()
    missing = tmp_path / "no such directory" / "m.json"
    with pytest.raises(FileNotFoundError) as error:
        micrograd.save(model, missing)
    assert error.value.filename == str(missing) and ".tmp" not in str(error.value)
    directory = tmp_path / "a directory.json"
    directory.mkdir()
    with pytest.raises(OSError) as error:
        micrograd.save(model, directory)
    assert error.value.filename == str(directory) and ".tmp" not in str(error.value)
    assert os.listdir(tmp_path) == [directory.name] and os.listdir(directory) == []


def special_files(tmp_path):
    """A copy of /dev/null and of /dev/full (character devices 1:3 and 1:7), a FIFO, and a symlink to a device, made
    in tmp_path (mknod needs root, as in containers: exactly where replacing /dev/null would do harm)."""
    os.mknod(tmp_path / "null.json", stat.S_IFCHR | 0o666, os.makedev(1, 3))
    os.mknod(tmp_path / "full.json", stat.S_IFCHR | 0o666, os.makedev(1, 7))
    os.mkfifo(tmp_path / "fifo.json")
    (tmp_path / "link.json").symlink_to(tmp_path / "null.json")
    return {
        "null.json": "a character device",
        "full.json": "a character device",
        "fifo.json": "a FIFO (named pipe)",
        "link.json": "a character device",
    }


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a device needs root")
def test_save_refuses_to_replace_a_device_a_fifo_or_a_link_to_one(tmp_path):
    kinds = special_files(tmp_path)
    before = {name: os.lstat(tmp_path / name) for name in kinds}
    for name, kind in kinds.items():
        with pytest.raises(FileExistsError, match=f"is {re.escape(kind)}, not a regular file") as error:
            micrograd.save(trained_model(steps=0)[0], tmp_path / name)
        assert error.value.filename == str(tmp_path / name)
    after = {name: os.lstat(tmp_path / name) for name in kinds}
    assert {n: (s.st_mode, s.st_rdev, s.st_ino) for n, s in after.items()} == {
        n: (s.st_mode, s.st_rdev, s.st_ino) for n, s in before.items()
    }
    assert sorted(os.listdir(tmp_path)) == sorted(kinds)  # no temporary file left


def test_save_takes_a_bytes_path_like_load(tmp_path):
    model, _ = trained_model(steps=0)
    for name in ("m.json", "m.safetensors"):
        micrograd.save(model, os.fsencode(tmp_path / name))
        assert micrograd.load(os.fsencode(tmp_path / name)).state_dict() == model.state_dict()


def test_write_atomically_takes_bytes_or_text(tmp_path):
    write_atomically(tmp_path / "b.bin", b"\x00\xff")
    write_atomically(tmp_path / "t.txt", "é")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\xff" and (tmp_path / "t.txt").read_bytes() == "é".encode()


def mutated(document, change):
    """A deep copy of document with change(copy) applied."""
    document = copy.deepcopy(document)
    change(document)
    return document


def set_path(keys, value):
    def change(document):
        target = document
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return change


W = ("model", "state_dict", "layers.1.neurons.0.w")

MALFORMED_DOCUMENTS = [
    ("format tag is 'pytorch'", set_path(("format",), "pytorch")),
    ("has version 2; this micrograd reads version 1", set_path(("version",), 2)),
    ("has version '1'", set_path(("version",), "1")),
    ("has version True", set_path(("version",), True)),
    ("has version 1.0", set_path(("version",), 1.0)),
    ("has no 'model'", lambda d: d.pop("model")),
    ("has an unexpected key 'extra'", set_path(("extra",), 1)),
    ("model class is 'CNN'", set_path(("model", "class"), "CNN")),
    ("nin must be a positive int, got 0", set_path(("model", "nin"), 0)),
    ("nin must be a positive int, got 2.0", set_path(("model", "nin"), 2.0)),
    ("nouts must be a non-empty list of positive ints", set_path(("model", "nouts"), [])),
    ("nouts must be a non-empty list of positive ints", set_path(("model", "nouts"), [3, "2", 1])),
    ("activation must be one of", set_path(("model", "activation"), "gelu")),
    ("missing key 'layers.3.neurons.0.w'", set_path(("model", "nouts"), [3, 2, 1, 1])),
    ("missing key 'layers.1.neurons.2.w'", set_path(("model", "nouts"), [3, 3, 1])),
    ("unexpected key 'layers.1.neurons.1.w'", set_path(("model", "nouts"), [3, 1, 1])),
    ("neurons.0.w'] should be a list of 1 numbers, got a list of 2", set_path(("model", "nin"), 1)),
    ("should be a list of 3 numbers, got a list of 2", set_path(W, [0.1, 0.2])),
    ("should be a number, got str", set_path(W, [0.1, "0.2", 0.3])),
    ("should be a number, got dict", set_path(W, [0.1, {}, 0.3])),
    ("should be a number, got NoneType", set_path(W, [0.1, None, 0.3])),
    ("Infinity is not a number in strict JSON", set_path(W, [0.1, math.inf, 0.3])),
    ("state_dict must be an object, got list", set_path(("model", "state_dict"), [])),
    (
        "would have 1000005000001 parameters, more than the limit of 1000000",
        set_path(("model", "nouts"), [10**6, 10**6, 1]),
    ),
    ("nin must be a positive int", set_path(("model", "nin"), -(10**30))),
    (
        "optimizer class must be one of SGD, Adam, AdamW, got 'LBFGS'",
        set_path(("optimizer",), {"class": "LBFGS", "hyperparameters": {}, "state": {}}),
    ),
    ("optimizer has no 'state'", set_path(("optimizer",), {"class": "SGD", "hyperparameters": {}})),
    (
        "optimizer hyperparameters must be a dict with keys",
        set_path(("optimizer",), {"class": "SGD", "hyperparameters": {"lr": 0.1}, "state": {}}),
    ),
    (
        "Invalid learning rate",
        set_path(
            ("optimizer",),
            {
                "class": "SGD",
                "hyperparameters": {"lr": -1, "momentum": 0, "dampening": 0, "nesterov": False, "weight_decay": 0},
                "state": {"momentum_buffer": None},
            },
        ),
    ),
    (
        "learning rate must be a number, got str",
        set_path(
            ("optimizer",),
            {
                "class": "SGD",
                "hyperparameters": {"lr": "1", "momentum": 0, "dampening": 0, "nesterov": False, "weight_decay": 0},
                "state": {"momentum_buffer": None},
            },
        ),
    ),
    ("model must be a JSON object, got list", set_path(("model",), [])),
]


@pytest.mark.parametrize(("message", "change"), MALFORMED_DOCUMENTS, ids=[m for m, _ in MALFORMED_DOCUMENTS])
def test_malformed_documents_raise_value_error_saying_what_is_wrong(saved, message, change):
    path, document = saved
    path.write_text(json.dumps(mutated(document, change)))
    with pytest.raises(ValueError, match=f"is not a micrograd model file: .*{_escape(message)}"):
        micrograd.load(path)


@pytest.mark.parametrize("nesterov", ["false", "true", None, [], 0, 1, "nan", {}])
def test_a_flag_that_is_not_a_json_boolean_is_rejected(tmp_path, nesterov):
    """SGD's nesterov is true or false: "false" must not load as True (nor null, 0 or [] as False)."""
    model, optimizer = trained_model(optimizer_class=lambda params, lr: SGD(params, lr, momentum=0.9, nesterov=True))
    path = tmp_path / "checkpoint.json"
    micrograd.save({"model": model, "optimizer": optimizer}, path)
    document = json.loads(path.read_text())
    path.write_text(json.dumps(mutated(document, set_path(("optimizer", "hyperparameters", "nesterov"), nesterov))))
    with pytest.raises(ValueError, match="nesterov must be True or False, got "):
        micrograd.load(path)


def test_a_file_declaring_more_layers_than_it_holds_fails_before_building_any(saved, monkeypatch):
    """400,000 one-neuron layers is within the parameter limit, but a file of 1 MB cannot hold their weights."""
    path, document = saved
    nouts = [1] * 400_000
    path.write_text(json.dumps(mutated(document, set_path(("model", "nouts"), nouts))))
    monkeypatch.setattr("micrograd.files.description.MLP", lambda *args, **kwargs: pytest.fail("built an MLP"))
    with pytest.raises(ValueError, match="state_dict is missing key 'layers.3.neurons.0.w'"):
        micrograd.load(path)


def _escape(text):
    return re.escape(text)


def test_a_weight_too_large_for_a_float_is_rejected(saved):
    """1e999 is valid JSON that Python reads as inf."""
    path, document = saved
    text = json.dumps(mutated(document, set_path(W, [0.1, "HUGE", 0.3])))
    path.write_text(text.replace('"HUGE"', "1e999"))
    with pytest.raises(ValueError, match=re.escape("state_dict['layers.1.neurons.0.w[1]'] should be a finite number")):
        micrograd.load(path)


def test_a_key_written_twice_is_rejected_not_silently_overwritten(saved):
    path, _ = saved
    text = path.read_text()
    path.write_text(text.replace('"version": 1', '"version": 1, "version": 1', 1))
    with pytest.raises(ValueError, match="an object has the key 'version' twice"):
        micrograd.load(path)
    inner = text.replace('"nin": 2', '"nin": 2, "nin": 3', 1)
    path.write_text(inner)
    with pytest.raises(ValueError, match="an object has the key 'nin' twice"):
        micrograd.load(path)


def test_a_weight_with_thousands_of_digits_gives_a_short_message(saved):
    path, document = saved
    path.write_text(json.dumps(mutated(document, set_path(W, [0.1, 10**3999, 0.3]))))
    with pytest.raises(
        ValueError, match=re.escape("state_dict['layers.1.neurons.0.w[1]'] should be a finite")
    ) as error:
        micrograd.load(path)
    assert len(str(error.value)) < 300


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (("hyperparameters", "lr"), "Invalid learning rate value"),
        (("hyperparameters", "eps"), "Invalid epsilon value"),
        (("hyperparameters", "betas"), "Invalid beta parameter at index 1 value"),
        (("state", "exp_avg"), "optimizer state 'exp_avg' must hold finite numbers"),
        (("state", "step"), "optimizer state 'step' must be an int"),
    ],
)
def test_a_hyperparameter_or_state_too_large_for_a_float_is_a_value_error_naming_it(tmp_path, where, message):
    model, optimizer = trained_model()
    path = tmp_path / "m.json"
    micrograd.save({"model": model, "optimizer": optimizer}, path)
    document = json.loads(path.read_text())
    huge = 10**400
    value = {"betas": [0.9, huge], "exp_avg": [huge] * len(model.parameters())}.get(where[1], huge)
    path.write_text(json.dumps(mutated(document, set_path(("optimizer", *where), value))))
    with pytest.raises(ValueError, match=re.escape(message)) as error:
        micrograd.load(path)
    assert len(str(error.value)) < 300


class _Exploit:
    def __reduce__(self):
        return (open, (os.environ["MICROGRAD_TEST_MARKER"], "w"))


MALFORMED_FILES = [
    ("empty", b"", "it is empty"),
    ("not JSON", b"hello, world", "not valid JSON"),
    ("truncated JSON", b'{"format": "micrograd", "version": 1, "model": {', "not valid JSON"),
    ("binary", bytes(range(256)), "not UTF-8 text"),
    ("a JSON list", b"[1, 2, 3]", "the file must be a JSON object, got list"),
    ("a JSON number", b"3.5", "the file must be a JSON object, got float"),
    ("NaN token", b'{"format": NaN}', "NaN is not a number in strict JSON"),
    ("deeply nested", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ("deeply nested objects", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nested too deeply"),
    ("huge integer", b'{"version": ' + b"9" * 5000 + b"}", "not valid JSON"),
    ("a pickle, protocol 0", pickle.dumps({"format": "micrograd"}, protocol=0), "not valid JSON"),
    ("a pickle, protocol 5", pickle.dumps({"format": "micrograd"}, protocol=5), "not UTF-8 text"),
]


@pytest.mark.parametrize(("content", "message"), [m[1:] for m in MALFORMED_FILES], ids=[m[0] for m in MALFORMED_FILES])
def test_malformed_files_raise_value_error(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=f"bad.json is not a micrograd model file: .*{_escape(message)}"):
        micrograd.load(path)


@pytest.mark.parametrize("name", ["evil.json", "evil.safetensors"])
@pytest.mark.parametrize("protocol", [0, 2, 5])
def test_a_malicious_pickle_is_rejected_and_never_run(tmp_path, monkeypatch, protocol, name):
    marker = tmp_path / "pwned"
    monkeypatch.setenv("MICROGRAD_TEST_MARKER", str(marker))
    path = tmp_path / name
    path.write_bytes(pickle.dumps(_Exploit(), protocol=protocol))
    with pytest.raises(ValueError, match=f"{name} is not a micrograd model file"):
        micrograd.load(path)
    assert not marker.exists()


def test_a_file_larger_than_the_limit_is_rejected_without_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr("micrograd.files.MAX_FILE_BYTES", 100)
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"format": "micrograd", "padding": "x" * 200}))
    with pytest.raises(ValueError, match="larger than 100 bytes"):
        micrograd.load(path)


def test_a_missing_file_raises_file_not_found_error_like_open(tmp_path):
    with pytest.raises(FileNotFoundError):
        micrograd.load(tmp_path / "nowhere.json")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=10,
)


def _all_paths(document, prefix=()):
    yield prefix
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _all_paths(value, (*prefix, key))
    elif isinstance(document, list):
        for i, value in enumerate(document):
            yield from _all_paths(value, (*prefix, i))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_mutation_of_a_valid_file_loads_or_raises_value_error(tmp_path_factory, data):
    """Replace any part of a valid checkpoint by any JSON value: load() either succeeds or raises ValueError."""
    path = tmp_path_factory.mktemp("fuzz") / "checkpoint.json"
    model, optimizer = trained_model()
    micrograd.save({"model": model, "optimizer": optimizer}, path)
    document = json.loads(path.read_text())
    paths = list(_all_paths(document))
    where = data.draw(st.sampled_from(paths))
    replacement = data.draw(json_values)
    document = mutated(document, set_path(where, replacement)) if where else replacement
    path.write_text(json.dumps(document))
    try:
        micrograd.load(path)
    except ValueError:
        pass


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=200))
def test_random_bytes_raise_value_error(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("bytes") / "random.json"
    path.write_bytes(content)
    with pytest.raises(ValueError):
        micrograd.load(path)


def test_the_docs_example_prints_what_the_page_says(tmp_path):
    code, output = docs_example("guide/files.md")
    assert run_example(code, tmp_path) == output
    assert (tmp_path / "model.json").exists() and (tmp_path / "checkpoint.json").exists()
