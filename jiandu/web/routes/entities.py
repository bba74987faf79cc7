"""Entity profiles (一人一档, `/api/entities`): find a person, company or vehicle, read
every record of it across the pool, and its relationship graph.

Scoped like reading rows: the profile is built from the records of the datasets the
caller may see and is cleared for (`security.scope.visible_datasets`), so an entity with
no visible record is answered 404, as one that does not exist, and a unit never sees
what another unit's data says of anyone (`jiandu.entities.profile` explains the rule for
relations). The entity datasets themselves are an index over everybody's data: reading
them needs the clearance of the `entity` dataset, not its ownership.

Results are masked by each row's dataset type — every source row exactly as the rows of
its dataset are masked (`security.masking.dataset_policy`), the names of people (entities,
neighbours, parties) with the name mask, not those of organisations, which are not
personal data — unless the caller holds pii.unmask and asks `unmask=1` (audited as
`pii.unmask`); every masked read is audited as `data.read`, the entity datasets being
sensitive. The audit entry names the entity id (a keyed hash, not personal data), the
datasets and counts; never a name, an ID number or the query text.

`masked_rows`, `find_json`, `profile_json` and `graph_json` turn the room's `Rows` into
JSON, masked or not; the command line (`jiandu entities`) uses them too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import pyarrow as pa
import pyarrow.compute as pc
from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from jiandu.catalog.dataset_type import DatasetType
from jiandu.catalog.registry import all_types
from jiandu.entities import profile
from jiandu.entities.profile import MAX_FIND, MAX_HOPS, MAX_NODES, Neighbourhood, Profile, Rows
from jiandu.security import audit
from jiandu.security.clearance import require_read
from jiandu.security.errors import NotFound
from jiandu.security.masking import dataset_policy, mask_arrow
from jiandu.security.permissions import Permission
from jiandu.security.scope import visible_datasets
from jiandu.store.schema import Dataset
from jiandu.web.guard import Caller, Db, app_state, denied, requires

router = APIRouter(prefix="/api/entities", tags=["entities"])

ENTITY_DATASET = "entity"
# Entity kinds whose names are not personal data.
NOT_PERSONAL = pa.array(["org", "vehicle"])
MAX_QUERY_CHARS = 100


# ---- masking and JSON (shared with the CLI) -----------------------------------------------


def masked_rows(
    rows: Rows, types: Mapping[str, DatasetType], *, unmask: bool = False
) -> list[dict[str, Any]]:
    """`rows` as dicts, masked as rows of `rows.type_id` are (unless `unmask`).

    The type's own columns get its masking policy (PII-derived and unknown columns
    dropped); the columns the room added (`rows.extra`) are masked by their stated class.
    An entity's name is masked only when the entity is a person (or of unknown kind):
    organisation names are not personal data (`security.masking`), and a vehicle's name
    is its plate. A type the catalog no longer knows masks by dropping all its columns.
    """
    if unmask:
        return rows.to_pylist()
    table = rows.table
    own = [c for c in table.column_names if c not in rows.extra]
    dataset_type = types.get(rows.type_id)
    policy: dict[str, str] = (
        dict(dataset_policy(dataset_type, own))
        if dataset_type is not None
        else dict.fromkeys(own, "drop")
    )
    policy |= {c: cls for c, cls in rows.extra.items() if cls != "none" and c in table.column_names}
    masked = mask_arrow(table, policy)
    for column, kind_column in rows.kind_of.items():
        if policy.get(column) != "name" or kind_column not in table.column_names:
            continue
        not_personal = pc.fill_null(pc.is_in(table.column(kind_column), NOT_PERSONAL), False)
        index = masked.column_names.index(column)
        masked = masked.set_column(
            index,
            pa.field(column, pa.string()),
            pc.if_else(
                not_personal, pc.cast(table.column(column), pa.string()), masked.column(index)
            ),
        )
    return masked.to_pylist()  # type: ignore[no-any-return]


def find_json(
    found: Rows, types: Mapping[str, DatasetType], *, unmask: bool = False
) -> list[dict[str, Any]]:
    return masked_rows(found, types, unmask=unmask)


def _fields(dataset_type: DatasetType | None) -> list[dict[str, str]]:
    if dataset_type is None:
        return []
    return [
        {"name": f.name, "label_zh": f.label_zh, "label_en": f.label_en}
        for f in dataset_type.fields
    ]


def profile_json(
    found: Profile,
    types: Mapping[str, DatasetType],
    *,
    unmask: bool = False,
    names: Mapping[str, tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """A profile as JSON: the entity, its records by dataset (each record with its source
    row, or None where the row is gone), relations, related opposing parties, timeline.
    `names` gives datasets' (Chinese, English) names."""
    datasets = []
    for group in found.datasets:
        records = masked_rows(group.records, types, unmask=unmask)
        rows: list[dict[str, Any] | None] = [None] * len(records)
        if group.rows.table.num_columns:  # the source rows (none when every batch is gone)
            rows = list(masked_rows(group.rows, types, unmask=unmask))
        zh, en = (names or {}).get(group.dataset_id, (group.dataset_id, group.dataset_id))
        datasets.append(
            {
                "dataset_id": group.dataset_id,
                "type_id": group.type_id,
                "name_zh": zh,
                "name_en": en,
                "total": group.total,
                "fields": _fields(types.get(group.type_id)),
                "records": [
                    {
                        "record": record,
                        "row": row if row and any(v is not None for v in row.values()) else None,
                    }
                    for record, row in zip(records, rows, strict=True)
                ],
            }
        )
    (entity,) = masked_rows(found.entity, types, unmask=unmask)
    return {
        "entity": entity,
        "complete": found.complete,
        "masked": not unmask,
        "datasets": datasets,
        "relations": masked_rows(found.relations, types, unmask=unmask),
        "relations_total": found.relations_total,
        "party_relations": masked_rows(found.party_relations, types, unmask=unmask),
        "timeline": masked_rows(found.timeline, types, unmask=unmask),
    }


def graph_json(
    found: Neighbourhood, types: Mapping[str, DatasetType], *, unmask: bool = False
) -> dict[str, Any]:
    return {
        "nodes": masked_rows(found.nodes, types, unmask=unmask),
        "edges": masked_rows(found.edges, types, unmask=unmask),
        "truncated": found.truncated,
        "complete": found.complete,
        "masked": not unmask,
    }


# ---- routes -----------------------------------------------------------------------------


def _scope(request: Request, session: Session, caller: Caller, unmask: bool) -> dict[str, Dataset]:
    """The caller's visible datasets, after the unmask and clearance checks."""
    principal = caller.principal
    if unmask and not principal.can(Permission.PII_UNMASK):
        raise denied(request, session, caller, Permission.PII_UNMASK, "pii.unmask")
    index = session.get(Dataset, ENTITY_DATASET)
    types = all_types(app_state(request).settings)
    sensitivity = index.sensitivity if index is not None else types[ENTITY_DATASET].sensitivity
    require_read(principal, sensitivity)
    return {d.id: d for d in visible_datasets(session, principal)}


def _audit(
    session: Session,
    caller: Caller,
    unmask: bool,
    object_id: str,
    detail: dict[str, Any],
) -> None:
    principal = caller.principal
    audit.record(
        session,
        actor=principal.user_id,
        action="pii.unmask" if unmask else "data.read",
        object_kind="entity",
        object_id=object_id[:128],
        unit_id=principal.unit_id,
        detail=detail,
    )


@router.get("")
def find(
    request: Request,
    caller: Annotated[Caller, Depends(requires(Permission.DATASETS_READ))],
    session: Db,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS)],
    kind: Annotated[str | None, Query(pattern="^(person|org|vehicle)$")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_FIND)] = 20,
    unmask: bool = False,
) -> dict[str, Any]:
    """People, organisations and vehicles matching `q`, best first (masked, audited).

    `q` is an entity id, an ID number, USCC, plate or VIN, or a name (exact first, then
    contains); only the records the caller may see count. Masked unless unmasking is
    allowed and asked for."""
    visible = _scope(request, session, caller, unmask)
    state = app_state(request)
    session.commit()  # end the guard's write transaction before the pool work
    found = profile.find_entities(
        state.settings, q, kind=kind, datasets=list(visible), limit=limit, engine=state.engine
    )
    types = all_types(state.settings)
    results = find_json(found, types, unmask=unmask)
    if results or unmask:
        matched = sorted({r["matched"] for r in results})
        _audit(session, caller, unmask, "find",
               {"results": len(results), "kind": kind, "matched": matched})  # fmt: skip
    return {"results": results, "masked": not unmask}


@router.get("/{entity_id}")
def get_entity(
    entity_id: str,
    request: Request,
    caller: Annotated[Caller, Depends(requires(Permission.DATASETS_READ))],
    session: Db,
    per_dataset: Annotated[int, Query(ge=1, le=1000)] = profile.RECORDS_PER_DATASET,
    unmask: bool = False,
) -> dict[str, Any]:
    """One entity's profile (一人一档): its records by dataset, relations, timeline.

    Summary, the records grouped by dataset each with its source row, relations, related
    opposing parties and dates — from the records the caller may see (404 when there is
    none); masked unless unmasking is allowed and asked for (audited)."""
    visible = _scope(request, session, caller, unmask)
    state = app_state(request)
    session.commit()
    found = profile.entity_profile(
        state.settings, entity_id, datasets=list(visible), per_dataset=per_dataset,
        engine=state.engine,
    )  # fmt: skip
    if found is None:
        raise NotFound("entity", entity_id)
    types = all_types(state.settings)
    names = {d.id: (d.name_zh, d.name_en) for d in visible.values()}
    answer = profile_json(found, types, unmask=unmask, names=names)
    _audit(
        session,
        caller,
        unmask,
        entity_id,
        {
            "datasets": [g.dataset_id for g in found.datasets],
            "records": sum(len(g["records"]) for g in answer["datasets"]),
            "relations": len(answer["relations"]),
            "party_relations": len(answer["party_relations"]),
        },
    )
    return answer


@router.get("/{entity_id}/graph")
def get_entity_graph(
    entity_id: str,
    request: Request,
    caller: Annotated[Caller, Depends(requires(Permission.DATASETS_READ))],
    session: Db,
    hops: Annotated[int, Query(ge=1, le=MAX_HOPS)] = 1,
    limit: Annotated[int, Query(ge=1, le=MAX_NODES)] = 300,
    unmask: bool = False,
) -> dict[str, Any]:
    """The entities within `hops` (1-3) relations of one, and the relations among them.

    At most `limit` entities (`truncated` when more exist), from the records the caller
    may see; names masked unless unmasking is allowed and asked for (audited)."""
    visible = _scope(request, session, caller, unmask)
    state = app_state(request)
    session.commit()
    found = profile.neighbourhood(
        state.settings, entity_id, hops=hops, limit=limit, datasets=list(visible),
        engine=state.engine,
    )  # fmt: skip
    if found is None:
        raise NotFound("entity", entity_id)
    answer = graph_json(found, all_types(state.settings), unmask=unmask)
    _audit(session, caller, unmask, entity_id,
           {"graph": True, "hops": hops, "nodes": len(answer["nodes"]),
            "edges": len(answer["edges"])})  # fmt: skip
    return answer
