"""Errors of the model engine: a spec that does not validate, SQL the sandbox refuses.

Both are `JianduError`s, so the CLI and API handlers render them bilingually. `where`
names the place in the model file (`steps[2].filter`) so a prosecutor can find it.
"""

from __future__ import annotations

from jiandu.errors import JianduError, Location


class ModelError(JianduError):
    """A model spec, parameter or expression is invalid; says where and why."""

    def __init__(
        self,
        zh: str,
        en: str,
        *,
        where: str | None = None,
        file: str | None = None,
        row: int | None = None,
    ) -> None:
        self.where = where
        super().__init__(zh, en, location=Location(file=file, row=row, field=where))


class SandboxError(ModelError):
    """User SQL or an expression uses a construct the sandbox refuses.

    `construct` is a short stable name of what was refused (e.g. `function read_csv`,
    `statement COPY`), so tests and audit logs can tell refusals apart.
    """

    def __init__(self, zh: str, en: str, *, construct: str, where: str | None = None) -> None:
        self.construct = construct
        super().__init__(zh, en, where=where)
