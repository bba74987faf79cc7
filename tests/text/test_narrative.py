"""Defendants named only in the narrative of a criminal judgment (no party section)."""

from __future__ import annotations

from jiandu.text.judgment import parse_judgment
from jiandu.text.narrative import narrative_defendants

EXCERPT = (
    "湖北省武汉市江汉区人民法院刑事判决书（2016）鄂0103刑初125号：公诉机关以武江检公诉刑诉"
    "（2015）1743号起诉书指控被告人黄某、李某甲犯贩卖毒品罪、王五犯容留他人吸毒罪，于2016年"
    "1月5日向本院提起公诉。被告人黄某及其辩护人周春华、郎曙霞，被告人王五及市法律援助处指派的"
    "辩护人唐琳君到庭参加诉讼。经审理查明，被告人黄某犯罪后如实供述。"
)


def test_the_charge_names_every_defendant_in_order() -> None:
    names = [p.name for p in narrative_defendants(EXCERPT)]
    assert names == ["黄某", "李某甲", "王五"]


def test_counsel_named_with_their_client() -> None:
    agents = {p.name: [a.name for a in p.agents] for p in narrative_defendants(EXCERPT)}
    assert agents == {"黄某": ["周春华", "郎曙霞"], "李某甲": [], "王五": ["唐琳君"]}


def test_a_name_run_on_into_the_next_word_is_not_a_second_defendant() -> None:
    text = "指控被告人田伟犯盗窃罪。被告人田伟犯罪后主动投案，被告人田伟通过他人退赃。"
    assert [p.name for p in narrative_defendants(text)] == ["田伟"]


def test_the_parser_uses_the_narrative_only_without_a_party_section() -> None:
    judgment = parse_judgment(EXCERPT)
    assert judgment.case_kind == "刑事"
    assert [(p.role, p.name) for p in judgment.parties] == [
        ("被告人", "黄某"), ("被告人", "李某甲"), ("被告人", "王五"),
    ]  # fmt: skip
    assert all(p.sex is None and p.birth_date is None for p in judgment.parties)
