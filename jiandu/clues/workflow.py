"""The clue workflow as a state machine: a table of transitions with guards, no I/O.

    pending ──verify──▶ verifying ──confirm──▶ confirmed ──transfer──▶ transferred
                          ▲    │                   │                        │
                   reopen │    └──reject──▶ rejected                        │
                          └───────────────────┘ │ close      close │  close │
                                                ▼                  ▼        ▼
                                                  ─────────▶ closed ◀──────

Statuses (ids in code, labels for people): pending 待核查, verifying 核查中,
confirmed 成案, rejected 不成案, transferred 已移送, closed 已办结.

Guards (the `facts` a caller passes to `apply`):

- verify needs an assignee (`assigned=True`): somebody must own the verification;
- reject and reopen need a non-empty `reason` (不成案 must say why; so must a reopening);
- transfer happens only through an accepted transfer (`via_transfer=True`), never by
  setting the status by hand: the receiving unit has to take the clue;
- close: a rejected clue closes directly; a confirmed one only when its case is closed
  (`case_closed=True`); a transferred one when its case is closed or, handled by the
  receiving unit, with a closing note (`reason`).

`apply` is pure: the service (`jiandu.clues.service`) loads the facts, calls it, and
writes the result with its event and audit entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jiandu.clues.errors import WorkflowError
from jiandu.store.schema import CLUE_STATUSES

#: Every action of the state machine, in the order they are usually taken.
ACTIONS = ("verify", "confirm", "reject", "transfer", "close", "reopen")

#: Statuses with no work left: never overdue, no action but none.
FINAL_STATUSES = frozenset({"closed"})


@dataclass(frozen=True)
class Guard:
    """A condition on the facts: `check(facts)` is True when the transition may happen;
    otherwise `zh`/`en` say what is missing."""

    check: Callable[[Mapping[str, Any]], bool]
    zh: str
    en: str


def _has_reason(facts: Mapping[str, Any]) -> bool:
    reason = facts.get("reason")
    return isinstance(reason, str) and bool(reason.strip())


_ASSIGNED = Guard(
    lambda f: bool(f.get("assigned")),
    "须先指派核查人",
    "assign the clue to somebody first",
)
_REASON = Guard(_has_reason, "须填写理由", "a reason is required")
_VIA_TRANSFER = Guard(
    lambda f: bool(f.get("via_transfer")),
    "须通过线索流转由接收单位接收",
    "only a transfer accepted by the receiving unit does this",
)
_CASE_CLOSED = Guard(
    lambda f: bool(f.get("case_closed")),
    "须待其所在案件办结",
    "only when its case is closed",
)
_CASE_CLOSED_OR_REASON = Guard(
    lambda f: bool(f.get("case_closed")) or _has_reason(f),
    "须待其所在案件办结，或填写办结说明",
    "only when its case is closed, or with a closing note",
)

#: {(from status, action): (to status, guards)}: the whole state machine.
TRANSITIONS: dict[tuple[str, str], tuple[str, tuple[Guard, ...]]] = {
    ("pending", "verify"): ("verifying", (_ASSIGNED,)),
    ("verifying", "confirm"): ("confirmed", ()),
    ("verifying", "reject"): ("rejected", (_REASON,)),
    ("confirmed", "transfer"): ("transferred", (_VIA_TRANSFER,)),
    ("confirmed", "close"): ("closed", (_CASE_CLOSED,)),
    ("transferred", "close"): ("closed", (_CASE_CLOSED_OR_REASON,)),
    ("rejected", "close"): ("closed", ()),
    ("rejected", "reopen"): ("verifying", (_REASON,)),
}

if {s for s, _ in TRANSITIONS} - set(CLUE_STATUSES) or {to for to, _ in TRANSITIONS.values()} - set(
    CLUE_STATUSES
):  # pragma: no cover - caught by the import itself
    raise RuntimeError("TRANSITIONS must use jiandu.store.schema.CLUE_STATUSES only")


def allowed_actions(status: str) -> tuple[str, ...]:
    """The actions the table has from `status` (guards not checked), in `ACTIONS` order."""
    return tuple(a for a in ACTIONS if (status, a) in TRANSITIONS)


def can(status: str, action: str, **facts: Any) -> bool:
    """True when `apply(status, action, **facts)` would succeed."""
    try:
        apply(status, action, **facts)
    except WorkflowError:
        return False
    return True


def apply(status: str, action: str, **facts: Any) -> str:
    """The status after `action` from `status`, or `WorkflowError` (bilingual) naming
    the actions allowed from `status`, or the guard that failed."""
    if status not in CLUE_STATUSES:
        raise ValueError(f"unknown clue status {status!r}")
    if action not in ACTIONS:
        raise WorkflowError(status, action, allowed_actions(status))
    found = TRANSITIONS.get((status, action))
    if found is None:
        raise WorkflowError(status, action, allowed_actions(status))
    target, guards = found
    for guard in guards:
        if not guard.check(facts):
            raise WorkflowError(
                status, action, allowed_actions(status), reason_zh=guard.zh, reason_en=guard.en
            )
    return target


def is_final(status: str) -> bool:
    """True for statuses with no work left (closed)."""
    return status in FINAL_STATUSES
