"""The `micrograd` command: demo, train and graph, and its one-line errors."""

import csv
import json
import re

import pytest

from micrograd import load
from micrograd.cli import main

from conftest import run_micrograd


def test_demo_trains_the_original_demo_to_full_accuracy_and_writes_its_outputs(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "final accuracy: 100.0%" in out.splitlines()
    for name in ["decision_boundary.png", "history.png", "model.json", "neuron.svg", "history.csv"]:
        assert (tmp_path / name).stat().st_size > 0, name
    assert (tmp_path / "decision_boundary.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "neuron.svg").read_text().lstrip().startswith("<?xml")
    rows = list(csv.DictReader(open(tmp_path / "history.csv")))
    assert len(rows) == 100 and float(rows[-1]["accuracy"]) == 1.0
    assert float(rows[-1]["loss"]) < float(rows[0]["loss"])
    model = load(tmp_path / "model.json")["model"]
    assert [len(layer.neurons) for layer in model.layers] == [16, 16, 1]


def test_demo_shows_a_progress_bar_with_loss_and_accuracy(tmp_path):
    status, out, err = run_micrograd("demo", "--steps", "3", "--out", str(tmp_path))
    assert status == 0, err
    assert "3/3" in err and "loss=" in err and "accuracy=" in err
    assert out.splitlines()[-2].startswith("final accuracy: ") and out.splitlines()[-1].startswith("Next: open ")


@pytest.mark.parametrize(
    "dataset, optimizer, extra",
    [
        ("moons", "sgd", []),
        ("circles", "adam", ["--loss", "bce"]),
        ("xor", "adamw", ["--loss", "mse", "--batch-size", "16"]),
        ("blobs", "adam", ["--hidden", "8"]),
        ("spiral", "sgd", ["--activation", "tanh"]),
    ],
)
def test_train_runs_every_dataset_loss_and_optimizer_and_writes_the_same_outputs(tmp_path, dataset, optimizer, extra):
    args = ["train", "--dataset", dataset, "--optimizer", optimizer, "--steps", "4", "--samples", "40"]
    assert main([*args, *extra, "--out", str(tmp_path), "--quiet"]) == 0
    rows = list(csv.DictReader(open(tmp_path / "history.csv")))
    assert len(rows) == 4
    saved = json.loads((tmp_path / "model.json").read_text())
    n_outputs = saved["model"]["nouts"][-1]
    assert n_outputs == (3 if dataset in ("blobs", "spiral") else 1)  # multi-class: one logit per class


def test_graph_subcommand_draws_and_prints_gradients(tmp_path):
    picture = tmp_path / "g.svg"
    status, out, err = run_micrograd("graph", "(a*b + c).tanh()", "--set", "a=2", "b=-3", "c=10", "--out", str(picture))
    assert status == 0, err
    assert picture.read_text().lstrip().startswith("<?xml")
    assert "a.grad" in out and "c.grad" in out


@pytest.mark.parametrize(
    "args, complaint",
    [
        (["train", "--dataset", "mnist"], "invalid choice"),
        (["train", "--steps", "-3"], "from 1 to 1,000,000, got -3"),
        (["train", "--hidden", "a,b"], "16,16"),
        (["demo", "--steps", "ten"], "whole number"),
        (["fly"], "invalid choice"),
        ([], "required"),
        (["train", "--dataset", "spiral", "--loss", "hinge"], "two classes"),
        (["graph", "__import__('os').system('true')"], "micrograd graph"),
    ],
)
def test_bad_arguments_give_one_line_on_stderr_and_status_2(tmp_path, args, complaint):
    out_dir = ["--out", str(tmp_path / "x")] if args[:1] == ["train"] else []
    status, out, err = run_micrograd(*args, *out_dir)
    assert status == 2
    assert len(err.strip().splitlines()) == 1, err
    assert complaint in err and "Traceback" not in err


def test_demo_in_portuguese_speaks_portuguese_and_writes_the_portuguese_page(tmp_path):
    status, out, err = run_micrograd("demo", "--steps", "2", "--quiet", "--lang", "pt", "--out", "saida", cwd=tmp_path)
    assert status == 0, err
    lines = out.splitlines()
    assert "salvo saida/neuron.html" in lines and re.fullmatch(r"acurácia final: \d+,\d%", lines[-2])
    assert lines[-1].startswith("A seguir: abra saida/neuron.html num navegador e tecle →")
    assert '<html lang="pt-BR">' in (tmp_path / "saida" / "neuron.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args, complaint",
    [
        (["demo", "--lang", "pt", "--steps", "x"], "micrograd demo: erro: argumento --steps: era esperado um número"),
        (["demo", "--lang=pt", "--bad"], "micrograd: erro: argumentos não reconhecidos: --bad"),
        (["graph", "--lang", "pt"], "micrograd graph: erro: faltam os argumentos: expression"),
        (["train", "--lang", "pt", "--dataset", "x"], "micrograd train: erro: argumento --dataset: opção inválida"),
        (["train", "--lang", "pt", "--seed", "x"], "micrograd train: erro: argumento --seed: era esperado um número"),
    ],
)
def test_usage_errors_under_lang_pt_are_one_portuguese_line(tmp_path, args, complaint):
    status, out, err = run_micrograd(*args, cwd=tmp_path)
    assert status == 2 and out == "" and len(err.splitlines()) == 1 and err.startswith(complaint)


@pytest.mark.parametrize(
    "args, complaint",
    [
        (["demo", "--out", "a_file"], "micrograd demo: erro: --out a_file é um arquivo, não uma pasta"),
        (["graph", "a*b", "--set", "a=1", "b=x"], "micrograd graph: erro: --set b= precisa de um número, veio 'x'"),
        (
            ["train", "--out", "out"],
            "micrograd train: erro: --out out: out/model.json é uma pasta, não um arquivo comum; nada foi alterado",
        ),
    ],
)
def test_the_commands_own_errors_under_lang_pt_are_in_portuguese(tmp_path, args, complaint):
    (tmp_path / "a_file").write_text("kept")
    (tmp_path / "out" / "model.json").mkdir(parents=True)
    status, out, err = run_micrograd(*args, "--lang", "pt", cwd=tmp_path)
    assert status == 2 and err.splitlines() == [complaint] and (tmp_path / "a_file").read_text() == "kept"


def test_train_writes_the_page_of_a_live_neuron_of_the_trained_model(tmp_path):
    status, _, err = run_micrograd("train", "--dataset", "xor", "--steps", "3", "--quiet", "--out", "o", cwd=tmp_path)
    assert status == 0, err
    page = (tmp_path / "o" / "neuron.html").read_text(encoding="utf-8")
    graph = json.loads(re.search(r"^const GRAPH = (.*);$", page, re.M)[1])
    parameters = [value for value in graph["values"] if value["parameter"]]
    assert [value["name"] for value in parameters] == ["w1", "w2", "b"]
    assert any(value["grad"] != 0 for value in parameters)  # gradients flow: not a relu at rest
    first_layer = load(tmp_path / "o" / "model.json")["model"].layers[0]
    neurons = [[p.data for p in neuron.parameters()] for neuron in first_layer.neurons]
    assert [value["data"] for value in parameters] in neurons
