"""docs/user/dataset-types.md is exactly what tools/gen_dataset_docs.py renders."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from jiandu.catalog.registry import builtin_types

ROOT = Path(__file__).resolve().parents[2]


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_dataset_docs", ROOT / "tools" / "gen_dataset_docs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_doc_matches_generator() -> None:
    committed = (ROOT / "docs" / "user" / "dataset-types.md").read_text(encoding="utf-8")
    assert committed == generator().render(), "run: python tools/gen_dataset_docs.py"


def test_doc_lists_every_type_in_both_languages() -> None:
    text = generator().render()
    assert text.index("## 中文") < text.index("## English")
    for dataset_type in builtin_types().values():
        assert f"### `{dataset_type.id}` {dataset_type.name_zh}" in text
        assert f"### `{dataset_type.id}` {dataset_type.name_en}" in text
