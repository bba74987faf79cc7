"""JSON (array, JSON Lines, wrapped list) and Parquet reading."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jiandu.errors import SourceError
from jiandu.ingest.readers import ScoreHeader, SourceTable, open_sources

Rows = Callable[[SourceTable], list[tuple[object, ...]]]


def test_json_array_union_of_keys_and_nested(
    tmp_path: Path, tmp: Path, scorer: ScoreHeader, read_rows: Rows
) -> None:
    path = tmp_path / "a.json"
    path.write_text(
        '[{"姓名":"张三","电话":"0571","详情":{"x":1}},\n'
        ' {"姓名":"李四","金额":12.50,"标签":[1,2]}]',
        encoding="utf-8",
    )
    (table,) = open_sources(path, tmp_dir=tmp, score_header=scorer)
    assert table.headers == ["姓名", "电话", "详情", "金额", "标签"]
    assert read_rows(table) == [
        ("张三", "0571", '{"x":1}', None, None, 1),
        ("李四", None, None, "12.5", "[1,2]", 2),
    ]
    table.close()
    assert not any(tmp.iterdir())


def test_jsonl_line_numbers_with_blank_lines(
    tmp_path: Path, tmp: Path, scorer: ScoreHeader, read_rows: Rows
) -> None:
    path = tmp_path / "b.jsonl"
    path.write_text('{"id":"01"}\n\n{"id":2,"name":null}\n', encoding="utf-8")
    (table,) = open_sources(path, tmp_dir=tmp, score_header=scorer)
    assert table.headers == ["id", "name"]
    assert read_rows(table) == [("01", None, 1), ("2", None, 3)]


def test_jsonl_bad_line_is_named(tmp_path: Path, tmp: Path, scorer: ScoreHeader) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"id":1}\n{"id":2}\n{"id":3,bad}\n', encoding="utf-8")
    with pytest.raises(SourceError) as info:
        open_sources(path, tmp_dir=tmp, score_header=scorer)
    assert info.value.location.file == "c.jsonl"
    assert info.value.location.row == 3
    assert not any(tmp.iterdir())


def test_wrapped_list(tmp_path: Path, tmp: Path, scorer: ScoreHeader, read_rows: Rows) -> None:
    path = tmp_path / "w.json"
    path.write_text('{\n "total": 2,\n "data": [{"id": 1}, {"id": 2}]\n}\n', encoding="utf-8")
    (table,) = open_sources(path, tmp_dir=tmp, score_header=scorer)
    assert read_rows(table) == [("1", 1), ("2", 2)]


def test_ambiguous_wrapper_is_refused(tmp_path: Path, tmp: Path, scorer: ScoreHeader) -> None:
    path = tmp_path / "w2.json"
    path.write_text('{"a": [{"id": 1}], "b": [{"id": 2}]}', encoding="utf-8")
    with pytest.raises(SourceError, match="several lists"):
        open_sources(path, tmp_dir=tmp, score_header=scorer)


def test_parquet_cast_to_text(
    tmp_path: Path, tmp: Path, scorer: ScoreHeader, read_rows: Rows
) -> None:
    path = tmp_path / "p.parquet"
    table = pa.table(
        {
            "身份证号": ["330602199001011234", None],
            "日期": [dt.date(2023, 1, 5), dt.date(2023, 2, 1)],
            "金额": pa.array([1, 2], pa.int64()),
        }
    )
    pq.write_table(table, path)
    (source,) = open_sources(path, tmp_dir=tmp, score_header=scorer)
    assert source.headers == ["身份证号", "日期", "金额"]
    assert read_rows(source) == [
        ("330602199001011234", "2023-01-05", "1", 1),
        (None, "2023-02-01", "2", 2),
    ]
    source.close()
    assert path.exists()  # a Parquet source is read in place and never deleted


def test_unsupported_extension(tmp_path: Path, tmp: Path, scorer: ScoreHeader) -> None:
    path = tmp_path / "x.docx"
    path.write_bytes(b"x")
    with pytest.raises(SourceError, match="unsupported"):
        open_sources(path, tmp_dir=tmp, score_header=scorer)
