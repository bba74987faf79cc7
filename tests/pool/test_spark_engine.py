"""The Spark engine's pure parts: its configuration (nothing downloaded, bad settings named),
the Arrow type normalisation, and the Spark rewrites of the model adapter. The engine
itself runs in tests/models/test_spark_parity.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
import sqlglot

from jiandu.config import Settings, load_settings
from jiandu.entities.names import byte_levenshtein
from jiandu.errors import ConfigError
from jiandu.models.plan import adapter
from jiandu.pool.spark_engine import empty_view_sql, normalise, spark_conf


def _settings(tmp_path: Path) -> Settings:
    return load_settings({"JIANDU_HOME": str(tmp_path)})


def test_defaults_are_local_utc_non_ansi_without_ui(tmp_path: Path) -> None:
    conf = spark_conf(_settings(tmp_path), {})
    assert conf["spark.master"] == "local[*]"
    assert conf["spark.sql.session.timeZone"] == "UTC"
    assert conf["spark.sql.ansi.enabled"] == "false"
    assert conf["spark.ui.enabled"] == "false"
    assert conf["spark.local.dir"] == str(tmp_path / "tmp" / "spark")


def test_master_and_extra_settings_come_from_the_environment(tmp_path: Path) -> None:
    conf = spark_conf(
        _settings(tmp_path),
        {
            "JIANDU_SPARK_MASTER": "spark://master.intra:7077",
            "JIANDU_SPARK_CONF": '{"spark.executor.memory": "16g", "spark.executor.cores": 4}',
        },
    )
    assert conf["spark.master"] == "spark://master.intra:7077"
    assert conf["spark.executor.memory"] == "16g" and conf["spark.executor.cores"] == "4"


@pytest.mark.parametrize(
    "key", ["spark.jars.packages", "spark.jars.repositories", "spark.jars.ivySettings"]
)
def test_settings_that_download_jars_are_refused(tmp_path: Path, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        spark_conf(_settings(tmp_path), {"JIANDU_SPARK_CONF": f'{{"{key}": "x"}}'})
    assert key in caught.value.en and "classpath" in caught.value.en


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '"text"'])
def test_bad_extra_settings_are_named(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        spark_conf(_settings(tmp_path), {"JIANDU_SPARK_CONF": text})
    assert "JIANDU_SPARK_CONF" in caught.value.en and "JIANDU_SPARK_CONF" in caught.value.zh


def test_normalise_gives_duckdb_types() -> None:
    evidence = pa.struct(
        [
            pa.field("when", pa.timestamp("us", tz="UTC"), nullable=False),
            pa.field("total", pa.decimal128(28, 2)),
        ]
    )
    schema = pa.schema(
        [
            pa.field("branch", pa.large_string(), nullable=False),
            pa.field("evidence", evidence),
            pa.field("amount", pa.decimal128(18, 2)),
            pa.field("names", pa.large_list(pa.large_string())),
        ]
    )
    when = dt.datetime(2024, 3, 5, 8, 30, tzinfo=dt.UTC)
    table = pa.table(
        {
            "branch": ["main"],
            "evidence": [{"when": when, "total": Decimal("12.50")}],
            "amount": [Decimal("3.00")],
            "names": [["张三"]],
        },
        schema=schema,
    )
    out = normalise(table)
    assert out.schema == pa.schema(
        [
            pa.field("branch", pa.string()),
            pa.field(
                "evidence",
                pa.struct(
                    [pa.field("when", pa.timestamp("us")), pa.field("total", pa.decimal128(38, 2))]
                ),
            ),
            pa.field("amount", pa.decimal128(18, 2)),
            pa.field("names", pa.list_(pa.string())),
        ]
    )
    row = out.to_pylist()[0]
    assert row["evidence"] == {"when": dt.datetime(2024, 3, 5, 8, 30), "total": Decimal("12.50")}
    assert normalise(out) is out  # nothing to do: the same table


def test_empty_views_are_typed_in_spark_sql() -> None:
    sql = empty_view_sql([("id_card", "VARCHAR"), ("amount", "DECIMAL(18,2)"), ("d", "DATE")])
    assert sql.startswith("SELECT CAST(NULL AS STRING) AS `id_card`")
    assert "CAST(NULL AS DECIMAL(18, 2)) AS `amount`" in sql and sql.endswith("WHERE FALSE")


def _spark(sql: str) -> str:
    return adapter("spark").render(sqlglot.parse_one(sql, read="duckdb"))


def test_division_is_double_and_day_differences_bigint_on_spark() -> None:
    assert _spark("SELECT a * 1.0 / b FROM t") == (
        "SELECT CAST(a * 1.0 AS DOUBLE) / CAST(b AS DOUBLE) FROM t"
    )
    assert _spark("SELECT date_diff('day', x, y) FROM t") == (
        "SELECT CAST(DATEDIFF(y, x) AS BIGINT) FROM t"
    )
    # DuckDB keeps its own SQL.
    assert adapter("duckdb").render(sqlglot.parse_one("SELECT a / b FROM t", read="duckdb")) == (
        "SELECT a / b FROM t"
    )


def test_fuzzy_scores_use_the_byte_wise_udfs_on_spark() -> None:
    sql = _spark("SELECT jaro_winkler_similarity(a, b), levenshtein(a, b), strlen(a) FROM t")
    assert sql == (
        "SELECT JD_BYTE_JARO_WINKLER(a, b), JD_BYTE_LEVENSHTEIN(a, b), OCTET_LENGTH(a) FROM t"
    )


@pytest.mark.parametrize(
    ("a", "b", "edits"),
    [("王小明", "王晓明", 3), ("abc", "abd", 1), ("", "", 0), ("", "ab", 2), ("张三丰", "李四", 9)],
)
def test_byte_levenshtein_counts_utf8_byte_edits(a: str, b: str, edits: int) -> None:
    assert byte_levenshtein(a, b) == edits
    assert byte_levenshtein(a, None) is None
