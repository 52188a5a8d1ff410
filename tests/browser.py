"""Headless Chromium for the graph page's tests and for docs/page.png: Debian's `chromium` and `chromedriver`, never a
browser or driver downloaded by selenium-manager."""

import shutil

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

# A headless Chromium that talks to nothing but the page it is given.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCALHOST_ONLY_FLAGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


def start_chromium(profile_dir, window_size=(1300, 900), extra_flags=(), localhost_only=False):
    """A selenium driver of the system's Chromium with a fresh profile in `profile_dir`.

    Its console and network are logged (`get_log("browser")`, `get_log("performance")`), and every http(s) and
    websocket URL is blocked, so a page that reached for the network would both fail and be seen trying. With
    `localhost_only`, pages served from 127.0.0.1 load, and every other host name fails to resolve instead.
    `extra_flags` are more of Chromium's command-line flags.
    """
    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and chromedriver):
        pytest.fail(
            "the browser tests need Debian's chromium and chromedriver: run `bash scripts/setup.sh test` as root, "
            "or `sudo apt-get install chromium chromium-driver`"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    flags = [*CHROMIUM_FLAGS, *(LOCALHOST_ONLY_FLAGS if localhost_only else [])]
    for flag in [
        *flags,
        f"--window-size={window_size[0]},{window_size[1]}",
        f"--user-data-dir={profile_dir}",
        *extra_flags,
    ]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)  # the system driver: no selenium-manager
    driver.execute_cdp_cmd("Network.enable", {})
    if not localhost_only:
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["http://*", "https://*", "ws://*", "wss://*"]})
    return driver
