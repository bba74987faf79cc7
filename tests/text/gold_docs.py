"""Load the hand-labelled gold judgments (`tests/text/gold/<name>.jsonl`) with their texts.

The gold set measures the judgment parser field by field (docs/dev/text.md, "Gold set").
MIT-licensed sources carry their text in the record; research-only sources (CAIL) may not
be copied into the repository, so their records point at the public data folder beside
the checkout (`../shared/data/<source>/<ref.file>`, JSON Lines: `ref.line` is the
0-based line, `ref.field` the key holding the text) and pin the text by its sha256. A
record whose text no longer hashes to its sha256 is an error naming the record: the
labels were made for other text. When the shared folder is absent (a bare CI checkout)
the referenced records cannot be read and the calling test is skipped.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

GOLD_DIR = Path(__file__).resolve().parent / "gold"
SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


class GoldError(ValueError):
    """A gold record that cannot be used (bad reference, text changed)."""


@dataclass(frozen=True)
class GoldDoc:
    id: str
    source: str
    ref: dict[str, Any] | None
    sha256: str
    text: str
    labels: dict[str, Any]
    unlabelled: tuple[str, ...]


def gold_names(gold_dir: Path = GOLD_DIR) -> list[str]:
    """The gold files present, by name (without `.jsonl`)."""
    return sorted(path.stem for path in gold_dir.glob("*.jsonl"))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_records(path: Path) -> list[dict[str, Any]]:
    """The JSON objects of a gold file, one per non-empty line."""
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(f"{path.name}:{number}: 不是合法的 JSON / not JSON: {exc}") from exc
        if not isinstance(record, dict):
            raise GoldError(f"{path.name}:{number}: 记录应为对象 / a record must be an object")
        records.append(record)
    return records


def load_gold(
    name: str, *, gold_dir: Path = GOLD_DIR, shared_data: Path = SHARED_DATA
) -> list[GoldDoc]:
    """The records of `gold/<name>.jsonl`, each with its text (read and checked)."""
    lines_cache: dict[Path, list[str]] = {}
    docs = []
    for record in read_records(gold_dir / f"{name}.jsonl"):
        rid = str(record.get("id"))
        ref = record.get("ref")
        if "text" in record:
            text = record["text"]
        else:
            text = _referenced_text(rid, record, shared_data, lines_cache)
        if not isinstance(text, str):
            raise GoldError(f"{rid}: 文本应为字符串 / the text must be a string")
        if sha256_text(text) != record.get("sha256"):
            raise GoldError(
                f"{rid}: 文本的 sha256 与记录不符，标注对应的是另一份文本 / "
                f"the text's sha256 does not match the record: the labels were made "
                f"for another text"
            )
        docs.append(
            GoldDoc(
                id=rid,
                source=str(record.get("source")),
                ref=ref if isinstance(ref, dict) else None,
                sha256=record["sha256"],
                text=text,
                labels=dict(record.get("labels") or {}),
                unlabelled=tuple(record.get("unlabelled") or ()),
            )
        )
    return docs


def _referenced_text(
    rid: str, record: dict[str, Any], shared_data: Path, cache: dict[Path, list[str]]
) -> str:
    if not shared_data.is_dir():
        pytest.skip(f"public test data not found at {shared_data} (needed by {rid})")
    ref = record.get("ref")
    if not isinstance(ref, dict) or not {"file", "line", "field"} <= ref.keys():
        raise GoldError(f"{rid}: 无文本时须有 ref(file, line, field) / ref needed without text")
    path = shared_data / str(record.get("source")) / str(ref["file"])
    if path not in cache:
        if not path.is_file():
            raise GoldError(f"{rid}: 找不到来源文件 / source file not found: {path}")
        cache[path] = path.read_text(encoding="utf-8").splitlines()
    lines = cache[path]
    line = ref["line"]
    if not isinstance(line, int) or not 0 <= line < len(lines):
        raise GoldError(f"{rid}: 行号超出来源文件 / line {line!r} is not in {path.name}")
    try:
        value = json.loads(lines[line])[ref["field"]]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise GoldError(
            f"{rid}: 来源第 {line} 行没有字段 {ref['field']!r} / "
            f"line {line} of {path.name} has no field {ref['field']!r}"
        ) from exc
    if not isinstance(value, str):
        raise GoldError(f"{rid}: 来源字段不是文本 / the referenced field is not text")
    return value
