"""CSV/TSV reading: encodings, title lines, delimiters, quoting, ragged rows, _row."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from jiandu.errors import SourceError
from jiandu.ingest.readers import ScoreHeader, SourceTable, open_sources

TITLE = "绍兴市越城区养老金发放明细表（2023年）"


Rows = Callable[[SourceTable], list[tuple[object, ...]]]


def write(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_encodings_with_title_line(
    scorer: ScoreHeader,
    read_rows: Rows,
    tmp_path: Path,
    tmp: Path,
    con: duckdb.DuckDBPyConnection,
    encoding: str,
) -> None:
    text = (
        f"{TITLE},,\r\n姓名,身份证号,金额\r\n"
        "张三,330602199001011234,0571\r\n李四,33060219900101123X,12.50\r\n"
    )
    if encoding == "gb18030":
        text = text.replace("张三", "𠀀三")  # outside GBK: only GB18030 can hold it
    path = write(tmp_path / "pension.csv", text, encoding)
    (table,) = open_sources(path, tmp_dir=tmp, score_header=scorer)
    assert table.headers == ["姓名", "身份证号", "金额"]
    assert table.header_row == 2
    assert table.label == "pension.csv"
    assert table.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    got = read_rows(table)
    first = "𠀀三" if encoding == "gb18030" else "张三"
    assert got == [
        (first, "330602199001011234", "0571", 3),
        ("李四", "33060219900101123X", "12.50", 4),
    ]
    relation = table.relation(con)
    assert relation.columns == ["c0", "c1", "c2", "_row"]
    assert [str(t) for t in relation.types] == ["VARCHAR", "VARCHAR", "VARCHAR", "BIGINT"]
    table.close()
    assert not any(tmp.iterdir())


def test_tsv_full_width_and_explicit_encoding(
    scorer: ScoreHeader, read_rows: Rows, tmp_path: Path, tmp: Path, con: duckdb.DuckDBPyConnection
) -> None:
    text = "姓名\t电话\t备注\n王　五\t１３８０００００００１\t（无）\n"
    path = write(tmp_path / "phones.tsv", text, "gb18030")
    (table,) = open_sources(path, tmp_dir=tmp, score_header=scorer, encoding="gb18030")
    assert read_rows(table) == [("王　五", "１３８０００００００１", "（无）", 2)]


@pytest.mark.parametrize("delimiter", ["|", ";"])
def test_other_delimiters(
    scorer: ScoreHeader,
    read_rows: Rows,
    tmp_path: Path,
    tmp: Path,
    con: duckdb.DuckDBPyConnection,
    delimiter: str,
) -> None:
    text = f"姓名{delimiter}金额\n张三{delimiter}1,5\n"
    path = write(tmp_path / "x.csv", text, "utf-8")
    (table,) = open_sources(path, tmp_dir=tmp, score_header=scorer)
    assert read_rows(table) == [("张三", "1,5", 2)]


def test_quoted_newline_and_comma_keep_row_numbers(
    scorer: ScoreHeader, read_rows: Rows, tmp_path: Path, tmp: Path, con: duckdb.DuckDBPyConnection
) -> None:
    text = (
        f"{TITLE}\r\n姓名,地址,金额\r\n"
        '张三,"浙江省绍兴市\r\n越城区, 1号",1\r\n'
        "李四,杭州,2\r\n"
        '王五,"a\nb\nc",3\r\n'
        "赵六,宁波,4\r\n"
    )
    path = write(tmp_path / "multi.csv", text, "utf-8")
    (table,) = open_sources(path, tmp_dir=tmp, score_header=scorer)
    got = read_rows(table)
    assert [(r[0], r[3]) for r in got] == [("张三", 3), ("李四", 5), ("王五", 6), ("赵六", 9)]
    assert got[0][1] == "浙江省绍兴市\r\n越城区, 1号"


def test_blank_lines_keep_row_numbers(
    scorer: ScoreHeader, read_rows: Rows, tmp_path: Path, tmp: Path, con: duckdb.DuckDBPyConnection
) -> None:
    text = "\n姓名,金额\n张三,1\n\n李四,2\n\n"
    path = write(tmp_path / "blank.csv", text, "utf-8")
    (table,) = open_sources(path, tmp_dir=tmp, score_header=scorer)
    assert table.header_row == 2
    assert read_rows(table) == [("张三", "1", 3), ("李四", "2", 5)]


def test_short_rows_are_padded_and_trailing_header_columns_dropped(
    scorer: ScoreHeader, read_rows: Rows, tmp_path: Path, tmp: Path, con: duckdb.DuckDBPyConnection
) -> None:
    text = "姓名,身份证号,金额,,\r\n张三,1,2,,\r\n李四\r\n王五,,3,,\r\n"
    path = write(tmp_path / "ragged.csv", text, "utf-8")
    (table,) = open_sources(path, tmp_dir=tmp, score_header=scorer)
    assert table.headers == ["姓名", "身份证号", "金额"]
    assert read_rows(table) == [
        ("张三", "1", "2", 2),
        ("李四", None, None, 3),
        ("王五", None, "3", 4),
    ]


def test_long_row_is_an_error_naming_file_and_line(
    scorer: ScoreHeader, read_rows: Rows, tmp_path: Path, tmp: Path
) -> None:
    text = "姓名,金额\n张三,1\n李四,2,多余\n"
    path = write(tmp_path / "long.csv", text, "utf-8")
    with pytest.raises(SourceError) as info:
        open_sources(path, tmp_dir=tmp, score_header=scorer)
    assert info.value.location.file == "long.csv"
    assert info.value.location.row == 3
    assert "3" in info.value.en and "2" in info.value.en
    assert "多余" not in str(info.value)  # the data itself never leaks into the message
    assert not any(tmp.iterdir())


def test_value_past_trailing_empty_header_is_an_error(
    scorer: ScoreHeader, read_rows: Rows, tmp_path: Path, tmp: Path
) -> None:
    path = write(tmp_path / "t.csv", "姓名,金额,\n张三,1,\n李四,2,x\n", "utf-8")
    with pytest.raises(SourceError) as info:
        open_sources(path, tmp_dir=tmp, score_header=scorer)
    assert info.value.location.row == 3


def test_unbalanced_quote_names_the_line(
    scorer: ScoreHeader, read_rows: Rows, tmp_path: Path, tmp: Path
) -> None:
    path = write(tmp_path / "q.csv", '姓名,金额\n张三,1\n李四,"2\n王五,3\n', "utf-8")
    with pytest.raises(SourceError) as info:
        open_sources(path, tmp_dir=tmp, score_header=scorer)
    assert info.value.location.file == "q.csv"
    assert info.value.location.row == 3


def test_bad_utf8_late_in_file_names_the_line(
    scorer: ScoreHeader, read_rows: Rows, tmp_path: Path, tmp: Path
) -> None:
    good = "姓名,金额\n" + "张三,1\n" * 200_000  # non-ASCII head: UTF-8 is certain
    path = tmp_path / "late.csv"
    path.write_bytes(good.encode() + "李四,2\n".encode("gbk"))
    with pytest.raises(SourceError) as info:
        open_sources(path, tmp_dir=tmp, score_header=scorer)
    assert info.value.location.row == 200_002
    assert "gb18030" in info.value.en


def test_ascii_head_then_gbk_falls_back_to_gb18030(
    scorer: ScoreHeader, read_rows: Rows, tmp_path: Path, tmp: Path, con: duckdb.DuckDBPyConnection
) -> None:
    body = "name,id\n" + "a,1\n" * 300_000
    path = tmp_path / "late_gbk.csv"
    path.write_bytes(body.encode() + "张三,2\n".encode("gbk"))
    (table,) = open_sources(path, tmp_dir=tmp, score_header=scorer)
    last = table.relation(con).order("_row DESC").limit(1).fetchall()
    assert last == [("张三", "2", 300_002)]


def test_header_only_and_empty(
    scorer: ScoreHeader, read_rows: Rows, tmp_path: Path, tmp: Path, con: duckdb.DuckDBPyConnection
) -> None:
    path = write(tmp_path / "h.csv", "姓名,金额\n", "utf-8")
    (table,) = open_sources(path, tmp_dir=tmp, score_header=scorer)
    assert read_rows(table) == []
    empty = write(tmp_path / "e.csv", "", "utf-8")
    with pytest.raises(SourceError):
        open_sources(empty, tmp_dir=tmp, score_header=scorer)


def test_unknown_encoding_and_missing_file(
    scorer: ScoreHeader, read_rows: Rows, tmp_path: Path, tmp: Path
) -> None:
    path = write(tmp_path / "x.csv", "a,b\n", "utf-8")
    with pytest.raises(SourceError, match="encoding"):
        open_sources(path, tmp_dir=tmp, score_header=scorer, encoding="klingon")
    with pytest.raises(SourceError, match="not found"):
        open_sources(tmp_path / "nope.csv", tmp_dir=tmp, score_header=scorer)
