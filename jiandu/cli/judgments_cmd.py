"""`jiandu judgments …`: parse judgment documents and import them as data.

`parse FILE` shows what the parser reads from one file (each document of a JSONL export),
so a user can check it on their own documents before importing; `import FILE...` turns
them into `judgment_document`, `court_case`, `court_party` and `court_agent` batches and
updates the search index and near-duplicate groups.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from jiandu.cli.audit_cmd import audited, cli_actor, import_detail
from jiandu.cli.output import print_import_result, print_json
from jiandu.config import load_settings
from jiandu.workspace import open_workspace

if TYPE_CHECKING:
    from jiandu.text.judgments import JudgmentImport

# The parser's regular expressions compile when jiandu.text.judgment is imported (~0.2 s):
# the commands import it when they run, not every `jiandu` invocation.

judgments_app = typer.Typer(help="裁判文书 / judgment documents", no_args_is_help=True)
console = Console()
JsonFlag = Annotated[bool, typer.Option("--json", help="机器可读的 JSON 输出 / JSON output")]
TextField = Annotated[
    str | None,
    typer.Option("--field", help="JSON/JSONL 中全文所在字段 / the JSON field holding the text"),
]


@judgments_app.command("parse")
def parse(
    path: Annotated[
        Path, typer.Argument(help="文书文件 / a document file (txt, html, docx, jsonl)")
    ],
    text_field: TextField = None,
    limit: Annotated[int, typer.Option(help="最多显示几篇 / show at most N documents")] = 5,
    as_json: JsonFlag = False,
) -> None:
    """解析文书并显示结果（不导入） / show what the parser reads (nothing is imported)."""
    from jiandu.text.documents import read_documents  # noqa: PLC0415 - see above
    from jiandu.text.judgment import parse_judgment  # noqa: PLC0415

    shown: list[dict[str, Any]] = []
    for document in read_documents(path, text_field=text_field):
        if len(shown) >= limit:
            break
        parsed = asdict(parse_judgment(document.text))
        shown.append({"source": document.source, "locator": document.locator, **parsed})
    if as_json:
        print_json(shown)
        return
    for item in shown:
        _print_parsed(item)


def _print_parsed(item: dict[str, Any]) -> None:
    where = item["source"] + (f" {item['locator']}" if item["locator"] else "")
    table = Table(title=escape(where), show_header=False)
    for label, key in (
        ("法院 court", "court"),
        ("案号 case no.", "case_no"),
        ("文书 type", "doc_type"),
        ("案由 cause", "cause"),
        ("裁判日期 judgment date", "judgment_date"),
        ("立案日期 filing date", "filing_date"),
        ("结果 outcome", "outcome"),
        ("诉请 claimed", "amount_claimed"),
        ("判决 awarded", "amount_awarded"),
        ("公诉机关 prosecutor", "prosecutor"),
    ):
        if item.get(key) is not None:
            table.add_row(label, escape(str(item[key])))
    for party in item["parties"]:
        agents = "；".join(
            a["name"] + (f"（{a['firm']}）" if a.get("firm") else "") for a in party["agents"]
        )
        table.add_row(
            escape(party["role"]),
            escape(
                " ".join(str(v) for v in (party["name"], party["sex"], party["birth_date"]) if v)
                + (f" · 代理 {agents}" if agents else "")
            ),
        )
    if item["judges"]:
        table.add_row("审判 judges", escape("、".join(f"{r}{n}" for r, n in item["judges"])))
    if item["clerks"]:
        table.add_row("书记员 clerks", escape("、".join(item["clerks"])))
    if item["statutes"]:
        table.add_row(
            "法条 statutes",
            escape(
                "、".join(
                    f"《{s['law']}》" + (f"第{s['article']}条" if s["article"] else "")
                    for s in item["statutes"]
                )
            ),
        )
    console.print(table)


@judgments_app.command("import")
def import_(
    paths: Annotated[
        list[Path], typer.Argument(help="文书文件或文件夹 / document files or folders")
    ],
    source: Annotated[str | None, typer.Option(help="来源单位 / source name")] = None,
    text_field: TextField = None,
    as_json: JsonFlag = False,
) -> None:
    """解析并导入裁判文书 / parse judgment documents and import them as data."""
    from jiandu.text.judgments import import_judgments  # noqa: PLC0415 - see above

    settings = load_settings()
    open_workspace(settings)
    with audited(settings, "data.import", object_kind="batch") as note:
        note.detail = {"dataset_type": "judgment_document", "files": len(paths)}
        if as_json:
            report = import_judgments(
                settings, paths, source_name=source, text_field=text_field, user=cli_actor()
            )
        else:
            with console.status("解析导入中 parsing and importing…") as status:
                report = import_judgments(
                    settings,
                    paths,
                    source_name=source,
                    text_field=text_field,
                    user=cli_actor(),
                    progress=status.update,
                )
        note.object_id = ",".join(result.batch_id for _, result in report.batches)
        note.detail |= {
            "documents": report.documents,
            "refused": len(report.refused),
            "batches": [import_detail(result) for _, result in report.batches],
        }
    if as_json:
        print_json(report.as_dict())
        return
    _print_report(report)


def _print_report(report: JudgmentImport) -> None:
    console.print(
        f"文书 documents {report.documents:,} · 解析 parsed {report.parsed:,} · "
        f"无案号 without case no. {report.without_case_no:,} · "
        f"未导入 refused {len(report.refused):,}"
    )
    for refused in report.refused[:20]:
        console.print(
            f"  [yellow]未导入[/] {escape(refused.where)}: "
            f"{refused.reason_zh} / {refused.reason_en}"
        )
    if len(report.refused) > 20:
        console.print(
            f"  … 另有 {len(report.refused) - 20} 篇 / and {len(report.refused) - 20} more"
        )
    for type_id, result in report.batches:
        console.print(f"[bold]{type_id}[/]")
        print_import_result(console, result)
    index = report.refresh.get("index")
    if isinstance(index, dict):
        console.print(
            f"全文索引 search index: +{index['added']:,} / -{index['removed']:,} "
            f"({index['seconds']:.1f}s)"
        )
    groups = report.refresh.get("near_duplicates")
    if isinstance(groups, dict):
        console.print(
            f"近似文书 near-duplicate groups: {groups['groups']:,} "
            f"({groups['members']:,} 篇 documents)"
        )
    if "error" in report.refresh:
        console.print(
            "[yellow]索引未更新[/] the index was not updated: "
            + escape(str(report.refresh["error"]))
        )
