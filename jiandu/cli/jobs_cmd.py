"""`jiandu worker` (a standalone queue consumer) and `jiandu schedules list|add|remove`.

A worker runs the jobs the web server queues (imports, model runs, scheduled runs) in
its own process, on the queue `JIANDU_QUEUE_URL` names (default beside the metadata
store): province deployments run several, the servers with `JIANDU_WORKERS=0`. A
schedule runs as the user `--as` names, who must hold `models.run` and, for one model,
be able to run it now (checked as the web API checks it).
"""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select

from jiandu.cli.audit_cmd import record_cli_action
from jiandu.cli.output import print_json
from jiandu.config import load_settings
from jiandu.jobs.runner import JobRunner
from jiandu.jobs.schedules import ScheduleError, create_schedule, schedule_json
from jiandu.jobs.settings import load_queue_settings
from jiandu.jobs.worker import run_standalone
from jiandu.security.errors import NotFound, PermissionDenied
from jiandu.security.permissions import Permission
from jiandu.security.principal import principal_for
from jiandu.security.users import get_user_by_username
from jiandu.store.db import session_scope
from jiandu.store.schema import JobSchedule
from jiandu.workspace import open_workspace

schedules_app = typer.Typer(help="定时任务 / job schedules", no_args_is_help=True)
console = Console()

JsonFlag = Annotated[bool, typer.Option("--json", help="机器可读的 JSON 输出 / JSON output")]
KINDS = ("model.run", "models.run_all")


def _load_kinds() -> None:
    """Register the job kinds, which live beside the routes that submit them."""
    import jiandu.web.app  # noqa: F401, PLC0415 - importing the routes registers the kinds


def worker(
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, max=64, help="线程数 / worker threads")
    ] = 2,
) -> None:
    """运行任务队列的工作进程（Ctrl+C 或 SIGTERM 停止）/ run a job queue worker."""
    settings = load_settings()
    workspace = open_workspace(settings)
    _load_kinds()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    runner = JobRunner(workspace.engine, settings, queue=load_queue_settings())
    console.print(f"[green]✓[/] jiandu worker: {workers} 线程 threads (Ctrl+C 停止 stop)")
    run_standalone(runner, workers)


@schedules_app.command("list")
def list_schedules(as_json: JsonFlag = False) -> None:
    """列出定时任务 / list schedules."""
    engine = open_workspace(load_settings()).engine
    with session_scope(engine) as session:
        rows = [schedule_json(r) for r in session.scalars(select(JobSchedule))]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "cron", "周期 when", "kind", "title", "by", "on", "next", "last job")
    for row in rows:
        table.add_row(
            row["id"], row["cron"], row["cron_zh"], row["kind"], escape(row["title_zh"]),
            row["created_by"],
            "✓" if row["enabled"] else "-", row["next_fire_at"] or "-",
            row["last_job_id"] or "-",
        )  # fmt: skip
    console.print(table)


def _param(text: str) -> tuple[str, Any]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise ScheduleError(f"参数须为 name=value：{text!r}", f"a param is name=value: {text!r}")
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value


@schedules_app.command("add")
def add_schedule(
    cron: Annotated[str, typer.Argument(help="分 时 日 月 周，如 '0 2 * * *' / cron")],
    kind: Annotated[str, typer.Argument(help="model.run | models.run_all")],
    as_user: Annotated[str, typer.Option("--as", help="以此用户运行 / run as this user")],
    model: Annotated[str | None, typer.Option(help="模型 id（model.run）/ model id")] = None,
    version: Annotated[int | None, typer.Option(help="版本，默认最新 / version")] = None,
    params: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="参数 name=value / parameter")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """新增定时任务 / add a schedule."""
    settings = load_settings()
    engine = open_workspace(settings).engine
    _load_kinds()
    from jiandu.web.routes.models_routes import runnable_entry  # noqa: PLC0415 - after kinds

    if kind not in KINDS:
        names = ", ".join(KINDS)
        raise ScheduleError(f"只能定时 {names}", f"only {names} can be scheduled")
    values = dict(_param(p) for p in params or ())
    with session_scope(engine) as session:
        user = get_user_by_username(session, as_user)
        if user is None:
            raise NotFound("user", as_user)
        principal = principal_for(session, user)
        if not principal.can(Permission.MODELS_RUN):
            raise PermissionDenied(Permission.MODELS_RUN)
        if kind == "model.run":
            if not model:
                raise ScheduleError("请用 --model 给出模型", "give the model with --model")
            entry = runnable_entry(session, settings, principal, model, version, values, None)
            job_params: dict[str, Any] = {"model_id": entry.id, "version": version,
                                          "params": values, "as_of": None}  # fmt: skip
            title = (f"运行模型 {entry.spec.name_zh}", f"Run model {entry.spec.name_en}")
        else:
            job_params, title = {"as_of": None}, ("运行全部模型", "Run all models")
        row = create_schedule(
            session, cron=cron, kind=kind, params=job_params, title_zh=title[0],
            title_en=title[1], user_id=principal.user_id, unit_id=principal.unit_id,
        )  # fmt: skip
        made = schedule_json(row)
    record_cli_action(settings, "schedule.create", object_kind="schedule", object_id=made["id"],
                      detail={"kind": kind, "cron": made["cron"], "as": as_user})  # fmt: skip
    if as_json:
        print_json(made)
        return
    name, upcoming = escape(made["title_zh"]), made["next_fire_at"]
    console.print(f"[green]✓[/] {made['id']}: {name} — 下次 next {upcoming}")


@schedules_app.command("remove")
def remove_schedule(schedule_id: Annotated[str, typer.Argument(help="定时任务 id")]) -> None:
    """删除定时任务 / remove a schedule."""
    settings = load_settings()
    engine = open_workspace(settings).engine
    with session_scope(engine) as session:
        row = session.get(JobSchedule, schedule_id)
        if row is None:
            raise NotFound("schedule", schedule_id)
        session.delete(row)
    record_cli_action(settings, "schedule.delete", object_kind="schedule", object_id=schedule_id)
    console.print(f"[green]✓[/] {schedule_id} 已删除 removed")
