"""`jiandu users …` and `jiandu units …` (DESIGN.md contract), on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import metadata_store
import pytest
from argon2 import PasswordHasher

from jiandu.cli.app import main
from jiandu.cli.errors import EXIT_USER_ERROR
from jiandu.config import load_settings
from jiandu.security import passwords
from jiandu.security.audit import recent_entries, verify
from jiandu.security.errors import AuthenticationFailed
from jiandu.security.users import authenticate
from jiandu.store.db import session_scope
from jiandu.workspace import open_workspace

PASSWORD = "Correct-Horse-9"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def cli_home(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """An initialised JIANDU_HOME with a province and a city procuratorate."""
    home = tmp_path / "home"
    monkeypatch.setenv("JIANDU_HOME", str(home))
    if request.param == "sqlite":  # PostgreSQL too under JIANDU_TEST_METADATA=postgresql
        metadata_store.use_metadata(monkeypatch, home, request)
    else:
        monkeypatch.setenv("JIANDU_DATABASE_URL", request.getfixturevalue("fresh_pg_url"))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(
        passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    assert main(["init"]) == 0
    assert main(["units", "add", "zj", "--name", "浙江省人民检察院", "--level", "province",
                 "--region", "330000"]) == 0  # fmt: skip
    assert main(["units", "add", "sx", "--name", "绍兴市人民检察院", "--level", "city",
                 "--parent", "zj"]) == 0  # fmt: skip
    return home


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> Any:
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _sign_in(username: str, password: str) -> str:
    with session_scope(open_workspace(load_settings()).engine) as session:
        return authenticate(session, username, password).id


def _audit_actions() -> list[str]:
    with session_scope(open_workspace(load_settings()).engine) as session:
        assert verify(session).ok
        return [e.action for e in reversed(recent_entries(session, limit=100))]


def test_units_add_and_list(cli_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["units", "add", "sx-d1", "--name", "第一检察部", "--kind", "department",
                 "--parent", "sx"]) == 0  # fmt: skip
    listing = _json(capsys, ["units", "list"])
    assert [(u["id"], u["kind"], u["level"], u["path"]) for u in listing] == [
        ("zj", "procuratorate", "province", "/zj/"),
        ("sx", "procuratorate", "city", "/zj/sx/"),
        ("sx-d1", "department", None, "/zj/sx/sx-d1/"),
    ]
    assert main(["units", "list"]) == 0
    assert "第一检察部" in capsys.readouterr().out
    # Shape rules come back as user errors, in both languages.
    assert main(["units", "add", "js", "--name", "江苏", "--level", "province"]) == (
        EXIT_USER_ERROR
    )
    err = capsys.readouterr().err
    assert "已有根单位" in err and "there is a root unit already" in err
    assert _audit_actions().count("unit.create") == 3


def test_users_add_reads_the_password_from_stdin(
    cli_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _stdin(monkeypatch, PASSWORD + "\n")
    argv = ["users", "add", "Alice", "--name", "张三", "--unit", "sx", "-r", "prosecutor"]
    created = _json(capsys, [*argv, "--role", "leader", "--password-stdin"])
    assert created["username"] == "alice"
    assert created["roles"] == ["leader", "prosecutor"]
    assert created["password_set"] is True
    assert _sign_in("alice", PASSWORD) == created["id"]
    listing = _json(capsys, ["users", "list"])
    assert [u["username"] for u in listing] == ["alice"]
    assert not any("hash" in key or key == "password" for key in listing[0])
    assert PASSWORD not in json.dumps(listing)
    assert main(["users", "list"]) == 0
    assert "张三" in capsys.readouterr().out
    assert "user.create" in _audit_actions()


def test_users_add_prompts_twice_for_a_hidden_password(
    cli_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([PASSWORD, PASSWORD, PASSWORD, "Different-Pass-1"])
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    assert main(["users", "add", "bob", "--name", "李四", "--unit", "sx"]) == 0
    assert len(prompts) == 2
    assert _sign_in("bob", PASSWORD)
    capsys.readouterr()
    assert main(["users", "add", "carol", "--name", "王五", "--unit", "sx"]) == EXIT_USER_ERROR
    assert "The two passwords differ" in capsys.readouterr().err
    assert [u["username"] for u in _json(capsys, ["users", "list"])] == ["bob"]


def test_passwords_are_never_taken_from_the_command_line(
    cli_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["users", "add", "dave", "--name", "D", "--unit", "sx",
                 "--password", PASSWORD]) == 2  # fmt: skip
    assert "No such option" in capsys.readouterr().err
    assert _json(capsys, ["users", "list"]) == []


def test_users_add_refusals_are_user_errors(
    cli_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = [
        (["--unit", "nowhere", "--no-password"], "not found"),
        (["--unit", "sx", "-r", "root", "--no-password"], "Unknown roles: root"),
        (["--unit", "sx", "--password-stdin"], "too short"),
    ]
    for extra, words in cases:
        _stdin(monkeypatch, "short\n")
        capsys.readouterr()
        assert main(["users", "add", "erin", "--name", "E", *extra]) == EXIT_USER_ERROR
        assert words in capsys.readouterr().err
    assert _json(capsys, ["users", "list"]) == []
    assert "user.create" not in _audit_actions()


def test_roles_passwd_and_disable(
    cli_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _stdin(monkeypatch, PASSWORD + "\n")
    assert main(["users", "add", "alice", "--name", "张三", "--unit", "sx", "-r", "prosecutor",
                 "--password-stdin"]) == 0  # fmt: skip
    changed = _json(capsys, ["users", "roles", "ALICE", "-r", "modeler", "-r", "data_steward"])
    assert changed["roles"] == ["data_steward", "modeler"]

    _stdin(monkeypatch, "New-Password-2026\n")
    assert main(["users", "passwd", "alice", "--password-stdin"]) == 0
    with pytest.raises(AuthenticationFailed):
        _sign_in("alice", PASSWORD)
    assert _sign_in("alice", "New-Password-2026")

    assert main(["users", "disable", "alice"]) == 0
    with pytest.raises(AuthenticationFailed):
        _sign_in("alice", "New-Password-2026")
    listing = _json(capsys, ["users", "list"])
    assert listing[0]["active"] is False
    for argv in (["users", "disable", "nobody"], ["users", "roles", "nobody", "-r", "leader"]):
        assert main(argv) == EXIT_USER_ERROR
    assert _audit_actions()[-4:] == ["user.create", "user.roles", "user.password", "user.disable"]
