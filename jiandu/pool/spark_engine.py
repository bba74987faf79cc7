"""The scale-out engine: Spark SQL over the pool's Parquet files.

A province runs the same model files as a county; only the engine differs. The model
compiler renders each model once per engine (`CompiledModel.sql("spark")`, through the
adapter in `jiandu.models.plan`); this module gives that SQL what it reads:

- one `SparkSession` per process (`spark_session`), against `JIANDU_SPARK_MASTER`
  (default `local[*]`: the embedded JVM, as in tests and benchmarks; a cluster gives
  `spark://host:7077`, `yarn` or `k8s://…`). Extra Spark settings come from
  `JIANDU_SPARK_CONF` (a JSON object). Nothing is downloaded: `spark.jars.packages`
  and `spark.jars.repositories` are refused, because an intranet cannot reach Maven —
  a cluster that needs more jars (hadoop-aws for s3a://) has them on its classpath;
- per model run a *child* session (`run_session`): its own temporary views and
  functions on the shared JVM, so two runs at once (the web server's job workers) never
  see each other's tables. Each dataset type is a view over its committed Parquet files
  (read by column name, batches may add columns), a dataset without data a typed empty
  view, and the name functions of fuzzy joins are registered only when a model uses
  them (`jiandu.entities.names.install_spark_name_functions`);
- results as Arrow (`to_arrow`), with Spark's types brought back to the ones the DuckDB
  engine gives (UTC timestamps to naive, large strings to strings), so the runner writes
  the same hits file and clue sync sees the same evidence from either engine.

Semantics: the session runs with ANSI mode off, so that division by zero and failed
casts give NULL as they do in DuckDB, and in UTC, as DuckDB's naive timestamps are.
The parity suite (tests/models/test_spark_parity.py) runs every library model on both
engines over the demo province and asserts identical clue sets.

Sandboxing: Spark cannot be locked like DuckDB's connection, so the wall is the SQL
itself — a user's SQL is parsed and checked (`jiandu.models.sandbox.check_user_sql`: one
SELECT over readable datasets, allowlisted functions, no qualified or path tables) and
the runner executes SQL regenerated from the checked tree, never the user's text.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from jiandu.config import Settings
from jiandu.errors import ConfigError
from jiandu.pool.duckdb_engine import empty_select
from jiandu.pool.storage import spark_path

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

log = logging.getLogger("jiandu.spark")

DEFAULT_MASTER = "local[*]"
DEFAULT_DRIVER_MEMORY = "2g"
# Settings that would make Spark fetch jars from Maven at start: refused (air-gapped).
_LOG_CONFIG = Path(__file__).with_name("spark-log4j2.properties")
_DOWNLOADING = ("spark.jars.packages", "spark.jars.repositories", "spark.jars.ivySettings")


class _Process:
    """The one Spark session of this process, behind a lock."""

    lock = threading.Lock()
    session: SparkSession | None = None


def spark_conf(settings: Settings, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The Spark settings jiandu starts its session with (defaults, then JIANDU_SPARK_CONF)."""
    env = os.environ if environ is None else environ
    conf = {
        "spark.master": env.get("JIANDU_SPARK_MASTER") or DEFAULT_MASTER,
        "spark.app.name": "jiandu",
        "spark.driver.memory": env.get("JIANDU_SPARK_DRIVER_MEMORY") or DEFAULT_DRIVER_MEMORY,
        "spark.local.dir": str(settings.tmp_dir / "spark"),
        # No web UI on an intranet box nobody looks at, and no port to open for it.
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.ansi.enabled": "false",
        # Parquet written by DuckDB: timestamps without a zone stay without one.
        "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
        # The pool's datasets are modest per model at county size; 2 × cores partitions
        # instead of Spark's 200 keeps small runs from drowning in empty tasks.
        "spark.sql.shuffle.partitions": str(max(2, 2 * (os.cpu_count() or 1))),
        "spark.sql.adaptive.enabled": "true",
        # Quiet start: errors only (the shipped log4j2 file), not Spark's default profile.
        "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={_LOG_CONFIG.as_uri()}",
    }
    extra = env.get("JIANDU_SPARK_CONF")
    if extra:
        try:
            parsed = json.loads(extra)
        except ValueError as error:
            raise ConfigError(
                f"JIANDU_SPARK_CONF 不是合法的 JSON：{error}",
                f"JIANDU_SPARK_CONF is not valid JSON: {error}",
            ) from None
        if not isinstance(parsed, dict):
            raise ConfigError(
                'JIANDU_SPARK_CONF 须为 JSON 对象，如 {"spark.executor.memory": "8g"}',
                'JIANDU_SPARK_CONF must be a JSON object, e.g. {"spark.executor.memory": "8g"}',
            )
        conf.update({str(k): str(v) for k, v in parsed.items()})
    refused = sorted(k for k in conf if k in _DOWNLOADING)
    if refused:
        raise ConfigError(
            f"不允许在运行时下载 Spark 依赖：{', '.join(refused)}；"
            "请把所需 jar 放入集群的 classpath",
            f"Spark may not download jars at run time: {', '.join(refused)}; put the jars "
            "the cluster needs on its classpath",
        )
    return conf


def spark_session(settings: Settings) -> SparkSession:
    """The process's Spark session, started on first use with `spark_conf(settings)`."""
    with _Process.lock:
        if _Process.session is not None and not _stopped(_Process.session):
            return _Process.session
        try:
            from pyspark.sql import SparkSession  # noqa: PLC0415 - pyspark is an optional extra
        except ImportError:
            raise ConfigError(
                "JIANDU_ENGINE=spark 需要 pyspark：pip install 'jiandu[spark]'（另需 Java 17+）",
                "JIANDU_ENGINE=spark needs pyspark: pip install 'jiandu[spark]' (and Java 17+)",
            ) from None

        conf = spark_conf(settings)
        (settings.tmp_dir / "spark").mkdir(parents=True, exist_ok=True)
        if conf["spark.master"].startswith("local"):
            # Python functions (the name UDFs) run in worker processes of this very
            # interpreter, which has jiandu and pyarrow; a cluster's workers need jiandu
            # installed (docs/user/scale-out.md).
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = SparkSession.builder
        for key, value in conf.items():
            builder = builder.config(key, value)
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel(os.environ.get("JIANDU_SPARK_LOG_LEVEL", "ERROR"))
        _Process.session = session
        return session


def _stopped(session: SparkSession) -> bool:
    context = session.sparkContext
    return context._jsc is None  # pyspark's own "stopped" marker


def stop_session() -> None:
    """Stop the process's Spark session (tests, shutdown); a later use starts a new one."""
    with _Process.lock:
        if _Process.session is not None:
            _Process.session.stop()
            _Process.session = None


@contextmanager
def run_session(
    settings: Settings,
    tables: Mapping[str, Sequence[str]],
    *,
    empty_tables: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    setup: Callable[[SparkSession], None] | None = None,
) -> Iterator[SparkSession]:
    """A child session whose only tables are views over the given Parquet files.

    `tables` maps a view name (dataset type id) to its files (non-empty lists);
    `empty_tables` maps a dataset without data to its (column, DuckDB type) pairs;
    `setup` runs on the session before use (the runner registers the name functions with
    it). The views are dropped when the block ends.
    """
    session = spark_session(settings).newSession()
    names: list[str] = []
    try:
        for name, files in tables.items():
            if not files:
                raise ConfigError(
                    f"数据集 {name} 没有数据文件", f"dataset {name} has no data files"
                )
            paths = [spark_path(str(f)) for f in files]
            frame = session.read.option("mergeSchema", "true").parquet(*paths)
            frame.createOrReplaceTempView(name)
            names.append(name)
        for name, columns in (empty_tables or {}).items():
            session.sql(empty_view_sql(columns)).createOrReplaceTempView(name)
            names.append(name)
        if setup is not None:
            setup(session)
        yield session
    finally:
        for name in names:
            session.catalog.dropTempView(name)


def empty_view_sql(columns: Sequence[tuple[str, str]]) -> str:
    """`SELECT CAST(NULL AS t) AS c, … WHERE FALSE` in Spark SQL, from DuckDB types."""
    return empty_select(columns).sql("spark")


def to_arrow(frame: DataFrame) -> pa.Table:
    """A Spark result as Arrow, with the types the DuckDB engine gives for the same SQL."""
    return normalise(frame.toArrow())


def normalise(table: pa.Table) -> pa.Table:
    """Spark's Arrow types brought to DuckDB's: naive timestamps, plain strings, sums as
    DECIMAL(38, s), and every column nullable (Spark marks literals and counts NOT NULL,
    DuckDB marks nothing)."""
    schema = pa.schema([_duck_field(field) for field in table.schema])
    if schema.equals(table.schema):
        return table
    return table.cast(schema)


def _duck_field(field: pa.Field) -> pa.Field:
    return field.with_type(_duck_type(field.type)).with_nullable(True)


def _duck_type(kind: pa.DataType) -> pa.DataType:
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        return pa.timestamp(kind.unit)
    if pa.types.is_decimal(kind) and kind.precision > 18:
        # A sum: Spark widens DECIMAL(p, s) by 10 digits, DuckDB to its widest, 38.
        return pa.decimal128(38, kind.scale)
    if pa.types.is_large_string(kind):
        return pa.string()
    if pa.types.is_struct(kind):
        return pa.struct([_duck_field(f) for f in kind])
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return pa.list_(_duck_type(kind.value_type))
    return kind
