"""The graph page (micrograd.viz.to_html), driven in a real headless Chromium: stepping, hovering, editing a leaf, the
language switch, the keyboard, escaping, and that it neither reaches for the network nor logs a console error."""

import html
import json
import math
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from micrograd import Value, custom_op, linear, losses
from micrograd import sum as value_sum
from micrograd.cli.train import lecture_neuron
from micrograd.viz import draw_dot, show, to_html, trace
from micrograd.viz.dot import box_number
from micrograd.viz.page import GraphPage

from conftest import HOSTILE_OP_NAMES, docs_page, run_example, same_float

ROOT = Path(__file__).resolve().parent.parent
BOX_FIELDS = ("data", "grad")


@pytest.fixture
def open_page(browser, tmp_path):
    """open_page(root, **to_html options): the page of root's graph, loaded in the browser from a file.

    After the test, the browser must have logged no console error and requested nothing but local files.
    """
    opened = []

    def open_page(root, **options):
        path = tmp_path / f"page{len(opened)}.html"
        to_html(root, path, **options)
        browser.get_log("browser"), browser.get_log("performance")  # what earlier tests left
        browser.get(path.as_uri())
        opened.append(path)
        return browser

    yield open_page
    if opened:
        errors = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == [], "the page logged console errors"
        assert {url for url in requested_urls(browser) if not url.startswith("file:")} == set()


def requested_urls(driver):
    """The URLs the page asked for, from the browser's network log."""
    urls = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.add(message["params"]["request"]["url"])
    return urls


def readme_graph(backward=True, b_label="b"):
    """(a*b + c).tanh() with a=2, b=-3, c=10, the README's graph."""
    a, b, c = Value(2.0, label="a"), Value(-3.0, label=b_label), Value(10.0, label="c")
    out = (a * b + c).tanh()
    out.label = "out"
    if backward:
        out.backward()
    return out


def number(text):
    return None if text == "?" else float(text)


def shown(driver):
    """[(data, grad), ...] of every Value as the page's table shows them, in trace() order (data None: not computed)."""
    rows = driver.execute_script(
        "return [...document.querySelectorAll('#values tbody tr')].map((row) => {"
        "  const input = row.cells[2].querySelector('input');"
        "  return [input ? input.value : row.cells[2].textContent, row.cells[3].textContent]; })"
    )
    return [(number(data), float(grad)) for data, grad in rows]


def step_to_the_end(driver):
    step = driver.find_element(By.ID, "step")
    while step.is_enabled():
        step.click()


def edit(driver, label, value):
    field = driver.find_element(By.CSS_SELECTOR, f'#values input[aria-label="{label}"]')
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(repr(value), Keys.ENTER)


def text(driver, element_id):
    return driver.find_element(By.ID, element_id).text


def assert_page_matches(driver, root, rel=1e-12):
    """The page's data and grad of every Value equal Python's (root's graph after backward()) to `rel`."""
    nodes, _ = trace(root)
    page = shown(driver)
    assert len(page) == len(nodes)
    for i, (node, (data, _)) in reversed(list(enumerate(zip(nodes, page)))):  # inputs first: the first wrong op
        assert same_float(data, node.data, rel=rel), f"data of v{i} ({node._op or 'leaf'}): page {data}, {node.data}"
    for i, (node, (_, grad)) in enumerate(zip(nodes, page)):  # the output first: the first wrong derivative
        assert same_float(grad, node.grad, rel=rel), f"grad of v{i} ({node._op or 'leaf'}): page {grad}, {node.grad}"


# --- The file


def test_the_page_is_one_file_that_names_no_url_and_loads_nothing():
    page = to_html(readme_graph()).html
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"https?:|//www\.|\b(src|href)\s*=", page)
    assert "<svg" in page and "<style>" in page and "<script>" in page


def test_to_html_writes_the_file_and_returns_a_page_that_displays_itself_in_jupyter(tmp_path):
    page = to_html(readme_graph(), tmp_path / "graph.html")
    assert isinstance(page, GraphPage) and repr(page) == "<micrograd graph page: 6 Values>"
    assert (tmp_path / "graph.html").read_text(encoding="utf-8") == page.html
    iframe = page._repr_html_()
    assert iframe.startswith("<iframe srcdoc=") and "<script>" not in iframe  # the page is an escaped attribute


def test_a_graph_too_big_for_draw_dot_is_refused_with_its_size():
    x = Value(1.0)
    for _ in range(600):
        x = x * 1.0001
    with pytest.raises(ValueError) as refused:
        to_html(x)
    with pytest.raises(ValueError) as refused_picture:
        draw_dot(x)
    assert str(refused.value) == str(refused_picture.value) and "601 Values" in str(refused.value)
    assert "<svg" in to_html(x, max_nodes=601).html


@pytest.mark.parametrize("bad", [{"language": "fr"}, {"rankdir": "RL"}, {"max_nodes": 0}])
def test_bad_options_are_refused(bad):
    with pytest.raises(ValueError):
        to_html(readme_graph(), **bad)
    with pytest.raises(TypeError, match="needs a Value"):
        to_html(3.0)


def test_show_outside_jupyter_opens_the_page_in_the_web_browser(monkeypatch):
    opened = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    path = show(readme_graph())
    assert opened == [path.as_uri()] and "<svg" in path.read_text(encoding="utf-8")
    path.unlink()


# --- In the browser


def test_the_page_opens_at_step_0_with_a_hint_and_pythons_result_one_click_away(open_page):
    out = readme_graph()
    driver = open_page(out)
    assert text(driver, "position") == "step 0 of 9"
    hint = driver.find_element(By.ID, "explanation")
    assert hint.is_displayed() and hint.text.startswith("Press → or Step ▶ to start")
    assert driver.find_element(By.ID, "no-backward").is_displayed() is False
    legend = [item.text for item in driver.find_elements(By.CSS_SELECTOR, ".legend li") if item.is_displayed()]
    assert legend == ["leaf: a number you gave", "computed from its inputs", "cut edge: no gradient flows back"]
    driver.find_element(By.ID, "result").click()  # backward() ran in Python: its result is one click away
    assert_page_matches(driver, out, rel=0)
    boxes = [t.text for t in driver.find_elements(By.CSS_SELECTOR, "#graph g.node text")]
    assert "grad -0.0040" in boxes and "data 0.9993" in boxes  # as draw_dot writes them


def test_every_box_is_named_and_small_numbers_are_never_shown_as_zero(open_page):
    x = Value(1e-5, label="x")
    scaled = x * 2.46
    out = (scaled + 1.0).log() * 1e-3
    out.backward()
    driver = open_page(out)
    driver.find_element(By.ID, "result").click()
    boxes = [g.get_attribute("aria-label") for g in driver.find_elements(By.CSS_SELECTOR, "#graph g.node[tabindex]")]
    assert boxes == ["… * 0.001", "log((x * 2.46) + 1)", "(x * 2.46) + 1", "x * 2.46", "x"]
    tooltips = driver.execute_script("return [...document.querySelectorAll('#graph title')].map((t) => t.textContent)")
    assert not [tip for tip in tooltips if re.search(r"\bv\d|%3|_node", tip)]  # no internal name, anywhere
    texts = [t.text for t in driver.find_elements(By.CSS_SELECTOR, "#graph g.node text")]
    assert {"data 2.46e-8", "data 2.46e-5", "data 1e-5", "grad 1e-3"} <= set(texts)
    assert not any(t.endswith(" 0.0000") for t in texts)  # no number here is 0
    tooltip = box(driver, "x * 2.46").find_element(By.TAG_NAME, "title").get_attribute("textContent")
    name, data, grad = tooltip.split("\n")  # every digit on hover
    assert (name, float(data.removeprefix("data = ")), float(grad.removeprefix("grad = "))) == (
        "x * 2.46",
        scaled.data,
        scaled.grad,
    )


def box(driver, name):
    return driver.find_element(By.CSS_SELECTOR, f'#graph g.node[aria-label="{name}"]')


def test_before_backward_the_page_says_so_and_runs_it_step_by_step_to_pythons_grads(open_page):
    out = readme_graph(backward=False)
    driver = open_page(out)
    notice = driver.find_element(By.ID, "no-backward")
    assert notice.is_displayed() and "No backward pass has run yet" in notice.text
    assert all(grad == 0 for _, grad in shown(driver))
    driver.find_element(By.ID, "run-backward").click()
    assert not notice.is_displayed()
    assert text(driver, "explanation") == "Backward starts at the output: out.grad = 1, because dout/dout = 1."
    step_to_the_end(driver)
    out.backward()
    assert_page_matches(driver, out, rel=0)  # the same sums in the same order as Value.backward()
    assert text(driver, "explanation") == (  # 4 significant digits in sentences; the table has every digit
        "b.grad += local derivative × (a * b).grad = 2.0 × 0.001341 = 0.002682, so b.grad is now 0.002682. "
        "Done: every grad is now dout/d(that Value)."
    )


def test_each_backward_step_applies_one_edge_and_shows_the_line(open_page):
    out = readme_graph()
    driver = open_page(out)
    driver.find_element(By.ID, "reset").click()
    assert text(driver, "position") == "step 0 of 9"  # 3 forward, the seed, 5 edges
    assert [data for data, _ in shown(driver)][:3] == [None, None, None]  # only the leaves are known
    driver.find_element(By.ID, "step").click()
    assert text(driver, "explanation") == "Forward: a * b = 2.0 * -3.0 = -6.0."
    assert shown(driver)[2] == (-6.0, 0.0)
    for _ in range(2 + 1 + 4):  # 2 more forward, the seed, then out -> a*b+c -> a*b, c -> a
        driver.find_element(By.ID, "step").click()
    assert text(driver, "explanation").startswith("a.grad += local derivative × (a * b).grad = -3.0 × 0.001341 = ")
    assert text(driver, "code-line").startswith("child.grad += local_grad * grad")
    assert len(driver.find_elements(By.CSS_SELECTOR, "#graph g.edge.active")) == 1
    driver.find_element(By.ID, "back").click()
    assert text(driver, "position") == "step 7 of 9"


def test_hovering_or_focusing_a_value_shows_its_local_derivatives_and_chain_rule_terms(open_page):
    out = readme_graph()
    driver = open_page(out)
    driver.find_element(By.ID, "result").click()
    ActionChains(driver).move_to_element(box(driver, "a * b")).perform()
    details = text(driver, "details")
    assert "computed: a * b" in details and "grad = 0.0013409506830258655" in details  # data and grad in full
    assert "d(a * b)/da = -3.0; a.grad += -3.0 × 0.001341 = -0.004023" in details
    assert "d(a * b)/db = 2.0; b.grad += 2.0 × 0.001341 = 0.002682" in details
    assert "from (a * b) + c: 1.0 × 0.001341 = 0.001341" in details
    assert len(driver.find_elements(By.CSS_SELECTOR, "#graph g.edge.related")) == 3  # 2 inputs, 1 use
    edge_tips = [title(g) for g in driver.find_elements(By.CSS_SELECTOR, "#graph g.edge")]
    assert "a → a * b: local derivative × grad = -3.0 × 0.001341 = -0.004023" in edge_tips

    focused = None
    driver.execute_script("document.getElementById('play').focus()")  # the last control before the graph
    for _ in range(16):  # Tab through the buttons to the first Value of the graph
        ActionChains(driver).send_keys(Keys.TAB).perform()
        focused = driver.switch_to.active_element
        if "node" in (focused.get_attribute("class") or "") and focused.get_attribute("aria-label"):
            break
    assert focused.get_attribute("aria-label") == "out"
    assert text(driver, "details").startswith("out\ncomputed: out = tanh((a * b) + c)")


def test_a_page_opened_with_focus_marks_that_value_and_shows_its_details(open_page):
    out = readme_graph()
    a = next(node for node in trace(out)[0] if node.label == "a")
    driver = open_page(out, focus=a)
    marked = driver.find_elements(By.CSS_SELECTOR, "#graph g.node.focus")
    assert [group.get_attribute("aria-label") for group in marked] == ["a"]
    assert text(driver, "details").startswith("a\n")
    with pytest.raises(ValueError, match="focus must be a Value of the graph of root"):
        to_html(out, focus=Value(2.0))


def title(group):
    return group.find_element(By.TAG_NAME, "title").get_attribute("textContent")


def test_the_language_switch_translates_every_text(open_page):
    driver = open_page(readme_graph(backward=False))
    keys = driver.execute_script("return [Object.keys(WORDS.en), Object.keys(WORDS['pt-BR'])]")
    assert keys[0] == keys[1]
    driver.find_element(By.ID, "language-pt-BR").click()
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "pt-BR"
    assert text(driver, "step") == "Avançar ▶" and text(driver, "position") == "passo 0 de 9"
    assert "A retropropagação (backward) ainda não rodou" in text(driver, "no-backward")
    driver.find_element(By.ID, "run-backward").click()
    assert text(driver, "explanation").startswith("A retropropagação começa na saída")
    driver.find_element(By.ID, "language-en").click()
    assert text(driver, "explanation").startswith("Backward starts at the output")


def test_the_page_can_open_in_portuguese(open_page):
    driver = open_page(readme_graph(), language="pt-BR")
    assert text(driver, "explanation").startswith("Tecle → ou Avançar ▶ para começar")
    driver.find_element(By.ID, "result").click()
    assert text(driver, "reset") == "Reiniciar" and text(driver, "explanation") == (
        "b.grad += derivada local × (a * b).grad = 2,0 × 0,001341 = 0,002682; agora b.grad vale 0,002682. "
        "Pronto: cada grad agora é dout/d(aquele valor)."
    )


def test_the_keyboard_steps_goes_back_and_plays(open_page):
    driver = open_page(readme_graph())
    keys = ActionChains(driver)
    keys.send_keys(Keys.HOME).perform()
    assert text(driver, "position") == "step 0 of 9"
    keys.send_keys(Keys.ARROW_RIGHT).send_keys(Keys.ARROW_RIGHT).send_keys(Keys.ARROW_LEFT).perform()
    assert text(driver, "position") == "step 1 of 9"
    ActionChains(driver).send_keys(Keys.SPACE).perform()
    assert text(driver, "play") == "❚❚ Pause"
    WebDriverWait(driver, 10).until(lambda d: text(d, "position") != "step 1 of 9")
    ActionChains(driver).send_keys(Keys.SPACE).perform()
    assert text(driver, "play") == "▶▶ Play"
    ActionChains(driver).send_keys(Keys.END).perform()
    assert text(driver, "position") == "step 9 of 9"


def test_a_label_is_text_and_runs_nothing(open_page):
    evil = "<script>window.pwned = 1; alert(1)</script>"
    out = readme_graph(b_label=evil + "</script><img src=x onerror=alert(2)>")
    out.label = "{{script}}</title><script>alert(3)</script>"
    driver = open_page(out)
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 -- raises when no alert was opened
    assert driver.execute_script("return window.pwned === undefined && document.images.length === 0")
    names = driver.execute_script(
        "return [...document.querySelectorAll('#values tbody tr')].map(r => r.cells[0].textContent)"
    )
    assert names[-1] == evil + "</script><img src=x onerror=alert(2)>" and names[0] == out.label
    assert driver.title == "micrograd: " + out.label


def test_a_custom_op_name_is_text_on_the_page_and_links_or_loads_nothing(open_page):
    x = Value(1.0, label="x")
    outputs = [custom_op(name, lambda x: 2 * x, lambda x: 2.0)(x) for name in HOSTILE_OP_NAMES]
    driver = open_page(value_sum(outputs))  # a name ending in a backslash no longer breaks `dot`
    assert driver.execute_script("return document.querySelectorAll('a, img, image, [href]').length") == 0
    drawn = driver.execute_script(
        "return [...document.querySelectorAll('#graph g.node')].filter(g => g.querySelector('ellipse'))"
        ".map(g => [...g.querySelectorAll('text')].map(t => t.textContent).join(''))"  # the op ovals' texts
    )
    assert set(HOSTILE_OP_NAMES) <= set(drawn)


# --- Editing a leaf: the page's op table against Python's engine


def random_graph(seed, leaf_data):
    """A graph over leaves x0, x1, x2 (data from leaf_data) in which every operation of the engine appears, each
    result squashed by tanh or sigmoid so that no number runs off. The shape depends only on `seed`."""
    rng = random.Random(seed)
    pool = [Value(x, label=f"x{i}") for i, x in enumerate(leaf_data)]

    def positive(v):
        return v * v + 0.5

    c = round(rng.uniform(-2, 2), 3)
    operations = [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a * b,
        lambda a, b: a / positive(b),
        lambda a, b: a + c,
        lambda a, b: c - a,
        lambda a, b: a * c,
        lambda a, b: a / c,
        lambda a, b: c / positive(a),
        lambda a, b: -a,
        lambda a, b: a**2,
        lambda a, b: a**3,
        lambda a, b: positive(a) ** -1,
        lambda a, b: positive(a) ** -2,
        lambda a, b: positive(a) ** 0.5,
        lambda a, b: positive(a) ** -0.5,
        lambda a, b: positive(a) ** 1.5,
        lambda a, b: a**0,
        lambda a, b: positive(a) ** b,
        lambda a, b: 2.0**a,
        lambda a, b: a.relu(),
        lambda a, b: a.exp(),
        lambda a, b: positive(a).log(),
        lambda a, b: linear([a, 0.5], [b, a], b),
        lambda a, b: value_sum([a, 1.5, b]),
        lambda a, b: losses.binary_cross_entropy_with_logits([a], [1]),
    ]
    rng.shuffle(operations)
    for operation in operations:
        a, b = rng.choice(pool), rng.choice(pool)
        result = operation(a, b)
        pool.append(result.tanh() if rng.random() < 0.5 else result.sigmoid())
    out = value_sum(pool[-4:])
    out.backward()
    return out


@pytest.mark.parametrize("seed", range(30))
def test_editing_a_leaf_recomputes_every_value_and_grad_as_python_does(open_page, seed):
    rng = random.Random(1000 + seed)
    before = [rng.uniform(-2, 2) for _ in range(3)]
    out = random_graph(seed, before)
    driver = open_page(out)
    after = list(before)
    used = sorted(int(node.label[1]) for node in trace(out)[0] if node.label)  # a leaf may be left out of the graph
    for i in rng.sample(used, min(2, len(used))):  # two edits in a row: the second starts from the first's results
        after[i] = rng.uniform(-2, 2)
        edit(driver, f"x{i}", after[i])
    step, total = re.fullmatch(r"step (\d+) of (\d+)", text(driver, "position")).groups()
    assert step == total  # an edit shows the end: forward and backward recomputed
    assert_page_matches(driver, random_graph(seed, after))


def test_the_random_graphs_use_every_operation_of_the_engine_and_cut_edges():
    ops = set()
    cut = 0
    for seed in range(30):
        for node in trace(random_graph(seed, [0.3, -1.2, 0.7]))[0]:
            ops.add("**n" if node._op.startswith("**") and node._op != "**" else node._op)
            cut += len(node._local_grads) < len(node._prev)
    every_op = {"+", "*", "/", "**", "**n", "relu", "tanh", "sigmoid", "exp", "log", "reciprocal", "linear"}
    assert ops >= {"", "bce_with_logits", *every_op}
    assert cut > 0  # relu of x <= 0 and x ** 0


@pytest.mark.parametrize(
    "expression, leaf, value",
    [
        (lambda x, y: x / y, "y", 0.0),  # division by zero: ±inf, nan for 0/0
        (lambda x, y: x / y, "x", 0.0),
        (lambda x, y: y.log() * x, "y", 0.0),  # log(0) = -inf
        (lambda x, y: y.log() + x, "y", -1.0),  # log of a negative: nan
        (lambda x, y: x ** (1 / 3) + y, "x", -8.0),  # a negative base and a fractional exponent: nan
        (lambda x, y: x**y, "x", 0.0),  # 0 ** y: the exponent's derivative is 0, as in PyTorch
        (lambda x, y: x**y, "y", 0.0),
        (lambda x, y: x**y, "x", -2.0),
        (lambda x, y: x.relu() * y, "x", 0.0),  # relu(0): a cut
        (lambda x, y: (x * 1000).exp() + y, "x", 1.0),  # exp overflows to inf
        (lambda x, y: (x * y).sigmoid(), "x", -1000.0),
        (lambda x, y: x**0 * y, "x", float("nan")),  # x ** 0 is 1, even for nan
        (lambda x, y: x**-1 + (1 / y), "x", -0.0),
        (lambda x, y: x**y * (1 / y), "y", 0.0),  # exponent 0 cuts the base's edge: x.grad is 0, not 0 × inf
        (lambda x, y: (x * 1e-200) / (y * 1e-200), "y", 3.0),  # d(a/b)/db as -(a/b)/b: -a/(b*b) would be -inf
        (lambda x, y: (x / y) * 1e-300, "y", 1e-310),  # d(x/y)/dx applied as grad / y: 1/y alone is inf
        (lambda x, y: 1 / (x * 1e-160), "x", 1.0),  # reciprocal: -(1/x)² is finite where x * x underflows
    ],
)
def test_editing_a_leaf_to_an_edge_of_the_number_line_gives_pythons_inf_and_nan(open_page, expression, leaf, value):
    def graph(x, y):
        x, y = Value(x, label="x"), Value(y, label="y")
        out = expression(x, y)
        out.backward()
        return out

    start = {"x": 1.5, "y": 2.0}
    driver = open_page(graph(**start))
    edit(driver, leaf, value)
    assert text(driver, "edit-message") == f"Recomputed with {leaf} = {value!r}."
    assert_page_matches(driver, graph(**{**start, leaf: value}))


def test_a_leaf_that_feeds_an_operation_the_page_does_not_know_is_not_edited(open_page):
    softplus = custom_op("softplus", lambda x: math.log1p(math.exp(x)), lambda x: x.sigmoid())

    def graph(y):
        x, y = Value(0.5, label="x"), Value(y, label="y")
        out = softplus(x) * y + (y + 1e-15)  # the engine keeps the 1e-15 that the sum 2 + 1e-15 rounds away
        out.backward()
        return out

    driver = open_page(graph(2.0))
    driver.find_element(By.ID, "result").click()
    edit(driver, "x", 3.0)
    assert text(driver, "edit-message").startswith("Cannot edit x: it feeds softplus, an operation the page does not")
    assert_page_matches(driver, graph(2.0), rel=0)  # nothing changed
    edit(driver, "y", 1e-15)
    assert_page_matches(driver, graph(1e-15))
    assert 2e-15 in [data for data, _ in shown(driver)]  # y + 1e-15, exactly


def test_typing_something_that_is_not_a_number_changes_nothing(open_page):
    out = readme_graph()
    driver = open_page(out)
    driver.find_element(By.ID, "result").click()
    edit(driver, "a", "two")
    assert text(driver, "edit-message") == "\"'two'\" is not a number"
    assert_page_matches(driver, out, rel=0)


def python_numbers_grid():
    """Floats where JavaScript's own formatting differs from Python's: ties (odd multiples of 2 ** -k), the switches
    to scientific notation (1e-05, 1e+16), the ends of the float range, and random floats of every size."""
    rng = random.Random(21)
    grid = [
        0.0,
        -0.0,
        math.inf,
        -math.inf,
        math.nan,
        1e16,
        1e-05,
        1e-4,
        1e15,
        1e21,
        1e22,
        5e-324,
        1.7976931348623157e308,
    ]
    grid += [k / 2**n for n in (1, 3, 5, 8) for k in range(-40, 40, 3)]  # 0.03125 is 1 / 2 ** 5
    grid += [9.5, 99.995, 12345.0, 2.5e-7, 0.1, 1 / 3]
    grid += [rng.choice((-1, 1)) * rng.random() * 10.0 ** rng.randint(-320, 307) for _ in range(300)]
    return grid


def test_the_page_writes_numbers_exactly_as_python_does(open_page):
    driver = open_page(readme_graph())
    grid = python_numbers_grid()
    formats = [(places, style) for places in (0, 2, 4) for style in "fe"]
    page = driver.execute_script(
        "const [numbers, formats] = arguments; return numbers.map(Number).map(x => "
        "[pythonRepr(x), boxNumber(x), ...formats.map(([p, s]) => pythonFormat(x, p, s))])",
        [repr(x).replace("inf", "Infinity").replace("nan", "NaN") for x in grid],
        formats,
    )
    python = [[repr(x), box_number(x), *(format(x, f".{p}{style}") for p, style in formats)] for x in grid]
    assert page == python


def test_labels_and_leaf_values_show_as_in_python(open_page):
    small, large = Value(1e-05, label="&lt;&amp;"), Value(1e16, label="two\nlines")
    tie = Value(0.03125, label="t")
    out = small * large + tie
    out.backward()
    driver = open_page(out)
    rows = driver.execute_script(
        "return [...document.querySelectorAll('#values tbody tr')].map(r => [r.cells[0].innerText, "
        "r.cells[2].querySelector('input') ? r.cells[2].querySelector('input').value : r.cells[2].textContent])"
    )
    assert {name: data for name, data in rows if name in ("&lt;&amp;", "two\nlines", "t")} == {
        "&lt;&amp;": "1e-05",
        "two\nlines": "1e+16",
        "t": "0.03125",
    }
    boxes = [t.text for t in driver.find_elements(By.CSS_SELECTOR, "#graph g.node text")]
    assert "data 0.0312" in boxes and "&lt;&amp;" in boxes and "two" in boxes and "lines" in boxes
    field = driver.find_element(By.CSS_SELECTOR, '#values input[aria-label="t"]')
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("1_000", Keys.ENTER)  # float("1_000") is 1000.0
    assert text(driver, "edit-message") == "Recomputed with t = 1000.0."
    assert [data for data, _ in shown(driver)][0] == 1e-05 * 1e16 + 1000.0


# --- Jupyter, the commands, the package


def test_the_jupyter_display_works_in_its_iframe(browser, open_page, tmp_path):
    open_page(readme_graph())  # for the checks of console errors and requests afterwards
    wrapper = tmp_path / "notebook.html"
    wrapper.write_text("<!DOCTYPE html><html><body>" + to_html(readme_graph())._repr_html_() + "</body></html>")
    browser.get(wrapper.as_uri())
    browser.switch_to.frame(browser.find_element(By.TAG_NAME, "iframe"))
    try:
        browser.find_element(By.ID, "result").click()
        assert shown(browser)[0] == (math.tanh(4.0), 1.0)
    finally:
        browser.switch_to.default_content()


def test_notebook_main_shows_the_page_inline():
    notebook = json.loads((ROOT / "notebooks" / "01-main.ipynb").read_text())
    outputs = [output for cell in notebook["cells"] for output in cell.get("outputs", [])]
    assert any("<iframe srcdoc=" in "".join(output.get("data", {}).get("text/html", "")) for output in outputs)


def run_command(*args, cwd):
    return subprocess.run([sys.executable, "-m", "micrograd", *args], capture_output=True, text=True, cwd=cwd)


def test_graph_command_writes_the_page_with_html(open_page, browser, tmp_path):
    result = run_command(
        "graph", "(a*b + c).tanh()", "--set", "a=2", "b=-3", "c=10", "--html", "page.html", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == ["wrote graph.svg", "wrote page.html"]
    open_page(readme_graph())  # for the checks of console errors and requests afterwards
    browser.get((tmp_path / "page.html").as_uri())
    browser.find_element(By.ID, "result").click()
    assert_page_matches(browser, readme_graph(), rel=0)


def test_graph_command_with_an_unwritable_html_path_fails_in_one_line(tmp_path):
    result = run_command("graph", "a*b", "--set", "a=2", "b=3", "--html", "no/such/dir/page.html", cwd=tmp_path)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert "page.html" in result.stderr


def test_demo_page_is_the_lectures_neuron_from_step_0_to_pythons_gradients(open_page, browser, tmp_path):
    result = run_command("demo", "--steps", "1", "--quiet", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "wrote out/neuron.html" in lines and lines[-1].startswith("Next: open out/neuron.html in a web browser")
    open_page(readme_graph())  # for the checks of console errors and requests afterwards
    browser.get((tmp_path / "out" / "neuron.html").as_uri())
    assert text(browser, "position") == "step 0 of 15"  # 5 forward, the seed, 9 edges
    assert browser.find_element(By.ID, "legend-parameter").text == "parameter: a leaf that training changes"
    names = browser.execute_script(
        "return [...document.querySelectorAll('#values tbody tr')].map((r) => r.cells[0].textContent)"
    )
    assert names == ["o", "n", "x1*w1 + x2*w2", "b", "x1*w1", "x2*w2", "x1", "w1", "x2", "w2"]  # the lecture's
    step_to_the_end(browser)
    o, parameters = lecture_neuron()
    assert_page_matches(browser, o, rel=0)
    grads = dict(zip(names, (grad for _, grad in shown(browser))))
    assert [grads["w1"], grads["w2"], grads["b"]] == pytest.approx([p.grad for p in parameters])  # Python's (and
    # PyTorch's: test_the_lecture_neurons_gradients_are_pytorchs)
    assert grads["w1"] != 0 and grads["b"] != 0  # gradients flow (w2's is 0: its input x2 is 0, as in the lecture)
    picture = re.findall(r">((?:data|grad) [^<]+)<", (tmp_path / "out" / "neuron.svg").read_text())
    picture = [html.unescape(number) for number in picture]
    boxes = [t.text for t in browser.find_elements(By.CSS_SELECTOR, "#graph g.node text") if t.text[:4] in BOX_FIELDS]
    assert picture == boxes  # neuron.svg shows what the page shows at its end


def test_text_is_at_least_12_px_for_30_values_in_a_1280_px_window_and_in_the_notebooks_iframe(open_page, tmp_path):
    inputs = [Value(0.1 * i, label=f"x{i}") for i in range(1, 9)]
    weights = [Value(-0.2 * i, label=f"w{i}") for i in range(1, 9)]
    out = (value_sum([x * w for x, w in zip(inputs, weights)]) + Value(0.5, label="b")).tanh() ** 2
    out.backward()
    assert len(trace(out)[0]) == 29
    driver = open_page(out)
    driver.set_window_size(1280, 900)
    smallest = """
        const sizes = [...document.querySelectorAll("body *")].filter((e) => [...e.childNodes].some(
            (n) => n.nodeType === 3 && n.textContent.trim()) && e.getClientRects().length && e.tagName !== "title")
          .map((e) => parseFloat(getComputedStyle(e).fontSize) * (e.getScreenCTM ? e.getScreenCTM().a : 1));
        return Math.min(...sizes);"""
    assert driver.execute_script(smallest) >= 12
    wrapper = tmp_path / "notebook.html"  # a notebook's output cell is about 900 px wide
    wrapper.write_text(
        '<!DOCTYPE html><html><body style="width: 900px">' + to_html(out)._repr_html_() + "</body></html>"
    )
    driver.get(wrapper.as_uri())
    driver.switch_to.frame(driver.find_element(By.TAG_NAME, "iframe"))
    try:
        assert driver.execute_script(smallest) >= 12
    finally:
        driver.switch_to.default_content()


ENGLISH_UI = [  # words of the page's English strings that have no place on the Portuguese page
    "Watch",
    "Hover",
    "Step",
    "Back",
    "Reset",
    "Play",
    "Pause",
    "Show",
    "result",
    "leaf",
    "parameter",
    "computed",
    "cut edge",
    "Forward",
    "Backward",
    "Done",
    "local derivative",
    "Press",
    "Every",
    "Value",
    "Values",
    "Type",
    "what it is",
    "step",
    "of",
    "from",
    "keeps",
    "not computed",
    "Local",
    "Gradient",
    "is now",
    "so",
    "the edge",
    "flows",
    "precision",
]


def test_the_portuguese_page_has_no_english_ui_word_left(open_page):
    out = readme_graph()
    driver = open_page(out, language="pt-BR")
    seen = []
    for _ in range(9):
        seen.append(driver.execute_script("return document.body.innerText"))
        ActionChains(driver).move_to_element(box(driver, "a * b")).perform()
        seen.append(text(driver, "details"))
        driver.find_element(By.ID, "step").click()
    seen.append(driver.execute_script("return document.body.innerText"))
    edit(driver, "a", "dois")
    seen.append(text(driver, "edit-message"))
    page = "\n".join(seen)
    assert "Passagem direta: a * b = 2,0 * -3,0 = -6,0." in page  # a decimal comma in Portuguese prose
    left = [word for word in ENGLISH_UI if re.search(rf"\b{word}\b", page)]
    assert left == []


def test_the_package_ships_the_page_assets(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("micrograd-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"micrograd/viz/page_assets/{name}" for name in ("page.html", "page.css", "page.js")} <= names


def test_docs_example_writes_the_page_and_prints_what_the_page_says(open_page, browser, tmp_path):
    section = docs_page("guide/pictures.md").split("\n## The interactive page: watch backprop happen\n")[1]
    code, output = re.findall(r"```(?:python)?\n(.*?)```", section, re.S)[:2]
    assert run_example(code, tmp_path) == output
    open_page(readme_graph())  # for the checks of console errors and requests afterwards
    browser.get((tmp_path / "graph.html").as_uri())
    assert browser.find_element(By.ID, "run-backward").is_displayed()  # what the docs say to click first


def test_the_modules_docstring_example_runs():
    import doctest

    import micrograd.viz.page

    assert doctest.testmod(micrograd.viz.page).failed == 0


def test_a_cut_edge_is_a_step_that_adds_nothing(open_page):
    x, y = Value(2.0, label="x"), Value(0.0, label="y")
    out = x**y * (1 / y)  # the power's grad is inf, and its base's edge is cut: x.grad is 0, not 0 × inf
    out.backward()
    driver = open_page(out)
    driver.find_element(By.ID, "reset").click()
    explanations = []
    while driver.find_element(By.ID, "step").is_enabled():
        driver.find_element(By.ID, "step").click()
        explanations.append(text(driver, "explanation"))
    assert any(line.startswith("x.grad += 0: the edge x → x ** y is cut (the exponent is 0)") for line in explanations)
    assert shown(driver)[3] == (2.0, 0.0) and x.grad == 0.0


@pytest.mark.torch
def test_the_lecture_neurons_gradients_are_pytorchs():
    import torch

    o, parameters = lecture_neuron()
    w1, w2, b = (torch.tensor(p.data, dtype=torch.float64, requires_grad=True) for p in parameters)
    out = torch.tanh(2.0 * w1 + 0.0 * w2 + b)
    out.backward()
    assert o.data == pytest.approx(out.item(), rel=1e-15)
    assert [p.grad for p in parameters] == pytest.approx([w1.grad.item(), w2.grad.item(), b.grad.item()], rel=1e-15)
