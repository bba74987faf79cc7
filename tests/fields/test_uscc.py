"""Unified social credit codes: table-driven cases and real registrations."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from jiandu.fields import uscc
from jiandu.fields.base import FieldInvalid

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("91330783MA2E696E3C", "91330783MA2E696E3C"),
        ("91330783ma2e696e3c", "91330783MA2E696E3C"),
        ("９１３３０７８３ＭＡ２Ｅ６９６Ｅ３Ｃ", "91330783MA2E696E3C"),
        (" 91330621MA2BGL8H57 ", "91330621MA2BGL8H57"),
        ("91330783MA2E696E3D", "91330783MA2E696E3D"),  # bad check: kept, with a warning
    ],
)
def test_valid(raw: str, expected: str) -> None:
    assert uscc.normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("MA2E696E-3", "uscc.old_org_code"),
        ("12345678-9", "uscc.old_org_code"),
        ("12345678X", "uscc.old_org_code"),
        ("330602000012345", "uscc.old_reg_no"),
        ("91330783MA2E696E3I", "uscc.chars"),
        ("91330783MA2E696EOC", "uscc.chars"),
        ("信用代码91330783MA2E696E3C", "uscc.chars"),
        ("91330783MA2E696E3", "uscc.length"),
        ("91330783MA2E696E3CC", "uscc.length"),
    ],
)
def test_invalid(raw: str, code: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        uscc.normalize(raw)
    assert caught.value.issue.code == code


def test_warnings() -> None:
    bad_check = uscc.warn("91330783MA2E696E3D")
    assert bad_check is not None and bad_check.code == "uscc.checksum"
    assert bad_check.severity == "warning"
    # Valid MOD 31 check but a broken embedded organisation code.
    first17 = "91330783MA2E696E4"
    broken_org = uscc.warn(first17 + uscc.check_char(first17))
    assert broken_org is not None and broken_org.code == "uscc.org_checksum"
    assert uscc.warn("91330783MA2E696E3C") is None
    assert uscc.warn("too short") is None


def test_check_chars() -> None:
    assert uscc.check_char("91330783MA2E696E3") == "C"
    assert uscc.org_check_char("MA2E696E") == "3"
    assert uscc.org_check_char("D2143569") == "X"  # GB 11714 example: remainder 10 → X


def test_derived() -> None:
    code = "91330783MA2E696E3C"
    assert (uscc.category(code), uscc.region(code), uscc.org_code(code)) == (
        "91",
        "330783",
        "MA2E696E3",
    )


def test_real_registrations_are_clean() -> None:
    folder = SHARED / "company_registrations_sample"
    if not folder.is_dir():
        pytest.skip("shared data not available")
    checked = 0
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                code = uscc.normalize(row["统一社会信用代码"])
                assert uscc.warn(code) is None, code
                checked += 1
    assert checked > 10_000
