#!/usr/bin/env bash
# Install jiandu with its development tools into .venv, then lint, type-check and test.
# This is the README's test command; CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh -e ".[dev]"
bash scripts/browser.sh

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
# Slow suites (bench-sized files) are excluded here; run them with `-m slow`. The browser
# tests (tests/ui) run here too; their screenshots land in tests/ui/artifacts/.
.venv/bin/pytest -n 2 -m "not slow" "$@"
