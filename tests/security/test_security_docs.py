"""docs/user/security.md's role table is exactly what tools/gen_security_docs.py renders."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "user" / "security.md"


def generator() -> ModuleType:
    path = ROOT / "tools" / "gen_security_docs.py"
    spec = importlib.util.spec_from_file_location("gen_security_docs", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_doc_matches_generator() -> None:
    committed = DOC.read_text(encoding="utf-8")
    assert committed == generator().render(committed), "run: python tools/gen_security_docs.py"
