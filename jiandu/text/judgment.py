"""The rule-based judgment parser: `parse_judgment(text) -> Judgment`.

Chinese judgments follow a fixed order the Supreme People's Court prescribes (《法院诉讼文书
样式》): header (court, title, case number), the parties with their agents, the procedure
and the complaint, the facts, the reasoning with the statutes applied, the operative part
(判决如下 …), and a foot with the judges, the date and the clerk. The parser reads that
order with regular expressions over the text: it first cuts the document into these
parts, then reads each part with the patterns that belong there (a name after 审判长 only
counts in the foot, a 被告 only in the party section), so a phrase of the facts is not
taken for a header field.

Texts come from web pages, Word files and data sets: some on one line, some with a
space between every character of a judge's name. Whitespace is folded to single spaces
first and no rule depends on a line break. Names may be masked by the publisher (张某,
张3, x1): they are kept as written. Whatever the text does not say stays None or empty;
the parser never fills a field by guessing (docs/dev/text.md).

This module reads the header, the foot and the body; the party section is read by
`jiandu.text.parties` (whose `Party` and `Agent` it re-exports), the claims and the
operative part by `jiandu.text.rulings`, and Chinese numerals, dates and sums of money by
`jiandu.text.numerals`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jiandu.fields import case_no as case_no_field
from jiandu.fields.base import FieldInvalid
from jiandu.text.narrative import narrative_defendants
from jiandu.text.numerals import CN_NUMBER, DATE, cn_int, parse_date
from jiandu.text.parties import Agent, Party, parse_parties
from jiandu.text.rulings import awarded_amount, claimed_amount, outcome_of

__all__ = ["Agent", "Judgment", "Party", "Statute", "parse_judgment"]


@dataclass(frozen=True)
class Statute:
    """One cited article: 《中华人民共和国刑法》第二百六十四条 → (中华人民共和国刑法, 264)."""

    law: str
    article: int | None


@dataclass(frozen=True)
class Judgment:
    """What the parser read from one judgment (field meanings: docs/dev/text.md)."""

    court: str | None
    case_no: str | None
    prior_case_nos: tuple[str, ...]
    doc_type: str | None
    case_kind: str | None
    cause: str | None
    parties: tuple[Party, ...]
    prosecutor: str | None
    judges: tuple[tuple[str, str], ...]
    clerks: tuple[str, ...]
    filing_date: date | None
    judgment_date: date | None
    amount_claimed: Decimal | None
    amount_awarded: Decimal | None
    outcome: str | None
    statutes: tuple[Statute, ...]
    claims_text: str | None


# --- normalising the text -------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u200b\ufeff]")
_WIDE_DIGITS = re.compile("[０-９]")
_DIGIT_GROUP = re.compile(r"(?<=[0-9])，(?=[0-9]{3}(?![0-9]))")
_HAN = "\u4e00-\u9fff\u3400-\u4dbf"


def _fold(text: str) -> str:
    """One space for any whitespace run, half-width digits, 50，000 read as 50,000.

    (Regular expressions, not str.translate with a dict: that is ten times slower.)"""
    text = _SPACES.sub(" ", _INVISIBLE.sub("", text))
    if _WIDE_DIGITS.search(text):
        text = _WIDE_DIGITS.sub(lambda m: chr(ord(m.group(0)) - 0xFEE0), text)
    text = text.replace("［", "（").replace("］", "）")
    return _DIGIT_GROUP.sub(",", text).strip()


# --- header: court, title, case number -------------------------------------------------

_COURT_END = re.compile(
    r"(?:人民法院|铁路运输法院|海事法院|知识产权法院|互联网法院|金融法院|军事法院|基层法院|中级法院)"
)
_COURT_RUN = re.compile(f"[{_HAN}（）()]{{1,30}}$")
_COURT_CUT = re.compile(r".*(?:判决书|裁定书|调解书|决定书|通知书|一案|纠纷|罪|书)")
_TITLE = re.compile(
    r"(刑 ?事 ?附 ?带 ?民 ?事|附 ?带 ?民 ?事|民 ?事|刑 ?事|行 ?政|执 ?行|国 ?家 ?赔 ?偿|赔 ?偿)? ?"
    r"(判 ?决 ?书|裁 ?定 ?书|调 ?解 ?书|决 ?定 ?书|通 ?知 ?书|支付令)"
)
_CASE_NO = re.compile(
    r"[（(〔【﹝] ?((?:19|20)[0-9]{2}) ?[）)〕】﹞] ?"
    rf"([{_HAN}0-9]{{2,24}}?) ?(?:字 ?)?(?:第 ?)?([0-9]{{1,9}}(?:-[0-9]+)?) ?号"
)
_KIND_BY_TITLE = {
    "刑事附带民事": "刑事",
    "附带民事": "刑事",
    "民事": "民事",
    "刑事": "刑事",
    "行政": "行政",
    "执行": "执行",
    "国家赔偿": "赔偿",
    "赔偿": "赔偿",
}
_KIND_BY_CODE = {"民": "民事", "刑": "刑事", "行": "行政", "执": "执行", "赔": "赔偿"}
_HEADER_SPAN = 400


def _case_numbers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, normalised) of every valid case number, in order."""
    found = []
    for match in _CASE_NO.finditer(text):
        raw = match.group(0).replace(" ", "")
        if "-" in raw:
            continue
        try:
            found.append((match.start(), match.end(), case_no_field.normalize(raw)))
        except FieldInvalid:
            continue
    return found


def _court(header: str) -> str | None:
    match = _COURT_END.search(header)
    if match is None:
        return None
    run = _COURT_RUN.search(header[: match.start()])
    prefix = run.group(0) if run else ""
    cut = _COURT_CUT.match(prefix)
    if cut is not None:
        prefix = prefix[cut.end() :]
    if prefix.startswith(("（", "(")):
        return None
    name = prefix + match.group(0)
    return name if len(name) >= 4 or name == "最高人民法院" else None


# --- foot: judges, clerks, date ---------------------------------------------------------

_S = " ?"
_JUDGE_ROLES = ("代理审判员", "助理审判员", "审判长", "审判员", "人民陪审员", "陪审员", "执行员")
_CLERK_ROLES = ("代理书记员", "代书记员", "书记员")
_OTHER_FOOT = ("法官助理", "速录员", "执行助理")


def _spaced(word: str) -> str:
    return _S.join(word)


_FOOT_ROLE = re.compile(
    "|".join(
        f"(?P<r{i}>{_spaced(word)})"
        for i, word in enumerate(_JUDGE_ROLES + _CLERK_ROLES + _OTHER_FOOT)
    )
)
_FOOT_ANCHOR = re.compile(
    r"如不服本|本判决为终审判决|本裁定为终审裁定|本判决书?为终审|本裁定书?为终审|"
    r"本调解书经双方当事人|本调解书与判决书|判决如下|裁定如下|决定如下|协议如下|"
    r"本裁定送达后|本决定一经作出"
)
_FOOT_STOP = re.compile(
    rf"{DATE}|附[:：]|附 ?(?:相关|本案)|附录|附件|相关法律条文|本件与原本核对无异|"
    r"本件与原件核对无异|与原本核对无异|[（(]?院印[）)]?|校对|打印|印刷"
)
_ACTING = re.compile(r"[（(]代[）)]$")
_NAME_IN_FOOT = re.compile(rf"[{_HAN}A-Za-z0-9×*·]{{2,6}}")


def _foot(text: str) -> tuple[list[tuple[str, str]], list[str], date | None]:
    anchors = list(_FOOT_ANCHOR.finditer(text))
    start = anchors[-1].end() if anchors else max(0, len(text) - 400)
    marks: list[tuple[int, int, str]] = []
    for match in _FOOT_ROLE.finditer(text, start):
        marks.append((match.start(), match.end(), match.group(0).replace(" ", "")))
    if not marks:
        return [], [], None
    # The foot is the last run of role words; earlier ones belong to the operative part.
    judges: list[tuple[str, str]] = []
    clerks: list[str] = []
    stops = list(_FOOT_STOP.finditer(text, marks[0][0]))
    stop_starts = [stop.start() for stop in stops]
    for index, (_, end, role) in enumerate(marks):
        limit = marks[index + 1][0] if index + 1 < len(marks) else len(text)
        after = bisect.bisect_left(stop_starts, end)
        if after < len(stops):
            limit = min(limit, stop_starts[after])
        segment = text[end:limit]
        name = _foot_name(segment)
        if name is None:
            continue
        if role in _JUDGE_ROLES and (role, name) not in judges:
            judges.append((role, name))
        elif role in _CLERK_ROLES and name not in clerks:
            clerks.append(name)
    dated = next((stop for stop in stops if stop.group(1)), None)
    return judges, clerks, parse_date(dated) if dated else None


def _foot_name(segment: str) -> str | None:
    segment = segment.strip(" :：")
    if not segment:
        return None
    # "张  三" folds to "张 三"; a longer gap or a second word ends the name.
    parts = segment.split(" ")
    if all(len(part) == 1 for part in parts[:4]) and len(parts) > 1:
        name = "".join(part for part in parts[:4] if len(part) == 1)
    else:
        name = parts[0]
    name = _ACTING.sub("", name.strip("，,。；;、"))
    return name if _NAME_IN_FOOT.fullmatch(name) else None


# --- body: filing date, cause, statutes, claims ----------------------------------------

_FILING = re.compile(rf"本院(?:于)?{DATE}(?:登记)?(?:立案|受理|收案)")
_FILING_SAME_DAY = re.compile(
    rf"于{DATE}[^。]{{0,60}}?向本院[^。]{{0,40}}?[。，,]? ?"
    r"本院(?:于)?(?:同日|当日|即日)(?:登记)?(?:立案|受理)"
)
_CIVIL_CAUSE = re.compile(
    r"([^\s，,。；;：:、“”\"（）()]{2,40}?(?:纠纷|争议))(?:一|两|二|三|\d+)?案"
)
_CAUSE_AFTER = re.compile(
    r"(?:原告|被告|上诉人|被上诉人|申请人|被申请人|申请执行人|被执行人|第三人|与|诉)"
)
_CAUSE_LABEL = re.compile(r"案由[:：] ?([^\s，,。；;]{2,30})")
_CRIME = re.compile(
    rf"(?:犯|涉嫌犯?)(?!罪)([{_HAN}、]{{1,40}}罪)(?=[^{_HAN}]|判处|免予|免除|被判|一案|案|请求|$)"
)
_CHARGE = re.compile(r"(?:指控|以)(?:原审)?(?:被告人|被告单位)?[^，,。；;]{0,60}?(?:犯|涉嫌)")
_PROSECUTOR = re.compile(
    rf"(?:^|(?<=[：:。，,\s]))([{_HAN}（）]{{2,30}}?人民检察院)"
    r"(?:(?:于[^，。]{0,20}?)?以[^。]{0,60}?(?:起诉书|提起公诉|向本院提起)|指派|派员)"
)
_REASONING = re.compile(r"本院认为|本院经审查认为|本院经审理认为")
_MAIN = re.compile(
    r"判决如下|裁定如下|决定如下|(?:达成|自愿达成|达成了?)[^。]{0,20}?协议如下|达成如下(?:调解)?协议"
)
_MAIN_END = re.compile(
    r"如不服本|本判决为终审判决|本裁定为终审裁定|本判决书?为终审|本裁定书?为终审"
)
# The statutes some courts append after the foot (附：相关法律条文 …) are quotations, not
# citations; they start after the clerk's name.
_APPENDIX = re.compile(
    r"附(?:件|录)?[:：]? ?(?:《|(?:相关|本案|本判决|本裁定)?[^。]{0,12}?"
    r"(?:法律条文|法律条款|法律依据|法律规定|相关条文))"
)
_CLERK_WORD = re.compile(r"书 ?记 ?员")

_LAW = re.compile(r"《([^《》]{2,60})》")
_LAW_NAME = re.compile(r"(?:法|法典|规定|解释|条例|意见|通则|办法|决定|规则|批复|纪要|答复)$")
# An article list: 第二百六十四条、第二十五条第一款、第六十七条第一款及第三款、第（一）项 …
_NUMBER = rf"(?:{CN_NUMBER}|[0-9]+)"
_ARTICLE_LIST = re.compile(
    rf"(?:第? ?{_NUMBER} ?条(?:之[一二三四五六七八九十]+)?"
    rf"|第 ?{_NUMBER}(?: ?[、，,和及] ?{_NUMBER})* ?[款项]"
    rf"|第? ?[（(]{_NUMBER}[）)] ?项|[（(][^（）()《》。]{{1,20}}[）)]|[、，,和及与]|以及| )+"
)
_ARTICLE = re.compile(rf"(?<![款项])({CN_NUMBER}|[0-9]+) ?条")
_CITE_CONTEXT = re.compile(r"(?:依照|依据|根据|按照|适用|参照|违反|触犯|符合)[^。；]{0,20}$")

_CLAIMS_START = re.compile(
    r"(?:(?<![变更弃认])诉讼请求|上诉请求|诉称|起诉称|诉请|起诉要求|请求判令|申请再审称|申请称|"
    r"(?:公诉机关|检察院|自诉人)[^。，,：:]{0,6}?指控)"
)
_CLAIMS_END = re.compile(
    r"(?:被告|被上诉人|被申请人|第三人|原审)[^。；]{0,40}?(?:辩称|答辩称|答辩意见|未(?:到庭|答辩|作答辩|提交|出庭|作出答辩|应诉))|"
    r"经审理查明|本院经审理|本院认定事实如下|本院查明|经审查查明|本院经审查|本院认为|上述事实|"
    r"审理查明|经开庭审理|当事人围绕诉讼请求|为支持其|(?:原告|上诉人|申请人)[^。；]{0,20}?(?:提交|提供)[^。；]{0,10}?证据"
)
_FACTS = re.compile(r"经审理查明|本院经审理|本院认定事实如下|本院查明|经审查查明|本院认为|审理查明")
_CLAIMS_MAX = 6000


def _filing_date(text: str) -> date | None:
    for pattern in (_FILING, _FILING_SAME_DAY):
        match = pattern.search(text)
        if match is not None:
            return parse_date(match)
    return None


def _cause(text: str, parties: tuple[Party, ...], kind: str | None, main: str) -> str | None:
    """案由 or 罪名: a 案由 label; the crimes convicted of (else charged with); or the
    cause in 原告X与被告Y民间借贷纠纷一案 with the party names taken off its front."""
    label = _CAUSE_LABEL.search(text[:3000])
    if label is not None:
        return label.group(1)
    if kind == "刑事" or (kind is None and any(p.role == "被告人" for p in parties)):
        return _crime(main) or _crime_charge(text[:4000])
    match = _CIVIL_CAUSE.search(text[:4000])
    if match is None:
        return None
    run = match.group(1)
    after = list(_CAUSE_AFTER.finditer(run))
    if after:
        run = run[after[-1].end() :]
    for name in sorted({p.name for p in parties}, key=len, reverse=True):
        if run.startswith(name) and len(run) > len(name) + 2:
            run = run[len(name) :]
            break
    return run if len(run) >= 4 else None


def _crimes(found: str) -> list[str]:
    crimes: list[str] = []
    pending = ""
    for piece in found.split("、"):
        pending = f"{pending}、{piece}" if pending else piece
        if pending.endswith("罪"):
            crimes.append(pending)
            pending = ""
    return crimes


def _crime(main: str) -> str | None:
    crimes: list[str] = []
    for match in _CRIME.finditer(main):
        for crime in _crimes(match.group(1)):
            if crime not in crimes and len(crime) >= 3:
                crimes.append(crime)
    return "、".join(crimes) or None


def _crime_charge(text: str) -> str | None:
    charge = _CHARGE.search(text)
    if charge is None:
        return None
    first = _CRIME.search(text, max(0, charge.end() - 3))
    if first is None or first.start() >= charge.end():
        return None
    return "、".join(_crimes(first.group(1)))


def _statutes(text: str) -> tuple[Statute, ...]:
    found: list[Statute] = []
    for law in _LAW.finditer(text):
        name = law.group(1).strip()
        if not _LAW_NAME.search(name):
            continue
        articles = _ARTICLE_LIST.match(text, law.end())
        numbers = (
            [cn_int(a.group(1)) for a in _ARTICLE.finditer(articles.group(0))] if articles else []
        )
        if numbers:
            entries = [Statute(name, n) for n in numbers if n]
        elif text.startswith("第", law.end()):
            entries = []  # a malformed article (第六十七第三款): not the law as a whole
        elif _CITE_CONTEXT.search(text, max(0, law.start() - 24), law.start()):
            entries = [Statute(name, None)]
        else:
            entries = []
        found.extend(entry for entry in entries if entry not in found)
    cited = {statute.law for statute in found if statute.article is not None}
    return tuple(s for s in found if s.article is not None or s.law not in cited)


def _claims_text(text: str, start: int, floor: int) -> str | None:
    """The complaint, from the start of its sentence (never before `floor`, the header)."""
    # The complaint comes before the court's own findings; a 指控 after them is reasoning.
    facts = _FACTS.search(text, start)
    begin = _CLAIMS_START.search(text, start, facts.start() if facts else len(text))
    if begin is None:
        return None
    sentence = max(text.rfind("。", 0, begin.start()), text.rfind("；", 0, begin.start()))
    first = max(sentence + 1, floor)
    end = _CLAIMS_END.search(text, begin.end())
    last = end.start() if end else len(text)
    claims = text[first:last].strip(" ，,")
    return claims[:_CLAIMS_MAX] if len(claims) >= 8 else None


# --- the parser ------------------------------------------------------------------------


def parse_judgment(text: str) -> Judgment:
    """Read the fields of one judgment (see docs/dev/text.md); never raises on text."""
    text = _fold(text)
    clerk = _last(_CLERK_WORD, text, 0)
    appendix = _APPENDIX.search(text, clerk.end() if clerk else len(text) * 2 // 3)
    body = text[: appendix.start()] if appendix else text
    numbers = _case_numbers(body)
    head_numbers = [n for n in numbers if n[0] < _HEADER_SPAN]
    case_no = head_numbers[0][2] if head_numbers else None
    # Some sources repeat the case number before the title: the header ends at the last.
    last = head_numbers[0] if head_numbers else None
    for number in head_numbers[1:]:
        if number[2] == case_no and "。" not in text[last[1] : number[0]]:  # type: ignore[index]
            last = number
    header_end = last[1] if last else 0
    header = text[: last[0]] if last else text[:120]
    title = _TITLE.search(header)
    doc_type = _doc_type(title)
    parties, prosecutor, parties_end = parse_parties(body, header_end)
    court = _court(header)
    kind = _case_kind(title, case_no, parties, prosecutor)
    if prosecutor is None and kind == "刑事":
        charge = _PROSECUTOR.search(body, parties_end, parties_end + 1500)
        prosecutor = charge.group(1) if charge else None
    if not parties and kind == "刑事":
        # No party section (an excerpt, or a judgment that names the defendants only in
        # the charge): read them from the narrative.
        parties = narrative_defendants(body)
    judges, clerks, when = _foot(body)
    main = _operative_part(body, parties_end, bool(judges) or doc_type == "调解书")
    claims = _claims_text(body, parties_end, header_end)
    return Judgment(
        court=court,
        case_no=case_no,
        prior_case_nos=tuple(dict.fromkeys(n[2] for n in numbers if n[2] != case_no)),
        doc_type=doc_type,
        case_kind=kind,
        cause=_cause(body, parties, kind, main),
        parties=parties,
        prosecutor=prosecutor,
        judges=tuple(judges),
        clerks=tuple(clerks),
        filing_date=_filing_date(body),
        judgment_date=when,
        amount_claimed=claimed_amount(claims) if kind != "刑事" else None,
        amount_awarded=awarded_amount(main) if kind != "刑事" else None,
        outcome=outcome_of(body, main, doc_type, kind),
        statutes=_statutes(body),
        claims_text=claims,
    )


def _operative_part(body: str, start: int, has_foot: bool) -> str:
    """The operative part (判决如下 … up to 如不服 / 本判决为终审判决), or ''.

    The last 判决如下 after the court's reasoning (本院认为) opens it; earlier ones quote
    the court below. A text without reasoning or a foot is an excerpt whose 判决如下 can
    only be a quotation (a mediation document has a foot but no reasoning)."""
    reasons = _last(_REASONING, body, start)
    if reasons is None and not has_foot:
        return ""
    opening = _last(_MAIN, body, reasons.end() if reasons else start)
    if opening is None:
        return ""
    end = _MAIN_END.search(body, opening.end())
    return body[opening.end() : end.start() if end else None]


def _last(pattern: re.Pattern[str], text: str, start: int) -> re.Match[str] | None:
    last = None
    for last in pattern.finditer(text, start):  # noqa: B007 - the loop finds the last
        pass
    return last


def _doc_type(title: re.Match[str] | None) -> str | None:
    if title is None:
        return None
    kind = title.group(2).replace(" ", "")
    return kind if kind in ("判决书", "裁定书", "调解书", "决定书", "通知书") else "其他"


def _case_kind(
    title: re.Match[str] | None,
    case_no: str | None,
    parties: tuple[Party, ...],
    prosecutor: str | None,
) -> str | None:
    if title is not None and title.group(1):
        return _KIND_BY_TITLE[title.group(1).replace(" ", "")]
    if case_no is not None:
        return _KIND_BY_CODE.get(case_no_field.case_type(case_no)[0], "其他")
    if prosecutor is not None or any(p.role == "被告人" for p in parties):
        return "刑事"
    return None
