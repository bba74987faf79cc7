"""`jiandu models …` through the real entry point: --json outputs and exit codes."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from model_pool import ID_A, ID_B, ID_D, write_csv

from jiandu.cli.app import main
from jiandu.cli.errors import EXIT_USER_ERROR
from jiandu.config import Settings

AS_OF = ["--as-of", "2024-06-30"]
# Every model of shared/spec/models.md ships in the built-in library.
LIBRARY = {
    *("pension_after_death", "insurance_false_litigation", "bankruptcy_false_labor_claim"),
    *("auction_vehicle_not_transferred", "non_standard_oil", "shell_company"),
    *("professional_lender", "false_judicial_confirmation", "case_filing_supervision"),
    *("refusal_to_execute", "medical_insurance_fraud", "template_litigation"),
    "related_party_litigation",
}


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def library_text(model_id: str) -> str:
    folder = resources.files("jiandu.models.library")
    return folder.joinpath(f"{model_id}.yaml").read_text(encoding="utf-8")


def test_list_show_and_validate(
    home: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = run_json(capsys, "models", "list")
    assert {m["id"] for m in listing} == LIBRARY
    assert {m["origin"] for m in listing} == {"library"}

    shown = run_json(capsys, "models", "show", "pension_after_death", "--sql", "--dialect", "spark")
    assert shown["sql"]["dialect"] == "spark" and "DATEDIFF" not in shown["sql"]["text"]
    assert shown["steps"] == [
        *("pay", "death", "sentence", "deaths", "paid_after_death", "persons"),
        *("custody_periods", "paid_in_custody", "prisoners"),
    ]

    good = tmp_path / "good.yaml"
    good.write_text(library_text("pension_after_death"), encoding="utf-8")
    assert run_json(capsys, "models", "validate", str(good))["valid"] is True

    bad = tmp_path / "bad.yaml"
    bad.write_text(
        library_text("pension_after_death").replace("min(death_date)", "read_csv('/etc/passwd')"),
        encoding="utf-8",
    )
    assert main(["models", "validate", str(bad)]) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "read_csv" in err and "steps[0].aggregate.death_date" in err


def test_run_history_preview_and_backtest_json(
    home: Settings, pension_pool: dict[str, str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    preview = run_json(capsys, "models", "preview", "pension_after_death", "--limit", "5", *AS_OF)
    assert preview["hit_count"] == 2 and len(preview["hits"]) == 2
    assert run_json(capsys, "models", "history", "pension_after_death") == []

    run = run_json(
        capsys, "models", "run", "pension_after_death", "--param", "min_months=3", *AS_OF
    )
    assert (run["status"], run["hit_count"], run["params"]["min_months"]) == ("succeeded", 1, 3)
    assert run["batches"]["pension_payment"] == [pension_pool["pension_payment"]]
    assert [line["rows"] for line in run["funnel"]] == [22, 6, 1, 5, 6, 1, 0, 0, 0]

    history = run_json(capsys, "models", "history", "pension_after_death")
    assert [h["run_id"] for h in history] == [run["run_id"]]

    truth = write_csv(
        tmp_path / "truth.csv",
        [["subject_key", "label"], [ID_A, "confirmed"], [ID_D, "confirmed"], [ID_B, "rejected"]],
    )
    scored = run_json(capsys, "models", "backtest", "pension_after_death", "--truth", str(truth))
    assert scored["run_id"] == run["run_id"]
    assert scored["overall"]["precision"] == 1.0 and scored["overall"]["recall"] == 0.5


def test_run_all_reports_skipped_models(
    home: Settings, pension_pool: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    report = run_json(capsys, "models", "run", "--all", *AS_OF)
    assert [r["model_id"] for r in report["runs"]] == ["pension_after_death"]
    assert {s["model_id"] for s in report["skipped"]} == LIBRARY - {"pension_after_death"}
    assert all("jiandu import" in s["en"] for s in report["skipped"])
    assert report["failed"] == []


def test_run_without_data_names_the_import_to_run(
    home: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "run", "pension_after_death"]) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "jiandu import death_record" in err and "尚无数据" in err
    assert "Traceback" not in err


def test_bad_parameter_and_unknown_model_are_user_errors(
    home: Settings, pension_pool: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "run", "pension_after_death", "-p", "min_months=x"]) == EXIT_USER_ERROR
    assert "must be an integer" in capsys.readouterr().err
    assert main(["models", "run", "pension_after_death", "-p", "nope=1"]) == EXIT_USER_ERROR
    assert "has no parameter nope" in capsys.readouterr().err
    assert main(["models", "show", "no_such_model"]) == EXIT_USER_ERROR
    assert "no model no_such_model" in capsys.readouterr().err


def test_import_versions(
    home: Settings, pension_pool: dict[str, str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    # The library ships version 2 of pension_after_death; the import raises it to 3.
    v3 = tmp_path / "v3.yaml"
    v3.write_text(
        library_text("pension_after_death")
        .replace("version: 2", "version: 3")
        .replace("default: 2", "default: 3"),
        encoding="utf-8",
    )
    created = run_json(capsys, "models", "import", str(v3))
    assert (created["id"], created["version"], created["created"]) == (
        "pension_after_death",
        3,
        True,
    )
    assert run_json(capsys, "models", "import", str(v3))["created"] is False

    changed = tmp_path / "v3-changed.yaml"
    changed.write_text(v3.read_text(encoding="utf-8").replace("default: 3", "default: 4"), "utf-8")
    assert main(["models", "import", str(changed)]) == EXIT_USER_ERROR
    assert "raise `version`" in capsys.readouterr().err

    same_as_library = tmp_path / "v2.yaml"
    same_as_library.write_text(library_text("pension_after_death"), encoding="utf-8")
    assert run_json(capsys, "models", "import", str(same_as_library))["created"] is False

    listing = {m["id"]: m for m in run_json(capsys, "models", "list")}
    assert (
        listing["pension_after_death"]["version"],
        listing["pension_after_death"]["origin"],
    ) == (
        3,
        "imported",
    )
    run = run_json(capsys, "models", "run", "pension_after_death", *AS_OF)
    assert (run["model_version"], run["model_origin"], run["hit_count"]) == (3, "imported", 1)
    v2 = run_json(capsys, "models", "run", "pension_after_death", "--version", "2", *AS_OF)
    assert (v2["model_version"], v2["hit_count"]) == (2, 2)
