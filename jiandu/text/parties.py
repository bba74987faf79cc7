"""The party section of a judgment: parties, their agents, the prosecutor.

After the case number every judgment lists who is before the court, one entry each:
a role word (原告, 被上诉人（原审原告）, 被告人 …), a name, then what identifies them
(sex, birth date, ethnicity, address, ID number; for an organisation its seat, credit code
and legal representative). Agents follow the party they act for (委托诉讼代理人 X，Y律师事务所
律师; 辩护人 X). The section ends where the narrative starts (…一案, 诉称, 起诉书指控 …).

The section is cut into entries at role words that open a clause (after a full stop, a
semicolon, a comma or a space), so that 原告 inside 系原告之子 is not a new party; a
role word must be followed by a name that a clause separator ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from jiandu.text.numerals import DATE_RE, parse_date


@dataclass(frozen=True)
class Agent:
    """Someone acting for a party: a lawyer, a legal worker, a relative, a guardian."""

    name: str
    role: str
    agent_type: str | None
    firm: str | None


@dataclass(frozen=True)
class Party:
    """One party as the party section lists it (field meanings: docs/dev/text.md)."""

    role: str
    role_text: str
    name: str
    party_type: str
    sex: str | None
    birth_date: date | None
    ethnicity: str | None
    id_card: str | None
    uscc: str | None
    address: str | None
    legal_rep: str | None
    agents: tuple[Agent, ...]


_HAN = "\u4e00-\u9fff\u3400-\u4dbf"
_ROLE_MAP = {
    "原告": "原告",
    "原告人": "原告",
    "原审原告": "原告",
    "一审原告": "原告",
    "附带民事诉讼原告人": "原告",
    "附带民事诉讼原告": "原告",
    "自诉人": "原告",
    "起诉人": "原告",
    "被告": "被告",
    "原审被告": "被告",
    "一审被告": "被告",
    "附带民事诉讼被告人": "被告",
    "附带民事诉讼被告": "被告",
    "第三人": "第三人",
    "原审第三人": "第三人",
    "一审第三人": "第三人",
    "申请人": "申请人",
    "复议申请人": "申请人",
    "被申请人": "被申请人",
    "上诉人": "上诉人",
    "原审上诉人": "上诉人",
    "被上诉人": "被上诉人",
    "申请执行人": "申请执行人",
    "被执行人": "被执行人",
    "再审申请人": "再审申请人",
    "申请再审人": "再审申请人",
    "被告人": "被告人",
    "原审被告人": "被告人",
    "被告单位": "被告人",
}
_OTHER_ROLES = ("罪犯", "申诉人", "被申诉人", "异议人", "案外人", "利害关系人", "被执行人的配偶")
_PROSECUTOR_ROLES = ("公诉机关", "原公诉机关", "抗诉机关", "原审公诉机关", "起诉机关")
_PARTY_WORDS = sorted(
    (*_ROLE_MAP, *_OTHER_ROLES, *_PROSECUTOR_ROLES),
    key=len,
    reverse=True,
)
_AGENT_WORDS = (
    "委托诉讼代理人",
    "委托代理人",
    "特别授权代理人",
    "诉讼代理人",
    "指定代理人",
    "指定辩护人",
    "辩护人",
    "法定代理人",
    "诉讼代表人",
)
_PAREN = r"[（(][^（）()]{1,30}[）)]"
_PARTY_ALT = "|".join(_PARTY_WORDS)
_AGENT_ALT = "|".join(_AGENT_WORDS)
# A role word opens an entry after a separator, or anywhere when a colon follows it (some
# sources run 住济南市委托诉讼代理人：… together).
_OPEN = (
    r"(?:^|(?<=[。；;，,\s）)号:：×*0-9])"
    rf"|(?=(?:{_PARTY_ALT}|{_AGENT_ALT})(?:{_PAREN})? ?[:：]))"
)
_NAME = r"(?:[^，,。；;：:\s（(]|[（(][^（）()]{0,30}[）)]){1,60}?"
_NAME_END = (
    r"(?=[，,。；;]|\s|$|[（(](?:系|与|曾用名|又名|别名|特别授权|一般授权|男|女|以下简称|"
    r"反诉|原审|一审|二审|本诉))"
)
# Agents for several parties: 以上被告共同委托…, 二原告委托…, 上列附带民事诉讼原告人的诉讼代理人…
_JOINT = (
    r"(?:以上|上列|上述)[^，,。；;：:\s]{0,14}?(?:共同|的)?"
    r"|[二两三四五六七八九十]+(?:名|个)?(?:原告|被告|上诉人|被上诉人|申请人|被申请人|第三人)"
    r"(?:共同)?|共同"
)
_ENTRY = re.compile(
    f"{_OPEN}(?:"
    rf"(?P<party>{_PARTY_ALT})(?P<paren>{_PAREN})?"
    rf"|(?P<joint>{_JOINT})?(?P<agent>{_AGENT_ALT})(?:暨[^，,。；;：:\s]{{0,6}}?(?:代理人|辩护人))?"
    rf"(?:{_PAREN})?"
    r")(?!之|的|系|及其|与|和|等)(?: ?[:：] ?| ?)"
    rf"(?P<name>{_NAME}){_NAME_END}"
)
_SECTION_END = re.compile(
    r"诉称|辩称|向本院提出|向本院提起|向本院申请|起诉书指控|提起公诉|一案|本院于|本院受理|"
    r"受理后|审理终结|经审理查明|本院认为|(?<![变更弃认])诉讼请求|不服|申请再审|检察院以|请求判令|请求依法|"
    r"本院在执行|本院在审理|本院依法|指控|法院审理"
)
_ORG_SUFFIX = re.compile(
    r"(?:公司|厂|店|社|行|中心|委员会|局|院|所|部|站|会|处|集团|学校|医院|队|厅|办|馆|场|"
    r"政府|门市|商行|协会|基金|银行|支行|分行|合伙|企业|农场|研究所|联社|经营部|小组)$"
)
_ORG_MARK = re.compile(r"住所地|统一社会信用代码|法定代表人|组织机构代码|注册号|负责人|经营场所")
_SEX = re.compile(r"(?:[，,]|性别[:：]?) ?(男|女) ?(?=[，,。；;]|$)")
_BIRTH = re.compile(
    rf"(?:出生于|出生日期[:：]?|生于|出生年月日[:：]?) ?(?P<d>{DATE_RE.pattern})"
    rf"|(?P<e>{DATE_RE.pattern}) ?(?:出生|生)"
)
_ETHNIC = re.compile(rf"(?:[，,]|民族[:：]?) ?([{_HAN}]{{1,5}}?族)(?=[，,。；;]|$)")
# A resident ID number (18 digits, or 15 before 1999) with a plausible birth month in it,
# so that an account number is not taken for one.
_ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])([0-9]{6}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])[0-9]{5}[0-9Xx]"
    r"|[0-9]{8}(?:0[1-9]|1[0-2])[0-9]{5})(?![0-9A-Za-z])"
)
_USCC = re.compile(r"统一社会信用代码[:：]? ?([0-9A-Z]{18})")
_ADDRESS = re.compile(
    r"(?:(?<=[，,。；;\s）):：])|^)(?:住所地|住所|住址|经常居住地|现住址|现住|暂住地|暂住|户籍所在地|"
    r"户籍地|户籍|住)(?:在|于|为)?[:：]? ?([^，,。；;]{2,80})"
)
_LEGAL_REP = re.compile(
    r"(?:法定代表人|负责人|经营者|主要负责人|执行事务合伙人)[:：]? ?([^，,。；;：:\s]{1,20})"
)
_FIRM = re.compile(
    rf"([{_HAN}A-Za-z0-9（）()]{{2,40}}?(?:律师事务所|法律服务所|法律服务中心|法律事务所))"
)
_AID = re.compile(rf"([{_HAN}]{{2,30}}?法律援助中心)")
_CITIZEN = re.compile(r"系|男|女|出生|住|职工|员工|工作人员|之[父母子女夫妻兄弟姐妹]|亲属|推荐")
_TRAILING_PAREN = re.compile(r"(?<=.)[（(][^（）()]*[）)]?$")
_REMARK = re.compile(
    r"[（(](?:曾用名|又名|别名|化名|绰号|小名|反诉|原审|一审|二审|本诉|系|以下简称).*$"
)


def _section_bounds(text: str, start: int) -> tuple[int, int]:
    end = _SECTION_END.search(text, start)
    return start, end.start() if end else len(text)


def party_type(name: str, details: str = "") -> str:
    """person or org: by the name's ending, or by what the party's details mention."""
    if _ORG_SUFFIX.search(name) or "公司" in name or _ORG_MARK.search(details):
        return "org"
    return "person"


def _party(role_text: str, base: str, raw_name: str, details: str) -> Party:
    kind = party_type(_REMARK.sub("", raw_name), details)
    person = kind == "person"
    name = _clean_name(raw_name, person)
    sex = _SEX.search(details) if person else None
    birth = _BIRTH.search(details) if person else None
    ethnic = _ETHNIC.search(details) if person else None
    id_card = _ID_CARD.search(details) if person else None
    uscc = _USCC.search(details)
    address = _ADDRESS.search(details)
    legal_rep = _LEGAL_REP.search(details) if not person else None
    return Party(
        role=_ROLE_MAP.get(base, "其他"),
        role_text=role_text,
        name=name,
        party_type=kind,
        sex=sex.group(1) if sex else None,
        birth_date=_birth(birth),
        ethnicity=ethnic.group(1) if ethnic else None,
        id_card=id_card.group(1) if id_card else None,
        uscc=uscc.group(1) if uscc else None,
        address=address.group(1).strip() if address else None,
        legal_rep=legal_rep.group(1) if legal_rep else None,
        agents=(),
    )


def _birth(match: re.Match[str] | None) -> date | None:
    if match is None:
        return None
    inner = DATE_RE.search(match.group("d") or match.group("e"))
    return parse_date(inner) if inner else None


def _agents(role: str, names: str, details: str) -> list[Agent]:
    firm_match = _FIRM.search(details) or _AID.search(details)
    firm = firm_match.group(1) if firm_match else None
    if firm is not None:
        firm = re.split(r"指派的?|推荐的?|的", firm)[-1] or None
    if "律师" in details and "律师事务所" in (firm or "律师事务所"):
        kind: str | None = "律师"
    elif "法律工作者" in details or "法律服务" in details:
        kind = "法律工作者"
    elif role == "法定代理人" or _CITIZEN.search(details):
        kind = "公民"
    elif details.strip(" ，,。；;"):
        kind = "其他"
    else:
        kind = None
    return [Agent(n, role, kind, firm) for n in names.split("、") if n]


_SELF_REPORTED = re.compile(r"^(?:自报|自称|户籍登记为)")
# A person's entry whose "name" runs on is a sentence about them (被告人张三因涉嫌…):
# the name ends where such a word starts.
_RUN_ON = re.compile(r"(?<=..)(?:因|曾|于|系|以|在|经|被|涉嫌|犯|自|现|又)")
_MAX_PERSON = 6


def _clean_name(name: str, person: bool) -> str:
    """The name without a remark: 张三（曾用名张四） → 张三; a person's trailing bracket is
    always a remark (董某（董某1父亲）), an organisation's may be part of its name."""
    name = _REMARK.sub("", name).strip()
    if not person:
        return name
    name = _SELF_REPORTED.sub("", _TRAILING_PAREN.sub("", name))
    if len(name) > _MAX_PERSON and "·" not in name:
        cut = _RUN_ON.search(name)
        name = name[: cut.start()] if cut else name
    return name


def parse_parties(text: str, start: int) -> tuple[tuple[Party, ...], str | None, int]:
    """Parties (with their agents), the prosecutor and where the party section ends."""
    begin, end = _section_bounds(text, start)
    # Searched to the end of the text so that a name must end at a separator, never at the
    # section's edge (原告张三诉称 is narrative, not an entry).
    entries = []
    for entry in _ENTRY.finditer(text, begin):
        if entry.end() > end:
            break
        entries.append(entry)
    parties: list[Party] = []
    agents: list[list[Agent]] = []
    prosecutor: str | None = None
    for index, entry in enumerate(entries):
        stop = entries[index + 1].start() if index + 1 < len(entries) else end
        details = text[entry.end() : stop]
        raw_name = entry.group("name")
        if entry.group("party"):
            base = entry.group("party")
            if base in _PROSECUTOR_ROLES:
                prosecutor = prosecutor or _clean_name(raw_name, person=False) or None
                continue
            role_text = base + (entry.group("paren") or "")
            party = _party(role_text, base, raw_name, details)
            if party.name and not _repeats(party, raw_name, parties):
                parties.append(party)
                agents.append([])
        elif parties:
            name = _clean_name(raw_name, person=True)
            found = _agents(entry.group("agent"), name, details) if name else []
            targets = _joint_targets(entry.group("joint"), parties)
            for target in targets or [len(parties) - 1]:
                agents[target].extend(found)
    if parties:
        end = max(end, entries[-1].end())
    result = tuple(
        Party(**{**party.__dict__, "agents": tuple(found)})
        for party, found in zip(parties, agents, strict=True)
    )
    return result, prosecutor, end if parties or prosecutor else start


def _repeats(party: Party, raw_name: str, parties: list[Party]) -> bool:
    """A second entry for a party already listed, cut from a sentence about them."""
    return party.name != raw_name and any(
        p.name == party.name and p.role == party.role for p in parties
    )


_BASE = re.compile(r"[（(].*$")


def _joint_targets(joint: str | None, parties: list[Party]) -> list[int]:
    if not joint:
        return []
    bases = {_BASE.sub("", p.role_text) for p in parties}
    named = {b for b in bases if b in joint}
    # 原告 is inside 附带民事诉讼原告人: the longest role named wins.
    named = {b for b in named if not any(b != other and b in other for other in named)}
    return [i for i, p in enumerate(parties) if _BASE.sub("", p.role_text) in named]
