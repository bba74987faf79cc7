"""Rendering a procuratorial document (.docx) from its parts, laid out like the real ones.

The layout follows the national standard for official documents (GB/T 9704-2012) as
procuratorates use it: A4, margins 37/35/28/26 mm; the procuratorate's name and the
document's title centred in 方正小标宋简体 二号 (22 pt); the document number (文号) in
仿宋_GB2312 三号 (16 pt) under the title; the addressee (主送单位) flush left; the body
in 仿宋_GB2312 三号 with a two-character first-line indent and a fixed 28 pt line pitch;
headings of the demands in 黑体; the procuratorate's name, the date (二〇二六年…) and
the seal mark "（院印）" right-aligned at the end.

Chinese fonts need the East Asian font attribute (`w:eastAsia`) on every run: Word picks
the font of CJK characters from it, not from the plain font name. Nothing here touches
the network or the file system; `render` returns the bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.styles.style import CharacterStyle
from docx.text.paragraph import Paragraph
from docx.text.run import Run

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
LINE_PITCH = Pt(28)
SEAL_MARK = "（院印）"
_CHINESE_NUMBERS = "一二三四五六七八九十"


@dataclass(frozen=True)
class DocumentContent:
    """Everything a document says, in reading order (see the module docstring)."""

    procuratorate: str
    title: str
    doc_no: str
    addressee: str
    opening: str
    facts: tuple[str, ...]
    conclusion: str
    requests_heading: str
    requests: tuple[str, ...]
    reply: str
    date: str
    seal: str = SEAL_MARK


def _set_font(owner: Run | CharacterStyle, name: str, size: Pt, *, bold: bool = False) -> None:
    """Font `name` for Latin and East Asian text alike, at `size`."""
    owner.font.name = name
    owner.font.size = size
    owner.font.bold = bold
    r_pr = owner.element.get_or_add_rPr()
    r_fonts = r_pr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        r_fonts.set(qn(attribute), name)


def _paragraph(
    document: DocxDocument,
    text: str,
    *,
    font: str = BODY_FONT,
    size: Pt = BODY_SIZE,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = True,
    bold: bool = False,
) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    layout = paragraph.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = LINE_PITCH if size == BODY_SIZE else Pt(size.pt + 12)
    layout.space_before = Pt(0)
    layout.space_after = Pt(0)
    if indent:
        layout.first_line_indent = Pt(size.pt * 2)  # two characters
    if text:
        _set_font(paragraph.add_run(text), font, size, bold=bold)
    return paragraph


def numbered(items: tuple[str, ...]) -> list[str]:
    """Demands as documents number them: 一、… 二、… (at most ten)."""
    if len(items) > len(_CHINESE_NUMBERS):
        raise ValueError("at most ten numbered items")
    return [f"{_CHINESE_NUMBERS[i]}、{item}" for i, item in enumerate(items)]


def render(content: DocumentContent) -> bytes:
    """The document as .docx bytes."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    assert isinstance(normal, CharacterStyle)  # "Normal" is a paragraph style
    _set_font(normal, BODY_FONT, BODY_SIZE)
    document.core_properties.title = f"{content.title}（{content.doc_no}）"
    document.core_properties.author = content.procuratorate

    centred = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, content.procuratorate, font=TITLE_FONT, size=TITLE_SIZE,
               align=centred, indent=False)  # fmt: skip
    _paragraph(document, content.title, font=TITLE_FONT, size=TITLE_SIZE, align=centred,
               indent=False)  # fmt: skip
    _paragraph(document, content.doc_no, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _paragraph(document, "", indent=False)
    _paragraph(document, f"{content.addressee}：", align=WD_ALIGN_PARAGRAPH.LEFT, indent=False)
    _paragraph(document, content.opening)
    for fact in content.facts:
        _paragraph(document, fact)
    _paragraph(document, content.conclusion)
    _paragraph(document, content.requests_heading, font=HEADING_FONT)
    for item in numbered(content.requests):
        _paragraph(document, item)
    _paragraph(document, content.reply)
    _paragraph(document, "", indent=False)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    _paragraph(document, content.procuratorate, align=right, indent=False)
    _paragraph(document, content.date, align=right, indent=False)
    _paragraph(document, content.seal, align=right, indent=False)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
