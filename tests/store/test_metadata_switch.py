"""The test suite's own switch, JIANDU_TEST_METADATA (tests/metadata_store.py): the
workspaces it builds use the backend it names, one database per workspace, named by the
xdist worker, copied for a copied world, dropped when its fixture ends."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import metadata_store
import pytest
from sqlalchemy import create_engine, text

from jiandu.config import Settings, load_settings
from jiandu.store.migrate import current_revision, head_revision
from jiandu.workspace import init_workspace


class _Owner:
    """Stands in for a fixture's `request`: collects the finalisers, run on `end()`."""

    def __init__(self) -> None:
        self.finalizers: list[Callable[[], object]] = []

    def addfinalizer(self, finalizer: Callable[[], object], /) -> None:
        self.finalizers.append(finalizer)

    def end(self) -> None:
        while self.finalizers:
            self.finalizers.pop()()


def test_home_is_on_the_switched_backend(home: Settings) -> None:
    backend = "postgresql" if metadata_store.ON_POSTGRES else "sqlite"
    assert home.database_url.startswith(backend)
    assert (home.home / "jiandu.db").exists() is not metadata_store.ON_POSTGRES


def _databases(prefix: str) -> set[str]:
    admin_url = metadata_store.maintenance_url()
    assert admin_url is not None
    admin = create_engine(admin_url)
    try:
        with admin.connect() as connection:
            found = connection.execute(
                text("SELECT datname FROM pg_database WHERE starts_with(datname, :p)"),
                {"p": prefix},
            )
            return set(found.scalars())
    finally:
        admin.dispose()


@pytest.mark.postgres
def test_each_workspace_gets_its_own_database_copied_and_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if metadata_store.maintenance_url() is None:
        pytest.skip("PostgreSQL is not reachable on loopback")
    monkeypatch.setattr(metadata_store, "ON_POSTGRES", True)
    worker = os.environ.get("PYTEST_XDIST_WORKER") or "main"
    owner = _Owner()
    made: set[str] = set()
    try:
        first = load_settings(metadata_store.environ(tmp_path / "a", owner))
        name = first.database_url.rsplit("/", 1)[1]
        assert name.startswith(f"jiandu_t_{worker}_")
        # Asked again for the same home: the same database.
        assert metadata_store.database_url(tmp_path / "a") == first.database_url
        init_workspace(first)
        assert not (first.home / "jiandu.db").exists()

        metadata_store.copy_database(tmp_path / "a", tmp_path / "b", owner)
        with monkeypatch.context() as patch:
            metadata_store.use_metadata(patch, tmp_path / "b")
            copy = load_settings()
        assert copy.database_url != first.database_url
        engine = create_engine(copy.database_url)
        try:
            assert current_revision(engine) == head_revision()  # the copy holds the schema
        finally:
            engine.dispose()
        made = {first.database_url.rsplit("/", 1)[1], copy.database_url.rsplit("/", 1)[1]}
        assert len(made) == 2
        assert made <= _databases(f"jiandu_t_{worker}_")
    finally:
        owner.end()
    assert made and not made & _databases(f"jiandu_t_{worker}_")
