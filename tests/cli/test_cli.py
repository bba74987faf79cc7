"""The command-line contract of DESIGN.md: init, import, datasets (+ batches, rejects, types)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import metadata_store
import pytest

from jiandu.cli.app import main
from jiandu.cli.errors import EXIT_CONFIG_ERROR, EXIT_USER_ERROR
from jiandu.fields.id_card import check_char as id_check_digit


@pytest.fixture
def cli_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Path:
    home = tmp_path / "home"
    metadata_store.use_metadata(monkeypatch, home, request)
    monkeypatch.setenv("COLUMNS", "200")
    return home


def pension_file(folder: Path) -> Path:
    first17 = "33060219500101011"
    path = folder / "养老金.csv"
    with path.open("w", encoding="gbk", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["姓名", "身份证号", "发放月份", "金额"])
        writer.writerow(["张三", first17 + id_check_digit(first17), "2023年1月", "100"])
        writer.writerow(["李四", "330602195001010110", "2023年1月", "100"])
    return path


def test_import_prints_batch_and_counts_and_datasets_lists_it(
    cli_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init"]) == 0
    source = pension_file(tmp_path)

    assert main(["import", "pension_payment", str(source), "--source", "越城区社保"]) == 0
    out = capsys.readouterr().out
    assert "已提交 committed" in out
    assert "接收 accepted 1" in out
    assert "拒绝 rejected 1" in out

    assert main(["datasets", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    found = {d["id"]: (d["rows_accepted"], d["rows_rejected"]) for d in listing}
    assert found.pop("pension_payment") == (1, 1)
    # The import also resolved its one person: the derived entity datasets follow it.
    assert found == {"entity": (1, 0), "entity_record": (1, 0)}


def test_a_dataset_shows_its_level_and_the_pii_class_of_every_field(
    cli_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["init"])
    main(["import", "pension_payment", str(pension_file(tmp_path))])
    capsys.readouterr()

    assert main(["datasets", "pension_payment", "--json"]) == 0
    detail = json.loads(capsys.readouterr().out)
    assert detail["sensitivity"] == "sensitive"
    fields = {f["name"]: (f["pii"], f["origin"]) for f in detail["fields"]}
    assert fields["id_card"] == ("id", "standard")
    assert fields["name"] == ("name", "standard")
    assert main(["datasets", "no_such_dataset"]) == EXIT_USER_ERROR


def test_import_json_and_rejects_name_file_row_field_and_reason(
    cli_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["init"])
    capsys.readouterr()
    assert main(["import", "pension_payment", str(pension_file(tmp_path)), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["status"] == "committed"

    assert main(["rejects", result["batch_id"], "--json"]) == 0
    (line,) = json.loads(capsys.readouterr().out)
    assert line["source"] == "养老金.csv"
    assert line["row"] == 3
    assert line["field"] == "id_card"
    assert line["value"] == "330602195001010110"
    assert line["code"] == "id_card.checksum"


def test_second_import_of_same_file_is_reported_not_duplicated(
    cli_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["init"])
    source = pension_file(tmp_path)
    main(["import", "pension_payment", str(source)])
    capsys.readouterr()

    assert main(["import", "pension_payment", str(source)]) == 0
    assert "已导入" in capsys.readouterr().out


def test_errors_are_bilingual_with_meaningful_exit_codes(
    cli_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["datasets"]) == EXIT_CONFIG_ERROR
    assert "jiandu init" in capsys.readouterr().err

    main(["init"])
    assert main(["import", "no_such_type", str(pension_file(tmp_path))]) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "未知的数据类型" in err
    assert "unknown dataset type" in err

    assert main(["import", "pension_payment", str(tmp_path / "missing.csv")]) == EXIT_USER_ERROR
    assert "missing.csv" in capsys.readouterr().err


def test_internal_errors_are_logged_not_shown(
    cli_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    main(["init"])
    capsys.readouterr()

    def broken(*_args: object) -> None:
        raise RuntimeError("secret 330602195001010110")

    monkeypatch.setattr("jiandu.workspace.Workspace.datasets", broken)
    assert main(["datasets"]) == 70
    err = capsys.readouterr().err
    assert "330602195001010110" not in err
    assert "Internal error" in err
    logs = list((cli_home / "logs").glob("error-*.log"))
    assert logs
    logged = logs[0].read_text(encoding="utf-8")
    # The administrator gets the traceback, with the ID number masked even there.
    assert "RuntimeError" in logged and "330602********0110" in logged
    assert "330602195001010110" not in logged


def test_types_list_and_show(cli_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["types", "list", "--json"]) == 0
    ids = {t["id"] for t in json.loads(capsys.readouterr().out)}
    assert {"pension_payment", "death_record", "court_case", "sentence_record"} <= ids

    assert main(["types", "show", "pension_payment", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert {"id_card", "pay_month", "amount"} <= {f["name"] for f in shown["fields"]}


def test_register_a_custom_dataset_type_and_import_into_it(
    cli_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["init"])
    definition = tmp_path / "petition.yaml"
    definition.write_text(
        "id: petition_record\n"
        "name_zh: 信访记录\n"
        "name_en: Petition records\n"
        "source_agency_zh: 信访局\n"
        "source_agency_en: Letters and calls bureau\n"
        "fields:\n"
        "  - {name: petition_id, type: text, label_zh: 信访编号, label_en: Petition id,"
        " required: true, synonyms: [编号]}\n"
        "  - {name: id_card, type: id_card, label_zh: 身份证号, label_en: ID card number}\n"
        "  - {name: received, type: date, label_zh: 登记日期, label_en: Received on}\n"
        "keys: [[petition_id]]\n",
        encoding="utf-8",
    )
    assert main(["types", "register", str(definition)]) == 0
    source = tmp_path / "信访.csv"
    source.write_text("编号,身份证号,登记日期\nXF-1,,2023/5/6\n", encoding="utf-8")
    capsys.readouterr()

    assert main(["import", "petition_record", str(source), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows_accepted"] == 1
