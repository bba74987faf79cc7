"""`jiandu entities …`: entity profiles (一人一档) on the command line.

`find QUERY` looks up people, companies and vehicles by entity id, ID number, USCC,
plate, VIN or name; `show ENTITY_ID` prints everything the pool holds on one of them
(records by dataset with the source rows, relations, related opposing parties, dates);
`graph ENTITY_ID` its neighbourhood in the relationship graph; `refresh` brings the
entity datasets up to date with the pool (imports do that already).

The command line acts as the machine's operator and sees every dataset; like
`jiandu search`, what it prints is masked — each row as its dataset's rows are masked,
names with the name mask — unless `show` is given `--unmask` with a reason (audited as
`pii.unmask`). The entity modules (DuckDB queries, Splink for `refresh`) are imported
when a command runs, so `jiandu --help` stays fast.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from jiandu.cli.output import print_json
from jiandu.config import load_settings
from jiandu.errors import JianduError
from jiandu.store.db import session_scope
from jiandu.workspace import Workspace, open_workspace

entities_app = typer.Typer(help="实体（一人一档）/ entity profiles", no_args_is_help=True)
console = Console()
JsonFlag = Annotated[bool, typer.Option("--json", help="机器可读的 JSON 输出 / JSON output")]

KIND_LABELS = {"person": "人员 person", "org": "单位 org", "vehicle": "车辆 vehicle"}
MATCH_LABELS = {
    "entity_id": "实体ID id",
    "key": "证件号 key",
    "name": "姓名 name",
    "name_contains": "包含 contains",
}


class EntityNotFound(JianduError):
    """No entity by that id (or none with a record in the pool)."""

    def __init__(self, entity_id: str) -> None:
        super().__init__(f"未找到实体 {entity_id!r}", f"entity {entity_id!r} not found")


def _all_datasets(workspace: Workspace) -> dict[str, tuple[str, str]]:
    """Every dataset of the catalog (the operator sees them all): id -> (zh, en) name."""
    from sqlalchemy import select  # noqa: PLC0415 - only when a command runs

    from jiandu.store.schema import Dataset  # noqa: PLC0415

    with session_scope(workspace.engine) as session:
        query = select(Dataset.id, Dataset.name_zh, Dataset.name_en).order_by(Dataset.id)
        return {d: (zh, en) for d, zh, en in session.execute(query)}


def _text(value: Any) -> str:
    return "—" if value is None or value == "" else escape(str(value))


def _key(row: dict[str, Any]) -> str:
    return next((str(row[k]) for k in ("id_card", "uscc", "vin", "plate") if row.get(k)), "")


@entities_app.command("find")
def find(
    query: Annotated[str, typer.Argument(help="实体ID、身份证号、信用代码、号牌、车架号或名称")],
    kind: Annotated[
        str | None, typer.Option(help="只找 person / org / vehicle / only this kind")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="条数 / results")] = 20,
    as_json: JsonFlag = False,
) -> None:
    """查找人员、单位、车辆 / find people, organisations and vehicles."""
    from jiandu.catalog.registry import all_types  # noqa: PLC0415
    from jiandu.entities.profile import find_entities  # noqa: PLC0415
    from jiandu.web.routes.entities import find_json  # noqa: PLC0415

    settings = load_settings()
    workspace = open_workspace(settings)
    found = find_entities(
        settings, query, kind=kind, datasets=list(_all_datasets(workspace)), limit=limit,
        engine=workspace.engine,
    )  # fmt: skip
    results = find_json(found, all_types(settings))
    if as_json:
        print_json({"results": results, "masked": True})
        return
    if not results:
        console.print("没有找到 / nothing found")
        return
    table = Table(title=f"实体 entities: {len(results)}")
    for heading in ("实体ID id", "类型 kind", "名称 name", "证件 key", "记录 records",
                    "数据集 datasets", "案件 cases", "匹配 matched"):  # fmt: skip
        table.add_column(heading)
    for row in results:
        table.add_row(
            row["entity_id"], KIND_LABELS.get(row["entity_kind"], row["entity_kind"]),
            _text(row["name"]), _text(_key(row)), str(row["record_count"]),
            str(row["dataset_count"]), str(row["case_count"]),
            MATCH_LABELS.get(row["matched"], row["matched"]),
        )  # fmt: skip
    console.print(table)


@entities_app.command("show")
def show(
    entity_id: Annotated[str, typer.Argument(help="实体ID / entity id (P…, O…, V…)")],
    per_dataset: Annotated[
        int, typer.Option(min=1, max=1000, help="每个数据集最多显示几条 / records per dataset")
    ] = 20,
    unmask: Annotated[
        bool, typer.Option("--unmask", help="显示未脱敏内容（需说明理由，记入审计）")
    ] = False,
    reason: Annotated[str | None, typer.Option(help="解除脱敏的理由 / why unmask")] = None,
    as_json: JsonFlag = False,
) -> None:
    """一人一档：实体的全部记录与关系 / one entity's records and relations."""
    from jiandu.catalog.registry import all_types  # noqa: PLC0415
    from jiandu.cli.clues_cmd import cli_principal  # noqa: PLC0415
    from jiandu.entities.profile import entity_profile  # noqa: PLC0415
    from jiandu.security.masking import unmask as allow_unmask  # noqa: PLC0415
    from jiandu.web.routes.entities import profile_json  # noqa: PLC0415

    if unmask and not (reason and reason.strip()):
        raise JianduError("--unmask 须同时给出 --reason", "--unmask needs a --reason")
    settings = load_settings()
    workspace = open_workspace(settings)
    names = _all_datasets(workspace)
    found = entity_profile(
        settings, entity_id, datasets=list(names), per_dataset=per_dataset,
        engine=workspace.engine,
    )  # fmt: skip
    if found is None:
        raise EntityNotFound(entity_id)
    if unmask:
        with session_scope(workspace.engine) as session:
            allow_unmask(
                session,
                cli_principal(),
                object_kind="entity",
                object_id=entity_id,
                fields=["entity", "records", "relations", "party_relations"],
                reason=reason or "",
            )
    answer = profile_json(found, all_types(settings), unmask=unmask, names=names)
    if as_json:
        print_json(answer)
        return
    _print_profile(answer)


def _print_profile(answer: dict[str, Any]) -> None:
    entity = answer["entity"]
    summary = Table(title=f"一人一档 profile: {entity['entity_id']}", show_header=False)
    summary.add_column()
    summary.add_column()
    for label, key in (
        ("类型 kind", "entity_kind"), ("名称 name", "name"), ("身份证号 ID", "id_card"),
        ("信用代码 USCC", "uscc"), ("号牌 plate", "plate"), ("车架号 VIN", "vin"),
        ("记录 records", "record_count"), ("数据集 datasets", "dataset_count"),
        ("案件 cases", "case_count"), ("关联实体 degree", "degree"),
        ("关系网 component", "component_id"), ("关系网规模 size", "component_size"),
        ("关系圈 ring", "ring_id"), ("关系圈规模 ring size", "ring_size"),
    ):  # fmt: skip
        if entity.get(key) is not None:
            summary.add_row(label, _text(KIND_LABELS.get(entity[key], entity[key])))
    console.print(summary)
    if not answer["complete"]:
        console.print("关系图特征只计可见记录 / graph features count visible records only")
    for group in answer["datasets"]:
        table = Table(
            title=f"{escape(group['name_zh'])} {escape(group['dataset_id'])}: "
            f"{len(group['records'])}/{group['total']}",
            show_lines=True,
        )
        for heading in ("角色 role", "案号 case", "日期 date", "归并 match", "记录 row"):
            table.add_column(heading)
        for item in group["records"]:
            record, row = item["record"], item["row"]
            shown = (
                "; ".join(f"{k}={v}" for k, v in row.items() if v is not None)
                if row
                else "（来源批次已不在数据池）/ source batch gone"
            )
            table.add_row(
                _text(record["role"]), _text(record["case_no"]), _text(record["event_date"]),
                f"{record['match']} {record['match_probability']}%", escape(shown),
            )  # fmt: skip
        console.print(table)
    if answer["relations"]:
        table = Table(title=f"关系 relations: {answer['relations_total']}")
        for heading in ("关系 relation", "对方 other", "对方ID id", "案号 case", "来源 source",
                        "次数 times"):  # fmt: skip
            table.add_column(heading)
        for rel in answer["relations"]:
            table.add_row(
                rel["relation"], _text(rel["other_name"]), rel["entity_b"],
                _text(rel["case_no"]), rel["source_dataset"], str(rel["weight"]),
            )  # fmt: skip
        console.print(table)
    if answer["party_relations"]:
        table = Table(title="原被告关联 related opposing parties")
        for heading in ("案号 case", "当事人A party A", "当事人B party B", "经由 via", "路径 path"):
            table.add_column(heading)
        for rel in answer["party_relations"]:
            table.add_row(
                _text(rel["case_no"]),
                f"{_text(rel['party_a_name'])} ({rel['party_a']})",
                f"{_text(rel['party_b_name'])} ({rel['party_b']})",
                _text(rel["via_name"]), _text(rel["path"]),
            )  # fmt: skip
        console.print(table)
    if answer["timeline"]:
        table = Table(title="时间线 timeline")
        for heading in ("日期 date", "数据集 dataset", "角色 role", "案号 case", "记录 records"):
            table.add_column(heading)
        for event in answer["timeline"]:
            table.add_row(
                _text(event["event_date"]), event["source_dataset"], _text(event["role"]),
                _text(event["case_no"]), str(event["records"]),
            )  # fmt: skip
        console.print(table)


@entities_app.command("graph")
def graph(
    entity_id: Annotated[str, typer.Argument(help="实体ID / entity id")],
    hops: Annotated[int, typer.Option(min=1, max=3, help="步数 / hops (1-3)")] = 1,
    limit: Annotated[int, typer.Option(min=1, max=2000, help="最多实体数 / node limit")] = 300,
    as_json: JsonFlag = False,
) -> None:
    """实体的关系网（k 步以内）/ the entities within k hops, and their relations."""
    from jiandu.catalog.registry import all_types  # noqa: PLC0415
    from jiandu.entities.profile import neighbourhood  # noqa: PLC0415
    from jiandu.web.routes.entities import graph_json  # noqa: PLC0415

    settings = load_settings()
    workspace = open_workspace(settings)
    found = neighbourhood(
        settings, entity_id, hops=hops, limit=limit, datasets=list(_all_datasets(workspace)),
        engine=workspace.engine,
    )  # fmt: skip
    if found is None:
        raise EntityNotFound(entity_id)
    answer = graph_json(found, all_types(settings))
    if as_json:
        print_json(answer)
        return
    names = {n["entity_id"]: n["name"] for n in answer["nodes"]}
    nodes = Table(title=f"实体 entities: {len(answer['nodes'])}")
    for heading in (
        "步数 hops",
        "实体ID id",
        "类型 kind",
        "名称 name",
        "关联数 degree",
        "关系圈 ring",
    ):
        nodes.add_column(heading)
    for node in answer["nodes"]:
        nodes.add_row(
            str(node["distance"]), node["entity_id"],
            KIND_LABELS.get(node["entity_kind"], node["entity_kind"]), _text(node["name"]),
            _text(node["degree"]), _text(node["ring_id"]),
        )  # fmt: skip
    console.print(nodes)
    edges = Table(title=f"关系 relations: {len(answer['edges'])}")
    for heading in ("实体A A", "关系 relation", "实体B B", "次数 times", "案件 cases"):
        edges.add_column(heading)
    for edge in answer["edges"]:
        edges.add_row(
            f"{_text(names.get(edge['entity_a']))} ({edge['entity_a']})", edge["relation"],
            f"{_text(names.get(edge['entity_b']))} ({edge['entity_b']})",
            str(edge["weight"]), str(edge["cases"]),
        )  # fmt: skip
    console.print(edges)
    if answer["truncated"]:
        console.print(
            f"[yellow]只显示前 {limit} 个实体 / only the first {limit} entities are shown[/]"
        )


@entities_app.command("refresh")
def refresh(
    force: Annotated[
        bool, typer.Option("--force", help="即使数据池未变也重新计算 / recompute anyway")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """按数据池重新计算实体与关系 / bring the entity datasets up to date with the pool."""
    from jiandu.cli.audit_cmd import cli_actor  # noqa: PLC0415
    from jiandu.entities.refresh import refresh_entities  # noqa: PLC0415 - Splink: only here

    settings = load_settings()
    if as_json:
        report = refresh_entities(settings, user=cli_actor(), force=force)
        print_json(asdict(report))
        return
    with console.status("实体识别中 resolving entities…"):
        report = refresh_entities(settings, user=cli_actor(), force=force)
    if report.status == "unchanged":
        console.print("[green]✓[/] 数据池未变，实体无需更新 / the pool is unchanged: nothing to do")
        return
    console.print(
        f"[green]✓[/] 实体已更新 entities {report.status}: "
        f"{report.mentions:,} 次提及 mentions → {report.entities:,} 个实体 entities, "
        f"{report.edges:,} 条关系 relations, {report.party_relations:,} 对原被告关联 "
        f"related opposing parties ({report.duration_s:.1f}s)"
    )
    for dataset_id, batch_id in report.batches.items():
        console.print(f"  {dataset_id}: 批次 batch {batch_id}")
