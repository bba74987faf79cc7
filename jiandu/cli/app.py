"""The `jiandu` command line (contract in DESIGN.md: extend, don't break)."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from jiandu.catalog.dataset_type import SENSITIVITY_LABELS
from jiandu.catalog.registry import all_types, register_type
from jiandu.cli.audit_cmd import audit_app, audited, import_detail, record_cli_action
from jiandu.cli.cases_cmd import cases_app
from jiandu.cli.clues_cmd import clues_app
from jiandu.cli.entities_cmd import entities_app
from jiandu.cli.errors import run_guarded
from jiandu.cli.jobs_cmd import schedules_app, worker
from jiandu.cli.judgments_cmd import judgments_app
from jiandu.cli.models_cmd import models_app
from jiandu.cli.output import print_import_result, print_json
from jiandu.cli.search_cmd import search_command
from jiandu.cli.users_cmd import units_app, users_app
from jiandu.config import Settings, load_settings
from jiandu.demo.accounts import ACCOUNTS_FILE
from jiandu.demo.province import DEFAULT_SEED, DEFAULT_SIZE
from jiandu.demo.run import DemoReport, run_demo
from jiandu.demo.world import DEMO_AS_OF
from jiandu.errors import CatalogError
from jiandu.ingest.importer import ImportRequest, SqlSource, import_batch
from jiandu.models import library_models
from jiandu.workspace import init_workspace, open_workspace

app = typer.Typer(
    name="jiandu",
    help="监督 jiandu — 大数据法律监督平台 / big-data legal supervision platform",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
types_app = typer.Typer(help="数据类型（数据交换标准）/ dataset types", no_args_is_help=True)
app.add_typer(types_app, name="types")
app.add_typer(models_app, name="models")
app.add_typer(users_app, name="users")
app.add_typer(units_app, name="units")
app.add_typer(audit_app, name="audit")
app.add_typer(clues_app, name="clues")
app.add_typer(cases_app, name="cases")
app.add_typer(judgments_app, name="judgments")
app.add_typer(entities_app, name="entities")
app.command("search")(search_command)
app.add_typer(schedules_app, name="schedules")
app.command("worker")(worker)

console = Console()
JsonFlag = Annotated[bool, typer.Option("--json", help="机器可读的 JSON 输出 / JSON output")]


@app.command()
def init() -> None:
    """初始化工作目录与元数据库 / create JIANDU_HOME and bring the metadata DB up to date."""
    settings = load_settings()
    report = init_workspace(settings)
    record_cli_action(settings, "system.init", detail={"revision": report.revision})
    console.print(f"[green]✓[/] 工作目录 home: {settings.home}")
    console.print(
        f"[green]✓[/] 元数据库 metadata DB: {report.database} (revision {report.revision})"
    )
    if report.swept:
        console.print(f"  清理未提交的残留 removed {report.swept} uncommitted leftovers")


@app.command("import")
def import_(
    dataset_type: Annotated[str, typer.Argument(help="数据类型 id, e.g. pension_payment")],
    files: Annotated[list[Path] | None, typer.Argument(help="源文件 / source files")] = None,
    source: Annotated[str | None, typer.Option(help="来源单位 / source name")] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="表头映射文件 YAML/JSON {表头: 字段} / header mapping")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="只读此工作表 / only this Excel sheet")] = None,
    encoding: Annotated[
        str | None, typer.Option(help="强制编码 / force encoding (utf-8, gb18030…)")
    ] = None,
    db_url: Annotated[
        str | None, typer.Option("--db-url", help="从数据库导入 / SQLAlchemy URL to read from")
    ] = None,
    table: Annotated[str | None, typer.Option(help="数据库表名 / table (with --db-url)")] = None,
    query: Annotated[
        str | None, typer.Option(help="单条 SELECT 查询 / one SELECT (with --db-url)")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """导入数据，生成一个批次 / import files (or a DB table) as one batch."""
    settings = load_settings()
    open_workspace(settings)
    known = all_types(settings)
    if dataset_type not in known:
        raise CatalogError(
            f"未知的数据类型 {dataset_type!r}；可用类型见 `jiandu types list`",
            f"unknown dataset type {dataset_type!r}; see `jiandu types list`",
        )
    known[dataset_type].check_importable()
    sql = None
    if db_url is not None:
        if files or (table is None) == (query is None):
            raise CatalogError(
                "使用 --db-url 时请给出 --table 或 --query 之一，且不要同时给文件",
                "with --db-url give exactly one of --table or --query, and no files",
            )
        sql = SqlSource(url=db_url, table=table, query=query)
    elif not files:
        raise CatalogError("请给出要导入的文件", "give at least one file to import")
    request = ImportRequest(
        dataset_type=known[dataset_type],
        files=tuple(files or ()),
        sql=sql,
        source_name=source,
        mapping_file=mapping,
        sheet=sheet,
        encoding=encoding,
    )
    with audited(settings, "data.import", object_kind="batch") as note:
        note.detail = {"dataset_type": dataset_type, "files": len(request.files), "sql": bool(sql)}
        if as_json:
            result = import_batch(settings, request)
        else:
            with console.status("导入中 importing…") as status:
                result = import_batch(settings, request, progress=status.update)
        note.object_id = result.batch_id
        note.detail |= import_detail(result)
    if result.status == "committed":
        # The search index, near-duplicate groups and entities follow every import.
        from jiandu.derived import refresh_quietly  # noqa: PLC0415 - heavy, only here

        refresh_quietly(settings)
    if as_json:
        print_json(result.__dict__)
        return
    print_import_result(console, result)


@app.command()
def datasets(
    dataset_id: Annotated[
        str | None, typer.Argument(help="显示一个数据集的字段与个人信息类别 / show one dataset")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """数据资源目录 / the data resource directory: datasets in the pool."""
    settings = load_settings()
    if dataset_id is not None:
        _print_dataset(open_workspace(settings).dataset(dataset_id), as_json)
        return
    summaries = open_workspace(settings).datasets()
    if as_json:
        print_json([asdict(s) for s in summaries])
        return
    if not summaries:
        console.print("数据池为空，先运行 `jiandu import` / the pool is empty: run `jiandu import`")
        return
    table = Table(title="数据资源目录 Data resource directory")
    for heading in (
        "数据集 id",
        "名称 name",
        "密级 level",
        "批次 batches",
        "行数 rows",
        "拒绝 rejected",
        "最近导入 last import",
    ):
        table.add_column(heading)
    for s in summaries:
        table.add_row(
            s.id,
            s.name_zh,
            SENSITIVITY_LABELS.get(s.sensitivity, s.sensitivity),
            str(s.batch_count),
            f"{s.rows_accepted:,}",
            f"{s.rows_rejected:,}",
            s.last_import_at.strftime("%Y-%m-%d %H:%M") if s.last_import_at else "—",
        )
    console.print(table)


PII_LABELS = {"id": "身份证件 id", "contact": "联系方式 contact", "name": "姓名 name", "none": ""}


def _print_dataset(detail: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(detail)
        return
    level = SENSITIVITY_LABELS.get(detail["sensitivity"], detail["sensitivity"])
    table = Table(title=f"{detail['name_zh']} {detail['name_en']} ({detail['id']}) · 密级 {level}")
    for heading in ("字段 field", "中文", "类型 type", "个人信息 PII", "来源 origin"):
        table.add_column(heading)
    for f in detail["fields"]:
        origin = "源文件附加列 extra" if f["origin"] == "extra" else "标准 standard"
        table.add_row(f["name"], f["label_zh"], f["semantic_type"], PII_LABELS[f["pii"]], origin)
    console.print(table)


@app.command()
def batches(
    dataset: Annotated[str, typer.Argument(help="数据集 id")], as_json: JsonFlag = False
) -> None:
    """某数据集的导入批次 / the batches of one dataset."""
    settings = load_settings()
    rows = open_workspace(settings).batches(dataset)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{dataset} 批次 batches")
    for heading in (
        "批次 batch",
        "状态 status",
        "读取 read",
        "接收 accepted",
        "拒绝 rejected",
        "来源 source",
        "时间 at",
    ):
        table.add_column(heading)
    for row in rows:
        table.add_row(
            row["id"],
            row["status"],
            f"{row['rows_read']:,}",
            f"{row['rows_accepted']:,}",
            f"{row['rows_rejected']:,}",
            row["source_name"] or "—",
            row["created_at"][:16],
        )
    console.print(table)


@app.command()
def rejects(
    batch_id: Annotated[str, typer.Argument(help="批次 id")],
    limit: Annotated[int, typer.Option(help="最多显示行数 / rows to show")] = 20,
    as_json: JsonFlag = False,
) -> None:
    """被拒行及原因 / rejected rows of a batch with file, row, field and reason."""
    settings = load_settings()
    rows = open_workspace(settings).rejects(batch_id, limit)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{batch_id} 被拒行 rejected rows")
    for heading in ("来源 source", "行 row", "字段 field", "原值 value", "原因 reason"):
        table.add_column(heading)
    for row in rows:
        table.add_row(
            row["source"],
            str(row["row"]),
            row["field"],
            row["value"] or "∅",
            f"{row['zh']} / {row['en']}",
        )
    console.print(table)


@types_app.command("list")
def types_list(as_json: JsonFlag = False) -> None:
    """列出数据类型 / list dataset types."""
    known = all_types(load_settings())
    if as_json:
        print_json(
            [{"id": t.id, "name_zh": t.name_zh, "name_en": t.name_en} for t in known.values()]
        )
        return
    table = Table(title="数据类型 Dataset types")
    for heading in ("id", "名称", "name", "字段 fields"):
        table.add_column(heading)
    for t in known.values():
        table.add_row(t.id, t.name_zh, t.name_en, str(len(t.fields)))
    console.print(table)


@types_app.command("show")
def types_show(type_id: str, as_json: JsonFlag = False) -> None:
    """显示一个数据类型的字段 / show one dataset type's fields."""
    known = all_types(load_settings())
    if type_id not in known:
        raise CatalogError(f"未知的数据类型 {type_id!r}", f"unknown dataset type {type_id!r}")
    dataset_type = known[type_id]
    if as_json:
        print_json(dataset_type.model_dump(mode="json"))
        return
    table = Table(title=f"{dataset_type.name_zh} {dataset_type.name_en} ({dataset_type.id})")
    for heading in ("字段 field", "类型 type", "中文", "必填 required", "PII", "同义表头 synonyms"):
        table.add_column(heading)
    for f in dataset_type.fields:
        table.add_row(
            f.name, f.type, f.label_zh, "✓" if f.required else "", f.pii, "、".join(f.synonyms[:6])
        )
    console.print(table)


@types_app.command("register")
def types_register(path: Path) -> None:
    """注册自定义数据类型 (YAML) / register a custom dataset type."""
    settings = load_settings()
    open_workspace(settings)
    dataset_type = register_type(settings, path)
    console.print(f"[green]✓[/] 已注册 registered {dataset_type.id} ({dataset_type.name_zh})")


@app.command()
def demo(
    size: Annotated[
        int, typer.Option(min=1000, help="数据池行数 / rows in the demo pool")
    ] = DEFAULT_SIZE,
    seed: Annotated[int, typer.Option(help="随机种子 / seed (same seed, same province)")] = (
        DEFAULT_SEED
    ),
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="不启动网页 / do not start the web UI")
    ] = False,
    host: Annotated[str, typer.Option(help="网页监听地址 / address to serve on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="网页端口 / port")] = 8000,
    as_json: JsonFlag = False,
) -> None:
    """演示：生成演示省数据、导入、运行全部模型并与真值比对，然后启动网页 / demo: generate a
    synthetic province, import it, run every model, score the clues against the planted
    truth, then serve the web UI with the demo's accounts."""
    settings = load_settings()
    say = (
        (lambda _message: None)
        if as_json
        else (lambda message: console.print(f"[dim]…[/] {message}"))
    )
    report = run_demo(settings, size=size, seed=seed, say=say)
    payload = report.as_dict()
    (settings.home / "demo-report.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    if as_json:
        print_json(payload)
        return
    _print_demo_imports(report)
    _print_demo_scores(report)
    seconds = " · ".join(f"{name} {value:.1f}s" for name, value in report.seconds.items())
    console.print(f"耗时 time: {seconds} · 报告 report: {settings.home / 'demo-report.json'}")
    _print_demo_accounts(report, settings.home / ACCOUNTS_FILE)
    if not no_serve:
        _serve(settings, host, port, secure_cookies=False)


def _print_demo_accounts(report: DemoReport, path: Path) -> None:
    table = Table(title=f"演示账户 Demo accounts ({path})")
    for heading in ("用户名 user", "密码 password", "单位 unit", "用途 for"):
        table.add_column(heading, overflow="fold")
    for account in report.accounts:
        table.add_row(
            account.username,
            account.password,
            account.unit_id,
            f"{account.purpose_zh}\n[dim]{account.purpose_en}[/]",
        )
    console.print(table)


def _print_demo_imports(report: DemoReport) -> None:
    table = Table(title="数据导入 Imports")
    table.add_column("数据集 dataset / 文件 file", overflow="fold")
    for heading in ("读取\nread", "接收\naccepted", "拒绝\nrejected"):
        table.add_column(heading, justify="right", no_wrap=True)
    files = {e.dataset_type: e.path.name for e in report.province.exports}
    for type_id, result in report.imports:
        name = f"{type_id}\n[dim]{escape(files[type_id])}[/]"
        if result.status == "duplicate":
            table.add_row(name, "—", "已导入\nalready imported", "—")
            continue
        table.add_row(
            name, f"{result.rows_read:,}", f"{result.rows_accepted:,}", f"{result.rows_rejected:,}"
        )
    console.print(table)


def _print_demo_scores(report: DemoReport) -> None:
    assert report.models is not None
    names = {m.id: m.name_zh for m in library_models().values()}
    table = Table(title=f"监督模型与真值比对 Models against the planted truth ({DEMO_AS_OF})")
    table.add_column("模型 model", overflow="fold")
    headings = ("线索\nclues", "预置\nplanted", "命中\nfound", "精确率\nprecision",
                "召回率\nrecall", "误报干扰项\ndecoys hit")  # fmt: skip
    for heading in headings:
        table.add_column(heading, justify="right", no_wrap=True)
    for score in report.scores:
        flagged = sum(len(keys) for keys in score.decoys_flagged.values())
        table.add_row(
            f"{names.get(score.model_id, '')}\n[dim]{score.model_id}[/]",
            f"{score.clues:,}",
            f"{score.planted:,}",
            f"{score.true_positives:,}",
            f"{score.precision:.1%}",
            f"{score.recall:.1%}",
            str(flagged),
        )
    for item in report.models.failed:
        table.add_row(item["model_id"], escape(f"{item['zh']} / {item['en']}"), *[""] * 5)
    for item in report.models.skipped:
        needs = escape(f"缺少数据 needs data: {', '.join(item['missing'])}")
        table.add_row(item["model_id"], needs, *[""] * 5)
    console.print(table)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="监听地址 / address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="端口 / port")] = 8000,
    secure_cookies: Annotated[
        bool,
        typer.Option(
            "--secure-cookies",
            help="会话 Cookie 始终标记 Secure（在 TLS 反向代理之后）/ always mark session "
            "cookies Secure (behind a TLS-terminating proxy)",
        ),
    ] = False,
    processes: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="服务进程数（多核时提高并发；各进程另有 JIANDU_WORKERS 个任务线程）/ server "
            "processes (more requests at once on several cores; each also runs JIANDU_WORKERS "
            "job threads)",
        ),
    ] = 1,
) -> None:
    """启动网页平台与接口 / serve the web platform (UI and API)."""
    settings = load_settings()
    open_workspace(settings)  # refuses an uninitialised or outdated workspace
    _serve(settings, host, port, secure_cookies=secure_cookies, processes=processes)


def _serve(
    settings: Settings, host: str, port: int, *, secure_cookies: bool, processes: int = 1
) -> None:
    import uvicorn  # noqa: PLC0415 - only serving needs the server

    from jiandu.web import app as web  # noqa: PLC0415 - nor the web app

    where = f"http://{host}:{port}/"
    if processes == 1:
        app_ = web.create_app(settings, secure_cookies=True if secure_cookies else None)
        console.print(f"[green]✓[/] jiandu 网页 web UI: [bold]{where}[/] (Ctrl+C 停止 stop)")
        uvicorn.run(app_, host=host, port=port, log_level="warning", server_header=False)
        return
    # Several processes: uvicorn spawns them, and each builds its app from the environment
    # (the settings came from it too), told how many they are and about the cookies.
    os.environ[web.PROCESSES_ENV] = str(processes)
    os.environ[web.SECURE_COOKIES_ENV] = "1" if secure_cookies else "0"
    web.create_app(settings)  # refuse a broken setup here, once, not in every process
    console.print(
        f"[green]✓[/] jiandu 网页 web UI: [bold]{where}[/] · {processes} 进程 processes "
        "(Ctrl+C 停止 stop)"
    )
    uvicorn.run(
        "jiandu.web.app:served_app", factory=True, workers=processes, host=host, port=port,
        log_level="warning", server_header=False,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> Any:
    """Entry point: every command runs behind the one error handler."""
    return run_guarded(app, sys.argv[1:] if argv is None else argv, console)
