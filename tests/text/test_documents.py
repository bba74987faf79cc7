"""Reading judgment files (jiandu.text.documents): encodings, HTML, Word, JSON, folders,
and the errors a person gets for a file that cannot be read."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import docx
import pytest

from jiandu.errors import SourceError
from jiandu.text.documents import SourceDocument, html_text, read_documents
from jiandu.text.judgment import parse_judgment

TEXT = (
    "上海市金山区人民法院\n刑事判决书\n（2017）沪0116刑初684号\n公诉机关上海市金山区人民检察院。\n"
    "被告人张某某，男，1980年1月2日出生，汉族。\n审判员 李四\n二〇一七年六月二十八日\n书记员 王五\n"
)


def _one(path: Path, **kwargs: str) -> SourceDocument:
    (document,) = read_documents(path, **kwargs)
    return document


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_text_files_in_any_chinese_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "judgment.txt"
    path.write_bytes(TEXT.encode(encoding))
    assert _one(path) == SourceDocument(str(path), None, TEXT)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "judgment.txt"
    path.write_bytes(TEXT.encode(encoding))
    assert _one(path).text == TEXT


def test_gbk_text_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "judgment.txt"
    path.write_bytes(TEXT.encode("gbk"))
    judgment = parse_judgment(_one(path).text)
    assert judgment.case_no == "（2017）沪0116刑初684号"
    assert judgment.judges == (("审判员", "李四"),)


def test_html_visible_text_in_blocks() -> None:
    markup = (
        "<html><head><title>标题</title><style>p {color: red}</style>"
        "<script>var x = '被告人';</script></head><body>"
        "<div>上海市金山区人民法院</div><p>刑事判决书</p><p>原告&nbsp;张三&amp;李四，"
        "&#x7537;</p>审判员<br>王五<table><tr><td>甲</td><td>乙</td></tr></table></body></html>"
    )
    assert (
        html_text(markup)
        == "上海市金山区人民法院\n刑事判决书\n原告 张三&李四，男\n审判员\n王五\n甲 乙"
    )


def test_html_file_with_declared_gbk(tmp_path: Path) -> None:
    path = tmp_path / "judgment.htm"
    page = '<html><head><meta charset="gbk"></head><body>' + "".join(
        f"<p>{line}</p>" for line in TEXT.splitlines()
    )
    path.write_bytes(page.encode("gbk"))
    document = _one(path)
    assert document.text == TEXT.strip()
    assert parse_judgment(document.text).clerks == ("王五",)


def test_html_with_a_wrong_declaration_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "judgment.html"
    path.write_bytes(('<meta charset="utf-8"><p>' + TEXT + "</p>").encode("gb18030"))
    assert "公诉机关上海市金山区人民检察院" in _one(path).text


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("上海市金山区人民法院")
    document.add_paragraph("刑事判决书")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "原告"
    table.rows[0].cells[1].text = "张三"
    document.add_paragraph("审判员 李四")
    path = tmp_path / "judgment.docx"
    document.save(str(path))
    assert _one(path).text == "上海市金山区人民法院\n刑事判决书\n原告 张三\n审判员 李四"


def test_docx_judgment_is_parsed(tmp_path: Path) -> None:
    document = docx.Document()
    for line in TEXT.splitlines():
        document.add_paragraph(line)
    path = tmp_path / "judgment.docx"
    document.save(str(path))
    judgment = parse_judgment(_one(path).text)
    assert judgment.court == "上海市金山区人民法院"
    assert [p.name for p in judgment.parties] == ["张某某"]


def test_json_list_object_and_lines(tmp_path: Path) -> None:
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([{"fd": "甲"}, {"text": "乙"}], ensure_ascii=False), "utf-8")
    assert [(d.locator, d.text) for d in read_documents(listed)] == [
        ("record 1", "甲"),
        ("record 2", "乙"),
    ]
    single = tmp_path / "one.json"
    single.write_text(json.dumps({"全文": "丙", "id": 1}, ensure_ascii=False), "utf-8")
    assert _one(single) == SourceDocument(str(single), None, "丙")
    lines = tmp_path / "docs.jsonl"
    lines.write_text('{"content": "丁"}\n\n{"content": "戊", "text": "己"}\n', "utf-8")
    assert [(d.locator, d.text) for d in read_documents(lines)] == [
        ("line 1", "丁"),
        ("line 3", "己"),  # text comes before content in the default order
    ]
    assert [d.text for d in read_documents(lines, text_field="content")] == ["丁", "戊"]


def test_json_lines_named_json(tmp_path: Path) -> None:
    path = tmp_path / "test.json"
    path.write_text('{"fd": "甲"}\n{"fd": "乙"}\n', "utf-8")
    assert [(d.locator, d.text) for d in read_documents(path)] == [
        ("line 1", "甲"),
        ("line 2", "乙"),
    ]


def test_folder_reads_supported_files_sorted(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("乙", "utf-8")
    (tmp_path / "a.txt").write_text("甲", "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.jsonl").write_text('{"text": "丙"}\n', "utf-8")
    (tmp_path / "notes.csv").write_text("x,y\n", "utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "d.txt").write_text("丁", "utf-8")
    found = [(Path(d.source).name, d.locator, d.text) for d in read_documents(tmp_path)]
    assert found == [("a.txt", None, "甲"), ("b.txt", None, "乙"), ("c.jsonl", "line 1", "丙")]


def _error(path: Path, **kwargs: str) -> SourceError:
    with pytest.raises(SourceError) as caught:
        list(read_documents(path, **kwargs))
    assert str(path) in str(caught.value)
    assert " / " in str(caught.value)  # Chinese / English
    return caught.value


def test_bad_json_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text('{"text": "甲"}\n{"text": \n', "utf-8")
    error = _error(path)
    assert error.location.row == 2
    assert "第 2 行" in error.zh and "line 2" in error.en


def test_record_without_text_field(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text('{"id": 1}\n', "utf-8")
    error = _error(path)
    assert error.location.row == 1 and "text_field" in error.en
    named = tmp_path / "named.jsonl"
    named.write_text('{"text": "甲"}\n', "utf-8")
    assert "正文" in _error(named, text_field="正文").zh


@pytest.mark.parametrize(
    ("content", "message"),
    [('["甲"]', "is not a JSON object"), ('{"text": 1}', "is not text"), ("{oops", "not valid")],
)
def test_bad_json_records(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "docs.json"
    path.write_text(content, "utf-8")
    assert message in _error(path).en


def test_unsupported_missing_and_broken_files(tmp_path: Path) -> None:
    doc = tmp_path / "old.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "unsupported file type .doc" in _error(doc).en
    assert "does not exist" in _error(tmp_path / "missing.txt").en
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip file")
    assert "Word" in _error(broken).en


def test_real_judge_file_lines(shared_data: Path) -> None:
    documents = list(read_documents(shared_data / "judge_criminal_fulltext" / "test.json"))
    assert len(documents) == 501
    assert documents[16].locator == "line 17"
    assert parse_judgment(documents[0].text).case_no == "（2017）沪0120刑初684号"
    queries = list(read_documents(shared_data / "lecardv2_queries_fulltext"))
    assert len(queries) == 160 and queries[0].text.startswith("金华市婺城区人民法院")


def test_encoding_fixture_round_trip() -> None:
    # The UTF-16 fixtures above carry no BOM: make sure the encoder did not add one.
    assert not TEXT.encode("utf-16-le").startswith(codecs.BOM_UTF16_LE)
