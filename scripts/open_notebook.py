"""Opens a notebook in JupyterLab (`make notebooks`, `make notebooks-pt`), or checks headlessly that it would open.

    .venv/bin/python scripts/open_notebook.py notebooks/01-main.ipynb

With NOTEBOOKS_HEADLESS=1 in the environment no browser opens: JupyterLab is started with --no-browser on a free local
port, and the script checks that it serves the notebook and that the notebook's kernel runs micrograd, then stops
the server and says so in one line (the tests run it that way; so can a teacher preparing a classroom's machines).
"""

import importlib.util
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# JupyterLab stays offline: no extension manager that asks a package index, no update check, no news feed
OFFLINE = ["--LabApp.extension_manager=readonly", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
OFFLINE += ["--LabApp.news_url=None"]
KERNEL_CHECK = "import micrograd; print('micrograd', micrograd.__version__)"  # the notebook's kernel finds micrograd
WAIT_SECONDS = 90  # a first start on a cold machine builds JupyterLab's caches


def jupyterlab():
    """The command that starts JupyterLab on this repository (as root too: CI's containers and some classrooms')."""
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={ROOT}", *OFFLINE, *as_root]


def run_in_kernel(channels_url, token, code):
    """What `code` prints when the kernel behind `channels_url` (JupyterLab's websocket for it) runs it."""
    import websocket  # websocket-client, which JupyterLab's server needs itself

    connection = websocket.create_connection(channels_url.replace("http", "ws", 1) + f"?token={token}", timeout=60)
    try:
        message_id = uuid.uuid4().hex
        header = {"msg_id": message_id, "msg_type": "execute_request", "session": uuid.uuid4().hex, "version": "5.3"}
        content = {"code": code, "silent": False, "store_history": False, "user_expressions": {}, "allow_stdin": False}
        request = {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell"}
        connection.send(json.dumps(request))
        printed = ""
        while True:
            reply = json.loads(connection.recv())
            if reply["parent_header"].get("msg_id") != message_id:
                continue
            if reply["msg_type"] == "stream":
                printed += reply["content"]["text"]
            elif reply["msg_type"] == "error":
                return f"{reply['content']['ename']}: {reply['content']['evalue']}"
            elif reply["msg_type"] == "status" and reply["content"]["execution_state"] == "idle":
                return printed
    finally:
        connection.close()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def until(condition, what):
    """Poll `condition()` until it returns something true, and return that; SystemExit naming `what` on timeout."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.5)
    sys.exit(f"open_notebook: {what} within {WAIT_SECONDS} s")


def check_headlessly(notebook):
    """Start JupyterLab without a browser; check that it serves `notebook` and that its kernel runs micrograd;
    stop it."""
    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"

    def request(method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}
        with urllib.request.urlopen(urllib.request.Request(base + path, data, headers, method=method)) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if path.startswith("/api/") and text else text

    def answers(path):
        try:
            return request("GET", path)
        except (urllib.error.URLError, ConnectionError):  # not listening yet
            return None

    command = [*jupyterlab(), "--no-browser", f"--port={port}", "--ip=127.0.0.1", f"--IdentityProvider.token={token}"]
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            until(lambda: answers(f"/api/contents/{notebook}?content=0"), f"JupyterLab did not serve {notebook}")
            status, page = request("GET", f"/lab/tree/{notebook}")
            if status != 200 or "jupyter" not in page.lower():
                sys.exit(f"open_notebook: JupyterLab's page for {notebook} did not load (HTTP {status})")
            session_body = {"path": notebook, "type": "notebook", "kernel": {"name": "python3"}}
            _, session = request("POST", "/api/sessions", session_body)
            import micrograd  # the version the kernel must find: this repository's

            printed = run_in_kernel(f"{base}/api/kernels/{session['kernel']['id']}/channels", token, KERNEL_CHECK)
            if printed != f"micrograd {micrograd.__version__}\n":
                sys.exit(f"open_notebook: the notebook's kernel printed {printed!r}, not micrograd's version")
            request("DELETE", f"/api/sessions/{session['id']}")
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"JupyterLab served {notebook} and its kernel ran micrograd; server stopped (NOTEBOOKS_HEADLESS=1)")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: open_notebook.py notebooks/NAME.ipynb")
    if not (ROOT / sys.argv[1]).is_file():
        sys.exit(f"open_notebook: there is no notebook {sys.argv[1]} in {ROOT}")
    if importlib.util.find_spec("jupyterlab") is None:
        sys.exit("open_notebook: JupyterLab is not installed in this Python; `make notebooks` installs it")
    notebook = Path(sys.argv[1]).as_posix()
    if os.environ.get("NOTEBOOKS_HEADLESS") == "1":
        check_headlessly(notebook)
    else:
        os.execv(sys.executable, [*jupyterlab(), notebook])


if __name__ == "__main__":
    main()
