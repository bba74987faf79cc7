"""Seeded corrupted copies of Chinese person and company records, for linkage evaluation.

Entity resolution is scored against a truth that real data never ships with. These
functions make one: every output row is a copy of an input row, its original id kept in
`truth_id`, with one or (30%) two of the mistakes Chinese registers actually contain,
named in `corruptions` as `column:kind` joined by ";" (e.g. "name:homophone;phone:digit"):

- `homophone` (names): one Han character replaced by another with the same toneless
  reading in pinyin.csv (张伟 → 章伟), a character that occurs elsewhere in the same
  column when there is one (a real name character), else a GB 2312 level-1 character.
  Traditional forms never count as homophones (張 is the `traditional` kind).
- `typo` (names): one character replaced by an unrelated common character (GB 2312 level
  1, another reading), or for longer names two of them, one dropped, or one doubled.
- `traditional` (names): every character that has one written in a traditional form
  (t2s.csv read backwards; 张伟 → 張偉).
- `legal_form` (company names): the legal form dropped, swapped (有限公司 ↔ 有限责任公司,
  股份有限公司 → 股份公司, 公司 → 有限公司) or, when there is none, 有限公司 added.
- `region` (company names): the leading region (上海…, 义乌市…) dropped or moved into
  brackets before the legal form (上海仓祥绿化工程有限公司 → 仓祥绿化工程（上海）有限公司);
  a bracketed region moves to the front.
- `digit` (phone, ID number, USCC): one digit changed, or two adjacent different
  characters swapped.
- `abbrev` (addresses): the first one or two region names dropped (上海市松江区叶榭镇… →
  松江区叶榭镇… or 叶榭镇…), or else the first 省 / 市.
- `missing` (every column but the main name): the value set to null.

Homophone, typo and traditional changes of a company name touch only its core (not the
region or the legal form), so that each kind stays what it says. Every change is checked
to differ from the original; a kind that cannot apply to a row (no Han character with a
homophone, no region, an empty value) is not chosen for it.

Deterministic for a seed: numpy's Generator(seed) picks the rows and seeds the
`random.Random` that makes the rows' choices, in row order (per-row Python: this is an
evaluation tool; 100,000 company rows take about 2 s). The output keeps the input's
columns (corrupted ones as strings) with `unique_id` replaced by "<id>~c", plus
`truth_id` (the original id, its type kept) and `corruptions`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pyarrow as pa

from jiandu.entities.names import LEGAL_FORMS, load_pinyin, load_t2s, region_prefix_length
from jiandu.errors import JianduError

__all__ = ["CorruptionError", "corrupt_companies", "corrupt_people"]

_TWO_CORRUPTIONS = 0.3
_REGION_SUFFIXES = ("省", "市")
_LEGAL_SWAPS = {
    "有限公司": "有限责任公司",
    "有限责任公司": "有限公司",
    "股份有限公司": "股份公司",
    "股份公司": "股份有限公司",
    "公司": "有限公司",
}
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
_LEGAL_BY_LENGTH = tuple(sorted(LEGAL_FORMS, key=len, reverse=True))


class CorruptionError(JianduError):
    """The table cannot be corrupted as asked (a named column is missing)."""


# ---------------------------------------------------------------------------------------
# Character tables


@cache
def _common_chars() -> tuple[str, ...]:
    """GB 2312 level-1 characters (the 3,755 most common), in code order."""
    chars = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return tuple(chars)


@cache
def _readings() -> dict[str, list[str]]:
    """Toneless reading -> simplified characters with it (no traditional forms)."""
    traditional = load_t2s()
    by_reading: dict[str, list[str]] = {}
    for char, reading in load_pinyin().items():
        if char not in traditional and 0x4E00 <= ord(char) <= 0x9FFF:
            by_reading.setdefault(reading, []).append(char)
    return by_reading


@cache
def _traditional() -> dict[str, tuple[str, ...]]:
    """Simplified -> its traditional forms (t2s.csv read backwards)."""
    reverse: dict[str, list[str]] = {}
    for trad, simp in load_t2s().items():
        reverse.setdefault(simp, []).append(trad)
    return {simp: tuple(sorted(trads)) for simp, trads in reverse.items()}


def _leading_regions(text: str, most: int = 2) -> int:
    """Length of the region names (up to `most`) at the start of text; 0 when none."""
    pos = 0
    for _ in range(most):
        found = region_prefix_length(text, pos)
        if not found or pos + found >= len(text):
            break
        pos += found
    return pos


# ---------------------------------------------------------------------------------------
# Operations on one value (None: does not apply)


@cache
def _common_set() -> frozenset[str]:
    return frozenset(_common_chars())


@dataclass
class _NameOps:
    """Name operations, with the characters of the column for homophones."""

    column_chars: frozenset[str]
    _pools: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def _pool(self, char: str, reading: str) -> list[str]:
        """Homophones of char: ones used in the column, else common ones."""
        key = (char, reading)
        if key not in self._pools:
            plain = load_t2s().get(char, char)
            same = [c for c in _readings().get(reading, ()) if c not in (char, plain)]
            real = [c for c in same if c in self.column_chars]
            self._pools[key] = real or [c for c in same if c in _common_set()]
        return self._pools[key]

    def homophone(
        self, text: str, rnd: random.Random, span: tuple[int, int] | None = None
    ) -> str | None:
        start, end = span or (0, len(text))
        readings = load_pinyin()
        t2s = load_t2s()
        options = []
        for i in range(start, end):
            reading = readings.get(t2s.get(text[i], text[i]))  # as pinyin() reads it
            pool = self._pool(text[i], reading) if reading else []
            if pool:
                options.append((i, pool))
        if not options:
            return None
        i, pool = options[rnd.randrange(len(options))]
        return text[:i] + pool[rnd.randrange(len(pool))] + text[i + 1 :]

    def typo(
        self, text: str, rnd: random.Random, span: tuple[int, int] | None = None
    ) -> str | None:
        start, end = span or (0, len(text))
        if end - start < 1:
            return None
        readings = load_pinyin()
        common = _common_chars()

        def other(char: str) -> str:
            while True:
                pick = common[rnd.randrange(len(common))]
                if pick != char and readings.get(pick) != readings.get(char):
                    return pick

        roll = rnd.random()
        i = start + rnd.randrange(end - start)
        if roll < 0.2 and len(text) >= 3:  # one character dropped
            return text[:i] + text[i + 1 :]
        if roll < 0.4:  # one character doubled
            return text[: i + 1] + text[i:]
        chars = list(text)
        chars[i] = other(chars[i])
        if roll < 0.5 and end - start >= 4:  # a second one replaced
            j = start + rnd.randrange(end - start)
            if j != i:
                chars[j] = other(chars[j])
        return "".join(chars)

    @staticmethod
    def traditional(
        text: str, rnd: random.Random, span: tuple[int, int] | None = None
    ) -> str | None:
        start, end = span or (0, len(text))
        forms = _traditional()
        chars = list(text)
        changed = False
        for i in range(start, end):
            trads = forms.get(chars[i])
            if trads:
                chars[i] = trads[rnd.randrange(len(trads))]
                changed = True
        return "".join(chars) if changed else None


def _company_parts(name: str) -> tuple[int, int]:
    """(start, end) of a company name's core: after leading regions, before a bracketed
    note and the legal form."""
    end = len(name)
    for form in _LEGAL_BY_LENGTH:
        if name.endswith(form) and len(name) > len(form):
            end = len(name) - len(form)
            if name[:end].endswith("集团") and end > 2:
                end -= 2
            break
    for open_, close in (("（", "）"), ("(", ")")):
        if name[:end].endswith(close) and name.rfind(open_, 0, end) > 0:
            end = name.rfind(open_, 0, end)
            break
    start = _leading_regions(name[:end])
    if start >= end:
        start = 0
    return start, end


def _legal_form(name: str, rnd: random.Random) -> str | None:
    form = next((f for f in _LEGAL_BY_LENGTH if name.endswith(f) and len(name) > len(f)), None)
    if form is None:
        return name + "有限公司"
    stem = name[: -len(form)]
    swap = _LEGAL_SWAPS.get(form)
    if swap is not None and rnd.random() < 0.5:
        return stem + swap
    return stem


def _region(name: str, rnd: random.Random) -> str | None:
    cut = _leading_regions(name)
    if cut:
        region, rest = name[:cut], name[cut:]
        if rnd.random() < 0.5:
            return rest
        short = region
        for suffix in _REGION_SUFFIXES:
            short = short.removesuffix(suffix)
        form = next((f for f in _LEGAL_BY_LENGTH if rest.endswith(f) and len(rest) > len(f)), "")
        stem = rest[: len(rest) - len(form)]
        return f"{stem}（{short}）{form}"
    for open_, close in (("（", "）"), ("(", ")")):
        left = name.find(open_)
        right = name.find(close, left + 1)
        if left > 0 and right > left + 1:
            inner = name[left + 1 : right]
            if region_prefix_length(inner) == len(inner) > 0:
                return inner + name[:left] + name[right + 1 :]
    return None


def _digit(value: str, rnd: random.Random) -> str | None:
    positions = [i for i, c in enumerate(value) if c.isdigit()]
    if not positions:
        return None
    chars = list(value)
    pairs = [i for i in range(len(chars) - 1) if chars[i] != chars[i + 1]]
    if pairs and rnd.random() < 0.3:
        i = pairs[rnd.randrange(len(pairs))]
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
        return "".join(chars)
    i = positions[rnd.randrange(len(positions))]
    chars[i] = rnd.choice([d for d in "0123456789" if d != chars[i]])
    return "".join(chars)


def _abbrev(address: str, rnd: random.Random) -> str | None:
    cut = _leading_regions(address, 1 if rnd.random() < 0.5 else 2)
    if cut and cut < len(address):
        return address[cut:]
    head = address[:8]
    for marker in _REGION_SUFFIXES:
        if marker in head:
            return address.replace(marker, "", 1)
    return None


def _missing(value: str, rnd: random.Random) -> str | None:
    """Placeholder: `_apply` nulls the value itself for this kind."""
    return None


# ---------------------------------------------------------------------------------------
# Driver


@dataclass(frozen=True)
class _Kind:
    column: str
    kind: str
    weight: float
    op: Callable[..., str | None]
    core: bool = False  # company name: apply to the core span only


def _column_chars(table: pa.Table, column: str) -> frozenset[str]:
    text = "".join(v for v in table.column(column).to_pylist() if isinstance(v, str))
    return frozenset(_HAN.findall(text))


def _check_columns(table: pa.Table, columns: Sequence[str | None]) -> None:
    for column in columns:
        if column is not None and column not in table.column_names:
            raise CorruptionError(f"表中没有列 {column}", f"the table has no column {column}")


def _apply(
    table: pa.Table,
    kinds: list[_Kind],
    *,
    seed: int,
    rate: float,
    id_column: str,
    company_column: str | None = None,
) -> pa.Table:
    if not 0.0 <= rate <= 1.0:
        raise CorruptionError(f"比例 {rate} 不在 0 到 1 之间", f"rate {rate} is not within 0..1")
    rng = np.random.Generator(np.random.PCG64(seed))
    n = table.num_rows
    picked = np.sort(rng.choice(n, size=round(rate * n), replace=False)) if n else np.array([], int)
    rnd = random.Random(int(rng.integers(0, 2**63 - 1)))
    columns = sorted({k.column for k in kinds})
    values = {c: table.column(c).to_pylist() for c in columns}
    out: dict[str, list[object]] = {c: [] for c in columns}
    notes: list[str] = []
    for row in picked.tolist():
        current = {c: values[c][row] for c in columns}
        current = {c: (None if v is None else str(v)) for c, v in current.items()}
        original = dict(current)
        wanted = 2 if rnd.random() < _TWO_CORRUPTIONS else 1
        # weighted order without replacement (Efraimidis-Spirakis keys)
        keys = [rnd.random() ** (1.0 / k.weight) for k in kinds]
        order = [kinds[i] for i in sorted(range(len(kinds)), key=keys.__getitem__, reverse=True)]
        done: list[str] = []
        emptied: set[str] = set()
        for kind in order:
            if len(done) == wanted:
                break
            value = current[kind.column]
            if value is None or value == "" or kind.column in emptied:
                continue
            if kind.kind == "missing":
                if any(d.startswith(kind.column + ":") for d in done):
                    continue
                current[kind.column] = None
                emptied.add(kind.column)
                done.append(f"{kind.column}:missing")
                continue
            if kind.core and company_column is not None:
                result = kind.op(value, rnd, _company_parts(value))
            else:
                result = kind.op(value, rnd)
            if result is None or result in (value, original[kind.column], ""):
                continue
            current[kind.column] = result
            done.append(f"{kind.column}:{kind.kind}")
        for c in columns:
            out[c].append(current[c])
        notes.append(";".join(done))
    rows = pa.array(picked, pa.int64())
    result = table.take(rows)
    for c in columns:
        result = result.set_column(
            result.schema.get_field_index(c), c, pa.array(out[c], pa.string())
        )
    ids = result.column(id_column)
    new_ids = pa.array([f"{v}~c" for v in ids.to_pylist()], pa.string())
    result = result.set_column(result.schema.get_field_index(id_column), id_column, new_ids)
    result = result.append_column("truth_id", ids)
    return result.append_column("corruptions", pa.array(notes, pa.string()))


def _person_kinds(table: pa.Table, column: str, *, main: bool, weight: float = 1.0) -> list[_Kind]:
    ops = _NameOps(_column_chars(table, column))
    kinds = [
        _Kind(column, "homophone", 3 * weight, ops.homophone),
        _Kind(column, "typo", 2 * weight, ops.typo),
        _Kind(column, "traditional", 1.5 * weight, ops.traditional),
    ]
    if not main:
        kinds.append(_Kind(column, "missing", 1 * weight, _missing))
    return kinds


def _field_kinds(phone: str | None, ids: Sequence[str | None], address: str | None) -> list[_Kind]:
    kinds: list[_Kind] = []
    for column in (phone, *ids):
        if column is not None:
            kinds += [_Kind(column, "digit", 2, _digit), _Kind(column, "missing", 1, _missing)]
    if address is not None:
        kinds += [_Kind(address, "abbrev", 2, _abbrev), _Kind(address, "missing", 1, _missing)]
    return kinds


def corrupt_people(
    table: pa.Table,
    *,
    seed: int,
    rate: float = 1.0,
    id_column: str = "unique_id",
    name_column: str = "name",
    phone_column: str | None = None,
    id_card_column: str | None = None,
    address_column: str | None = None,
) -> pa.Table:
    """Corrupted copies of `rate` of the rows (chosen with the seed), one or two changes each.

    The name gets homophone / typo / traditional changes; phone and ID number columns, when
    named, a changed digit, a transposition or a null; the address an abbreviation or a null.
    """
    _check_columns(table, (id_column, name_column, phone_column, id_card_column, address_column))
    kinds = _person_kinds(table, name_column, main=True)
    kinds += _field_kinds(phone_column, (id_card_column,), address_column)
    return _apply(table, kinds, seed=seed, rate=rate, id_column=id_column)


def corrupt_companies(
    table: pa.Table,
    *,
    seed: int,
    rate: float = 1.0,
    id_column: str = "unique_id",
    name_column: str = "name",
    uscc_column: str | None = "uscc",
    person_column: str | None = "legal_rep",
    address_column: str | None = "address",
    phone_column: str | None = None,
) -> pa.Table:
    """Corrupted copies of company rows (legal form, region, name, USCC, representative …).

    Defaults fit the registration sample (企业名称 → name, 统一社会信用代码 → uscc,
    法人代表 → legal_rep, 注册地址 → address); pass None to leave a column alone.
    """
    _check_columns(
        table, (id_column, name_column, uscc_column, person_column, address_column, phone_column)
    )
    ops = _NameOps(_column_chars(table, name_column))
    kinds = [
        _Kind(name_column, "legal_form", 3, _legal_form),
        _Kind(name_column, "region", 3, _region),
        _Kind(name_column, "homophone", 2, ops.homophone, core=True),
        _Kind(name_column, "typo", 2, ops.typo, core=True),
        _Kind(name_column, "traditional", 1, ops.traditional, core=True),
    ]
    if person_column is not None:
        kinds += _person_kinds(table, person_column, main=False, weight=0.6)
    kinds += _field_kinds(phone_column, (uscc_column,), address_column)
    return _apply(
        table, kinds, seed=seed, rate=rate, id_column=id_column, company_column=name_column
    )
