"""Resident ID numbers: table-driven cases and real division codes."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from jiandu.fields import id_card
from jiandu.fields.base import FieldInvalid

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def with_check(first17: str) -> str:
    return first17 + id_card.check_char(first17)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11010519491231002X", "11010519491231002X"),  # the GB 11643 example
        ("11010519491231002x", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),  # full-width
        (" 110105 19491231 002X\u3000", "11010519491231002X"),
        ("110105491231002", "11010519491231002X"),  # 15-digit upgrade
        (with_check("11010319800101001"), with_check("11010319800101001")),  # 崇文区, abolished
        (with_check("33060220000229123"), with_check("33060220000229123")),  # leap day
    ],
)
def test_valid(raw: str, expected: str) -> None:
    assert id_card.normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("3.30602199001011E+17", "id_card.damaged"),
        ("3.30602E+17", "id_card.damaged"),
        (with_check("33060219900101100")[:15] + "000", "id_card.damaged"),
        ("110105194912310021", "id_card.checksum"),
        ("11010519491231002", "id_card.length"),
        ("1101051949123100211", "id_card.length"),
        ("11010519491231X021", "id_card.chars"),
        ("11010549123100X", "id_card.chars"),
        ("110105-19491231-002X", "id_card.chars"),
        ("身份证110105194912310", "id_card.chars"),
        (with_check("33060219900230123"), "id_card.birth_date"),
        (with_check("33060218891231123"), "id_card.birth_date"),
        (with_check("33060221000101123"), "id_card.birth_date"),
        (with_check("99010119900101123"), "id_card.region"),
        (with_check("33990019900101123"), "id_card.region"),
    ],
)
def test_invalid(raw: str, code: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        id_card.normalize(raw)
    assert caught.value.issue.code == code
    assert caught.value.issue.severity == "error"


def test_damage_message_names_excel() -> None:
    issue = id_card.ISSUES["id_card.damaged"]
    assert "Excel" in issue.zh and "Excel" in issue.en and "text" in issue.en


def test_genuine_number_ending_in_000_is_valid() -> None:
    # Only a failed check turns "...000" into damage: some real numbers end in 000.
    for day in range(1, 29):
        number = with_check(f"330602199001{day:02d}000"[:16] + "0")
        if number.endswith("000"):
            assert id_card.normalize(number) == number
            return
    pytest.fail("no number ending in 000 found")


def test_unknown_county_with_known_prefecture_warns() -> None:
    number = with_check("33069919900101123")  # 3306 绍兴 exists, 330699 never did
    assert id_card.normalize(number) == number
    warning = id_card.warn(number)
    assert warning is not None and warning.code == "id_card.region_unknown"
    assert warning.severity == "warning"
    assert id_card.warn("11010519491231002X") is None
    assert id_card.warn("garbage") is None


def test_derived() -> None:
    number = id_card.normalize("11010519491231002X")
    assert id_card.birth_date(number) == date(1949, 12, 31)
    assert id_card.sex(number) == "女"  # 17th digit 2
    assert id_card.sex(with_check("33060219900101123")) == "男"
    assert id_card.region(number) == "110105"


def test_today_is_not_the_future() -> None:
    today = date.today().strftime("%Y%m%d")
    assert id_card.normalize(with_check(f"330602{today}123"))


def test_mca_county_codes_are_valid_regions() -> None:
    folder = SHARED / "admin_divisions" / "cn_GB2260" / "mca"
    if not folder.is_dir():
        pytest.skip("shared data not available")
    checked = 0
    for tsv in sorted(folder.glob("*.tsv")):
        with tsv.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                code = row["Code"]
                if code.endswith("00"):
                    continue  # province and prefecture rows carry no IDs of their own
                number = with_check(f"{code}19800101123")
                assert id_card.normalize(number) == number, (tsv.name, code)
                checked += 1
    assert checked > 50_000
