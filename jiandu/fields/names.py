"""Names of people and organisations.

person_name: trim, full-width → half-width, whitespace runs → one space, spaces between
Han characters removed ("张 三" → "张三"; Latin names keep one space), the middle-dot
variants • ・ ‧ (and "." / "．" in names without Latin letters) become "·", with no
spaces around it.  Codes: `person_name.digits`, `person_name.invalid_chars` (anything but
Han, Latin letters, space and · . ' -), `person_name.no_letters`, `person_name.too_long`
(> 50 characters).

org_name: trim, half-width, whitespace collapsed and removed between Han characters,
brackets written full-width （）; the legal form is kept as written.  Derived `key` (for
matching, not display): only Han characters, ASCII letters (lower-cased) and digits are
kept — brackets, punctuation and whitespace go — then one trailing legal-form suffix is
stripped (股份有限公司, 有限责任公司, 有限公司, 股份公司, 有限合伙, 普通合伙).  So
"某某贸易有限公司" and "某某贸易有限责任公司" share a key.  Region prefixes are not
rewritten (绍兴市… and 绍兴… keep different keys).  Codes: `org_name.no_letters`,
`org_name.too_long` (> 100 characters).

The SQL twins live in `sql/11_names.sql` and use the same patterns.
"""

from __future__ import annotations

import re

from jiandu.fields.base import Derived, FieldInvalid, Issue, SemanticType
from jiandu.fields.text import halfwidth, trim_space

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_SPACE_HAN = re.compile(f"(?<=[{HAN}]) (?=[{HAN}])")
_INNER_SPACE = re.compile("[ \t\r\n\u00a0]+")
_DOT_VARIANTS = re.compile("[•・‧]")
_SPACED_DOT = re.compile(" ?· ?")
_LATIN = re.compile("[A-Za-z]")
_DIGIT = re.compile("[0-9]")
_LETTER = re.compile(f"[{HAN}A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
_PERSON_CHARS = re.compile(f"[{HAN}A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f ·.'-]+")
_ORG_LETTER = re.compile(f"[{HAN}A-Za-z]")
_KEY_DROP = re.compile(f"[^{HAN}A-Za-z0-9]+")
_LEGAL_FORM = re.compile("(?:股份有限公司|有限责任公司|有限公司|股份公司|有限合伙|普通合伙)$")
_MAX_PERSON, _MAX_ORG = 50, 100

PERSON_ISSUES = {
    issue.code: issue
    for issue in (
        Issue("person_name.digits", "姓名中含有数字", "Name contains digits"),
        Issue(
            "person_name.invalid_chars",
            "姓名中含有汉字、字母、空格、· . ' - 以外的字符",
            "Name contains characters other than Han, letters, space, · . ' -",
        ),
        Issue(
            "person_name.no_letters", "姓名中没有汉字或字母", "Name has no Han character or letter"
        ),
        Issue("person_name.too_long", "姓名超过50个字符", "Name longer than 50 characters"),
    )
}
ORG_ISSUES = {
    issue.code: issue
    for issue in (
        Issue(
            "org_name.no_letters", "单位名称中没有汉字或字母", "Name has no Han character or letter"
        ),
        Issue("org_name.too_long", "单位名称超过100个字符", "Name longer than 100 characters"),
    )
}


def compact_spaces(s: str) -> str:
    """Trim, half-width, one space per whitespace run, none between Han characters."""
    text = _INNER_SPACE.sub(" ", trim_space(halfwidth(s)))
    return _HAN_SPACE_HAN.sub("", text)


def normalize_person_name(s: str) -> str:
    """Normalise a person's name (see module docstring) or raise FieldInvalid."""
    text = _DOT_VARIANTS.sub("·", _INNER_SPACE.sub(" ", trim_space(halfwidth(s))))
    if not _LATIN.search(text):
        text = text.replace(".", "·")
    text = _HAN_SPACE_HAN.sub("", _SPACED_DOT.sub("·", text))
    if _DIGIT.search(text):
        raise FieldInvalid(PERSON_ISSUES["person_name.digits"])
    if not _PERSON_CHARS.fullmatch(text):
        raise FieldInvalid(PERSON_ISSUES["person_name.invalid_chars"])
    if not _LETTER.search(text):
        raise FieldInvalid(PERSON_ISSUES["person_name.no_letters"])
    if len(text) > _MAX_PERSON:
        raise FieldInvalid(PERSON_ISSUES["person_name.too_long"])
    return text


def normalize_org_name(s: str) -> str:
    """Normalise an organisation name (see module docstring) or raise FieldInvalid."""
    text = compact_spaces(s).replace("(", "（").replace(")", "）")
    if not _ORG_LETTER.search(text):
        raise FieldInvalid(ORG_ISSUES["org_name.no_letters"])
    if len(text) > _MAX_ORG:
        raise FieldInvalid(ORG_ISSUES["org_name.too_long"])
    return text


def org_name_key(name: str | None) -> str | None:
    """Matching key of a cleaned organisation name; None when nothing is left."""
    if name is None:
        return None
    key = _LEGAL_FORM.sub("", _KEY_DROP.sub("", name).lower())
    return key or None


PERSON_NAME = SemanticType(
    name="person_name",
    label_zh="姓名",
    label_en="Person name",
    duckdb_type="VARCHAR",
    normalize=normalize_person_name,
    sql_clean="jd_person_name_clean",
    sql_error="jd_person_name_error",
    issues=PERSON_ISSUES,
)

ORG_NAME = SemanticType(
    name="org_name",
    label_zh="单位名称",
    label_en="Organisation name",
    duckdb_type="VARCHAR",
    normalize=normalize_org_name,
    sql_clean="jd_org_name_clean",
    sql_error="jd_org_name_error",
    issues=ORG_ISSUES,
    derived=(
        Derived(
            suffix="key",
            duckdb_type="VARCHAR",
            sql_macro="jd_org_name_key",
            scalar=org_name_key,
            label_zh="名称匹配键",
            label_en="Name match key",
        ),
    ),
)

TYPES: tuple[SemanticType, ...] = (PERSON_NAME, ORG_NAME)
