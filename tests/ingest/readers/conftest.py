"""Shared helpers for reader tests: a simple header scorer and a DuckDB connection."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from jiandu.ingest.readers import ScoreHeader, SourceTable

KNOWN_HEADERS = {"姓名", "身份证号", "金额", "发放月份", "电话", "地址", "备注", "name", "id"}


def score_header(cells: list[str]) -> int:
    """Stand-in for jiandu.catalog's scorer: how many cells are known header names."""
    return sum(1 for cell in cells if cell.split("/")[-1] in KNOWN_HEADERS)


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    yield connection
    connection.close()


@pytest.fixture
def tmp(tmp_path: Path) -> Path:
    staging = tmp_path / "staging"
    staging.mkdir()
    return staging


@pytest.fixture
def scorer() -> ScoreHeader:
    return score_header


@pytest.fixture
def read_rows(
    con: duckdb.DuckDBPyConnection,
) -> Callable[[SourceTable], list[tuple[object, ...]]]:
    """All rows of a table through ``relation``, ordered by ``_row``."""

    def read(table: SourceTable) -> list[tuple[object, ...]]:
        return table.relation(con).order("_row").fetchall()

    return read
