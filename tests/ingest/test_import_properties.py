"""Property: every row lands cleaned exactly as the scalar reference says, or is rejected;
nothing is lost or duplicated."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import metadata_store
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiandu.catalog.registry import builtin_types
from jiandu.config import Settings, load_settings
from jiandu.errors import IngestError
from jiandu.fields.base import FieldInvalid
from jiandu.fields.id_card import check_char as id_check_digit
from jiandu.fields.registry import get_type
from jiandu.fields.text import is_blank
from jiandu.ingest.importer import ImportRequest, import_batch
from jiandu.workspace import init_workspace

FIELDS = (("id_card", "id_card"), ("pay_month", "month"), ("amount", "money"))
REQUIRED = {f.name for f in builtin_types()["pension_payment"].required_fields}


def _with_check_digit(first17: str) -> str:
    return first17 + id_check_digit(first17)


valid_ids = st.builds(
    lambda region, day, seq: _with_check_digit(f"{region}{day:%Y%m%d}{seq:03d}"),
    st.sampled_from(["330602", "330621", "110101", "440305"]),
    st.dates(min_value=date(1930, 1, 1), max_value=date(2005, 12, 31)),
    st.integers(0, 999),
)
ids = st.one_of(
    valid_ids, valid_ids.map(lambda s: s[:6] + s[8:17]), st.text("0123456789X ", max_size=19)
)
months = st.one_of(
    st.builds(lambda y, m: f"{y}年{m}月", st.integers(1990, 2030), st.integers(0, 13)),
    st.builds(lambda y, m: f"{y}{m:02d}", st.integers(1990, 2030), st.integers(1, 12)),
    st.text("0123456789-年月/", max_size=8),
)
amounts = st.one_of(
    st.decimals(min_value=0, max_value=10**6, places=2).map(str),
    st.builds(lambda w: f"{w}万元", st.decimals(min_value=0, max_value=100, places=3)),
    st.text("0123456789.,万元￥", max_size=8),
)
rows = st.lists(st.tuples(ids, months, amounts), min_size=1, max_size=12)


def _verdict(raw: str, semantic: str) -> tuple[str, Any]:
    """('ok', value), ('blank', None) or ('error', code), per the scalar reference."""
    if is_blank(raw):
        return ("blank", None)
    try:
        return ("ok", get_type(semantic).normalize(raw))
    except FieldInvalid as invalid:
        return ("error", invalid.issue.code)


def _acceptable(row: tuple[str, str, str]) -> tuple[bool, list[Any]]:
    """Whether the row must land, and the clean values it must land with."""
    verdicts = [_verdict(raw, semantic) for raw, (_n, semantic) in zip(row, FIELDS, strict=True)]
    ok = all(
        kind == "ok" or (kind == "blank" and name not in REQUIRED)
        for (kind, _), (name, _s) in zip(verdicts, FIELDS, strict=True)
    )
    return ok, [value for _kind, value in verdicts]


@pytest.fixture(scope="module")
def module_home(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    home = tmp_path_factory.mktemp("prop") / "home"
    settings = load_settings(metadata_store.environ(home))
    init_workspace(settings)
    return settings


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=rows)
def test_each_row_is_cleaned_as_the_reference_says_or_rejected(
    module_home: Settings, tmp_path: Path, data: list[tuple[str, str, str]]
) -> None:
    source = tmp_path / f"p{abs(hash(tuple(data)))}.csv"
    with source.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["身份证号", "姓名", "发放月份", "金额"])
        writer.writerows([id_card, "张三", month, amount] for id_card, month, amount in data)
    expected = {line: _acceptable(row) for line, row in enumerate(data, start=2)}
    request = ImportRequest(dataset_type=builtin_types()["pension_payment"], files=(source,))

    try:
        result = import_batch(module_home, request)
    except IngestError:
        # Nothing committed is only right when no row may land.
        assert not any(ok for ok, _values in expected.values())
        return
    if result.status == "duplicate":
        return

    assert result.rows_read == len(data)
    assert result.rows_accepted + result.rows_rejected == len(data)
    folder = module_home.pool_dir / "pension_payment" / result.batch_id
    files = sorted(str(p) for p in folder.glob("*.parquet"))
    landed = {
        line: list(values)
        for line, *values in duckdb.connect()
        .execute("SELECT _source_row, id_card, pay_month, amount FROM read_parquet(?)", [files])
        .fetchall()
    }
    assert set(landed) == {line for line, (ok, _v) in expected.items() if ok}
    for line, values in landed.items():
        assert values == expected[line][1], (line, data[line - 2])
