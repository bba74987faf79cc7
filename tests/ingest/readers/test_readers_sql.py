"""Database sources against the loopback MariaDB and PostgreSQL servers."""

from __future__ import annotations

import datetime as dt
import socket
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from jiandu.errors import SourceError
from jiandu.ingest.readers import SourceTable, open_sql_source
from jiandu.ingest.readers.sql_reader import check_select

Rows = Callable[[SourceTable], list[tuple[object, ...]]]

SERVERS = {
    "mariadb": ("mysql+pymysql://root@127.0.0.1:3306/test", 3306),
    "postgres": ("postgresql+psycopg://postgres@127.0.0.1:5432/test", 5432),
}


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _url(kind: str) -> str:
    url, port = SERVERS[kind]
    if not _reachable(port):
        pytest.skip(f"{kind} is not reachable on 127.0.0.1:{port}")
    engine = sa.create_engine(url)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as exc:
        if kind != "postgres":
            pytest.skip(f"{kind} refuses the test login: {type(exc).__name__}")
        url = url.replace("postgres@", "root@")  # some setups only trust the OS user
    finally:
        engine.dispose()
    return url


@pytest.fixture(
    params=[
        pytest.param("mariadb", marks=pytest.mark.mariadb),
        pytest.param("postgres", marks=pytest.mark.postgres),
    ]
)
def db(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    url = _url(str(request.param))
    name = f"jd_readers_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(url)
    table = sa.Table(
        name,
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("姓名", sa.String(20)),
        sa.Column("身份证号", sa.String(18)),
        sa.Column("金额", sa.Numeric(18, 2)),
        sa.Column("发放日期", sa.Date),
        sa.Column("登记时间", sa.DateTime),
    )
    try:
        table.create(engine)
        with engine.begin() as conn:
            conn.execute(
                table.insert(),
                [
                    {
                        "id": 1,
                        "姓名": "张三",
                        "身份证号": "330602199001011234",
                        "金额": Decimal("0.10"),
                        "发放日期": dt.date(2023, 1, 5),
                        "登记时间": dt.datetime(2023, 1, 5, 8, 30),
                    },
                    {
                        "id": 2,
                        "姓名": None,
                        "身份证号": "0571",
                        "金额": Decimal("1E+3"),
                        "发放日期": None,
                        "登记时间": None,
                    },
                ],
            )
        yield url, name
    finally:
        table.drop(engine, checkfirst=True)
        engine.dispose()


def test_table(db: tuple[str, str], tmp: Path, read_rows: Rows) -> None:
    url, name = db
    source = open_sql_source(url, table=name, tmp_dir=tmp)
    assert source.headers == ["id", "姓名", "身份证号", "金额", "发放日期", "登记时间"]
    assert read_rows(source) == [
        ("1", "张三", "330602199001011234", "0.10", "2023-01-05", "2023-01-05 08:30:00", 1),
        ("2", None, "0571", "1000.00", None, None, 2),
    ]
    assert len(source.content_hash) == 64
    again = open_sql_source(url, table=name, tmp_dir=tmp)
    assert again.content_hash == source.content_hash
    source.close()
    again.close()
    assert not any(tmp.iterdir())


def test_query(db: tuple[str, str], tmp: Path, read_rows: Rows) -> None:
    url, name = db
    quote = '"' if url.startswith("postgresql") else "`"
    query = f"SELECT {quote}身份证号{quote} FROM {name} WHERE id = 2"
    source = open_sql_source(url, query=query, tmp_dir=tmp)
    assert source.headers == ["身份证号"]
    assert read_rows(source) == [("0571", 1)]


def test_missing_table(db: tuple[str, str], tmp: Path) -> None:
    url, name = db
    with pytest.raises(SourceError, match="not found"):
        open_sql_source(url, table=name + "_nope", tmp_dir=tmp)


@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM t",
        "SELECT 1; DROP TABLE t",
        "INSERT INTO t SELECT 1",
        "SELECT * INTO t2 FROM t",
        "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d",
        "not sql at all (",
    ],
)
def test_non_select_is_refused(query: str, tmp: Path) -> None:
    with pytest.raises(SourceError, match="SELECT"):
        open_sql_source("postgresql+psycopg://nobody@127.0.0.1:1/none", query=query, tmp_dir=tmp)


def test_select_forms_are_accepted() -> None:
    check_select("SELECT a FROM t UNION ALL SELECT b FROM u", "postgres", "x")
    check_select("WITH c AS (SELECT 1 AS a) SELECT a FROM c", "mysql", "x")


def test_needs_exactly_one_of_table_or_query(tmp: Path) -> None:
    with pytest.raises(SourceError, match="exactly one"):
        open_sql_source("sqlite://", tmp_dir=tmp)


def test_connection_error_hides_password(tmp: Path) -> None:
    with pytest.raises(SourceError) as info:
        open_sql_source("postgresql+psycopg://u:secret@127.0.0.1:1/x", table="t", tmp_dir=tmp)
    assert "secret" not in str(info.value)
