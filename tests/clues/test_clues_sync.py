"""Syncing runs into clues: new, present, changed, gone, idempotent; snapshots; events.

On SQLite and PostgreSQL (the `world` fixture).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from clue_world import MODEL_ID, NOW, World
from sqlalchemy import func, select

from jiandu.clues.errors import ClueError
from jiandu.clues.sync import fill_explanation, fingerprint, group_hits, sync_run
from jiandu.store.db import session_scope
from jiandu.store.schema import AuditEntry, Clue, ClueEvent, ClueSnapshot, ModelRun


def _clues(world: World) -> dict[str, Clue]:
    with session_scope(world.engine) as session:
        return {c.subject_key: c for c in session.scalars(select(Clue))}


def test_fingerprint_is_sha256_of_model_and_subject() -> None:
    expected = hashlib.sha256(b"m\x1fk").hexdigest()
    assert fingerprint("m", "k") == expected
    assert fingerprint("m", "k") != fingerprint("mk", "")


def test_new_present_changed_gone_and_back(world: World) -> None:
    with session_scope(world.engine) as session:
        first = world.add_run(session, [{"subject_key": "A"}, {"subject_key": "B"}])
        report = sync_run(session, world.settings, first, actor="t", now=NOW)
    assert (report.new, report.present, report.changed, report.gone) == (2, 0, 0, 0)
    clues = _clues(world)
    a = clues["A"]
    assert (a.status, a.presence, a.owner_unit, a.holder_unit) == ("pending", "new", "yc", "yc")
    assert a.fingerprint == fingerprint(MODEL_ID, "A")
    assert a.first_run_id == a.last_run_id == first.id
    # The explanation is the model's, with the run's parameters filled in.
    assert a.explanation is not None and "连续发放 3 个月" in a.explanation

    with session_scope(world.engine) as session:
        second = world.add_run(
            session,
            [{"subject_key": "A"}, {"subject_key": "B", "amount": "9999.00", "severity": "high"}],
        )
        report = sync_run(session, world.settings, second, actor="t", now=NOW)
    assert (report.new, report.present, report.changed, report.gone) == (0, 1, 1, 0)
    clues = _clues(world)
    assert clues["A"].presence == "present" and clues["B"].presence == "changed"
    assert clues["B"].severity == "high" and clues["B"].last_run_id == second.id
    assert clues["A"].id == a.id  # the same clue, never a duplicate

    with session_scope(world.engine) as session:
        third = world.add_run(
            session, [{"subject_key": "B", "amount": "9999.00", "severity": "high"}]
        )
        report = sync_run(session, world.settings, third, actor="t", now=NOW)
    assert (report.new, report.present, report.changed, report.gone) == (0, 1, 0, 1)
    clues = _clues(world)
    assert clues["A"].presence == "gone" and clues["A"].status == "pending"

    with session_scope(world.engine) as session:
        fourth = world.add_run(session, [{"subject_key": "A"}])
        report = sync_run(session, world.settings, fourth, actor="t", now=NOW)
    assert (report.present, report.gone) == (1, 1)
    assert _clues(world)["A"].presence == "present"
    with session_scope(world.engine) as session:
        kinds = [
            (e.kind, e.detail.get("to"))
            for e in session.scalars(
                select(ClueEvent).where(ClueEvent.clue_id == a.id).order_by(ClueEvent.id)
            )
        ]
    assert kinds == [("created", None), ("presence", "present"), ("presence", "gone"),
                     ("presence", "present")]  # fmt: skip


def test_sync_is_idempotent(world: World) -> None:
    with session_scope(world.engine) as session:
        run = world.add_run(session, [{"subject_key": "A"}, {"subject_key": "B"}])
        sync_run(session, world.settings, run, actor="t", now=NOW)
    before = _clues(world)
    with session_scope(world.engine) as session:
        counts = [
            session.scalar(select(func.count()).select_from(t)) for t in (ClueEvent, ClueSnapshot)
        ]
        again = sync_run(session, world.settings, session.get_one(type(run), run.id), actor="t")
        assert (again.new, again.present, again.changed, again.gone, again.already) == (
            0,
            0,
            0,
            0,
            2,
        )
        assert [
            session.scalar(select(func.count()).select_from(t)) for t in (ClueEvent, ClueSnapshot)
        ] == counts
    after = _clues(world)
    assert {k: (c.version, c.presence) for k, c in after.items()} == {
        k: (c.version, c.presence) for k, c in before.items()
    }


def test_snapshot_is_json_typed_and_grouped_per_subject(world: World) -> None:
    hits = [
        {"subject_key": "A", "branch": "custody", "severity": "high", "title": "服刑期间领取"},
        {"subject_key": "A", "branch": "after_death"},
        {"subject_key": "A", "branch": "after_death", "amount": "12.5"},
    ]
    with session_scope(world.engine) as session:
        run = world.add_run(session, hits)
        report = sync_run(session, world.settings, run, actor="t", now=NOW)
        assert report.subjects == 1
        clue = session.scalars(select(Clue)).one()
        snapshot = session.scalars(select(ClueSnapshot)).one()
    assert clue.branches == ["after_death", "custody"]
    assert clue.severity == "high"  # the highest of its rows
    assert clue.title == "欧阳娜娜死亡后仍领取养老金"  # first row by branch, then title
    assert len(snapshot.evidence) == 3
    row = snapshot.evidence[0]
    assert row["branch"] == "after_death"
    assert row["amount"] in ("12.50", "2000.00") and isinstance(row["amount"], str)
    assert row["death_date"] == "2024-01-31"
    assert row["paid_at"].startswith("2024-03-05T08:30:00")
    assert snapshot.evidence_hash == clue.evidence_hash
    # A snapshot is written only when the evidence is new or changed.
    with session_scope(world.engine) as session:
        again = world.add_run(session, hits)
        sync_run(session, world.settings, again, actor="t", now=NOW)
        assert session.scalar(select(func.count()).select_from(ClueSnapshot)) == 1


def test_sync_is_audited_with_counts(world: World) -> None:
    with session_scope(world.engine) as session:
        run = world.add_run(session, [{"subject_key": "A"}])
        sync_run(session, world.settings, run, actor="cli:tester", now=NOW)
    with session_scope(world.engine) as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "clues.sync")).one()
    assert (entry.actor, entry.object_id, entry.unit_id) == ("cli:tester", run.id, "yc")
    assert entry.detail["new"] == 1 and "A" not in str(entry.detail)


def test_refuses_failed_older_and_missing_runs(world: World) -> None:
    with session_scope(world.engine) as session:
        old = world.add_run(session, [{"subject_key": "A"}], started_at=NOW)
        new = world.add_run(session, [{"subject_key": "A"}], started_at=NOW + timedelta(hours=1))
        sync_run(session, world.settings, new, actor="t")
        with pytest.raises(ClueError, match="newer run"):
            sync_run(session, world.settings, old, actor="t")
        failed = ModelRun(id="RX", model_id=MODEL_ID, status="failed", hits_path=None)
        with pytest.raises(ClueError, match="did not succeed"):
            sync_run(session, world.settings, failed, actor="t")
        other = world.add_run(session, [{"subject_key": "A"}], model_id="professional_lender")
        (world.settings.home / str(other.hits_path)).unlink()
        with pytest.raises(ClueError, match="missing"):
            sync_run(session, world.settings, other, actor="t")
        session.rollback()


def test_models_are_separate_and_empty_runs_mark_everything_gone(world: World) -> None:
    with session_scope(world.engine) as session:
        a = world.add_run(session, [{"subject_key": "K"}])
        b = world.add_run(session, [{"subject_key": "K"}], model_id="professional_lender")
        sync_run(session, world.settings, a, actor="t")
        sync_run(session, world.settings, b, actor="t")
        assert session.scalar(select(func.count()).select_from(Clue)) == 2
        empty = world.add_run(session, [])
        report = sync_run(session, world.settings, empty, actor="t")
    assert (report.subjects, report.gone) == (0, 1)
    presence = {c.model_id: c.presence for c in _clues_all(world)}
    assert presence == {MODEL_ID: "gone", "professional_lender": "new"}


def _clues_all(world: World) -> list[Clue]:
    with session_scope(world.engine) as session:
        return list(session.scalars(select(Clue)))


def test_group_hits_refuses_files_that_are_not_hits(world: World) -> None:
    path = world.settings.home / "other.parquet"
    pq.write_table(pa.table({"x": [1]}), path)
    with pytest.raises(ClueError, match="lacks the columns"):
        group_hits(world.settings, str(path), MODEL_ID)


def test_fill_explanation() -> None:
    text = fill_explanation(
        "至少 {n} 个月，{kinds}，{unknown}", {"n": 2, "kinds": ["拘役", "有期徒刑"]}
    )
    assert text == "至少 2 个月，拘役、有期徒刑，{unknown}"
