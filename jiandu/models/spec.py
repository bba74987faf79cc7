"""A supervision model as validated data: `ModelSpec` and its parts.

A model is a YAML file a prosecutor can read: who wrote it and why (legal basis,
explanation), its tunable parameters, the dataset types it reads (`sources`), a pipeline
of named `steps` (or, for power users, one `sql` SELECT) and the `clue` each hit becomes,
with one or more rule `branches`. This module only checks the shape of the file; whether
expressions and column names make sense is checked by the compiler, which knows the
dataset types (`jiandu.models.compiler.validate_model`).

Each step applies, in this fixed order, whichever parts it has:
`from` → `join` → `filter` → `group_by`/`aggregate` → `having` | `derive` → `keep`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from jiandu.catalog.dataset_type import check_identifier
from jiandu.models.errors import ModelError

ParamType = Literal["int", "decimal", "text", "date", "bool", "text_list"]
ParamValue = int | Decimal | str | date | bool | tuple[str, ...]
Severity = Literal["low", "medium", "high"]
Visibility = Literal["private", "unit", "province"]
JoinHow = Literal["inner", "left", "exists", "not_exists"]
# How a fuzzy join condition compares two texts (see `FuzzyCondition`).
FuzzyMethod = Literal["name", "org", "text", "levenshtein"]
# The column a fuzzy join adds after its right side's columns: <prefix>similarity.
SIMILARITY = "similarity"
SubjectType = Literal["person", "org", "case", "incident", "auction", "group", "other"]
# Supplied by the runner (the reference date of a run, for backtests); never declared.
AS_OF = "as_of"


class Parameter(BaseModel):
    """A threshold a unit may tune; referenced in expressions as `$name`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="referenced as $name in expressions")
    type: ParamType = Field(description="int / decimal / text / date / bool / text_list")
    default: Any = Field(description="value used when a run does not set it")
    label_zh: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    description: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        check_identifier(value, "参数名 parameter name")
        if value == AS_OF:
            raise ValueError(
                "as_of 是内置参数（运行基准日），不能声明 / as_of is built in (the run's "
                "reference date) and cannot be declared"
            )
        return value

    @model_validator(mode="after")
    def _default_fits(self) -> Parameter:
        coerce_param(self.type, self.default)
        return self


def coerce_param(kind: ParamType, value: Any) -> ParamValue:
    """`value` as the Python value of a parameter of type `kind`; ValueError if it is not."""
    if kind == "bool":
        if isinstance(value, bool):
            return value
    elif kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif kind == "decimal":
        if isinstance(value, (int, float, str, Decimal)) and not isinstance(value, bool):
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                number = Decimal("NaN")
            if number.is_finite():
                return number
    elif kind == "text":
        if isinstance(value, str):
            return value
    elif kind == "date":
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
    elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError(f"取值 {value!r} 不是 {kind} 类型 / value {value!r} is not of type {kind}")


_MIN_SCHEMA = {
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": 1},
        {"type": "string", "pattern": "^\\$[a-z][a-z0-9_]*$"},
    ],
    "description": "least similarity kept, 0..1, or a decimal $parameter",
}


class FuzzyCondition(BaseModel):
    """One approximate match of a join: similarity(left, right) >= min.

    `method` picks the similarity (each in 0..1): `name` for people's names (traditional
    and simplified, full-width and spaces ignored; homophones 0.95), `org` for company
    names (region prefix and legal form ignored), `text` (Jaro-Winkler) and
    `levenshtein` (1 - edits / longer length, counted in bytes: for codes and numbers).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    left: str = Field(description="column of this step (after earlier joins)")
    right: str = Field(description="column of the joined side, without the prefix")
    method: FuzzyMethod = Field(description="name / org / text / levenshtein")
    min: Annotated[float | str, WithJsonSchema(_MIN_SCHEMA)] = Field(
        description="least similarity kept, 0..1, or a decimal $parameter"
    )

    @field_validator("min", mode="before")
    @classmethod
    def _min(cls, value: Any) -> Any:
        if isinstance(value, str):
            name = value[1:] if value.startswith("$") else ""
            if not name:
                raise ValueError(
                    f"min 须为 0 到 1 之间的数或 $参数：{value!r} / min must be a number "
                    f"from 0 to 1 or a $parameter, got {value!r}"
                )
            check_identifier(name, "参数名 parameter name")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise ValueError(
                f"min 须为 0 到 1 之间的数或 $参数：{value!r} / min must be a number "
                f"from 0 to 1 or a $parameter, got {value!r}"
            )
        number = float(value)
        if not 0.0 <= number <= 1.0:
            raise ValueError(
                f"min 须在 0 到 1 之间：{value} / min must be between 0 and 1, got {value}"
            )
        return number

    @property
    def parameter(self) -> str | None:
        """The name of the `$parameter` giving `min`, or None for a number."""
        return self.min[1:] if isinstance(self.min, str) else None


class Join(BaseModel):
    """Join another source or earlier step on equal standardised keys and, optionally,
    on fuzzy (approximate) matches of texts such as names."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    with_: str = Field(alias="with", description="source alias or earlier step to join")
    keys: dict[str, str] = Field(
        default_factory=dict,
        description="left column -> right column; all must be equal (blocking for fuzzy)",
    )
    # None rather than an empty list when absent, so that the definitions (and content
    # hashes) of models without fuzzy joins stay what they were.
    fuzzy: list[FuzzyCondition] | None = Field(
        default=None,
        description="approximate matches, all must hold; adds <prefix>similarity (the least)",
    )
    how: JoinHow = Field(
        default="inner",
        description="inner / left / exists (keep left rows with a match) / not_exists",
    )
    prefix: str | None = Field(
        default=None,
        description="right columns are named <prefix><column>; default '<with>_'",
    )
    condition: str | None = Field(
        default=None,
        description="extra match condition, e.g. a time window; names as after the join",
    )

    @model_validator(mode="after")
    def _matched_somehow(self) -> Join:
        if not self.keys and not self.fuzzy:
            raise ValueError(
                "连接须有 keys（相等的键）或 fuzzy（近似匹配），或两者兼有 / a join needs "
                "keys (equal columns), fuzzy (approximate matches) or both"
            )
        return self

    @property
    def fuzzy_conditions(self) -> list[FuzzyCondition]:
        """The fuzzy conditions, [] when there are none."""
        return list(self.fuzzy or ())

    def right_prefix(self) -> str:
        """The prefix of the right side's columns after the join."""
        return self.prefix if self.prefix is not None else f"{self.with_}_"


class Step(BaseModel):
    """One named step of the pipeline; becomes one CTE and one line of the funnel."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str = Field(description="step name, shown in the funnel")
    label_zh: str | None = None
    label_en: str | None = None
    from_: str = Field(alias="from", description="source alias or earlier step")
    join: list[Join] = Field(default_factory=list)
    filter: str | None = Field(default=None, description="keep rows where this is true")
    group_by: list[str] = Field(default_factory=list)
    aggregate: dict[str, str] = Field(
        default_factory=dict, description="output column -> aggregate expression"
    )
    having: str | None = Field(default=None, description="condition on grouped rows")
    derive: dict[str, str] = Field(default_factory=dict, description="new column -> expression")
    keep: list[str] = Field(default_factory=list, description="columns passed on")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_identifier(value, "步骤名 step name")

    @model_validator(mode="after")
    def _parts_fit(self) -> Step:
        grouped = bool(self.group_by or self.aggregate)
        if grouped and not self.aggregate:
            raise ValueError("group_by 需要 aggregate / group_by needs aggregate")
        if self.having is not None and not grouped:
            raise ValueError("having 需要 aggregate / having needs aggregate")
        if grouped and self.derive:
            raise ValueError(
                "同一步骤不能既汇总又派生；请把 derive 放到下一步 / a step cannot both "
                "aggregate and derive; move derive to the next step"
            )
        return self


class Branch(BaseModel):
    """One rule branch: the rows of a step that become clues."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    from_: str = Field(alias="from", description="the step whose rows are hits")
    severity: Severity | None = Field(default=None, description="overrides clue.severity")

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return check_identifier(value, "分支 id branch id")


class Clue(BaseModel):
    """What one hit becomes: subject, title, severity and evidence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    subject_type: SubjectType
    subject_key: str = Field(description="expression giving the subject's key, e.g. id_card")
    title: str = Field(
        min_length=1, description="title template; {column} inserts a column's value"
    )
    severity: Severity = "medium"
    evidence: list[str] = Field(
        default_factory=list, description="columns shown as evidence (NULL where absent)"
    )
    branches: list[Branch] = Field(
        default_factory=list, description="rule branches; default: the last step"
    )


class ModelSpec(BaseModel):
    """A supervision model: metadata, parameters, sources, pipeline and clue."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    version: int = Field(default=1, ge=1)
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    legal_basis: list[str] = Field(min_length=1, description="laws and articles relied on")
    explanation_zh: str = Field(min_length=1, description="shown on every clue")
    explanation_en: str | None = None
    owner_unit: str | None = None
    visibility: Visibility = "unit"
    parameters: list[Parameter] = Field(default_factory=list)
    sources: dict[str, str] = Field(
        min_length=1, description="alias -> dataset type id, e.g. p: pension_payment"
    )
    optional_sources: list[str] = Field(
        default_factory=list,
        description="source aliases the model can run without: with no data they read as "
        "empty, and only the branches that need them find nothing",
    )
    steps: list[Step] = Field(default_factory=list)
    sql: str | None = Field(default=None, description="one SELECT instead of steps")
    clue: Clue

    @property
    def required_types(self) -> set[str]:
        """Dataset types the model cannot run without (some alias is not optional)."""
        optional = set(self.optional_sources)
        return {t for alias, t in self.sources.items() if alias not in optional}

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return check_identifier(value, "模型 id model id")

    @field_validator("sources")
    @classmethod
    def _sources(cls, value: dict[str, str]) -> dict[str, str]:
        for alias, type_id in value.items():
            check_identifier(alias, "数据源别名 source alias")
            check_identifier(type_id, "数据类型 id dataset type id")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ModelSpec:
        if (self.sql is None) != bool(self.steps):
            raise ValueError(
                "steps 与 sql 须二选一 / give either steps or sql, not both or neither"
            )
        names = [p.name for p in self.parameters]
        _unique(names, "参数 parameter")
        for alias in self.optional_sources:
            if alias not in self.sources:
                raise ValueError(
                    f"optional_sources 中的 {alias!r} 不是数据源别名 / {alias!r} in "
                    "optional_sources is not a source alias"
                )
        step_names = [*self.sources, *(s.name for s in self.steps)]
        _unique(step_names, "数据源别名与步骤名 source/step name")
        _unique([b.id for b in self.clue.branches], "分支 branch")
        return self

    def parameter_types(self) -> dict[str, ParamType]:
        """Declared parameter types by name, plus the built-in `as_of` (date)."""
        return {AS_OF: "date", **{p.name: p.type for p in self.parameters}}


def _unique(names: list[str], what: str) -> None:
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"{what} 重复：{', '.join(duplicates)} / duplicate {what}: {duplicates}")


def describe_loc(loc: tuple[int | str, ...]) -> str:
    """`steps[2].filter` from pydantic's ('steps', 2, 'filter')."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def parse_model(data: Any, source: str = "<model>") -> ModelSpec:
    """Validate already-loaded YAML data; ModelError names the first bad place."""
    if not isinstance(data, dict):
        raise ModelError(
            "模型文件的顶层必须是键值对（id、name_zh、steps …）",
            "the top level of a model file must be a mapping (id, name_zh, steps …)",
            file=source,
        )
    try:
        return ModelSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = describe_loc(tuple(first["loc"])) or "(top level)"
        message = str(first["msg"]).removeprefix("Value error, ")
        more = len(exc.errors()) - 1
        raise ModelError(
            f"模型定义无效：{where}：{message}" + (f"（另有 {more} 处错误）" if more else ""),
            f"invalid model: {where}: {message}" + (f" (and {more} more)" if more else ""),
            where=where,
            file=source,
        ) from exc


def load_model_text(text: str, source: str = "<model>") -> ModelSpec:
    """Parse and validate model YAML text."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise ModelError(
            f"模型文件不是合法的 YAML：{problem}",
            f"the model file is not valid YAML: {problem}",
            file=source,
            row=None if mark is None else mark.line + 1,
        ) from exc
    return parse_model(data, source)


def load_model_file(path: Path) -> ModelSpec:
    """Load and validate one model YAML file; ModelError names the file and the key."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(
            f"无法读取模型文件（{type(exc).__name__}）",
            f"cannot read the model file ({type(exc).__name__})",
            file=str(path),
        ) from exc
    return load_model_text(text, str(path))


def model_json_schema() -> dict[str, Any]:
    """JSON Schema of a model file, for editors that validate YAML."""
    schema = ModelSpec.model_json_schema(by_alias=True)
    schema["title"] = "jiandu supervision model / 监督模型"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
