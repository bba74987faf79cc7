"""Reading judgment files: plain text, web pages, Word files and JSON records.

Judgments reach a procuratorate as exports from the court's case system (plain text in
GBK, UTF-8 or UTF-16), pages saved from China Judgements Online (HTML), Word files, and
data sets of JSON records with the text in a field. Each becomes one or more
`SourceDocument`s: the text plus where it came from (the file, and the line or record
inside it), so a parse problem can be traced to its source.

A file that cannot be read raises a `SourceError` naming the file (and the line of a
JSON Lines file) in Chinese and English; nothing is skipped silently.
"""

from __future__ import annotations

import codecs
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from jiandu.errors import Location, SourceError
from jiandu.ingest.readers.encoding import detect_encoding

SUFFIXES = (".txt", ".html", ".htm", ".docx", ".json", ".jsonl")
TEXT_FIELDS = ("full_text", "fd", "text", "content", "query", "全文", "正文")
"""Fields tried in order when a JSON record's text field is not named."""


@dataclass(frozen=True)
class SourceDocument:
    """One judgment's text and where it came from."""

    source: str  # the file
    locator: str | None  # "line 17" (JSON Lines), "record 3" (a JSON list), None
    text: str


def read_documents(path: Path, *, text_field: str | None = None) -> Iterator[SourceDocument]:
    """Every judgment in a file, or in every supported file under a folder (sorted)."""
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix.lower() in SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        for file in files:
            yield from _read_file(file, text_field)
        return
    if not path.is_file():
        raise _error(path, "文件不存在或不可读", "the file does not exist or cannot be read")
    yield from _read_file(path, text_field)


def _error(path: Path, zh: str, en: str, line: int | None = None) -> SourceError:
    return SourceError(zh, en, location=Location(file=str(path), row=line))


def _read_file(path: Path, text_field: str | None) -> Iterator[SourceDocument]:
    suffix = path.suffix.lower()
    if suffix == ".txt":
        yield SourceDocument(str(path), None, _decode(path, path.read_bytes()))
    elif suffix in (".html", ".htm"):
        yield SourceDocument(str(path), None, html_text(_decode_html(path)))
    elif suffix == ".docx":
        yield SourceDocument(str(path), None, _docx_text(path))
    elif suffix in (".json", ".jsonl"):
        yield from _json_documents(path, text_field)
    else:
        raise _error(
            path,
            f"不支持的文件类型 {suffix or '（无扩展名）'}；支持 {'、'.join(SUFFIXES)}",
            f"unsupported file type {suffix or '(none)'}; supported: {', '.join(SUFFIXES)}",
        )


# --- text encodings ----------------------------------------------------------------------


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: Chinese text has no NUL bytes in GBK or UTF-8,
    while ASCII characters in UTF-16 leave one in every other byte."""
    sample = data[:4096]
    if len(sample) < 4 or sample.count(0) < max(1, len(sample) // 8):
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return "utf-16-le" if odd > even else "utf-16-be"


def _decode(path: Path, data: bytes) -> str:
    encoding = _utf16_without_bom(data) or detect_encoding(data, at_eof=True)[0]
    try:
        return codecs.decode(data, encoding).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _error(
            path,
            f"第 {line} 行无法按 {encoding} 解码；请确认文件编码（UTF-8、GBK/GB18030 或 UTF-16）",
            f"line {line} cannot be decoded as {encoding}; "
            "check the file's encoding (UTF-8, GBK/GB18030 or UTF-16)",
            line,
        ) from None


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


def _decode_html(path: Path) -> str:
    data = path.read_bytes()
    declared = _META_CHARSET.search(data[:4096])
    if declared is not None and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE)):
        name = declared.group(1).decode("ascii").lower()
        try:
            codec = codecs.lookup("gb18030" if name in ("gbk", "gb2312") else name).name
        except LookupError:
            codec = None
        if codec is not None and not codec.startswith("utf-16"):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                pass  # a wrong declaration is common; detect instead
    return _decode(path, data)


# --- HTML -------------------------------------------------------------------------------

_BLOCKS = frozenset(
    (
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt"),
        *("footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li"),
        *("main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot"),
        *("tr", "ul", "title"),
    )
)
_CELLS = frozenset(("td", "th"))
_HIDDEN = frozenset(("script", "style", "noscript", "template", "head"))
_BLANK_LINES = re.compile(r"[ \t]*\n[ \t\n]*")
_RUNS = re.compile(r"[ \t\r\f\v\u00a0]+")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag in _CELLS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(_RUNS.sub(" ", data.replace("\n", " ")))


def html_text(markup: str) -> str:
    """The visible text of an HTML page: scripts and styles dropped, one block per line."""
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    lines = _BLANK_LINES.sub("\n", "".join(collector.parts))
    return "\n".join(line.strip() for line in lines.split("\n") if line.strip())


# --- Word -------------------------------------------------------------------------------


def _docx_text(path: Path) -> str:
    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
        raise _error(
            path,
            "无法作为 Word 文档（.docx）打开；旧版 .doc 请先另存为 .docx",
            "cannot be opened as a Word document (.docx); save old .doc files as .docx first",
        ) from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend(_table_lines(block))
    return "\n".join(line for line in lines if line.strip())


def _table_lines(table: Table) -> list[str]:
    lines = []
    for row in table.rows:
        seen: list[Any] = []
        cells = []
        for cell in row.cells:
            if any(cell._tc is other for other in seen):  # a merged cell repeats
                continue
            seen.append(cell._tc)
            cells.append(cell.text.strip())
        lines.append(" ".join(c for c in cells if c))
    return lines


# --- JSON -------------------------------------------------------------------------------


def _json_documents(path: Path, text_field: str | None) -> Iterator[SourceDocument]:
    text = _decode(path, path.read_bytes())
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            if exc.msg != "Extra data":
                raise _error(
                    path,
                    f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）",
                    f"not valid JSON (line {exc.lineno}, column {exc.colno})",
                    exc.lineno,
                ) from None
            # Many data sets name JSON Lines files .json.
            yield from _json_lines(path, text, text_field)
            return
        if isinstance(data, list):
            for index, record in enumerate(data, start=1):
                where = (f"record {index}", f"第 {index} 条记录")
                yield _record(path, record, text_field, where, None)
        else:
            yield _record(path, data, text_field, None, None)
        return
    yield from _json_lines(path, text, text_field)


def _json_lines(path: Path, text: str, text_field: str | None) -> Iterator[SourceDocument]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise _error(
                path,
                f"第 {number} 行不是有效的 JSON 对象",
                f"line {number} is not a valid JSON object",
                number,
            ) from None
        yield _record(path, record, text_field, (f"line {number}", f"第 {number} 行"), number)


def _record(
    path: Path,
    record: object,
    text_field: str | None,
    where: tuple[str, str] | None,
    line: int | None,
) -> SourceDocument:
    """The document of one JSON record; `where` is its (English, Chinese) position."""
    locator, where_zh = where or (None, "")
    subject = locator or "the record"
    if not isinstance(record, dict):
        raise _error(
            path,
            f"{where_zh}不是 JSON 对象" if where_zh else "JSON 内容不是对象或对象列表",
            f"{locator} is not a JSON object" if locator else "not a JSON object or list",
            line,
        )
    names = (text_field,) if text_field else TEXT_FIELDS
    field = next((name for name in names if name in record), None)
    if field is None:
        wanted = text_field or "、".join(TEXT_FIELDS)
        raise _error(
            path,
            f"{where_zh}缺少正文字段（{wanted}）；可用 text_field 指定",
            f"{subject} has no text field ({text_field or ', '.join(TEXT_FIELDS)}); "
            "name it with text_field",
            line,
        )
    value = record[field]
    if not isinstance(value, str):
        raise _error(
            path,
            f"{where_zh}的字段 {field} 不是文本",
            f"field {field} of {subject} is not text",
            line,
        )
    return SourceDocument(str(path), locator, value)
