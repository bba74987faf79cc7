"""The clue tests' world: helpers and fixtures (registered through conftest.py).

Every test that touches the database runs on SQLite and on PostgreSQL (loopback;
skipped with the reason when no server answers), as in tests/security. Runs are made
by writing a hits Parquet file of the runner's shape and a `model_run` row, so the
tests need no pool and no model execution.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from jiandu.config import Settings
from jiandu.security.principal import Principal, principal_for
from jiandu.security.units import create_unit
from jiandu.security.users import create_user
from jiandu.store.db import make_engine, session_scope
from jiandu.store.migrate import upgrade
from jiandu.store.schema import ModelRun, UserAccount

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

#   zj province ─┬─ sx city ─┬─ sx-d1 department
#                │           ├─ yc county ── yc-d1 department
#                │           └─ sx-ext external
#                └─ hz city
TREE: dict[str, tuple[str, str | None, str | None, str | None]] = {
    "zj": ("procuratorate", "province", "330000", None),
    "sx": ("procuratorate", "city", "330600", "zj"),
    "sx-d1": ("department", None, None, "sx"),
    "yc": ("procuratorate", "county", "330602", "sx"),
    "yc-d1": ("department", None, None, "yc"),
    "sx-ext": ("external", None, None, "sx"),
    "hz": ("procuratorate", "city", "330100", "zj"),
}

#: name: (unit, roles)
PEOPLE: dict[str, tuple[str, list[str]]] = {
    "pros": ("yc", ["prosecutor"]),
    "pros2": ("yc", ["prosecutor"]),
    "pros_d1": ("yc-d1", ["prosecutor"]),
    "lead_sx": ("sx", ["leader"]),
    "pros_sx": ("sx", ["prosecutor"]),
    "pros_hz": ("hz", ["prosecutor"]),
    "liaison": ("sx-ext", ["external_liaison"]),
    "modeler": ("yc", ["modeler"]),
}

MODEL_ID = "pension_after_death"


@dataclass
class World:
    """The test world: engine, JIANDU_HOME settings, user ids by name."""

    engine: Engine
    settings: Settings
    users: dict[str, str] = field(default_factory=dict)
    _runs: int = 0

    def principal(self, session: Session, name: str) -> Principal:
        """The principal of test user `name`."""
        return principal_for(session, session.get_one(UserAccount, self.users[name]))

    def add_run(
        self,
        session: Session,
        hits: Sequence[Mapping[str, Any]],
        *,
        model_id: str = MODEL_ID,
        owner_unit: str | None = "yc",
        started_at: datetime | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> ModelRun:
        """A succeeded run of `model_id` whose hits file holds `hits` (runner's shape)."""
        self._runs += 1
        run_id = f"R{self._runs:04d}"
        folder = self.settings.home / "runs" / run_id
        folder.mkdir(parents=True)
        pq.write_table(hits_table(hits), folder / "hits.parquet")
        run = ModelRun(
            id=run_id,
            model_id=model_id,
            model_version=2,
            model_origin="library",
            status="succeeded",
            params=dict(params or {"min_months": 3, "min_custody_months": 2}),
            batches={"pension_payment": ["B1"]},
            hit_count=len(hits),
            hits_path=f"runs/{run_id}/hits.parquet",
            owner_unit=owner_unit,
            started_at=started_at or NOW + timedelta(minutes=self._runs),
        )
        session.add(run)
        session.flush()
        return run


_EVIDENCE_SCHEMA = pa.struct(
    [
        ("name", pa.string()),
        ("id_card", pa.string()),
        ("amount", pa.decimal128(12, 2)),
        ("death_date", pa.date32()),
        ("paid_at", pa.timestamp("us", tz="UTC")),
    ]
)


def hits_table(hits: Sequence[Mapping[str, Any]]) -> pa.Table:
    """A hits table of the runner's shape: fixed columns, `evidence` struct, flat copies."""
    rows = []
    for hit in hits:
        evidence = {
            "name": hit.get("name", "欧阳娜娜"),
            "id_card": hit["subject_key"],
            "amount": Decimal(str(hit.get("amount", "2000.00"))),
            "death_date": hit.get("death_date", date(2024, 1, 31)),
            "paid_at": hit.get("paid_at", datetime(2024, 3, 5, 8, 30, tzinfo=UTC)),
        }
        rows.append(
            {
                "branch": hit.get("branch", "after_death"),
                "subject_type": "person",
                "subject_key": hit["subject_key"],
                "title": hit.get("title", f"{evidence['name']}死亡后仍领取养老金"),
                "severity": hit.get("severity", "medium"),
                "evidence": evidence,
                **evidence,
            }
        )
    schema = pa.schema(
        [
            ("branch", pa.string()),
            ("subject_type", pa.string()),
            ("subject_key", pa.string()),
            ("title", pa.string()),
            ("severity", pa.string()),
            ("evidence", _EVIDENCE_SCHEMA),
            *[(f.name, f.type) for f in _EVIDENCE_SCHEMA],
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty metadata database, once per backend."""
    if request.param == "sqlite":
        made = make_engine(f"sqlite:///{tmp_path / 'meta' / 'jiandu.db'}")
    else:
        made = make_engine(request.getfixturevalue("pg_database_url"))
        with made.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    yield made
    made.dispose()


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> World:
    """The migrated database with the org tree `TREE` and the users `PEOPLE`."""
    upgrade(engine)
    settings = Settings(home=tmp_path / "home", database_url=str(engine.url), engine="duckdb")
    settings.home.mkdir()
    made = World(engine=engine, settings=settings)
    with session_scope(engine) as session:
        for unit_id, (kind, level, region, parent) in TREE.items():
            create_unit(
                session,
                id=unit_id,
                name=f"单位 {unit_id}",
                kind=kind,
                level=level,
                region_code=region,
                parent_id=parent,
            )
        for name, (unit, roles) in PEOPLE.items():
            user = create_user(
                session,
                username=name,
                display_name=name,
                unit_id=unit,
                password=None,
                roles=roles,
                now=NOW,
            )
            made.users[name] = user.id
    return made
