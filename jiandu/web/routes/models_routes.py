"""Supervision models over the web: the library, one model, the builder's draft checks,
preview, saving versions, publishing them and running them as background jobs.

Which model versions a caller sees:

- built-in library models (shipped with the package): everyone with models.read;
- stored versions by their `visibility`: `province` — everyone; `unit` — callers who
  see the owner unit (NULL owner: the root unit); `private` — the person who saved it
  (a version imported on the command line, with no author, counts as its owner
  unit's). Anything else answers 404, exactly like a model that does not exist.

The builder sends a draft (`{"spec": {...}}` as the form holds it, or `{"yaml": "..."}`
from the YAML tab). `validate` answers the YAML and the compiled SQL of the draft, or
the first error with where it is (`steps[1].filter`). `preview` runs the draft over the
pool without recording anything, sandboxed exactly as a run (the runner's own
`preview_model`), with the hits masked like a run's. Saving stores a new version
(highest version of the id + 1) owned by the caller's unit, private; publishing widens
a version to the unit or the province (owner unit only). A run is a job: the runner's
`run_model`, then the clue sync, as `jiandu models run` does.

The caller must be able to read every dataset a model reads that holds data before it
is previewed or run: a model run reads the pool's whole dataset, so a unit cannot reach
another unit's data through a model.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, get_args

import pyarrow as pa
import yaml
from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.catalog.dataset_type import DatasetType
from jiandu.catalog.registry import all_types
from jiandu.clues.sync import sync_run
from jiandu.jobs.registry import job_kind
from jiandu.jobs.runner import JobContext
from jiandu.models import library_models
from jiandu.models.compiler import compile_model
from jiandu.models.errors import ModelError
from jiandu.models.lineage import hit_lineage
from jiandu.models.plan import CompiledModel
from jiandu.models.registry import ModelEntry, content_hash, definition_of, stored_spec
from jiandu.models.runner import (
    MissingDataError,
    ModelRunError,
    pool_snapshot,
    preview_model,
    run_model,
)
from jiandu.models.spec import (
    FuzzyMethod,
    JoinHow,
    ModelSpec,
    ParamType,
    Severity,
    Step,
    SubjectType,
    Visibility,
    load_model_text,
    parse_model,
)
from jiandu.security import audit
from jiandu.security.approvals import mask_hits
from jiandu.security.errors import NotFound, PermissionDenied
from jiandu.security.permissions import Permission
from jiandu.security.principal import Principal, principal_for
from jiandu.security.scope import dataset_for, owner
from jiandu.security.users import get_user
from jiandu.store import pool_catalog
from jiandu.store.db import session_scope
from jiandu.store.schema import Model, ModelRun, utcnow
from jiandu.web.guard import Caller, Db, app_state, denied, job_runner, requires
from jiandu.web.names import unit_names
from jiandu.web.routes.runs import run_summary, usernames, visible_runs
from jiandu.workspace import Workspace

router = APIRouter(prefix="/api/models", tags=["models"])

Reader = Annotated[Caller, Depends(requires(Permission.MODELS_READ))]
Writer = Annotated[Caller, Depends(requires(Permission.MODELS_WRITE))]
Runner = Annotated[Caller, Depends(requires(Permission.MODELS_RUN))]

MAX_YAML = 200_000
PREVIEW_LIMIT = 200
# Keys of a definition that saving and publishing set; the rule is everything else.
_STAMPED = ("version", "owner_unit", "visibility")


# ------------------------------------------------------------------------ requests


class Draft(BaseModel):
    """A model being written: the builder form's spec, or YAML text (one of the two)."""

    model_config = ConfigDict(extra="forbid")

    spec: dict[str, Any] | None = Field(default=None, description="the model as JSON")
    yaml: str | None = Field(default=None, max_length=MAX_YAML, description="model YAML")


class PreviewRequest(Draft):
    """A draft (or a stored model by id and version) to preview with parameters."""

    model_id: str | None = Field(default=None, max_length=64)
    version: int | None = Field(default=None, ge=1)
    params: dict[str, Any] = Field(default_factory=dict)
    as_of: date | None = None
    limit: int = Field(default=20, ge=1, le=PREVIEW_LIMIT)


class RunRequest(BaseModel):
    """Which version to run (newest visible when absent) and parameter overrides."""

    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(default=None, ge=1)
    params: dict[str, Any] = Field(default_factory=dict)
    as_of: date | None = None


class PublishRequest(BaseModel):
    """Who may see a stored version from now on."""

    model_config = ConfigDict(extra="forbid")

    visibility: Literal["unit", "province"]


# ------------------------------------------------------------------------ YAML


class _Dumper(yaml.SafeDumper):
    """Model YAML as people write it: key order kept, multi-line text as blocks."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _prune(value: Any) -> Any:
    """Drop empty parts (None, [], {}, '') so the YAML shows only what the model says
    (a parameter's `default` stays, even an empty list: it is required)."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if k == "default" or v not in (None, [], {}, "")}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def to_yaml(data: dict[str, Any]) -> str:
    """A model definition (or a draft's raw data) as model-file YAML."""
    text: str = yaml.dump(
        _prune(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100
    )
    return text


# ------------------------------------------------------------------------ scope


@dataclass(frozen=True)
class Version:
    """One model version the caller may see, with its store row (None: library)."""

    entry: ModelEntry
    row: Model | None


def _row_visible(session: Session, principal: Principal, row: Model) -> bool:
    if principal.all_units or row.visibility == "province":
        return True
    if row.visibility == "private" and row.created_by is not None:
        return row.created_by == principal.user_id
    return principal.sees_unit(owner(session, row.owner_unit))


def visible_versions(session: Session, principal: Principal, model_id: str) -> list[Version]:
    """The versions of `model_id` the caller may see, lowest first."""
    rows = list(session.scalars(select(Model).where(Model.id == model_id)))
    found = {r.version: Version(ModelEntry(stored_spec(r), "imported"), r) for r in rows
             if _row_visible(session, principal, r)}  # fmt: skip
    library = library_models().get(model_id)
    if library is not None and library.version not in {r.version for r in rows}:
        found[library.version] = Version(ModelEntry(library, "library"), None)
    return [found[v] for v in sorted(found)]


def version_for(
    session: Session, principal: Principal, model_id: str, version: int | None = None
) -> tuple[Version, list[Version]]:
    """The version asked for (newest when None) and all visible ones; NotFound otherwise."""
    versions = visible_versions(session, principal, model_id)
    if not versions:
        raise NotFound("model", model_id)
    if version is None:
        return versions[-1], versions
    for item in versions:
        if item.entry.version == version:
            return item, versions
    raise NotFound("model", f"{model_id} v{version}")


def check_readable(session: Session, principal: Principal, spec: ModelSpec) -> None:
    """Refuse a model that reads a dataset holding data the caller may not read."""
    committed = {dataset_id for dataset_id, _b, _p in pool_catalog.committed_batches(session)}
    blocked = []
    for type_id in sorted(set(spec.sources.values())):
        if type_id not in committed:
            continue  # no data: the runner refuses it (or reads it empty when optional)
        try:
            dataset_for(session, principal, type_id)
        except NotFound:
            blocked.append(type_id)
    if blocked:
        raise ModelError(
            f"模型读取的数据集 {', '.join(blocked)} 不在您的数据权限范围内（或无数据），"
            "不能预览或运行；请联系数据所属单位共享",
            f"the model reads datasets outside your data scope (or without data): "
            f"{', '.join(blocked)}; it cannot be previewed or run; ask the owning unit to "
            "share them",
            where="sources",
        )


# ------------------------------------------------------------------------ shapes


def _datasets(spec: ModelSpec, types: dict[str, DatasetType]) -> list[dict[str, str]]:
    return [
        {
            "id": t,
            "name_zh": types[t].name_zh if t in types else t,
            "name_en": types[t].name_en if t in types else t,
        }
        for t in sorted(set(spec.sources.values()))
    ]


def _summary(
    item: Version,
    types: dict[str, DatasetType],
    units: dict[str, str],
    names: dict[str, str],
) -> dict[str, Any]:
    spec, row = item.entry.spec, item.row
    unit = row.owner_unit if row is not None else None
    return {
        "id": spec.id,
        "version": spec.version,
        "origin": item.entry.origin,
        "name_zh": spec.name_zh,
        "name_en": spec.name_en,
        "datasets": _datasets(spec, types),
        "visibility": row.visibility if row is not None else spec.visibility,
        "owner_unit": unit,
        "owner_unit_name": units.get(unit or ""),
        "created_at": row.created_at.isoformat() if row is not None else None,
        "created_by": names.get(row.created_by or "") if row is not None else None,
    }


def _error_json(error: ModelError) -> dict[str, Any]:
    return {"zh": error.zh, "en": error.en, "where": error.where}


def _steps_json(compiled: CompiledModel) -> list[dict[str, Any]]:
    return [
        {
            "name": s.name,
            "kind": s.kind,
            "label_zh": s.label_zh,
            "label_en": s.label_en,
            "columns": list(s.columns),
        }
        for s in compiled.steps
    ]


def _compile(spec: ModelSpec, types: dict[str, DatasetType]) -> CompiledModel:
    return compile_model(spec, types=types, as_of=date.today())


def parse_draft(draft: Draft) -> tuple[ModelSpec, dict[str, Any] | None]:
    """The draft's spec; ModelError naming the first bad place. Also the raw data read
    (None when the YAML itself did not parse), for the builder to show what it got."""
    if (draft.spec is None) == (draft.yaml is None):
        raise ModelError(
            "请给出模型定义：spec（表单）或 yaml（文本），二选一",
            "send the model as spec (the form) or as yaml (text), one of the two",
        )
    if draft.yaml is not None:
        try:
            raw = yaml.safe_load(draft.yaml)
        except yaml.YAMLError:
            raw = None
        return load_model_text(draft.yaml, "YAML"), raw if isinstance(raw, dict) else None
    assert draft.spec is not None
    return parse_model(draft.spec, "spec"), draft.spec


def _raw_of(draft: Draft) -> dict[str, Any] | None:
    if draft.spec is not None:
        return draft.spec
    try:
        raw = yaml.safe_load(draft.yaml or "")
    except yaml.YAMLError:
        return None
    return raw if isinstance(raw, dict) else None


# ------------------------------------------------------------------------ reading


@router.get("")
def list_models(
    request: Request,
    caller: Reader,
    session: Db,
    q: Annotated[str | None, Query(max_length=100)] = None,
    dataset: Annotated[str | None, Query(max_length=64)] = None,
    origin: Annotated[Literal["library", "imported"] | None, Query()] = None,
) -> list[dict[str, Any]]:
    """The model library: built-in models and the stored versions the caller may see,
    newest visible version of each id, with its last run the caller may see. Optional
    filters: `q` (id or name contains), `dataset` (reads this dataset type), `origin`."""
    principal = caller.principal
    types = all_types(app_state(request).settings)
    ids = set(library_models()) | set(session.scalars(select(Model.id).distinct()))
    newest: list[Version] = []
    for model_id in sorted(ids):
        versions = visible_versions(session, principal, model_id)
        if versions:
            newest.append(versions[-1])
    if q:
        needle = q.strip().lower()
        newest = [
            v for v in newest
            if needle in v.entry.id.lower() or needle in v.entry.spec.name_zh.lower()
            or needle in v.entry.spec.name_en.lower()
        ]  # fmt: skip
    if dataset:
        newest = [v for v in newest if dataset in v.entry.spec.sources.values()]
    if origin:
        newest = [v for v in newest if v.entry.origin == origin]
    last: dict[str, ModelRun] = {}
    wanted = [v.entry.id for v in newest]
    if wanted:
        runs = session.scalars(
            visible_runs(session, principal)
            .where(ModelRun.model_id.in_(wanted))
            .order_by(ModelRun.started_at.desc(), ModelRun.id)
        )
        for run in runs:
            last.setdefault(run.model_id, run)
    rows = [v.row for v in newest if v.row is not None]
    units = unit_names(session, {r.owner_unit for r in rows})
    names = usernames(session, {r.created_by for r in rows} | {r.created_by for r in last.values()})
    return [
        {
            **_summary(v, types, units, names),
            "last_run": run_summary(last[v.entry.id], names) if v.entry.id in last else None,
        }
        for v in newest
    ]


@router.get("/builder/catalog")
def builder_catalog(request: Request, caller: Reader, session: Db) -> dict[str, Any]:
    """What the builder offers: every dataset type with its fields (and whether the
    caller can read data of it), and the choices the model format allows (step parts,
    join kinds, parameter types, severities, subject types, visibilities)."""
    principal = caller.principal
    types = all_types(app_state(request).settings)
    committed = {dataset_id for dataset_id, _b, _p in pool_catalog.committed_batches(session)}
    readable = set()
    for type_id in committed:
        try:
            dataset_for(session, principal, type_id)
        except NotFound:
            continue
        readable.add(type_id)
    parts = [
        {"name": name, "description": info.description}
        for name, info in Step.model_fields.items()
        if name not in ("name", "label_zh", "label_en", "from_")
    ]
    return {
        "types": [
            {
                "id": t.id,
                "name_zh": t.name_zh,
                "name_en": t.name_en,
                "has_data": t.id in readable,
                "fields": [
                    {
                        "name": f.name,
                        "type": f.type,
                        "label_zh": f.label_zh,
                        "label_en": f.label_en,
                        "pii": f.pii,
                    }
                    for f in t.fields
                ],
            }
            for t in sorted(types.values(), key=lambda t: t.id)
        ],
        "step_parts": parts,
        "join_how": list(get_args(JoinHow)),
        "fuzzy_methods": list(get_args(FuzzyMethod)),
        "param_types": list(get_args(ParamType)),
        "severities": list(get_args(Severity)),
        "subject_types": list(get_args(SubjectType)),
        "visibilities": list(get_args(Visibility)),
    }


@router.get("/{model_id}")
def get_model_detail(
    model_id: str,
    request: Request,
    caller: Reader,
    session: Db,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> dict[str, Any]:
    """One model version (newest visible by default): description, legal basis,
    parameters, sources, steps with their columns, branches, the YAML, every visible
    version, and whether the caller may publish it."""
    principal = caller.principal
    item, versions = version_for(session, principal, model_id, version)
    types = all_types(app_state(request).settings)
    rows = [v.row for v in versions if v.row is not None]
    units = unit_names(session, {r.owner_unit for r in rows})
    names = usernames(session, {r.created_by for r in rows})
    spec = item.entry.spec
    steps: list[dict[str, Any]] = []
    compile_error = None
    try:
        steps = _steps_json(_compile(spec, types))
    except ModelError as error:
        compile_error = _error_json(error)
    definition = definition_of(spec)
    row = item.row
    may_publish = (
        row is not None
        and principal.can(Permission.MODELS_WRITE)
        and (principal.all_units or owner(session, row.owner_unit) == principal.unit_id)
    )
    return {
        **_summary(item, types, units, names),
        "legal_basis": spec.legal_basis,
        "explanation_zh": spec.explanation_zh,
        "explanation_en": spec.explanation_en,
        "parameters": [p.model_dump(mode="json") for p in spec.parameters],
        "sources": [
            {
                "alias": alias,
                "type": t,
                "optional": alias in spec.optional_sources,
                "name_zh": types[t].name_zh if t in types else t,
                "name_en": types[t].name_en if t in types else t,
            }
            for alias, t in spec.sources.items()
        ],
        "steps": steps,
        "clue": spec.clue.model_dump(mode="json", by_alias=True),
        "kind": "sql" if spec.sql is not None else "steps",
        "definition": definition,
        "yaml": to_yaml(definition),
        "compile_error": compile_error,
        "versions": [_summary(v, types, units, names) for v in reversed(versions)],
        "can_publish": may_publish,
    }


@router.get("/{model_id}/sql")
def get_model_sql(
    model_id: str,
    request: Request,
    caller: Reader,
    session: Db,
    version: Annotated[int | None, Query(ge=1)] = None,
    dialect: Annotated[Literal["duckdb", "spark"], Query()] = "duckdb",
) -> dict[str, Any]:
    """The model compiled to SQL for DuckDB or Spark, with its default parameters."""
    item, _versions = version_for(session, caller.principal, model_id, version)
    session.commit()  # compiling takes a moment: hold no lock meanwhile
    compiled = _compile(item.entry.spec, all_types(app_state(request).settings))
    return {
        "id": item.entry.id,
        "version": item.entry.version,
        "dialect": dialect,
        "sql": compiled.sql(dialect),
    }


# ------------------------------------------------------------------------ drafts


@router.post("/validate")
def validate_draft(draft: Draft, request: Request, caller: Reader, session: Db) -> dict[str, Any]:
    """Check a draft fully (shape, expressions, columns against the dataset types):
    `valid`, the first `error` with where it is, the YAML, the compiled SQL (DuckDB and
    Spark) and the columns of every step. An invalid draft still gets its YAML."""
    session.commit()  # the builder calls this as people type: hold no lock while compiling
    types = all_types(app_state(request).settings)
    raw = _raw_of(draft)
    answer: dict[str, Any] = {
        "valid": False,
        "error": None,
        "yaml": draft.yaml if draft.yaml is not None else to_yaml(raw or {}),
        "definition": raw,
        "sql": None,
        "steps": [],
    }
    try:
        spec, _raw = parse_draft(draft)
        compiled = _compile(spec, types)
    except ModelError as error:
        answer["error"] = _error_json(error)
        return answer
    definition = definition_of(spec)
    answer.update(
        valid=True,
        definition=definition,
        yaml=draft.yaml if draft.yaml is not None else to_yaml(definition),
        sql={"duckdb": compiled.sql("duckdb"), "spark": compiled.sql("spark")},
        steps=_steps_json(compiled),
    )
    return answer


def _json_rows(table: pa.Table) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = jsonable_encoder(table.to_pylist())
    return rows


@router.post("/preview")
def preview(body: PreviewRequest, request: Request, caller: Runner, session: Db) -> dict[str, Any]:
    """Run a draft (or a stored version: `model_id`, `version`) over the pool without
    recording anything: the funnel (rows per step), hits per branch and the first
    hits, masked like a run's. Sandboxed exactly as a run; audited."""
    principal = caller.principal
    settings = app_state(request).settings
    types = all_types(settings)
    if body.model_id is not None:
        item, _versions = version_for(session, principal, body.model_id, body.version)
        entry = item.entry
    else:
        spec, _raw = parse_draft(body)
        _compile(spec, types)
        entry = ModelEntry(spec, "imported")
    check_readable(session, principal, entry.spec)
    # The runner reads the pool catalog in its own transaction: end the request's first,
    # so that it never waits on this one's write lock (the guard touched the session).
    session.commit()
    workspace = Workspace(settings, app_state(request).engine)
    result = preview_model(workspace, entry, body.params, as_of=body.as_of, limit=body.limit)
    source_types = [types[t] for t in sorted(set(entry.spec.sources.values())) if t in types]
    table = pa.Table.from_pylist(result.hits) if result.hits else None
    lineage = hit_lineage(entry.spec, types)
    masked = mask_hits(table, source_types, lineage) if table is not None else None
    audit.record(
        session, actor=principal.user_id, action="model.preview", object_kind="model",
        object_id=entry.id, unit_id=principal.unit_id,
        detail={"model_version": entry.version, "draft": body.model_id is None,
                "hit_count": result.hit_count},
    )  # fmt: skip
    return {
        "model_id": result.model_id,
        "model_version": result.model_version,
        "params": result.params,
        "funnel": [f.__dict__ for f in result.funnel],
        "hit_count": result.hit_count,
        "branch_counts": result.branch_counts,
        "columns": masked.column_names if masked is not None else
                   [c for c in result.columns if c != "evidence"],
        "hits": _json_rows(masked) if masked is not None else [],
        "masked": True,
    }  # fmt: skip


# ------------------------------------------------------------------------ writing


def _rule(definition: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in definition.items() if k not in _STAMPED}


@router.post("", status_code=201)
def save_model(draft: Draft, request: Request, caller: Writer, session: Db) -> dict[str, Any]:
    """Store the draft as a new version of its id (the highest existing version + 1),
    owned by the caller's unit and private; audited. Saving a draft identical to the
    newest version the caller sees stores nothing and answers that version."""
    principal = caller.principal
    spec, _raw = parse_draft(draft)
    types = all_types(app_state(request).settings)
    _compile(spec, types)
    rows = list(session.scalars(select(Model).where(Model.id == spec.id)))
    library = library_models().get(spec.id)
    visible = visible_versions(session, principal, spec.id)
    if (rows or library is not None) and not visible:
        raise ModelError(
            f"模型编号 {spec.id} 已被使用，请换一个编号",
            f"the model id {spec.id} is taken; choose another id",
            where="id",
        )
    if visible and _rule(definition_of(visible[-1].entry.spec)) == _rule(definition_of(spec)):
        newest = visible[-1].entry
        return {"id": newest.id, "version": newest.version, "created": False}
    version = max([r.version for r in rows] + [library.version if library else 0]) + 1
    data = {**definition_of(spec), "version": version, "owner_unit": principal.unit_id,
            "visibility": "private"}  # fmt: skip
    stored = parse_model(data, "spec")
    session.add(
        Model(
            id=stored.id,
            version=stored.version,
            name_zh=stored.name_zh,
            name_en=stored.name_en,
            definition=definition_of(stored),
            content_hash=content_hash(stored),
            owner_unit=principal.unit_id,
            visibility="private",
            source_path=None,
            created_at=utcnow(),
            created_by=principal.user_id,
        )
    )
    session.flush()
    audit.record(
        session, actor=principal.user_id, action="model.save", object_kind="model",
        object_id=stored.id, unit_id=principal.unit_id, detail={"version": stored.version},
    )  # fmt: skip
    return {"id": stored.id, "version": stored.version, "created": True}


@router.post("/{model_id}/versions/{version}/publish")
def publish(
    model_id: str,
    version: int,
    body: PublishRequest,
    request: Request,
    caller: Writer,
    session: Db,
) -> dict[str, Any]:
    """Widen who sees a stored version: its unit or the whole province. Only the owner
    unit may (refusals audited); audited. Library models are published already."""
    principal = caller.principal
    item, _versions = version_for(session, principal, model_id, version)
    row = item.row
    if row is None:
        raise ModelError(
            f"内置模型 {model_id} 已对全省可见，无需发布",
            f"the built-in model {model_id} is visible province-wide already",
        )
    if not principal.all_units and owner(session, row.owner_unit) != principal.unit_id:
        raise denied(request, session, caller, Permission.MODELS_WRITE, "model.publish")
    before = row.visibility
    definition = {**row.definition, "visibility": body.visibility}
    row.visibility = body.visibility
    row.definition = definition
    row.content_hash = content_hash(parse_model(definition, f"model {model_id} v{version}"))
    audit.record(
        session, actor=principal.user_id, action="model.publish", object_kind="model",
        object_id=model_id, unit_id=principal.unit_id,
        detail={"version": version, "from": before, "to": body.visibility},
    )  # fmt: skip
    return {"id": model_id, "version": version, "visibility": body.visibility}


@router.post("/{model_id}/run", status_code=202)
def run(
    model_id: str, body: RunRequest, request: Request, caller: Runner, session: Db
) -> dict[str, Any]:
    """Start a recorded run of a model version the caller sees (newest by default) as a
    background job: the run, then its hits synced into clues owned by the caller's
    unit. Answers the job id; the job's result names the run. Audited (`model.run`)."""
    principal = caller.principal
    settings = app_state(request).settings
    entry = runnable_entry(
        session, settings, principal, model_id, body.version, body.params, body.as_of
    )
    engine = app_state(request).engine
    # The snapshot and the job use transactions of their own: end the request's first
    # (on SQLite its write lock, taken when the guard touched the sign-in session, would
    # hold them up).
    session.commit()
    missing = pool_snapshot(Workspace(settings, engine)).missing(entry.spec)
    if missing:  # said now rather than by a failed job (the runner checks again)
        raise MissingDataError(entry.id, missing)
    job_id = job_runner(request).submit(
        kind="model.run",
        title_zh=f"运行模型 {entry.spec.name_zh}（v{entry.version}）",
        title_en=f"Run model {entry.spec.name_en} (v{entry.version})",
        principal=principal,
        params={
            "model_id": entry.id,
            "version": entry.version,
            "params": jsonable_encoder(body.params),
            "as_of": body.as_of.isoformat() if body.as_of else None,
        },
        object_kind="model",
        object_id=entry.id,
    )
    return {"job_id": job_id, "model_id": entry.id, "model_version": entry.version}


# ------------------------------------------------------------------------ job kinds


def runnable_entry(
    session: Session,
    settings: Any,
    principal: Principal,
    model_id: str,
    version: int | None,
    params: dict[str, Any],
    as_of: date | None,
) -> ModelEntry:
    """The model version `principal` may run with these params (checked as a run is,
    before it is queued or scheduled): visible, compiling, its data readable."""
    item, _versions = version_for(session, principal, model_id, version)
    compile_model(item.entry.spec, params, as_of=as_of, types=all_types(settings))
    check_readable(session, principal, item.entry.spec)
    return item.entry


def job_principal(engine: Any, user_id: str, permission: Permission) -> Principal:
    """The principal a job runs as, read again when it runs (a schedule fires long after
    it was made): its creator, still active and still holding `permission`."""
    with session_scope(engine) as db:
        user = get_user(db, user_id)
        if user is None:
            raise NotFound("user", user_id)
        principal = principal_for(db, user)
    if not principal.can(permission):
        raise PermissionDenied(permission)
    return principal


def _run_one(
    ctx: JobContext,
    principal: Principal,
    entry: ModelEntry,
    params: dict[str, Any],
    as_of: date | None,
) -> dict[str, Any]:
    """One recorded run of `entry` for `principal`, then its hits synced into clues owned
    by the principal's unit (what `POST /api/models/{id}/run` queues)."""
    settings, engine = ctx.settings, ctx.engine
    ctx.check_cancel()
    workspace = Workspace(settings, engine)
    try:
        record = run_model(workspace, entry, params, as_of=as_of, created_by=principal.user_id)
    except ModelRunError as error:
        _record_failed_run(engine, principal, entry, error.run_id)
        raise
    except ModelError:
        _record_failed_run(engine, principal, entry, None)
        raise
    with session_scope(engine) as db:  # short: the sync below reads hits first
        db.get_one(ModelRun, record.run_id).owner_unit = principal.unit_id
    with session_scope(engine) as db:
        done = db.get_one(ModelRun, record.run_id)
        report = sync_run(db, settings, done, actor=principal.user_id)
        audit.record(
            db, actor=principal.user_id, action="model.run", object_kind="run",
            object_id=done.id, unit_id=principal.unit_id,
            detail={"model_id": entry.id, "model_version": entry.version,
                    "status": done.status, "params": done.params,
                    "hit_count": done.hit_count},
        )  # fmt: skip
    return {
        "run_id": record.run_id,
        "model_id": entry.id,
        "model_version": entry.version,
        "hit_count": record.hit_count,
        "clues": {k: v for k, v in report.as_dict().items() if k != "run_id"},
    }


def _readable_entry(
    engine: Any, principal: Principal, model_id: str, version: int | None
) -> ModelEntry:
    with session_scope(engine) as db:
        item, _versions = version_for(db, principal, model_id, version)
        check_readable(db, principal, item.entry.spec)
    return item.entry


@job_kind("model.run")
def model_run_job(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Run one model version (params: model_id, version, params, as_of) as the job's
    creator, checked again now: the version visible and its data readable to them."""
    ctx.progress(0.05, "检查数据并运行模型", "checking the data and running the model",
                 force=True)  # fmt: skip
    principal = job_principal(ctx.engine, ctx.user_id, Permission.MODELS_RUN)
    entry = _readable_entry(ctx.engine, principal, params["model_id"], params.get("version"))
    as_of = date.fromisoformat(params["as_of"]) if params.get("as_of") else None
    result = _run_one(ctx, principal, entry, dict(params.get("params") or {}), as_of)
    ctx.progress(0.95, "同步线索完成", "clues synced", force=True)
    return result


@job_kind("models.run_all")
def run_all_job(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Run the newest visible version of every model whose data the creator may read and
    that has its data (the nightly run); a model that cannot run is listed, not fatal."""
    principal = job_principal(ctx.engine, ctx.user_id, Permission.MODELS_RUN)
    as_of = date.fromisoformat(params["as_of"]) if params.get("as_of") else None
    with session_scope(ctx.engine) as db:
        ids = sorted(set(library_models()) | set(db.scalars(select(Model.id).distinct())))
    snapshot = pool_snapshot(Workspace(ctx.settings, ctx.engine))
    runs: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    for number, model_id in enumerate(ids):
        ctx.progress(number / max(1, len(ids)), f"运行模型 {model_id}", f"running {model_id}")
        try:
            entry = _readable_entry(ctx.engine, principal, model_id, None)
        except NotFound:
            continue  # not visible to the creator: not theirs to run
        except ModelError as error:
            skipped.append({"model_id": model_id, "zh": error.zh, "en": error.en})
            continue
        missing = snapshot.missing(entry.spec)
        if missing:
            refused = MissingDataError(entry.id, missing)
            skipped.append({"model_id": model_id, "zh": refused.zh, "en": refused.en})
            continue
        try:
            runs.append(_run_one(ctx, principal, entry, {}, as_of))
        except (ModelRunError, ModelError) as error:
            skipped.append({"model_id": model_id, "zh": error.zh, "en": error.en})
    return {"runs": runs, "skipped": skipped}


def _record_failed_run(
    engine: Any, principal: Principal, entry: ModelEntry, run_id: str | None
) -> None:
    """Give a failed run to the caller's unit (so they see it) and audit the failure."""
    with session_scope(engine) as db:
        if run_id is not None:
            failed = db.get(ModelRun, run_id)
            if failed is not None:
                failed.owner_unit = principal.unit_id
        audit.record(
            db, actor=principal.user_id, action="model.run",
            object_kind="run" if run_id else "model", object_id=run_id or entry.id,
            unit_id=principal.unit_id, outcome="failed",
            detail={"model_id": entry.id, "model_version": entry.version},
        )  # fmt: skip
