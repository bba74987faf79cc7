"""person_name and org_name: normalisation, codes and the organisation match key."""

from __future__ import annotations

import pytest

from jiandu.fields.base import FieldInvalid
from jiandu.fields.names import normalize_org_name, normalize_person_name, org_name_key


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("张 三", "张三"),
        ("张 三 丰", "张三丰"),
        ("\u3000张三 ", "张三"),
        ("John   Smith", "John Smith"),
        ("阿卜杜 • 热合曼", "阿卜杜·热合曼"),
        ("阿卜杜．热合曼", "阿卜杜·热合曼"),
        ("阿卜杜・热合曼", "阿卜杜·热合曼"),
        ("J. R. Tolkien", "J. R. Tolkien"),
        ("O'Neil", "O'Neil"),
        ("ＬＩ Ｌｅｉ", "LI Lei"),
    ],
)
def test_person_name_forms(raw: str, clean: str) -> None:
    assert normalize_person_name(raw) == clean


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("张三1", "person_name.digits"),
        ("张三（曾用名）", "person_name.invalid_chars"),
        ("...", "person_name.no_letters"),
        ("张" * 51, "person_name.too_long"),
    ],
)
def test_person_name_errors(raw: str, code: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        normalize_person_name(raw)
    assert caught.value.issue.code == code


def test_org_name_keeps_legal_form_and_writes_brackets_full_width() -> None:
    assert normalize_org_name(" 某某 (杭州) 有限责任公司") == "某某 （杭州） 有限责任公司"
    assert normalize_org_name("某某贸易 有限公司") == "某某贸易有限公司"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("某某贸易有限公司", "某某贸易有限责任公司"),
        ("某某（杭州）股份有限公司", "某某杭州有限公司"),
        ("ABC Trading 有限公司", "abc trading有限公司"),
        ("某某集团有限公司", "某某集团股份有限公司"),
    ],
)
def test_org_name_key_matches_variants(a: str, b: str) -> None:
    assert org_name_key(normalize_org_name(a)) == org_name_key(normalize_org_name(b))


def test_org_name_key_values() -> None:
    assert org_name_key("某某集团股份有限公司") == "某某集团"
    assert org_name_key("有限公司") is None
    assert org_name_key(None) is None


@pytest.mark.parametrize(
    ("raw", "code"), [("123", "org_name.no_letters"), ("公" * 101, "org_name.too_long")]
)
def test_org_name_errors(raw: str, code: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        normalize_org_name(raw)
    assert caught.value.issue.code == code
