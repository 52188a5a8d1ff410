"""The READMEs are landing pages: their commands are the ones we run (tests/test_docs.py runs the learner's path), and
the usage example that moved to the docs' engine page is the code we ship and prints what the page says."""

import re
import subprocess
import sys
from pathlib import Path

from conftest import docs_page

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
USAGE = ROOT / "examples" / "usage.py"


def test_usage_example_in_the_docs_is_the_one_we_ship():
    code = USAGE.read_text().split('"""', 2)[2].strip()
    assert code in docs_page("guide/engine.md")


def test_usage_example_prints_exactly_the_docs_output():
    result = subprocess.run([sys.executable, str(USAGE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Output: 5.6111", "Gradient (dg/da): 9.0370", "Gradient (dg/db): 49.7037"]
    assert "\n".join(result.stdout.splitlines()) in docs_page("guide/engine.md")


def test_the_original_micrograds_longer_example_gives_its_known_results():
    from micrograd.engine import Value

    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert (round(g.data, 4), round(a.grad, 4), round(b.grad, 4)) == (24.7041, 138.8338, 645.5773)


def test_readme_test_command_is_the_one_ci_runs():
    assert re.search(r"^make test$", README, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_docs_page_a_readme_links_to_exists():
    for readme in ("README.md", "README.pt-BR.md"):
        links = re.findall(r"\]\((docs/[^)#]+)\)", (ROOT / readme).read_text())
        assert len(links) >= 15, readme
        assert [link for link in links if not (ROOT / link).is_file()] == [], readme
