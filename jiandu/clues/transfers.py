"""One-click circulation (一键流转): send clues to another unit, which accepts or returns them.

A transfer goes to any unit of the org tree: a department, another procuratorate up or
down the province → city → county tree, or an external collaborating unit. Its states
are `sent` → `accepted` | `returned` (a return needs a reason). Nothing is in limbo:

- until the receiver answers, the clue stays with its sender (holder unchanged), the
  sender lists it under `list_outgoing` and the receiver under `list_incoming`; a clue
  has at most one transfer in transit;
- the receiver reads the clue (row scope includes transfers to its units) from the
  moment it is sent, so it can decide.

On acceptance:

- an internal receiver (procuratorate or department) becomes the clue's holder and
  carries its work on; a confirmed clue (成案) handed over becomes 已移送 (transferred);
- an external unit does not work clues in the platform: the clue stays held by the
  sender, a confirmed clue becomes 已移送, and the external unit replies with
  `feedback` (a clue event) on what it did.

External users see only what was sent to them, with masked evidence (they hold no
`pii.unmask`). Every step is a clue event and an audit entry.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.clues import workflow
from jiandu.clues.errors import ClueError
from jiandu.clues.service import (
    actionable_clue,
    add_event,
    flush_change,
    get_clue,
    holder_of,
    record_audit,
)
from jiandu.security.errors import NotFound
from jiandu.security.permissions import Permission
from jiandu.security.principal import Principal
from jiandu.store.schema import Clue, ClueTransfer, OrgUnit, utcnow

#: Most clues one "一键流转" may carry (a batch is one transaction).
MAX_BATCH = 1_000


def _now(now: datetime | None) -> datetime:
    moment = now or utcnow()
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: pass a timezone-aware datetime")
    return moment.astimezone(UTC)


def _in_transit(session: Session, clue_ids: Sequence[str]) -> set[str]:
    query = select(ClueTransfer.clue_id).where(
        ClueTransfer.clue_id.in_(list(clue_ids)), ClueTransfer.status == "sent"
    )
    return set(session.scalars(query))


def send(
    session: Session,
    principal: Principal,
    clue_ids: Sequence[str],
    to_unit: str,
    note: str | None = None,
    *,
    now: datetime | None = None,
) -> list[ClueTransfer]:
    """Send a batch of clues to `to_unit` (all or none); one `batch_id` for the batch.

    Each clue must be held by a unit the caller sees, not closed, and not already in
    transit; the target must exist and not be the clue's holder. Unknown targets are
    `NotFound('unit')`.
    """
    principal.require(Permission.CLUES_TRANSFER)
    ids = list(dict.fromkeys(clue_ids))
    if not ids:
        raise ClueError("请至少选择一条线索", "choose at least one clue")
    if len(ids) > MAX_BATCH:
        raise ClueError(
            f"一次最多流转 {MAX_BATCH} 条线索", f"one transfer carries at most {MAX_BATCH} clues"
        )
    target = session.get(OrgUnit, to_unit)
    if target is None:
        raise NotFound("unit", to_unit)
    moment = _now(now)
    clues = [actionable_clue(session, principal, clue_id) for clue_id in ids]
    busy = _in_transit(session, ids)
    for clue in clues:
        if clue.id in busy:
            raise ClueError(
                f"线索 {clue.id} 正在流转中，须待接收单位接收或退回",
                f"clue {clue.id} is already in transit; the receiver must accept or return "
                "it first",
            )
        if workflow.is_final(clue.status):
            raise ClueError(
                f"线索 {clue.id} 已办结，不能流转", f"clue {clue.id} is closed; it cannot be sent"
            )
        if holder_of(session, clue) == to_unit:
            raise ClueError(
                f"线索 {clue.id} 已由 {to_unit} 持有",
                f"clue {clue.id} is already held by {to_unit}",
            )
    batch_id = secrets.token_hex(16)
    text = note.strip() if note and note.strip() else None
    sent: list[ClueTransfer] = []
    for clue in clues:
        from_unit = holder_of(session, clue)
        if from_unit is None:  # pragma: no cover - an installation has a root unit
            raise ClueError("线索没有持有单位", "the clue has no holding unit")
        transfer = ClueTransfer(
            id=secrets.token_hex(16),
            batch_id=batch_id,
            clue_id=clue.id,
            from_unit=from_unit,
            to_unit=to_unit,
            status="sent",
            note=text,
            sent_by=principal.user_id,
            sent_at=moment,
        )
        session.add(transfer)
        sent.append(transfer)
        detail = {"transfer_id": transfer.id, "batch_id": batch_id, "to_unit": to_unit}
        add_event(
            session, clue, principal, "transfer_sent", detail={**detail, "note": text}, now=moment
        )
        record_audit(session, principal, "clue.transfer.send", clue, detail=detail, now=moment)
    session.flush()
    return sent


def _incoming(session: Session, principal: Principal, transfer_id: str) -> ClueTransfer:
    """A transfer addressed to one of the caller's units (`NotFound` otherwise)."""
    principal.require(Permission.CLUES_WRITE)
    transfer = session.get(ClueTransfer, transfer_id)
    if transfer is None or not principal.sees_unit(transfer.to_unit):
        raise NotFound("transfer", transfer_id)
    return transfer


def _still_sent(transfer: ClueTransfer) -> None:
    if transfer.status != "sent":
        raise ClueError(
            f"该流转已处理（{transfer.status}），不能再次接收或退回",
            f"this transfer was already answered ({transfer.status})",
        )


def accept(
    session: Session,
    principal: Principal,
    transfer_id: str,
    note: str | None = None,
    *,
    now: datetime | None = None,
) -> ClueTransfer:
    """The receiver takes the clue (see the module docstring for what changes)."""
    transfer = _incoming(session, principal, transfer_id)
    _still_sent(transfer)
    moment = _now(now)
    clue = session.get_one(Clue, transfer.clue_id)
    target = session.get_one(OrgUnit, transfer.to_unit)
    before_status, before_holder = clue.status, clue.holder_unit
    expected = clue.version
    if target.kind != "external":
        clue.holder_unit = target.id
    if workflow.can(clue.status, "transfer", via_transfer=True):
        clue.status = workflow.apply(clue.status, "transfer", via_transfer=True)
    transfer.status = "accepted"
    transfer.answered_by = principal.user_id
    transfer.answered_at = moment
    transfer.answer_note = note.strip() if note and note.strip() else None
    if (clue.status, clue.holder_unit) != (before_status, before_holder):
        clue.updated_at = moment
    flush_change(session, clue, expected)
    detail = {
        "transfer_id": transfer.id,
        "from_unit": transfer.from_unit,
        "to_unit": transfer.to_unit,
        "holder_unit": clue.holder_unit,
    }
    add_event(
        session,
        clue,
        principal,
        "transfer_accepted",
        from_status=before_status,
        to_status=clue.status,
        detail={**detail, "note": transfer.answer_note},
        now=moment,
    )
    record_audit(
        session,
        principal,
        "clue.transfer.accept",
        clue,
        detail={**detail, "from": before_status, "to": clue.status},
        now=moment,
    )
    session.flush()
    return transfer


def return_(
    session: Session,
    principal: Principal,
    transfer_id: str,
    reason: str,
    *,
    now: datetime | None = None,
) -> ClueTransfer:
    """The receiver sends the clue back, saying why (required); the sender keeps it."""
    transfer = _incoming(session, principal, transfer_id)
    _still_sent(transfer)
    text = reason.strip() if reason else ""
    if not text:
        raise ClueError("退回须填写理由", "a return needs a reason")
    moment = _now(now)
    clue = session.get_one(Clue, transfer.clue_id)
    transfer.status = "returned"
    transfer.answered_by = principal.user_id
    transfer.answered_at = moment
    transfer.answer_note = text
    detail = {
        "transfer_id": transfer.id,
        "from_unit": transfer.from_unit,
        "to_unit": transfer.to_unit,
    }
    add_event(
        session, clue, principal, "transfer_returned", detail={**detail, "reason": text}, now=moment
    )
    record_audit(session, principal, "clue.transfer.return", clue, detail=detail, now=moment)
    session.flush()
    return transfer


def feedback(
    session: Session,
    principal: Principal,
    transfer_id: str,
    text: str,
    *,
    now: datetime | None = None,
) -> None:
    """The receiving unit's reply on what it did with the clue (a `feedback` event);
    allowed once the transfer is accepted."""
    transfer = _incoming(session, principal, transfer_id)
    if transfer.status != "accepted":
        raise ClueError(
            "须先接收线索，才能反馈办理情况", "accept the clue before replying with feedback"
        )
    body = text.strip()
    if not body:
        raise ClueError("反馈内容不能为空", "feedback cannot be empty")
    moment = _now(now)
    clue = session.get_one(Clue, transfer.clue_id)
    add_event(
        session,
        clue,
        principal,
        "feedback",
        detail={"transfer_id": transfer.id, "unit": transfer.to_unit, "text": body},
        now=moment,
    )
    record_audit(
        session,
        principal,
        "clue.transfer.feedback",
        clue,
        detail={"transfer_id": transfer.id, "length": len(body)},
        now=moment,
    )
    session.flush()


def _units(principal: Principal, unit: str | None) -> list[str] | None:
    """The units to list for (None: every unit, for the system principal)."""
    if unit is not None:
        if not principal.sees_unit(unit):
            raise NotFound("unit", unit)
        return [unit]
    return None if principal.all_units else sorted(principal.visible_units)


def list_incoming(
    session: Session,
    principal: Principal,
    unit: str | None = None,
    *,
    status: str | None = "sent",
) -> list[ClueTransfer]:
    """Transfers addressed to `unit` (default: every unit the caller sees), waiting
    for an answer unless another `status` (or None for all) is asked for."""
    principal.require(Permission.CLUES_READ)
    units = _units(principal, unit)
    query = select(ClueTransfer)
    if units is not None:
        query = query.where(ClueTransfer.to_unit.in_(units))
    if status is not None:
        query = query.where(ClueTransfer.status == status)
    return list(session.scalars(query.order_by(ClueTransfer.sent_at, ClueTransfer.id)))


def list_outgoing(
    session: Session,
    principal: Principal,
    unit: str | None = None,
    *,
    status: str | None = "sent",
) -> list[ClueTransfer]:
    """Transfers sent from `unit` (default: every unit the caller sees), see
    `list_incoming`."""
    principal.require(Permission.CLUES_READ)
    units = _units(principal, unit)
    query = select(ClueTransfer)
    if units is not None:
        query = query.where(ClueTransfer.from_unit.in_(units))
    if status is not None:
        query = query.where(ClueTransfer.status == status)
    return list(session.scalars(query.order_by(ClueTransfer.sent_at, ClueTransfer.id)))


def transfers_of(session: Session, principal: Principal, clue_id: str) -> list[ClueTransfer]:
    """Every transfer of a clue the caller may read, oldest first."""
    clue = get_clue(session, principal, clue_id)
    query = select(ClueTransfer).where(ClueTransfer.clue_id == clue.id)
    return list(session.scalars(query.order_by(ClueTransfer.sent_at, ClueTransfer.id)))
