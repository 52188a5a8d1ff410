"""Takes docs/page.png, the README's picture of the graph page: the tests' headless Chromium (tests/browser.py),
halfway through the backward pass of (a*b + c).tanh(), with the pointer on a*b.

    .venv/bin/python scripts/screenshot_page.py
"""

import sys
import tempfile
from pathlib import Path

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from micrograd import Value
from micrograd.viz import to_html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import start_chromium  # noqa: E402 -- tests/ is not a package


def main():
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    out = (a * b + c).tanh()
    out.label = "out"
    out.backward()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.html"
        to_html(out, path)
        driver = start_chromium(Path(folder) / "profile", window_size=(1100, 760))
        try:
            driver.get(path.as_uri())
            for _ in range(8):  # 3 forward steps, the seed, 4 edges: the last one is a.grad += local × grad
                driver.find_element(By.ID, "step").click()
            a_times_b = driver.find_element(By.CSS_SELECTOR, '#graph g.node[aria-label="a * b"]')
            ActionChains(driver).move_to_element(a_times_b).perform()
            driver.save_screenshot(str(ROOT / "docs" / "page.png"))
        finally:
            driver.quit()
    print("wrote docs/page.png")


if __name__ == "__main__":
    main()
