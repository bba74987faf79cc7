"""Working on clues: scope, assignment, workflow actions, optimistic locking, comments,
attachments, history, overdue, and the case hooks. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from clue_world import NOW, World
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.clues import service
from jiandu.clues.errors import ClueError, ConflictError, WorkflowError
from jiandu.clues.sync import sync_run
from jiandu.security.errors import NotFound, PermissionDenied
from jiandu.store.db import session_scope
from jiandu.store.schema import AuditEntry, Clue, ClueEvent


def _one_clue(world: World, owner: str | None = "yc") -> str:
    with session_scope(world.engine) as session:
        run = world.add_run(session, [{"subject_key": "330602195001011234"}], owner_unit=owner)
        sync_run(session, world.settings, run, actor="t", now=NOW)
        return session.scalars(select(Clue.id)).one()


def _verify(world: World, session: Session, clue_id: str, who: str = "pros") -> Clue:
    me = world.principal(session, who)
    clue = service.assign(
        session, me, clue_id, world.users[who], NOW + timedelta(days=7), 1, now=NOW
    )
    return service.act(session, me, clue_id, "verify", clue.version, now=NOW)


def test_row_scope_reads_and_not_found(world: World) -> None:
    clue_id = _one_clue(world)
    with session_scope(world.engine) as session:
        for who in ("pros", "pros_d1", "lead_sx"):
            assert service.get_clue(session, world.principal(session, who), clue_id).id == clue_id
        for who in ("pros_sx", "pros_hz", "liaison"):
            me = world.principal(session, who)
            with pytest.raises(NotFound) as caught:
                service.get_clue(session, me, clue_id)
            # Same answer as for a clue that does not exist.
            with pytest.raises(NotFound) as missing:
                service.get_clue(session, me, "Cnothere")
            assert caught.value.en.replace(clue_id, "X") == missing.value.en.replace(
                "Cnothere", "X"
            )
            assert service.list_clues(session, me) == []
        with pytest.raises(PermissionDenied):
            service.get_clue(session, world.principal(session, "modeler"), clue_id)
        assert [c.id for c in service.list_clues(session, world.principal(session, "lead_sx"))] == [
            clue_id
        ]


def test_unowned_clues_belong_to_the_root_unit(world: World) -> None:
    clue_id = _one_clue(world, owner=None)
    with session_scope(world.engine) as session:
        with pytest.raises(NotFound):
            service.get_clue(session, world.principal(session, "pros"), clue_id)
        # zj's users would see it; nobody here is in zj, so check the filter directly.
        clue = session.get_one(Clue, clue_id)
        assert service.holder_of(session, clue) == "zj"


def test_full_workflow_with_events_and_audit(world: World) -> None:
    clue_id = _one_clue(world)
    with session_scope(world.engine) as session:
        me = world.principal(session, "pros")
        with pytest.raises(WorkflowError, match="assign"):
            service.act(session, me, clue_id, "verify", 1)
        clue = _verify(world, session, clue_id)
        assert (clue.status, clue.version) == ("verifying", 3)
        with pytest.raises(WorkflowError, match="reason"):
            service.act(session, me, clue_id, "reject", clue.version, reason=" ")
        clue = service.act(session, me, clue_id, "reject", clue.version, reason="已核实：系补发")
        assert clue.rejection_reason == "已核实：系补发"
        clue = service.act(session, me, clue_id, "reopen", clue.version, reason="发现新证据")
        assert (clue.status, clue.rejection_reason) == ("verifying", None)
        clue = service.act(session, me, clue_id, "confirm", clue.version)
        with pytest.raises(WorkflowError, match="transfer"):
            service.act(session, me, clue_id, "transfer", clue.version)
        with pytest.raises(WorkflowError, match="case is closed"):
            service.act(session, me, clue_id, "close", clue.version)
        events = service.history(session, me, clue_id)
    assert [(e.kind, e.to_status) for e in events] == [
        ("created", "pending"),
        ("assign", None),
        ("status", "verifying"),
        ("status", "rejected"),
        ("status", "verifying"),
        ("status", "confirmed"),
    ]
    assert events[3].detail == {"action": "reject", "reason": "已核实：系补发"}
    assert all(e.actor == world.users["pros"] for e in events[1:])
    with session_scope(world.engine) as session:
        actions = list(
            session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.object_id == clue_id)
                .order_by(AuditEntry.seq)
            )
        )
        details = [str(d) for d in session.scalars(select(AuditEntry.detail))]
    assert actions == ["clue.assign", "clue.verify", "clue.reject", "clue.reopen", "clue.confirm"]
    assert not any("补发" in d for d in details)  # free text stays out of the audit log


def test_stale_version_is_a_conflict(world: World) -> None:
    clue_id = _one_clue(world)
    with session_scope(world.engine) as session:
        me = world.principal(session, "pros")
        service.assign(session, me, clue_id, world.users["pros"], None, 1)
        with pytest.raises(ConflictError) as caught:
            service.assign(session, me, clue_id, world.users["pros2"], None, 1)
    assert (caught.value.expected, caught.value.current) == (1, 2)
    assert "reload" in caught.value.en and "刷新" in caught.value.zh


def test_two_sessions_same_version_one_wins(world: World) -> None:
    clue_id = _one_clue(world)
    with session_scope(world.engine) as session:
        _verify(world, session, clue_id)
    first = Session(world.engine, expire_on_commit=False)
    second = Session(world.engine, expire_on_commit=False)
    try:
        a = world.principal(first, "pros")
        first.commit()
        b = world.principal(second, "pros2")
        second.commit()
        # Both load the clue at version 3, each in a read transaction of its own (SQLite
        # serialises transactions); ending them keeps the objects, as a web request's form
        # keeps the version it showed.
        seen_a = service.get_clue(first, a, clue_id).version
        first.commit()
        seen_b = service.get_clue(second, b, clue_id).version
        second.commit()
        assert seen_a == seen_b == 3
        service.act(first, a, clue_id, "confirm", seen_a)
        first.commit()
        # B's copy still says version 3, so the explicit check passes; the UPDATE's
        # "WHERE version = 3" matches nothing and the lock answers.
        with pytest.raises(ConflictError):
            service.act(second, b, clue_id, "reject", seen_b, reason="不属实")
        second.rollback()
        # A fresh read sees A's change and refuses B's stale version up front.
        with pytest.raises(ConflictError) as caught:
            service.act(second, b, clue_id, "reject", seen_b, reason="不属实")
        assert caught.value.current == 4
        second.rollback()
    finally:
        first.close()
        second.close()
    with session_scope(world.engine) as session:
        clue = session.get_one(Clue, clue_id)
        assert (clue.status, clue.version) == ("confirmed", 4)
        kinds = session.scalars(select(ClueEvent.to_status).where(ClueEvent.clue_id == clue_id))
        assert "rejected" not in list(kinds)


def test_assign_refuses_accounts_outside_scope(world: World) -> None:
    clue_id = _one_clue(world)
    with session_scope(world.engine) as session:
        me = world.principal(session, "pros")
        for target in (world.users["pros_hz"], "nobody"):
            with pytest.raises(ClueError, match="not an active user within your units"):
                service.assign(session, me, clue_id, target, None, 1)


def test_only_the_holder_acts_and_external_units_never_do(world: World) -> None:
    clue_id = _one_clue(world)
    with session_scope(world.engine) as session:
        clue = session.get_one(Clue, clue_id)
        clue.holder_unit = "hz"
    with session_scope(world.engine) as session:
        with pytest.raises(ClueError, match="held by another unit"):
            service.act(session, world.principal(session, "pros"), clue_id, "verify", 2)
        # hz reads it as the holder, acts on it too.
        hz = world.principal(session, "pros_hz")
        service.assign(session, hz, clue_id, world.users["pros_hz"], None, 2)
        clue = session.get_one(Clue, clue_id)
        clue.holder_unit = "sx-ext"
    with session_scope(world.engine) as session, pytest.raises(ClueError, match="external"):
        service.act(session, world.principal(session, "liaison"), clue_id, "verify", 4)


def test_comments_attachments_and_history(world: World) -> None:
    clue_id = _one_clue(world)
    with session_scope(world.engine) as session:
        me = world.principal(session, "pros")
        with pytest.raises(ClueError, match="empty"):
            service.comment(session, me, clue_id, "  ")
        service.comment(session, me, clue_id, "已调取死亡证明")
        row = service.attach(
            session, world.settings, me, clue_id, "../../etc/死亡证明.pdf", b"%PDF-1.4 data"
        )
    assert row.filename == "死亡证明.pdf"
    stored = world.settings.home / row.path
    assert stored.parent == world.settings.home / "attachments" / clue_id
    assert stored.name == row.id and stored.read_bytes() == b"%PDF-1.4 data"
    with session_scope(world.engine) as session:
        me = world.principal(session, "pros")
        assert [a.id for a in service.attachments(session, me, clue_id)] == [row.id]
        kinds = [e.kind for e in service.history(session, me, clue_id)]
        assert kinds == ["created", "comment", "attachment"]
        # Comments and attachments do not change the clue: no version to pass.
        assert session.get_one(Clue, clue_id).version == 1
        with pytest.raises(ClueError, match="unusable"):
            service.attach(session, world.settings, me, clue_id, "../..", b"x")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a/b\\c.txt", "c.txt"),
        ('x<>:"|?*.doc', "x_______.doc"),
        ("line\nbreak.txt", "line_break.txt"),
        ("  .hidden  ", "hidden"),
        ("长" * 300 + ".pdf", "长" * 190 + ".pdf"),
    ],
)
def test_safe_filename(raw: str, clean: str) -> None:
    assert service.safe_filename(raw) == clean


def test_overdue(world: World) -> None:
    clue_id = _one_clue(world)
    with session_scope(world.engine) as session:
        me = world.principal(session, "pros")
        service.assign(session, me, clue_id, world.users["pros"], NOW + timedelta(days=1), 1)
        clue = session.get_one(Clue, clue_id)
        assert not service.is_overdue(clue, NOW)
        assert service.is_overdue(clue, NOW + timedelta(days=2))
        assert service.describe(clue, now=NOW + timedelta(days=2))["overdue"] is True
        assert [
            c.id for c in service.list_clues(session, me, overdue_at=NOW + timedelta(days=2))
        ] == [clue_id]
        assert service.list_clues(session, me, overdue_at=NOW) == []


def test_case_hooks_link_and_close(world: World) -> None:
    clue_id = _one_clue(world)
    with session_scope(world.engine) as session:
        me = world.principal(session, "pros")
        clue = _verify(world, session, clue_id)
        with pytest.raises(WorkflowError):
            service.close_for_case(session, me, clue_id, "K1")
        clue = service.act(session, me, clue_id, "confirm", clue.version)
        service.link_case(session, me, clue_id, "K1")
        clue = service.close_for_case(session, me, clue_id, "K1")
        assert clue.status == "closed"
        version = clue.version
        assert service.close_for_case(session, me, clue_id, "K1").version == version
        events = service.history(session, me, clue_id)
        with pytest.raises(NotFound):
            service.link_case(session, world.principal(session, "pros_hz"), clue_id, "K1")
    assert [(e.kind, e.detail.get("case_id")) for e in events[-2:]] == [
        ("case", "K1"),
        ("status", "K1"),
    ]
    assert events[-1].to_status == "closed"


def test_concurrent_writers_on_postgresql_one_wins(world: World) -> None:
    """Two transactions read the same version and write at once: PostgreSQL makes the
    second UPDATE wait for the first commit, then match no row → ConflictError."""
    if world.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers on the whole file; covered above")
    import threading

    clue_id = _one_clue(world)
    with session_scope(world.engine) as session:
        _verify(world, session, clue_id)
    both_read = threading.Barrier(2, timeout=10)
    outcomes: dict[str, str] = {}

    def work(name: str, action: str, reason: str | None) -> None:
        with Session(world.engine, expire_on_commit=False) as session:
            me = world.principal(session, name)
            seen = service.get_clue(session, me, clue_id).version
            both_read.wait()
            try:
                service.act(session, me, clue_id, action, seen, reason=reason)
                session.commit()
                outcomes[name] = "ok"
            except ConflictError:
                session.rollback()
                outcomes[name] = "conflict"

    threads = [
        threading.Thread(target=work, args=("pros", "confirm", None)),
        threading.Thread(target=work, args=("pros2", "reject", "不属实")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "ok"]
    with session_scope(world.engine) as session:
        clue = session.get_one(Clue, clue_id)
        winner = "confirmed" if outcomes["pros"] == "ok" else "rejected"
        assert (clue.status, clue.version) == (winner, 4)
        changes = session.scalars(
            select(ClueEvent.to_status).where(
                ClueEvent.clue_id == clue_id, ClueEvent.kind == "status"
            )
        )
        assert list(changes) == ["verifying", winner]
