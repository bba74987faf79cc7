"""The runner end to end: real imports, pension_after_death, the recorded ModelRun."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from model_pool import ID_A, ID_D, import_file, pool_files
from sqlalchemy import select

from jiandu.config import Settings, load_settings
from jiandu.models import library_models, runner
from jiandu.models.errors import ModelError
from jiandu.models.history import run_history
from jiandu.models.registry import ModelEntry, get_model
from jiandu.models.runner import (
    MissingDataError,
    ModelRunError,
    preview_model,
    run_all,
    run_model,
)
from jiandu.store.db import session_scope
from jiandu.store.schema import ModelRun
from jiandu.workspace import Workspace, init_workspace, open_workspace

AS_OF = date(2024, 6, 30)
# Version 2 of the model added the in-custody branch: the sentence source and its three
# steps; the pool's only sentence is a suspended one, which suspends no pension.
EXPECTED_FUNNEL = [
    ("pay", 22),
    ("death", 6),
    ("sentence", 1),
    ("deaths", 5),
    ("paid_after_death", 6),
    ("persons", 2),
    ("custody_periods", 0),
    ("paid_in_custody", 0),
    ("prisoners", 0),
]


def pension_model(workspace: Workspace) -> ModelEntry:
    with session_scope(workspace.engine) as session:
        return get_model(session, "pension_after_death")


def hits(settings: Settings, hits_path: str) -> list[tuple[Any, ...]]:
    query = (
        "SELECT branch, subject_type, subject_key, severity, months, total_amount, "
        "first_month, last_month, evidence.death_date FROM read_parquet(?) ORDER BY subject_key"
    )
    return duckdb.connect().execute(query, [str(settings.home / hits_path)]).fetchall()


def test_run_finds_exactly_the_planted_hits_and_records_the_run(
    home: Settings, pension_pool: dict[str, str]
) -> None:
    workspace = open_workspace(home)

    record = run_model(workspace, pension_model(workspace), as_of=AS_OF, created_by="王检察官")

    assert record.status == "succeeded"
    assert record.hits_path == f"runs/{record.run_id}/hits.parquet"
    assert hits(home, record.hits_path) == [
        ("after_death", "person", ID_A, "high", 3, Decimal("3000.00"),
         date(2023, 4, 1), date(2023, 6, 1), date(2023, 3, 15)),
        ("after_death", "person", ID_D, "high", 2, Decimal("2000.00"),
         date(2023, 2, 1), date(2023, 3, 1), date(2023, 1, 31)),
    ]  # fmt: skip
    assert [(s["step"], s["rows"]) for s in record.funnel] == EXPECTED_FUNNEL
    assert record.hit_count == 2
    assert record.branch_counts == {"after_death": 2, "in_custody": 0}
    assert record.params == {
        "as_of": "2024-06-30",
        "min_months": 2,
        "min_custody_months": 2,
        "custodial_sentences": ["拘役", "有期徒刑", "无期徒刑", "死刑缓期执行"],
        "release_types": ["假释", "暂予监外执行"],
    }
    assert record.batches == {
        "death_record": [pension_pool["death_record"]],
        "pension_payment": [pension_pool["pension_payment"]],
        "sentence_record": [pension_pool["sentence_record"]],
    }
    assert (record.model_id, record.model_version, record.model_origin) == (
        "pension_after_death",
        2,
        "library",
    )
    assert record.created_by == "王检察官"
    assert record.duration_ms is not None and record.duration_ms >= 0
    assert not list(home.staging_dir.iterdir())
    assert [r.run_id for r in run_history(workspace, "pension_after_death")] == [record.run_id]


def test_parameters_change_the_hits_and_are_recorded_typed(
    home: Settings, pension_pool: dict[str, str]
) -> None:
    workspace = open_workspace(home)

    record = run_model(workspace, pension_model(workspace), {"min_months": 3}, as_of=AS_OF)

    assert [row[2] for row in hits(home, str(record.hits_path))] == [ID_A]
    assert record.params["min_months"] == 3
    with pytest.raises(ModelError, match="min_months"):
        run_model(workspace, pension_model(workspace), {"min_months": "three"})


def test_a_second_batch_is_read_and_listed(home: Settings, pension_pool: dict[str, str]) -> None:
    # A's pension for July arrives in a later batch: one more month after death.
    later = home.home / "later.csv"
    later.write_text(f"姓名,身份证号,发放月份,金额\n甲,{ID_A},2023-07,1000\n", encoding="utf-8")
    second = import_file(home, "pension_payment", later)
    workspace = open_workspace(home)

    record = run_model(workspace, pension_model(workspace), as_of=AS_OF)

    assert record.batches["pension_payment"] == [pension_pool["pension_payment"], second]
    assert hits(home, str(record.hits_path))[0][4] == 4


def test_failure_mid_run_leaves_no_hits_and_marks_the_run_failed_then_rerun_succeeds(
    home: Settings, pension_pool: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = open_workspace(home)

    def broken_funnel(*_args: object) -> list[runner.FunnelStep]:
        raise duckdb.IOException("disk full at /secret/path with 330602194501010112")

    with monkeypatch.context() as patch:
        patch.setattr(runner, "_funnel", broken_funnel)
        with pytest.raises(ModelRunError) as raised:
            run_model(workspace, pension_model(workspace), as_of=AS_OF)

    failed_id = raised.value.run_id
    assert "IOException" in raised.value.en
    assert "secret" not in raised.value.render()
    assert not (home.home / "runs" / failed_id).exists()
    assert not list(home.staging_dir.iterdir())
    with session_scope(workspace.engine) as session:
        failed = session.get_one(ModelRun, failed_id)
        assert failed.status == "failed"
        assert failed.hits_path is None and failed.hit_count is None
        assert failed.error is not None and "330602" not in str(failed.error)
        assert set(failed.error) == {"zh", "en", "kind"}

    again = run_model(workspace, pension_model(workspace), as_of=AS_OF)
    assert again.status == "succeeded" and again.hit_count == 2
    statuses = [(r.run_id, r.status) for r in run_history(workspace, "pension_after_death")]
    assert sorted(statuses) == sorted([(failed_id, "failed"), (again.run_id, "succeeded")])


def test_failure_after_the_rename_removes_the_run_folder(
    home: Settings, pension_pool: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = open_workspace(home)
    real_finish = runner._finish

    def finish(ws: Workspace, run_id: str, started: float, **values: Any) -> ModelRun:
        if values.get("status") == "succeeded":
            raise OSError("metadata store went away")
        return real_finish(ws, run_id, started, **values)

    monkeypatch.setattr(runner, "_finish", finish)
    with pytest.raises(ModelRunError) as raised:
        run_model(workspace, pension_model(workspace), as_of=AS_OF)
    assert not (home.home / "runs" / raised.value.run_id).exists()


def test_missing_dataset_is_refused_before_anything_is_recorded(home: Settings) -> None:
    workspace = open_workspace(home)

    with pytest.raises(MissingDataError) as raised:
        run_model(workspace, pension_model(workspace))

    # sentence_record is an optional source of this model: not demanded.
    assert raised.value.missing == ["death_record", "pension_payment"]
    assert "jiandu import death_record" in raised.value.en
    assert "jiandu import pension_payment" in raised.value.zh
    with session_scope(workspace.engine) as session:
        assert session.scalars(select(ModelRun)).all() == []


def test_an_optional_source_without_data_reads_as_empty(home: Settings, tmp_path: Path) -> None:
    files = pool_files(tmp_path)
    import_file(home, "pension_payment", files.pension)
    import_file(home, "death_record", files.deaths)
    workspace = open_workspace(home)

    record = run_model(workspace, pension_model(workspace), as_of=AS_OF)

    assert record.status == "succeeded"
    assert record.branch_counts == {"after_death": 2, "in_custody": 0}
    assert record.batches.get("sentence_record", []) == []


def test_preview_records_nothing(home: Settings, pension_pool: dict[str, str]) -> None:
    workspace = open_workspace(home)

    preview = preview_model(workspace, pension_model(workspace), as_of=AS_OF, limit=1)

    assert preview.hit_count == 2 and preview.branch_counts == {"after_death": 2, "in_custody": 0}
    assert len(preview.hits) == 1 and preview.hits[0]["subject_key"] in {ID_A, ID_D}
    assert [(s.step, s.rows) for s in preview.funnel] == EXPECTED_FUNNEL
    assert "evidence" in preview.columns
    assert run_history(workspace, "pension_after_death") == []
    assert not (home.home / "runs").exists()


def test_run_all_skips_models_without_data(home: Settings, pension_pool: dict[str, str]) -> None:
    workspace = open_workspace(home)

    report = run_all(workspace, as_of=AS_OF)

    assert [r.model_id for r in report.runs] == ["pension_after_death"]
    skipped = {s["model_id"]: s["missing"] for s in report.skipped}
    # Every other library model reads datasets this pool lacks.
    assert set(skipped) == set(library_models()) - {"pension_after_death"}
    assert all(skipped.values())
    assert report.failed == []


@pytest.mark.postgres
def test_run_is_recorded_on_postgresql(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIANDU_HOME", str(tmp_path / "pg-home"))
    monkeypatch.setenv("JIANDU_DATABASE_URL", pg_url)
    settings = load_settings()
    init_workspace(settings)
    files = pool_files(tmp_path)
    import_file(settings, "pension_payment", files.pension)
    import_file(settings, "death_record", files.deaths)
    import_file(settings, "sentence_record", files.sentences)
    workspace = open_workspace(settings)

    record = run_model(workspace, pension_model(workspace), as_of=AS_OF)

    assert workspace.engine.dialect.name == "postgresql"
    stored = run_history(workspace, "pension_after_death")
    assert [(r.run_id, r.status, r.hit_count) for r in stored] == [(record.run_id, "succeeded", 2)]
    assert [(s["step"], s["rows"]) for s in stored[0].funnel] == EXPECTED_FUNNEL
    assert stored[0].started_at.tzinfo is not None
