"""The documentation site and the READMEs' learner's path: `make docs` builds with warnings as errors, every page works
in headless Chromium with nothing fetched from outside the site, every link and anchor lands, the language switch lands
on the twin page, the docs' code runs, and the READMEs' "Start here" commands work as written from a clean clone."""

import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
from browser import start_chromium
from selenium.common.exceptions import WebDriverException

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LANGUAGES = ["en", "pt-BR"]
CODE_BLOCK = re.compile(r"^```([^`\n]*)\n(.*?)^```", re.M | re.S)  # a directive too: ```{toctree}
EXCERPT = re.compile(r"^# from (micrograd/\S+\.py)")  # a python block that quotes the source instead of running


def pages(language):
    return sorted(path.relative_to(DOCS / language) for path in (DOCS / language).rglob("*.md"))


def code_blocks(path):
    return CODE_BLOCK.findall(path.read_text())


# --- the sources


# Pages whose commands are the reader's own: Start here's (--lang pt, notebooks-pt), the teacher's guide's (--lang pt,
# a Portuguese file name for the class's page).
COMMANDS_IN_THE_READERS_LANGUAGE = {"index.md", "teach/index.md"}


def test_every_page_has_a_twin_with_the_same_code_and_sections():
    """The same code, comments aside (the Portuguese pages' are in Portuguese), and the same sections."""

    def code(path):
        blocks = [(language, block) for language, block in code_blocks(path) if language != "{only} play"]  # prose
        return [(language, re.sub(r"[ \t]*#.*$", "", block, flags=re.M)) for language, block in blocks]

    assert pages("pt-BR") == pages("en")
    for page in pages("en"):
        english, portuguese = DOCS / "en" / page, DOCS / "pt-BR" / page
        headings = [re.findall(r"^(#+) ", path.read_text(), re.M) for path in (english, portuguese)]
        assert headings[0] == headings[1], page
        if str(page) not in COMMANDS_IN_THE_READERS_LANGUAGE:
            assert code(portuguese) == code(english), page


def test_the_glossary_has_the_same_terms_in_both_languages():
    def rows(language):
        table = re.findall(r"^\| (.*?) \| (.*?) \|", (DOCS / language / "glossary.md").read_text(), re.M)
        return table[2:]  # after the header and its rule

    english, portuguese = rows("en"), rows("pt-BR")
    assert len(english) >= 30 and english == portuguese
    for term in ("gradiente", "retropropagação", "derivada local", "regra da cadeia", "taxa de aprendizado", "viés"):
        assert any(term in portuguese_term for _, portuguese_term in portuguese), term


def example_pages():
    return [page for page in pages("en") if "```python" in (DOCS / "en" / page).read_text()]  # docs/pt-BR: the same


@pytest.mark.parametrize("page", example_pages(), ids=str)
def test_the_python_on_each_page_runs(page, tmp_path):
    """Each python block of the page runs as a script, in order, in one folder; one followed by what it prints is run
    and compared by the tests of its subject instead (the test below checks that they read the page). A block that
    opens with `# from micrograd/FILE.py` quotes that file: its lines are there, one after the other."""
    text = (DOCS / "en" / page).read_text()
    for match in CODE_BLOCK.finditer(text):
        language, code = match.groups()
        if language != "python" or text[match.end() :].startswith("\n\nprints"):
            continue
        excerpt = EXCERPT.match(code)
        if excerpt:
            source = [line.strip() for line in (ROOT / excerpt.group(1)).read_text().splitlines()]
            quoted = [line.strip() for line in code.splitlines()[1:]]
            positions = [source.index(line) for line in quoted]  # ValueError: a line the file does not have
            assert positions == list(range(positions[0], positions[0] + len(quoted))), code
            continue
        (tmp_path / "example.py").write_text(code)
        result = subprocess.run(
            [sys.executable, "example.py"], capture_output=True, text=True, cwd=tmp_path, timeout=300
        )
        assert result.returncode == 0, f"{code}\n{result.stderr}"


def test_every_page_that_shows_what_its_code_prints_is_read_by_a_test():
    shown = {str(page) for page in example_pages() if "\n\nprints" in (DOCS / "en" / page).read_text()}
    tests = "".join(path.read_text() for path in Path(__file__).parent.glob("test_*.py"))
    read = set(re.findall(r'docs_(?:page|example)\("([^"]+)"', tests)) | {"guide/engine.md"}  # test_readme: usage
    assert shown and shown <= read


# --- the READMEs' learner's path, from a clean clone


def start_here_commands(readme):
    """The commands of the README's numbered "Start here" steps, in order."""
    text = (ROOT / readme).read_text()
    titles = ("Watched the lecture? Start here", "Assistiu à aula? Comece aqui")
    section = next(part for part in re.split(r"^## ", text, flags=re.M) if part.startswith(titles))
    return [code.strip() for _, code in CODE_BLOCK.findall(section.replace("\n   ", "\n"))]


@pytest.fixture(scope="module")
def learner_clone(tmp_path_factory):
    """A clone of HEAD (commit first: the working tree's changes are not in it) in which the commands of both READMEs'
    "Start here" ran as written, in order, from no .venv; each must succeed, and the check of an exercise not yet
    written fails with one sentence, as a check that does not pass does. JupyterLab runs headless
    (NOTEBOOKS_HEADLESS=1), as no browser can open here. Its `make docs` builds the site the tests below open."""
    clone = tmp_path_factory.mktemp("learner") / "micrograd"
    subprocess.run(["git", "clone", "-q", ROOT, clone], check=True, timeout=120)
    environment = {**os.environ, "NOTEBOOKS_HEADLESS": "1"}
    environment.pop("VIRTUAL_ENV", None)
    ran, times = [], []
    for readme in ("README.md", "README.pt-BR.md"):
        (clone / "micrograd_exercises.py").unlink(missing_ok=True)  # the next learner starts the exercises afresh
        commands = start_here_commands(readme)
        assert 6 <= len(commands) <= 8 and all("\n" not in command for command in commands)
        for command in commands:
            if command in ran:
                continue  # the same command in the other README
            started = time.monotonic()
            result = subprocess.run(
                command, shell=True, cwd=clone, env=environment, capture_output=True, text=True, timeout=600
            )
            times.append(f"{time.monotonic() - started:.1f} s  {command}")
            ran.append(command)
            output = result.stdout + result.stderr
            assert "Traceback" not in output, command
            if " check " in command:
                assert result.returncode == 1 and len(result.stdout.strip().splitlines()) == 1, output
            else:
                assert result.returncode == 0, f"{command}:\n{output[-3000:]}"
    print("\n".join(times))  # pytest -s shows how long a learner waits at each step
    return clone, ran


def test_the_readmes_start_here_steps_work_as_written_from_a_clean_clone(learner_clone):
    clone, ran = learner_clone
    assert (clone / "micrograd-out" / "neuron.html").is_file()  # what step 2 opens
    assert (clone / "micrograd_exercises.py").is_file()
    assert "make notebooks" in ran and "make notebooks-pt" in ran and "make docs" in ran


# --- the site the learner built


@pytest.fixture(scope="module")
def site(learner_clone):
    """The site that `make docs` built in the learner's clone (scripts/build_docs.py: -W, any warning fails it)."""
    return learner_clone[0] / "site"


@pytest.fixture(scope="module")
def server(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    # Every host but the site's is unresolvable, and https and websockets are blocked: nothing leaves the machine.
    driver = start_chromium(
        tmp_path_factory.mktemp("chromium"), extra_flags=["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
    )
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["https://*", "ws://*", "wss://*"]})
    yield driver
    driver.quit()


READ_PAGE = """
return {
  lang: document.documentElement.lang,
  links: Array.from(document.querySelectorAll("a[href]"), (a) => a.href),
  frames: Array.from(document.querySelectorAll("iframe[src], img[src]"), (e) => e.src),
  ids: Array.from(document.querySelectorAll("[id]"), (e) => e.id),
  switch: (document.querySelector("a.language-switch-link") || {}).href || null,
  maths: document.querySelectorAll("mjx-container").length,
  mathSources: document.querySelectorAll(".math").length,
};
"""


@pytest.fixture(scope="module")
def visited(site, server, browser):
    """Every built page opened in Chromium: {path: what READ_PAGE found}, and the problems seen on the way."""
    found, problems = {}, []
    html_pages = sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))
    browser.get_log("browser"), browser.get_log("performance")  # start clean
    for page in html_pages:
        try:
            browser.get(f"{server}/{page}")
        except WebDriverException as error:  # e.g. "tab crashed": say on which page
            pytest.fail(f"{page}: {error.msg}")
        if "mjx-" in browser.page_source or 'class="math' in browser.page_source:
            browser.execute_async_script(
                "const done = arguments[0]; (window.MathJax && MathJax.startup ? MathJax.startup.promise : "
                "Promise.resolve()).then(done, done);"
            )
        found[page] = browser.execute_script(READ_PAGE)
        for entry in browser.get_log("browser"):
            if entry["level"] in ("SEVERE", "ERROR"):
                problems.append(f"{page}: console: {entry['message']}")
        for entry in browser.get_log("performance"):
            url = re.search(r'"Network\.requestWillBeSent".*?"url":"([^"]+)"', entry["message"])
            if url and not url.group(1).startswith((server, "data:", "blob:", "about:")):
                problems.append(f"{page}: requested {url.group(1)}")
    return found, problems


def test_the_site_has_both_languages_and_a_chooser(site):
    assert {path.name for path in site.iterdir()} >= {"index.html", "en", "pt-BR"}
    chooser = (site / "index.html").read_text()
    assert 'href="en/index.html"' in chooser and 'href="pt-BR/index.html"' in chooser
    for language in LANGUAGES:  # every numbered notebook is a page of Learn, in each language
        folder = site.parent / "notebooks" / ("pt-BR" if language == "pt-BR" else "")  # the clone's
        numbered = sorted(path.stem for path in folder.glob("[0-9][0-9]-*.ipynb"))
        built = sorted(path.stem for path in (site / language / "learn" / "notebooks").glob("*.html"))
        assert numbered and built == numbered


def test_every_page_opens_without_a_console_error_or_a_request_outside_the_site(visited):
    found, problems = visited
    assert len(found) > 40
    assert problems == []


def test_every_internal_link_and_anchor_lands(visited, server, site):
    found, _ = visited
    broken = []
    for page, seen in found.items():
        for link in seen["links"] + seen["frames"]:
            url, fragment = urldefrag(link)
            if not url.startswith(server):
                continue  # an outside link is allowed, never fetched (see the test above)
            path = unquote(urlsplit(url).path).lstrip("/") or "index.html"
            if path.endswith("/"):
                path += "index.html"
            if not (site / path).is_file():
                broken.append(f"{page}: {link}")
            elif fragment and path in found and unquote(fragment) not in found[path]["ids"]:
                broken.append(f"{page}: {link} (no such anchor)")
    assert broken == []


def test_the_language_switch_of_every_page_lands_on_its_twin(visited, server):
    found, _ = visited
    twins = {"en": "pt-BR", "pt-BR": "en"}
    checked = 0
    for page, seen in found.items():
        language = page.split("/")[0]
        if language not in twins or "/_static/" in page:
            continue
        twin = f"{twins[language]}/{page.split('/', 1)[1]}"
        assert seen["switch"] == f"{server}/{twin}", page
        assert found[twin]["lang"] == twins[language], twin
        checked += 1
    assert checked > 40


def test_the_maths_of_the_notebooks_is_typeset_offline(visited):
    found, _ = visited
    with_maths = [page for page, seen in found.items() if seen["mathSources"]]
    assert with_maths, "some notebook writes maths"
    assert [page for page in with_maths if found[page]["maths"] < found[page]["mathSources"]] == []


def test_the_learn_page_embeds_the_demos_page_in_its_language(visited, browser, server):
    for language, position in (("en", "step 1 of 15"), ("pt-BR", "passo 1 de 15")):
        browser.get(f"{server}/{language}/learn/index.html")
        frame = browser.find_element("css selector", "iframe.interactive-page")
        browser.execute_script("arguments[0].scrollIntoView()", frame)
        browser.switch_to.frame(frame)
        try:
            assert browser.execute_script("return document.documentElement.lang") == language
            browser.find_element("id", "step").click()  # the page steps: it works, it is not a picture
            assert browser.find_element("id", "position").text == position
        finally:
            browser.switch_to.default_content()


def wait_until(driver, script, seconds, *args):
    """Poll `script` until it returns something true (a bound against a hang, not a timing)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := driver.execute_script(script, *args):
            return result
        time.sleep(0.2)
    raise AssertionError(f"still false after {seconds} s: {script}")


def run_cell(browser, button):
    """Press a cell's Run and wait: [the text it shows, its picture's boxes, whether a page shows, whether in error]."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button)
    button.click()
    wait_until(browser, "return arguments[0].textContent !== arguments[0].dataset.busy", 120, button)
    return browser.execute_script(
        """const result = arguments[0].nextElementSibling;
        return [[...result.querySelectorAll("pre.mg-output")].map((pre) => pre.textContent).join(""),
                result.querySelectorAll(".mg-picture svg g.node").length, !!result.querySelector("iframe.mg-page"),
                !!result.querySelector(".mg-error")];""",
        button,
    )


def test_the_first_notebooks_cells_run_in_the_page_as_in_jupyter(browser, server):
    """Run in order, every cell prints what the notebook saved from Jupyter and shows its picture or its page."""
    notebook = json.loads((ROOT / "notebooks" / "01-main.ipynb").read_text(encoding="utf-8"))
    cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    browser.get(f"{server}/en/learn/notebooks/01-main.html")
    buttons = browser.find_elements("css selector", "div.cell button.mg-run")
    assert len(buttons) == len(cells)
    assert browser.find_element("css selector", ".mg-runnable-note").text.startswith("The cells of this notebook run")
    browser.execute_script("arguments[0].forEach((b) => (b.dataset.busy = 'Running…'))", buttons)
    for cell, button in zip(cells, buttons):
        saved = "".join("".join(out["text"]) for out in cell["outputs"] if out["output_type"] == "stream")
        kinds = {kind for out in cell["outputs"] for kind in out.get("data", {})}
        printed, boxes, page, error = run_cell(browser, button)
        assert (printed, error) == (saved, False), "".join(cell["source"])
        assert (boxes > 0, page) == ("image/svg+xml" in kinds, "text/html" in kinds)
    frame = browser.find_element("css selector", "iframe.mg-page")  # show(o, ...): the step-through page
    browser.switch_to.frame(frame)
    try:
        names = wait_until(browser, "return typeof GRAPH === 'object' && GRAPH.values.map((v) => v.name)", 30)
        assert {"x1", "w1", "b", "o"} <= set(names) and browser.find_element("id", "step").text
    finally:
        browser.switch_to.default_content()

    # In Portuguese: an edited cell runs its edit; a cell run before the cells it needs gives Python's one line, then
    # says to run the cells above first.
    browser.get(f"{server}/pt-BR/learn/notebooks/01-main.html")
    editors = browser.find_elements("css selector", "div.cell textarea.mg-code")
    buttons = browser.find_elements("css selector", "div.cell button.mg-run")
    browser.execute_script("arguments[0].forEach((b) => (b.dataset.busy = 'Executando…'))", buttons)
    edited = editors[0].get_attribute("value").replace("x = 3.0", "x = 2.0")
    browser.execute_script("arguments[0].value = arguments[1]", editors[0], edited)
    in_python = subprocess.run([sys.executable, "-c", edited], capture_output=True, text=True, check=True).stdout
    assert run_cell(browser, buttons[0])[0] == in_python and "= 9.0" in in_python
    assert run_cell(browser, buttons[3])[::3] == ["NameError: name 'd' is not defined", True]  # d.backward()
    hint = browser.execute_script(
        "return arguments[0].nextElementSibling.querySelector('.mg-hint').textContent", buttons[3]
    )
    assert "Rode antes as células acima desta" in hint


RUNNABLE_BLOCKS = '<meta name="mg-runnable" content="blocks">'
IN_ONE_NAMESPACE = """
import contextlib, io, json, sys
namespace, printed = {"__name__": "__main__"}, []
for block in json.load(sys.stdin):
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(block, "<page>", "exec"), namespace)
    except Exception as error:
        out.write(f"{type(error).__name__}: {error}")
    printed.append(out.getvalue())
print(json.dumps(printed))
"""


def test_the_guides_runnable_examples_print_in_the_page_what_they_print_in_cpython(browser, server, site, tmp_path):
    """Every example of the pages the site marks runnable (docs/conf.py's RUNNABLE_PAGES), run from the top in the
    page, prints what it prints in CPython."""
    marked = [path for path in sorted((site / "en").rglob("*.html")) if RUNNABLE_BLOCKS in path.read_text()]
    assert len(marked) >= 5
    for path in marked:
        page = path.relative_to(site / "en").with_suffix("").as_posix()
        blocks = [code for language, code in code_blocks(DOCS / "en" / f"{page}.md") if language == "python"]
        blocks = [code for code in blocks if not EXCERPT.match(code)]
        command = [sys.executable, "-c", IN_ONE_NAMESPACE]
        expected = subprocess.run(command, input=json.dumps(blocks), capture_output=True, text=True, cwd=tmp_path)
        browser.get(f"{server}/en/{page}.html")
        buttons = browser.find_elements("css selector", "div.highlight-python button.mg-run")
        assert len(buttons) == len(blocks), page
        browser.execute_script("arguments[0].forEach((b) => (b.dataset.busy = 'Running…'))", buttons)
        printed = [run_cell(browser, button)[0] for button in buttons]
        assert printed == json.loads(expected.stdout), page
