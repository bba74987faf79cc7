"""Excel reading (XLSX via openpyxl, XLS via xlwt fixtures): merged headers, cell text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import xlwt

from jiandu.errors import SourceError
from jiandu.ingest.readers import ScoreHeader, SourceTable, open_sources
from jiandu.ingest.readers.excel import cell_text

Rows = Callable[[SourceTable], list[tuple[object, ...]]]
TITLE = "绍兴市越城区养老金发放明细表（2023年）"
EXPECTED_HEADERS = [
    "基本信息/姓名",
    "基本信息/身份证号",
    "备注",
    "发放信息/发放月份",
    "发放信息/金额",
]


def _xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "发放"
    ws.append([TITLE])
    ws.merge_cells("A1:E1")
    ws.append(["基本信息", None, "备注", "发放信息", None])
    ws.merge_cells("A2:B2")
    ws.merge_cells("C2:C3")
    ws.merge_cells("D2:E2")
    ws.append(["姓名", "身份证号", None, "发放月份", "金额"])
    ws.append(["张三", 330602199001011234, "0571", dt.date(2023, 1, 5), 1234.5])
    ws.append([None, None, None, None, None])
    ws.append(["李四", "33060219900101123X", True, dt.datetime(2023, 2, 1, 8, 30), 12.0])
    second = wb.create_sheet("第二页")
    second.append(["姓名", "金额"])
    second.append(["王五", 3])
    wb.create_sheet("空白")
    wb.save(path)
    return path


def _xls(path: Path) -> Path:
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("发放")
    ws.write_merge(0, 0, 0, 4, TITLE)
    ws.write_merge(1, 1, 0, 1, "基本信息")
    ws.write_merge(1, 2, 2, 2, "备注")
    ws.write_merge(1, 1, 3, 4, "发放信息")
    for col, name in enumerate(["姓名", "身份证号"]):
        ws.write(2, col, name)
    ws.write(2, 3, "发放月份")
    ws.write(2, 4, "金额")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    ws.write(3, 0, "张三")
    ws.write(3, 1, 330602199001011234)
    ws.write(3, 2, "0571")
    ws.write(3, 3, dt.date(2023, 1, 5), date_style)
    ws.write(3, 4, 1234.5)
    ws.write(5, 0, "李四")
    ws.write(5, 1, "33060219900101123X")
    ws.write(5, 2, True)
    ws.write(5, 3, dt.datetime(2023, 2, 1, 8, 30), xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM"))
    ws.write(5, 4, 12.0)
    second = wb.add_sheet("第二页")
    second.write(0, 0, "姓名")
    second.write(0, 1, "金额")
    second.write(1, 0, "王五")
    second.write(1, 1, 3)
    wb.add_sheet("空白")
    wb.save(str(path))
    return path


@pytest.mark.parametrize("builder", [_xlsx, _xls], ids=["xlsx", "xls"])
def test_merged_group_headers_title_and_sheets(
    tmp_path: Path, tmp: Path, scorer: ScoreHeader, read_rows: Rows, builder: Callable[[Path], Path]
) -> None:
    suffix = ".xlsx" if builder is _xlsx else ".xls"
    path = builder(tmp_path / f"pension{suffix}")
    first, second = open_sources(path, tmp_dir=tmp, score_header=scorer)
    assert first.label == f"pension{suffix}[发放]"
    assert first.headers == EXPECTED_HEADERS
    assert first.header_row == 3
    assert read_rows(first) == [
        ("张三", "3.30602199001011E+17", "0571", "2023-01-05", "1234.5", 4),
        ("李四", "33060219900101123X", "TRUE", "2023-02-01 08:30:00", "12", 6),
    ]
    assert second.label == f"pension{suffix}[第二页]"
    assert read_rows(second) == [("王五", "3", 2)]
    assert first.content_hash == second.content_hash
    (only,) = open_sources(path, tmp_dir=tmp, score_header=scorer, sheet="第二页")
    assert only.headers == ["姓名", "金额"]
    for table in (first, second, only):
        table.close()
    assert not any(tmp.iterdir())


def test_missing_sheet_lists_sheets(tmp_path: Path, tmp: Path, scorer: ScoreHeader) -> None:
    path = _xlsx(tmp_path / "p.xlsx")
    with pytest.raises(SourceError) as info:
        open_sources(path, tmp_dir=tmp, score_header=scorer, sheet="Sheet9")
    assert "第二页" in info.value.zh and "第二页" in info.value.en
    assert info.value.location.file == "p.xlsx"


def test_value_right_of_headers_is_an_error(tmp_path: Path, tmp: Path, scorer: ScoreHeader) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "金额"])
    ws.append(["张三", 1])
    ws.append(["李四", 2, "合计"])
    wb.save(tmp_path / "wide.xlsx")
    with pytest.raises(SourceError) as info:
        open_sources(tmp_path / "wide.xlsx", tmp_dir=tmp, score_header=scorer)
    assert info.value.location.row == 3
    assert info.value.location.file == "wide.xlsx[Sheet]"


def test_corrupt_workbook(tmp_path: Path, tmp: Path, scorer: ScoreHeader) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(SourceError, match="Excel"):
        open_sources(path, tmp_dir=tmp, score_header=scorer)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        ("", None),
        (12.0, "12"),
        (-0.0, "0"),
        (0.1 + 0.2, "0.3"),
        (330602199001011234.0, "3.30602199001011E+17"),
        (7, "7"),
        (False, "FALSE"),
        (dt.date(2024, 2, 29), "2024-02-29"),
        (dt.time(8, 5), "08:05:00"),
    ],
)
def test_cell_text(value: object, text: str | None) -> None:
    assert cell_text(value) == text
