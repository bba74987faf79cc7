"""The audit chain: appending, and every kind of tampering found and named.

Runs on SQLite and PostgreSQL (`migrated` from tests/security/conftest.py). Tampering
happens below the API, the way an intruder with database access would do it: the
append-only triggers of migration 0003 are dropped, then rows are changed with plain
SQL. The triggers themselves are tested first.
"""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise
from typing import Any

import pytest
from sqlalchemy import Engine, delete, exc, insert, select, text, update

from jiandu.security import audit
from jiandu.security.audit import (
    GENESIS_HASH,
    AuditLogBroken,
    Checkpoint,
    CheckpointInvalid,
    canonical_bytes,
    checkpoint,
    entry_hash,
    record,
    verify,
)
from jiandu.store.db import session_scope
from jiandu.store.schema import AuditEntry, AuditHead

LOG = AuditEntry.__table__
HEAD = AuditHead.__table__
T0 = datetime(2026, 11, 25, 8, 0, 0, 123456, tzinfo=UTC)
HASHED = ("seq", "at", "actor", "action", "object_kind", "object_id", "unit_id", "outcome",
          "detail", "prev_hash")  # fmt: skip


def fill(engine: Engine, count: int) -> None:
    """`count` entries, one transaction each (as separate actions would write them)."""
    for i in range(count):
        with session_scope(engine) as session:
            record(
                session,
                actor=f"user-{i % 3}",
                action="data.import" if i % 2 else "auth.sign_in",
                object_kind="batch",
                object_id=f"B{i:04d}",
                unit_id="sx",
                detail={"rows": i, "note": "导入 第" + str(i) + "批"},
                now=T0 + timedelta(seconds=i),
            )


def rows(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(select(LOG).order_by(LOG.c.seq))]


def report_of(
    engine: Engine, checkpoints: list[dict[str, Any]] | None = None
) -> audit.VerifyReport:
    with session_scope(engine) as session:
        return verify(session, checkpoints or [])


def kinds(report: audit.VerifyReport) -> list[tuple[int, str]]:
    return [(p.seq, p.kind) for p in report.problems]


def drop_triggers(engine: Engine) -> None:
    """What an intruder with DDL rights does first."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER audit_log_no_change ON audit_log"))
            connection.execute(text("DROP TRIGGER audit_log_no_truncate ON audit_log"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
            connection.execute(text("DROP TRIGGER audit_log_no_delete"))


def rewrite(engine: Engine, entries: list[dict[str, Any]], head: tuple[int, str] | None) -> None:
    """Replace the whole log (and the head row) with `entries`: the intruder's free hand."""
    with engine.begin() as connection:
        connection.execute(delete(LOG))
        if entries:
            connection.execute(insert(LOG), entries)
        connection.execute(delete(HEAD))
        if head is not None:
            connection.execute(insert(HEAD).values(id=1, seq=head[0], hash=head[1]))


def rehash(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry with its own hash recomputed (the intruder knows the algorithm)."""
    return {**entry, "hash": entry_hash(**{k: entry[k] for k in HASHED})}


@pytest.fixture
def chain(migrated: Engine) -> Engine:
    """A migrated database holding a valid chain of 8 entries."""
    fill(migrated, 8)
    return migrated


@pytest.fixture
def tampered(chain: Engine) -> Engine:
    """The 8-entry chain with its append-only triggers dropped."""
    drop_triggers(chain)
    return chain


# ---------------------------------------------------------------------------- appending


def test_entries_chain_to_each_other_and_the_head_follows(chain: Engine) -> None:
    entries = rows(chain)
    assert [e["seq"] for e in entries] == list(range(1, 9))
    assert entries[0]["prev_hash"] == GENESIS_HASH
    for before, after in pairwise(entries):
        assert after["prev_hash"] == before["hash"]
    for entry in entries:
        assert entry["hash"] == entry_hash(**{k: entry[k] for k in HASHED})
    assert entries[3]["at"] == T0 + timedelta(seconds=3)  # microseconds survive the round trip
    with chain.connect() as connection:
        head = connection.execute(select(HEAD.c.seq, HEAD.c.hash)).one()
    assert tuple(head) == (8, entries[-1]["hash"])
    report = report_of(chain)
    assert (report.ok, report.entries, report.problems, report.first_bad_seq) == (True, 8, [], None)


def test_an_empty_log_verifies_and_checkpoints_as_the_genesis(migrated: Engine) -> None:
    assert report_of(migrated).ok
    with session_scope(migrated) as session:
        point = checkpoint(session, now=T0)
    assert point == {"seq": 0, "hash": GENESIS_HASH, "at": T0.isoformat(), "count": 0}
    assert report_of(migrated, [point]).ok


def test_an_entry_rolls_back_with_the_action_it_records(chain: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(chain) as session:
        record(session, actor="u", action="clue.transfer")
        raise RuntimeError("the action failed")
    assert len(rows(chain)) == 8
    with session_scope(chain) as session:
        assert record(session, actor="u", action="clue.transfer").seq == 9
    assert report_of(chain).ok


def test_entries_in_one_transaction_and_a_reused_session_stay_in_order(chain: Engine) -> None:
    with session_scope(chain) as session:
        first = record(session, actor="u", action="a")
        second = record(session, actor="u", action="b")
        session.commit()
        fill(chain, 1)  # another writer appends meanwhile
        third = record(session, actor="u", action="c")  # must not reuse a stale head
    assert (first.seq, second.seq, third.seq) == (9, 10, 12)
    assert second.prev_hash == first.hash
    assert report_of(chain).ok


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"outcome": "maybe"}, "outcome"),
        ({"actor": "x" * 65}, "actor longer than 64"),
        ({"object_id": "x" * 129}, "object_id longer than 128"),
        ({"detail": {"ids": {1, 2}}}, "detail.ids is a set"),
        ({"detail": {"when": datetime(2026, 1, 1, tzinfo=UTC)}}, "detail.when is a datetime"),
        ({"detail": {"x": [1.0, float("nan")]}}, r"detail.x\[1\] is not a finite number"),
        ({"detail": {"by": {3: "a"}}}, "detail.by has a key that is not a string"),
        ({"now": datetime(2026, 1, 1)}, "naive"),
    ],
)
def test_record_refuses_what_could_not_be_verified_later(
    migrated: Engine, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message), session_scope(migrated) as session:
        record(session, **{"actor": "u", "action": "a", **arguments})
    assert rows(migrated) == []


def test_tuples_and_other_time_zones_are_stored_as_they_will_be_read(migrated: Engine) -> None:
    beijing = datetime(2026, 11, 25, 16, 0, 0, 5, tzinfo=timezone(timedelta(hours=8)))
    with session_scope(migrated) as session:
        entry = record(session, actor="u", action="a", detail={"pair": (1, "二")}, now=beijing)
    assert entry.detail == {"pair": [1, "二"]}
    [stored] = rows(migrated)
    assert stored["at"] == beijing and stored["at"].tzinfo == UTC
    assert report_of(migrated).ok


# ---------------------------------------------------------------------------- hashing


def test_the_canonical_form_is_fixed_byte_for_byte() -> None:
    fields: dict[str, Any] = {
        "seq": 7,
        "at": datetime(2026, 11, 25, 16, 30, tzinfo=timezone(timedelta(hours=8))),
        "actor": "cli:王五",
        "action": "pii.unmask",
        "object_kind": "clue",
        "object_id": "C1",
        "unit_id": None,
        "outcome": "ok",
        "detail": {"z": 1, "a": ["张*", 0.5]},
        "prev_hash": "ab" * 32,
    }
    expected = (
        '{"action":"pii.unmask","actor":"cli:王五","at":"2026-11-25T08:30:00.000000+00:00",'
        '"detail":{"a":["张*",0.5],"z":1},"object_id":"C1","object_kind":"clue",'
        '"outcome":"ok","prev_hash":"' + "ab" * 32 + '","seq":7,"unit_id":null}'
    )
    assert canonical_bytes(**fields) == expected.encode("utf-8")
    # Pinned: a change to either line would make every existing log fail verification.
    assert entry_hash(**fields) == hashlib.sha256(expected.encode("utf-8")).hexdigest()
    assert entry_hash(**fields).startswith("8a3acbac3a52695125b4")


UNICODE_DETAILS = [
    {"name": "欧阳**", "place": "绍兴市越城区"},
    {"emoji": "📎🧾", "astral": "𠀋𡈽"},
    {"combining": "e\u0301", "precomposed": "\u00e9"},  # NFD and NFC kept apart, not merged
    {"rtl": "مرحبا", "zwj": "👨\u200d👩\u200d👧", "quote": '"\\/'},
    {"键": {"嵌套": ["值", None, True, -0.0, 1e-7, 2**53]}},
]


@pytest.mark.parametrize("detail", UNICODE_DETAILS)
def test_unicode_details_verify_after_the_database_round_trip(
    migrated: Engine, detail: dict[str, Any]
) -> None:
    with session_scope(migrated) as session:
        written = record(session, actor="cli:测试", action="审计.读取", detail=detail).hash
    [stored] = rows(migrated)
    assert stored["detail"] == detail
    assert stored["hash"] == written == entry_hash(**{k: stored[k] for k in HASHED})
    assert report_of(migrated).ok


def test_nfc_and_nfd_spellings_hash_differently() -> None:
    base: dict[str, Any] = {k: None for k in ("object_kind", "object_id", "unit_id")}
    base |= {"seq": 1, "at": T0, "actor": "u", "action": "a", "outcome": "ok"}
    base["prev_hash"] = GENESIS_HASH
    assert entry_hash(**base, detail={"n": "e\u0301"}) != entry_hash(**base, detail={"n": "é"})


# ---------------------------------------------------------------------------- triggers


def test_the_database_refuses_to_update_or_delete_entries(chain: Engine) -> None:
    before = rows(chain)
    statements = [
        "UPDATE audit_log SET actor = 'someone else' WHERE seq = 3",
        "DELETE FROM audit_log WHERE seq = 8",
        "DELETE FROM audit_log",
    ]
    if chain.dialect.name == "postgresql":
        statements.append("TRUNCATE audit_log")
    for statement in statements:
        with pytest.raises(exc.DBAPIError, match="append-only"), chain.begin() as connection:
            connection.execute(text(statement))
    assert rows(chain) == before
    assert report_of(chain).ok


# ---------------------------------------------------------------------------- tampering


def test_an_edited_detail_is_found_at_its_entry(tampered: Engine) -> None:
    with tampered.begin() as connection:
        connection.execute(update(LOG).where(LOG.c.seq == 5).values(detail={"rows": 0}))
    report = report_of(tampered)
    assert not report.ok
    assert kinds(report) == [(5, "edited")]
    assert report.first_bad_seq == 5
    problem = report.problems[0]
    assert "第 5 条" in problem.zh and "被修改" in problem.zh
    assert "entry 5" in problem.en and "changed" in problem.en


def test_an_edit_with_its_own_hash_recomputed_breaks_the_next_link(tampered: Engine) -> None:
    entries = rows(tampered)
    entries[3] = rehash({**entries[3], "actor": "nobody"})
    rewrite(tampered, entries, (8, entries[-1]["hash"]))
    report = report_of(tampered)
    assert kinds(report) == [(4, "edited")]
    assert "entry 5 does not commit to entry 4" in report.problems[0].en


def test_a_deleted_middle_entry_is_named(tampered: Engine) -> None:
    with tampered.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq = 4"))
    report = report_of(tampered)
    assert kinds(report) == [(4, "deleted")]
    assert "第 4 条记录缺失" in report.problems[0].zh
    assert report.problems[0].en == "entry 4 is missing (entry 3 is followed by 5)"


def test_a_deleted_run_of_entries_is_named_as_a_range(tampered: Engine) -> None:
    with tampered.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq IN (1, 2, 5, 6)"))
    report = report_of(tampered)
    assert kinds(report) == [(1, "deleted"), (5, "deleted")]
    assert "entries 5–6 are missing" in report.problems[1].en


def test_two_swapped_entries_are_found_edited_and_moved(tampered: Engine) -> None:
    entries = rows(tampered)
    content = [k for k in entries[0] if k != "seq"]
    third, fourth = ({k: e[k] for k in content} for e in (entries[2], entries[3]))
    with tampered.begin() as connection:
        connection.execute(update(LOG).where(LOG.c.seq == 3).values(hash="0" * 63 + "1"))
        connection.execute(update(LOG).where(LOG.c.seq == 4).values(**third))
        connection.execute(update(LOG).where(LOG.c.seq == 3).values(**fourth))
    report = report_of(tampered)
    assert kinds(report) == [(3, "edited"), (4, "edited"), (5, "reordered")]
    assert "entry 5 was written after the entry now at 3, not after entry 4" in (
        report.problems[2].en
    )


def test_a_cut_off_tail_disagrees_with_the_head(tampered: Engine) -> None:
    with tampered.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq >= 7"))
    report = report_of(tampered)
    assert kinds(report) == [(7, "head_mismatch")]
    assert "the head says the last entry is 8 but the log ends at 6" in report.problems[0].en


def test_a_removed_head_is_reported_and_stops_appending(tampered: Engine) -> None:
    with tampered.begin() as connection:
        connection.execute(text("DELETE FROM audit_head"))
    assert kinds(report_of(tampered)) == [(1, "head_mismatch")]
    with pytest.raises(AuditLogBroken), session_scope(tampered) as session:
        record(session, actor="u", action="a")
    assert len(rows(tampered)) == 8


def test_an_entry_forged_after_the_head_is_an_insertion(tampered: Engine) -> None:
    last = rows(tampered)[-1]
    forged = rehash({**last, "seq": 9, "prev_hash": last["hash"], "actor": "intruder"})
    with tampered.begin() as connection:
        connection.execute(insert(LOG).values(**forged))
    report = report_of(tampered)
    assert kinds(report) == [(9, "inserted")]
    assert "beyond the head" in report.problems[0].en


def test_an_entry_slipped_into_the_middle_is_an_insertion(tampered: Engine) -> None:
    # A forged entry at seq 4; the entries from 4 on moved up one, each with its own hash
    # recomputed but its prev_hash (the part the intruder forgot) left as it was.
    entries = rows(tampered)
    forged = rehash({**entries[3], "actor": "intruder", "prev_hash": entries[2]["hash"]})
    shifted = [rehash({**e, "seq": e["seq"] + 1}) for e in entries[3:]]
    new = [*entries[:3], forged, *shifted]
    rewrite(tampered, new, (9, new[-1]["hash"]))
    report = report_of(tampered)
    assert kinds(report)[0] == (4, "inserted")
    assert "entry 4 does not belong to the chain" in report.problems[0].en


def test_a_consistently_rewritten_chain_is_caught_only_by_a_checkpoint(tampered: Engine) -> None:
    with session_scope(tampered) as session:
        kept = checkpoint(session)
    assert kept["seq"] == 8 and kept["count"] == 8
    entries = rows(tampered)
    forged = []
    previous = GENESIS_HASH
    for entry in entries:
        actor = "someone else" if entry["seq"] == 2 else entry["actor"]
        forged.append(rehash({**entry, "actor": actor, "prev_hash": previous}))
        previous = forged[-1]["hash"]
    rewrite(tampered, forged, (8, previous))

    assert report_of(tampered).ok  # the chain alone cannot tell
    report = report_of(tampered, [kept])
    assert kinds(report) == [(8, "checkpoint_mismatch")]
    assert "rewritten" in report.problems[0].en


def test_a_checkpoint_beyond_the_log_is_reported(tampered: Engine) -> None:
    with session_scope(tampered) as session:
        kept = checkpoint(session)
    seventh = rows(tampered)[6]["hash"]  # read first: SQLite runs one transaction at a time
    with tampered.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq = 8"))
        connection.execute(update(HEAD).values(seq=7, hash=seventh))
    report = report_of(tampered, [kept])
    assert kinds(report) == [(8, "checkpoint_mismatch")]
    assert "no longer in the log" in report.problems[0].en


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"seq": 1, "hash": "x", "at": "", "count": 1},
        {"seq": True, "hash": "a" * 64, "at": "", "count": 1},
        {"seq": -1, "hash": "a" * 64, "at": "", "count": 1},
        {"seq": 1, "hash": "A" * 64, "at": "", "count": 1},
        {"seq": 1, "hash": "a" * 64, "count": 1},
    ],
)
def test_malformed_checkpoints_are_refused(data: Any) -> None:
    with pytest.raises(CheckpointInvalid):
        Checkpoint.from_dict(data)


def test_verification_pages_through_the_log(
    tampered: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit, "VERIFY_PAGE_SIZE", 3)
    assert report_of(tampered).entries == 8
    with tampered.begin() as connection:  # both sides of a page boundary
        connection.execute(text("DELETE FROM audit_log WHERE seq IN (3, 4)"))
    assert kinds(report_of(tampered)) == [(3, "deleted")]


def test_a_renumbered_log_reports_the_first_problems_and_counts_the_rest(
    tampered: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit, "MAX_PROBLEMS", 3)
    entries = rows(tampered)
    renumbered = [{**e, "seq": e["seq"] - 1} for e in entries[1:]]
    rewrite(tampered, renumbered, (7, renumbered[-1]["hash"]))
    report = report_of(tampered)
    assert report.first_bad_seq == 1
    assert len(report.problems) == 3
    assert report.problem_count == 7
    assert {p.kind for p in report.problems} == {"edited"}


# ---------------------------------------------------------------------------- concurrency


def test_concurrent_appenders_keep_one_unbroken_chain(migrated: Engine) -> None:
    # Two threads, each with its own connection, start together on an empty log (so
    # both race to create the head too) and append in many small transactions.
    per_thread = 15
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def appender(name: str) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                with session_scope(migrated) as session:
                    record(session, actor=name, action="a", detail={"i": i})
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=appender, args=(n,)) for n in ("t1", "t2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    entries = rows(migrated)
    assert [e["seq"] for e in entries] == list(range(1, 2 * per_thread + 1))
    assert sorted(e["actor"] for e in entries) == ["t1"] * per_thread + ["t2"] * per_thread
    report = report_of(migrated)
    assert report.ok, kinds(report)
