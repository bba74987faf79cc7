"""Fold a model run's hits into the clue store: one clue per (model, subject).

A clue's identity is its `fingerprint`: SHA-256 of the model id and the subject key, so
re-running a model finds the same clues again instead of making new ones. `sync_run`
reads the run's hits file and, per subject:

- a fingerprint never seen → a new clue: status `pending` (待核查), presence `new`,
  owned and held by the run's unit;
- seen before with the same evidence hash → presence `present`; with a different one →
  `changed` (the clue's title, severity and branches follow the new run);
- clues of the model that this run did not find → presence `gone`. Their status is
  left alone: a clue being verified still needs its verification closed.

The evidence of a subject is its hit rows (branch, severity, title and the model's
evidence columns), JSON-typed — dates and times in ISO 8601, decimals as strings — in
a fixed order, hashed with SHA-256. It is frozen in a `ClueSnapshot` whenever it is new
or differs from the clue's previous evidence (unchanged evidence is not stored again:
the earlier snapshot is what the run saw). Every presence change is a `presence` clue
event; the sync itself is one audit entry with the counts.

The grouping is vectorised: DuckDB reads the Parquet file, builds each row's JSON,
groups by subject (first title, highest severity, distinct branches, the JSON array of
rows and its hash, the fingerprint) and hands back one row per subject; Python then
only compares per subject with the existing clues and writes in bulk (executemany).

Syncing is idempotent: a clue already synced from this run is skipped, so syncing the
same run twice changes nothing. Syncing a run older than one already synced for the
same model is refused (it would mark newer findings as gone).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, cast

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Table, Text, bindparam, insert, select, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from jiandu.clues.errors import ClueError
from jiandu.clues.service import new_clue_id
from jiandu.config import Settings
from jiandu.models.errors import ModelError
from jiandu.models.registry import get_model
from jiandu.pool.duckdb_engine import connect
from jiandu.security import audit
from jiandu.store.schema import Clue, ClueEvent, ClueSnapshot, ModelRun, utcnow

#: Columns every hits file starts with (the runner's contract); `evidence` is the
#: struct of the evidence columns, which also follow it flat.
FIXED_COLUMNS = ("branch", "subject_type", "subject_key", "title", "severity", "evidence")
_SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}
_RANK_SEVERITY = {rank: name for name, rank in _SEVERITY_RANK.items()}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def fingerprint(model_id: str, subject_key: str) -> str:
    """The clue identity: sha256 hex of `model_id` + U+001F + `subject_key`."""
    return hashlib.sha256(f"{model_id}\x1f{subject_key}".encode()).hexdigest()


@dataclass(frozen=True)
class SyncReport:
    """What `sync_run` did, in counts (`already` = subjects synced from this run before)."""

    run_id: str
    model_id: str
    subjects: int
    new: int
    present: int
    changed: int
    gone: int
    already: int

    def as_dict(self) -> dict[str, Any]:
        """The report as plain JSON."""
        return asdict(self)


# ------------------------------------------------------------------------ explanation


def _param_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "、".join(_param_text(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def fill_explanation(template: str, params: dict[str, Any]) -> str:
    """`template` with each `{name}` replaced by the run's parameter value; unknown
    names are left as written (a typo in a model must not break the sync)."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return _param_text(params[name]) if name in params else match.group(0)

    return _PLACEHOLDER.sub(replace, template)


def explanation_for(session: Session, run: ModelRun) -> str | None:
    """The model's plain-language explanation with the run's parameters filled in;
    None when the model version is no longer known (removed import)."""
    try:
        spec = get_model(session, run.model_id, run.model_version).spec
    except ModelError:
        return None
    return fill_explanation(spec.explanation_zh, dict(run.params))


# ------------------------------------------------------------------------ grouping


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _json_value(name: str, kind: pa.DataType) -> str:
    """A DuckDB expression giving column `name` as a JSON-typed value."""
    column = _quote(name)
    if pa.types.is_decimal(kind) or pa.types.is_date(kind) or pa.types.is_time(kind):
        return f"CAST({column} AS VARCHAR)"
    if pa.types.is_timestamp(kind):
        if kind.tz is not None:
            return f"strftime(timezone('UTC', {column}), '%Y-%m-%dT%H:%M:%S.%f') || '+00:00'"
        return f"strftime({column}, '%Y-%m-%dT%H:%M:%S.%f')"
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        return f"to_base64({column})"
    return column


def _grouping_sql(schema: pa.Schema, model_id: str) -> tuple[str, list[Any]]:
    """One row per subject: fingerprint, subject, title, severity, branches, evidence
    JSON (rows in a fixed order) and its SHA-256."""
    missing = [c for c in FIXED_COLUMNS[:5] if c not in schema.names]
    if missing:
        raise ClueError(
            f"命中结果文件缺少列 {missing}，不是模型运行的结果",
            f"the hits file lacks the columns {missing}; it is not a model run's output",
        )
    evidence = [f for f in schema if f.name not in FIXED_COLUMNS]
    pairs = ["'branch', branch", "'severity', severity", "'title', title"]
    pairs += [f"{_sql_text(f.name)}, {_json_value(f.name, f.type)}" for f in evidence]
    ranks = " ".join(f"WHEN '{name}' THEN {rank}" for name, rank in _SEVERITY_RANK.items())
    sql = f"""
        WITH rows AS (
            SELECT subject_key, subject_type, branch, title,
                   CASE severity {ranks} ELSE 2 END AS rank,
                   CAST(json_object({", ".join(pairs)}) AS VARCHAR) AS row_json
            FROM read_parquet(?)
            WHERE subject_key IS NOT NULL
        ), subjects AS (
            SELECT subject_key,
                   first(subject_type ORDER BY branch, title, row_json) AS subject_type,
                   first(title ORDER BY branch, title, row_json) AS title,
                   max(rank) AS rank,
                   list(DISTINCT branch ORDER BY branch) AS branches,
                   '[' || string_agg(row_json, ',' ORDER BY branch, title, row_json) || ']'
                       AS evidence
            FROM rows GROUP BY subject_key
        )
        SELECT sha256(? || chr(31) || subject_key) AS fingerprint, subject_key,
               subject_type, title, rank, branches, evidence, sha256(evidence) AS evidence_hash
        FROM subjects ORDER BY subject_key
    """
    return sql, [model_id]


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def group_hits(settings: Settings, hits_file: str, model_id: str) -> pa.Table:
    """The hits of one run grouped per subject (see `_grouping_sql`), as Arrow."""
    schema = pq.read_schema(hits_file)
    sql, params = _grouping_sql(schema, model_id)
    con = connect(settings, macros=False)
    try:
        con.execute("SET TimeZone = 'UTC'")
        return con.sql(sql, params=[hits_file, *params]).to_arrow_table()
    finally:
        con.close()


# ------------------------------------------------------------------------ syncing


def _check_order(session: Session, run: ModelRun) -> None:
    """Refuse a run older than one whose hits already updated this model's clues."""
    synced = select(Clue.last_run_id).where(Clue.model_id == run.model_id).distinct()
    newer = session.scalar(
        select(ModelRun.id)
        .where(ModelRun.id.in_(synced), ModelRun.started_at > run.started_at)
        .limit(1)
    )
    if newer is not None:
        raise ClueError(
            f"模型 {run.model_id} 已按更新的运行 {newer} 更新过线索，不能再同步较早的运行 {run.id}",
            f"the clues of model {run.model_id} already follow the newer run {newer}; the "
            f"older run {run.id} cannot be synced",
        )


def sync_run(
    session: Session,
    settings: Settings,
    run: ModelRun,
    *,
    actor: str,
    now: datetime | None = None,
) -> SyncReport:
    """Fold the hits of the succeeded `run` into the clue store (module docstring).

    Writes in the caller's transaction: the clues, snapshots, events and the audit
    entry (`clues.sync`) are committed together or not at all.
    """
    if run.status != "succeeded" or run.hits_path is None:
        raise ClueError(
            f"模型运行 {run.id} 未成功完成，没有可同步的命中结果",
            f"run {run.id} did not succeed; it has no hits to sync",
        )
    moment = (now or utcnow()).astimezone(UTC)
    _check_order(session, run)
    hits_file = settings.home / run.hits_path
    if not hits_file.is_file():
        raise ClueError(
            f"模型运行 {run.id} 的命中结果文件不存在",
            f"the hits file of run {run.id} is missing",
        )
    grouped = group_hits(settings, str(hits_file), run.model_id).to_pydict()
    explanation = explanation_for(session, run)
    existing = {
        row.fingerprint: row
        for row in session.execute(
            select(
                Clue.id,
                Clue.fingerprint,
                Clue.evidence_hash,
                Clue.presence,
                Clue.last_run_id,
            ).where(Clue.model_id == run.model_id)
        )
    }
    clues: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    present: list[str] = []
    snapshots: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    counts = {"new": 0, "present": 0, "changed": 0, "gone": 0, "already": 0}

    def event(clue_id: str, kind: str, detail: dict[str, Any], **status: str | None) -> None:
        events.append(
            {
                "clue_id": clue_id,
                "at": moment,
                "actor": actor,
                "kind": kind,
                "from_status": status.get("from_status"),
                "to_status": status.get("to_status"),
                "detail": detail,
            }
        )

    found = set(grouped["fingerprint"])
    for index, fp in enumerate(grouped["fingerprint"]):
        evidence_hash = grouped["evidence_hash"][index]
        shown = {
            "title": grouped["title"][index],
            "severity": _RANK_SEVERITY.get(grouped["rank"][index], "medium"),
            "branches": list(grouped["branches"][index]),
            "model_version": run.model_version,
            "explanation": explanation,
            "last_run_id": run.id,
            "evidence_hash": evidence_hash,
            "updated_at": moment,
        }
        before = existing.get(fp)
        if before is not None and before.last_run_id == run.id:
            counts["already"] += 1
            continue
        if before is None:
            clue_id = new_clue_id()
            presence = "new"
            clues.append(
                {
                    "id": clue_id,
                    "fingerprint": fp,
                    "model_id": run.model_id,
                    "subject_type": grouped["subject_type"][index],
                    "subject_key": grouped["subject_key"][index],
                    "status": "pending",
                    "presence": presence,
                    "owner_unit": run.owner_unit,
                    "holder_unit": run.owner_unit,
                    "first_run_id": run.id,
                    "created_at": moment,
                    "version": 1,
                    **shown,
                }
            )
            event(clue_id, "created", {"run_id": run.id, "presence": presence}, to_status="pending")
        else:
            clue_id = before.id
            presence = "present" if before.evidence_hash == evidence_hash else "changed"
            if presence == "present":
                # Same evidence hash: title, severity and branches (derived from the
                # hashed rows) are unchanged, so one UPDATE covers all of them.
                present.append(clue_id)
            else:
                updates.append({"_id": clue_id, "_presence": presence, **_bound(shown)})
            if presence != before.presence:
                event(
                    clue_id,
                    "presence",
                    {"run_id": run.id, "from": before.presence, "to": presence},
                )
        counts[presence] += 1
        if before is None or before.evidence_hash != evidence_hash:
            snapshots.append(
                {
                    "clue_id": clue_id,
                    "run_id": run.id,
                    "branches": shown["branches"],
                    "title": shown["title"],
                    "_evidence": grouped["evidence"][index],
                    "evidence_hash": evidence_hash,
                    "created_at": moment,
                }
            )
    gone = [row for fp, row in existing.items() if fp not in found and row.presence != "gone"]
    for row in gone:
        event(row.id, "presence", {"run_id": run.id, "from": row.presence, "to": "gone"})
    counts["gone"] = len(gone)
    _write(
        session,
        run,
        explanation,
        _Rows(clues, updates, present, [row.id for row in gone], snapshots, events),
        moment,
    )
    report = SyncReport(run_id=run.id, model_id=run.model_id, subjects=len(found), **counts)
    audit.record(
        session,
        actor=actor,
        action="clues.sync",
        object_kind="run",
        object_id=run.id,
        unit_id=run.owner_unit,
        detail={k: v for k, v in report.as_dict().items() if k != "run_id"},
        now=moment,
    )
    return report


def _bound(values: dict[str, Any]) -> dict[str, Any]:
    return {f"_{name}": value for name, value in values.items()}


_UPDATED = ("title", "severity", "branches", "model_version", "explanation", "last_run_id")


@dataclass(frozen=True)
class _Rows:
    """What one sync writes: rows to insert, clues to update by kind, events."""

    clues: list[dict[str, Any]]
    changed: list[dict[str, Any]]
    present: list[str]
    gone: list[str]
    snapshots: list[dict[str, Any]]
    events: list[dict[str, Any]]


_CHUNK = 1_000


def _write(
    session: Session, run: ModelRun, explanation: str | None, rows: _Rows, moment: datetime
) -> None:
    """Bulk-write one sync: inserts and per-row updates as executemany, present and
    gone clues as one UPDATE per chunk of ids; every updated clue bumps its version."""
    table = cast(Table, Clue.__table__)
    connection = session.connection()
    if rows.clues:
        connection.execute(insert(table), rows.clues)
    if rows.changed:
        values: dict[str, Any] = {name: bindparam(f"_{name}") for name in _UPDATED}
        statement = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values(
                presence=bindparam("_presence"),
                evidence_hash=bindparam("_evidence_hash"),
                updated_at=bindparam("_updated_at"),
                version=table.c.version + 1,
                **values,
            )
        )
        connection.execute(statement, rows.changed)
    same = {
        "presence": "present",
        "last_run_id": run.id,
        "model_version": run.model_version,
        "explanation": explanation,
    }
    for ids, values in ((rows.present, same), (rows.gone, {"presence": "gone"})):
        for start in range(0, len(ids), _CHUNK):
            connection.execute(
                update(table)
                .where(table.c.id.in_(ids[start : start + _CHUNK]))
                .values(updated_at=moment, version=table.c.version + 1, **values)
            )
    if rows.snapshots:
        # The evidence arrives as JSON text from DuckDB: bound as text (cast to JSON on
        # PostgreSQL), not parsed and serialised again.
        snapshot_table = cast(Table, ClueSnapshot.__table__)
        evidence: Any = bindparam("_evidence", type_=Text)
        if connection.dialect.name == "postgresql":
            evidence = sql_cast(evidence, snapshot_table.c.evidence.type)
        connection.execute(insert(snapshot_table).values(evidence=evidence), rows.snapshots)
    if rows.events:
        connection.execute(insert(cast(Table, ClueEvent.__table__)), rows.events)
    # Clue objects already loaded in this session no longer match their rows.
    for held in list(session.identity_map.values()):
        if isinstance(held, Clue):
            session.expire(held)
    session.flush()
