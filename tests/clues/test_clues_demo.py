"""The demo syncs every successful run into clues, one clue per subject it scored."""

from __future__ import annotations

from pathlib import Path

import metadata_store
import pytest

from jiandu.config import load_settings
from jiandu.demo.run import run_demo


@pytest.mark.slow
def test_demo_clue_counts_match_its_scores(tmp_path: Path) -> None:
    settings = load_settings(metadata_store.environ(tmp_path))
    report = run_demo(settings, size=20_000, seed=7)
    assert report.models is not None
    assert len(report.clues) == len(report.models.runs)
    synced = {c.model_id: c.subjects for c in report.clues}
    assert {s.model_id: s.clues for s in report.scores} == {
        m: n for m, n in synced.items() if m in {s.model_id for s in report.scores}
    }
    assert all(c.new == c.subjects for c in report.clues)
    assert report.as_dict()["clues"][0]["run_id"] == report.clues[0].run_id
