"""Render `jiandu demo` as an SVG terminal screenshot for docs/user/demo.md (docs/img/demo.svg).

JIANDU_HOME=$(mktemp -d) .venv/bin/python tools/screenshot_demo.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console

import jiandu.cli.app as cli

OUT = Path(__file__).resolve().parents[1] / "docs" / "img" / "demo.svg"


def main() -> int:
    console = Console(record=True, width=118, force_terminal=True, color_system="truecolor")
    cli.console = console
    code = cli.main(["demo", "--no-serve"])
    console.save_svg(str(OUT), title="jiandu demo")
    print(f"wrote {OUT}")
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main())
