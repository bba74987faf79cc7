"""Court case numbers (案号).

Since 2016 (最高人民法院《关于人民法院案件案号的若干规定》) a case number reads
（2021）浙0602民初1234号: filing year in brackets, court code (法院代字: province
abbreviation + optional 2-digit city + 2-digit county code, or e.g. 最高法), case-type code
(类型代字: 民初, 民终, 执, 执恢, 破, 民特, 刑初, 行初, 执保 …) and a sequence number.
Before 2016 the court part was free Chinese and the number read "字第": (2014)绍越民初字第123号.

Normalisation: half-width, whitespace removed, every bracket variant ( ) [ ] 〔 〕 【 】 ﹝ ﹞
written as full-width （ ）, leading zeros of the sequence dropped, a missing 号 added,
"字"/"第"/"字第" written "字第". Several numbers in one cell (joined by 、 , ;) are each
normalised and joined with 、; derived columns come from the first.

The court and type are split with a heuristic for old numbers: the type is the shortest
tail starting with a category character (民 刑 行 执 破 赔 司 认 协外认 法赔 委赔 强清 国赔),
an optional division numeral (民一初) and up to three type characters (初 终 再 申 恢 …).
`region` is derived only for modern court codes "<province><4 digits>" whose code exists
in GB/T 2260 (浙0602 → 330602); special courts (京73 IP court, 兵 corps courts) get NULL.

The SQL twin is `sql/25_case_no.sql`.
"""

from __future__ import annotations

import re
from datetime import date

from jiandu.fields._compact import compact
from jiandu.fields.base import Derived, FieldInvalid, Issue, SemanticType
from jiandu.fields.regions import PROVINCE_ABBREVIATIONS, region_exists

_BRACKETS = str.maketrans("([〔【﹝)]〕】﹞,;", "（（（（（）））））、、")
PART = re.compile(
    r"（([0-9]{4})）([一-鿿]+?[0-9]*)"
    r"((?:民|刑|行|执|破|赔|司|认|协外认|法赔|委赔|强清|国赔)[一二三四五六七八九十]?"
    r"[初终再审申监抗特督催撤他辖核更复恢保异协请赔清惩救港台澳外认财令没医算罚重速]{0,3})"
    r"(字第|字|第)?0*([0-9]{1,9})号?"
)
_COURT_REGION = re.compile(f"([{''.join(PROVINCE_ABBREVIATIONS)}])([0-9]{{4}})")

ISSUES: dict[str, Issue] = {
    issue.code: issue
    for issue in (
        Issue(
            "case_no.format",
            "案号格式不正确，应如（2021）浙0602民初1234号",
            "not a valid case number; expected e.g. （2021）浙0602民初1234号",
        ),
        Issue(
            "case_no.year",
            "案号中的年份不合理（早于 1950 年或晚于今年）",
            "the year in the case number is before 1950 or after this year",
        ),
    )
}


def _parts(raw: str) -> list[str]:
    text = compact(raw).translate(_BRACKETS)
    return [part for part in text.split("、") if part]


def _normalize_part(part: str) -> str:
    match = PART.fullmatch(part)
    if match is None:
        raise FieldInvalid(ISSUES["case_no.format"])
    year, court, case_type, zi, seq = match.groups()
    if not 1950 <= int(year) <= date.today().year:
        raise FieldInvalid(ISSUES["case_no.year"])
    return f"（{year}）{court}{case_type}{'字第' if zi else ''}{seq}号"


def normalize(raw: str) -> str:
    """Return the normalised case number(s), or raise FieldInvalid saying why not."""
    parts = _parts(raw)
    if not parts:
        raise FieldInvalid(ISSUES["case_no.format"])
    return "、".join(_normalize_part(part) for part in parts)


def _first(case_no: str) -> re.Match[str]:
    match = PART.fullmatch(case_no.split("、", maxsplit=1)[0])
    if match is None:  # only reachable with a value that did not come from normalize
        raise ValueError("not a normalised case number")
    return match


def year(case_no: str) -> int:
    """Filing year of the first case number in a cleaned value."""
    return int(_first(case_no).group(1))


def court_code(case_no: str) -> str:
    """Court code (法院代字) of the first case number, e.g. '浙0602'."""
    return _first(case_no).group(2)


def case_type(case_no: str) -> str:
    """Case-type code (类型代字) of the first case number, e.g. '民初'."""
    return _first(case_no).group(3)


def seq(case_no: str) -> int:
    """Sequence number of the first case number."""
    return int(_first(case_no).group(5))


def region(case_no: str) -> str | None:
    """GB/T 2260 code of the court's county (浙0602 → '330602'), or None."""
    match = _COURT_REGION.fullmatch(court_code(case_no))
    if match is None:
        return None
    code = PROVINCE_ABBREVIATIONS[match.group(1)] + match.group(2)
    return code if region_exists(code) else None


CASE_NO = SemanticType(
    name="case_no",
    label_zh="案号",
    label_en="court case number",
    duckdb_type="VARCHAR",
    normalize=normalize,
    sql_clean="jd_case_no_clean",
    sql_error="jd_case_no_error",
    issues=ISSUES,
    derived=(
        Derived("year", "BIGINT", "jd_case_no_year", year, "立案年度", "filing year"),
        Derived(
            "court_code", "VARCHAR", "jd_case_no_court_code", court_code, "法院代字", "court code"
        ),
        Derived("case_type", "VARCHAR", "jd_case_no_case_type", case_type, "类型代字", "case type"),
        Derived("seq", "BIGINT", "jd_case_no_seq", seq, "案件序号", "sequence number"),
        Derived(
            "region",
            "VARCHAR",
            "jd_case_no_region",
            region,
            "法院所在区划代码",
            "court region code",
        ),
    ),
)

TYPES: tuple[SemanticType, ...] = (CASE_NO,)
