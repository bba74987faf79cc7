"""Sandbox attacks: each is refused by the SQL check and, where it runs, by DuckDB too."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from jiandu.models.errors import SandboxError
from jiandu.models.sandbox import check_user_sql, sandboxed_duckdb

READABLE = ["pension_payment", "death_record"]
KNOWN = ["pension_payment", "death_record", "court_case"]
SECRET = "/etc/passwd"

# (sql, the refused construct, whether the locked connection must refuse it too)
ATTACKS: list[tuple[str, str, bool]] = [
    (f"SELECT * FROM read_csv('{SECRET}')", "function read_csv", True),
    (f"SELECT * FROM read_csv_auto('{SECRET}')", "function read_csv", True),
    ("SELECT * FROM read_parquet('{pool}/other.parquet')", "function read_parquet", True),
    ("SELECT * FROM parquet_scan('{pool}/other.parquet')", "function parquet_scan", True),
    (f"SELECT * FROM read_json('{SECRET}')", "function read_json", True),
    (f"SELECT * FROM read_text('{SECRET}')", "function read_text", True),
    (f"SELECT * FROM read_blob('{SECRET}')", "function read_blob", True),
    ("SELECT * FROM glob('/etc/*')", "function glob", True),
    (f"SELECT * FROM sniff_csv('{SECRET}')", "function sniff_csv", True),
    ("SELECT * FROM parquet_metadata('{pool}/other.parquet')", "function parquet_metadata", True),
    (f"SELECT * FROM '{SECRET}'", "unreadable table", True),
    (f'SELECT * FROM "{SECRET}"', "unreadable table", True),
    ("SELECT * FROM '{pool}/other.parquet'", "unreadable table", True),
    ("COPY pension_payment TO '/tmp/jiandu-leak.csv'", "statement COPY", True),
    ("COPY (SELECT * FROM pension_payment) TO '/tmp/jiandu-leak.csv'", "statement COPY", True),
    ("ATTACH '/tmp/jiandu-other.db' AS other", "statement ATTACH", True),
    ("INSTALL httpfs", "statement INSTALL", True),
    ("LOAD httpfs", "statement LOAD", True),
    ("EXPORT DATABASE '/tmp/jiandu-export'", "syntax", True),
    ("SET enable_external_access = true", "statement SET", True),
    ("PRAGMA enable_profiling", "statement PRAGMA", False),
    ("CALL pragma_version()", "statement CALL", False),
    ("SELECT getenv('HOME')", "function getenv", True),
    ("SELECT current_setting('allowed_paths')", "function current_setting", False),
    ("SELECT * FROM duckdb_settings()", "function duckdb_settings", False),
    ("SELECT * FROM duckdb_tables()", "function duckdb_tables", False),
    ("SELECT * FROM query('SELECT * FROM court_case')", "function query", True),
    ("SELECT * FROM query_table('court_case')", "function query_table", True),
    ("SELECT * FROM query_table('court' || '_case')", "function query_table", True),
    ("SELECT 1; DROP TABLE pension_payment", "multiple statements", False),
    ("SELECT 1 /* ; */ ; SELECT * FROM court_case", "multiple statements", True),
    ("SELECT 1 -- harmless\n; CREATE TABLE x AS SELECT 1", "multiple statements", False),
    (
        "SELECT id_card FROM pension_payment UNION SELECT case_no FROM court_case",
        "unreadable table",
        True,
    ),
    ("SELECT * FROM court_case", "unreadable table", True),
    ("SELECT * FROM main.pension_payment", "qualified table", False),
    ("SELECT * FROM information_schema.tables", "qualified table", False),
    (
        "WITH pension_payment AS (SELECT * FROM court_case) SELECT * FROM pension_payment",
        "cte shadowing",
        True,
    ),
    ("WITH court_case AS (SELECT 1 AS a) SELECT * FROM court_case", "cte shadowing", False),
    (
        "WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r) SELECT * FROM r",
        "recursive cte",
        False,
    ),
    ("SELECT list_transform([1], x -> getenv('HOME'))", "function transform", True),
    ("SELECT \"read_csv\"('/etc/passwd')", "function read_csv", True),
    ("CREATE TABLE x AS SELECT 1", "statement CREATE", False),
    ("INSERT INTO pension_payment VALUES (1)", "statement INSERT", True),
    ("DELETE FROM pension_payment", "statement DELETE", True),
    ("DROP VIEW pension_payment", "statement DROP", False),
    ("UPDATE pension_payment SET amount = 0", "statement UPDATE", True),
    ("DETACH memory", "statement DETACH", True),
    ("CHECKPOINT", "statement COLUMN", False),
    (
        "SELECT * FROM pension_payment WHERE amount > (SELECT count(*) FROM read_csv('/x'))",
        "function read_csv",
        True,
    ),
]


@pytest.fixture
def pool(tmp_path: Path) -> Path:
    folder = tmp_path / "pool"
    folder.mkdir()
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT '110101195001010011' AS id_card, 100.00 AS amount) "
        f"TO '{folder / 'pension.parquet'}' (FORMAT parquet)"
    )
    other = folder / "other.parquet"
    con.execute(f"COPY (SELECT 'secret' AS case_no) TO '{other}' (FORMAT parquet)")
    return folder


@pytest.mark.parametrize(("sql", "construct", "locked_refuses"), ATTACKS)
def test_attack_is_refused_by_the_check(sql: str, construct: str, locked_refuses: bool) -> None:
    with pytest.raises(SandboxError) as caught:
        check_user_sql(sql.replace("{pool}", "/pool"), READABLE, known=KNOWN)
    error = caught.value
    assert error.construct.startswith(construct), error.construct
    assert error.zh and error.en and error.zh != error.en
    assert error.where == "sql"


def test_there_are_enough_attacks() -> None:
    assert len(ATTACKS) >= 25


@pytest.mark.parametrize(("sql", "construct"), [(s, c) for s, c, locked in ATTACKS if locked])
def test_attack_is_refused_by_the_locked_connection(pool: Path, sql: str, construct: str) -> None:
    con = sandboxed_duckdb({"pension_payment": [pool / "pension.parquet"]})
    with pytest.raises(duckdb.Error):
        con.execute(sql.replace("{pool}", str(pool))).fetchall()
    # Still usable, still locked.
    assert con.execute("SELECT count(*) FROM pension_payment").fetchone() == (1,)


def test_locked_connection_reads_only_its_views(pool: Path) -> None:
    con = sandboxed_duckdb({"pension_payment": [pool / "pension.parquet"]})
    assert con.execute("SELECT id_card, amount FROM pension_payment").fetchall() == [
        ("110101195001010011", 100)
    ]
    settings = dict(
        con.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN "
            "('enable_external_access', 'lock_configuration', 'autoload_known_extensions', "
            "'autoinstall_known_extensions')"
        ).fetchall()
    )
    assert settings == {
        "enable_external_access": "false",
        "lock_configuration": "true",
        "autoload_known_extensions": "false",
        "autoinstall_known_extensions": "false",
    }


def test_empty_file_list_is_refused() -> None:
    with pytest.raises(SandboxError, match="no data files"):
        sandboxed_duckdb({"pension_payment": []})


SAFE = [
    "SELECT id_card, count(*) AS n FROM pension_payment GROUP BY id_card HAVING count(*) > 1",
    "WITH d AS (SELECT id_card, min(death_date) AS dd FROM death_record GROUP BY id_card) "
    "SELECT p.id_card, p.pay_month FROM pension_payment AS p JOIN d ON p.id_card = d.id_card "
    "WHERE p.pay_month > date_trunc('month', d.dd)",
    "SELECT id_card, row_number() OVER (PARTITION BY id_card ORDER BY pay_month) AS k "
    "FROM pension_payment QUALIFY k = 1",
    "SELECT id_card FROM pension_payment WHERE amount >= $threshold "
    "AND EXISTS (SELECT 1 FROM death_record AS d WHERE d.id_card = pension_payment.id_card)",
    "SELECT id_card FROM pension_payment UNION ALL SELECT id_card FROM death_record",
]


@pytest.mark.parametrize("sql", SAFE)
def test_ordinary_queries_pass(sql: str) -> None:
    tree = check_user_sql(sql, READABLE, params={"threshold": "decimal"}, known=KNOWN)
    assert tree.sql("duckdb")
