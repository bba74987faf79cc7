"""`jiandu cases …` end to end through `main`, on an initialised SQLite JIANDU_HOME."""

from __future__ import annotations

import getpass
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import metadata_store
import pytest
from docx import Document
from sqlalchemy import select

from jiandu.cases.service import CHINA_TIME
from jiandu.cli import cases_cmd
from jiandu.cli.app import main
from jiandu.cli.errors import EXIT_USER_ERROR
from jiandu.config import load_settings
from jiandu.models import library_models
from jiandu.store.db import make_engine, session_scope
from jiandu.store.schema import AuditEntry, Clue

MODEL = "pension_after_death"


@pytest.fixture
def cli_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Path:
    """An initialised JIANDU_HOME with a county procuratorate and two clues: one
    confirmed (C1), one pending (C2)."""
    home = tmp_path / "home"
    metadata_store.use_metadata(monkeypatch, home, request)
    monkeypatch.setattr(getpass, "getuser", lambda: "检察官")
    monkeypatch.setattr(cases_cmd.console, "width", 200)
    assert main(["init"]) == 0
    assert main(["units", "add", "yc", "--name", "绍兴市越城区人民检察院",
                 "--level", "county", "--region", "330602"]) == 0  # fmt: skip
    engine = make_engine(load_settings())
    with session_scope(engine) as session:
        for clue_id, status in (("C1", "confirmed"), ("C2", "pending")):
            session.add(
                Clue(
                    id=clue_id,
                    fingerprint=clue_id * 32,
                    model_id=MODEL,
                    model_version=library_models()[MODEL].version,
                    subject_type="person",
                    subject_key=clue_id,
                    title="死亡后仍领取养老金",
                    severity="high",
                    branches=["main"],
                    status=status,
                    first_run_id="R1",
                    last_run_id="R1",
                    evidence_hash="0" * 64,
                )
            )
    engine.dispose()
    return home


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_case_path_through_the_command_line(
    cli_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kinds = run_json(capsys, "cases", "types")
    assert kinds[0]["label_zh"] == "检察建议" and kinds[0]["reply_period"] == "两个月"

    facts = tmp_path / "facts.txt"
    facts.write_text("被保险人死亡后养老金仍被继续发放。", encoding="utf-8")
    created = run_json(capsys, "cases", "create", "-c", "C1", "--type", "检察建议",
                       "--title", "违规发放养老金", "--facts-file", str(facts),
                       "--supervised-unit", "越城区人力资源和社会保障局")  # fmt: skip
    case_id = created["id"]
    assert created["case_no"].endswith("-yc-0001") and created["clue_ids"] == ["C1"]

    issued = run_json(capsys, "cases", "document", case_id)
    assert issued["status"] == "document_issued"
    assert issued["doc_no"].startswith("越检建〔") and issued["doc_no"].endswith("〕1号")
    texts = [p.text for p in Document(issued["path"]).paragraphs if p.text]
    assert texts[:2] == ["绍兴市越城区人民检察院", "检察建议书"]
    assert "被保险人死亡后养老金仍被继续发放。" in texts

    listed = run_json(capsys, "cases", "list", "--status", "document_issued")
    assert [c["id"] for c in listed] == [case_id]
    assert run_json(capsys, "cases", "list", "--overdue") == []

    today = f"{datetime.now(CHINA_TIME):%Y-%m-%d}"
    assert (
        main(
            ["cases", "reply", case_id, "--received", "2020-01-01", "--rectified", "--content", "x"]
        )
        == EXIT_USER_ERROR
    )  # before the document: refused
    assert main(["cases", "reply", case_id, "--received", today, "--rectified",
                 "--content", "已整改完毕"]) == 0  # fmt: skip
    assert main(["cases", "close", case_id, "--outcome", "整改到位，追回资金"]) == 0
    shown = run_json(capsys, "cases", "show", case_id)
    assert shown["status"] == "closed" and len(shown["documents"]) == 1
    assert [e["kind"] for e in shown["history"]] == ["create", "document", "reply", "close"]
    assert {e["actor"] for e in shown["history"]} == {"cli:检察官"}

    outcomes = run_json(capsys, "cases", "outcomes")
    assert outcomes == [
        {"model_id": MODEL, "clues": 2, "verified": 1, "confirmed": 1, "rejected": 0,
         "precision": 1.0, "cases": 1, "documents": 1}
    ]  # fmt: skip

    out = tmp_path / "cases.jsonl"
    assert main(["cases", "export", "--format", "jsonl", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["status"] == "closed"

    engine = make_engine(load_settings())
    with session_scope(engine) as session:
        assert session.get(Clue, "C1").status == "closed"  # type: ignore[union-attr]
        actions = set(session.scalars(select(AuditEntry.action)))
    engine.dispose()
    assert {"case.create", "case.document", "case.reply", "case.close", "case.export"} <= actions


def test_user_errors_exit_2(cli_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    argv = ["cases", "create", "-c", "C2", "--type", "protest", "--title", "t", "--facts", "f"]
    assert main(argv) == EXIT_USER_ERROR
    assert "not confirmed" in capsys.readouterr().err
    assert main(["cases", "show", "K-nope"]) == EXIT_USER_ERROR
    assert main(["cases", "create", "-c", "C1", "--type", "protest", "--title", "t"]) == (
        EXIT_USER_ERROR
    )
    assert "--facts" in capsys.readouterr().err
    assert main(["cases", "list", "--status", "bogus"]) == EXIT_USER_ERROR


def test_serve_counts_the_reply_period_from_the_day_of_service(
    cli_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    created = run_json(capsys, "cases", "create", "-c", "C1", "--type", "立案监督（通知立案）",
                       "--title", "应当立案而不立案", "--facts", "某某涉嫌诈骗，公安机关未立案。",
                       "--supervised-unit", "绍兴市公安局越城区分局")  # fmt: skip
    case_id = created["id"]
    run_json(capsys, "cases", "document", case_id)
    today = datetime.now(CHINA_TIME).date()
    tomorrow, last_year = today + timedelta(days=1), today - timedelta(days=365)
    for bad in (tomorrow.isoformat(), last_year.isoformat(), "12/03/2026"):
        assert main(["cases", "serve", case_id, "--date", bad]) == EXIT_USER_ERROR
    served = run_json(capsys, "cases", "serve", case_id, "--date", today.isoformat(),
                      "--note", "直接送达")  # fmt: skip
    assert served["status"] == "awaiting_reply" and served["served_on"] == today.isoformat()
    due = datetime.fromisoformat(served["reply_due_at"]).astimezone(CHINA_TIME)
    assert due.date() == today + timedelta(days=15)  # 通知立案: fifteen days from service
    shown = run_json(capsys, "cases", "show", case_id)
    assert shown["served_on"] == today.isoformat() and shown["overdue"] is False
    assert [e["kind"] for e in shown["history"]] == ["create", "document", "serve"]
    assert shown["history"][-1]["detail"]["note"] == "直接送达"
    capsys.readouterr()
    assert main(["cases", "show", case_id]) == 0
    assert f"送达日期 served on: {today.isoformat()}" in capsys.readouterr().out
    assert [c["id"] for c in run_json(capsys, "cases", "list", "--status", "awaiting_reply")] == [
        case_id
    ]
