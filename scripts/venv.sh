# Sourced by demo.sh and test.sh: create .venv if needed and install jiandu into it.
# Usage: . scripts/venv.sh PIP_INSTALL_ARGS...  (e.g. "." or -e ".[dev]")
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet "$@"
# The web UI's browser libraries (ECharts, Cytoscape, Preact+htm), served by jiandu itself.
bash scripts/vendor.sh
