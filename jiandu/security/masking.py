"""Masking of personal data (PII) in every output: rows, Arrow tables, free text.

Three PII classes come from the catalog (`FieldSpec.pii`): `id` (resident ID numbers),
`contact` (phone numbers) and `name` (people's names). Company identifiers (USCC) and
organisation names are not personal data and are never masked. A mask keeps the length
of the value and replaces the hidden characters with "*":

- id: 18 characters → first 6 (the region) + last 4 ("330602********1234"); the birth
  date and sequence number in the middle are hidden. 15-digit (old) numbers keep the
  first 6 + last 3. Malformed values: 8–14 characters keep 2 + 2, shorter ones are
  hidden whole.
- contact: mobile (and any other value of ≥ 11 characters) → first 3 + last 4
  ("138****5678"); landline with area code → the area code + the last 4
  ("0575-****3456", an extension counts as part of the number); 8–10 characters keep
  the last 4; shorter ones are hidden whole.
- name: the surname stays, one "*" per other character ("张*", "李**"); a compound
  surname (欧阳, 司马, …) stays whole when the name is longer than it ("欧阳**").

Each rule is a row of a small table (`_RULES`) chosen by the value's length and a pattern
over the characters it keeps, so `mask_value` (Python) and `mask_arrow` (vectorised with
pyarrow.compute, no per-row Python) apply the very same table and agree exactly; and
masking an already masked value changes nothing (the rule chosen depends only on what
the mask keeps).

**Derived columns of PII fields are dropped from masked output.** The pool stores
columns derived from a cleaned value next to it (`id_card_birth_date`, `id_card_sex`,
`id_card_region`, `phone_kind`, …). `id_card_birth_date` *is* the hidden middle of the
ID number, so showing it would undo the mask; rather than judge each derived column,
every derived column of a PII field is treated as PII and left out of masked output
(it is kept when the reader may unmask). Likewise columns the catalog does not classify
— unmapped source columns (`x_…`) — are dropped by `dataset_policy`: their PII class is
unknown, and masked output only shows what is known to be safe (an allow-list).

Free text that may quote PII (a clue title, a subject key) is *scrubbed*: ID and phone
numbers inside it are masked by pattern (`scrub_text`); names inside free text cannot be
recognised by pattern, so callers that know the row's name values replace them (see
`jiandu.security.approvals`).

`unmask` is the one door to unmasked values: it needs `pii.unmask` and writes an audit
entry naming what was unmasked and why (never the values themselves).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy.orm import Session

from jiandu.catalog.dataset_type import DatasetType, PiiClass
from jiandu.fields.registry import get_type
from jiandu.security import audit
from jiandu.security.errors import PermissionDenied, SecurityError
from jiandu.security.permissions import Permission
from jiandu.security.principal import Principal

MASK = "*"
#: What masking does with a column: mask it by PII class, scrub free text, or drop it.
ColumnTreatment = Literal["id", "contact", "name", "text", "drop"]
MaskedClass = Literal["id", "contact", "name"]
MASKED_CLASSES: tuple[MaskedClass, ...] = ("id", "contact", "name")

# Two-character surnames (复姓) kept whole in a masked name. Names with such a surname
# are rare, and a shorter mask would show a given-name character.
COMPOUND_SURNAMES = (
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐",
    "长孙", "宇文", "司徒", "司空", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门",
    "申屠", "百里", "呼延", "万俟", "闻人", "澹台", "公冶", "太史", "钟离", "赫连",
    "第五", "鲜于", "闾丘", "东郭", "拓跋", "濮阳", "淳于", "单于", "仲孙", "宗政",
)  # fmt: skip


@dataclass(frozen=True)
class _Rule:
    """Keep `head` leading and `tail` trailing characters of a value this rule fits.

    A rule fits when `min_len <= len <= max_len` and `pattern` (anchored at the start,
    looking only at characters the rule keeps) matches. Patterns use only syntax that
    Python's `re` and RE2 (pyarrow) read the same way ([0-9], not \\d).
    """

    head: int
    tail: int
    min_len: int
    max_len: int | None = None
    pattern: str | None = None


_RULES: dict[MaskedClass, tuple[_Rule, ...]] = {
    "id": (
        _Rule(head=6, tail=4, min_len=16),
        _Rule(head=6, tail=3, min_len=15, max_len=15),
        _Rule(head=2, tail=2, min_len=8, max_len=14),
    ),
    "contact": (
        _Rule(head=5, tail=4, min_len=10, pattern="^0[0-9]{3}-"),
        _Rule(head=4, tail=4, min_len=9, pattern="^0[0-9]{2}-"),
        _Rule(head=3, tail=4, min_len=11),
        _Rule(head=0, tail=4, min_len=8, max_len=10),
    ),
    "name": (
        _Rule(head=2, tail=0, min_len=3, pattern="^(" + "|".join(COMPOUND_SURNAMES) + ")"),
        _Rule(head=1, tail=0, min_len=1),
    ),
}
_COMPILED = {
    rule.pattern: re.compile(rule.pattern)
    for rules in _RULES.values()
    for rule in rules
    if rule.pattern is not None
}

# Free-text scrubbing: (pattern, replacement), applied in order; each keeps the length.
# 18- and 15-digit ID numbers, mobile numbers, landlines with an area code.
_SCRUB: tuple[tuple[str, str], ...] = (
    (r"([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])", r"\1********\2"),
    (r"([0-9]{6})[0-9]{6}([0-9]{3})", r"\1******\2"),
    (r"(1[3-9][0-9])[0-9]{4}([0-9]{4})", r"\1****\2"),
    (r"(0[0-9]{2,3}-)[0-9]{4}([0-9]{4})", r"\1****\2"),
    (r"(0[0-9]{2,3}-)[0-9]{3}([0-9]{4})", r"\1***\2"),
)
_SCRUB_COMPILED = tuple((re.compile(p), r) for p, r in _SCRUB)


class UnknownPiiClass(SecurityError):
    """A caller named a PII class masking does not know (a programming error upstream)."""

    def __init__(self, pii_class: str) -> None:
        super().__init__(
            f"未知的个人信息类别 {pii_class!r}（可用：id、contact、name）",
            f"unknown PII class {pii_class!r} (known: id, contact, name)",
        )


def _rules(pii_class: str) -> tuple[_Rule, ...]:
    if pii_class not in _RULES:
        raise UnknownPiiClass(pii_class)
    return _RULES[pii_class]


def _fits(rule: _Rule, text: str) -> bool:
    size = len(text)
    if size < rule.min_len or (rule.max_len is not None and size > rule.max_len):
        return False
    return rule.pattern is None or _COMPILED[rule.pattern].match(text) is not None


def _apply(text: str, head: int, tail: int) -> str:
    hidden = max(len(text) - head - tail, 0)
    return text[:head] + MASK * hidden + (text[len(text) - tail :] if tail else "")


def mask_value(pii_class: str, value: Any) -> str | None:
    """`value` masked for its PII class (id, contact, name); None stays None.

    Non-text values (a phone number read as a number) are masked as their text.
    """
    rules = _rules(pii_class)
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    for rule in rules:
        if _fits(rule, text):
            return _apply(text, rule.head, rule.tail)
    return MASK * len(text)


def scrub_text(value: Any) -> str | None:
    """Free text with every ID and phone number inside it masked; None stays None."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    for pattern, replacement in _SCRUB_COMPILED:
        text = pattern.sub(replacement, text)
    return text


def _treat(treatment: str, value: Any) -> Any:
    if treatment == "text":
        return scrub_text(value)
    return mask_value(treatment, value)


def _check_treatments(pii: Mapping[str, str]) -> None:
    for treatment in pii.values():
        if treatment not in ("text", "drop"):
            _rules(treatment)


def mask_rows(rows: Iterable[Mapping[str, Any]], pii: Mapping[str, str]) -> list[dict[str, Any]]:
    """Copies of `rows` with each column in `pii` masked (id/contact/name), scrubbed
    ("text") or removed ("drop"); other columns are copied as they are."""
    _check_treatments(pii)
    masked: list[dict[str, Any]] = []
    for row in rows:
        out: dict[str, Any] = {}
        for column, value in row.items():
            treatment = pii.get(column)
            if treatment is None:
                out[column] = value
            elif treatment != "drop":
                out[column] = _treat(treatment, value)
        masked.append(out)
    return masked


def _as_text(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column
    return pc.cast(column, pa.string())


def _arrow_apply(
    values: pa.ChunkedArray | pa.Array, lengths: pa.ChunkedArray | pa.Array, rule: _Rule
) -> pa.ChunkedArray | pa.Array:
    hidden = pc.max_element_wise(pc.subtract(lengths, rule.head + rule.tail), 0)
    head = pc.utf8_slice_codeunits(values, 0, rule.head)
    stars = pc.binary_repeat(pa.scalar(MASK), hidden)
    if rule.tail:
        tail = pc.utf8_slice_codeunits(values, -rule.tail)
    else:
        tail = pc.utf8_slice_codeunits(values, 0, 0)
    return pc.binary_join_element_wise(head, stars, tail, "")


def _arrow_fits(
    values: pa.ChunkedArray | pa.Array, lengths: pa.ChunkedArray | pa.Array, rule: _Rule
) -> pa.ChunkedArray | pa.Array:
    fits = pc.greater_equal(lengths, rule.min_len)
    if rule.max_len is not None:
        fits = pc.and_(fits, pc.less_equal(lengths, rule.max_len))
    if rule.pattern is not None:
        fits = pc.and_(fits, pc.match_substring_regex(values, rule.pattern))
    return fits


def _mask_column(column: pa.ChunkedArray | pa.Array, pii_class: str) -> pa.ChunkedArray | pa.Array:
    rules = _rules(pii_class)
    values = _as_text(column)
    lengths = pc.utf8_length(values)
    result = _arrow_apply(values, lengths, _Rule(head=0, tail=0, min_len=0))
    # Last rule first, so the first rule that fits has the final word (as in mask_value).
    for rule in reversed(rules):
        result = pc.if_else(
            _arrow_fits(values, lengths, rule), _arrow_apply(values, lengths, rule), result
        )
    return result


def _scrub_column(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    values = _as_text(column)
    for pattern, replacement in _SCRUB:
        values = pc.replace_substring_regex(values, pattern, replacement)
    return values


def mask_arrow(table: pa.Table, pii: Mapping[str, str]) -> pa.Table:
    """`table` with the columns in `pii` masked, scrubbed or dropped, like `mask_rows`.

    Vectorised with pyarrow.compute over whole columns; the rules are the same table as
    `mask_value`'s, so `mask_arrow(t).to_pylist() == mask_rows(t.to_pylist())`.
    """
    _check_treatments(pii)
    drop = [name for name in table.column_names if pii.get(name) == "drop"]
    if drop:
        table = table.drop_columns(drop)
    for index, name in enumerate(table.column_names):
        treatment = pii.get(name)
        if treatment is None:
            continue
        column = table.column(index)
        masked = _scrub_column(column) if treatment == "text" else _mask_column(column, treatment)
        table = table.set_column(index, pa.field(name, pa.string()), masked)
    return table


def derived_columns(dataset_type: DatasetType, field_name: str) -> list[str]:
    """The pool columns derived from one field (`id_card` → `id_card_birth_date`, …)."""
    spec = dataset_type.field(field_name)
    return [f"{spec.name}_{d.suffix}" for d in get_type(spec.type).derived]


def pii_fields(dataset_type: DatasetType) -> dict[str, ColumnTreatment]:
    """What masking does to each PII column of a dataset type's pool data.

    Fields with a PII class map to it; every column derived from such a field maps to
    "drop" (see the module docstring). Columns not named here are not personal data.
    """
    treatments: dict[str, ColumnTreatment] = {}
    for spec in dataset_type.fields:
        if spec.pii == "none":
            continue
        treatments[spec.name] = cast(ColumnTreatment, spec.pii)
        for column in derived_columns(dataset_type, spec.name):
            treatments[column] = "drop"
    return treatments


def known_columns(dataset_type: DatasetType) -> set[str]:
    """Every column a batch of this type may have apart from extras: fields + derived."""
    names: set[str] = set()
    for spec in dataset_type.fields:
        names.add(spec.name)
        names.update(derived_columns(dataset_type, spec.name))
    return names


def dataset_policy(dataset_type: DatasetType, columns: Sequence[str]) -> dict[str, ColumnTreatment]:
    """Masking policy for a table of this type with these columns (an allow-list).

    `pii_fields`, plus "drop" for every column the type does not define (unmapped
    source columns `x_…`, whose PII class nobody has classified).
    """
    policy = {c: t for c, t in pii_fields(dataset_type).items() if c in columns}
    known = known_columns(dataset_type)
    policy.update({c: "drop" for c in columns if c not in known})
    return policy


def pii_class_of_field(field_name: str, types: Iterable[DatasetType]) -> PiiClass:
    """The PII class a column name carries in any of `types` ("none" when it carries none)."""
    for dataset_type in types:
        for spec in dataset_type.fields:
            if spec.name == field_name and spec.pii != "none":
                return spec.pii
    return "none"


def unmask(
    session: Session,
    principal: Principal,
    *,
    object_kind: str,
    object_id: str,
    fields: Sequence[str],
    reason: str,
    unit_id: str | None = None,
    now: datetime | None = None,
) -> None:
    """Allow `principal` to see `fields` of one object unmasked, and audit that they did.

    Needs `pii.unmask` and a stated reason. The audit entry names the object, the fields
    and the reason, never the values. A refusal is audited as `denied` in the caller's
    transaction (commit it before re-raising if the refusal must be kept) and raised as
    `PermissionDenied`.
    """
    detail: dict[str, Any] = {"fields": sorted(fields), "reason": reason.strip()}
    if not principal.can(Permission.PII_UNMASK):
        audit.record(
            session,
            actor=principal.user_id,
            action="pii.unmask",
            object_kind=object_kind,
            object_id=object_id,
            unit_id=unit_id,
            outcome="denied",
            detail=detail,
            now=now,
        )
        raise PermissionDenied(Permission.PII_UNMASK)
    if not detail["reason"]:
        raise SecurityError(
            "查看未脱敏的个人信息必须说明理由", "unmasking personal data needs a stated reason"
        )
    audit.record(
        session,
        actor=principal.user_id,
        action="pii.unmask",
        object_kind=object_kind,
        object_id=object_id,
        unit_id=unit_id,
        detail=detail,
        now=now,
    )


# Text a spreadsheet would run as a formula when an export is opened (CSV/XLSX injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse_formula(value: Any) -> Any:
    """A text value that a spreadsheet would run as a formula, prefixed with "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
