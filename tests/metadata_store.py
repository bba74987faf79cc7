"""Which metadata store the tests' workspaces use: SQLite (default) or PostgreSQL.

`JIANDU_TEST_METADATA=postgresql` runs every fixture that builds a workspace (`home`,
the worlds of tests/web, tests/cli, tests/entities, …) on a fresh PostgreSQL database
instead of the SQLite file under JIANDU_HOME, so the whole suite checks the scale-out
setup, not only the tests written for both backends.

Why a database per workspace, not a schema: a database that starts empty is what
`jiandu init` meets on a new deployment, `DROP DATABASE … WITH (FORCE)` also ends the
connections a test left open (a dropped schema would wait on their locks), and a world
built once per session is copied per test with `CREATE DATABASE … TEMPLATE`, as its
SQLite file is copied. Creating and dropping an empty database takes ~0.07 s here;
migrating it to head (`init_workspace`) another ~0.2 s.

Names are `jiandu_t_<worker>_<token>_<n>`: the pytest-xdist worker id (`gw0`, or `main`
without xdist) and a random token per process, so parallel workers and parallel runs
never share a database. Each database is dropped when the fixture that asked for it
ends; whatever is left (a crashed finaliser) is dropped at the end of the worker's
session (`drop_leftovers`, called from tests/conftest.py).

The server is the one JIANDU_TEST_PG_URL names, else 127.0.0.1:5432 as user postgres or
root. With the switch on, an unreachable server fails the tests instead of skipping them.
"""

from __future__ import annotations

import functools
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import pytest
from sqlalchemy import Engine, create_engine, exc, text
from sqlalchemy.engine import URL, make_url

from jiandu.store.db import mask_url

BACKEND = (os.environ.get("JIANDU_TEST_METADATA") or "sqlite").strip().lower()
if BACKEND not in ("sqlite", "postgresql"):
    raise pytest.UsageError(f"JIANDU_TEST_METADATA must be sqlite or postgresql, got {BACKEND!r}")
#: True when the suite's workspaces keep their metadata on PostgreSQL.
ON_POSTGRES = BACKEND == "postgresql"

_DEFAULT_SERVERS = (
    "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    "postgresql+psycopg://root@127.0.0.1:5432/postgres",
)


def maintenance_url() -> URL | None:
    """The `postgres` database of the test server, or None when no server answers."""
    configured = os.environ.get("JIANDU_TEST_PG_URL")
    candidates = [configured] if configured else list(_DEFAULT_SERVERS)
    for candidate in candidates:
        url = make_url(candidate).set(drivername="postgresql+psycopg", database="postgres")
        probe = create_engine(url, connect_args={"connect_timeout": 3})
        try:
            with probe.connect():
                return url
        except exc.DBAPIError:
            continue
        finally:
            probe.dispose()
    return None


class Owner(Protocol):
    """What owns a database: a fixture's `pytest.FixtureRequest` (its finaliser drops it)."""

    def addfinalizer(self, finalizer: Callable[[], object], /) -> None: ...


class _Databases:
    """This process's test databases on the server, made and dropped through `postgres`."""

    def __init__(self, admin_url: URL) -> None:
        worker = os.environ.get("PYTEST_XDIST_WORKER") or "main"
        self.prefix = f"jiandu_t_{worker}_{secrets.token_hex(3)}_"
        self.admin_url = admin_url
        self.admin: Engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.count = 0

    def _name(self) -> str:
        self.count += 1
        return f"{self.prefix}{self.count}"

    def url(self, name: str) -> str:
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def create(self, template: str | None = None) -> str:
        """A new database (a copy of `template` when given); its name."""
        name = self._name()
        # Names are made here (worker id, hex, counter); DDL takes no bound parameters.
        with self.admin.connect() as connection:
            if template is None:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
            else:
                # A template must have no other sessions: end those a world left open.
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": template},
                )
                connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def drop(self, name: str) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop_leftovers(self) -> None:
        with self.admin.connect() as connection:
            names = connection.execute(
                text("SELECT datname FROM pg_database WHERE starts_with(datname, :prefix)"),
                {"prefix": self.prefix},
            ).scalars()
            for name in list(names):
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


#: Database name of each workspace home built on PostgreSQL in this process.
_by_home: dict[Path, str] = {}


@functools.cache
def _server() -> _Databases:
    admin_url = maintenance_url()
    if admin_url is None:
        where = os.environ.get("JIANDU_TEST_PG_URL") or "127.0.0.1:5432 (postgres/root)"
        pytest.fail(
            f"JIANDU_TEST_METADATA=postgresql but PostgreSQL is not reachable at "
            f"{mask_url(where)}; set JIANDU_TEST_PG_URL to a server where the user "
            "may CREATE DATABASE",
            pytrace=False,
        )
    return _Databases(admin_url)


def _register(home: Path, name: str, request: Owner | None, databases: _Databases) -> str:
    key = home.resolve()
    _by_home[key] = name
    if request is not None:

        def _drop() -> None:
            _by_home.pop(key, None)
            databases.drop(name)

        request.addfinalizer(_drop)
    return databases.url(name)


def database_url(home: Path, request: Owner | None = None) -> str | None:
    """The metadata URL for the workspace at `home`: None on SQLite (the default file
    under `home`); on PostgreSQL the database made for `home`, made now if there is none.
    A database made now is dropped when the fixture of `request` ends (with no request:
    at the end of the session)."""
    if not ON_POSTGRES:
        return None
    databases = _server()
    known = _by_home.get(home.resolve())
    if known is not None:
        return databases.url(known)
    return _register(home, databases.create(), request, databases)


def copy_database(template_home: Path, home: Path, request: Owner | None = None) -> None:
    """Give `home`, a copy of the workspace `template_home`, a copy of its database too
    (PostgreSQL only: on SQLite the copied folder holds the database file)."""
    if not ON_POSTGRES:
        return
    databases = _server()
    template = _by_home[template_home.resolve()]
    _register(home, databases.create(template=template), request, databases)


def use_metadata(patch: pytest.MonkeyPatch, home: Path, request: Owner | None = None) -> None:
    """Point JIANDU_HOME at `home` and JIANDU_DATABASE_URL at its metadata store (unset
    on SQLite); JIANDU_ENGINE is unset (the default engine)."""
    patch.setenv("JIANDU_HOME", str(home))
    patch.delenv("JIANDU_ENGINE", raising=False)
    url = database_url(home, request)
    if url is None:
        patch.delenv("JIANDU_DATABASE_URL", raising=False)
    else:
        patch.setenv("JIANDU_DATABASE_URL", url)


def environ(home: Path, request: Owner | None = None) -> dict[str, str]:
    """An environment for `load_settings(…)`: JIANDU_HOME, and the database URL on
    PostgreSQL."""
    env = {"JIANDU_HOME": str(home)}
    url = database_url(home, request)
    if url is not None:
        env["JIANDU_DATABASE_URL"] = url
    return env


def drop_leftovers() -> None:
    """Drop every database this process made and has not dropped yet."""
    if _server.cache_info().currsize:
        _server().drop_leftovers()


#: For a test about the SQLite store itself (its file, its pragmas): skipped under the switch.
sqlite_only = pytest.mark.skipif(
    ON_POSTGRES, reason="about the SQLite metadata file; JIANDU_TEST_METADATA=postgresql"
)
