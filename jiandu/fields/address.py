"""Postal addresses, with the province / city / county they start with.

Cleaning: trim, full-width → half-width, one space per whitespace run, none between Han
characters.  Codes: `address.no_letters` (no Han character or letter), `address.too_long`
(> 200 characters); warning `address.region_unknown` when no region is recognised.

Derived columns come from the longest *region chain* the address starts with, over the
current regions of `data/regions.csv` (no end year): [province] [city] county,
[province] city, or province, each level written in full (浙江省, 绍兴市, 越城区) or in
short form (浙江, 绍兴, 越城: ethnic autonomy suffix or one administrative suffix dropped,
at least two characters left).  A county with no parent written must use its full name.
When a chain could mean regions of different levels the highest level wins (新疆乌鲁木齐
is the city, not 乌鲁木齐县); chains that still mean two regions (朝阳区 alone) are not
used, so such addresses stay unresolved rather than guessed.  Known limit: a street
that begins with a city's short name ("中山路…") is read as that city.

The SQL twin (`sql/12_address.sql`) builds the same chains into `jd_address_paths` at
install time and matches each address's prefixes with one hash join.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from jiandu.fields.base import Derived, FieldInvalid, Issue, SemanticType
from jiandu.fields.names import HAN, compact_spaces

_PLACEHOLDER_NAMES = frozenset({"市辖区", "县"})
_AUTONOMY = re.compile("^(.{2,}?)(?:[^族]{1,5}族|维吾尔|柯尔克孜)*自治(?:区|州|县|旗)$")
_ADMIN_SUFFIX = re.compile("^(.{2,}?)(?:省|市|特别行政区|地区|盟|区|县|旗)$")
_LETTER = re.compile(f"[{HAN}A-Za-z]")
_MAX_LEN = 200
_MAX_PATH = 40  # longest prefix the SQL twin tries

ISSUES = {
    issue.code: issue
    for issue in (
        Issue(
            "address.no_letters", "地址中没有汉字或字母", "Address has no Han character or letter"
        ),
        Issue("address.too_long", "地址超过200个字符", "Address longer than 200 characters"),
        Issue(
            "address.region_unknown",
            "地址开头未识别出省、市、县（区）",
            "No province, city or county recognised at the start of the address",
            "warning",
        ),
    )
}


@dataclass(frozen=True)
class RegionMatch:
    """The region an address starts with: its code and the names of its levels."""

    code: str
    province: str | None
    city: str | None
    county: str | None


def _level(code: str) -> int:
    return 1 if code.endswith("0000") else 2 if code.endswith("00") else 3


def _short_form(name: str) -> str | None:
    match = _AUTONOMY.fullmatch(name) or _ADMIN_SUFFIX.fullmatch(name)
    short = match.group(1) if match else None
    return short if short and short != name else None


def _current_regions() -> dict[str, str]:
    source = resources.files("jiandu.fields") / "data" / "regions.csv"
    rows = csv.DictReader(io.StringIO(source.read_text(encoding="utf-8"), newline=""))
    return {
        row["code"]: row["name"]
        for row in rows
        if not row["end_year"] and re.fullmatch("[0-9]{6}", row["code"])
    }


def _usable(name: str) -> bool:
    return name not in _PLACEHOLDER_NAMES and "直辖" not in name


@cache
def region_paths() -> dict[str, RegionMatch]:
    """Every unambiguous region chain an address may start with, by its text."""
    current = _current_regions()
    variants: dict[str, list[tuple[str, bool]]] = {}
    for code, name in current.items():
        if _usable(name):
            short = _short_form(name)
            variants[code] = [(name, True)] + ([(short, False)] if short else [])
    prov = {code[:2]: [""] for code in current}
    city = {code[:4]: [""] for code in current if _level(code) >= 2}
    for code, forms in variants.items():
        target = prov[code[:2]] if _level(code) == 1 else city[code[:4]]
        if _level(code) < 3:
            target.extend(text for text, _full in forms)
    chains: dict[str, set[str]] = {}
    for code, forms in variants.items():
        level = _level(code)
        for text, full in forms:
            if level == 1:
                prefixes = [""]
            elif level == 2:
                prefixes = prov[code[:2]]
            else:
                prefixes = [p + c for p in prov[code[:2]] for c in city[code[:4]]]
            for prefix in prefixes:
                if level == 3 and not full and prefix == "":
                    continue
                chains.setdefault(prefix + text, set()).add(code)
    named = {code: name for code, name in current.items() if _usable(name)}
    paths = {}
    for path, codes in chains.items():
        top = min(_level(code) for code in codes)
        candidates = [code for code in codes if _level(code) == top]
        if len(candidates) == 1:
            code = candidates[0]
            paths[path] = RegionMatch(
                code=code,
                province=named.get(code[:2] + "0000"),
                city=named.get(code[:4] + "00") if _level(code) >= 2 else None,
                county=named.get(code) if _level(code) == 3 else None,
            )
    return paths


def match_region(address: str | None) -> RegionMatch | None:
    """The longest region chain the cleaned address starts with, or None."""
    if address is None:
        return None
    paths = region_paths()
    for length in range(min(len(address), _MAX_PATH), 1, -1):
        found = paths.get(address[:length])
        if found is not None:
            return found
    return None


def normalize_address(s: str) -> str:
    """Clean an address (see module docstring) or raise FieldInvalid."""
    text = compact_spaces(s)
    if not _LETTER.search(text):
        raise FieldInvalid(ISSUES["address.no_letters"])
    if len(text) > _MAX_LEN:
        raise FieldInvalid(ISSUES["address.too_long"])
    return text


def warn_address(s: str) -> Issue | None:
    """`address.region_unknown` for a valid address that starts with no known region."""
    try:
        text = normalize_address(s)
    except FieldInvalid:
        return None
    return None if match_region(text) else ISSUES["address.region_unknown"]


def address_region(address: str | None) -> str | None:
    """6-digit code of the most specific region the cleaned address starts with."""
    found = match_region(address)
    return found.code if found else None


def address_province(address: str | None) -> str | None:
    """Province name (current, full form) of the cleaned address, if recognised."""
    found = match_region(address)
    return found.province if found else None


def address_city(address: str | None) -> str | None:
    """City (prefecture) name of the cleaned address, if recognised."""
    found = match_region(address)
    return found.city if found else None


def address_county(address: str | None) -> str | None:
    """County / district name of the cleaned address, if recognised."""
    found = match_region(address)
    return found.county if found else None


def _derived(suffix: str, scalar: Callable[[str | None], str | None], zh: str, en: str) -> Derived:
    return Derived(
        suffix=suffix,
        duckdb_type="VARCHAR",
        sql_macro=f"jd_address_{suffix}",
        scalar=scalar,
        label_zh=zh,
        label_en=en,
    )


ADDRESS = SemanticType(
    name="address",
    label_zh="地址",
    label_en="Address",
    duckdb_type="VARCHAR",
    normalize=normalize_address,
    sql_clean="jd_address_clean",
    sql_error="jd_address_error",
    issues=ISSUES,
    warn=warn_address,
    sql_warn="jd_address_warn",
    sql_parse="jd_address_parse",
    derived=(
        _derived("province", address_province, "省", "Province"),
        _derived("city", address_city, "市", "City"),
        _derived("county", address_county, "县（区）", "County"),
        _derived("region", address_region, "行政区划代码", "Region code"),
    ),
)

TYPES: tuple[SemanticType, ...] = (ADDRESS,)
