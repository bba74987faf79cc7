"""docs/user/demo.md lists exactly what tools/gen_demo_docs.py renders from the planters."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from jiandu.demo.planters import MODEL_IDS

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "user" / "demo.md"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_demo_docs", ROOT / "tools" / "gen_demo_docs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_doc_matches_generator() -> None:
    committed = DOC.read_text(encoding="utf-8")
    assert committed == generator().render(committed), "run: python tools/gen_demo_docs.py"


def test_doc_names_every_model() -> None:
    text = DOC.read_text(encoding="utf-8")
    for model_id in MODEL_IDS:
        assert f"`{model_id}`" in text
