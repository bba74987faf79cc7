"""Errors of the security room.

All are `JianduError`s: the CLI shows them as user errors (exit 2) and the web app maps
them to 401/403/404. Their messages are written so that they never tell the caller
whether a user exists (`AuthenticationFailed`, `AccountLocked`) or whether an object
outside the caller's scope exists (`NotFound` is raised for both cases).
"""

from __future__ import annotations

from datetime import datetime

from jiandu.errors import JianduError

_SIGN_IN_FAILED_ZH = "身份验证失败：用户名、密码或令牌无效，或账户已被暂时锁定，请稍后再试"
_SIGN_IN_FAILED_EN = (
    "Authentication failed: the user name, password or token is not valid, or the account "
    "is temporarily locked; try again later"
)

# Chinese names of the object kinds callers name in `NotFound`; unknown kinds are shown
# as given.
_KIND_ZH = {
    "user": "用户",
    "unit": "单位",
    "token": "令牌",
    "session": "会话",
    "dataset": "数据集",
    "run": "模型运行",
    "model": "模型",
    "clue": "线索",
    "case": "案件",
    "approval": "审批申请",
    "batch": "批次",
    "transfer": "流转",
    "attachment": "附件",
    "document": "文书",
    "dataset_type": "数据类型",
    "job": "后台任务",
    "upload": "上传文件",
    "object": "对象",
}


class SecurityError(JianduError):
    """Base of the security room's errors (a user error: exit 2 in the CLI)."""


class AuthenticationFailed(SecurityError):
    """Sign-in or a credential (password, token, session) was refused.

    One message for every cause (unknown user, wrong password, disabled account, expired
    or revoked token), so the answer cannot be used to find out which accounts exist.
    """

    def __init__(self) -> None:
        super().__init__(_SIGN_IN_FAILED_ZH, _SIGN_IN_FAILED_EN)


class AccountLocked(AuthenticationFailed):
    """Sign-in refused because the account is locked after repeated failures.

    The message is the generic sign-in failure on purpose: telling "locked" apart would
    confirm that the user name exists. `until` is for the server side (audit, logs).
    """

    def __init__(self, until: datetime) -> None:
        super().__init__()
        self.until = until


class PermissionDenied(SecurityError):
    """The principal lacks the permission an action needs."""

    def __init__(self, permission: str) -> None:
        self.permission = str(permission)
        super().__init__(
            f"没有权限：此操作需要 {self.permission} 权限",
            f"Permission denied: this action needs the {self.permission} permission",
        )


class NotFound(SecurityError):
    """An object does not exist, or exists outside the caller's scope (told apart never)."""

    def __init__(self, kind: str, object_id: str) -> None:
        self.kind = kind
        self.object_id = object_id
        kind_zh = _KIND_ZH.get(kind, kind)
        super().__init__(
            f"未找到{kind_zh} {object_id!r}（不存在或无权查看）",
            f"{kind} {object_id!r} not found (it does not exist or you may not see it)",
        )


class PasswordRejected(SecurityError):
    """A new password does not meet the password policy; the message says why."""
