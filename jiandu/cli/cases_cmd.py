"""`jiandu cases …`: supervision cases from the command line.

`types` lists the case types; `list`, `show`, `create`, `document`, `serve`, `reply`,
`close` work on cases; `outcomes` shows what each model's clues came to; `export` writes the
cases to JSONL/CSV/XLSX. The command line acts as the machine's operator (every unit),
named after the OS user in case histories and the audit log (`cli:<user>`).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from jiandu.cases import service
from jiandu.cases.export import FORMATS, export_cases
from jiandu.cases.outcomes import model_outcomes
from jiandu.cases.service import CHINA_TIME
from jiandu.cases.types import CASE_STATUS_ZH, CASE_TYPES, CaseError
from jiandu.cli.clues_cmd import cli_principal
from jiandu.cli.output import print_json
from jiandu.config import load_settings
from jiandu.store.db import session_scope
from jiandu.store.schema import CASE_STATUSES
from jiandu.workspace import Workspace, open_workspace

cases_app = typer.Typer(help="监督案件 / supervision cases", no_args_is_help=True)
console = Console()

JsonFlag = Annotated[bool, typer.Option("--json", help="机器可读的 JSON 输出 / JSON output")]
CaseArg = Annotated[str, typer.Argument(help="案件 id / case id")]


def _workspace() -> Workspace:
    return open_workspace(load_settings())


def _text(value: str | None, path: Path | None, what_zh: str, what_en: str) -> str:
    """Text given inline or read from a UTF-8 file (exactly one of the two)."""
    if (value is None) == (path is None):
        raise CaseError(
            f"请用 --{what_en} 或 --{what_en}-file 给出{what_zh}（二选一）",
            f"give the {what_en} with --{what_en} or --{what_en}-file (one of them)",
        )
    if path is not None:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CaseError(
                f"无法读取{what_zh}文件 {path.name}（须为 UTF-8 文本）",
                f"cannot read the {what_en} file {path.name} (UTF-8 text expected)",
            ) from error
    assert value is not None
    return value


def _date(text: str, option: str) -> datetime:
    """A YYYY-MM-DD date as midnight China time (documents and replies are dated there)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise CaseError(
            f"{option} 应为 YYYY-MM-DD：{text!r}", f"{option} must be YYYY-MM-DD: {text!r}"
        ) from None
    return datetime(day.year, day.month, day.day, tzinfo=CHINA_TIME)


def _local(iso: str | None) -> str:
    """An ISO time as a China-time date for tables ('' for none)."""
    if iso is None:
        return ""
    return f"{datetime.fromisoformat(iso).astimezone(CHINA_TIME):%Y-%m-%d}"


@cases_app.command("types")
def types_cmd(as_json: JsonFlag = False) -> None:
    """案件类型与回复期限 / case types and their reply periods."""
    rows = [
        {
            "id": kind.id,
            "label_zh": kind.label_zh,
            "label_en": kind.label_en,
            "document": kind.template.title,
            "reply_period": kind.reply_period.label_zh,
            "period_basis": kind.reply_period.basis,
            "addressee": kind.addressee_hint,
        }
        for kind in CASE_TYPES.values()
    ]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "类型 type", "文书 document", "回复期限 reply within", "依据 basis")
    for row in rows:
        table.add_row(
            row["id"],
            row["label_zh"],
            row["document"],
            row["reply_period"],
            escape(row["period_basis"] or "（无法定期限，平台默认）"),
        )
    console.print(table)


@cases_app.command("list")
def list_cmd(
    status: Annotated[
        str | None, typer.Option(help=f"状态 / status: {', '.join(CASE_STATUSES)}")
    ] = None,
    case_type: Annotated[str | None, typer.Option("--type", help="案件类型 / case type")] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="只列逾期未回复的 / only overdue cases")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """列出案件 / list cases (newest first)."""
    if status is not None and status not in CASE_STATUSES:
        raise CaseError(
            f"状态应为 {'/'.join(CASE_STATUSES)}：{status!r}",
            f"status must be one of {', '.join(CASE_STATUSES)}: {status!r}",
        )
    workspace = _workspace()
    try:
        with session_scope(workspace.engine) as session:
            found = service.list_cases(
                session,
                cli_principal(),
                status=status,
                type_id=case_type,
                overdue_at=datetime.now(CHINA_TIME) if overdue else None,
            )
            rows = [service.describe(session, case) for case in found]
    finally:
        workspace.engine.dispose()
    if as_json:
        print_json(rows)
        return
    table = Table("id", "案号 case no", "类型 type", "名称 title", "状态 status", "回复期限 due")
    for row in rows:
        status_text = CASE_STATUS_ZH.get(row["status"], row["status"])
        due = _local(row["reply_due_at"])
        table.add_row(
            row["id"],
            row["case_no"],
            row["case_type_zh"],
            escape(row["title"]),
            status_text,
            f"[red]{due} 逾期 overdue[/]" if row["overdue"] else due,
        )
    console.print(table)
    console.print(f"共 {len(rows)} 件 / {len(rows)} cases")


@cases_app.command("show")
def show_cmd(case_id: CaseArg, as_json: JsonFlag = False) -> None:
    """案件详情：线索、文书、经过 / a case with its clues, documents and history."""
    workspace = _workspace()
    principal = cli_principal()
    try:
        with session_scope(workspace.engine) as session:
            case = service.get_case(session, principal, case_id)
            payload: dict[str, Any] = service.describe(session, case)
            payload["documents"] = [
                {
                    "id": d.id,
                    "template": d.template,
                    "doc_no": d.doc_no,
                    "path": str(workspace.settings.home / d.path),
                    "sha256": d.sha256,
                    "generated_at": service._iso(d.generated_at),
                }
                for d in service.documents(session, principal, case.id)
            ]
            payload["history"] = [
                {
                    "at": service._iso(e.at),
                    "actor": e.actor,
                    "kind": e.kind,
                    "from_status": e.from_status,
                    "to_status": e.to_status,
                    "detail": e.detail,
                }
                for e in service.history(session, principal, case.id)
            ]
    finally:
        workspace.engine.dispose()
    if as_json:
        print_json(payload)
        return
    status = CASE_STATUS_ZH.get(payload["status"], payload["status"])
    console.print(f"[bold]{escape(payload['case_no'])}[/] {escape(payload['title'])}")
    console.print(f"  类型 type: {payload['case_type_zh']}    状态 status: {status}")
    console.print(f"  被监督单位 supervised unit: {escape(payload['supervised_unit'] or '—')}")
    if payload["served_on"]:
        console.print(f"  送达日期 served on: {payload['served_on']}")
    if payload["reply_due_at"]:
        late = " [red]逾期 overdue[/]" if payload["overdue"] else ""
        console.print(f"  回复期限 reply due: {_local(payload['reply_due_at'])}{late}")
    console.print(f"  线索 clues: {', '.join(payload['clue_ids'])}")
    console.print(f"  事实 facts: {escape(payload['facts'])}")
    if payload["outcome"]:
        console.print(f"  办结情况 outcome: {escape(payload['outcome'])}")
    for document in payload["documents"]:
        console.print(f"  文书 document: {escape(document['doc_no'] or '')} {document['path']}")
    for event in payload["history"]:
        change = (
            f"{event['from_status'] or ''} → {event['to_status']}" if event["to_status"] else ""
        )
        console.print(f"  {event['at']} {escape(event['actor'])} {event['kind']} {change}")


@cases_app.command("create")
def create_cmd(
    clue: Annotated[list[str], typer.Option("--clue", "-c", help="线索 id，可重复 / clue id")],
    case_type: Annotated[
        str, typer.Option("--type", help="案件类型 id 或名称 / case type (`jiandu cases types`)")
    ],
    title: Annotated[str, typer.Option(help="案件名称 / title")],
    supervised_unit: Annotated[
        str | None, typer.Option(help="被监督单位（文书主送单位）/ supervised unit")
    ] = None,
    facts: Annotated[str | None, typer.Option(help="经审查查明的事实 / facts")] = None,
    facts_file: Annotated[
        Path | None, typer.Option(help="事实文本文件 UTF-8 / facts from a file")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """由成案线索立案 / make a case from confirmed clues."""
    text = _text(facts, facts_file, "事实", "facts")
    workspace = _workspace()
    try:
        with session_scope(workspace.engine) as session:
            case = service.create_case(
                session, cli_principal(), clue, case_type, title, text, supervised_unit
            )
            payload = service.describe(session, case)
    finally:
        workspace.engine.dispose()
    if as_json:
        print_json(payload)
        return
    console.print(f"[green]✓[/] 案件 case {payload['id']} 案号 {payload['case_no']}")


@cases_app.command("document")
def document_cmd(
    case_id: CaseArg,
    template: Annotated[
        str | None, typer.Option(help="文书模板，默认按案件类型 / template (default: the type's)")
    ] = None,
    request: Annotated[
        list[str] | None,
        typer.Option("--request", "-r", help="建议事项，可重复；默认用模板的 / demand, repeatable"),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """制作文书（.docx）/ generate the case's document (.docx)."""
    workspace = _workspace()
    try:
        with session_scope(workspace.engine) as session:
            issued = service.generate_document(
                session,
                workspace.settings,
                cli_principal(),
                case_id,
                template,
                requests=request or None,
            )
            case = service.get_case(session, cli_principal(), case_id)
            payload = {
                "document_id": issued.row.id,
                "doc_no": issued.row.doc_no,
                "path": str(issued.path),
                "sha256": issued.row.sha256,
                "status": case.status,
                "reply_due_at": service._iso(case.reply_due_at),
            }
    finally:
        workspace.engine.dispose()
    if as_json:
        print_json(payload)
        return
    console.print(f"[green]✓[/] {escape(payload['doc_no'] or '')} → {payload['path']}")
    console.print(f"  回复期限 reply due: {_local(payload['reply_due_at'])}")


@cases_app.command("serve")
def serve_cmd(
    case_id: CaseArg,
    served: Annotated[str, typer.Option("--date", help="送达日期 YYYY-MM-DD / date served")],
    note: Annotated[
        str | None, typer.Option(help="送达方式、回证号等 / how it was served, receipt no.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """登记文书送达，回复期限自送达之日起算 / record service; the reply period runs from it."""
    workspace = _workspace()
    try:
        with session_scope(workspace.engine) as session:
            case = service.record_service(
                session, cli_principal(), case_id, _date(served, "--date"), note=note
            )
            served_on = service.service_date(session, case.id)
            payload = {
                "id": case.id,
                "case_no": case.case_no,
                "status": case.status,
                "served_on": served_on.isoformat() if served_on is not None else None,
                "reply_due_at": service._iso(case.reply_due_at),
            }
    finally:
        workspace.engine.dispose()
    if as_json:
        print_json(payload)
        return
    console.print(f"[green]✓[/] {payload['case_no']}: 已送达 served {payload['served_on']}")
    console.print(f"  回复期限 reply due: {_local(payload['reply_due_at'])}")


@cases_app.command("reply")
def reply_cmd(
    case_id: CaseArg,
    received: Annotated[str, typer.Option(help="收到回复日期 YYYY-MM-DD / date received")],
    rectified: Annotated[
        bool,
        typer.Option("--rectified/--not-rectified", help="是否已整改 / whether the unit rectified"),
    ],
    content: Annotated[str | None, typer.Option(help="回复内容 / the reply")] = None,
    content_file: Annotated[
        Path | None, typer.Option(help="回复内容文件 UTF-8 / the reply from a file")
    ] = None,
) -> None:
    """登记被监督单位的回复与整改情况 / record the supervised unit's reply."""
    text = _text(content, content_file, "回复内容", "content")
    workspace = _workspace()
    try:
        with session_scope(workspace.engine) as session:
            case = service.record_reply(
                session, cli_principal(), case_id, _date(received, "--received"), text, rectified
            )
            case_no = case.case_no
    finally:
        workspace.engine.dispose()
    console.print(f"[green]✓[/] {case_no}: 已登记回复 reply recorded")


@cases_app.command("close")
def close_cmd(
    case_id: CaseArg,
    outcome: Annotated[str, typer.Option(help="办结情况 / outcome")],
) -> None:
    """办结案件（其线索一并办结）/ close a case and its clues."""
    workspace = _workspace()
    try:
        with session_scope(workspace.engine) as session:
            case = service.close_case(session, cli_principal(), case_id, outcome)
            case_no, clue_ids = case.case_no, service.case_clue_ids(session, case.id)
    finally:
        workspace.engine.dispose()
    console.print(f"[green]✓[/] {case_no}: 已办结 closed (线索 clues: {', '.join(clue_ids)})")


@cases_app.command("outcomes")
def outcomes_cmd(as_json: JsonFlag = False) -> None:
    """各模型的线索成案率、案件与文书数 / per model: precision, cases, documents."""
    workspace = _workspace()
    try:
        with session_scope(workspace.engine) as session:
            rows = [o.as_dict() for o in model_outcomes(session, cli_principal())]
    finally:
        workspace.engine.dispose()
    if as_json:
        print_json(rows)
        return
    table = Table(
        "模型 model",
        "线索 clues",
        "已核查 verified",
        "成案 confirmed",
        "不成案 rejected",
        "成案率 precision",
        "案件 cases",
        "文书 documents",
    )
    for row in rows:
        precision = "—" if row["precision"] is None else f"{row['precision']:.1%}"
        table.add_row(
            row["model_id"],
            *(str(row[k]) for k in ("clues", "verified", "confirmed", "rejected")),
            precision,
            str(row["cases"]),
            str(row["documents"]),
        )
    console.print(table)


@cases_app.command("export")
def export_cmd(
    out: Annotated[Path, typer.Option(help="输出文件 / output file")],
    fmt: Annotated[str, typer.Option("--format", help=f"{'/'.join(FORMATS)}")] = "xlsx",
    status: Annotated[str | None, typer.Option(help="状态 / status")] = None,
    case_type: Annotated[str | None, typer.Option("--type", help="案件类型 / case type")] = None,
    unmask_reason: Annotated[
        str | None,
        typer.Option(
            "--unmask-reason", help="导出原文（不遮蔽）的理由，记入审计 / unmask, audited"
        ),
    ] = None,
) -> None:
    """导出案件 / export cases (JSONL, CSV, XLSX)."""
    workspace = _workspace()
    try:
        with session_scope(workspace.engine) as session:
            count = export_cases(
                session,
                cli_principal(),
                fmt,
                out,
                status=status,
                type_id=case_type,
                unmask_reason=unmask_reason,
            )
    finally:
        workspace.engine.dispose()
    console.print(f"[green]✓[/] {count} 件 cases → {out}")
