"""Builds the documentation site (`make docs`): docs/en and docs/pt-BR into site/en and site/pt-BR, and site/index.html.

    .venv/bin/python scripts/build_docs.py [OUT]      # OUT defaults to site/

The browser pages (scripts/build_web.py: the playground, the exercises in the page, runnable code blocks) are built
first into site/play, so that every page can link to them and run its examples. Warnings are errors, so a broken
link, a missing page or a docstring Sphinx cannot read stops the build; every build is a fresh one (-E), so a notebook
renamed or the playground built since the last one is always seen.
"""

import shutil
import sys
from pathlib import Path

from sphinx.cmd.build import build_main

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import build_web  # noqa: E402 -- a script beside this one, not a package

LANGUAGES = {"en": "en", "pt-BR": "pt_BR"}  # the folder, and Sphinx's name for its language

CHOOSER = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>micrograd</title>
<link rel="icon" href="en/_static/favicon.svg">
<style>
body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5; }
a { display: block; font-size: 1.4rem; margin: 1rem 0; }</style>
</head>
<body>
<h1>micrograd</h1>
<p>A small, readable autograd engine for learning backpropagation.</p>
<a href="en/index.html" hreflang="en" lang="en">English documentation</a>
<a href="pt-BR/index.html" hreflang="pt-BR" lang="pt-BR">Documentação em português</a>
</body>
</html>
"""


def build(out):
    """Both languages into `out`; the first failing build's exit status, or 0."""
    out = Path(out).resolve()
    build_web.build(out / "play")
    for folder, language in LANGUAGES.items():
        arguments = ["-W", "-E", "-q", "-b", "html", "-c", str(ROOT / "docs"), "-D", f"language={language}"]
        arguments += ["-d", str(ROOT / "build" / "doctrees" / folder), str(ROOT / "docs" / folder), str(out / folder)]
        status = build_main(arguments)
        if status:
            return status
    (out / "index.html").write_text(CHOOSER)
    # what a browser asks the server's root for, on a page without an icon of its own (the demo's page)
    shutil.copyfile(ROOT / "docs" / "_static" / "favicon.svg", out / "favicon.ico")
    print(f"The site is in {out}: open {out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(build(sys.argv[1] if len(sys.argv) > 1 else ROOT / "site"))
