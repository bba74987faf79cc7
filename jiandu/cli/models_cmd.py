"""`jiandu models …`: list, show, validate, import, run, preview, history, backtest."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from jiandu.catalog.registry import all_types
from jiandu.cli.audit_cmd import audited, record_run_all, run_detail
from jiandu.cli.clues_cmd import print_sync, sync_runs
from jiandu.cli.output import print_json
from jiandu.config import load_settings
from jiandu.models.backtest import BacktestReport, backtest
from jiandu.models.errors import ModelError
from jiandu.models.history import RunRecord, get_run, latest_successful_run, run_history
from jiandu.models.registry import ModelEntry, available_models, check_model_file, get_model
from jiandu.models.registry import import_model as store_model
from jiandu.models.runner import (
    FunnelStep,
    compile_for,
    preview_model,
    run_all,
    run_model,
)
from jiandu.models.spec import ModelSpec
from jiandu.store.db import session_scope
from jiandu.workspace import Workspace, open_workspace

models_app = typer.Typer(help="监督模型 / supervision models", no_args_is_help=True)
console = Console()

JsonFlag = Annotated[bool, typer.Option("--json", help="机器可读的 JSON 输出 / JSON output")]
ParamsOption = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", help="参数 name=value，可重复 / parameter, repeatable"),
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="基准日 YYYY-MM-DD，默认今天 / reference date")
]
_TRUE = {"true", "1", "yes", "y", "是"}
_FALSE = {"false", "0", "no", "n", "否"}


def _workspace() -> Workspace:
    return open_workspace(load_settings())


def _entry(workspace: Workspace, model_id: str, version: int | None = None) -> ModelEntry:
    with session_scope(workspace.engine) as session:
        return get_model(session, model_id, version)


def parse_params(spec: ModelSpec, pairs: list[str] | None) -> dict[str, Any]:
    """`name=value` pairs as the declared parameter types expect them."""
    types = {p.name: p.type for p in spec.parameters}
    values: dict[str, Any] = {}
    for pair in pairs or []:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ModelError(
                f"参数应写作 name=value：{pair!r}", f"write parameters as name=value: {pair!r}"
            )
        kind = types.get(name)
        values[name] = _parse_value(name, kind, text.strip())
    return values


def _parse_value(name: str, kind: str | None, text: str) -> Any:
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            raise ModelError(
                f"参数 {name} 应为整数：{text!r}", f"parameter {name} must be an integer: {text!r}"
            ) from None
    if kind == "bool":
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise ModelError(
            f"参数 {name} 应为 true/false：{text!r}",
            f"parameter {name} must be true/false: {text!r}",
        )
    if kind == "text_list":
        return [item.strip() for item in text.split(",") if item.strip()]
    # decimal, date and text are checked by resolve_params; unknown names are refused there.
    return text


def _as_of(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ModelError(
            f"--as-of 应为 YYYY-MM-DD：{text!r}", f"--as-of must be YYYY-MM-DD: {text!r}"
        ) from None


def _summary(entry: ModelEntry) -> dict[str, Any]:
    spec = entry.spec
    return {
        "id": spec.id,
        "version": spec.version,
        "origin": entry.origin,
        "name_zh": spec.name_zh,
        "name_en": spec.name_en,
        "sources": sorted(set(spec.sources.values())),
        "visibility": spec.visibility,
        "owner_unit": spec.owner_unit,
    }


@models_app.command("list")
def list_models(as_json: JsonFlag = False) -> None:
    """列出模型（内置与导入，各取最新版本）/ list models (newest version of each)."""
    with session_scope(_workspace().engine) as session:
        entries = list(available_models(session).values())
    if as_json:
        print_json([_summary(e) for e in entries])
        return
    table = Table(title="监督模型 Supervision models")
    for heading in ("id", "版本 v", "名称 name", "来源 origin", "数据 datasets"):
        table.add_column(heading)
    for e in entries:
        table.add_row(
            e.id,
            str(e.version),
            f"{e.spec.name_zh} / {e.spec.name_en}",
            e.origin,
            ", ".join(sorted(set(e.spec.sources.values()))),
        )
    console.print(table)


@models_app.command("show")
def show(
    model_id: Annotated[str, typer.Argument(help="模型 id")],
    version: Annotated[int | None, typer.Option(help="版本，默认最新 / version")] = None,
    sql: Annotated[bool, typer.Option("--sql", help="显示编译后的 SQL / compiled SQL")] = False,
    dialect: Annotated[str, typer.Option(help="duckdb 或 spark")] = "duckdb",
    params: ParamsOption = None,
    as_json: JsonFlag = False,
) -> None:
    """显示模型定义（可选编译后的 SQL）/ show a model (and its compiled SQL)."""
    workspace = _workspace()
    entry = _entry(workspace, model_id, version)
    compiled = compile_for(workspace, entry.spec, parse_params(entry.spec, params), None)
    text = compiled.sql(dialect) if sql else None
    if as_json:
        payload = {
            **_summary(entry),
            "definition": entry.spec.model_dump(mode="json", by_alias=True, exclude_none=True),
            "steps": [s.name for s in compiled.steps],
        }
        if text is not None:
            payload["sql"] = {"dialect": dialect, "text": text}
        print_json(payload)
        return
    spec = entry.spec
    console.print(
        f"[bold]{escape(spec.name_zh)}[/] {escape(spec.name_en)} "
        f"({spec.id} v{spec.version}, {entry.origin})"
    )
    console.print("法律依据 legal basis: " + escape("；".join(spec.legal_basis)))
    console.print(escape(spec.explanation_zh))
    for p in spec.parameters:
        console.print(
            f"  参数 param ${p.name} = {p.default!r}  {escape(p.label_zh)} / {escape(p.label_en)}"
        )
    for step in compiled.steps:
        console.print(f"  步骤 step {step.name}: {escape(step.label_zh)} / {escape(step.label_en)}")
    if text is not None:
        console.rule(dialect)
        console.print(text, markup=False, highlight=False)


@models_app.command("validate")
def validate(
    path: Annotated[Path, typer.Argument(help="模型文件 YAML / model file")],
    as_json: JsonFlag = False,
) -> None:
    """校验模型文件（不写入）/ check a model file without storing it."""
    spec = check_model_file(path, all_types(load_settings()))
    if as_json:
        print_json({"valid": True, "id": spec.id, "version": spec.version})
        return
    console.print(f"[green]✓[/] 模型有效 valid: {spec.id} v{spec.version} ({escape(spec.name_zh)})")


@models_app.command("import")
def import_model(
    path: Annotated[Path, typer.Argument(help="模型文件 YAML / model file")],
    as_json: JsonFlag = False,
) -> None:
    """导入模型的一个新版本 / validate and store a model version."""
    workspace = _workspace()
    with session_scope(workspace.engine) as session:
        outcome = store_model(session, path, all_types(workspace.settings))
    entry = outcome.entry
    if as_json:
        print_json({**_summary(entry), "created": outcome.created})
        return
    if outcome.created:
        console.print(f"[green]✓[/] 已导入 imported {entry.id} v{entry.version}")
    else:
        console.print(
            f"[yellow]=[/] {entry.id} v{entry.version} 已存在且内容相同 / "
            "already present, unchanged"
        )


def _funnel_table(funnel: list[FunnelStep] | list[dict[str, Any]]) -> Table:
    table = Table(title="漏斗 Funnel")
    for heading in ("步骤 step", "说明 label", "行数 rows"):
        table.add_column(heading)
    for line in funnel:
        item = asdict(line) if isinstance(line, FunnelStep) else line
        table.add_row(
            item["step"], escape(f"{item['label_zh']} / {item['label_en']}"), f"{item['rows']:,}"
        )
    return table


def _print_run(record: RunRecord) -> None:
    console.print(
        f"[green]✓[/] {record.model_id} v{record.model_version} 运行 run [bold]{record.run_id}[/]: "
        f"命中 hits {record.hit_count:,} ({(record.duration_ms or 0) / 1000:.1f}s)"
    )
    console.print(_funnel_table(record.funnel))
    for branch, count in record.branch_counts.items():
        console.print(f"  分支 branch {branch}: {count:,}")
    console.print(f"  命中文件 hits file: {record.hits_path}")


@models_app.command("run")
def run(
    model_id: Annotated[str | None, typer.Argument(help="模型 id")] = None,
    all_models: Annotated[
        bool, typer.Option("--all", help="运行所有有数据的模型 / every model with data")
    ] = False,
    version: Annotated[int | None, typer.Option(help="版本，默认最新 / version")] = None,
    params: ParamsOption = None,
    as_of: AsOfOption = None,
    as_json: JsonFlag = False,
) -> None:
    """在数据池上运行模型并记录 / run a model over the pool and record the run."""
    if all_models == (model_id is not None):
        raise ModelError("请给出模型 id 或 --all（二选一）", "give a model id or --all, not both")
    workspace = _workspace()
    if model_id is None:
        report = run_all(workspace, as_of=_as_of(as_of))
        record_run_all(workspace.settings, report)
        synced = sync_runs(workspace, [r.run_id for r in report.runs])
        if as_json:
            print_json(
                {
                    "runs": [asdict(r) for r in report.runs],
                    "skipped": report.skipped,
                    "failed": report.failed,
                }
            )
        else:
            for record, clues in zip(report.runs, synced, strict=True):
                _print_run(record)
                print_sync(clues)
            for item in report.skipped + report.failed:
                console.print(
                    f"[yellow]-[/] {item['model_id']}: {escape(item['zh'])} / {escape(item['en'])}"
                )
        if report.failed:
            raise typer.Exit(code=2)
        return
    entry = _entry(workspace, model_id, version)
    with audited(workspace.settings, "model.run", object_kind="model", object_id=model_id) as note:
        record = run_model(workspace, entry, parse_params(entry.spec, params), as_of=_as_of(as_of))
        note.object_kind, note.object_id = "run", record.run_id
        note.detail = run_detail(record)
    clues = sync_runs(workspace, [record.run_id])[0]
    if as_json:
        print_json(asdict(record))
        return
    _print_run(record)
    print_sync(clues)


@models_app.command("preview")
def preview(
    model_id: Annotated[str, typer.Argument(help="模型 id")],
    limit: Annotated[int, typer.Option(help="显示前 N 条命中 / hits to show")] = 20,
    version: Annotated[int | None, typer.Option(help="版本，默认最新 / version")] = None,
    params: ParamsOption = None,
    as_of: AsOfOption = None,
    as_json: JsonFlag = False,
) -> None:
    """试运行：显示漏斗和前 N 条命中，不记录 / dry run: funnel and first hits, not recorded."""
    workspace = _workspace()
    entry = _entry(workspace, model_id, version)
    result = preview_model(
        workspace, entry, parse_params(entry.spec, params), as_of=_as_of(as_of), limit=limit
    )
    if as_json:
        print_json(asdict(result))
        return
    console.print(
        f"试运行（未记录）preview (not recorded): {result.model_id} v{result.model_version}, "
        f"命中 hits {result.hit_count:,}"
    )
    console.print(_funnel_table(result.funnel))
    table = Table(title=f"前 {len(result.hits)} 条命中 first hits")
    for heading in ("分支 branch", "主体 subject", "标题 title", "严重 severity"):
        table.add_column(heading)
    for hit in result.hits:
        table.add_row(
            hit["branch"],
            escape(str(hit["subject_key"])),
            escape(str(hit["title"])),
            hit["severity"],
        )
    console.print(table)


@models_app.command("history")
def history(
    model_id: Annotated[str, typer.Argument(help="模型 id")], as_json: JsonFlag = False
) -> None:
    """模型的运行记录（最新在前）/ the runs of a model, newest first."""
    records = run_history(_workspace(), model_id)
    if as_json:
        print_json([asdict(r) for r in records])
        return
    if not records:
        console.print(f"{model_id} 尚无运行记录 / no runs yet")
        return
    table = Table(title=f"{model_id} 运行记录 runs")
    for heading in (
        "运行 run",
        "版本 v",
        "状态 status",
        "开始 started",
        "耗时 s",
        "命中 hits",
        "说明 note",
    ):
        table.add_column(heading)
    for r in records:
        note = f"{r.error['zh']} / {r.error['en']}" if r.error else ""
        table.add_row(
            r.run_id,
            str(r.model_version),
            r.status,
            r.started_at.strftime("%Y-%m-%d %H:%M"),
            f"{(r.duration_ms or 0) / 1000:.1f}",
            "—" if r.hit_count is None else f"{r.hit_count:,}",
            escape(note),
        )
    console.print(table)


def _format_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


@models_app.command("backtest")
def backtest_cmd(
    model_id: Annotated[str, typer.Argument(help="模型 id")],
    truth: Annotated[Path, typer.Option(help="真值文件 CSV/JSON / ground-truth file")],
    run_id: Annotated[
        str | None, typer.Option("--run", help="运行 id，默认最近成功的一次 / run id")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """回测：命中的精确率与召回率 / precision and recall of a run's hits against a truth file."""
    workspace = _workspace()
    record = get_run(workspace, run_id) if run_id else latest_successful_run(workspace, model_id)
    if record.model_id != model_id or record.hits_path is None:
        raise ModelError(
            f"运行 {record.run_id} 不是模型 {model_id} 的成功运行",
            f"run {record.run_id} is not a succeeded run of model {model_id}",
        )
    hits_file = workspace.settings.home / record.hits_path
    report = backtest(hits_file, truth, model_id, list(record.branch_counts))
    if as_json:
        print_json({"run_id": record.run_id, **asdict(report)})
        return
    _print_backtest(record.run_id, report)


def _print_backtest(run_id: str, report: BacktestReport) -> None:
    console.print(
        f"回测 backtest {report.model_id}（运行 run {run_id}）: 真值 truth confirmed "
        f"{report.positives:,} · rejected {report.negatives:,}"
    )
    table = Table()
    for heading in (
        "范围 scope",
        "命中 hits",
        "已标注 labelled",
        "属实 confirmed",
        "精确率 precision",
        "召回率 recall",
    ):
        table.add_column(heading)
    for score in [report.overall, *report.branches]:
        table.add_row(
            score.branch or "模型 model",
            f"{score.hits:,}",
            f"{score.labelled:,}",
            f"{score.confirmed:,}",
            _format_ratio(score.precision),
            _format_ratio(score.recall),
        )
    console.print(table)
