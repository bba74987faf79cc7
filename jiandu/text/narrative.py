"""Defendants named only in the narrative of a criminal judgment.

Many published criminal judgments (and the excerpts court systems export) drop the party
section: the text runs from the case number straight into "…检察院以…起诉书指控被告人
黄某犯贩卖毒品罪". The defendants are still named, just in sentences. This module reads
them from those sentences, for documents where `parse_parties` found no party section:

- the charge: 指控(原审)被告人A、B犯X罪(、C、D犯Y罪)…, the most reliable statement;
- every other person the text introduces as 被告人 / 原审被告人 / 上诉人 / 被告单位
  (`jiandu.text.mentions`), in order of first appearance;
- counsel: "A及其辩护人Y", "被告人A的辩护人Y", "被告人A及辩护人Y到庭".

Nothing else about a defendant (sex, birth date) is guessed from the narrative.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from jiandu.text.mentions import mentions
from jiandu.text.parties import Agent, Party, party_type

_HAN = "\u4e00-\u9fff\u3400-\u4dbf"


def _name(lazy: str = "") -> str:
    """A name: 2-4 Han characters, or a masked form (张某, 李某甲, 张3, 刘XX); `lazy="?"`
    makes the plain form as short as the text after it allows."""
    return rf"[{_HAN}](?:[{_HAN}]{{1,3}}{lazy}|某[{_HAN}]?|[0-9xX]{{1,2}}|某某)"


_NAME = _name()
_NAMES = rf"{_NAME}(?:、{_NAME})*"
_CHARGE = re.compile(
    rf"指控(?:原审)?被告(?:人|单位)(?P<names>{_NAMES})(?:等(?:[0-9一二三四五六七八九十]+人)?)?"
    rf"(?:犯|涉嫌|构成)[{_HAN}、]{{1,40}}?罪(?P<more>(?:[、，,](?:原审)?(?:被告人)?{_NAMES}"
    rf"(?:犯|涉嫌)[{_HAN}、]{{1,40}}?罪)*)"
)
_MORE = re.compile(rf"[、，,](?:原审)?(?:被告人)?(?P<names>{_NAMES})(?:犯|涉嫌)")
_DEFENDANT_ROLES = ("被告人", "原审被告人", "上诉人", "被告单位", "原审被告单位")
# "被告人A及其辩护人Y、Z到庭", "被告人A及…法律援助处指派的辩护人Y", "被告人A、辩护人Y".
_LAZY_NAME = _name("?")
_COUNSEL = re.compile(
    rf"(?:被告(?:人)?)?(?P<party>{_LAZY_NAME})(?:及其|及|的|、)(?:[^，。；、]{{0,24}}?指派的)?"
    rf"(?:指定)?辩护人(?P<agents>{_LAZY_NAME}(?:、{_LAZY_NAME})*)(?=[均等到出参提认称对发向在，,。；;]|$)"
)


def _names(group: str) -> list[str]:
    return [name for name in group.split("、") if name]


def narrative_defendants(text: str) -> tuple[Party, ...]:
    """The defendants a criminal judgment names in its sentences (see module doc)."""
    found: list[str] = []
    for match in _CHARGE.finditer(text):
        found += _names(match.group("names"))
        for more in _MORE.finditer(match.group("more") or ""):
            found += _names(more.group("names"))
    charged = set(found)
    for mention in mentions(text):
        if mention.kind == "person" and mention.value in _DEFENDANT_ROLES:
            found.append(mention.text)
    # A name the narrative runs on into the next word (田伟犯, 王垒获) extends a name
    # found already; keep the shorter one.
    names = list(dict.fromkeys(found))
    ordered = [
        name
        for name in names
        if name in charged or not any(o != name and name.startswith(o) for o in names)
    ]
    counsel: dict[str, list[str]] = {}
    for match in _COUNSEL.finditer(text):
        party = match.group("party")
        if party not in ordered:
            continue
        for agent in _names(match.group("agents")):
            if agent not in counsel.setdefault(party, []):
                counsel[party].append(agent)
    return tuple(_defendant(name, counsel.get(name, ())) for name in ordered)


def _defendant(name: str, counsel: Sequence[str]) -> Party:
    kind = party_type(name)
    return Party(
        role="被告人",
        role_text="被告单位" if kind == "org" else "被告人",
        name=name,
        party_type=kind,
        sex=None,
        birth_date=None,
        ethnicity=None,
        id_card=None,
        uscc=None,
        address=None,
        legal_rep=None,
        agents=tuple(Agent(name=a, role="辩护人", agent_type=None, firm=None) for a in counsel),
    )
