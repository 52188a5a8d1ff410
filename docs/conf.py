"""Sphinx settings for the documentation site, shared by both languages (scripts/build_docs.py builds each one).

docs/en and docs/pt-BR hold twin pages with the same file names; `-D language=pt_BR` picks the Portuguese words.
Nothing here reaches the network: the theme uses system fonts and MathJax is served from the site itself.
"""

import importlib.util
import shutil
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

project = "micrograd"
author = "micrograd's authors"
language = "en"

extensions = ["myst_nb", "sphinx.ext.autodoc"]
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3  # `page.md#a-heading` links, as on GitHub
nb_execution_mode = "off"  # the notebooks are shown with the outputs they were saved with
nb_merge_streams = True
exclude_patterns = ["learn/notebooks/.ipynb_checkpoints"]
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # the signatures show defaults; the docstrings say the types

html_theme = "furo"
html_title = "micrograd"
html_static_path = [str(DOCS / "_static")]
html_css_files = ["site.css"]
html_favicon = str(DOCS / "_static" / "favicon.svg")
templates_path = [str(DOCS / "_templates")]
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "language-switch.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "sidebar/scroll-end.html",
    ]
}
html_show_sourcelink = False
html_copy_source = False

# MathJax from the sphinx-mathjax-offline package (pinned in the `docs` extra): one self-contained file, SVG output,
# so no font is fetched either.
_mathjax = Path(importlib.util.find_spec("sphinx-mathjax-offline").origin).parent / "static" / "mathjax" / "tex-svg.js"
html_static_path.append(str(_mathjax))
mathjax_path = "tex-svg.js"


def copy_notebooks(app):
    """Bring the numbered notebooks of the page's language into learn/notebooks/, which the Learn page lists."""
    folder = ROOT / "notebooks" / ("pt-BR" if app.config.language == "pt_BR" else "")
    target = Path(app.srcdir) / "learn" / "notebooks"
    target.mkdir(exist_ok=True)
    wanted = {path.name: path for path in sorted(folder.glob("[0-9][0-9]-*.ipynb"))}
    for stale in set(path.name for path in target.glob("*.ipynb")) - set(wanted):
        (target / stale).unlink()
    for name, source in wanted.items():
        copy = target / name
        if not copy.exists() or copy.read_bytes() != source.read_bytes():
            shutil.copyfile(source, copy)


def write_demo_page(app, exception):
    """The demo's page, the lecture's neuron as `make demo` writes it, in the site's language: _static/demo/."""
    if exception is None:
        from micrograd.cli.train import lecture_neuron
        from micrograd.viz import to_html

        output, parameters = lecture_neuron()
        page = Path(app.outdir) / "_static" / "demo" / "neuron.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        to_html(output, page, parameters=parameters, language="pt-BR" if app.config.language == "pt_BR" else "en")


# Pages whose code runs in the browser's Python: a notebook's cells, or a page's python blocks. Pyodide's core has no
# numpy and no PyTorch, which the other notebooks use; the other Guide pages write pictures or run commands.
RUNNABLE_PAGES = {
    "learn/notebooks/01-main": "cells",
    **dict.fromkeys(
        ["guide/engine", "guide/nn", "guide/training", "guide/gradients", "guide/compile", "guide/files"], "blocks"
    ),
}


def mark_runnable_pages(app, pagename, templatename, context, doctree):
    """runnable.js makes the code of a page that carries this tag runnable (play/runnable.js, when it was built)."""
    if pagename in RUNNABLE_PAGES and "play" in app.tags:
        context["metatags"] = (
            context.get("metatags", "") + f'\n<meta name="mg-runnable" content="{RUNNABLE_PAGES[pagename]}">'
        )


def use_the_browser_runtime(app):
    """Where scripts/build_web.py wrote the playground beside this language's folder (site/play/), every page gets its
    runnable.js (code blocks in a `mg-runnable` div become editable and runnable), and the `{only} play` links show."""
    if (Path(app.outdir).parent / "play" / "runnable.js").is_file():
        app.tags.add("play")
        app.add_js_file("../../play/runnable.js")  # from _static/, as Sphinx resolves it on every page


def setup(app):
    app.connect("builder-inited", copy_notebooks)
    app.connect("builder-inited", use_the_browser_runtime)
    app.connect("build-finished", write_demo_page)
    app.connect("html-page-context", mark_runnable_pages)
