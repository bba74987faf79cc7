"""What a search returns: hits with their filter fields and snippet, and how callers
mask them (`SearchHit.masked`) and send them as JSON (`SearchHit.to_dict`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import tantivy

from jiandu.text.query import snippet


@dataclass(frozen=True)
class SearchHit:
    key: str
    dataset_id: str
    dataset_type: str
    batch_id: str
    row: int
    title: str
    score: float
    court: str | None
    cause: str | None
    case_no: str | None
    doc_type: str | None
    date: date | None
    parties: tuple[str, ...]
    snippet: list[tuple[str, bool]]  # (text, highlighted)

    def masked(
        self,
        scrub: Callable[[str], str | None],
        mask_name: Callable[[str], str | None],
    ) -> SearchHit:
        """This hit as a caller without unmasking sees it: `scrub` (ID and phone numbers
        in free text) over the title and snippet, and every party name of the document
        replaced by `mask_name(name)`, longest first (张三丰 before 张三).

        The callables are the security room's (`scrub_text`, `mask_value("name", …)`),
        passed in because this room does not import it. The snippet is masked as one
        text and cut back into its segments, so a number or name that a highlight splits
        is still masked whole; masks keep the length.
        """
        names = sorted({p for p in self.parties if p}, key=len, reverse=True)

        def transform(text: str) -> str:
            out = scrub(text) or ""
            for name in names:
                out = out.replace(name, mask_name(name) or name)
            if len(out) != len(text):
                raise ValueError("masking must keep the length of the text")
            return out

        joined = transform("".join(text for text, _ in self.snippet))
        segments, cursor = [], 0
        for text, highlighted in self.snippet:
            segments.append((joined[cursor : cursor + len(text)], highlighted))
            cursor += len(text)
        return replace(
            self,
            title=transform(self.title),
            parties=tuple(mask_name(p) or "" for p in self.parties),
            snippet=segments,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the date as ISO text, snippet segments as {text, highlight}."""
        return {
            "key": self.key,
            "dataset_id": self.dataset_id,
            "dataset_type": self.dataset_type,
            "batch_id": self.batch_id,
            "row": self.row,
            "title": self.title,
            "score": round(self.score, 4),
            "court": self.court,
            "cause": self.cause,
            "case_no": self.case_no,
            "doc_type": self.doc_type,
            "date": self.date.isoformat() if self.date else None,
            "parties": list(self.parties),
            "snippet": [{"text": t, "highlight": h} for t, h in self.snippet],
        }


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[SearchHit] = field(default_factory=list)


def day_number(value: date) -> int:
    return value.year * 10_000 + value.month * 100 + value.day


def _date(value: int | None) -> date | None:
    if value is None:
        return None
    return date(value // 10_000, value // 100 % 100, value % 100)


def hit_from_doc(doc: tantivy.Document, score: float, terms: tuple[str, ...]) -> SearchHit:
    def first(name: str) -> Any:
        return doc.get_first(name)

    body = bytes(first("body") or b"").decode()
    return SearchHit(
        key=first("key"),
        dataset_id=first("dataset_id"),
        dataset_type=first("dataset_type"),
        batch_id=first("batch_id"),
        row=int(first("row")),
        title=bytes(first("title") or b"").decode(),
        score=float(score),
        court=first("court"),
        cause=first("cause"),
        case_no=first("case_no"),
        doc_type=first("doc_type"),
        date=_date(first("date")),
        parties=tuple(doc.get_all("parties")),
        snippet=snippet(body, terms),
    )
