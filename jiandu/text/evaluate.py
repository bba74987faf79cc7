"""Field-level precision and recall of the judgment parser against hand-labelled gold.

A gold record's `labels` (docs/dev/text.md, "Gold set") say what a document holds; a field
missing from `labels` was not labelled and is not scored, `null` means "the document does
not say" and is scored (a value the parser invents there is a false positive).

How each field counts (true positives, false positives, false negatives):
- scalar fields (court, case_no, doc_type, case_kind, cause, prosecutor, judgment_date,
  amount_claimed): a right value is a TP; a wrong value is both an FP and an FN; a value
  where gold is null is an FP; nothing where gold has a value is an FN.
- parties: the set of (role, name) pairs; `party_names` the set of names alone. The
  attributes party_type, sex and birth_date are scored as scalars over the parties found
  by name (a gold party the parser missed counts its attributes as FNs).
- agents: the set of (party name, agent name) pairs; firm and agent_type as scalars over
  the agents found.
- judges, clerks: sets of names. statute_articles: the set of Criminal Law article numbers
  the parser cites from 《中华人民共和国刑法》 against JuDGE's `la` labels.

Names are compared with whitespace removed; everything else as written in the standard.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from jiandu.text.judgment import Judgment

SCALARS = (
    "court",
    "case_no",
    "doc_type",
    "case_kind",
    "cause",
    "prosecutor",
    "judgment_date",
    "amount_claimed",
)
PARTY_ATTRIBUTES = ("party_type", "sex", "birth_date")
AGENT_ATTRIBUTES = ("firm", "agent_type")
#: The fields the closing note reports, in order.
FIELDS = (
    "court",
    "case_no",
    "doc_type",
    "case_kind",
    "cause",
    "prosecutor",
    "parties",
    "party_names",
    *(f"party.{a}" for a in PARTY_ATTRIBUTES),
    "agents",
    *(f"agent.{a}" for a in AGENT_ATTRIBUTES),
    "judges",
    "clerks",
    "judgment_date",
    "amount_claimed",
    "statute_articles",
)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None if p is None or r is None else 0.0
        return 2 * p * r / (p + r)

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


@dataclass
class Mistake:
    doc_id: str
    field: str
    gold: Any
    parsed: Any


@dataclass
class Evaluation:
    documents: int = 0
    scores: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in FIELDS})
    mistakes: list[Mistake] = field(default_factory=list)

    def as_rows(self) -> list[dict[str, Any]]:
        rows = []
        for name in FIELDS:
            score = self.scores[name]
            if score.tp + score.fp + score.fn == 0:
                continue
            rows.append(
                {
                    "field": name,
                    "tp": score.tp,
                    "fp": score.fp,
                    "fn": score.fn,
                    "precision": score.precision,
                    "recall": score.recall,
                    "f1": score.f1,
                }
            )
        return rows


def _squash(value: Any) -> Any:
    if isinstance(value, str):
        squashed = "".join(value.split())
        return squashed or None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        try:
            return Decimal(str(value)).normalize()
        except InvalidOperation:
            return value
    return value


def _scalar(gold: Any, parsed: Any) -> Score:
    g, p = _squash(gold), _squash(parsed)
    if g is None and p is None:
        return Score()
    if g == p:
        return Score(tp=1)
    return Score(fp=int(p is not None), fn=int(g is not None))


def _sets(gold: Iterable[Any], parsed: Iterable[Any]) -> Score:
    g, p = set(gold), set(parsed)
    return Score(tp=len(g & p), fp=len(p - g), fn=len(g - p))


def _name(value: Any) -> str:
    return "".join(str(value).split()) if value is not None else ""


def _person_name(person: Any) -> str:
    # Gold judges/clerks are names, or [role, name] pairs.
    if isinstance(person, list | tuple):
        return _name(person[-1])
    return _name(person)


class Scorer:
    """Accumulates scores document by document."""

    def __init__(self) -> None:
        self.result = Evaluation()

    def _count(self, doc_id: str, name: str, score: Score, gold: Any, parsed: Any) -> None:
        self.result.scores[name].add(score)
        if score.fp or score.fn:
            self.result.mistakes.append(Mistake(doc_id, name, gold, parsed))

    def add(self, doc_id: str, labels: Mapping[str, Any], judgment: Judgment) -> None:
        self.result.documents += 1
        for name in SCALARS:
            if name in labels:
                parsed = getattr(judgment, name)
                self._count(doc_id, name, _scalar(labels[name], parsed), labels[name], parsed)
        if labels.get("parties") is not None:
            self._parties(doc_id, labels["parties"], judgment)
        if labels.get("agents") is not None:
            self._agents(doc_id, labels["agents"], judgment)
        for name, parsed_names in (
            ("judges", [n for _, n in judgment.judges]),
            ("clerks", list(judgment.clerks)),
        ):
            if name in labels:
                gold_names = [_person_name(p) for p in labels[name] or ()]
                parsed_set = [_name(n) for n in parsed_names]
                self._count(doc_id, name, _sets(gold_names, parsed_set), gold_names, parsed_set)
        if labels.get("statute_articles") is not None:
            parsed_articles = [
                s.article
                for s in judgment.statutes
                if s.article is not None and s.law.endswith("中华人民共和国刑法")
            ]
            gold_articles = list(labels["statute_articles"])
            self._count(
                doc_id,
                "statute_articles",
                _sets(gold_articles, parsed_articles),
                sorted(gold_articles),
                sorted(parsed_articles),
            )

    def _parties(self, doc_id: str, gold: list[dict[str, Any]], judgment: Judgment) -> None:
        gold_pairs = [(p.get("role"), _name(p.get("name"))) for p in gold]
        parsed_pairs = [(p.role, _name(p.name)) for p in judgment.parties]
        self._count(doc_id, "parties", _sets(gold_pairs, parsed_pairs), gold_pairs, parsed_pairs)
        gold_names = [n for _, n in gold_pairs]
        parsed_names = [n for _, n in parsed_pairs]
        self._count(
            doc_id, "party_names", _sets(gold_names, parsed_names), gold_names, parsed_names
        )
        found = {_name(p.name): p for p in judgment.parties}
        for party in gold:
            match = found.get(_name(party.get("name")))
            self._attributes(doc_id, "party", PARTY_ATTRIBUTES, party, match)

    def _agents(self, doc_id: str, gold: list[dict[str, Any]], judgment: Judgment) -> None:
        parsed_agents = {
            (_name(party.name), _name(agent.name)): agent
            for party in judgment.parties
            for agent in party.agents
        }
        gold_keys = [(_name(a.get("for")), _name(a.get("name"))) for a in gold]
        self._count(
            doc_id, "agents", _sets(gold_keys, parsed_agents), gold_keys, sorted(parsed_agents)
        )
        for key, agent in zip(gold_keys, gold, strict=True):
            self._attributes(doc_id, "agent", AGENT_ATTRIBUTES, agent, parsed_agents.get(key))

    def _attributes(
        self,
        doc_id: str,
        kind: str,
        attributes: tuple[str, ...],
        gold: Mapping[str, Any],
        match: object | None,
    ) -> None:
        """Score the labelled `attributes` of one gold party or agent against the parsed
        one found for it (`match`; None: every labelled value is missed)."""
        for attribute in attributes:
            if attribute not in gold:
                continue
            parsed = getattr(match, attribute) if match is not None else None
            self._count(
                doc_id,
                f"{kind}.{attribute}",
                _scalar(gold[attribute], parsed),
                (gold.get("name"), gold[attribute]),
                (gold.get("name"), parsed),
            )


def evaluate(
    docs: Iterable[tuple[str, str, Mapping[str, Any]]],
    parse: Callable[[str], Judgment],
) -> Evaluation:
    """Score `parse` over (doc id, text, labels) triples."""
    scorer = Scorer()
    for doc_id, text, labels in docs:
        scorer.add(doc_id, labels, parse(text))
    return scorer.result
