"""docs/dev/api.md lists exactly the app's routes, as tools/gen_api_docs.py renders them."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_api_docs", ROOT / "tools" / "gen_api_docs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_doc_matches_the_routes() -> None:
    committed = (ROOT / "docs" / "dev" / "api.md").read_text(encoding="utf-8")
    assert committed == generator().render(), "run: python tools/gen_api_docs.py"


def test_every_route_says_what_it_does() -> None:
    for line in generator().render().splitlines():
        if line.startswith("| GET") or line.startswith("| POST") or line.startswith("| PUT"):
            assert not line.rstrip().endswith("|  |"), line
