"""Case fixtures: a migrated metadata DB per backend with a named org tree, confirmed
clues to make cases from, and principals of the tree's units.

Every DB-touching case test runs on SQLite and on PostgreSQL (loopback; skipped with
the reason when no server answers), as in tests/security.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from jiandu.config import Settings
from jiandu.models import library_models
from jiandu.security.permissions import permissions_of
from jiandu.security.principal import Principal, visible_unit_ids
from jiandu.security.units import create_unit
from jiandu.store.db import make_engine, session_scope
from jiandu.store.migrate import upgrade
from jiandu.store.schema import Clue, OrgUnit

#: id: (name, kind, level, region, parent) — a province, a city, a county (越城区) with
#: a department, an external unit, and a sibling city.
UNITS: dict[str, tuple[str, str, str | None, str | None, str | None]] = {
    "zj": ("浙江省人民检察院", "procuratorate", "province", "330000", None),
    "sx": ("绍兴市人民检察院", "procuratorate", "city", "330600", "zj"),
    "yc": ("绍兴市越城区人民检察院", "procuratorate", "county", "330602", "sx"),
    "yc-d1": ("第七检察部", "department", None, None, "yc"),
    "sx-ext": ("绍兴市医疗保障局", "external", None, None, "sx"),
    "hz": ("杭州市人民检察院", "procuratorate", "city", "330100", "zj"),
}
#: Moments the tests pin (issue dates, deadlines).
T0 = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
MODEL = "pension_after_death"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated metadata database holding `UNITS`, once per backend."""
    if request.param == "sqlite":
        made = make_engine(f"sqlite:///{tmp_path / 'meta' / 'jiandu.db'}")
    else:
        made = make_engine(request.getfixturevalue("pg_database_url"))
        with made.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(made)
    with session_scope(made) as session:
        for unit_id, (name, kind, level, region, parent) in UNITS.items():
            create_unit(
                session,
                id=unit_id,
                name=name,
                kind=kind,
                level=level,
                region_code=region,
                parent_id=parent,
            )
    yield made
    made.dispose()


@pytest.fixture
def settings(tmp_path: Path, engine: Engine) -> Settings:
    """Settings whose JIANDU_HOME is a fresh folder (documents and exports go there)."""
    home = tmp_path / "home"
    home.mkdir()
    return Settings(home=home, database_url=str(engine.url), engine="duckdb")


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """One session on the `engine` database, rolled back unless a test commits."""
    with Session(engine) as opened:
        yield opened


PrincipalFactory = Callable[..., Principal]


@pytest.fixture
def principal_of(session: Session) -> PrincipalFactory:
    """`principal_of(unit_id, *roles)`: a principal of that unit (default: prosecutor)."""

    def make(unit_id: str, *roles: str, user_id: str | None = None) -> Principal:
        unit = session.get(OrgUnit, unit_id)
        assert unit is not None
        held = frozenset(roles or ("prosecutor",))
        return Principal(
            user_id=user_id or f"u-{unit_id}",
            username=f"user-{unit_id}",
            unit_id=unit_id,
            roles=held,
            permissions=permissions_of(held),
            clearance="secret",
            visible_units=visible_unit_ids(session, unit, held),
        )

    return make


ClueFactory = Callable[..., Clue]


@pytest.fixture
def make_clue(session: Session) -> ClueFactory:
    """`make_clue(key, unit="yc", status="confirmed", model=MODEL)`: a clue row as the
    clue workflow would leave it (a rejected one with its reason)."""

    def make(
        key: str,
        *,
        unit: str = "yc",
        status: str = "confirmed",
        model: str = MODEL,
        rejection_reason: str | None = None,
    ) -> Clue:
        if status == "rejected" and rejection_reason is None:
            rejection_reason = "核查不属实"
        clue = Clue(
            id=f"C{hashlib.sha256(f'{model}/{key}'.encode()).hexdigest()[:16]}",
            fingerprint=hashlib.sha256(f"{model}\x1f{key}".encode()).hexdigest(),
            model_id=model,
            model_version=library_models()[model].version,
            subject_type="person",
            subject_key=key,
            title=f"死亡后仍领取养老金：{key}",
            severity="high",
            branches=["main"],
            explanation="死亡后仍在领取养老金",
            status=status,
            presence="present",
            rejection_reason=rejection_reason,
            owner_unit=unit,
            holder_unit=unit,
            first_run_id="R20260301-000000-000001",
            last_run_id="R20260301-000000-000001",
            evidence_hash="0" * 64,
            created_at=T0,
            updated_at=T0,
        )
        session.add(clue)
        session.flush()
        return clue

    return make
