"""Clue export: the JSONL contract, masking by default, audited unmasking, CSV and XLSX.

On SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from clue_world import NOW, World
from openpyxl import load_workbook
from sqlalchemy import select

from jiandu.clues.export import COLUMNS, ClueFilters, export_clues
from jiandu.clues.sync import sync_run
from jiandu.security.errors import PermissionDenied
from jiandu.store.db import session_scope
from jiandu.store.schema import AuditEntry

ID_NO = "330602195001011234"


@pytest.fixture
def synced(world: World) -> World:
    with session_scope(world.engine) as session:
        run = world.add_run(
            session,
            [
                {"subject_key": ID_NO, "name": "欧阳娜娜"},
                {"subject_key": "330602196502023456", "name": "=HYPERLINK(1)", "title": "=cmd"},
            ],
        )
        sync_run(session, world.settings, run, actor="t", now=NOW)
    return world


def test_jsonl_contract_and_masking(synced: World, tmp_path: Path) -> None:
    out = tmp_path / "clues.jsonl"
    with session_scope(synced.engine) as session:
        result = export_clues(
            session, synced.settings, synced.principal(session, "pros"), "jsonl", out
        )
    assert result.rows == 2 and not result.unmasked
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        for key in (
            "model_id",
            "subject_type",
            "subject_key",
            "title",
            "severity",
            "status",
            "evidence",
        ):
            assert key in line
        assert line["status"] == "pending" and isinstance(line["evidence"], list)
    text = out.read_text(encoding="utf-8")
    assert ID_NO not in text and "欧阳娜娜" not in text  # ID numbers and names masked
    assert {line["subject_type"] for line in lines} == {"person"}


def test_unmask_needs_permission_and_is_audited(synced: World, tmp_path: Path) -> None:
    out = tmp_path / "clues.jsonl"
    with session_scope(synced.engine) as session:
        export_clues(
            session,
            synced.settings,
            synced.principal(session, "pros"),
            "jsonl",
            out,
            ClueFilters(status="pending"),
            unmask=True,
            reason="移送公安机关",
        )
        assert ID_NO in out.read_text(encoding="utf-8")
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
        assert actions[-2:] == ["pii.unmask", "clues.export"]
        details = [str(d) for d in session.scalars(select(AuditEntry.detail))]
        assert not any(ID_NO in d for d in details)
    with session_scope(synced.engine) as session, pytest.raises(PermissionDenied):
        export_clues(
            session,
            synced.settings,
            synced.principal(session, "liaison"),
            "jsonl",
            tmp_path / "x.jsonl",
            unmask=True,
            reason="x",
        )
    assert not (tmp_path / "x.jsonl").exists()


def test_csv_and_xlsx_defuse_formulas(synced: World, tmp_path: Path) -> None:
    with session_scope(synced.engine) as session:
        me = synced.principal(session, "pros")
        export_clues(
            session, synced.settings, me, "csv", tmp_path / "c.csv", unmask=True, reason="r"
        )
        export_clues(
            session, synced.settings, me, "xlsx", tmp_path / "c.xlsx", unmask=True, reason="r"
        )
    with (tmp_path / "c.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(COLUMNS)
    assert {r["title"] for r in rows} >= {"'=cmd"}
    assert json.loads(rows[0]["evidence"])[0]["branch"] == "after_death"
    sheet = load_workbook(tmp_path / "c.xlsx").active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == list(COLUMNS)
    titles = {row[COLUMNS.index("title")] for row in values[1:]}
    assert "=cmd" in titles  # stored as text, never as a formula
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=cmd")
    assert cell.data_type == "s"


def test_scope_and_filters(synced: World, tmp_path: Path) -> None:
    with session_scope(synced.engine) as session:
        none = export_clues(
            session, synced.settings, synced.principal(session, "pros_hz"), "jsonl", tmp_path / "a"
        )
        other = export_clues(
            session,
            synced.settings,
            synced.principal(session, "pros"),
            "jsonl",
            tmp_path / "b",
            ClueFilters(model_id="professional_lender"),
        )
    assert none.rows == other.rows == 0
    assert (tmp_path / "a").read_text() == ""
