"""`jiandu entities find|show|graph|refresh` over the world of entity_world.py: the
operator sees every dataset, output is masked unless `show --unmask --reason` (audited),
and `refresh` reports what entity resolution did."""

from __future__ import annotations

import getpass
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from entity_world import COMPANY, P1, U1, copy_world, use_home, world_template
from sqlalchemy import select

from jiandu.cli import entities_cmd
from jiandu.cli.app import main
from jiandu.cli.errors import EXIT_USER_ERROR
from jiandu.config import Settings
from jiandu.store.db import session_scope
from jiandu.store.schema import AuditEntry
from jiandu.workspace import open_workspace


@pytest.fixture
def world(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    monkeypatch.setattr(getpass, "getuser", lambda: "检察官")
    monkeypatch.setattr(entities_cmd.console, "width", 250)
    return use_home(copy_world(world_template(tmp_path_factory), tmp_path), monkeypatch)


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    capsys.readouterr()
    assert main(["entities", *argv, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_find_show_and_graph_are_masked(
    world: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    found = run_json(capsys, "find", "张三丰")
    (person,) = found["results"]
    assert found["masked"] and person["name"] == "张**" and P1 not in json.dumps(found)
    shown = run_json(capsys, "show", person["entity_id"])
    assert shown["masked"] and shown["entity"]["record_count"] == 4 and shown["complete"]
    groups = {g["dataset_id"]: g for g in shown["datasets"]}
    assert groups["court_party"]["name_zh"] == "案件当事人"
    assert "张三丰" not in json.dumps(shown, ensure_ascii=False)
    graph = run_json(capsys, "graph", person["entity_id"], "--hops", "2")
    assert {n["name"] for n in graph["nodes"]} >= {"张**", "李*"}
    assert "legal_rep" in {e["relation"] for e in graph["edges"]}

    assert main(["entities", "show", person["entity_id"]]) == 0
    text = capsys.readouterr().out
    assert "一人一档" in text and "张**" in text and "张三丰" not in text
    assert main(["entities", "find", U1]) == 0
    assert COMPANY in capsys.readouterr().out  # an organisation's name is not masked


def test_unmask_needs_a_reason_and_is_audited(
    world: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    person = run_json(capsys, "find", P1)["results"][0]["entity_id"]
    assert main(["entities", "show", person, "--unmask"]) == EXIT_USER_ERROR
    shown = run_json(capsys, "show", person, "--unmask", "--reason", "核查线索")
    assert shown["masked"] is False and shown["entity"]["name"] == "张三丰"
    assert shown["entity"]["id_card"] == P1
    with session_scope(open_workspace(world).engine) as session:
        (entry,) = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "pii.unmask")
        ).all()
        assert entry.actor == "cli:检察官" and entry.object_id == person
        assert entry.detail["reason"] == "核查线索" and P1 not in str(entry.detail)


def test_unknown_entities_and_bad_options_are_user_errors(
    world: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["entities", "show", "P0123456789abcdef"]) == EXIT_USER_ERROR
    assert "未找到实体" in capsys.readouterr().err
    assert main(["entities", "graph", "P0123456789abcdef"]) == EXIT_USER_ERROR
    assert main(["entities", "find", "x", "--kind", "animal"]) == EXIT_USER_ERROR
    assert run_json(capsys, "find", "查无此人")["results"] == []


def test_refresh_reports_and_is_idempotent(
    world: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    report = run_json(capsys, "refresh")
    assert report["status"] == "unchanged"
    assert main(["entities", "refresh"]) == 0
    assert "数据池未变" in capsys.readouterr().out


@pytest.mark.slow
def test_refresh_force_recomputes(world: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    report = run_json(capsys, "refresh", "--force")
    assert report["status"] == "refreshed" and report["entities"] >= 4
    assert set(report["batches"]) == {"entity", "entity_record", "entity_edge", "party_relation"}


def test_the_cli_imports_profiles_and_resolution_only_when_asked() -> None:
    code = (
        "import sys, jiandu.cli.app; print(sorted(m for m in sys.modules if m in "
        "('jiandu.entities.profile', 'jiandu.entities.refresh', 'jiandu.entities.resolve', "
        "'jiandu.web.routes.entities', 'splink')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
