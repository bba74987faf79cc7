"""Parsed judgments as rows of the data exchange standard.

One document gives one `judgment_document` row; a document with a case number also gives
its `court_case` row, one `court_party` row per party (with the party's first agent, as
the standard's party table has room for one) and one `court_agent` row per agent of each
party. Values are written as the standard spells them (ISO dates, plain yuan, case numbers
normalised), so the import's cleaning accepts them unchanged; an enum value the standard
does not list (an unusual case-type code) is left empty rather than make the import reject
the whole row.

Several documents of one case (a judgment and a later ruling) give one `court_case` row:
the latest document's values win, with earlier ones filling what it leaves empty.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from jiandu.fields import case_no as case_numbers
from jiandu.text.judgment import Judgment, Party

# court_case.closing_method from the outcome: what kind of ending it was.
CLOSING_METHOD = {
    "支持": "判决",
    "部分支持": "判决",
    "驳回": "判决",
    "有罪": "判决",
    "无罪": "判决",
    "维持": "判决",
    "改判": "判决",
    "调解": "调解",
    "撤诉": "撤诉",
    "发回重审": "其他",
    "其他": "其他",
}
# A 裁定 that dismisses (驳回起诉) closes the case as 驳回; a judgment that dismisses the
# claims (驳回诉讼请求) is still a 判决.
_RULING_DISMISSAL = ("裁定书", "驳回")

#: The columns of each dataset type this module fills, in the standard's order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "judgment_document": (
        "doc_id", "case_no", "court_name", "doc_type", "judgment_date", "cause", "parties",
        "claims_text", "source_file", "full_text",
    ),
    "court_case": (
        "case_no", "court_name", "case_type", "cause", "filing_date", "closing_date",
        "closing_method", "amount_claimed", "amount_awarded", "judgment_date", "outcome",
        "judges", "clerks", "statutes",
    ),
    "court_party": (
        "case_no", "role", "party_type", "name", "sex", "birth_date", "ethnicity",
        "legal_rep", "id_card", "uscc", "address", "agent_name", "agent_firm", "agent_type",
    ),
    "court_agent": (
        "case_no", "party_name", "party_role", "agent_name", "agent_role", "agent_type",
        "agent_firm",
    ),
}  # fmt: skip

Row = dict[str, str | None]


def doc_id(text: str) -> str:
    """A document's id: a digest of its text, so the same document imported twice (from
    a .docx and from a court's JSON export) is recognised as one."""
    compact = "".join(text.split())
    return "WS" + hashlib.sha256(compact.encode("utf-8")).hexdigest()[:20].upper()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    text = str(value).strip()
    return text or None


def _joined(values: Iterable[str]) -> str | None:
    seen = list(dict.fromkeys(v for v in values if v))
    return "、".join(seen) or None


def _case_type(case_no: str, allowed: frozenset[str]) -> str | None:
    try:
        code = case_numbers.case_type(case_no)
    except (ValueError, AttributeError):
        return None
    return code if code in allowed else None


def closing_method(judgment: Judgment) -> str | None:
    if judgment.outcome is None:
        return None
    if judgment.outcome == "驳回" and judgment.doc_type == _RULING_DISMISSAL[0]:
        return "驳回"
    return CLOSING_METHOD.get(judgment.outcome, "其他")


def statute_text(judgment: Judgment) -> str | None:
    return _joined(
        f"《{s.law}》" + (f"第{s.article}条" if s.article is not None else "")
        for s in judgment.statutes
    )


@dataclass
class JudgmentRows:
    """Rows per dataset type, keyed as the standard keys them (later documents win)."""

    case_types: frozenset[str] = frozenset()
    documents: dict[str, Row] = field(default_factory=dict)
    cases: dict[str, Row] = field(default_factory=dict)
    parties: dict[tuple[str, str, str], Row] = field(default_factory=dict)
    agents: dict[tuple[str, str, str], Row] = field(default_factory=dict)

    def add(self, judgment: Judgment, text: str, source_file: str) -> str:
        """Add one parsed document; return its doc_id."""
        key = doc_id(text)
        self.documents[key] = {
            "doc_id": key,
            "case_no": judgment.case_no,
            "court_name": judgment.court,
            "doc_type": judgment.doc_type,
            "judgment_date": _text(judgment.judgment_date),
            "cause": judgment.cause,
            "parties": _joined(p.name for p in judgment.parties),
            "claims_text": judgment.claims_text,
            "source_file": source_file,
            "full_text": text,
        }
        if judgment.case_no is not None:
            self._add_case(judgment)
        return key

    def _add_case(self, judgment: Judgment) -> None:
        number = judgment.case_no
        assert number is not None
        row: Row = {
            "case_no": number,
            "court_name": judgment.court,
            "case_type": _case_type(number, self.case_types),
            "cause": judgment.cause,
            "filing_date": _text(judgment.filing_date),
            "closing_date": _text(judgment.judgment_date),
            "closing_method": closing_method(judgment),
            "amount_claimed": _text(judgment.amount_claimed),
            "amount_awarded": _text(judgment.amount_awarded),
            "judgment_date": _text(judgment.judgment_date),
            "outcome": judgment.outcome,
            "judges": _joined(name for _, name in judgment.judges),
            "clerks": _joined(judgment.clerks),
            "statutes": statute_text(judgment),
        }
        earlier = self.cases.get(number)
        if earlier is not None and _later(earlier, row):
            row = {k: (v if v is not None else earlier.get(k)) for k, v in row.items()}
        elif earlier is not None:
            row = {k: (v if v is not None else row.get(k)) for k, v in earlier.items()}
        self.cases[number] = row
        for party in judgment.parties:
            self._add_party(number, party)

    def _add_party(self, number: str, party: Party) -> None:
        first = party.agents[0] if party.agents else None
        self.parties[(number, party.role, party.name)] = {
            "case_no": number,
            "role": party.role,
            "party_type": party.party_type,
            "name": party.name,
            "sex": party.sex,
            "birth_date": _text(party.birth_date),
            "ethnicity": party.ethnicity,
            "legal_rep": party.legal_rep,
            "id_card": party.id_card,
            "uscc": party.uscc,
            "address": party.address,
            "agent_name": first.name if first else None,
            "agent_firm": first.firm if first else None,
            "agent_type": first.agent_type if first else None,
        }
        for agent in party.agents:
            self.agents[(number, party.name, agent.name)] = {
                "case_no": number,
                "party_name": party.name,
                "party_role": party.role,
                "agent_name": agent.name,
                "agent_role": agent.role,
                "agent_type": agent.agent_type,
                "agent_firm": agent.firm,
            }

    def tables(self) -> dict[str, list[Row]]:
        """Rows per dataset type (types without rows left out)."""
        found = {
            "judgment_document": list(self.documents.values()),
            "court_case": list(self.cases.values()),
            "court_party": list(self.parties.values()),
            "court_agent": list(self.agents.values()),
        }
        return {type_id: rows for type_id, rows in found.items() if rows}


def _later(earlier: Row, row: Row) -> bool:
    """Whether `row` comes from a document dated no earlier than `earlier`'s."""
    old, new = earlier.get("judgment_date"), row.get("judgment_date")
    return old is None or (new is not None and new >= old)
