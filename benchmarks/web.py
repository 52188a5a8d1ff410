"""The browser pages' numbers for the docs page In the browser (docs/*/guide/browser.md): site size, time to Python
ready, playground training speed, time to the first boundary frame; on this machine, then on a slow one (a slow school
laptop): Chromium confined to a quarter of one core by a cgroup CPU quota, its page and its Web Worker alike.
(Chromium's own CPU throttling would not do: DevTools applies it to pages only, and the playground trains in a worker.)

    .venv/bin/python benchmarks/web.py          # builds the site into a temporary folder, serves it on 127.0.0.1

The slow run needs root and the cgroup (v1) cpu controller at /sys/fs/cgroup/cpu; without them it says so and skips.
"""

import functools
import http.server
import os
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


def measure(driver, url):
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


SLOW_CPU = Path("/sys/fs/cgroup/cpu/micrograd-benchmark-slow")
QUARTER_OF_A_CORE = {"cpu.cfs_period_us": "100000", "cpu.cfs_quota_us": "25000"}  # 25 ms of CPU per 100 ms


def measure_in_chromium(url, profile):
    driver = start_chromium(profile, localhost_only=True)
    driver.set_script_timeout(300)
    try:
        for name, number in measure(driver, url).items():
            print(f"  {name}: {number:.2f}", flush=True)
    finally:
        driver.quit()


def measure_slowly(url, profile):
    """In a process of its own: join the slow cgroup (Chromium, started after, inherits it), then measure."""
    try:
        SLOW_CPU.mkdir(exist_ok=True)
        for name, value in QUARTER_OF_A_CORE.items():
            (SLOW_CPU / name).write_text(value)
        (SLOW_CPU / "cgroup.procs").write_text(str(os.getpid()))
    except OSError as error:
        print(f"  skipped: the slow run needs root and the cgroup cpu controller ({error.strerror}: {error.filename})")
        return
    measure_in_chromium(url, profile)


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
        url = f"http://127.0.0.1:{server.server_address[1]}/playground.html?{DEMO}"
        try:
            print("this machine:", flush=True)
            measure_in_chromium(url, Path(tmp) / "chromium")
            print("a quarter of one core (a slow laptop):", flush=True)
            slow = [sys.executable, __file__, "--slow", url, str(Path(tmp) / "chromium-slow")]
            subprocess.run(slow, check=True)  # the server stays in this process, at full speed
        finally:
            server.shutdown()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--slow"]:
        measure_slowly(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
