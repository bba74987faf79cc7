"""The demo end to end: a seeded province through the real import path, every library
model run, clues scored against the planted truth — at the default size, as a new user
gets it from the README's first command."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import metadata_store
import pytest

from jiandu.catalog.registry import builtin_types
from jiandu.cli.app import main
from jiandu.config import load_settings
from jiandu.demo.planters import MODEL_IDS
from jiandu.demo.province import DEFAULT_SEED, DEFAULT_SIZE, cases_for, generate, load_truth
from jiandu.demo.run import DemoReport, run_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoReport:
    home = tmp_path_factory.mktemp("demo-home")
    settings = load_settings(metadata_store.environ(home))
    return run_demo(settings, size=DEFAULT_SIZE, seed=DEFAULT_SEED)


def test_every_dataset_type_is_imported_with_its_dirty_rows_rejected(demo: DemoReport) -> None:
    # Every type an agency sends (derived types, such as near-duplicate groups, are
    # computed by jiandu itself, never imported).
    sent = {t for t, d in builtin_types().items() if not getattr(d, "derived", False)}
    assert sorted(t for t, _ in demo.imports) == sorted(sent)
    assert {r.status for _, r in demo.imports} == {"committed"}
    assert 0.95 * DEFAULT_SIZE < demo.province.rows < 1.05 * DEFAULT_SIZE
    read = sum(r.rows_read for _, r in demo.imports)
    rejected = sum(r.rows_rejected for _, r in demo.imports)
    assert read == demo.province.rows
    assert 0.001 * read < rejected < 0.006 * read  # the spoiled rows, and only them


def test_every_model_runs(demo: DemoReport) -> None:
    assert demo.models is not None
    assert demo.models.failed == [] and demo.models.skipped == []
    assert {s.model_id for s in demo.scores} == set(MODEL_IDS)


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_precision_and_recall_at_least_095(demo: DemoReport, model_id: str) -> None:
    (score,) = [s for s in demo.scores if s.model_id == model_id]
    # At least the cases asked for (a cluster branch may need a few more to exist at all).
    assert cases_for(DEFAULT_SIZE) <= score.planted <= 1.5 * cases_for(DEFAULT_SIZE)
    assert score.precision >= 0.95, score.unexpected
    assert score.recall >= 0.95, score.missed
    # Found cases are found by the branch they were planted for.
    assert score.branch_matches >= 0.95 * score.true_positives


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_the_truth_has_decoys_for_every_model(demo: DemoReport, model_id: str) -> None:
    assert demo.province.truth_path is not None
    truth = load_truth(demo.province.truth_path)["models"][model_id]
    assert len(truth["decoys"]) >= 2
    assert {c["branch"] for c in truth["cases"]}  # planted on named branches


def test_same_seed_same_province(tmp_path: Path) -> None:
    def digest(folder: Path) -> dict[str, str]:
        return {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.iterdir()
            if p.suffix in (".csv", ".tsv", ".jsonl", ".json")
        }

    first = generate(tmp_path / "a", size=3000, seed=5)
    second = generate(tmp_path / "b", size=3000, seed=5)
    other = generate(tmp_path / "c", size=3000, seed=6)
    assert digest(first.folder) == digest(second.folder)
    assert digest(first.folder) != digest(other.folder)


def test_cli_demo_prints_the_scores_and_refuses_other_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    metadata_store.use_metadata(monkeypatch, tmp_path / "home")
    assert main(["demo", "--size", "2000", "--no-serve"]) == 0
    out = capsys.readouterr().out
    assert all(word in out for word in ("精确率", "precision", "召回率", "recall"))
    assert "100.0%" in out
    report = json.loads((load_settings().home / "demo-report.json").read_text(encoding="utf-8"))
    assert report["size"] == 2000
    assert [s["model_id"] for s in report["scores"]] == list(MODEL_IDS)

    # The same demo again: the files are recognised, the models run again.
    assert main(["demo", "--size", "2000", "--no-serve", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert {i["status"] for i in again["imports"]} == {"duplicate"}
    assert [s["recall"] for s in again["scores"]] == [s["recall"] for s in report["scores"]]

    # Another demo into the same home is refused: it would mix with the data there.
    assert main(["demo", "--size", "3000", "--no-serve"]) == 3  # a configuration problem
    assert "JIANDU_HOME" in capsys.readouterr().err
