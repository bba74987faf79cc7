"""Segmentation for search: jieba words, CJK bigrams, offsets, and the index forms."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from search_corpus import CIVIL, SHARED_JUDGE

from jiandu.text.segment import fold, gram_terms, grams, word_terms, words


def _texts() -> list[str]:
    texts = [record["full_text"] for record in CIVIL]
    if SHARED_JUDGE.is_file():
        with SHARED_JUDGE.open(encoding="utf-8") as fh:
            texts += [json.loads(line)["fd"] for _, line in zip(range(60), fh, strict=False)]
    return texts


def test_bigrams_within_cjk_runs_and_lone_characters() -> None:
    assert [t.text for t in grams("张三丰，李四")] == ["张三", "三丰", "李四"]
    assert [t.text for t in grams("被告人张3，女")] == ["被告", "告人", "人张", "3", "女"]
    assert [t.text for t in grams("二〇一七年")] == ["二〇", "〇一", "一七", "七年"]


def test_ascii_runs_whole_lower_case_and_full_width_folded() -> None:
    assert [t.text for t in grams("ABC公司ＸＹ１２号")] == ["abc", "公司", "xy12", "号"]
    assert fold("ＡｂＣ１") == "abc1"


def test_offsets_point_at_the_folded_text() -> None:
    for text in _texts()[:10]:
        folded = fold(text)
        assert len(folded) == len(text)
        for token in grams(text) + words(text):
            assert folded[token.start : token.end] == token.text


def test_legal_dictionary_keeps_terms_whole() -> None:
    found = {t.text for t in words("原告的委托诉讼代理人称民间借贷关系成立，判决如下：")}
    assert {"委托诉讼代理人", "民间借贷", "判决如下"} <= found


def test_words_drop_punctuation_and_lower_ascii() -> None:
    tokens = [t.text for t in words("ＡＢＣ公司，于2020年（三月）")]
    assert "abc" in tokens and "公司" in tokens
    assert not any(set(t) & set("，（）") for t in tokens)


def test_empty_text() -> None:
    assert grams("") == [] and words("") == []
    assert gram_terms("") == "" and word_terms("").split() == []


@pytest.mark.parametrize("index", range(len(_texts())))
def test_index_forms_equal_the_token_lists(index: int) -> None:
    text = _texts()[index]
    assert gram_terms(text).split() == [t.text for t in grams(text)]
    assert word_terms(text).split() == [t.text for t in words(text)]


_ALPHABET = st.sampled_from(list("张三丰李四人民法院〇abcXYZ019０Ａ，。 \n-（）𠀀ä"))


@given(st.text(_ALPHABET, max_size=40))
def test_gram_terms_agree_with_grams_on_any_text(text: str) -> None:
    assert gram_terms(text).split() == [t.text for t in grams(text)]
