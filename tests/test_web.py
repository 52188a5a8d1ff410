"""The browser pages (scripts/build_web.py): the real micrograd running in Pyodide prints what CPython prints.

The site is built once into a temporary folder and served on 127.0.0.1; Chromium resolves no other host name, and any
request that leaves the server fails the test.
"""

import ast
import functools
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from browser import start_chromium
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.support.ui import Select

ROOT = Path(__file__).resolve().parent.parent
PYTHON_READY_SECONDS = 120  # a bound against a hang on a busy machine, not a timing

# 20 steps of the demo (MLP(2, [16, 16, 1]) on 100 moons, hinge + 1e-4·L2, SGD with the linear decay), eager with
# training.fit and compiled with micrograd.compile(backend="python"). The moons are drawn with sin and cos, whose last
# bit can differ between Pyodide's libm and the system's (it does: one point moves by an ulp), so the losses are
# printed to 12 significant digits: an ulp's difference in the data stays far below that, any wrong rule does not.
DEMO_STEPS = """
import random
from micrograd import compile, datasets, optim
from micrograd.layers import MLP
from micrograd.training import fit, loss_by_name
from micrograd.autograd import Value, sum as value_sum

def demo():
    X, y = datasets.make_moons(n_samples=100, noise=0.1, seed=1337)
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    return X, y, model, optim.SGD(model.parameters(), lr=1.0)

schedule = lambda k: 1.0 - 0.9 * k / 20
X, y, model, optimizer = demo()
history = fit(model, X, y, "hinge", optimizer, steps=20, l2=1e-4, lr_schedule=schedule)
for loss, accuracy in zip(history["loss"], history["accuracy"]):
    print(f"eager {loss:.12g} {accuracy}")

X, y, model, optimizer = demo()
scores = [model([Value(a), Value(b)]) for a, b in X]
loss = loss_by_name("hinge", scores, y) + 1e-4 * value_sum(p * p for p in model.parameters())
program = compile(loss, backend="python")
for step in range(20):
    optimizer.lr = schedule(step)
    optimizer.zero_grad()
    print(f"compiled {program():.12g}")
    optimizer.step()
print(f"first weight {model.parameters()[0].data:.12g}")
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test output stays readable
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # a page left mid-download resets its connection: not news
        pass


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The pages built from this checkout (once per session), served on 127.0.0.1: the base URL."""
    out = tmp_path_factory.mktemp("web") / "play"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_web.py"), str(out)], check=True)
    handler = functools.partial(QuietHandler, directory=str(out))
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def web_browser(site, tmp_path_factory):
    """Chromium that can reach only the site; at the end, every request it made must have gone to the site."""
    driver = start_chromium(tmp_path_factory.mktemp("chromium-web"), localhost_only=True)
    driver.set_script_timeout(PYTHON_READY_SECONDS)
    yield driver
    requested = [
        json.loads(entry["message"])["message"]["params"]["request"]["url"]
        for entry in driver.get_log("performance")
        if '"Network.requestWillBeSent"' in entry["message"]
    ]
    driver.quit()
    elsewhere = [url for url in requested if url.startswith(("http", "ws")) and not url.startswith(site)]
    assert not elsewhere, f"the pages asked another host: {elsewhere}"


def run_in_page(driver, source):
    """window.micrograd.run(source) in the page: ("printed", text) or ("error", message)."""
    return driver.execute_async_script(
        """const [source, done] = arguments;
        window.micrograd.run(source).then((text) => done(["printed", text]), (e) => done(["error", e.message]));""",
        source,
    )


def python_prints(source):
    result = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True, cwd=ROOT, check=True)
    return result.stdout


@pytest.fixture(scope="session")
def home(web_browser, site):
    """The site's first page, with Python ready."""
    web_browser.get(site + "index.html")
    web_browser.execute_async_script("window.micrograd.ready.then(arguments[0], (e) => arguments[0](e.message))")
    return web_browser


def test_a_page_left_while_python_loads_works_when_the_learner_comes_back(web_browser, site):
    """The worker stops when its page is left (Chromium's tab could crash later otherwise); back, the page restarts."""
    web_browser.get(site + "playground.html?" + MOONS)  # Python starts loading at once, in the background
    web_browser.get(site + "exercises.html")
    web_browser.back()
    wait_for_the_playground(web_browser)
    assert web_browser.find_element("id", "network").get_attribute("data-shape") == "16,16,1"


def test_the_usage_example_prints_what_cpython_prints(home):
    source = (ROOT / "examples" / "usage.py").read_text()
    assert run_in_page(home, source) == ["printed", python_prints(source)]


def test_twenty_demo_steps_eager_and_compiled_print_what_cpython_prints(home):
    printed = run_in_page(home, DEMO_STEPS)
    assert printed == ["printed", python_prints(DEMO_STEPS)]
    assert printed[1].count("eager") == printed[1].count("compiled") == 20


def test_a_runnable_block_runs_its_edited_code_and_shows_what_it_printed(home):
    home.execute_script(
        "const editor = document.querySelector('.mg-runnable .mg-code');"
        "editor.value = editor.value.replace('Value(-4.0)', 'Value(-3.0)');"
    )
    home.find_element("css selector", ".mg-runnable .mg-run").click()
    wait_for(home, "return document.querySelector('.mg-runnable .mg-output').textContent.includes('dg/db')", 30)
    source = (ROOT / "examples" / "usage.py").read_text().replace("Value(-4.0)", "Value(-3.0)")
    assert home.find_element("css selector", ".mg-runnable .mg-output").text == python_prints(source).strip()


def test_a_runnable_blocks_editor_grows_to_show_every_line_and_scrolls_a_long_one_sideways(home):
    """No line hides behind a scroll bar, and a long line is not wrapped (a wrapped line of Python reads as two)."""
    hidden_height, scrolls_sideways = home.execute_script(
        """const editor = document.querySelector('.mg-runnable .mg-code');
        const before = editor.value;
        editor.value += '\\n' + 'print(1)\\n'.repeat(6) + '# ' + 'a long comment '.repeat(20);
        editor.dispatchEvent(new Event('input'));  // as typing does
        const seen = [editor.scrollHeight - editor.clientHeight, editor.scrollWidth > editor.clientWidth];
        editor.value = before;
        editor.dispatchEvent(new Event('input'));
        return seen;"""
    )
    assert (hidden_height, scrolls_sideways) == (0, True)


def test_an_exception_comes_back_as_its_one_line_message(home):
    assert run_in_page(home, "x = 1\nprint('before')\n1 / x.nope") == [
        "error",
        "AttributeError: 'int' object has no attribute 'nope'",
    ]


MOONS = "dataset=moons&hidden=16%2C16&activation=relu&loss=hinge&optimizer=sgd&lr=0.1&batch=0"


def open_playground(driver, site, query):
    driver.get(f"{site}playground.html?{query}")
    wait_for_the_playground(driver)


def wait_for_the_playground(driver):
    failure = driver.execute_async_script("playground.loaded.then(() => arguments[0](null), (e) => arguments[0](e))")
    assert failure is None
    assert driver.find_element("id", "error").text == ""


def wait_for(driver, script, seconds):
    """Poll `script` until it returns something true (a bound against a hang, not a timing)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := driver.execute_script(script):
            return result
        time.sleep(0.2)
    raise AssertionError(f"still false after {seconds} s: {script}")


@pytest.fixture(scope="module")
def moons_playground(web_browser, site):
    open_playground(web_browser, site, MOONS)
    return web_browser


def test_the_playground_answers_a_click_within_200_ms_while_training(moons_playground):
    driver = moons_playground
    driver.find_element("id", "train").click()
    wait_for(driver, "return playground.running && playground.step > 0", 30)
    # From the click to the next painted frame, measured in the page while the worker trains.
    answered_ms = driver.execute_async_script(
        """const done = arguments[0];
        const neuron = document.querySelector('#network canvas[data-layer="1"][data-neuron="3"]');
        const clicked = performance.now();
        neuron.click();
        requestAnimationFrame(() => done(neuron.classList.contains("selected") && performance.now() - clicked));"""
    )
    driver.find_element("id", "pause").click()
    assert 0 < answered_ms < 200
    assert driver.find_element("id", "selected").text == "Selected: layer 2, neuron 4"


def test_the_playground_trains_moons_to_full_accuracy(moons_playground):
    driver = moons_playground
    driver.find_element("id", "train").click()
    wait_for(driver, "return playground.fullAccuracy === 1", 60)
    driver.find_element("id", "pause").click()
    assert "100%" in driver.find_element("id", "status").text


NEURON_IN_PYTHON = """
from micrograd.autograd import Value, linear
inputs, weights, bias = [Value(x) for x in {x}], [Value(w) for w in {w}], Value({b})
out = linear(inputs, weights, bias).relu()
out.backward()
print(repr([v.grad for v in inputs + weights + [bias]]))
"""


def paused_after_20_steps(driver):
    driver.find_element("id", "train").click()
    wait_for(driver, "return playground.step >= 20", 30)
    driver.find_element("id", "pause").click()
    wait_for(driver, "return !playground.running", 10)


def the_neuron_page(driver, layer, neuron):
    """What the neuron's page in the frame shows, by name, checked against the model's weights and Python's grads."""
    wait_for(driver, "return !document.getElementById('neuron-page').hidden", 30)
    model_weights = run_in_page(
        driver,
        f"import web_playground as p\nn = p.state['model'].layers[{layer}].neurons[{neuron}]\n"
        "print(repr([w.data for w in n.w] + [n.b.data]))",
    )
    driver.switch_to.frame("neuron-page")
    try:
        graph = wait_for(driver, "return typeof GRAPH === 'object' && GRAPH", 10)
        assert driver.find_element("id", "step").text  # the page's script ran: its buttons are labelled
        shown = driver.find_element("id", "details").text
        marked = [e.text.split("\n")[0] for e in driver.find_elements("css selector", "#graph g.node.focus")]
    finally:
        driver.switch_to.default_content()
    by_name = {v["name"]: v for v in graph["values"]}
    size = len(model_weights[1].split(",")) - 1  # the neuron's inputs
    inputs = [by_name[f"x{i}"]["data"] for i in range(1, size + 1)]
    weights = [by_name[f"w{i}"]["data"] for i in range(1, size + 1)]
    assert model_weights == ["printed", repr([*weights, by_name["b"]["data"]]) + "\n"]  # the current weights
    names = [*(f"x{i}" for i in range(1, size + 1)), *(f"w{i}" for i in range(1, size + 1)), "b"]
    in_python = python_prints(NEURON_IN_PYTHON.format(x=inputs, w=weights, b=by_name["b"]["data"]))
    assert [by_name[name]["grad"] for name in names] == ast.literal_eval(in_python)
    return {"by_name": by_name, "details": shown, "marked": marked}


def test_clicking_a_neuron_opens_its_backprop_page_with_pythons_gradients(moons_playground):
    driver = moons_playground
    paused_after_20_steps(driver)
    driver.find_element("css selector", '#network canvas[data-layer="1"][data-neuron="5"]').click()
    page = the_neuron_page(driver, 1, 5)
    assert any(page["by_name"][f"w{i}"]["grad"] != 0 for i in range(1, 17))  # a live neuron: gradients reach it
    assert page["marked"] == []


def test_clicking_a_weight_opens_its_neurons_page_with_the_weight_marked(moons_playground):
    driver = moons_playground
    paused_after_20_steps(driver)
    # A real click, on a point of the weight's line that no other line covers.
    point = driver.execute_script(
        """const g = document.querySelector('#network g[data-layer="1"][data-neuron="5"][data-weight="2"]');
        const line = g.querySelector("line.seen");
        line.scrollIntoView({ block: "center" });
        const [x1, y1, x2, y2] = ["x1", "y1", "x2", "y2"].map((a) => Number(line.getAttribute(a)));
        const box = line.ownerSVGElement.getBoundingClientRect();
        for (let t = 0.02; t < 1; t += 0.02) {
          const x = box.left + x1 + t * (x2 - x1), y = box.top + y1 + t * (y2 - y1);
          if (document.elementFromPoint(x, y)?.parentNode === g) return [Math.round(x), Math.round(y)];
        }"""
    )
    click = ActionBuilder(driver)
    click.pointer_action.move_to_location(*point).click()
    click.perform()
    assert driver.find_element("id", "selected").text == "Selected: weight w3 of layer 2, neuron 6 (from neuron 3)"
    page = the_neuron_page(driver, 1, 5)
    assert page["marked"] == ["w3"] and page["details"].startswith("w3\n")  # marked, and its details shown
    assert page["by_name"]["w3"]["grad"] != 0  # a point where the gradient reaches this weight


def test_the_playground_takes_its_settings_from_the_url_and_keeps_them_there(web_browser, site):
    query = "dataset=xor&hidden=8%2C4&activation=tanh&loss=bce&optimizer=adam&lr=0.05&batch=20&lang=pt-BR"
    open_playground(web_browser, site, query)
    form = {
        e.get_attribute("name"): e.get_attribute("value")
        for e in web_browser.find_elements("css selector", "#settings [name]")
    }
    assert form == {
        "dataset": "xor",
        "hidden": "8,4",
        "activation": "tanh",
        "loss": "bce",
        "optimizer": "adam",
        "lr": "0.05",
        "batch": "20",
    }
    assert web_browser.find_element("id", "network").get_attribute("data-shape") == "8,4,1"  # Python built that MLP
    assert web_browser.find_element("id", "train").text == "Treinar"
    Select(web_browser.find_element("name", "activation")).select_by_visible_text("relu")
    assert "activation=relu" in web_browser.current_url and "lang=pt-BR" in web_browser.current_url


def cli_check(tmp_path, number, source):
    """What `micrograd exercises check NUMBER` prints for `source` as the learner's file."""
    (tmp_path / "micrograd_exercises.py").write_text(source, encoding="utf-8")
    command = [sys.executable, "-m", "micrograd", "exercises", "check", str(number)]
    return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path).stdout.strip()


def open_exercises(driver, url):
    driver.get(url)
    wait_for(driver, "return !!window.exercisesPage", 30)  # a module script: it runs after the page has loaded
    driver.execute_async_script("exercisesPage.loaded.then(() => arguments[0]())")


def check_in_page(driver, source):
    return driver.execute_async_script(
        """const [source, done] = arguments;
        exercisesPage.setFile(source);
        const shown = () => done(document.getElementById("message").textContent);
        exercisesPage.check().then(shown, (e) => done(e.message));""",
        source,
    )


def test_the_exercises_page_checks_with_the_clis_messages_and_keeps_progress_over_a_reload(web_browser, site, tmp_path):
    open_exercises(web_browser, site + "exercises.html")
    starter = web_browser.execute_script("return exercisesPage.view.state.doc.toString()")
    from micrograd import exercises

    assert starter == exercises.starter_source("en")
    wrong = starter.replace('raise NotImplementedError("exercise 1: slope")', "return (f(x + h) - f(x)) / h")
    right = starter.replace('raise NotImplementedError("exercise 1: slope")', "return (f(x + h) - f(x - h)) / (2 * h)")
    assert wrong != starter != right
    for source in (wrong, right):
        assert check_in_page(web_browser, source) == cli_check(tmp_path, 1, source)
    assert "passes" in cli_check(tmp_path, 1, right)

    open_exercises(web_browser, site + "exercises.html")
    assert web_browser.execute_script("return exercisesPage.view.state.doc.toString()") == right
    assert (
        web_browser.find_element("css selector", '#exercise-list li[data-number="1"]').get_attribute("class")
        == "current passed"
    )


def test_an_endless_loop_is_stopped_by_stop_or_by_the_clis_time_limit_and_the_file_is_kept(web_browser, site, tmp_path):
    from micrograd import exercises

    stub = 'raise NotImplementedError("exercise 1: slope")'
    endless = exercises.starter_source("en").replace(stub, "while True:\n            pass")
    right = exercises.starter_source("en").replace(stub, "return (f(x + h) - f(x - h)) / (2 * h)")
    asks = exercises.starter_source("en").replace(stub, 'return float(input("h? "))')
    (tmp_path / "cli").mkdir()
    (tmp_path / "cli" / "micrograd_exercises.py").write_text(endless, encoding="utf-8")
    command = [sys.executable, "-m", "micrograd", "exercises", "check", "1"]
    cli = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=tmp_path / "cli")  # its 5 s, meanwhile
    open_exercises(web_browser, site + "exercises.html")
    web_browser.execute_script("exercisesPage.setFile(arguments[0])", endless)
    button = web_browser.find_element("id", "check")
    button.click()
    wait_for(web_browser, "return document.getElementById('check').textContent === 'Stop'", 30)
    button.click()  # Stop
    wait_for(web_browser, "return document.getElementById('message').textContent.startsWith('Stopped')", 10)
    assert button.text == "Check"

    timed_out = check_in_page(web_browser, endless)  # nobody presses Stop: the command's time limit ends it
    assert timed_out == cli.communicate(timeout=60)[0].strip()
    assert timed_out.startswith("Your code took longer than 5 s on exercise 1 and was stopped")
    assert web_browser.execute_script("return exercisesPage.view.state.doc.toString()") == endless  # the file is kept
    assert check_in_page(web_browser, asks) == cli_check(tmp_path, 1, asks)  # input() gets an end of file, as there
    assert check_in_page(web_browser, right) == cli_check(tmp_path, 1, right)  # and the fresh Python checks


def cli_check_all(tmp_path, source):
    """{number: message} that `micrograd exercises check all --json` gives for `source` as the learner's file."""
    (tmp_path / "micrograd_exercises.py").write_text(source, encoding="utf-8")
    command = [sys.executable, "-m", "micrograd", "exercises", "check", "all", "--json"]
    report = json.loads(subprocess.run(command, capture_output=True, text=True, cwd=tmp_path).stdout)
    return {e["number"]: e["message"] for e in report["students"][0]["exercises"]}


def test_every_exercise_checked_in_the_page_says_what_the_cli_says_for_a_wrong_and_a_right_file(
    web_browser, site, tmp_path
):
    from micrograd import exercises
    from micrograd.exercises import solutions

    wrong = exercises.starter_source("en")  # every exercise still a stub, or a find-the-bug with its bug
    right = Path(solutions.__file__).read_text(encoding="utf-8")
    expected = {"wrong": cli_check_all(tmp_path, wrong), "right": cli_check_all(tmp_path, right)}
    assert len(expected["right"]) == len(exercises.EXERCISES) >= 19
    assert all("passes" in message for message in expected["right"].values())
    assert not any("passes" in message for message in expected["wrong"].values())
    open_exercises(web_browser, site + "exercises.html")
    for number in expected["right"]:
        web_browser.find_element("css selector", f'#exercise-list li[data-number="{number}"]').click()
        for kind, source in (("wrong", wrong), ("right", right)):
            assert check_in_page(web_browser, source) == expected[kind][number], (number, kind)


def graph_page(tmp_path, name, path_variable):
    """`micrograd graph ... --html NAME` run with PATH set to `path_variable`; the page's path."""
    command = [str(Path(sys.executable).with_name("micrograd")), "graph", "(a*b + c).tanh()", "--set", "a=2", "b=-3"]
    command += ["c=1", "--html", name, "--out", name.replace(".html", ".svg")]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env={"PATH": path_variable})
    assert result.returncode == 0, result.stderr
    assert f"wrote {name}" in result.stdout
    return tmp_path / name


def test_the_graph_page_lays_itself_out_where_dot_is_missing_with_the_same_boxes(web_browser, tmp_path):
    with_dot = graph_page(tmp_path, "with_dot.html", os.environ["PATH"])
    no_dot = str(tmp_path / "no-dot")  # a PATH where no `dot` is found
    without_dot = graph_page(tmp_path, "without_dot.html", no_dot)
    assert "Viz.instance()" in without_dot.read_text() and "Viz.instance()" not in with_dot.read_text()
    boxes = {}
    for page in (with_dot, without_dot):
        web_browser.get(page.as_uri())
        wait_for(web_browser, "return document.querySelectorAll('#graph g.node').length > 0", 30)
        boxes[page.name] = web_browser.execute_script(
            "return [...document.querySelectorAll('#graph g.node')].map((g) => g.textContent.trim().split(/\\s+/))"
        )
        assert web_browser.find_element("id", "step").text  # the page's script ran after the layout
    assert boxes["with_dot.html"] == boxes["without_dot.html"]
    assert len(boxes["with_dot.html"]) == 9  # a, b, c, a*b, a*b + c, its tanh, and the ovals *, + and tanh
