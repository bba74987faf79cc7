"""Where models come from: the built-in library plus imported versions in the store.

A model id names a line of versions. Built-in models ship in `jiandu/models/library`
(never stored, like built-in dataset types); a unit imports its own models, or a newer
version of a library model, with `jiandu models import FILE`. Versions are immutable:
importing an id + version that exists is a no-op when the content is identical and is
refused otherwise. Unless a version is asked for, the highest version of an id is used.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.catalog.dataset_type import DatasetType
from jiandu.models import library_models
from jiandu.models.compiler import validate_model
from jiandu.models.errors import ModelError
from jiandu.models.spec import ModelSpec, load_model_file, parse_model
from jiandu.store.schema import Model, utcnow

Origin = Literal["library", "imported"]


@dataclass(frozen=True)
class ModelEntry:
    """One model version and where it comes from."""

    spec: ModelSpec
    origin: Origin

    @property
    def id(self) -> str:
        """The model id."""
        return self.spec.id

    @property
    def version(self) -> int:
        """The model version."""
        return self.spec.version


@dataclass(frozen=True)
class ImportOutcome:
    """What `import_model` did: stored a new version, or found it already there."""

    entry: ModelEntry
    created: bool


def definition_of(spec: ModelSpec) -> dict[str, Any]:
    """The spec as the JSON a model file would hold (keys by alias: `from`, `with`)."""
    return spec.model_dump(mode="json", by_alias=True, exclude_none=True)


def content_hash(spec: ModelSpec) -> str:
    """sha256 over the canonical JSON of the definition: equal hash, equal model."""
    canonical = json.dumps(definition_of(spec), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def stored_spec(row: Model) -> ModelSpec:
    """The validated spec of a stored model version."""
    return parse_model(row.definition, f"model {row.id} v{row.version}")


def _library_versions(model_id: str) -> list[ModelEntry]:
    spec = library_models().get(model_id)
    return [] if spec is None else [ModelEntry(spec, "library")]


def shared_with_everyone(row: Model) -> bool:
    """Whether a stored version is one every unit runs by default: imported by the machine's
    operator (no owner unit) or published to the province. A unit's private or unit-wide
    version (a builder draft) is run only when asked for by version, or by its own unit
    through the web, so a county's draft never replaces a library model for everyone."""
    return row.owner_unit is None or row.visibility == "province"


def model_versions(session: Session, model_id: str) -> list[ModelEntry]:
    """Every version of a model id, lowest first (library and imported together)."""
    rows = session.scalars(select(Model).where(Model.id == model_id).order_by(Model.version))
    imported = [ModelEntry(stored_spec(row), "imported") for row in rows]
    library = [
        e for e in _library_versions(model_id) if e.version not in {i.version for i in imported}
    ]
    return sorted(library + imported, key=lambda e: e.version)


def get_model(session: Session, model_id: str, version: int | None = None) -> ModelEntry:
    """A model version (the newest when `version` is None); ModelError naming what exists."""
    versions = model_versions(session, model_id)
    if not versions:
        known = ", ".join(sorted(available_models(session))) or "—"
        raise ModelError(
            f"没有模型 {model_id}；已有模型：{known}（`jiandu models list`）",
            f"no model {model_id}; known models: {known} (`jiandu models list`)",
        )
    if version is None:
        drafts = {
            row.version
            for row in session.scalars(select(Model).where(Model.id == model_id))
            if not shared_with_everyone(row)
        }
        shared = [e for e in versions if e.origin == "library" or e.version not in drafts]
        return (shared or versions)[-1]
    for entry in versions:
        if entry.version == version:
            return entry
    have = ", ".join(str(e.version) for e in versions)
    raise ModelError(
        f"模型 {model_id} 没有版本 {version}；已有版本：{have}",
        f"model {model_id} has no version {version}; versions: {have}",
    )


def available_models(session: Session) -> dict[str, ModelEntry]:
    """The newest version of every model id that everyone runs (library, operator-imported
    or published to the province; see `shared_with_everyone`), by id."""
    found: dict[str, ModelEntry] = {
        spec.id: ModelEntry(spec, "library") for spec in library_models().values()
    }
    for row in session.scalars(select(Model).order_by(Model.id, Model.version)):
        if not shared_with_everyone(row):
            continue
        current = found.get(row.id)
        if current is None or row.version >= current.version:
            found[row.id] = ModelEntry(stored_spec(row), "imported")
    return dict(sorted(found.items()))


def check_model_file(path: Path, types: Mapping[str, DatasetType]) -> ModelSpec:
    """Load a model file and check it fully (shape, expressions, columns) against `types`."""
    spec = load_model_file(path)
    validate_model(spec, types)
    return spec


def import_model(
    session: Session,
    path: Path,
    types: Mapping[str, DatasetType],
    *,
    created_by: str | None = None,
) -> ImportOutcome:
    """Validate a model file and store it as a new version (see the module docstring)."""
    spec = check_model_file(path, types)
    digest = content_hash(spec)
    for existing in _library_versions(spec.id):
        if existing.version == spec.version:
            _same_or_refuse(spec, content_hash(existing.spec) == digest, "内置 built-in")
            return ImportOutcome(existing, created=False)
    row = session.get(Model, (spec.id, spec.version))
    if row is not None:
        _same_or_refuse(spec, row.content_hash == digest, "已导入 imported")
        return ImportOutcome(ModelEntry(stored_spec(row), "imported"), created=False)
    session.add(
        Model(
            id=spec.id,
            version=spec.version,
            name_zh=spec.name_zh,
            name_en=spec.name_en,
            definition=definition_of(spec),
            content_hash=digest,
            owner_unit=spec.owner_unit,
            visibility=spec.visibility,
            source_path=str(path),
            created_at=utcnow(),
            created_by=created_by,
        )
    )
    session.flush()
    return ImportOutcome(ModelEntry(spec, "imported"), created=True)


def _same_or_refuse(spec: ModelSpec, same: bool, what: str) -> None:
    if not same:
        raise ModelError(
            f"模型 {spec.id} 版本 {spec.version} 已存在（{what}）且内容不同；"
            "修改规则请调高 version 后再导入",
            f"model {spec.id} version {spec.version} already exists ({what}) with different "
            "content; raise `version` to import a changed model",
            where="version",
        )
