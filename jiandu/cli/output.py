"""How command results look: Rich for people, JSON for machines."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from jiandu.ingest.importer import ImportResult


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


def print_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=_default) + "\n")


def _example_rows(examples: list[dict[str, Any]]) -> str:
    """'file: 3, 9' when the examples share a source, else 'a.csv:3, b.xlsx[S1]:9'."""
    sources = {e["source"] for e in examples}
    if len(sources) == 1:
        return f"{sources.pop()}: " + ", ".join(str(e["row"]) for e in examples)
    return ", ".join(f"{e['source']}:{e['row']}" for e in examples)


def print_import_result(console: Console, result: ImportResult) -> None:
    if result.status == "duplicate":
        console.print(
            f"[yellow]=[/] 相同内容已导入为批次 {result.batch_id}，未重复写入 / "
            f"identical content already imported as batch {result.batch_id}; nothing written"
        )
        return
    console.print(
        f"[green]✓[/] 批次 batch [bold]{result.batch_id}[/] 已提交 committed "
        f"({result.dataset_id}, {result.duration_s:.1f}s)"
    )
    console.print(
        f"  读取 read {result.rows_read:,} · 接收 accepted {result.rows_accepted:,} · "
        f"拒绝 rejected {result.rows_rejected:,} · 警告 warned {result.rows_warned:,}"
    )
    for skipped in result.quality.get("skipped_tables", []):
        console.print(
            f"  [yellow]跳过[/] skipped {escape(skipped)}: 表头中没有可识别的字段 / "
            "no known field in its header"
        )
    reasons = result.quality.get("errors", []) + result.quality.get("warnings", [])
    if reasons:
        table = Table(show_header=True, header_style="bold")
        for heading in ("字段 field", "原因 reason", "行数 rows", "示例行 e.g. rows"):
            table.add_column(heading)
        for reason in reasons[:10]:
            rows = _example_rows(reason["examples"][:3])
            table.add_row(
                reason["field"],
                escape(f"{reason['zh']} / {reason['en']}"),
                f"{reason['count']:,}",
                escape(rows),
            )
        console.print(table)
    duplicates = result.quality.get("duplicates", {})
    if duplicates.get("key_rows") or duplicates.get("key_in_earlier_batches"):
        key = "+".join(duplicates.get("key", []))
        console.print(
            f"  重复 duplicates on {key}: 批内 within batch {duplicates['key_rows']:,} · "
            f"与已有批次 with earlier batches {duplicates['key_in_earlier_batches']:,}"
        )
    if result.rejects_path:
        console.print(f"  被拒行 rejected rows: `jiandu rejects {result.batch_id}`")
