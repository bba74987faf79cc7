"""Which stored version runs by default: a unit's builder draft never replaces a library
model for everyone (`run --all`, `models run ID`); a version published to the province,
or imported by the operator, does."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jiandu.config import Settings
from jiandu.models import library_models
from jiandu.models.registry import available_models, content_hash, definition_of, get_model
from jiandu.store.db import make_engine, session_scope
from jiandu.store.schema import Model

MODEL = "pension_after_death"


def store(session: Session, version: int, owner: str | None, visibility: str) -> None:
    spec = library_models()[MODEL].model_copy(update={"version": version})
    session.add(Model(id=MODEL, version=version, name_zh=spec.name_zh, name_en=spec.name_en,
                      definition=definition_of(spec), content_hash=content_hash(spec),
                      owner_unit=owner, visibility=visibility))  # fmt: skip
    session.flush()


def test_drafts_are_not_the_default_and_published_versions_are(home: Settings) -> None:
    library_version = library_models()[MODEL].version
    engine = make_engine(home.database_url)
    with session_scope(engine) as session:
        store(session, library_version + 1, "330602", "private")
        store(session, library_version + 2, "330602", "unit")
        assert available_models(session)[MODEL].origin == "library"
        assert get_model(session, MODEL).version == library_version
        assert get_model(session, MODEL, library_version + 2).origin == "imported"
        store(session, library_version + 3, "330602", "province")
        assert available_models(session)[MODEL].version == library_version + 3
        assert get_model(session, MODEL).version == library_version + 3
        store(session, library_version + 4, None, "private")  # the operator's import
        assert get_model(session, MODEL).version == library_version + 4
    engine.dispose()
