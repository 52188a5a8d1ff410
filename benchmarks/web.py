"""The browser pages' numbers for the docs page In the browser (docs/*/guide/browser.md): site size, time to Python
ready, playground training speed, time to the first boundary frame; normal and with Chromium's CPU throttling ×4 (a
slow school laptop).

    .venv/bin/python benchmarks/web.py          # builds the site into a temporary folder, serves it on 127.0.0.1
"""

import functools
import http.server
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import start_chromium  # noqa: E402 -- the tests' headless Chromium, localhost only

DEMO = "dataset=moons&hidden=16%2C16&activation=relu&loss=hinge&optimizer=sgd&lr=0.1&batch=0"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def megabytes(path):
    files = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()]
    return sum(f.stat().st_size for f in files) / 1e6


def measure(driver, url, throttling):
    driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": throttling})
    driver.get(url)
    ready = driver.execute_async_script(
        "const done = arguments[0]; micrograd.ready.then(() => done(performance.now()))"
    )
    driver.execute_async_script("playground.loaded.then(arguments[0])")
    first_frame = driver.execute_script("return playground.firstFrameMs")
    # Training alone: 200 compiled steps of MLP(2, [16, 16, 1]) on the 100 moons, no pictures (after the first step,
    # which traces and compiles the step's graph).
    seconds = driver.execute_async_script(
        """const done = arguments[0];
        micrograd.call("web_playground", "train", 1, false).then(() => {
          const started = performance.now();
          const seconds = () => done((performance.now() - started) / 1000);
          return micrograd.call("web_playground", "train", 200, false).then(seconds);
        });"""
    )
    # The page's own loop, with its four frames a second.
    driver.find_element("id", "train").click()
    start_step, started = driver.execute_script("return playground.step"), time.monotonic()
    time.sleep(5)
    loop_rate = (driver.execute_script("return playground.step") - start_step) / (time.monotonic() - started)
    driver.find_element("id", "pause").click()
    return {
        "Python ready (s)": ready / 1000,
        "first boundary frame (s)": first_frame / 1000,
        "training steps/s": 200 / seconds,
        "steps/s while drawing": loop_rate,
    }


def main():
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "play"
        subprocess.run([sys.executable, str(ROOT / "scripts" / "build_web.py"), str(out)], check=True)
        print(f"site: {megabytes(out):.1f} MB in all")
        for name in ["pyodide", "vendor", *sorted(p.name for p in out.iterdir() if p.is_file())]:
            print(f"  {name}: {megabytes(out / name) * 1000:.0f} kB")
        handler = functools.partial(QuietHandler, directory=str(out))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        driver = start_chromium(Path(tmp) / "chromium", localhost_only=True)
        driver.set_script_timeout(300)
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/playground.html?{DEMO}"
            for throttling in (1, 4):
                print(f"CPU throttling ×{throttling}:")
                for name, number in measure(driver, url, throttling).items():
                    print(f"  {name}: {number:.2f}")
        finally:
            driver.quit()
            server.shutdown()


if __name__ == "__main__":
    main()
