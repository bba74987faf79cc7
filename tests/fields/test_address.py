"""address: cleaning, codes and the region chain it starts with."""

from __future__ import annotations

import pytest
from _values_sql import values_connection

from jiandu.fields.address import match_region, normalize_address, region_paths, warn_address
from jiandu.fields.base import FieldInvalid


@pytest.mark.parametrize(
    ("raw", "code", "province", "city", "county"),
    [
        ("浙江省绍兴市越城区人民路1号", "330602", "浙江省", "绍兴市", "越城区"),
        ("绍兴越城某某街道", "330602", "浙江省", "绍兴市", "越城区"),
        ("浙江 绍兴", "330600", "浙江省", "绍兴市", None),
        ("北京市朝阳区建国路", "110105", "北京市", None, "朝阳区"),
        ("广西南宁市", "450100", "广西壮族自治区", "南宁市", None),
        ("新疆乌鲁木齐", "650100", "新疆维吾尔自治区", "乌鲁木齐市", None),
        ("越城区人民路", "330602", "浙江省", "绍兴市", "越城区"),
    ],
)
def test_region_chain(
    raw: str, code: str, province: str, city: str | None, county: str | None
) -> None:
    found = match_region(normalize_address(raw))
    assert found is not None
    assert (found.code, found.province, found.city, found.county) == (code, province, city, county)


def test_ambiguous_or_unknown_regions_stay_unresolved() -> None:
    assert match_region("某某路1号") is None
    assert match_region("越城人民路") is None  # a county short name needs a parent
    assert "朝阳区" not in region_paths()  # Beijing and Changchun both have one
    warning = warn_address("某某路1号")
    assert warning is not None and warning.code == "address.region_unknown"
    assert warn_address("浙江省杭州市") is None


def test_cleaning_and_errors() -> None:
    assert normalize_address(" 浙江省　绍兴市 越城区 ２号 ") == "浙江省绍兴市越城区 2号"
    with pytest.raises(FieldInvalid) as caught:
        normalize_address("123")
    assert caught.value.issue.code == "address.no_letters"
    with pytest.raises(FieldInvalid) as caught:
        normalize_address("路" * 201)
    assert caught.value.issue.code == "address.too_long"


def test_sql_path_table_equals_scalar_paths() -> None:
    con = values_connection()
    rows = con.execute("SELECT path, code, province, city, county FROM jd_address_paths").fetchall()
    sql_paths = {row[0]: row[1:] for row in rows}
    scalar_paths = {
        path: (m.code, m.province, m.city, m.county) for path, m in region_paths().items()
    }
    assert sql_paths == scalar_paths
