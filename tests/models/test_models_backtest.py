"""Backtest: precision and recall of a real run's hits against hand-made truth files."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from model_pool import ID_A, ID_B, ID_D, ID_E, write_csv

from jiandu.config import Settings
from jiandu.models.backtest import backtest
from jiandu.models.errors import ModelError
from jiandu.models.registry import get_model
from jiandu.models.runner import run_model
from jiandu.store.db import session_scope
from jiandu.workspace import open_workspace

MODEL = "pension_after_death"


@pytest.fixture
def hits_file(home: Settings, pension_pool: dict[str, str]) -> Path:
    """The hits of a real run: A and D (branch after_death)."""
    workspace = open_workspace(home)
    with session_scope(workspace.engine) as session:
        entry = get_model(session, MODEL)
    record = run_model(workspace, entry, as_of=date(2024, 6, 30))
    assert record.hits_path is not None
    return home.home / record.hits_path


def test_precision_and_recall_per_model_and_branch(hits_file: Path, tmp_path: Path) -> None:
    truth = write_csv(
        tmp_path / "truth.csv",
        [
            ["model_id", "subject_key", "label"],
            ["", ID_A.lower(), "confirmed"],  # hit, confirmed (key case does not matter)
            [MODEL, f" {ID_D} ", "0"],  # hit, rejected
            ["", ID_B, "是"],  # confirmed but missed
            ["", ID_E, "rejected"],  # rejected and not hit: a true negative
            ["professional_lender", ID_D, "confirmed"],  # another model's truth: ignored
        ],
    )

    report = backtest(hits_file, truth, MODEL, ["after_death"])

    assert (report.positives, report.negatives) == (2, 2)
    overall = report.overall
    assert (overall.hits, overall.labelled, overall.confirmed, overall.rejected) == (2, 2, 1, 1)
    assert overall.precision == 0.5 and overall.recall == 0.5
    assert [(b.branch, b.hits, b.precision, b.recall) for b in report.branches] == [
        ("after_death", 2, 0.5, 0.5)
    ]


def test_unlabelled_hits_do_not_count_against_precision(hits_file: Path, tmp_path: Path) -> None:
    truth = tmp_path / "truth.jsonl"
    lines = [{"subject_key": ID_A, "label": 1}, {"subject_key": ID_B, "label": 1}]
    truth.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")

    report = backtest(hits_file, truth, MODEL, ["after_death", "never_hit"])

    assert (report.overall.labelled, report.overall.unlabelled) == (1, 1)
    assert report.overall.precision == 1.0 and report.overall.recall == 0.5
    never = report.branches[1]
    assert (never.branch, never.hits, never.precision, never.recall) == ("never_hit", 0, None, 0.0)


@pytest.mark.parametrize(
    ("rows", "message", "row"),
    [
        ([["subject_key", "label"], [ID_A, "maybe"]], "unknown label (e.g. 'maybe')", 2),
        ([["subject_key", "label"], [ID_A, "1"], ["", "1"]], "no subject_key", 3),
        ([["subject_key", "label"], [ID_A, "1"], [ID_A, "0"]], "both confirmed and rejected", 2),
        ([["key", "label"], [ID_A, "1"]], "missing columns subject_key", None),
    ],
)
def test_bad_truth_files_are_refused_with_the_row(
    hits_file: Path, tmp_path: Path, rows: list[list[str]], message: str, row: int | None
) -> None:
    truth = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(ModelError, match=re.escape(message)) as raised:
        backtest(hits_file, truth, MODEL, ["after_death"])
    assert raised.value.location.file == str(truth)
    assert raised.value.location.row == row
