"""The clue state machine, exhaustively: every status × every action, guards included."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from jiandu.clues import workflow
from jiandu.clues.errors import WorkflowError
from jiandu.store.schema import CLUE_STATUSES

#: Facts that satisfy every guard at once.
ALL_FACTS: dict[str, Any] = {
    "assigned": True,
    "reason": "核查属实",
    "via_transfer": True,
    "case_closed": True,
}

#: The expected machine, written out independently of `workflow.TRANSITIONS`.
EXPECTED = {
    ("pending", "verify"): "verifying",
    ("verifying", "confirm"): "confirmed",
    ("verifying", "reject"): "rejected",
    ("confirmed", "transfer"): "transferred",
    ("confirmed", "close"): "closed",
    ("transferred", "close"): "closed",
    ("rejected", "close"): "closed",
    ("rejected", "reopen"): "verifying",
}


@pytest.mark.parametrize(
    ("status", "action"), list(itertools.product(CLUE_STATUSES, workflow.ACTIONS))
)
def test_every_status_and_action(status: str, action: str) -> None:
    expected = EXPECTED.get((status, action))
    if expected is None:
        with pytest.raises(WorkflowError) as caught:
            workflow.apply(status, action, **ALL_FACTS)
        allowed = [a for (s, a) in EXPECTED if s == status]
        assert caught.value.allowed == tuple(a for a in workflow.ACTIONS if a in allowed)
        assert status in caught.value.en
        # The Chinese message names the status by its label.
        from jiandu.clues.errors import STATUS_ZH

        assert STATUS_ZH[status] in caught.value.zh
    else:
        assert workflow.apply(status, action, **ALL_FACTS) == expected


@pytest.mark.parametrize(
    ("status", "action", "missing", "needs"),
    [
        ("pending", "verify", {"assigned": False}, "assign"),
        ("verifying", "reject", {"reason": "  "}, "reason"),
        ("verifying", "reject", {"reason": None}, "reason"),
        ("rejected", "reopen", {"reason": ""}, "reason"),
        ("confirmed", "transfer", {"via_transfer": False}, "transfer"),
        ("confirmed", "close", {"case_closed": False}, "case is closed"),
        ("transferred", "close", {"case_closed": False, "reason": None}, "case is closed"),
    ],
)
def test_guards_refuse_with_the_reason(
    status: str, action: str, missing: dict[str, Any], needs: str
) -> None:
    with pytest.raises(WorkflowError) as caught:
        workflow.apply(status, action, **{**ALL_FACTS, **missing})
    assert needs in caught.value.en
    assert not workflow.can(status, action, **{**ALL_FACTS, **missing})


def test_guards_that_pass_without_other_facts() -> None:
    assert workflow.apply("verifying", "confirm") == "confirmed"
    assert workflow.apply("rejected", "close") == "closed"
    # A transferred clue closes with its case, or with a closing note by its handler.
    assert workflow.apply("transferred", "close", case_closed=True) == "closed"
    assert workflow.apply("transferred", "close", reason="已由公安机关立案") == "closed"


def test_allowed_actions_and_final_states() -> None:
    assert workflow.allowed_actions("pending") == ("verify",)
    assert workflow.allowed_actions("rejected") == ("close", "reopen")
    assert workflow.allowed_actions("closed") == ()
    assert workflow.is_final("closed") and not workflow.is_final("transferred")


def test_unknown_action_and_status() -> None:
    with pytest.raises(WorkflowError, match="actions allowed from here: verify"):
        workflow.apply("pending", "approve")
    with pytest.raises(ValueError, match="unknown clue status"):
        workflow.apply("archived", "close")


def test_message_lists_allowed_actions_bilingually() -> None:
    with pytest.raises(WorkflowError) as caught:
        workflow.apply("verifying", "close")
    assert "confirm, reject" in caught.value.en
    assert "认定成案" in caught.value.zh and "核查中" in caught.value.zh
