"""Errors of the clue room (bilingual user errors: exit 2 in the CLI).

`ConflictError` is the optimistic lock's answer (HTTP 409 in the web app): somebody
else changed the clue since the caller read it. None of these messages tells a caller
anything about clues outside their scope; those are `jiandu.security.errors.NotFound`.
"""

from __future__ import annotations

from collections.abc import Iterable

from jiandu.errors import JianduError

#: Chinese labels of the workflow statuses (the ids in code are English).
STATUS_ZH: dict[str, str] = {
    "pending": "待核查",
    "verifying": "核查中",
    "confirmed": "成案",
    "rejected": "不成案",
    "transferred": "已移送",
    "closed": "已办结",
}

#: Chinese labels of the workflow actions.
ACTION_ZH: dict[str, str] = {
    "verify": "开始核查",
    "confirm": "认定成案",
    "reject": "认定不成案",
    "transfer": "移送",
    "close": "办结",
    "reopen": "重新核查",
}


class ClueError(JianduError):
    """A clue request that cannot be carried out as asked (bad input, bad state)."""


class WorkflowError(ClueError):
    """An action the state machine does not allow from the clue's current status.

    The message names the status and the actions that are allowed from it, so the
    user knows what to do instead; `reason` explains a failed guard, if any.
    """

    def __init__(
        self,
        status: str,
        action: str,
        allowed: Iterable[str],
        *,
        reason_zh: str | None = None,
        reason_en: str | None = None,
    ) -> None:
        self.status = status
        self.action = action
        self.allowed = tuple(allowed)
        allowed_zh = "、".join(f"{a}（{ACTION_ZH.get(a, a)}）" for a in self.allowed) or "无"
        allowed_en = ", ".join(self.allowed) or "none"
        status_zh = STATUS_ZH.get(status, status)
        action_zh = ACTION_ZH.get(action, action)
        if reason_zh is not None and reason_en is not None:
            zh = f"线索当前状态为{status_zh}，不能{action_zh}：{reason_zh}"
            en = f"cannot {action} a clue in status {status}: {reason_en}"
        else:
            zh = f"线索当前状态为{status_zh}，不能{action_zh}；此状态下可执行：{allowed_zh}"
            en = (
                f"cannot {action} a clue in status {status}; "
                f"actions allowed from here: {allowed_en}"
            )
        super().__init__(zh, en)


class ConflictError(ClueError):
    """The clue changed since the caller read it (optimistic lock): reload and retry."""

    def __init__(self, clue_id: str, expected: int | None, current: int | None) -> None:
        self.clue_id = clue_id
        self.expected = expected
        self.current = current
        super().__init__(
            f"线索 {clue_id} 已被他人修改（您看到的是第 {expected} 版，当前为第 {current} 版），"
            "请刷新后重试",
            f"clue {clue_id} was changed by someone else (you saw version {expected}, it is "
            f"now version {current}); reload it and try again",
        )
