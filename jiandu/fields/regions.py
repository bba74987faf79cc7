"""GB/T 2260 administrative division codes, loaded once from the shipped regions.csv.

Each row of `jiandu/fields/data/regions.csv` is one span of a code's life: `code`, `name`,
`start_year` (empty: valid since before the first snapshot, 1980) and `end_year` (empty:
still valid). A code may have several spans (renamed, abolished and later reused). Both
years are inclusive: a code is valid in year Y when start_year <= Y <= end_year.

Abolished codes matter: identity numbers keep the region code of the office that issued
them, so a 1985 number from 崇文区 (110103, abolished 2010) is still a real number today.
The DuckDB twin of this table is the temp table `jd_regions`, loaded by
`jiandu.fields.registry.install_macros`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

# GB/T 2260 province-level codes by the one-character abbreviations used on vehicle plates
# and in court codes (案号 法院代字). Courts write 内 for Inner Mongolia, 黔 for Guizhou and
# 云 for Yunnan; the alternative abbreviations are accepted too.
PROVINCE_ABBREVIATIONS: dict[str, str] = {
    "京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15", "内": "15",
    "辽": "21", "吉": "22", "黑": "23",
    "沪": "31", "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36", "鲁": "37",
    "豫": "41", "鄂": "42", "湘": "43", "粤": "44", "桂": "45", "琼": "46",
    "渝": "50", "川": "51", "蜀": "51", "黔": "52", "贵": "52", "云": "53", "滇": "53",
    "藏": "54",
    "陕": "61", "秦": "61", "甘": "62", "陇": "62", "青": "63", "宁": "64", "新": "65",
}  # fmt: skip


@dataclass(frozen=True)
class Region:
    """One validity span of a division code."""

    code: str
    name: str
    start_year: int | None
    end_year: int | None

    def valid_in(self, year: int) -> bool:
        """True when this span covers `year` (both ends inclusive, open ends unbounded)."""
        return (self.start_year is None or self.start_year <= year) and (
            self.end_year is None or year <= self.end_year
        )


def _year(text: str) -> int | None:
    return int(text) if text.strip() else None


@cache
def load_regions() -> tuple[Region, ...]:
    """Every span in the shipped regions.csv, in file order (sorted by code)."""
    path = resources.files("jiandu.fields") / "data" / "regions.csv"
    rows = csv.DictReader(path.read_text(encoding="utf-8").splitlines())
    return tuple(
        Region(row["code"], row["name"], _year(row["start_year"]), _year(row["end_year"]))
        for row in rows
    )


@cache
def known_codes() -> frozenset[str]:
    """Every code that was valid at some time, abolished codes included."""
    return frozenset(region.code for region in load_regions())


@cache
def current_codes() -> frozenset[str]:
    """Codes with an open span (still valid today)."""
    return frozenset(region.code for region in load_regions() if region.end_year is None)


@cache
def codes_valid_in(year: int) -> frozenset[str]:
    """Codes valid at some time during `year`, including ones abolished later."""
    return frozenset(region.code for region in load_regions() if region.valid_in(year))


def region_exists(code: str) -> bool:
    """True when `code` is a GB/T 2260 code that existed at some time."""
    return code in known_codes()


@cache
def _latest_names() -> dict[str, str]:
    # The latest span wins: an open span beats any closed one, then the later end year;
    # equal spans are broken by the greater name so that the SQL twin agrees.
    best: dict[str, tuple[int, str]] = {}
    for region in load_regions():
        key = (9999 if region.end_year is None else region.end_year, region.name)
        best[region.code] = max(best.get(region.code, key), key)
    return {code: name for code, (_, name) in best.items()}


def region_name(code: str) -> str | None:
    """The most recent name of `code`, or None when the code never existed."""
    return _latest_names().get(code)
