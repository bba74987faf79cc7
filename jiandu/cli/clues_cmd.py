"""`jiandu clues …`: list, show, sync, export.

The command line acts as the machine's operator (every unit, every permission), named
'cli:<os user>' in clue histories and the audit log. Evidence is shown masked unless
`--unmask` is given with a reason (audited as `pii.unmask`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from jiandu.cli.audit_cmd import cli_actor
from jiandu.cli.output import print_json
from jiandu.clues.errors import STATUS_ZH, ClueError
from jiandu.clues.export import EXPORT_FORMATS, ClueFilters, clue_records, export_clues
from jiandu.clues.service import describe, get_clue, history, list_clues
from jiandu.clues.sync import SyncReport, sync_run
from jiandu.clues.transfers import transfers_of
from jiandu.config import load_settings
from jiandu.security.masking import unmask as allow_unmask
from jiandu.security.principal import SYSTEM, Principal
from jiandu.security.scope import run_for
from jiandu.store.db import session_scope
from jiandu.store.schema import CLUE_PRESENCE, CLUE_STATUSES
from jiandu.workspace import Workspace, open_workspace

clues_app = typer.Typer(help="线索 / clues found by model runs", no_args_is_help=True)
console = Console()
JsonFlag = Annotated[bool, typer.Option("--json", help="机器可读的 JSON 输出 / JSON output")]
_PRESENCE_ZH = {"new": "新发现", "present": "仍存在", "changed": "有变化", "gone": "已消失"}


def cli_principal() -> Principal:
    """The operator's principal, named after the OS user for histories and the audit log."""
    return replace(SYSTEM, user_id=cli_actor(), username=cli_actor())


def sync_runs(workspace: Workspace, run_ids: Iterable[str]) -> list[SyncReport]:
    """Sync each run's hits into the clue store, one transaction per run (used after
    `jiandu models run` and by `jiandu clues sync`)."""
    principal = cli_principal()
    reports = []
    for run_id in run_ids:
        with session_scope(workspace.engine) as session:
            run = run_for(session, principal, run_id)
            reports.append(sync_run(session, workspace.settings, run, actor=principal.user_id))
    return reports


def print_sync(report: SyncReport) -> None:
    """One line per synced run: new / present / changed / gone."""
    console.print(
        f"[green]线索 clues[/] {report.model_id} ({report.run_id}): "
        f"新 new {report.new} · 仍存在 present {report.present} · "
        f"有变化 changed {report.changed} · 已消失 gone {report.gone}"
        + (f" · 已同步 already {report.already}" if report.already else "")
    )


def _check_choice(value: str | None, allowed: tuple[str, ...], what: str) -> None:
    if value is not None and value not in allowed:
        raise ClueError(
            f"{what} 只能是 {', '.join(allowed)}，不能是 {value!r}",
            f"{what} must be one of {', '.join(allowed)}, not {value!r}",
        )


@clues_app.command("list")
def list_cmd(
    model: Annotated[str | None, typer.Option("--model", help="模型 id / model id")] = None,
    status: Annotated[
        str | None, typer.Option(help="状态 / status: " + ", ".join(CLUE_STATUSES))
    ] = None,
    presence: Annotated[
        str | None, typer.Option(help="出现情况 / presence: " + ", ".join(CLUE_PRESENCE))
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只看逾期 / overdue only")] = False,
    limit: Annotated[int | None, typer.Option(help="最多显示条数 / at most N")] = None,
    as_json: JsonFlag = False,
) -> None:
    """列出线索（最新在前）/ list clues, newest first (titles masked)."""
    _check_choice(status, CLUE_STATUSES, "status")
    _check_choice(presence, CLUE_PRESENCE, "presence")
    settings = load_settings()
    workspace = open_workspace(settings)
    now = datetime.now(UTC)
    principal = cli_principal()
    with session_scope(workspace.engine) as session:
        clues = list_clues(
            session,
            principal,
            model_id=model,
            status=status,
            presence=presence,
            overdue_at=now if overdue else None,
            limit=limit,
        )
        records = clue_records(session, settings, clues, unmasked=False, now=now)
    if as_json:
        print_json([{k: v for k, v in r.items() if k != "evidence"} for r in records])
        return
    table = Table(title=f"线索 clues ({len(records)})")
    for heading in (
        "id",
        "模型 model",
        "对象 subject",
        "标题 title",
        "级别 severity",
        "状态 status",
        "出现 presence",
        "期限 due",
    ):
        table.add_column(heading)
    for r in records:
        due = (r["due_at"] or "")[:10] + (" [red]逾期 overdue[/]" if r["overdue"] else "")
        table.add_row(
            r["id"],
            escape(r["model_id"]),
            escape(str(r["subject_key"])),
            escape(str(r["title"])),
            r["severity"],
            f"{STATUS_ZH[r['status']]} {r['status']}",
            f"{_PRESENCE_ZH[r['presence']]} {r['presence']}",
            due,
        )
    console.print(table)


@clues_app.command("show")
def show_cmd(
    clue_id: Annotated[str, typer.Argument(help="线索 id / clue id")],
    unmask: Annotated[
        bool, typer.Option("--unmask", help="显示未脱敏证据（需说明理由，记入审计）")
    ] = False,
    reason: Annotated[str | None, typer.Option(help="解除脱敏的理由 / why unmask")] = None,
    as_json: JsonFlag = False,
) -> None:
    """显示一条线索：证据、说明、历史、流转 / show a clue: evidence, history, transfers."""
    if unmask and not (reason and reason.strip()):
        raise ClueError("--unmask 须同时给出 --reason", "--unmask needs a --reason")
    settings = load_settings()
    workspace = open_workspace(settings)
    principal = cli_principal()
    with session_scope(workspace.engine) as session:
        clue = get_clue(session, principal, clue_id)
        if unmask:
            allow_unmask(
                session,
                principal,
                object_kind="clue",
                object_id=clue.id,
                fields=["subject_key", "title", "evidence"],
                reason=reason or "",
            )
        record = clue_records(session, settings, [clue], unmasked=unmask)[0]
        events = [
            {
                "at": e.at.isoformat(),
                "actor": e.actor,
                "kind": e.kind,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "detail": e.detail,
            }
            for e in history(session, principal, clue.id)
        ]
        moves = [
            {
                "id": t.id,
                "from_unit": t.from_unit,
                "to_unit": t.to_unit,
                "status": t.status,
                "sent_at": t.sent_at.isoformat(),
            }
            for t in transfers_of(session, principal, clue.id)
        ]
        version = describe(clue)["version"]
    payload: dict[str, Any] = {**record, "version": version, "history": events, "transfers": moves}
    if as_json:
        print_json(payload)
        return
    _print_clue(payload)


def _print_clue(payload: dict[str, Any]) -> None:
    console.print(f"[bold]{escape(str(payload['title']))}[/]")
    console.print(f"  id: {payload['id']} (version {payload['version']})")
    console.print(
        f"  模型 model: {escape(payload['model_id'])} · 分支 branches: "
        f"{', '.join(payload['branches'])}"
    )
    console.print(
        f"  对象 subject: {escape(str(payload['subject_type']))} "
        f"{escape(str(payload['subject_key']))}"
    )
    console.print(
        f"  状态 status: {STATUS_ZH[payload['status']]} {payload['status']} · 出现 presence: "
        f"{_PRESENCE_ZH[payload['presence']]} {payload['presence']} · 级别 severity: "
        f"{payload['severity']}"
    )
    console.print(
        f"  持有单位 holder: {payload['holder_unit']} · 承办人 assignee: "
        f"{payload['assignee_id'] or '—'} · 期限 due: {payload['due_at'] or '—'}"
        + (" [red]逾期 overdue[/]" if payload["overdue"] else "")
    )
    if payload["explanation"]:
        console.print(f"  说明 explanation: {escape(payload['explanation'])}")
    console.print(f"  证据 evidence ({len(payload['evidence'])}):")
    for row in payload["evidence"]:
        console.print("    " + escape(", ".join(f"{k}={v}" for k, v in row.items())))
    console.print("  历史 history:")
    for event in payload["history"]:
        change = f" {event['from_status'] or ''}→{event['to_status']}" if event["to_status"] else ""
        console.print(f"    {event['at'][:19]} {escape(event['actor'])} {event['kind']}{change}")
    for move in payload["transfers"]:
        console.print(
            f"  流转 transfer {move['id']}: {move['from_unit']} → {move['to_unit']} "
            f"({move['status']})"
        )


@clues_app.command("sync")
def sync_cmd(
    run_id: Annotated[str, typer.Argument(help="模型运行 id / run id")],
    as_json: JsonFlag = False,
) -> None:
    """把一次模型运行的命中同步为线索（可重复执行）/ sync a run's hits into clues (idempotent)."""
    workspace = open_workspace(load_settings())
    report = sync_runs(workspace, [run_id])[0]
    if as_json:
        print_json(report.as_dict())
        return
    print_sync(report)


@clues_app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", help="格式 / format: jsonl, csv, xlsx")],
    out: Annotated[Path | None, typer.Option("--out", help="输出文件 / output file")] = None,
    model: Annotated[str | None, typer.Option("--model", help="模型 id / model id")] = None,
    status: Annotated[str | None, typer.Option(help="状态 / status")] = None,
    unmask: Annotated[
        bool, typer.Option("--unmask", help="导出未脱敏数据（需说明理由，记入审计）")
    ] = False,
    reason: Annotated[str | None, typer.Option(help="解除脱敏的理由 / why unmask")] = None,
    as_json: JsonFlag = False,
) -> None:
    """导出线索 / export clues (masked unless --unmask with --reason)."""
    _check_choice(fmt, EXPORT_FORMATS, "--format")
    _check_choice(status, CLUE_STATUSES, "status")
    if unmask and not (reason and reason.strip()):
        raise ClueError("--unmask 须同时给出 --reason", "--unmask needs a --reason")
    settings = load_settings()
    workspace = open_workspace(settings)
    target = out or Path(f"clues.{fmt}")
    with session_scope(workspace.engine) as session:
        result = export_clues(
            session,
            settings,
            cli_principal(),
            fmt,
            target,
            ClueFilters(model_id=model, status=status),
            unmask=unmask,
            reason=reason,
        )
    if as_json:
        print_json(
            {
                "path": str(result.path),
                "format": result.format,
                "rows": result.rows,
                "unmasked": result.unmasked,
            }
        )
        return
    console.print(f"[green]已导出 exported[/] {result.rows} 条线索 clues → {result.path}")
