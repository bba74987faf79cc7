"""`jiandu clues …` and the sync after `jiandu models run`, through `main` (SQLite)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import metadata_store
import pytest
from clue_world import hits_table

from jiandu.cli.app import main
from jiandu.cli.errors import EXIT_USER_ERROR
from jiandu.config import load_settings
from jiandu.fields.id_card import check_char as id_check_digit
from jiandu.store.db import make_engine, session_scope
from jiandu.store.schema import ModelRun

AS_OF = ["--as-of", "2024-06-30"]


def person_id(seq: int) -> str:
    first17 = f"33060219450101{seq:03d}"
    return first17 + id_check_digit(first17)


@pytest.fixture
def cli_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Path:
    home = tmp_path / "home"
    metadata_store.use_metadata(monkeypatch, home, request)
    assert main(["init"]) == 0
    return home


def run_json(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> Any:
    capsys.readouterr()
    assert main([*argv, "--json"]) == code, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _recorded_run(home: Path, subject: str) -> str:
    """A succeeded run row with a hits file, as the runner leaves them."""
    folder = home / "runs" / "R1"
    folder.mkdir(parents=True)
    import pyarrow.parquet as pq

    pq.write_table(
        hits_table([{"subject_key": subject, "name": "欧阳娜娜"}]), folder / "hits.parquet"
    )
    engine = make_engine(load_settings())
    with session_scope(engine) as session:
        session.add(
            ModelRun(
                id="R1",
                model_id="pension_after_death",
                model_version=2,
                model_origin="library",
                status="succeeded",
                params={"min_months": 2},
                batches={"pension_payment": []},
                hit_count=1,
                hits_path="runs/R1/hits.parquet",
            )
        )
    engine.dispose()
    return "R1"


def test_sync_list_show_export(
    cli_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    subject = person_id(7)
    run_id = _recorded_run(cli_home, subject)
    report = run_json(capsys, "clues", "sync", run_id)
    assert (report["new"], report["subjects"]) == (1, 1)
    again = run_json(capsys, "clues", "sync", run_id)
    assert (again["new"], again["already"]) == (0, 1)

    [listed] = run_json(capsys, "clues", "list", "--status", "pending")
    assert listed["model_id"] == "pension_after_death" and subject not in json.dumps(listed)
    assert run_json(capsys, "clues", "list", "--status", "closed") == []
    assert main(["clues", "list", "--status", "done"]) == EXIT_USER_ERROR

    shown = run_json(capsys, "clues", "show", listed["id"])
    assert [e["kind"] for e in shown["history"]] == ["created"]
    assert subject not in json.dumps(shown, ensure_ascii=False)
    assert "欧阳娜娜" not in json.dumps(shown, ensure_ascii=False)
    unmasked = run_json(capsys, "clues", "show", listed["id"], "--unmask", "--reason", "核查")
    assert unmasked["subject_key"] == subject
    assert main(["clues", "show", listed["id"], "--unmask"]) == EXIT_USER_ERROR
    assert main(["clues", "show", "Cnope"]) == EXIT_USER_ERROR

    out = tmp_path / "clues.jsonl"
    exported = run_json(capsys, "clues", "export", "--format", "jsonl", "--out", str(out))
    assert exported["rows"] == 1
    line = json.loads(out.read_text(encoding="utf-8"))
    assert {
        "model_id",
        "subject_type",
        "subject_key",
        "title",
        "severity",
        "status",
        "evidence",
    } <= set(line)
    assert main(["clues", "export", "--format", "pdf"]) == EXIT_USER_ERROR

    capsys.readouterr()
    assert main(["clues", "list"]) == 0
    assert "待核查" in capsys.readouterr().out


def test_models_run_syncs_clues(
    cli_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = person_id(11)
    months = ["2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-06"]
    pension = _write_csv(
        tmp_path / "养老金.csv",
        [["姓名", "身份证号", "发放月份", "金额"], *[["甲", a, m, "1000"] for m in months]],
    )
    deaths = _write_csv(
        tmp_path / "死亡.csv",
        [["身份证号", "姓名", "死亡日期", "来源"], [a, "甲", "2023-03-15", "火化"]],
    )
    assert main(["import", "pension_payment", str(pension)]) == 0
    assert main(["import", "death_record", str(deaths)]) == 0
    capsys.readouterr()
    assert main(["models", "run", "pension_after_death", *AS_OF]) == 0
    assert "新 new 1" in capsys.readouterr().out
    [clue] = run_json(capsys, "clues", "list")
    assert clue["presence"] == "new"
    assert main(["models", "run", "--all", *AS_OF]) == 0
    [clue] = run_json(capsys, "clues", "list", "--model", "pension_after_death")
    assert clue["presence"] == "present"
