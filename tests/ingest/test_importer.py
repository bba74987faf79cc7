"""The import pipeline end to end, on SQLite + DuckDB, with messy real-looking files."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from openpyxl import Workbook

from jiandu.catalog.registry import builtin_types
from jiandu.config import Settings
from jiandu.errors import IngestError, MappingError
from jiandu.fields.id_card import check_char as id_check_digit
from jiandu.fields.uscc import check_char as uscc_check_char
from jiandu.fields.uscc import make_org_code as org_code
from jiandu.ingest.importer import ImportRequest, import_batch
from jiandu.store import pool_catalog
from jiandu.store.db import make_engine, session_scope


def valid_id(region: str = "330602", born: str = "19500101", seq: str = "123") -> str:
    first17 = region + born + seq
    return first17 + id_check_digit(first17)


ID_A = valid_id(seq="011")
ID_B = valid_id(born="19480315", seq="024")
ID_C = valid_id(region="330621", born="19551230", seq="037")  # 绍兴县: abolished in 2013
BAD_CHECKSUM = ID_A[:-1] + ("0" if ID_A[-1] != "0" else "1")


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def pension_rows() -> list[list[str]]:
    return [
        ["越城区养老金发放明细表（2023年）"],
        ["姓名", "公民身份号码", "待遇年月", "发放金额（元）", "备注"],
        ["张三", ID_A, "2023年1月", "3,256.50", ""],
        [
            "李四",
            ID_B.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
            "202302",
            "0.35万元",
            "补发",
        ],
        ["王五", ID_C[:6] + ID_C[8:17], "2023-03", "￥2980", ""],
        ["赵六", BAD_CHECKSUM, "2023/4", "3000", ""],
        ["钱七", "", "2023-05", "3000", ""],
        ["孙八", ID_A, "2023-13", "3000", ""],
    ]


def pension(settings: Settings, *files: Path, **options: Any) -> ImportRequest:
    return ImportRequest(dataset_type=builtin_types()["pension_payment"], files=files, **options)


def pool_rows(settings: Settings, dataset: str, columns: str) -> list[tuple[Any, ...]]:
    files = sorted(str(p) for p in (settings.pool_dir / dataset).glob("*/*.parquet"))
    con = duckdb.connect()
    return con.execute(
        f"SELECT {columns} FROM read_parquet(?) ORDER BY _source_row", [files]
    ).fetchall()


def test_gb18030_csv_with_title_line_is_cleaned_and_rejects_are_explained(
    home: Settings, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "养老金.csv", pension_rows(), encoding="gb18030")

    result = import_batch(home, pension(home, source, source_name="越城区社保"))

    assert result.status == "committed"
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (6, 3, 3)
    rows = pool_rows(home, "pension_payment", "_source_row, id_card, name, pay_month, amount")
    assert rows == [
        (3, ID_A, "张三", date(2023, 1, 1), Decimal("3256.50")),
        (4, ID_B, "李四", date(2023, 2, 1), Decimal("3500.00")),
        (5, ID_C, "王五", date(2023, 3, 1), Decimal("2980.00")),
    ]
    reasons = {(e["field"], e["code"]): e for e in result.quality["errors"]}
    assert reasons[("id_card", "id_card.checksum")]["examples"] == [
        {"source": "养老金.csv", "row": 6}
    ]
    assert reasons[("id_card", "required.missing")]["examples"][0]["row"] == 7
    assert reasons[("pay_month", "month.invalid")]["examples"][0]["row"] == 8
    assert result.quality["nulls"]["account_no"] == 3


def test_unknown_columns_are_kept_and_recorded_in_the_catalog(
    home: Settings, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "p.csv", pension_rows(), encoding="gb18030")
    import_batch(home, pension(home, source))

    assert pool_rows(home, "pension_payment", "x_备注") == [(None,), ("补发",), (None,)]
    with session_scope(make_engine(home)) as session:
        dataset = pool_catalog.get_dataset(session, "pension_payment")
        assert dataset is not None
        origins = {f.name: (f.origin, f.pii) for f in dataset.fields}
    assert origins["id_card"] == ("standard", "id")
    assert ("extra", "none") in origins.values()


def test_importing_the_same_file_twice_does_not_duplicate_rows(
    home: Settings, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "p.csv", pension_rows())
    first = import_batch(home, pension(home, source))
    copy = write_csv(tmp_path / "copy-of-p.csv", pension_rows())

    second = import_batch(home, pension(home, copy))

    assert second.status == "duplicate"
    assert second.batch_id == first.batch_id
    assert len(pool_rows(home, "pension_payment", "id_card")) == 3
    with session_scope(make_engine(home)) as session:
        assert len(pool_catalog.list_batches(session, "pension_payment")) == 1


def test_a_crash_while_committing_leaves_no_partial_batch(
    home: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_csv(tmp_path / "p.csv", pension_rows())

    def explode(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(pool_catalog, "record_batch", explode)
    with pytest.raises(RuntimeError):
        import_batch(home, pension(home, source))

    assert not list(home.pool_dir.glob("pension_payment/*"))
    assert not list(home.staging_dir.iterdir())
    assert not list((home.home / "rejects").glob("pension_payment/*"))
    with session_scope(make_engine(home)) as session:
        assert pool_catalog.list_batches(session, "pension_payment") == []
    monkeypatch.undo()
    # The same file then imports normally: the failed attempt blocked nothing.
    assert import_batch(home, pension(home, source)).status == "committed"


def test_missing_required_column_fails_before_anything_is_written(
    home: Settings, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "no-id.csv", [["姓名", "发放金额"], ["张三", "100"]])

    with pytest.raises(MappingError) as error:
        import_batch(home, pension(home, source))

    assert "no-id.csv" in str(error.value)
    assert "身份证" in error.value.zh
    assert not list(home.pool_dir.iterdir())
    # The refusal is kept for audit as a failed batch that holds no data.
    with session_scope(make_engine(home)) as session:
        (failed,) = pool_catalog.list_batches(session, "pension_payment")
        assert failed.status == "failed"
        assert failed.data_path is None
        assert failed.error is not None
        assert "身份证" in failed.error["zh"]


def test_all_rows_rejected_commits_nothing_but_keeps_the_rejects(
    home: Settings, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "bad.csv",
        [["身份证号", "姓名", "发放月份", "金额"], ["123", "张三", "2023-01", "1"]],
    )

    with pytest.raises(IngestError) as error:
        import_batch(home, pension(home, source))

    assert "rejected" in error.value.en
    assert not list(home.pool_dir.glob("pension_payment/*"))
    (kept,) = (home.home / "rejects" / "pension_payment").glob("*-failed.parquet")
    # Named under JIANDU_HOME, never by the server's absolute path (web users see it too).
    assert f"JIANDU_HOME/rejects/pension_payment/{kept.name}" in error.value.en
    assert str(home.home) not in error.value.en + error.value.zh


def test_excel_sheets_with_merged_headers_import_with_spreadsheet_row_numbers(
    home: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "死亡.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "火化"
    sheet.append(["绍兴市火化信息"])
    sheet.append(["基本信息", None, "死亡信息"])
    sheet.merge_cells("A2:B2")
    sheet.append(["姓名", "身份证号码", "死亡日期"])
    sheet.append(["张三", ID_A, date(2023, 3, 5)])
    sheet.append(["李四", ID_B, "2021年3月5日"])
    notes = book.create_sheet("填表说明")
    notes.append(["1. 本表由民政局填报"])
    notes.append(["2. 日期格式为 年-月-日"])
    other = book.create_sheet("户籍注销")
    other.append(["姓名", "身份证号", "注销日期"])
    other.append(["王五", ID_C, "20220105"])
    book.save(path)

    result = import_batch(
        home, ImportRequest(dataset_type=builtin_types()["death_record"], files=(path,))
    )

    assert result.rows_accepted == 3
    assert result.quality["skipped_tables"] == ["死亡.xlsx[填表说明]"]
    rows = pool_rows(home, "death_record", "_source, _source_row, id_card, death_date")
    assert sorted(rows) == sorted(
        [
            ("死亡.xlsx[火化]", 4, ID_A, date(2023, 3, 5)),
            ("死亡.xlsx[火化]", 5, ID_B, date(2021, 3, 5)),
            ("死亡.xlsx[户籍注销]", 2, ID_C, date(2022, 1, 5)),
        ]
    )


def test_quality_report_counts_duplicates_within_and_across_batches(
    home: Settings, tmp_path: Path
) -> None:
    header = ["身份证号", "姓名", "发放月份", "金额"]
    first = write_csv(tmp_path / "jan.csv", [header, [ID_A, "张三", "2023-01", "100"]])
    second = write_csv(
        tmp_path / "jan-again.csv",
        [
            header,
            [ID_A, "张三", "2023-01", "100"],
            [ID_A, "张三", "2023-01", "100"],
            [ID_B, "李四", "2023-01", "100"],
        ],
    )
    import_batch(home, pension(home, first))

    result = import_batch(home, pension(home, second))

    duplicates = result.quality["duplicates"]
    assert duplicates["key"] == ["id_card", "pay_month"]
    assert duplicates["key_rows"] == 1
    assert duplicates["whole_rows"] == 1
    assert duplicates["key_in_earlier_batches"] == 2


def test_several_files_with_different_headers_form_one_batch(
    home: Settings, tmp_path: Path
) -> None:
    a = write_csv(
        tmp_path / "a.csv",
        [["身份证号", "姓名", "发放月份", "金额"], [ID_A, "张三", "2023-01", "1"]],
    )
    b = write_csv(
        tmp_path / "b.tsv",
        [["人员姓名\t公民身份号码\t所属期\t发放金额"], [f"李四\t{ID_B}\t202302\t2"]],
    )

    result = import_batch(home, pension(home, a, b))

    assert result.rows_accepted == 2
    assert sorted(pool_rows(home, "pension_payment", "_source, id_card")) == [
        ("a.csv", ID_A),
        ("b.tsv", ID_B),
    ]


def test_mapping_file_overrides_headers_and_drops_columns(home: Settings, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "odd.csv",
        [["证件", "人", "期", "钱", "内部编号"], [ID_A, "张三", "2023-01", "100", "X-1"]],
    )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "证件: id_card\n人: name\n期: pay_month\n钱: amount\n内部编号: null\n", encoding="utf-8"
    )

    result = import_batch(home, pension(home, source, mapping_file=mapping))

    assert result.rows_accepted == 1
    files = sorted(str(p) for p in home.pool_dir.glob("pension_payment/*/*.parquet"))
    columns = [
        c[0]
        for c in duckdb.connect()
        .execute("DESCRIBE SELECT * FROM read_parquet(?)", [files])
        .fetchall()
    ]
    assert "id_card" in columns
    assert not any("内部编号" in c for c in columns)


def test_money_in_a_wan_yuan_column_is_scaled_unless_the_value_names_its_unit(
    home: Settings, tmp_path: Path
) -> None:
    body = "91330602" + org_code("12345678")
    check = uscc_check_char(body)
    source = write_csv(
        tmp_path / "企业.csv",
        [
            ["统一社会信用代码", "企业名称", "注册资本（万元）"],
            [body + check, "绍兴某某贸易有限公司", "50"],
            [body + check, "绍兴某某贸易有限公司", "300000元"],
        ],
    )

    import_batch(
        home, ImportRequest(dataset_type=builtin_types()["company_registry"], files=(source,))
    )

    amounts = [r[0] for r in pool_rows(home, "company_registry", "reg_capital")]
    assert amounts == [Decimal("500000.00"), Decimal("300000.00")]


def test_json_lines_import_reports_the_line_of_a_bad_value(home: Settings, tmp_path: Path) -> None:
    path = tmp_path / "deaths.jsonl"
    path.write_text(
        f'{{"身份证号": "{ID_A}", "姓名": "张三", "死亡日期": "2021年3月5日"}}\n'
        f'{{"身份证号": "{ID_B}", "姓名": "李四", "死亡日期": "某天"}}\n',
        encoding="utf-8",
    )

    result = import_batch(
        home, ImportRequest(dataset_type=builtin_types()["death_record"], files=(path,))
    )

    assert (result.rows_accepted, result.rows_rejected) == (1, 1)
    (reason,) = result.quality["errors"]
    assert (reason["field"], reason["examples"]) == (
        "death_date",
        [{"source": "deaths.jsonl", "row": 2}],
    )


def test_a_file_is_hashed_once_and_the_hash_names_the_batch_content(
    home: Settings, tmp_path: Path
) -> None:
    import hashlib

    from jiandu.catalog.registry import score_header
    from jiandu.ingest.readers import open_sources

    source = write_csv(tmp_path / "p.csv", pension_rows(), encoding="gb18030")
    (table,) = open_sources(
        source, tmp_dir=tmp_path / "t", score_header=score_header, known_sha256="feed"
    )
    assert table.content_hash == "feed"  # given, not recomputed
    table.close()

    result = import_batch(home, pension(home, source))

    with session_scope(make_engine(home)) as session:
        (batch,) = pool_catalog.list_batches(session, "pension_payment")
        (entry,) = [f for f in batch.files if "name" in f]
    assert entry["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert result.status == "committed"
