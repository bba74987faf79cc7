"""Settings read from the environment, with defaults that work with no config file.

JIANDU_HOME          working directory (metadata DB, pool, user types); default ./.jiandu
JIANDU_DATABASE_URL  SQLAlchemy URL of the metadata store; default SQLite in JIANDU_HOME
JIANDU_ENGINE        query engine for the pool: duckdb (default) or spark
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from jiandu.errors import ConfigError

ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    engine: str

    @property
    def pool_dir(self) -> Path:
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
    return Settings(home=home, database_url=url, engine=engine)
