"""Per-model outcomes and the case export, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from case_world import MODEL, T0, ClueFactory, PrincipalFactory
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.cases import service
from jiandu.cases.export import CASE_COLUMNS, export_cases
from jiandu.cases.outcomes import ModelOutcome, model_outcomes
from jiandu.cases.types import CaseError
from jiandu.config import Settings
from jiandu.security.errors import PermissionDenied
from jiandu.security.principal import SYSTEM
from jiandu.store.schema import AuditEntry

OTHER = "shell_company"


def test_model_outcomes_count_verdicts_cases_and_documents(
    session: Session, settings: Settings, principal_of: PrincipalFactory, make_clue: ClueFactory
) -> None:
    prosecutor = principal_of("yc")
    yes1, yes2 = make_clue("y1"), make_clue("y2")
    make_clue("n1", status="rejected")
    make_clue("n2", status="closed", rejection_reason="重复线索")
    make_clue("t1", status="transferred")
    make_clue("p1", status="pending")
    make_clue("v1", status="verifying")
    make_clue("o1", model=OTHER, status="pending")
    make_clue("h1", unit="hz")  # another city's clue: not the county's record
    case = service.create_case(
        session, prosecutor, [yes1.id, yes2.id], "procuratorial_suggestion", "t", "f", "局", now=T0
    )
    service.generate_document(session, settings, prosecutor, case.id, now=T0)
    service.create_case(session, prosecutor, [yes1.id], "crime_referral", "t", "f", "公安", now=T0)
    service.close_case(session, prosecutor, case.id, "已整改", now=T0)  # y2 closes, y1 stays

    outcomes = model_outcomes(session, prosecutor)
    assert outcomes == [
        ModelOutcome(
            model_id=MODEL,
            clues=7,
            verified=5,  # y1 confirmed, y2 closed via its case, t1 transferred; n1, n2
            confirmed=3,
            rejected=2,
            precision=pytest.approx(0.6),  # type: ignore[arg-type]
            cases=2,
            documents=1,
        ),
        ModelOutcome(OTHER, 1, 0, 0, 0, None, 0, 0),
    ]
    assert outcomes[0].as_dict()["precision"] == pytest.approx(0.6)
    everything = {o.model_id: o for o in model_outcomes(session, SYSTEM)}
    assert (everything[MODEL].clues, everything[MODEL].confirmed) == (8, 4)
    assert model_outcomes(session, principal_of("hz")) == [
        ModelOutcome(MODEL, 1, 1, 1, 0, 1.0, 0, 0)
    ]
    with pytest.raises(PermissionDenied):
        model_outcomes(session, principal_of("yc", "auditor"))


ID_NUMBER = "330602194501010017"


def _cases(session: Session, principal_of: PrincipalFactory, make_clue: ClueFactory) -> None:
    prosecutor = principal_of("yc")
    for key, title in (("k1", '=HYPERLINK("x")'), ("k2", "普通案件")):
        clue = make_clue(key)
        service.create_case(
            session,
            prosecutor,
            [clue.id],
            "procuratorial_suggestion",
            title,
            f"身份证号 {ID_NUMBER} 的人员死亡后仍领取养老金",
            "越城区人社局",
            now=T0,
        )


def test_export_jsonl_scrubs_and_audits(
    session: Session, tmp_path: Path, principal_of: PrincipalFactory, make_clue: ClueFactory
) -> None:
    _cases(session, principal_of, make_clue)
    out = tmp_path / "cases.jsonl"
    assert export_cases(session, principal_of("yc"), "jsonl", out, now=T0) == 2
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [list(row) for row in rows] == [list(CASE_COLUMNS)] * 2
    assert all(ID_NUMBER not in row["facts"] and "330602" in row["facts"] for row in rows)
    assert {row["case_type_zh"] for row in rows} == {"检察建议"}
    assert {row["status_zh"] for row in rows} == {"办理中"}
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "case.export")).one()
    assert entry.detail == {"format": "jsonl", "count": 2, "unmasked": False}
    with pytest.raises(CaseError, match="exists"):
        export_cases(session, principal_of("yc"), "jsonl", out, now=T0)
    assert export_cases(session, principal_of("hz"), "jsonl", tmp_path / "hz.jsonl") == 0


def test_export_unmasked_needs_permission_and_reason(
    session: Session, tmp_path: Path, principal_of: PrincipalFactory, make_clue: ClueFactory
) -> None:
    _cases(session, principal_of, make_clue)
    out = tmp_path / "plain.jsonl"
    export_cases(session, principal_of("yc"), "jsonl", out, unmask_reason="移送公安机关", now=T0)
    assert ID_NUMBER in out.read_text(encoding="utf-8")
    unmask = session.scalars(select(AuditEntry).where(AuditEntry.action == "pii.unmask")).one()
    assert unmask.detail == {"fields": ["facts", "title"], "reason": "移送公安机关"}
    with pytest.raises(PermissionDenied):
        export_cases(
            session,
            principal_of("yc", "data_steward"),
            "csv",
            tmp_path / "x.csv",
            unmask_reason="x",
        )
    with pytest.raises(CaseError, match="format"):
        export_cases(session, principal_of("yc"), "pdf", tmp_path / "x.pdf")


def test_export_csv_and_xlsx_never_run_formulas(
    session: Session, tmp_path: Path, principal_of: PrincipalFactory, make_clue: ClueFactory
) -> None:
    _cases(session, principal_of, make_clue)
    prosecutor = principal_of("yc")
    export_cases(session, prosecutor, "csv", tmp_path / "cases.csv", now=T0)
    with (tmp_path / "cases.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    titles = sorted(row["title"] for row in rows)
    assert titles == sorted(['\'=HYPERLINK("x")', "普通案件"])
    assert all(row["clue_ids"].startswith("C") for row in rows)

    export_cases(session, prosecutor, "xlsx", tmp_path / "cases.xlsx", now=T0)
    sheet = load_workbook(tmp_path / "cases.xlsx").active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == list(CASE_COLUMNS)
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    formula = [c for c in cells if c.value == '=HYPERLINK("x")']
    assert formula and all(c.data_type == "s" for c in formula)
    assert not list(tmp_path.glob(".*.partial"))
