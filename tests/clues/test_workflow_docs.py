"""docs/user/clues-and-cases.md carries exactly the tables tools/gen_workflow_docs.py
renders from the clue state machine and the case types."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from jiandu.cases.types import CASE_TYPES
from jiandu.clues.workflow import TRANSITIONS

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "user" / "clues-and-cases.md"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_workflow_docs", ROOT / "tools" / "gen_workflow_docs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_doc_matches_generator() -> None:
    committed = DOC.read_text(encoding="utf-8")
    assert committed == generator().render(committed), "run: python tools/gen_workflow_docs.py"


def test_every_transition_and_case_type_is_in_both_languages() -> None:
    gen = generator()
    zh, en = gen.render_block("workflow-zh"), gen.render_block("workflow-en")
    rows_zh = [line for line in zh.splitlines() if line.startswith("| ") and "`" in line]
    rows_en = [line for line in en.splitlines() if line.startswith("| `")]
    assert len(rows_zh) == len(rows_en) == len(TRANSITIONS)
    for (status, action), (target, _guards) in TRANSITIONS.items():
        assert f"| `{status}` | `{action}` | `{target}` |" in en
        assert any(
            f"`{status}`" in r and f"`{action}`" in r and f"`{target}`" in r for r in rows_zh
        )
    types_zh, types_en = gen.render_block("case-types-zh"), gen.render_block("case-types-en")
    for kind in CASE_TYPES.values():
        assert f"| `{kind.id}` | {kind.label_zh} |" in types_zh
        assert f"| `{kind.id}` | {kind.label_en} |" in types_en
        assert kind.reply_period.label_zh in types_zh
        if kind.reply_period.basis:
            assert kind.reply_period.basis in types_zh and kind.reply_period.basis in types_en
    text = DOC.read_text(encoding="utf-8")
    assert text.index("## 中文") < text.index("<!-- workflow-zh:begin -->")
    assert text.index("## English") < text.index("<!-- workflow-en:begin -->")


def test_a_page_with_broken_markers_is_refused() -> None:
    gen = generator()
    broken = DOC.read_text(encoding="utf-8").replace("<!-- case-types-en:end -->", "")
    with pytest.raises(ValueError, match="case-types-en"):
        gen.render(broken)
