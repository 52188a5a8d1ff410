#!/usr/bin/env bash
# Creates or refreshes .venv and installs micrograd with the extras named in $1 (e.g. "test" or "viz,test").
# Also makes sure Graphviz's `dot` exists: installs it with apt when we are root, otherwise prints the command.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python="${PYTHON:-python3}"

have_apt_as_root() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

# Python 3.10 (Ubuntu 22.04's) to 3.14 are supported and tested (`make test-pythons`); 3.9 is past its end of life.
version="$("$python" -c 'import sys; print("Python %d.%d" % sys.version_info[:2])' 2>/dev/null || echo "not a Python that runs here")"
if [[ ! "$version" =~ ^Python\ 3\.[1-9][0-9]$ ]]; then
    echo "micrograd needs Python 3.10 or newer; '$python' is $version (set PYTHON=... to choose another)." >&2
    exit 1
fi

if [ ! -x .venv/bin/python ]; then
    if ! "$python" -m venv .venv 2>/dev/null; then
        rm -rf .venv
        if have_apt_as_root; then
            apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
            "$python" -m venv .venv
        else
            echo "Python's venv module is missing. Install it with:  sudo apt-get install python3-venv" >&2
            exit 1
        fi
    fi
fi

.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras:+[$extras]}"

if ! command -v dot >/dev/null; then
    if have_apt_as_root; then
        echo "Installing Graphviz (dot) for the graph pictures..."
        apt-get update -qq && apt-get install -y -qq graphviz >/dev/null
    else
        echo "Graphviz's 'dot' program is missing; graph pictures need it. Install it with:  sudo apt-get install graphviz" >&2
    fi
fi

# Debian's Chromium and its chromedriver, for the graph page's browser tests (no browser is ever downloaded).
if [[ ",$extras," == *",test,"* ]] && ! { command -v chromium >/dev/null && command -v chromedriver >/dev/null; }; then
    if have_apt_as_root; then
        echo "Installing Chromium and chromedriver for the browser tests..."
        apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null
    else
        echo "Chromium and chromedriver are missing; the browser tests need them. Install them with:  sudo apt-get install chromium chromium-driver" >&2
    fi
fi

# The browser pages' npm packages (Pyodide, Graphviz in WebAssembly, the editor), pinned by web/package-lock.json.
if [[ ",$extras," == *",test,"* ]] && [ ! -d web/node_modules ]; then
    if ! command -v npm >/dev/null && have_apt_as_root; then
        echo "Installing npm for the browser pages..."
        apt-get update -qq && apt-get install -y -qq npm >/dev/null
    fi
    if command -v npm >/dev/null; then
        (cd web && npm ci --no-audit --no-fund --silent)
    else
        echo "npm is missing; the browser pages' tests need it. Install it with:  sudo apt-get install npm" >&2
    fi
fi
# Graphviz in WebAssembly beside the graph page's assets, so that to_html works where `dot` is missing (not committed).
if [ -f web/node_modules/@viz-js/viz/dist/viz-global.js ]; then
    cp web/node_modules/@viz-js/viz/dist/viz-global.js micrograd/viz/page_assets/viz-global.js
fi
