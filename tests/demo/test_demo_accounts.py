"""The demo's units and sign-in accounts: created once, passwords kept between runs and
readable by the owner only, every account able to sign in with what the file says."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from jiandu.config import Settings
from jiandu.demo.accounts import ACCOUNTS, accounts_path, ensure_demo_accounts
from jiandu.security import passwords
from jiandu.security.principal import principal_for
from jiandu.security.users import authenticate
from jiandu.store.db import make_engine, session_scope
from jiandu.store.schema import OrgUnit


@pytest.fixture(autouse=True)
def fast_argon2(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(
        passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    passwords._dummy_hash.cache_clear()
    yield
    passwords._dummy_hash.cache_clear()


def test_accounts_are_made_once_and_sign_in_with_the_file(home: Settings) -> None:
    first = ensure_demo_accounts(home)
    assert [a.username for a in first] == [a.username for a in ACCOUNTS]
    path = accounts_path(home)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = ensure_demo_accounts(home)
    assert [a.password for a in again] == [a.password for a in first]
    engine = make_engine(home.database_url)
    with session_scope(engine) as session:
        units = {u.id: (u.kind, u.parent_id) for u in session.query(OrgUnit)}
        assert units["330000"] == ("procuratorate", None)
        assert units["ext-sxga"] == ("external", "330600")
        for account in json.loads(path.read_text(encoding="utf-8")):
            user = authenticate(session, account["username"], account["password"])
            principal = principal_for(session, user)
            assert principal.unit_id == account["unit_id"]
            assert set(account["roles"]) <= principal.roles
    engine.dispose()


def test_a_lost_accounts_file_gives_new_passwords_that_work(home: Settings) -> None:
    first = {a.username: a.password for a in ensure_demo_accounts(home)}
    accounts_path(home).unlink()
    second = {a.username: a.password for a in ensure_demo_accounts(home)}
    assert all(second[name] != first[name] for name in first)
    engine = make_engine(home.database_url)
    with session_scope(engine) as session:
        assert authenticate(session, "prosecutor", second["prosecutor"]).username == "prosecutor"
    engine.dispose()
