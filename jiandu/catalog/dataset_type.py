"""Dataset types as validated data: `FieldSpec` and `DatasetType`.

A dataset type is the standard shape of one kind of agency record (spec/data-standard.md):
its fields with semantic types, labels, header synonyms, PII classes and required flags,
the field combinations that identify a record (for duplicate detection), and how
sensitive the data is. Built-in types are YAML files validated by these models; so are
the types users register.

Semantic type names are a constant here rather than imported from `jiandu.fields`: the
catalog only names types, the ingest pipeline resolves them.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from jiandu.catalog.headers import normalize_header
from jiandu.errors import CatalogError

SemanticTypeName = Literal[
    "id_card",
    "uscc",
    "person_name",
    "org_name",
    "phone",
    "plate",
    "vin",
    "case_no",
    "address",
    "region_code",
    "date",
    "datetime",
    "month",
    "money",
    "int",
    "text",
    "enum",
]
SEMANTIC_TYPE_NAMES: tuple[str, ...] = get_args(SemanticTypeName)

PiiClass = Literal["id", "contact", "name", "none"]
Sensitivity = Literal["public", "internal", "sensitive", "secret"]
SENSITIVITY_LABELS: dict[str, str] = {
    "public": "公开",
    "internal": "内部",
    "sensitive": "敏感",
    "secret": "机密",
}
MatchHow = Literal["name", "label", "synonym"]

_DEFAULT_PII: dict[str, PiiClass] = {"id_card": "id", "phone": "contact", "person_name": "name"}
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
# Extra (unmapped) source columns are kept as "x_<header>"; no field may take that prefix.
EXTRA_PREFIX = "x_"
# The ingest pipeline turns these into NULL before any value check (contracts.md), so an
# enum value spelled like one of them could never be matched.
_BLANK_PLACEHOLDERS = frozenset({"null", "无", "/", "-", "--", "—"})

SOURCE_RECORD_ID = "source_record_id"
_SOURCE_RECORD_ID_SYNONYMS = (
    "记录号",
    "记录id",
    "记录编号",
    "源记录号",
    "源系统记录号",
    "源系统主键",
    "业务流水号",
    "流水号",
    "主键",
)


def check_identifier(value: str, what: str) -> str:
    """`value` if it is a snake_case identifier, else ValueError naming `what` (for validators)."""
    if not _IDENTIFIER.fullmatch(value):
        raise ValueError(
            f"{what} 必须是小写字母开头、只含小写字母/数字/下划线的标识符：{value!r} / "
            f"{what} must be a snake_case identifier (a-z, 0-9, _), got {value!r}"
        )
    return value


class FieldSpec(BaseModel):
    """One field of a dataset type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="snake_case column name in the pool, e.g. id_card")
    type: SemanticTypeName = Field(description="semantic type that cleans the values")
    label_zh: str = Field(min_length=1, description="Chinese label shown to users")
    label_en: str = Field(min_length=1, description="English label")
    synonyms: list[str] = Field(default_factory=list, description="header spellings")
    pii: PiiClass = Field(
        default="none",
        description="personal-data class; defaults from the semantic type",
    )
    required: bool = Field(default=False, description="a row without it is rejected")
    values: list[str] = Field(default_factory=list, description="enum: canonical values")
    value_synonyms: dict[str, list[str]] = Field(
        default_factory=dict, description="enum: canonical value -> raw spellings"
    )
    description: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _default_pii(cls, data: Any) -> Any:
        if isinstance(data, dict) and "pii" not in data:
            pii = _DEFAULT_PII.get(str(data.get("type")), "none")
            return {**data, "pii": pii}
        return data

    @field_validator("name")
    @classmethod
    def _name_is_identifier(cls, value: str) -> str:
        check_identifier(value, "字段名 field name")
        if value.startswith(EXTRA_PREFIX):
            raise ValueError(
                f"字段名不能以 {EXTRA_PREFIX!r} 开头（保留给未映射的源列）：{value!r} / "
                f"field names must not start with {EXTRA_PREFIX!r} (kept for unmapped "
                f"source columns), got {value!r}"
            )
        return value

    @model_validator(mode="after")
    def _enum_values(self) -> FieldSpec:
        if self.type != "enum":
            if self.values or self.value_synonyms:
                raise ValueError(
                    f"字段 {self.name} 不是 enum，不能有 values/value_synonyms / "
                    f"field {self.name} is not an enum and cannot have values/value_synonyms"
                )
            return self
        if not self.values:
            raise ValueError(
                f"enum 字段 {self.name} 必须列出 values / enum field {self.name} needs values"
            )
        seen: dict[str, str] = {}
        for canonical in self.values:
            self._claim_spelling(seen, canonical, canonical)
        for canonical, spellings in self.value_synonyms.items():
            if canonical not in self.values:
                raise ValueError(
                    f"字段 {self.name} 的 value_synonyms 键 {canonical!r} 不在 values 中 / "
                    f"value_synonyms key {canonical!r} of field {self.name} is not in values"
                )
            for spelling in spellings:
                self._claim_spelling(seen, spelling, canonical)
        return self

    def _claim_spelling(self, seen: dict[str, str], spelling: str, canonical: str) -> None:
        key = spelling.strip()
        if not key or key.lower() in _BLANK_PLACEHOLDERS:
            raise ValueError(
                f"字段 {self.name} 的取值 {spelling!r} 会被当作空值 / "
                f"value {spelling!r} of field {self.name} is read as blank by the importer"
            )
        if seen.get(key, canonical) != canonical:
            raise ValueError(
                f"字段 {self.name} 的取值写法 {spelling!r} 同时对应 {seen[key]!r} 和 "
                f"{canonical!r} / spelling {spelling!r} of field {self.name} maps to both "
                f"{seen[key]!r} and {canonical!r}"
            )
        seen[key] = canonical

    def header_forms(self) -> dict[str, MatchHow]:
        """Normalised header spellings of this field and how each one matches."""
        forms: dict[str, MatchHow] = {}
        for synonym in self.synonyms:
            forms[normalize_header(synonym)] = "synonym"
        forms[normalize_header(self.label_en)] = "label"
        forms[normalize_header(self.label_zh)] = "label"
        forms[self.name] = "name"
        forms.pop("", None)
        return forms

    def canonical_values(self) -> dict[str, str]:
        """enum: every accepted spelling (trimmed) mapped to its canonical value."""
        spellings = {value: value for value in self.values}
        for canonical, raws in self.value_synonyms.items():
            spellings.update({raw.strip(): canonical for raw in raws})
        return spellings


def _source_record_id_field(taken: set[str]) -> dict[str, Any]:
    # A type may use a spelling such as 流水号 for one of its own fields; that field wins.
    synonyms = [s for s in _SOURCE_RECORD_ID_SYNONYMS if normalize_header(s) not in taken]
    return {
        "name": SOURCE_RECORD_ID,
        "type": "text",
        "label_zh": "源系统记录号",
        "label_en": "Source record ID",
        "synonyms": synonyms,
        "required": False,
        "description": "该行在来源系统中的记录号 / the row's id in its source system",
    }


class DatasetType(BaseModel):
    """A standard dataset type: what one kind of agency record looks like."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="snake_case type id, e.g. pension_payment")
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    source_agency_zh: str = Field(min_length=1)
    source_agency_en: str = Field(min_length=1)
    description: str = ""
    sensitivity: Sensitivity = Field(
        default="internal",
        description="public 公开 / internal 内部 / sensitive 敏感 / secret 机密; defaults to "
        "sensitive when a field holds ID or contact data, else internal",
    )
    fields: list[FieldSpec] = Field(min_length=1)
    keys: list[list[str]] = Field(
        default_factory=list,
        description="field-name lists that identify a record, for duplicate detection",
    )
    version: int = Field(default=1, ge=1)
    derived: bool = Field(
        default=False,
        description="computed by jiandu from other datasets (e.g. near_duplicate_group), "
        "never imported by hand",
    )

    @field_validator("id")
    @classmethod
    def _id_is_identifier(cls, value: str) -> str:
        return check_identifier(value, "类型 id type id")

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("fields"), list):
            return data
        try:
            specs = [FieldSpec.model_validate(f) for f in data["fields"]]
        except ValidationError:
            # Let ordinary validation report the bad field with its location.
            return data
        if specs and not any(f.name == SOURCE_RECORD_ID for f in specs):
            taken = {form for f in specs for form in f.header_forms()}
            specs.append(FieldSpec.model_validate(_source_record_id_field(taken)))
        data = {**data, "fields": specs}
        if "sensitivity" not in data:
            personal = any(f.pii in ("id", "contact") for f in specs)
            data["sensitivity"] = "sensitive" if personal else "internal"
        return data

    @model_validator(mode="after")
    def _consistent(self) -> DatasetType:
        names = [f.name for f in self.fields]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(
                f"字段名重复：{', '.join(duplicates)} / duplicate field names: "
                f"{', '.join(duplicates)}"
            )
        for key in self.keys:
            unknown = [n for n in key if n not in names]
            if not key or unknown:
                raise ValueError(
                    f"keys 中的 {key} 引用了不存在的字段 {unknown} / keys entry {key} "
                    f"names unknown fields {unknown}"
                )
        owner: dict[str, str] = {}
        for spec in self.fields:
            for form in spec.header_forms():
                other = owner.setdefault(form, spec.name)
                if other != spec.name:
                    raise ValueError(
                        f"表头写法 {form!r} 同时属于字段 {other} 和 {spec.name} / header "
                        f"spelling {form!r} belongs to both {other} and {spec.name}"
                    )
        return self

    def field(self, name: str) -> FieldSpec:
        """The field called `name`; CatalogError if the type has none."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise CatalogError(
            f"数据类型 {self.id} 没有字段 {name!r}；可用字段：{', '.join(self.field_names)}",
            f"dataset type {self.id} has no field {name!r}; fields: {', '.join(self.field_names)}",
        )

    def check_importable(self) -> None:
        """CatalogError when this type may not be imported by hand (a derived type)."""
        if self.derived:
            raise CatalogError(
                f"数据类型 {self.id}（{self.name_zh}）由系统根据其他数据计算生成，不能手工导入；"
                "导入其来源数据后会自动更新",
                f"dataset type {self.id} ({self.name_en}) is computed by jiandu from other "
                "datasets and cannot be imported by hand; it is brought up to date after its "
                "sources are imported",
            )

    @property
    def field_names(self) -> list[str]:
        """Field names in declaration order."""
        return [spec.name for spec in self.fields]

    @property
    def required_fields(self) -> list[FieldSpec]:
        """Fields a row cannot do without, in declaration order."""
        return [spec for spec in self.fields if spec.required]

    @property
    def sensitivity_zh(self) -> str:
        """The Chinese label of the sensitivity level (公开/内部/敏感/机密)."""
        return SENSITIVITY_LABELS[self.sensitivity]

    @cached_property
    def header_index(self) -> dict[str, tuple[str, MatchHow]]:
        """Normalised header spelling → (field name, how it matches).

        Spellings are unique across the fields of a type (validated), so this is a plain
        lookup table for the header mapper.
        """
        return {
            form: (spec.name, how)
            for spec in self.fields
            for form, how in spec.header_forms().items()
        }

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """JSON Schema of a dataset type file, for editors that validate YAML."""
        schema = cls.model_json_schema()
        schema["title"] = "jiandu dataset type / 数据类型"
        return schema
