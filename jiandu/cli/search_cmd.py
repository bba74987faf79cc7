"""`jiandu search QUERY`: full-text search over judgments and other free text in the pool.

The index is brought up to date first (`jiandu.text.index.sync`: nothing to do costs one
catalog query; `--reindex` rebuilds it). The command line acts as the machine's operator
and sees every dataset; like the clue commands, results are masked — ID and phone
numbers scrubbed, the document's party names masked — unless `--unmask` is given with a
reason (audited as `pii.unmask`).
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from jiandu.cli.clues_cmd import cli_principal
from jiandu.cli.output import print_json
from jiandu.config import load_settings
from jiandu.security.masking import mask_value, scrub_text
from jiandu.security.masking import unmask as allow_unmask
from jiandu.store.db import session_scope
from jiandu.text import index
from jiandu.text.hits import SearchHit
from jiandu.text.index import SyncReport
from jiandu.text.query import QueryError
from jiandu.workspace import open_workspace

console = Console()


def masked_hit(hit: SearchHit) -> SearchHit:
    """`hit` with ID/phone numbers scrubbed and the document's party names masked."""
    return hit.masked(scrub_text, partial(mask_value, "name"))


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise QueryError(
            f"{option} 应为日期，如 2021-03-31，实际为 {value!r}",
            f"{option} must be a date such as 2021-03-31, got {value!r}",
        ) from None


def _snippet_markup(hit: SearchHit) -> str:
    return "".join(
        f"[bold yellow]{escape(text)}[/]" if marked else escape(text)
        for text, marked in hit.snippet
    )


def _print(total: int, hits: list[SearchHit], sync: SyncReport) -> None:
    if sync.added or sync.removed:
        console.print(
            f"[green]✓[/] 检索索引已更新 index updated: +{sync.added:,} −{sync.removed:,} "
            f"({sync.seconds:.1f}s)"
        )
    table = Table(title=f"检索结果 search results: {total:,}", show_lines=True)
    for heading in ("分数 score", "数据集 dataset", "标题 title", "日期 date", "摘要 snippet"):
        table.add_column(heading)
    for hit in hits:
        table.add_row(
            f"{hit.score:.2f}",
            escape(hit.dataset_id),
            escape(hit.title),
            hit.date.isoformat() if hit.date else "",
            _snippet_markup(hit),
        )
    console.print(table)


def search_command(
    query: Annotated[str, typer.Argument(help='检索式：空格分隔为“且”，"…" 短语，-词 排除')],
    dataset: Annotated[
        list[str] | None, typer.Option("--dataset", help="只查这些数据集 / only these datasets")
    ] = None,
    dataset_type: Annotated[
        str | None, typer.Option("--type", help="数据类型 / dataset type")
    ] = None,
    court: Annotated[str | None, typer.Option(help="法院（名称的一部分）/ court")] = None,
    cause: Annotated[str | None, typer.Option(help="案由（一部分）/ cause of action")] = None,
    party: Annotated[str | None, typer.Option(help="当事人姓名 / party name")] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="裁判日期起 / from date (YYYY-MM-DD)")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="裁判日期止 / to date (YYYY-MM-DD)")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=index.MAX_LIMIT, help="条数 / hits")] = 20,
    offset: Annotated[int, typer.Option(min=0, help="跳过 / skip the first N")] = 0,
    reindex: Annotated[
        bool, typer.Option("--reindex", help="重建检索索引 / rebuild the search index")
    ] = False,
    unmask: Annotated[
        bool, typer.Option("--unmask", help="显示未脱敏内容（需说明理由，记入审计）")
    ] = False,
    reason: Annotated[str | None, typer.Option(help="解除脱敏的理由 / why unmask")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="机器可读的 JSON 输出 / JSON")] = False,
) -> None:
    """全文检索裁判文书等 / full-text search of judgments and other free text."""
    if unmask and not (reason and reason.strip()):
        raise QueryError("--unmask 须同时给出 --reason", "--unmask needs a --reason")
    start, end = _day(date_from, "--from"), _day(date_to, "--to")
    settings = load_settings()
    workspace = open_workspace(settings)
    if as_json:
        sync = index.sync(settings, rebuild=reindex, engine=workspace.engine)
    else:
        with console.status("更新检索索引 updating the search index…") as status:
            sync = index.sync(
                settings, rebuild=reindex, engine=workspace.engine, progress=status.update
            )
    result = index.search(
        settings, query, dataset_ids=dataset or None, dataset_type=dataset_type, court=court,
        cause=cause, party=party, date_from=start, date_to=end, limit=limit, offset=offset,
    )  # fmt: skip
    hits = result.hits
    if unmask:
        with session_scope(workspace.engine) as session:
            allow_unmask(
                session,
                cli_principal(),
                object_kind="search",
                object_id=",".join(sorted({h.dataset_id for h in hits}))[:128] or "-",
                fields=["title", "snippet", "parties"],
                reason=reason or "",
            )
    else:
        hits = [masked_hit(hit) for hit in hits]
    if as_json:
        print_json(
            {"total": result.total, "masked": not unmask, "hits": [h.to_dict() for h in hits]}
        )
        return
    _print(result.total, hits, sync)
