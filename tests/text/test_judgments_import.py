"""Judgment files → four batches of the standard, through the ordinary import path."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from docx import Document
from gold_docs import load_gold

from jiandu.config import Settings
from jiandu.errors import JianduError
from jiandu.text.judgments import import_judgments
from jiandu.text.rows import doc_id
from jiandu.workspace import open_workspace

CIVIL = """浙江省绍兴市越城区人民法院
民事判决书
（2021）浙0602民初1234号
原告：张三，男，1980年1月2日出生，汉族，住浙江省绍兴市越城区人民路1号。
委托诉讼代理人：李四，浙江越城律师事务所律师。
被告：王五，男，1975年5月6日出生，汉族，住浙江省绍兴市柯桥区。
原告张三与被告王五民间借贷纠纷一案，本院于2021年3月5日立案后，依法适用简易程序公开开庭进行了审理。
张三向本院提出诉讼请求：1.判令被告归还借款50000元及利息；2.本案诉讼费由被告承担。事实和理由：2020年1月被告向原告借款50000元，到期未还。
王五未答辩。
本院认为，合法的借贷关系受法律保护。依照《中华人民共和国民法典》第六百七十五条、《中华人民共和国民事诉讼法》第一百四十七条之规定，判决如下：
被告王五于本判决生效之日起十日内归还原告张三借款50000元。
审判员　赵六
二〇二一年六月二十八日
书记员　钱七
"""


def _rows(settings: Settings, dataset: str) -> list[dict[str, object]]:
    folder = settings.pool_dir / dataset
    con = duckdb.connect()
    relation = con.sql(f"SELECT * FROM read_parquet('{folder}/*/*.parquet', union_by_name=1)")
    return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]


def _docx(path: Path, text: str) -> Path:
    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(str(path))
    return path


def test_files_of_every_kind_become_cases_parties_and_agents(
    home: Settings, tmp_path: Path
) -> None:
    criminal = load_gold("judge_criminal")[:5]
    export = tmp_path / "export.jsonl"
    export.write_text(
        "".join(json.dumps({"fd": d.text}, ensure_ascii=False) + "\n" for d in criminal),
        encoding="utf-8",
    )
    text_file = tmp_path / "civil.txt"
    text_file.write_bytes(CIVIL.encode("gb18030"))
    html = tmp_path / "civil.html"
    html.write_text(
        "<html><body>"
        + "".join(f"<p>{line}</p>" for line in CIVIL.splitlines())
        + "</body></html>",
        encoding="utf-8",
    )
    word = _docx(tmp_path / "civil.docx", CIVIL.replace("1234号", "1235号"))

    report = import_judgments(home, [export, text_file, html, word], text_field="fd")

    assert report.documents == 8 and report.parsed == 8 and report.refused == []
    batches = {type_id: result for type_id, result in report.batches}
    assert set(batches) == {"judgment_document", "court_case", "court_party", "court_agent"}
    assert all(r.status == "committed" and r.rows_rejected == 0 for r in batches.values())
    # The .txt and .html hold the same text: one document.
    documents = _rows(home, "judgment_document")
    assert len(documents) == 7
    assert {d["doc_id"] for d in documents} >= {doc_id(CIVIL)}
    civil = next(d for d in documents if d["case_no"] == "（2021）浙0602民初1234号")
    assert civil["source_file"] in ("civil.txt", "civil.html")
    assert civil["cause"] == "民间借贷纠纷" and civil["parties"] == "张三、王五"

    cases = {c["case_no"]: c for c in _rows(home, "court_case")}
    assert len(cases) == 7
    case = cases["（2021）浙0602民初1234号"]
    assert case["case_type"] == "民初" and case["court_name"] == "浙江省绍兴市越城区人民法院"
    assert str(case["filing_date"]) == "2021-03-05" and str(case["judgment_date"]) == "2021-06-28"
    assert case["judges"] == "赵六" and case["clerks"] == "钱七"
    assert "《中华人民共和国民法典》第675条" in str(case["statutes"])
    for gold in criminal:
        assert gold.labels["case_no"] in cases

    parties = _rows(home, "court_party")
    plaintiff = next(
        p for p in parties if p["name"] == "张三" and p["case_no"] == "（2021）浙0602民初1234号"
    )
    assert plaintiff["role"] == "原告" and plaintiff["sex"] == "男"
    assert str(plaintiff["birth_date"]) == "1980-01-02"
    assert plaintiff["agent_name"] == "李四" and plaintiff["agent_firm"] == "浙江越城律师事务所"
    defendants = [p for p in parties if p["role"] == "被告人"]
    assert len(defendants) >= len(criminal)
    agents = _rows(home, "court_agent")
    assert {"李四"} <= {a["agent_name"] for a in agents}


def test_the_same_files_again_write_nothing(home: Settings, tmp_path: Path) -> None:
    path = tmp_path / "civil.txt"
    path.write_text(CIVIL, encoding="utf-8")
    first = import_judgments(home, [path], refresh_after=False)
    again = import_judgments(home, [path], refresh_after=False)
    assert {r.status for _, r in first.batches} == {"committed"}
    assert {r.status for _, r in again.batches} == {"duplicate"}


def test_a_file_that_is_not_a_judgment_is_refused_by_name(home: Settings, tmp_path: Path) -> None:
    good = tmp_path / "civil.txt"
    good.write_text(CIVIL, encoding="utf-8")
    recipe = tmp_path / "recipe.txt"
    recipe.write_text("红烧肉的做法：五花肉切块，焯水后加冰糖炒色。", encoding="utf-8")
    report = import_judgments(home, [good, recipe], refresh_after=False)
    assert report.parsed == 1
    assert [r.where for r in report.refused] == ["recipe.txt"]
    assert "not a judgment" in report.refused[0].reason_en

    with pytest.raises(JianduError) as refused:
        import_judgments(home, [recipe], refresh_after=False)
    assert "recipe.txt" in str(refused.value)


def test_a_committed_import_is_searchable(home: Settings, tmp_path: Path) -> None:
    from jiandu.text.index import search

    path = tmp_path / "civil.txt"
    path.write_text(CIVIL, encoding="utf-8")
    report = import_judgments(home, [path])
    assert "error" not in report.refresh, report.refresh
    found = search(home, "张三 借款")
    assert found.total == 1
    assert found.hits[0].case_no == "（2021）浙0602民初1234号"
    open_workspace(home)
