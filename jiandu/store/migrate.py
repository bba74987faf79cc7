"""Schema migrations of the metadata store, run from code.

The Alembic scripts ship inside the package (`jiandu/store/migrations/`); the Alembic
configuration is built here, so an installed jiandu needs no alembic.ini. Every function
takes the `Engine` from `jiandu.store.db.make_engine` and runs in one transaction (on
SQLite too: see `db.py`), so a failed migration leaves the schema as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine

from jiandu.errors import ConfigError
from jiandu.store.db import mask_url
from jiandu.store.schema import Base

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """The Alembic configuration of the store, built in code."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest revision this version of jiandu ships."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise RuntimeError("no migrations found in " + str(MIGRATIONS_DIR))
    return head


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to `revision` (default: the newest)."""
    _run(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database schema back to `revision` ("base" removes every table)."""
    _run(engine, command.downgrade, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def check_up_to_date(engine: Engine) -> None:
    """Raise `ConfigError` unless the database schema is at this jiandu's newest revision."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    where = mask_url(engine.url)
    if current is None:
        raise ConfigError(
            f"元数据库 {where} 尚未初始化；请先运行 `jiandu init`",
            f"The metadata database {where} is not initialised; run `jiandu init` first",
        )
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(current)
    except CommandError as err:
        raise ConfigError(
            f"元数据库 {where} 的结构版本 {current} 比本程序更新；请升级 jiandu",
            f"The metadata database {where} is at schema revision {current}, newer than "
            "this jiandu knows; upgrade jiandu",
        ) from err
    raise ConfigError(
        f"元数据库 {where} 的结构版本为 {current}，需要 {head}；请运行 `jiandu init` 升级",
        f"The metadata database {where} is at schema revision {current}, this jiandu "
        f"needs {head}; run `jiandu init` to upgrade it",
    )


def schema_differences(engine: Engine) -> list[Any]:
    """What Alembic's autogenerate sees between the database and the ORM (empty: same)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def _run(engine: Engine, action: Any, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        action(config, revision)
