"""`jiandu audit …` and the audit entries the other commands write, through `main`."""

from __future__ import annotations

import csv
import getpass
import json
from pathlib import Path
from typing import Any

import metadata_store
import pytest
from sqlalchemy import text

from jiandu.cli import audit_cmd
from jiandu.cli.app import main
from jiandu.cli.errors import EXIT_USER_ERROR
from jiandu.config import load_settings
from jiandu.fields.id_card import check_char as id_check_digit
from jiandu.store.db import make_engine
from jiandu.store.migrate import head_revision

AS_OF = ["--as-of", "2024-06-30"]


@pytest.fixture
def cli_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Path:
    """An initialised JIANDU_HOME (SQLite, or JIANDU_TEST_METADATA's PostgreSQL), with the
    OS user pinned for the actor."""
    home = tmp_path / "home"
    metadata_store.use_metadata(monkeypatch, home, request)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(getpass, "getuser", lambda: "检察官")
    # Rich sized the console when the module was imported; tables must not truncate here.
    monkeypatch.setattr(audit_cmd.console, "width", 200)
    assert main(["init"]) == 0
    return home


def run_json(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> Any:
    capsys.readouterr()
    assert main([*argv, "--json"]) == code, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def entries(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """The whole log, oldest first."""
    return list(reversed(run_json(capsys, "audit", "list", "--limit", "1000")))


def person_id(seq: int) -> str:
    first17 = f"33060219450101{seq:03d}"
    return first17 + id_check_digit(first17)


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def tamper(sql: str) -> None:
    """Drop the append-only triggers (SQLite's or PostgreSQL's), then run `sql` on the
    metadata DB."""
    engine = make_engine(load_settings())
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log"))
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log"))
        else:
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        connection.execute(text(sql))
    engine.dispose()


def test_init_is_recorded_by_the_os_user_and_the_log_verifies(
    cli_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    [entry] = entries(capsys)
    assert (entry["seq"], entry["actor"], entry["action"]) == (1, "cli:检察官", "system.init")
    assert entry["outcome"] == "ok" and entry["detail"] == {"revision": head_revision()}

    assert main(["audit", "verify"]) == 0
    assert "审计日志完整：1 条记录 / audit log intact: 1 entries" in capsys.readouterr().out
    report = run_json(capsys, "audit", "verify")
    assert (report["ok"], report["entries"], report["problems"]) == (True, 1, [])


def test_imports_and_model_runs_are_recorded_without_file_names(
    cli_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = person_id(11), person_id(22)
    months = ["2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-06"]
    pension = write_csv(
        tmp_path / "张三养老金.csv",
        [["姓名", "身份证号", "发放月份", "金额"], *[["甲", a, m, "1000"] for m in months]],
    )
    deaths = write_csv(
        tmp_path / "死亡.csv",
        [["身份证号", "姓名", "死亡日期", "来源"], [a, "甲", "2023-03-15", "火化"]],
    )
    sentences = write_csv(
        tmp_path / "刑罚执行.csv",
        [["身份证号", "姓名", "刑罚种类", "刑期起日", "刑期止日"],
         [b, "乙", "缓刑", "2023-01-10", "2024-01-09"]],
    )  # fmt: skip
    batch = run_json(capsys, "import", "pension_payment", str(pension))["batch_id"]
    assert main(["import", "death_record", str(deaths)]) == 0
    assert main(["import", "sentence_record", str(sentences)]) == 0
    assert main(["import", "death_record", str(tmp_path / "missing.csv")]) == EXIT_USER_ERROR
    run = run_json(capsys, "models", "run", "pension_after_death", *AS_OF)
    run_all = run_json(capsys, "models", "run", "--all", *AS_OF)

    log = entries(capsys)
    assert [(e["action"], e["outcome"]) for e in log] == [
        ("system.init", "ok"),
        *[("data.import", "ok")] * 3,
        ("data.import", "failed"),
        ("model.run", "ok"),
        ("clues.sync", "ok"),  # each run's hits become clues
        ("model.run", "ok"),
        ("clues.sync", "ok"),
    ]
    imported = log[1]
    assert (imported["object_kind"], imported["object_id"]) == ("batch", batch)
    assert imported["detail"] == {
        "dataset_type": "pension_payment",
        "files": 1,
        "sql": False,
        "dataset": "pension_payment",
        "status": "committed",
        "rows_read": 6,
        "rows_accepted": 6,
        "rows_rejected": 0,
        "rows_warned": 0,
    }
    failed = log[4]
    assert failed["object_id"] is None
    assert failed["detail"] == {
        "dataset_type": "death_record",
        "files": 1,
        "sql": False,
        "error": "IngestError",
    }
    assert (log[5]["object_kind"], log[5]["object_id"]) == ("run", run["run_id"])
    assert log[5]["detail"]["model_id"] == "pension_after_death"
    assert log[5]["detail"]["hit_count"] == run["hit_count"]
    assert log[7]["object_id"] == run_all["runs"][0]["run_id"]
    assert {e["actor"] for e in log} == {"cli:检察官"}
    text_of_log = json.dumps(log, ensure_ascii=False)
    assert "张三" not in text_of_log and a not in text_of_log and "missing.csv" not in text_of_log
    assert run_json(capsys, "audit", "verify")["ok"] is True


def test_a_failed_model_run_is_recorded_as_failed(
    cli_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "run", "pension_after_death"]) == EXIT_USER_ERROR  # no data yet
    last = entries(capsys)[-1]
    assert (last["action"], last["outcome"]) == ("model.run", "failed")
    assert (last["object_kind"], last["object_id"]) == ("model", "pension_after_death")
    assert last["detail"] == {"error": "MissingDataError"}


def test_verify_names_the_edited_entry_in_both_languages_and_exits_2(
    cli_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(3):
        main(["init"])
    tamper("UPDATE audit_log SET actor = 'cli:someone' WHERE seq = 2")
    capsys.readouterr()

    assert main(["audit", "verify"]) == EXIT_USER_ERROR
    out = " ".join(capsys.readouterr().out.split())
    assert "首个问题在第 2 条 / first problem at entry 2" in out
    assert "第 2 条记录的内容与其哈希不符" in out
    assert "entry 2 no longer matches its hash" in out

    report = run_json(capsys, "audit", "verify", code=EXIT_USER_ERROR)
    assert report["ok"] is False and report["first_bad_seq"] == 2
    assert [(p["seq"], p["kind"]) for p in report["problems"]] == [(2, "edited")]


def test_verify_reports_a_deleted_entry(cli_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for _ in range(3):
        main(["init"])
    tamper("DELETE FROM audit_log WHERE seq = 3")
    report = run_json(capsys, "audit", "verify", code=EXIT_USER_ERROR)
    assert [(p["seq"], p["kind"]) for p in report["problems"]] == [(3, "deleted")]


def test_a_checkpoint_catches_a_rewritten_log(
    cli_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = tmp_path / "checkpoint.json"
    assert main(["audit", "checkpoint", "--out", str(kept)]) == 0
    point = json.loads(kept.read_text(encoding="utf-8"))
    assert (point["seq"], point["count"], len(point["hash"])) == (1, 1, 64)
    assert set(point) == {"seq", "hash", "at", "count"}
    main(["init"])
    assert run_json(capsys, "audit", "verify", "--checkpoint", str(kept))["checkpoints"] == 1

    # Checkpoints are never overwritten: the one kept is the evidence.
    assert main(["audit", "checkpoint", "--out", str(kept)]) == EXIT_USER_ERROR
    assert "file exists" in capsys.readouterr().err
    assert json.loads(kept.read_text(encoding="utf-8")) == point

    # Throw away the whole log and write a fresh, self-consistent one.
    tamper("DELETE FROM audit_log")
    tamper("DELETE FROM audit_head")
    main(["init"])
    main(["init"])
    assert run_json(capsys, "audit", "verify")["ok"] is True
    report = run_json(capsys, "audit", "verify", "--checkpoint", str(kept), code=EXIT_USER_ERROR)
    assert [(p["seq"], p["kind"]) for p in report["problems"]] == [(1, "checkpoint_mismatch")]


def test_checkpoint_refuses_a_tampered_log(
    cli_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["init"])
    tamper("DELETE FROM audit_log WHERE seq = 2")
    out = tmp_path / "checkpoint.json"
    capsys.readouterr()
    assert main(["audit", "checkpoint", "--out", str(out)]) == EXIT_USER_ERROR
    assert "audit log tampered" in capsys.readouterr().out
    assert not out.exists()


@pytest.mark.parametrize("content", ["not json", '{"seq": 1}', "[1, 2]"])
def test_a_malformed_checkpoint_file_is_a_user_error(
    cli_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    capsys.readouterr()
    assert main(["audit", "verify", "--checkpoint", str(bad)]) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "检查点格式不正确" in err and "Malformed checkpoint" in err and "bad.json" in err
    assert main(["audit", "verify", "--checkpoint", str(tmp_path / "none.json")]) == (
        EXIT_USER_ERROR
    )


def test_list_shows_the_newest_first_and_honours_the_limit(
    cli_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["init"])
    main(["init"])
    listed = run_json(capsys, "audit", "list", "--limit", "2")
    assert [e["seq"] for e in listed] == [3, 2]
    assert {"seq", "at", "actor", "action", "detail", "prev_hash", "hash"} <= set(listed[0])
    assert listed[0]["prev_hash"] == listed[1]["hash"]
    capsys.readouterr()
    assert main(["audit", "list"]) == 0
    out = capsys.readouterr().out
    assert "system.init" in out and "cli:检察官" in out
