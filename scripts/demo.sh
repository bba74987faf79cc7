#!/usr/bin/env bash
# Install jiandu into .venv and run the demo on the embedded default (DuckDB + SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet .
export JIANDU_HOME=${JIANDU_HOME:-$PWD/.jiandu}
.venv/bin/jiandu demo "$@"
