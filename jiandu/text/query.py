"""A search box's text as a tantivy query, and the snippet that shows why a row matched.

Query semantics are what users of legal databases expect (docs/dev/text.md, "Search"):
space-separated terms are ANDed; each term matches as an exact substring of the text;
`"…"` (or “…”) quotes a phrase with spaces; `-term` excludes. Punctuation and white
space inside a term are not compared (the index does not keep them), so 沪0120刑初684号
also finds “沪0120 刑初684号”.

A term becomes a phrase over the `grams` field (`segment.grams`): its CJK runs as
bigram chains, its ASCII runs as whole tokens. The pieces at the two ends of a term need
care, because the document's runs may go on past them:

- a CJK run of two or more characters is a chain of bigrams that the document has
  whether or not its run is longer;
- a single CJK character at an end of the term is, in the document, the last (or first)
  character of a longer run: the gram there is `?X` (or `X?`) — a regex term;
- an ASCII run at an end may be the tail (or head) of a longer document run (searching
  1380000 finds 13800001234): `.*run` / `run.*`.

Inner pieces are exact. So a pure-CJK term of two or more characters — the common case —
is a plain term or phrase query, and regexes appear only at ASCII or single-character
edges. Ranking adds BM25 on the `words` field for the jieba words of each term (a boost
when a term is a whole word there); filters are scored zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import tantivy

from jiandu.errors import JianduError
from jiandu.text.segment import CJK_CLASS, fold, words

MAX_QUERY_CHARS = 500
MAX_TERMS = 20
WORD_BOOST = 2.0
SNIPPET_CHARS = 120
_SNIPPET_LEAD = 24
# A quoted phrase (ASCII or Chinese quotes; an unclosed quote runs to the end) or a bare
# word, each optionally preceded by "-" (exclude).
_TOKEN = re.compile(r'([-－]?)(?:"([^"]*)"?|“([^”]*)”?|(\S+))')
_RUN = re.compile(f"[{CJK_CLASS}]+|[0-9a-z]+")
_BETWEEN_RUNS = f"[^{CJK_CLASS}0-9a-z]*"
_SPACES = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\u3000": " "})


class QueryError(JianduError):
    """A search query that cannot be run (empty, only exclusions, too long)."""


@dataclass(frozen=True)
class ParsedQuery:
    """The terms of a query: each must occur (`include`) or must not (`exclude`)."""

    include: tuple[str, ...]
    exclude: tuple[str, ...]


def _has_runs(term: str) -> bool:
    return _RUN.search(fold(term)) is not None


def parse_query(text: str) -> ParsedQuery:
    """The terms of `text`; QueryError when nothing searchable is left."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"检索式过长（最多 {MAX_QUERY_CHARS} 个字符）",
            f"the query is too long (at most {MAX_QUERY_CHARS} characters)",
        )
    include: list[str] = []
    exclude: list[str] = []
    for match in _TOKEN.finditer(text):
        minus, ascii_quoted, zh_quoted, bare = match.groups()
        term = next(t for t in (ascii_quoted, zh_quoted, bare) if t is not None)
        if not _has_runs(term):
            continue  # punctuation only: nothing the index can compare
        (exclude if minus else include).append(term)
    if len(include) + len(exclude) > MAX_TERMS:
        raise QueryError(
            f"检索词过多（最多 {MAX_TERMS} 个）", f"too many terms (at most {MAX_TERMS})"
        )
    if not include:
        raise QueryError(
            "请输入至少一个检索词（汉字、字母或数字；以 - 开头的词只用于排除）",
            "enter at least one search term (Chinese characters, letters or digits; "
            "terms starting with - only exclude)",
        )
    return ParsedQuery(tuple(include), tuple(exclude))


@dataclass(frozen=True)
class _Piece:
    """One position of a term's gram phrase: an exact gram, or a regex over grams."""

    text: str
    regex: bool


def term_pieces(term: str) -> list[_Piece]:
    """The gram phrase that finds `term` as a substring (see the module docstring)."""
    folded = fold(term)
    pieces: list[_Piece] = []
    for run in _RUN.finditer(folded):
        value = run.group()
        open_left, open_right = run.start() == 0, run.end() == len(folded)
        if value.isascii():
            head = ".*" if open_left else ""
            tail = ".*" if open_right else ""
            pieces.append(_Piece(f"{head}{value}{tail}", open_left or open_right))
        elif len(value) > 1:
            pieces.extend(_Piece(value[i : i + 2], False) for i in range(len(value) - 1))
        elif open_left and open_right:
            pieces.append(_Piece(f"{value}.?|.{value}", True))
        elif open_left:
            pieces.append(_Piece(f".?{value}", True))
        elif open_right:
            pieces.append(_Piece(f"{value}.?", True))
        else:
            pieces.append(_Piece(value, False))
    return pieces


def grams_query(schema: tantivy.Schema, term: str) -> tantivy.Query:
    """The query on `grams` that matches documents containing `term`."""
    pieces = term_pieces(term)
    if len(pieces) == 1:
        piece = pieces[0]
        if piece.regex:
            return tantivy.Query.regex_query(schema, "grams", piece.text)
        return tantivy.Query.term_query(schema, "grams", piece.text)
    if not any(p.regex for p in pieces):
        return tantivy.Query.phrase_query(schema, "grams", [p.text for p in pieces])
    # Exact pieces are literal regexes too: CJK characters and [0-9a-z] are not special.
    return tantivy.Query.regex_phrase_query(
        schema, "grams", [(i, p.text) for i, p in enumerate(pieces)]
    )


def words_query(schema: tantivy.Schema, terms: tuple[str, ...]) -> list[tantivy.Query]:
    """Boosted `words` term queries for the jieba words of `terms` (ranking only)."""
    seen = {token.text for term in terms for token in words(term)}
    return [
        tantivy.Query.boost_query(tantivy.Query.term_query(schema, "words", word), WORD_BOOST)
        for word in sorted(seen)
    ]


def term_pattern(term: str) -> re.Pattern[str]:
    """A regex that finds `term` in folded text the way the index matches it: its runs
    in order, with anything the index ignores allowed between runs."""
    runs = [run.group() for run in _RUN.finditer(fold(term))]
    return re.compile(_BETWEEN_RUNS.join(re.escape(run) for run in runs))


def _spans(text: str, patterns: list[re.Pattern[str]]) -> list[tuple[int, int, int]]:
    found = [
        (match.start(), match.end(), which)
        for which, pattern in enumerate(patterns)
        for match in pattern.finditer(text)
        if match.end() > match.start()
    ]
    return sorted(found)


def _densest(spans: list[tuple[int, int, int]], width: int) -> int:
    """Start of the window of `width` characters that covers the most distinct terms
    (then the most occurrences), beginning at a match."""
    best, best_start, right = (-1, -1), spans[0][0], 0
    for left, (start, _end, _which) in enumerate(spans):
        right = max(right, left)
        while right + 1 < len(spans) and spans[right + 1][1] <= start + width:
            right += 1
        inside = spans[left : right + 1]
        score = (len({which for _s, _e, which in inside}), len(inside))
        if score > best:
            best, best_start = score, start
    return best_start


def snippet(
    body: str, terms: tuple[str, ...], width: int = SNIPPET_CHARS
) -> list[tuple[str, bool]]:
    """About `width` characters of `body` around its densest cluster of `terms`, as
    (text, highlighted) segments; "…" marks text cut off at either end."""
    text = body.translate(_SPACES)
    spans = _spans(fold(text), [term_pattern(t) for t in terms])
    start = max(0, _densest(spans, width) - _SNIPPET_LEAD) if spans else 0
    end = min(len(text), start + width)
    start = max(0, end - width)
    segments: list[tuple[str, bool]] = [("…", False)] if start > 0 else []
    cursor = start
    for span_start, span_end, _which in spans:
        lo, hi = max(span_start, cursor), min(span_end, end)
        if hi <= lo:
            continue
        if lo > cursor:
            segments.append((text[cursor:lo], False))
        segments.append((text[lo:hi], True))
        cursor = hi
    if cursor < end:
        segments.append((text[cursor:end], False))
    if end < len(text):
        segments.append(("…", False))
    return segments
