"""Engines and sessions for the metadata store.

The store runs on SQLite (embedded default: one file under JIANDU_HOME) or PostgreSQL
(scale-out). `make_engine` hides the differences that matter to callers:

- SQLite: the parent folder is created; every new DBAPI connection gets WAL journal mode
  (readers never block the single writer), `foreign_keys=ON` (off by default in SQLite)
  and a busy timeout (a second writer waits instead of failing at once). SQLAlchemy, not
  the sqlite3 module, emits the BEGIN, so DDL is transactional too and a migration that
  fails half-way leaves nothing behind. The BEGIN is `BEGIN IMMEDIATE`: it takes the write
  lock up front. With a deferred BEGIN, a transaction that reads and then writes (every web
  request does: it touches its session) fails at once with SQLITE_BUSY_SNAPSHOT when
  another connection committed since its read — the busy timeout does not apply to that —
  so two overlapping requests, or a page polling a job's progress, got "database is
  locked". Transactions are short (routes commit before heavy work), so serialising them
  costs little on one box; PostgreSQL keeps its row-level locking. Requests that only
  read (the web's GETs) begin deferred instead (`read_mostly`): readers never queue.
- PostgreSQL: a bare `postgresql://` URL is pointed at the psycopg 3 driver; MySQL/MariaDB
  URLs at pymysql (the drivers we ship).

A URL that cannot be parsed, names a driver we do not ship, or points at a server that
cannot be reached raises `ConfigError` with the password masked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from jiandu.config import Settings
from jiandu.errors import ConfigError

#: How long a SQLite writer waits for another writer's lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: Execution option: begin the SQLite transaction deferred (`read_mostly`).
DEFERRED_BEGIN = "jiandu_deferred_begin"
#: Seconds before a connection attempt to a database server gives up.
SERVER_CONNECT_TIMEOUT_S = 10

# Driver names we rewrite: the drivers we ship, instead of SQLAlchemy's defaults
# (psycopg2 / mysqlclient), which are not installed.
_DRIVER_ALIASES = {
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
}


def mask_url(url: str | URL) -> str:
    """Render a database URL for messages, with the password replaced by ***."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (exc.ArgumentError, ValueError):
        return _mask_unparsed(url)


def _mask_unparsed(url: str) -> str:
    # For text SQLAlchemy cannot parse: credentials are what lies between the scheme (if
    # any) and the last "@"; a password may hold ":" or "/", so no finer pattern is safe.
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{host}"


POOL_SIZE = 10
POOL_OVERFLOW = 40


def normalize_url(url: str | URL) -> URL:
    """Parse a database URL and point bare dialect names at the drivers we ship."""
    try:
        parsed = make_url(url)
    except (exc.ArgumentError, ValueError) as err:
        raise ConfigError(
            f"元数据库地址 JIANDU_DATABASE_URL 格式不正确：{mask_url(url)}；"
            "示例：sqlite:///path/jiandu.db 或 postgresql://user@host:5432/dbname",
            f"The metadata database URL (JIANDU_DATABASE_URL) is malformed: {mask_url(url)}; "
            "examples: sqlite:///path/jiandu.db or postgresql://user@host:5432/dbname",
        ) from err
    driver = _DRIVER_ALIASES.get(parsed.drivername)
    return parsed.set(drivername=driver) if driver else parsed


def make_engine(settings_or_url: Settings | str | URL, *, check: bool = True) -> Engine:
    """Create the engine for the metadata store.

    `settings_or_url` is the loaded `Settings` (its `database_url` is used) or a URL.
    With `check` (the default) one connection is opened at once, so a wrong URL or an
    unreachable server is reported here, as a `ConfigError`, rather than deep inside the
    first query.
    """
    raw = settings_or_url.database_url if isinstance(settings_or_url, Settings) else settings_or_url
    url = normalize_url(raw)
    connect_args: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite":
        _create_sqlite_folder(url)
    elif url.get_driver_name() in ("psycopg", "pymysql") and "connect_timeout" not in url.query:
        # Both drivers otherwise wait for the OS TCP timeout (minutes) on a dead host.
        connect_args["connect_timeout"] = SERVER_CONNECT_TIMEOUT_S
    try:
        # Connections for every request the server runs at once (uvicorn's thread pool
        # holds 40) plus the job workers: SQLAlchemy's default of 5 + 10 made the 16th
        # concurrent request wait 30 s for a connection, then fail (bench: 50 clients).
        in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
        pool: dict[str, Any] = (
            {} if in_memory else {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW}
        )
        engine = create_engine(url, connect_args=connect_args, **pool)
    except (exc.ArgumentError, exc.NoSuchModuleError, ImportError) as err:
        raise ConfigError(
            f"不支持的元数据库类型：{mask_url(url)}；请使用 sqlite 或 postgresql",
            f"Unsupported metadata database: {mask_url(url)}; use sqlite or postgresql",
        ) from err
    if url.get_backend_name() == "sqlite":
        _install_sqlite_hooks(engine)
    if check:
        check_connection(engine)
    return engine


def check_connection(engine: Engine) -> None:
    """Open and close one connection; raise `ConfigError` when that is impossible."""
    try:
        with engine.connect():
            pass
    except exc.DBAPIError as err:
        # The driver's own text can carry host names, user names and, for some
        # drivers, parts of the DSN, so it stays in the chained exception (for the
        # logs) and is not put into the message.
        raise ConfigError(
            f"无法连接元数据库 {mask_url(engine.url)}（{type(err.orig).__name__}）；"
            "请检查服务器是否运行、地址/端口/用户名/密码/数据库名是否正确",
            f"Cannot connect to the metadata database {mask_url(engine.url)} "
            f"({type(err.orig).__name__}); check that the server is running and that the "
            "host, port, user, password and database name are right",
        ) from err


def read_mostly(session: Session) -> None:
    """Begin `session`'s transaction *deferred* on SQLite: it takes the write lock only
    if it writes, so any number of readers run side by side (WAL).

    For requests that read (the web's GETs): with `BEGIN IMMEDIATE` each held the one
    write lock for its whole duration, and 50 clients listing clues queued behind each
    other until the busy timeout (bench: p50 30 s, "database is locked"). Such a
    transaction should not write; where one must (a session's last-seen), it writes in a
    short transaction of its own (`is_read_mostly` tells it so), because a deferred
    transaction that writes after another connection committed fails at once
    (SQLITE_BUSY_SNAPSHOT). Call before the session's first statement; a no-op elsewhere
    (PostgreSQL locks rows, not the database).
    """
    if session.get_bind().dialect.name == "sqlite":
        session.connection(execution_options={DEFERRED_BEGIN: True})


def is_read_mostly(session: Session) -> bool:
    """Whether `session`'s transaction began deferred (`read_mostly`)."""
    if not session.in_transaction():
        return False
    return bool(session.connection().get_execution_options().get(DEFERRED_BEGIN))


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit when the block ends normally, roll back on any error.

    Objects stay readable after the block (`expire_on_commit=False`), so a caller can
    return a `Batch` it just recorded without touching the database again.
    """
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _create_sqlite_folder(url: URL) -> None:
    database = url.database
    # In-memory databases and sqlite URI filenames ("file:...") have no folder to make.
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ConfigError(
            f"无法创建元数据库所在目录：{Path(database).parent}",
            f"Cannot create the folder for the metadata database: {Path(database).parent}",
        ) from err


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy (see the "begin" hook below); the
        # sqlite3 module would otherwise commit implicitly before DDL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_MS)}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        deferred = connection.get_execution_options().get(DEFERRED_BEGIN)
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")
