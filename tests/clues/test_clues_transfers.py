"""One-click circulation: send, accept, return, feedback, nothing in limbo, scope.

On SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
from clue_world import NOW, World
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.clues import service, transfers
from jiandu.clues.errors import ClueError
from jiandu.clues.sync import sync_run
from jiandu.security.errors import NotFound, PermissionDenied
from jiandu.store.db import session_scope
from jiandu.store.schema import AuditEntry, Clue


def _clues(world: World, n: int = 2) -> list[str]:
    with session_scope(world.engine) as session:
        run = world.add_run(session, [{"subject_key": f"K{i}"} for i in range(n)])
        sync_run(session, world.settings, run, actor="t", now=NOW)
        return list(session.scalars(select(Clue.id).order_by(Clue.subject_key)))


def _confirm(world: World, session: Session, clue_id: str) -> None:
    me = world.principal(session, "pros")
    clue = service.assign(session, me, clue_id, world.users["pros"], None, 1)
    clue = service.act(session, me, clue_id, "verify", clue.version)
    service.act(session, me, clue_id, "confirm", clue.version)


def test_batch_send_then_accept_moves_the_clue(world: World) -> None:
    ids = _clues(world)
    with session_scope(world.engine) as session:
        _confirm(world, session, ids[0])
        sent = transfers.send(session, world.principal(session, "pros"), ids, "hz", "请协查")
        assert len({t.batch_id for t in sent}) == 1
        assert {t.from_unit for t in sent} == {"yc"}
    with session_scope(world.engine) as session:
        hz = world.principal(session, "pros_hz")
        yc = world.principal(session, "pros")
        # In transit: both sides list it, the receiver reads it, the sender still holds it.
        assert {t.clue_id for t in transfers.list_incoming(session, hz)} == set(ids)
        assert {t.clue_id for t in transfers.list_outgoing(session, yc)} == set(ids)
        assert service.get_clue(session, hz, ids[0]).holder_unit == "yc"
        with pytest.raises(ClueError, match="held by another unit"):
            service.act(session, hz, ids[1], "verify", 1)
        with pytest.raises(ClueError, match="already in transit"):
            transfers.send(session, yc, [ids[0]], "sx")
        transfers.accept(session, hz, sent[0].id, "收到")
        transfers.accept(session, hz, sent[1].id)
    with session_scope(world.engine) as session:
        confirmed, pending = (session.get_one(Clue, i) for i in ids)
        assert (confirmed.holder_unit, confirmed.status) == ("hz", "transferred")
        assert (pending.holder_unit, pending.status) == ("hz", "pending")
        hz = world.principal(session, "pros_hz")
        assert transfers.list_incoming(session, hz) == []
        # The receiver now works on it; the sender still reads it, but cannot act.
        service.assign(session, hz, ids[1], world.users["pros_hz"], None, pending.version)
        yc = world.principal(session, "pros")
        assert service.get_clue(session, yc, ids[1]).id == ids[1]
        with pytest.raises(ClueError, match="held by another unit"):
            service.act(session, yc, ids[1], "verify", pending.version + 1)
        # A transferred clue is closed by its handler with a note.
        clue = service.act(session, hz, ids[0], "close", confirmed.version, reason="已立案侦查")
        assert clue.status == "closed"
        kinds = [e.kind for e in service.history(session, hz, ids[0])]
        assert kinds[-3:] == ["transfer_sent", "transfer_accepted", "status"]
        actions = set(session.scalars(select(AuditEntry.action)))
        assert {"clue.transfer.send", "clue.transfer.accept"} <= actions


def test_return_needs_a_reason_and_keeps_the_clue(world: World) -> None:
    ids = _clues(world, 1)
    with session_scope(world.engine) as session:
        (sent,) = transfers.send(session, world.principal(session, "pros"), ids, "sx-d1")
        me = world.principal(session, "pros_sx")
        with pytest.raises(ClueError, match="reason"):
            transfers.return_(session, me, sent.id, " ")
        transfers.return_(session, me, sent.id, "不属本部门管辖")
        with pytest.raises(ClueError, match="already answered"):
            transfers.accept(session, me, sent.id)
    with session_scope(world.engine) as session:
        clue = session.get_one(Clue, ids[0])
        assert (clue.holder_unit, clue.status, clue.version) == ("yc", "pending", 1)
        assert transfers.list_outgoing(session, world.principal(session, "pros")) == []
        returned = transfers.list_outgoing(
            session, world.principal(session, "pros"), status="returned"
        )
        assert [t.answer_note for t in returned] == ["不属本部门管辖"]
        # Returned: the receiver no longer reads it; the sender may send it again.
        with pytest.raises(NotFound):
            service.get_clue(session, world.principal(session, "pros_sx"), ids[0])
        transfers.send(session, world.principal(session, "pros"), ids, "sx")


def test_external_unit_reads_masked_accepts_and_gives_feedback(world: World) -> None:
    ids = _clues(world, 2)
    with session_scope(world.engine) as session:
        _confirm(world, session, ids[0])
        (sent,) = transfers.send(session, world.principal(session, "pros"), [ids[0]], "sx-ext")
    with session_scope(world.engine) as session:
        ext = world.principal(session, "liaison")
        # Only what was sent to it.
        assert [c.id for c in service.list_clues(session, ext)] == [ids[0]]
        with pytest.raises(NotFound):
            service.get_clue(session, ext, ids[1])
        with pytest.raises(ClueError, match="accept the clue"):
            transfers.feedback(session, ext, sent.id, "已收悉")
        with pytest.raises(PermissionDenied):
            transfers.send(session, ext, [ids[0]], "yc")
        transfers.accept(session, ext, sent.id)
        transfers.feedback(session, ext, sent.id, "已责令整改")
    with session_scope(world.engine) as session:
        clue = session.get_one(Clue, ids[0])
        # External units do not hold clues: the sender keeps it, now 已移送.
        assert (clue.holder_unit, clue.status) == ("yc", "transferred")
        events = service.history(session, world.principal(session, "pros"), ids[0])
        assert events[-1].kind == "feedback" and events[-1].detail["text"] == "已责令整改"
        assert events[-1].actor == world.users["liaison"]


def test_send_refusals(world: World) -> None:
    ids = _clues(world, 1)
    with session_scope(world.engine) as session:
        me = world.principal(session, "pros")
        with pytest.raises(NotFound):
            transfers.send(session, me, ids, "nowhere")
        with pytest.raises(ClueError, match="already held"):
            transfers.send(session, me, ids, "yc")
        with pytest.raises(ClueError, match="at least one"):
            transfers.send(session, me, [], "hz")
        with pytest.raises(NotFound):
            transfers.send(session, world.principal(session, "pros_hz"), ids, "sx")
        (sent,) = transfers.send(session, me, ids, "hz")
        # Only the addressee answers; anyone else gets NotFound.
        with pytest.raises(NotFound):
            transfers.accept(session, world.principal(session, "pros_sx"), sent.id)
        with pytest.raises(NotFound):
            transfers.list_incoming(session, me, "hz")
