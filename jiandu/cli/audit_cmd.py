"""`jiandu audit …`: verify the hash chain, write checkpoints, list recent entries.

Also the one place where CLI actions are written to the audit log (`record_cli_action`,
`audited`): the ingest and models rooms do not import the security room, so the CLI
records what it did on their behalf, as the machine's operator ("cli:<OS user>").
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from jiandu.cli.errors import EXIT_USER_ERROR
from jiandu.cli.output import print_json
from jiandu.config import Settings, load_settings
from jiandu.errors import JianduError
from jiandu.ingest.importer import ImportResult
from jiandu.models.history import RunRecord
from jiandu.models.runner import RunAllReport
from jiandu.security.audit import (
    Checkpoint,
    CheckpointInvalid,
    VerifyReport,
    checkpoint,
    describe,
    recent_entries,
    record,
    verify,
)
from jiandu.store.db import session_scope
from jiandu.workspace import open_workspace

audit_app = typer.Typer(help="审计日志 / the tamper-evident audit log", no_args_is_help=True)
console = Console()

JsonFlag = Annotated[bool, typer.Option("--json", help="机器可读的 JSON 输出 / JSON output")]


# ---------------------------------------------------------------------------- recording


def cli_actor() -> str:
    """'cli:' + the OS user running the command (the audit log's actor column, ≤ 64)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (e.g. a bare container)
        user = "unknown"
    return f"cli:{user}"[:64]


def record_cli_action(
    settings: Settings,
    action: str,
    *,
    object_kind: str | None = None,
    object_id: str | None = None,
    outcome: str = "ok",
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Append one entry for a CLI action, in its own transaction."""
    record_cli_actions(settings, [(action, object_kind, object_id, outcome, detail)])


def record_cli_actions(
    settings: Settings,
    actions: Iterable[tuple[str, str | None, str | None, str, Mapping[str, Any] | None]],
) -> None:
    """Append entries (action, object kind, object id, outcome, detail) in one transaction."""
    engine = open_workspace(settings).engine
    actor = cli_actor()
    try:
        with session_scope(engine) as session:
            for action, object_kind, object_id, outcome, detail in actions:
                record(
                    session,
                    actor=actor,
                    action=action,
                    object_kind=object_kind,
                    object_id=object_id,
                    outcome=outcome,
                    detail=detail,
                )
    finally:
        engine.dispose()


def import_detail(result: ImportResult) -> dict[str, Any]:
    """What an audit entry says about an import: the dataset and counts, no file names."""
    return {
        "dataset": result.dataset_id,
        "status": result.status,
        "rows_read": result.rows_read,
        "rows_accepted": result.rows_accepted,
        "rows_rejected": result.rows_rejected,
        "rows_warned": result.rows_warned,
    }


def run_detail(run: RunRecord) -> dict[str, Any]:
    """What an audit entry says about a model run: model, version, parameters, hits."""
    return {
        "model_id": run.model_id,
        "model_version": run.model_version,
        "status": run.status,
        "params": run.params,
        "hit_count": run.hit_count,
    }


def record_run_all(settings: Settings, report: RunAllReport) -> None:
    """One 'model.run' entry per model `run --all` ran or failed (skipped ones did not run)."""
    entries: list[tuple[str, str | None, str | None, str, Mapping[str, Any] | None]] = [
        ("model.run", "run", run.run_id, "ok", run_detail(run)) for run in report.runs
    ]
    entries += [
        ("model.run", "model", item["model_id"], "failed", {"model_id": item["model_id"]})
        for item in report.failed
    ]
    if entries:
        record_cli_actions(settings, entries)


@dataclass
class AuditNote:
    """What an `audited` block found out: the object it acted on and counts about it."""

    object_kind: str | None = None
    object_id: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@contextmanager
def audited(
    settings: Settings,
    action: str,
    *,
    object_kind: str | None = None,
    object_id: str | None = None,
) -> Iterator[AuditNote]:
    """Record `action` when the block ends: outcome 'ok', or 'failed' if it raised.

    The block fills in the object and detail as it learns them. A failure is recorded
    with the error's class name only: error texts may name files or values.
    """
    note = AuditNote(object_kind=object_kind, object_id=object_id)
    try:
        yield note
    except Exception as error:
        record_cli_action(
            settings,
            action,
            object_kind=note.object_kind,
            object_id=note.object_id,
            outcome="failed",
            detail={**note.detail, "error": type(error).__name__},
        )
        raise
    record_cli_action(
        settings,
        action,
        object_kind=note.object_kind,
        object_id=note.object_id,
        detail=note.detail,
    )


# ---------------------------------------------------------------------------- commands


def _read_checkpoint(path: Path) -> Checkpoint:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise JianduError(
            f"无法读取检查点文件：{path}", f"cannot read checkpoint file: {path}"
        ) from err
    except ValueError as err:  # JSONDecodeError and undecodable bytes
        raise CheckpointInvalid(str(path)) from err
    return Checkpoint.from_dict(data, str(path))


def _print_report(report: VerifyReport) -> None:
    if report.ok:
        checked = f"，检查点 {report.checkpoints} 个相符" if report.checkpoints else ""
        checked_en = f", {report.checkpoints} checkpoint(s) match" if report.checkpoints else ""
        console.print(
            f"[green]✓[/] 审计日志完整：{report.entries:,} 条记录{checked} / "
            f"audit log intact: {report.entries:,} entries{checked_en}"
        )
        return
    console.print(
        f"[bold red]✗ 审计日志已被篡改 audit log tampered[/]: "
        f"首个问题在第 {report.first_bad_seq} 条 / first problem at entry {report.first_bad_seq} "
        f"({report.problem_count:,} 个问题 problems, {report.entries:,} 条记录 entries)"
    )
    table = Table()
    for heading in ("序号 seq", "类型 kind", "说明 what happened"):
        table.add_column(heading)
    for problem in report.problems:
        table.add_row(str(problem.seq), problem.kind, escape(f"{problem.zh}\n{problem.en}"))
    console.print(table)
    if report.problem_count > len(report.problems):
        hidden = report.problem_count - len(report.problems)
        console.print(f"  另有 {hidden:,} 个问题未列出 / {hidden:,} more problems not listed")


@audit_app.command("verify")
def verify_cmd(
    checkpoints: Annotated[
        list[Path] | None,
        typer.Option("--checkpoint", help="检查点文件，可重复 / checkpoint file, repeatable"),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """校验审计日志的哈希链（及检查点）/ verify the audit log's hash chain (and checkpoints).

    Exit 0 when intact, 2 when any entry was edited, deleted, reordered or inserted.
    """
    points = [_read_checkpoint(path) for path in checkpoints or []]
    with session_scope(open_workspace(load_settings()).engine) as session:
        report = verify(session, points)
    if as_json:
        print_json(report.as_dict())
    else:
        _print_report(report)
    if not report.ok:
        raise typer.Exit(code=EXIT_USER_ERROR)


@audit_app.command("checkpoint")
def checkpoint_cmd(
    out: Annotated[Path, typer.Option("--out", help="写入的 JSON 文件 / JSON file to write")],
) -> None:
    """导出检查点（链尾序号与哈希）以便离线保存 / write a checkpoint to keep off this machine.

    The chain is verified first: a checkpoint of a tampered log would vouch for it.
    """
    if out.exists():
        raise JianduError(
            f"文件已存在，不覆盖：{out}；请换一个文件名",
            f"file exists, not overwriting it: {out}; choose another name",
        )
    with session_scope(open_workspace(load_settings()).engine) as session:
        report = verify(session)
        point = checkpoint(session) if report.ok else None
    if point is None:
        _print_report(report)
        raise typer.Exit(code=EXIT_USER_ERROR)
    try:
        with out.open("x", encoding="utf-8") as handle:
            handle.write(json.dumps(point, ensure_ascii=False, indent=2) + "\n")
    except OSError as err:
        raise JianduError(
            f"无法写入检查点文件：{out}", f"cannot write checkpoint file: {out}"
        ) from err
    console.print(
        f"[green]✓[/] 检查点 checkpoint: 第 {point['seq']} 条 entry {point['seq']}, "
        f"{point['hash'][:16]}… → {out}"
    )


@audit_app.command("list")
def list_cmd(
    limit: Annotated[int, typer.Option(min=1, help="最多显示条数 / entries to show")] = 20,
    as_json: JsonFlag = False,
) -> None:
    """最近的审计记录（最新在前）/ the most recent audit entries, newest first."""
    with session_scope(open_workspace(load_settings()).engine) as session:
        entries = describe(recent_entries(session, limit))
    if as_json:
        print_json(entries)
        return
    if not entries:
        console.print("审计日志为空 / the audit log is empty")
        return
    table = Table(title="审计日志 Audit log")
    for heading in ("序号 seq", "时间 at (UTC)", "操作者 actor", "操作 action", "对象 object",
                    "结果 outcome", "详情 detail"):  # fmt: skip
        table.add_column(heading)
    for e in entries:
        target = f"{e['object_kind']}:{e['object_id']}" if e["object_kind"] else "—"
        table.add_row(
            str(e["seq"]),
            e["at"][:19].replace("T", " "),
            escape(e["actor"]),
            e["action"],
            escape(target),
            e["outcome"],
            escape(json.dumps(e["detail"], ensure_ascii=False, sort_keys=True)),
        )
    console.print(table)
