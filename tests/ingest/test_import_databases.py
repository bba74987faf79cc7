"""The import pipeline against real servers: PostgreSQL as the metadata store, and an
agency's MariaDB table as the source."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from jiandu.catalog.registry import builtin_types
from jiandu.config import Settings, load_settings
from jiandu.fields.id_card import check_char as id_check_digit
from jiandu.ingest.importer import ImportRequest, SqlSource, import_batch
from jiandu.store import pool_catalog
from jiandu.store.db import make_engine, session_scope
from jiandu.workspace import init_workspace

FIRST17 = "33060219500101011"
ID = FIRST17 + id_check_digit(FIRST17)
MARIADB = "mysql+pymysql://root@127.0.0.1:3306/test"


def _write_pension(path: Path) -> Path:
    path.write_text(
        f"身份证号,姓名,发放月份,金额\n{ID},张三,2023-01,100\n{ID[:-1]}0,李四,2023-01,100\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def pg_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_pg_url: str) -> Settings:
    """A JIANDU_HOME whose metadata store is a fresh PostgreSQL schema."""
    monkeypatch.setenv("JIANDU_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("JIANDU_DATABASE_URL", fresh_pg_url)
    settings = load_settings()
    init_workspace(settings)
    return settings


@pytest.mark.postgres
def test_import_commits_its_catalog_rows_to_postgresql(pg_home: Settings, tmp_path: Path) -> None:
    source = _write_pension(tmp_path / "p.csv")
    request = ImportRequest(dataset_type=builtin_types()["pension_payment"], files=(source,))

    first = import_batch(pg_home, request)
    again = import_batch(pg_home, request)

    assert (first.status, first.rows_accepted, first.rows_rejected) == ("committed", 1, 1)
    assert (again.status, again.batch_id) == ("duplicate", first.batch_id)
    with session_scope(make_engine(pg_home)) as session:
        (summary,) = pool_catalog.list_datasets(session)
        assert (summary.id, summary.batch_count, summary.rows_accepted) == (
            "pension_payment",
            1,
            1,
        )


@pytest.fixture
def agency_table() -> Iterator[str]:
    try:
        with socket.create_connection(("127.0.0.1", 3306), timeout=1):
            pass
    except OSError:
        pytest.skip("MariaDB is not reachable on 127.0.0.1:3306")
    name = f"jd_pension_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(MARIADB)
    table = sa.Table(
        name,
        sa.MetaData(),
        sa.Column("证件号码", sa.String(20)),
        sa.Column("姓名", sa.String(20)),
        sa.Column("发放年月", sa.Integer),
        sa.Column("发放金额", sa.Numeric(12, 2)),
    )
    table.create(engine)
    with engine.begin() as connection:
        connection.execute(
            table.insert(),
            [
                {"证件号码": ID, "姓名": "张三", "发放年月": 202301, "发放金额": 3256.5},
                {"证件号码": ID.lower(), "姓名": "张三", "发放年月": 202302, "发放金额": 3256.5},
                {"证件号码": "bad", "姓名": "李四", "发放年月": 202302, "发放金额": 1},
            ],
        )
    try:
        yield name
    finally:
        table.drop(engine)
        engine.dispose()


@pytest.mark.mariadb
def test_import_from_an_agency_database_table(home: Settings, agency_table: str) -> None:
    request = ImportRequest(
        dataset_type=builtin_types()["pension_payment"],
        sql=SqlSource(url=MARIADB, table=agency_table),
        source_name="社保局前置库",
    )

    result = import_batch(home, request)

    assert (result.rows_accepted, result.rows_rejected) == (2, 1)
    files = sorted(str(p) for p in home.pool_dir.glob("pension_payment/*/*.parquet"))
    rows = (
        duckdb.connect()
        .execute(
            "SELECT id_card, pay_month, amount FROM read_parquet(?) ORDER BY pay_month", [files]
        )
        .fetchall()
    )
    assert [(r[0], r[1].month, str(r[2])) for r in rows] == [
        (ID, 1, "3256.50"),
        (ID, 2, "3256.50"),
    ]
    # The same table content again is recognised by its hash.
    assert import_batch(home, request).status == "duplicate"
