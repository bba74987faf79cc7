"""The shape every semantic field type shares.

A semantic type has two faces that must agree exactly:
- a scalar reference (`normalize`, pure Python, one value) used by tests, the UI and
  small inputs, and
- vectorised DuckDB macros (`sql_clean`, `sql_error`, `sql_warn`) used on the ingest hot
  path, so that no per-row Python runs over big files.
Parity tests (hypothesis) hold the two faces together.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    """One stable, documented reason a value is wrong or suspicious."""

    code: str  # stable id, "<type>.<reason>", e.g. "id_card.checksum"
    zh: str
    en: str
    severity: Severity = "error"


class FieldInvalid(ValueError):
    """Raised by a scalar normaliser; carries the Issue that says why."""

    def __init__(self, issue: Issue) -> None:
        self.issue = issue
        super().__init__(f"{issue.code}: {issue.zh} / {issue.en}")


@dataclass(frozen=True)
class Derived:
    """A column derived from a cleaned value (e.g. birth date from an ID number)."""

    suffix: str  # the pool column is "<field>_<suffix>", e.g. id_card_birth_date
    duckdb_type: str
    sql_macro: str  # DuckDB macro over the *cleaned* value
    scalar: Callable[[Any], Any]  # the same, in Python, over the cleaned value
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class SemanticType:
    name: str
    label_zh: str
    label_en: str
    duckdb_type: str  # type of the cleaned column: VARCHAR, DATE, TIMESTAMP, DECIMAL(18,2), BIGINT
    normalize: Callable[[str], Any]  # raw (non-blank) text -> clean value, or raise FieldInvalid
    sql_clean: str  # macro name: raw VARCHAR -> clean value, NULL when invalid
    sql_error: str  # macro name: raw VARCHAR -> error code VARCHAR, NULL when valid
    issues: Mapping[str, Issue]  # every code this type can report, by code
    warn: Callable[[str], Issue | None] = lambda _raw: None  # scalar warning for valid values
    sql_warn: str | None = None  # macro name: raw VARCHAR -> warning code, NULL when none
    # Optional one-call macro: raw VARCHAR -> STRUCT(value, err, warn), agreeing with the
    # three above; lets the pipeline parse a value once for all three answers.
    sql_parse: str | None = None
    # Whether the pipeline should parse each distinct value once and join the answers
    # back (a win when parsing costs more than a hash lookup). False for trivial types
    # such as free text, whose values are often unique.
    parse_per_distinct: bool = True
    derived: tuple[Derived, ...] = field(default_factory=tuple)
