"""Map a source table's headers onto the fields of a dataset type.

`map_headers(headers, dataset_type, override, source_label) -> HeaderMapping`
(`suggest_mapping`, same arguments, makes the same mapping without refusing it)

- `headers` are the source's header cells in column order; multi-row headers arrive
  joined with "/" ("发放信息/金额").
- Each header is normalised (`normalize_header`) and looked up among the field names,
  labels and synonyms of the type. For a multi-row header the candidates are, in order:
  the whole text, its segments concatenated, then ever shorter right-hand suffixes
  ("发放信息金额", "金额"), then the remaining single segments right to left. The lower
  rows of a header are the specific ones. If nothing matches, the candidates are retried
  without a trailing parenthetical note ("姓名（全称）" → "姓名").
- `override` ({source header: field name, or None to drop the column}, e.g. from
  `--mapping FILE`) wins over automatic matching; a field claimed by an override is not
  also given to an automatically matched column (that column is kept as an extra).
- Unknown columns are kept as extra text columns named `x_<header>` (unique).

`HeaderMapping.columns` lists one `ColumnMapping` per source column in source order:
`index`, `header` (raw), `field` (or None), `extra_name` (for kept unknown columns),
`how` ('override' / 'name' / 'label' / 'synonym', None for extras), `unit` (a unit
written in the header, e.g. "万元") and `dropped`. For money fields,
`ColumnMapping.yuan_multiplier` says by how much bare numbers must be multiplied.

Errors are `MappingError`s naming the source: an override naming an unknown field or a
header that is not there, two columns claiming one field, and required fields missing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from jiandu.catalog.dataset_type import EXTRA_PREFIX, DatasetType, FieldSpec
from jiandu.catalog.headers import (
    header_unit,
    normalize_header,
    strip_trailing_note,
    yuan_multiplier,
)
from jiandu.errors import Location, MappingError

__all__ = [
    "ColumnMapping",
    "HeaderMapping",
    "load_mapping_file",
    "map_headers",
    "normalize_header",
    "suggest_mapping",
]

How = Literal["override", "name", "label", "synonym"]

_MAPPING_HINT_ZH = "可用 --mapping 文件指定“源表头: 字段名”"
_MAPPING_HINT_EN = "use --mapping FILE with 'source header: field name' lines"
_NOT_WORD = re.compile(r"[^\w]+")
_EXTRA_MAX = 60


@dataclass(frozen=True)
class ColumnMapping:
    """What one source column becomes in the dataset."""

    index: int
    header: str
    field: str | None
    extra_name: str | None
    how: How | None
    unit: str | None = None
    dropped: bool = False

    @property
    def yuan_multiplier(self) -> int | None:
        """Factor for bare numbers when the header names a money unit ("万元" → 10000)."""
        return yuan_multiplier(self.unit)


@dataclass(frozen=True)
class HeaderMapping:
    """The mapping of every source column, in source order."""

    dataset_type: DatasetType
    source_label: str
    columns: tuple[ColumnMapping, ...]

    @property
    def field_to_index(self) -> dict[str, int]:
        """Field name → source column position, for mapped fields only."""
        return {c.field: c.index for c in self.columns if c.field is not None}

    @property
    def extras(self) -> list[ColumnMapping]:
        """Unknown source columns kept as extra text columns."""
        return [c for c in self.columns if c.extra_name is not None]

    @property
    def missing_required(self) -> list[FieldSpec]:
        """Required fields of the type that no source column provides."""
        mapped = self.field_to_index
        return [f for f in self.dataset_type.required_fields if f.name not in mapped]


def _candidates(normalized: str) -> list[str]:
    segments = [s for s in normalized.split("/") if s]
    found = [normalized]
    if len(segments) > 1:
        found.extend("".join(segments[i:]) for i in range(len(segments)))
        found.extend(reversed(segments[:-1]))
    notes = [stripped for c in found if (stripped := strip_trailing_note(c))]
    return list(dict.fromkeys([*found, *notes]))


def _auto_match(header: str, dataset_type: DatasetType) -> tuple[str, How] | None:
    index = dataset_type.header_index
    for candidate in _candidates(normalize_header(header)):
        if candidate in index:
            return index[candidate]
    return None


def _extra_name(header: str, index: int, taken: set[str]) -> str:
    stem = _NOT_WORD.sub("_", normalize_header(header)).strip("_")[:_EXTRA_MAX]
    base = f"{EXTRA_PREFIX}{stem or f'col{index + 1}'}"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def _error(source_label: str, zh: str, en: str) -> MappingError:
    return MappingError(zh, en, location=Location(file=source_label))


def _resolve_override(
    headers: list[str],
    dataset_type: DatasetType,
    override: Mapping[str, str | None],
    source_label: str,
) -> dict[int, str | None]:
    by_form: dict[str, list[int]] = {}
    for i, header in enumerate(headers):
        by_form.setdefault(normalize_header(header), []).append(i)
    resolved: dict[int, str | None] = {}
    for source_header, field_name in override.items():
        if field_name is not None and field_name not in dataset_type.field_names:
            raise _error(
                source_label,
                f"映射文件把表头 {source_header!r} 指向不存在的字段 {field_name!r}；"
                f"{dataset_type.id} 的字段：{', '.join(dataset_type.field_names)}",
                f"the mapping sends header {source_header!r} to unknown field "
                f"{field_name!r}; fields of {dataset_type.id}: "
                f"{', '.join(dataset_type.field_names)}",
            )
        positions = by_form.get(normalize_header(source_header))
        if not positions:
            raise _error(
                source_label,
                f"映射文件中的表头 {source_header!r} 在源表中不存在；源表表头：{headers}",
                f"header {source_header!r} from the mapping is not in the source; "
                f"source headers: {headers}",
            )
        for position in positions:
            resolved[position] = field_name
    return resolved


def _check_unique(columns: list[ColumnMapping], dataset_type: DatasetType, label: str) -> None:
    claimed: dict[str, ColumnMapping] = {}
    for column in columns:
        if column.field is None:
            continue
        first = claimed.setdefault(column.field, column)
        if first is not column:
            spec = dataset_type.field(column.field)
            raise _error(
                label,
                f"源表的两列 {first.header!r}（第 {first.index + 1} 列）和 {column.header!r}"
                f"（第 {column.index + 1} 列）都对应字段 {spec.name}（{spec.label_zh}）；"
                f"{_MAPPING_HINT_ZH}，并把多余的一列映射为 null",
                f"source columns {first.header!r} (column {first.index + 1}) and "
                f"{column.header!r} (column {column.index + 1}) both map to field "
                f"{spec.name} ({spec.label_en}); {_MAPPING_HINT_EN}, mapping the other "
                "one to null",
            )


def map_headers(
    headers: list[str],
    dataset_type: DatasetType,
    override: Mapping[str, str | None] | None,
    source_label: str,
) -> HeaderMapping:
    """Map source headers onto `dataset_type`; see the module docstring for the rules."""
    mapping = suggest_mapping(headers, dataset_type, override, source_label)
    _check_unique(list(mapping.columns), dataset_type, source_label)
    missing = mapping.missing_required
    if missing:
        zh = "、".join(f"{f.name}（{f.label_zh}）" for f in missing)
        en = ", ".join(f"{f.name} ({f.label_en})" for f in missing)
        raise _error(
            source_label,
            f"源表缺少 {dataset_type.name_zh}（{dataset_type.id}）的必填字段：{zh}；"
            f"源表表头：{headers}；{_MAPPING_HINT_ZH}",
            f"the source lacks required fields of {dataset_type.name_en} "
            f"({dataset_type.id}): {en}; source headers: {headers}; {_MAPPING_HINT_EN}",
        )
    return mapping


def suggest_mapping(
    headers: list[str],
    dataset_type: DatasetType,
    override: Mapping[str, str | None] | None,
    source_label: str,
) -> HeaderMapping:
    """The mapping `map_headers` would make, without its final checks: two columns may
    claim one field and required fields may be missing (for a person to fix, e.g. in the
    web import wizard). An override naming an unknown field or header still fails."""
    forced = _resolve_override(headers, dataset_type, override or {}, source_label)
    forced_fields = {f for f in forced.values() if f is not None}
    taken: set[str] = set()
    columns: list[ColumnMapping] = []
    for i, header in enumerate(headers):
        unit = header_unit(header)
        if i in forced:
            target = forced[i]
            columns.append(
                ColumnMapping(i, header, target, None, "override", unit, dropped=target is None)
            )
            continue
        match = _auto_match(header, dataset_type)
        if match is not None and match[0] not in forced_fields:
            columns.append(ColumnMapping(i, header, match[0], None, match[1], unit))
        else:
            columns.append(
                ColumnMapping(i, header, None, _extra_name(header, i, taken), None, unit)
            )
    return HeaderMapping(dataset_type, source_label, tuple(columns))


def load_mapping_file(path: Path) -> dict[str, str | None]:
    """Read a header override file: YAML or JSON {source header: field name or null}."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(
            f"无法读取映射文件（{type(exc).__name__}）",
            f"cannot read the mapping file ({type(exc).__name__})",
            location=Location(file=str(path)),
        ) from exc
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        line = getattr(exc, "lineno", None) or _yaml_line(exc)
        raise MappingError(
            "映射文件不是合法的 YAML/JSON",
            "the mapping file is not valid YAML/JSON",
            location=Location(file=str(path), row=line),
        ) from exc
    if not isinstance(data, dict):
        raise MappingError(
            "映射文件必须是“源表头: 字段名”的键值对",
            "the mapping file must be a mapping of 'source header: field name'",
            location=Location(file=str(path)),
        )
    result: dict[str, str | None] = {}
    for key, value in data.items():
        if not isinstance(key, str | int) or not (value is None or isinstance(value, str)):
            raise MappingError(
                f"映射项 {key!r}: {value!r} 无效：值须为字段名或 null",
                f"mapping entry {key!r}: {value!r} is invalid: the value must be a field "
                "name or null",
                location=Location(file=str(path)),
            )
        result[str(key)] = value
    return result


def _yaml_line(exc: Exception) -> int | None:
    mark = getattr(exc, "problem_mark", None)
    return None if mark is None else int(mark.line) + 1
