#!/usr/bin/env bash
# Install jiandu into .venv and run the demo on the embedded default (DuckDB + SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh .
export JIANDU_HOME=${JIANDU_HOME:-$PWD/.jiandu}
.venv/bin/jiandu demo "$@"
