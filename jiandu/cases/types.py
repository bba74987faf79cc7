"""Supervision case types: labels, default reply periods and document templates (pure).

A case type says what the procuratorate does with confirmed clues, which document it
issues, to whom, and how long the addressee has to answer. The periods are the ones the
rules set; where a rule gives none (a crime referral), the default is the platform's
follow-up period and says so.

- procuratorial_suggestion 检察建议 → 检察建议书, reply within 2 months
  (《人民检察院检察建议工作规定》第十九条);
- retrial_suggestion 再审检察建议 → 再审检察建议书, 3 months (最高法、最高检《关于对民事
  审判活动与行政诉讼实行法律监督的若干意见（试行）》第七条);
- protest 抗诉 → 民事抗诉书, 30 days (《中华人民共和国民事诉讼法》第二百二十二条);
- filing_supervision 立案监督（通知立案）→ 通知立案书, 15 days (《人民检察院刑事诉讼规则》);
- crime_referral 移送犯罪线索 → 移送犯罪线索函, 30 days (no rule: the follow-up period).

Case statuses are English ids with Chinese labels (`CASE_STATUS_ZH`), like the clue
workflow's.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

from jiandu.errors import JianduError

#: Chinese labels of the case statuses (jiandu.store.schema.CASE_STATUSES).
CASE_STATUS_ZH: dict[str, str] = {
    "open": "办理中",
    "document_issued": "已制发文书",
    "awaiting_reply": "待回复",
    "replied": "已回复",
    "closed": "已办结",
}

#: Statuses in which the addressee's reply is still outstanding (for `overdue`).
AWAITING_STATUSES = frozenset({"document_issued", "awaiting_reply"})


class CaseError(JianduError):
    """A case request that cannot be carried out as asked (bad input, bad state)."""


@dataclass(frozen=True)
class ReplyPeriod:
    """How long the addressee has to answer: whole calendar months plus days."""

    months: int = 0
    days: int = 0
    basis: str | None = None  # the rule that sets the period; None: platform default

    def due(self, issued_at: datetime) -> datetime:
        """The deadline for a document issued at `issued_at` (calendar months, clamped:
        issued 31 December + 2 months → 28/29 February)."""
        month_index = issued_at.month - 1 + self.months
        year = issued_at.year + month_index // 12
        month = month_index % 12 + 1
        day = min(issued_at.day, calendar.monthrange(year, month)[1])
        return issued_at.replace(year=year, month=month, day=day) + timedelta(days=self.days)

    @property
    def label_zh(self) -> str:
        """The period as a document spells it: 两个月, 三个月, 三十日, 十五日."""
        if self.months and not self.days:
            return f"{_chinese_number(self.months, two='两')}个月"
        if self.days and not self.months:
            return f"{_chinese_number(self.days)}日"
        return f"{_chinese_number(self.months, two='两')}个月{_chinese_number(self.days)}日"


@dataclass(frozen=True)
class Template:
    """The fixed wording of one kind of document; the case supplies the rest.

    `doc_code` goes into the document number (文号) after the procuratorate's short
    name: 越检 + 建 + 〔2026〕 + 1号. `basis` is the legal ground for issuing this kind
    of document (the clues' models add the substantive law). `requests` are the default
    demands (建议事项), numbered in the document; a case may give its own.
    """

    id: str
    title: str
    doc_code: str
    opening: str
    basis: tuple[str, ...]
    conclusion: str
    requests_heading: str
    requests: tuple[str, ...]
    reply: str


@dataclass(frozen=True)
class CaseType:
    """One kind of supervision case."""

    id: str
    label_zh: str
    label_en: str
    reply_period: ReplyPeriod
    template: Template
    addressee_hint: str  # who such documents usually go to (shown in help texts)


_ORGANIC_LAW = "《中华人民共和国人民检察院组织法》第二十一条"

_SUGGESTION = Template(
    id="procuratorial_suggestion",
    title="检察建议书",
    doc_code="建",
    opening="本院在履行法律监督职责中发现，{title}。经审查查明：",
    basis=(_ORGANIC_LAW, "《人民检察院检察建议工作规定》"),
    conclusion="本院认为，{law}上述问题应当依法予以纠正。根据{basis}的规定，现提出如下检察建议：",
    requests_heading="建议事项",
    requests=(
        "对上述问题进行全面调查核实，依法依规予以纠正；",
        "查找问题产生的原因，健全完善相关工作制度，加强监督管理，防止类似问题再次发生；",
        "对相关责任人员依法依规作出处理。",
    ),
    reply="请你单位自收到本检察建议书之日起{period}以内，将采纳检察建议及整改落实情况书面回复本院。",
)

_RETRIAL = Template(
    id="retrial_suggestion",
    title="再审检察建议书",
    doc_code="民再建",
    opening="本院在履行法律监督职责中发现，{title}。经审查查明：",
    basis=("《中华人民共和国民事诉讼法》第二百一十九条", "《人民检察院民事诉讼监督规则》"),
    conclusion="本院认为，{law}该生效裁判存在应当再审的情形。根据{basis}的规定，特提出再审检察建议：",
    requests_heading="建议事项",
    requests=("依法对本案进行再审。",),
    reply="请你院自收到本再审检察建议书之日起{period}以内进行审查，并将审查结果书面回复本院。",
)

_PROTEST = Template(
    id="protest",
    title="民事抗诉书",
    doc_code="民抗",
    opening="本院在履行法律监督职责中发现，{title}。经审查查明：",
    basis=(
        "《中华人民共和国民事诉讼法》第二百一十九条",
        "《中华人民共和国民事诉讼法》第二百二十二条",
    ),
    conclusion="本院认为，{law}该生效裁判确有错误。根据{basis}的规定，本院提出抗诉：",
    requests_heading="抗诉请求",
    requests=("依法对本案进行再审，撤销原裁判，依法改判。",),
    reply="请你院自收到本抗诉书之日起{period}以内作出再审的裁定，并将裁定书送达本院。",
)

_FILING = Template(
    id="filing_supervision",
    title="通知立案书",
    doc_code="刑通立",
    opening="本院在履行法律监督职责中发现，{title}。经审查查明：",
    basis=("《中华人民共和国刑事诉讼法》第一百一十三条",),
    conclusion="本院认为，{law}该案符合立案条件，你单位不立案的理由不能成立。根据{basis}的规定，通知你单位：",
    requests_heading="通知事项",
    requests=("依法对该案立案侦查。",),
    reply="请你单位在收到本通知书后{period}以内立案，并将立案决定书复印件送达本院。",
)

_REFERRAL = Template(
    id="crime_referral",
    title="移送犯罪线索函",
    doc_code="刑移",
    opening="本院在履行法律监督职责中发现，{title}。经审查查明：",
    basis=("《中华人民共和国刑事诉讼法》第一百一十条",),
    conclusion="本院认为，{law}上述情况涉嫌犯罪。根据{basis}的规定，现将该犯罪线索移送你单位：",
    requests_heading="移送事项",
    requests=("依法审查处理；", "将处理结果书面函告本院。"),
    reply="请你单位自收到本函之日起{period}以内将处理情况书面函告本院。",
)

#: Every case type, by id (the order in which lists show them).
CASE_TYPES: dict[str, CaseType] = {
    case_type.id: case_type
    for case_type in (
        CaseType(
            id="procuratorial_suggestion",
            label_zh="检察建议",
            label_en="procuratorial suggestion",
            reply_period=ReplyPeriod(months=2, basis="《人民检察院检察建议工作规定》第十九条"),
            template=_SUGGESTION,
            addressee_hint="被建议的行政机关、单位 / the agency or organisation concerned",
        ),
        CaseType(
            id="retrial_suggestion",
            label_zh="再审检察建议",
            label_en="retrial suggestion",
            reply_period=ReplyPeriod(
                months=3,
                basis="《最高人民法院、最高人民检察院关于对民事审判活动与行政诉讼"
                "实行法律监督的若干意见（试行）》第七条",
            ),
            template=_RETRIAL,
            addressee_hint="作出生效裁判的同级人民法院 / the court that gave the judgment",
        ),
        CaseType(
            id="protest",
            label_zh="抗诉",
            label_en="protest (kangsu)",
            reply_period=ReplyPeriod(days=30, basis="《中华人民共和国民事诉讼法》第二百二十二条"),
            template=_PROTEST,
            addressee_hint="同级人民法院 / the court at the same level",
        ),
        CaseType(
            id="filing_supervision",
            label_zh="立案监督（通知立案）",
            label_en="case-filing supervision (notice to file)",
            reply_period=ReplyPeriod(days=15, basis="《人民检察院刑事诉讼规则》"),
            template=_FILING,
            addressee_hint="公安机关 / the public security organ",
        ),
        CaseType(
            id="crime_referral",
            label_zh="移送犯罪线索",
            label_en="crime lead referral",
            reply_period=ReplyPeriod(days=30),
            template=_REFERRAL,
            addressee_hint="公安机关、监察机关 / the police or the supervisory commission",
        ),
    )
}

#: Every template, by id (each case type's own; a case may use another's).
TEMPLATES: dict[str, Template] = {t.template.id: t.template for t in CASE_TYPES.values()}


def case_type(type_id: str) -> CaseType:
    """The case type `type_id`; `CaseError` listing the known ones otherwise.

    The Chinese label is accepted too (`检察建议`), as people type it.
    """
    found = CASE_TYPES.get(type_id)
    if found is None:
        found = next((t for t in CASE_TYPES.values() if t.label_zh == type_id), None)
    if found is None:
        known_zh = "、".join(f"{t.id}（{t.label_zh}）" for t in CASE_TYPES.values())
        raise CaseError(
            f"没有案件类型 {type_id!r}；可选：{known_zh}",
            f"no case type {type_id!r}; known types: {', '.join(CASE_TYPES)}",
        )
    return found


def template(template_id: str) -> Template:
    """The document template `template_id`; `CaseError` listing the known ones otherwise."""
    found = TEMPLATES.get(template_id)
    if found is None:
        raise CaseError(
            f"没有文书模板 {template_id!r}；可选：{'、'.join(TEMPLATES)}",
            f"no document template {template_id!r}; known templates: {', '.join(TEMPLATES)}",
        )
    return found


_DIGITS = "〇一二三四五六七八九"


def _chinese_number(value: int, *, two: str = "二") -> str:
    """0–99 in Chinese numerals as periods are written: 十五, 三十, 两 (with two='两')."""
    if not 0 <= value < 100:
        raise ValueError(f"{value} is outside 0..99")
    if value == 2:
        return two
    tens, ones = divmod(value, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[ones] if ones else ''}"


def chinese_date(moment: datetime) -> str:
    """A date as procuratorial documents write it: 二〇二六年十一月二十五日."""
    year = "".join(_DIGITS[int(d)] for d in f"{moment.year:04d}")
    return f"{year}年{_chinese_number(moment.month)}月{_chinese_number(moment.day)}日"
