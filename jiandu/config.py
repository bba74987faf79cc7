"""Settings read from the environment, with defaults that work with no config file.

JIANDU_HOME          working directory (metadata DB, pool, user types); default ./.jiandu
JIANDU_DATABASE_URL  SQLAlchemy URL of the metadata store; default SQLite in JIANDU_HOME
JIANDU_ENGINE        engine that runs models over the pool: duckdb (default) or spark;
                     Spark's own settings (JIANDU_SPARK_MASTER, JIANDU_SPARK_CONF …) are
                     read by jiandu.pool.spark_engine (docs/user/spark.md)
JIANDU_POOL_URL      where the data pool's Parquet batches live, as an fsspec URL; default
                     the folder JIANDU_HOME/pool. `file:///mnt/share/pool` (a shared mount,
                     read as plain local files), `s3://bucket/prefix` (S3-compatible: MinIO,
                     Ceph, OSS; needs the `jiandu[s3]` extra), `hdfs://namenode/path` (needs
                     the cluster's libhdfs), `memory://name` (tests). Only the pool moves:
                     metadata, staging, rejects, runs and derived state stay in JIANDU_HOME
                     (docs/user/storage.md).
JIANDU_POOL_OPTIONS  JSON object of the filesystem's options, e.g. for s3fs
                     `{"endpoint_url": "http://minio:9000"}`; credentials are best left to the
                     filesystem's own environment (AWS_ACCESS_KEY_ID …) or config files.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jiandu.errors import ConfigError

ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    engine: str
    # "" is the local folder JIANDU_HOME/pool; see jiandu.pool.storage for the rest.
    pool_url: str = ""
    pool_options: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def pool_dir(self) -> Path:
        """The default (local) pool folder; `jiandu.pool.storage` resolves JIANDU_POOL_URL."""
        return self.home / "pool"

    @property
    def staging_dir(self) -> Path:
        return self.home / "staging"

    @property
    def types_dir(self) -> Path:
        """User-registered dataset types (YAML), beside the built-in ones."""
        return self.home / "types"

    @property
    def tmp_dir(self) -> Path:
        return self.home / "tmp"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    home = Path(env.get("JIANDU_HOME") or ".jiandu").expanduser().resolve()
    url = env.get("JIANDU_DATABASE_URL") or f"sqlite:///{home / 'jiandu.db'}"
    engine = (env.get("JIANDU_ENGINE") or "duckdb").lower()
    if engine not in ENGINES:
        raise ConfigError(
            f"JIANDU_ENGINE 只能是 {'/'.join(ENGINES)}，当前为 {engine!r}",
            f"JIANDU_ENGINE must be one of {', '.join(ENGINES)}, got {engine!r}",
        )
    return Settings(
        home=home,
        database_url=url,
        engine=engine,
        pool_url=(env.get("JIANDU_POOL_URL") or "").strip(),
        pool_options=_pool_options(env.get("JIANDU_POOL_OPTIONS") or ""),
    )


def _pool_options(text: str) -> dict[str, Any]:
    if not text.strip():
        return {}
    try:
        options = json.loads(text)
    except ValueError:
        options = None
    if not isinstance(options, dict):
        raise ConfigError(
            'JIANDU_POOL_OPTIONS 须为 JSON 对象，例如 {"endpoint_url": "http://minio:9000"}',
            'JIANDU_POOL_OPTIONS must be a JSON object, e.g. {"endpoint_url": "http://minio:9000"}',
        )
    return options
