"""Alembic environment of the metadata store.

`jiandu.store.migrate` builds the Alembic config in code and hands over an open
connection (`config.attributes["connection"]`); no alembic.ini is needed at run time.
Run from the `alembic` command line instead (to write a new revision), the database is
the one `JIANDU_DATABASE_URL` / `JIANDU_HOME` select.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from jiandu.store.schema import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # Imported here: only the command-line path needs settings.
    from jiandu.config import load_settings  # noqa: PLC0415
    from jiandu.store.db import make_engine  # noqa: PLC0415

    engine = make_engine(load_settings())
    try:
        with engine.connect() as fresh:
            _run(fresh)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("jiandu migrations run online only / 仅支持在线迁移")
_run_online()
