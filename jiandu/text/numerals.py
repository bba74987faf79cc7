"""Numbers, dates and sums of money as judgments write them in running text.

Judgments mix three spellings: Arabic digits (2019年3月5日, 50,000元, 1.2万元), positional
Chinese numerals (二〇一七年六月二十八日, 第二百六十四条, 罚金人民币三万元) and the financial
capitals of receipts quoted in the facts (肆万贰仟元整). jiandu.fields parses the Arabic forms
of a whole cell; this module finds and reads all three inside a sentence. Zero is written
〇, ○, 零 or even a Latin/Cyrillic O in scanned texts, so every one of them reads as 0.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from jiandu.fields.base import FieldInvalid
from jiandu.fields.numbers import normalize_money

_DIGITS = {
    **dict.fromkeys("〇○零OoО０0", 0),
    **dict(zip("一二三四五六七八九", range(1, 10), strict=True)),
    **dict(zip("壹贰叁肆伍陆柒捌玖", range(1, 10), strict=True)),
    "两": 2,
    "貮": 2,
    "贰": 2,
}
_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000}

CN_DIGIT = "〇○零OoО一二三四五六七八九壹贰叁肆伍陆柒捌玖两"
CN_CHARS = f"{CN_DIGIT}十拾百佰千仟万萬亿"
CN_NUMBER = f"[{CN_CHARS}]+"
ZERO = "〇○零OoО0"

_YEAR = rf"(?:[0-9]{{4}}|[{ZERO}一二三四五六七八九]{{4}})"
_MONTH = r"(?:[0-9]{1,2}|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:[0-9]{1,2}|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
DATE = rf"({_YEAR}) ?年 ?({_MONTH}) ?月 ?({_DAY}) ?[日号]"
"""A date in running text; groups: year, month, day (digits or Chinese numerals)."""
DATE_RE = re.compile(DATE)

# A sum of money: an Arabic amount (the shapes jiandu.fields.numbers accepts) or a run of
# Chinese numerals, followed by 元. Group 1 is the Arabic amount, group 2 the Chinese one.
MONEY_RE = re.compile(
    r"(?:人民币|RMB|￥|¥)? ?"
    r"(?:([0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?) ?[万亿千]?元"
    rf"|({CN_NUMBER})元)"
)


def cn_int(text: str) -> int | None:
    """Read an integer written in Arabic digits or Chinese numerals, or None.

    A run of bare digits (二〇一七) reads digit by digit, as years are written; anything
    with a unit (二百六十四, 一千零八十, 肆万贰仟零佰) reads positionally.
    """
    if not text:
        return None
    if text.isascii():
        return int(text) if text.isdigit() else None
    if all(ch in _DIGITS for ch in text):
        value = 0
        for ch in text:
            value = value * 10 + _DIGITS[ch]
        return value
    total, section, number, number_set = 0, 0, 0, False
    for ch in text:
        if ch in _DIGITS:
            number, number_set = _DIGITS[ch], True
        elif ch in _SMALL:
            section += (number if number_set else 1) * _SMALL[ch]
            number, number_set = 0, False
        elif ch in _BIG:
            if _BIG[ch] == 100_000_000:
                total = (total + section + number) * _BIG[ch]
            else:
                total += (section + number) * _BIG[ch]
            section, number, number_set = 0, 0, False
        else:
            return None
    return total + section + number


def parse_date(match: re.Match[str]) -> date | None:
    """The date of a DATE_RE match, or None when it names no real day."""
    year, month, day = (cn_int(part) for part in match.group(1, 2, 3))
    if year is None or month is None or day is None or not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def money_value(match: re.Match[str]) -> Decimal | None:
    """The amount in yuan of a MONEY_RE match, or None when it cannot be read."""
    if match.group(2):
        value = cn_int(match.group(2))
        return None if value is None else Decimal(value).quantize(Decimal("0.01"))
    try:
        return normalize_money(match.group(0).strip())
    except FieldInvalid:
        return None
