"""Chinese text as search terms: jieba words and CJK character bigrams, with offsets.

Two views of the same text feed the search index (docs/dev/text.md, "Search"):

- `words`: jieba search-mode segmentation (a long word also yields its shorter words:
  上海市奉贤区人民法院 → 上海 上海市 奉贤 奉贤区 人民 法院 人民法院 …). Words rank a
  document higher when the query is a whole word in it.
- `grams`: CJK character bigrams within each run of CJK characters (a run of one
  character is a unigram), and ASCII letter/digit runs as whole tokens. Bigrams are
  for recall: a segmenter does not know most personal names, company names or unusual
  terms and may cut them apart (张三丰 → 张 三丰); every substring of two or more
  characters, however, is a bigram or a chain of bigrams. So a two-character name is
  one bigram term and a longer name a bigram phrase, found whatever jieba made of it.

Segmentation is jieba-rs through `rjieba`: the Rust port of jieba, several times faster
than the Python jieba, with its dictionary compiled into the extension (nothing is
downloaded or read from disk at run time), MIT-licensed. A small legal dictionary
(`LEGAL_TERMS`) is added at import, so 民间借贷, 委托诉讼代理人, 判决如下 stay whole
words instead of being split by the general-purpose dictionary.

Text is *folded* first, one character for one character so offsets stay valid:
full-width letters and digits (ＡＢＣ１２３) become ASCII, and ASCII letters lower case.
Everything that is neither a CJK character nor an ASCII letter or digit (punctuation,
white space, other scripts) separates tokens and is never a token itself.

The index does not take `Token` objects: building a Python object per token and handing
it over costs ~20× what the rest of indexing does (measured: 6.5 ms against 0.3 ms per
1,700-character judgment for tantivy's part). `word_terms`/`gram_terms` give the same
tokens as one space-joined string instead, which tantivy splits on white space in Rust;
positions come out the same, and the index stores no offsets (snippets are computed from
the stored body). `words`/`grams` (with offsets) serve queries, snippets and tests, and
tests hold the two forms equal.
"""

from __future__ import annotations

import re
from functools import cache
from types import ModuleType
from typing import NamedTuple

import numpy as np

#: Words the general dictionary lacks or cuts badly; added to jieba once, on first use.
LEGAL_TERMS: tuple[str, ...] = (
    "民间借贷", "民间借贷纠纷", "借款合同纠纷", "买卖合同纠纷", "金融借款合同纠纷",
    "委托诉讼代理人", "委托代理人", "法定代理人", "法定代表人", "诉讼代表人", "指定辩护人",
    "诉讼请求", "事实和理由", "判决如下", "裁定如下", "本院认为", "经审理查明",
    "人民法院", "人民检察院", "公诉机关", "原审被告", "原审原告", "被上诉人", "再审申请人",
    "申请执行人", "被执行人", "第三人", "书记员", "审判长", "审判员", "人民陪审员",
    "案件受理费", "诉讼费用", "逾期利息", "律师事务所", "法律服务所", "有期徒刑",
    "缓刑", "罚金", "拘役", "管制", "驳回", "撤诉", "调解书", "判决书", "裁定书",
)  # fmt: skip


@cache
def _jieba() -> ModuleType:
    """rjieba, with the legal terms added. Loaded on first use: building its dictionary
    takes ~0.2 s, which every `jiandu` command would otherwise pay at start-up."""
    import rjieba  # noqa: PLC0415

    for term in LEGAL_TERMS:
        rjieba.add_word(term, None, None)
    return rjieba


class Token(NamedTuple):
    """A token and where it sits in the text: `text[start:end]` (character offsets),
    folded (lower case, half width)."""

    text: str
    start: int
    end: int


# (first, last, what the first becomes): ASCII upper to lower; full-width digits and
# letters to ASCII digits and lower-case letters.
_FOLD_RANGES: tuple[tuple[int, int, int], ...] = (
    (0x41, 0x5A, 0x61),
    (0xFF10, 0xFF19, 0x30),
    (0xFF21, 0xFF3A, 0x61),
    (0xFF41, 0xFF5A, 0x61),
)
_FOLDABLE = re.compile("[A-Z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")

#: CJK characters as the index sees them: the unified ideographs, extension A, the
#: compatibility ideographs, the supplementary planes' ideographs, and 〇 (dates are
#: written 二〇一七年).
CJK_CLASS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RUN = re.compile(f"[{CJK_CLASS}]+|[0-9a-z]+")
_WORD_PIECE = re.compile(r"[^\W_]+")
_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """`text` with full-width letters/digits made ASCII and ASCII letters lower case;
    the same length, character for character.

    Most judgments have nothing to fold, which one regex scan finds out; the rest is
    folded over code points in numpy (`str.translate` with a table spends ~0.2 ms on a
    judgment, as much as segmenting it).
    """
    if _FOLDABLE.search(text) is None:
        return text
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    for low, high, target in _FOLD_RANGES:
        inside = (points >= low) & (points <= high)
        points[inside] += target - low
    return points.astype(np.uint32).tobytes().decode("utf-32-le")


def is_cjk(char: str) -> bool:
    """Whether one character counts as CJK for bigrams."""
    return _RUN.fullmatch(char) is not None and not char.isascii()


def words(text: str) -> list[Token]:
    """jieba search-mode words of `text`, folded, with character offsets; punctuation
    and white space dropped (a token with both is cut at them)."""
    folded = fold(text)
    tokens: list[Token] = []
    for word, start, _end in _jieba().tokenize(folded, mode="search"):
        for piece in _WORD_PIECE.finditer(word):
            tokens.append(Token(piece.group(), start + piece.start(), start + piece.end()))
    return tokens


def grams(text: str) -> list[Token]:
    """CJK bigrams (a lone CJK character as a unigram) and whole ASCII letter/digit runs
    of `text`, folded, in text order, with character offsets."""
    tokens: list[Token] = []
    for run in _RUN.finditer(fold(text)):
        value, start = run.group(), run.start()
        if value.isascii() or len(value) == 1:
            tokens.append(Token(value, start, run.end()))
        else:
            tokens.extend(
                Token(value[i : i + 2], start + i, start + i + 2) for i in range(len(value) - 1)
            )
    return tokens


def word_terms(text: str) -> str:
    """The terms of `words(text)`, space-joined, for the index (see the module docstring)."""
    joined = " ".join(_jieba().cut_for_search(fold(text)))
    return _NOT_WORD.sub(" ", joined)


def _cjk_mask(points: np.ndarray) -> np.ndarray:
    mask: np.ndarray = (
        (points == 0x3007)
        | ((points >= 0x3400) & (points <= 0x4DBF))
        | ((points >= 0x4E00) & (points <= 0x9FFF))
        | ((points >= 0xF900) & (points <= 0xFAFF))
        | ((points >= 0x20000) & (points <= 0x3134F))
    )
    return mask


def _shift(mask: np.ndarray, by: int) -> np.ndarray:
    """mask[i - by] at i (False where that is outside): by=1 is "the previous one"."""
    shifted = np.zeros_like(mask)
    if by > 0:
        shifted[by:] = mask[:-by]
    else:
        shifted[:by] = mask[-by:]
    return shifted


def gram_terms(text: str) -> str:
    """The terms of `grams(text)`, space-joined, for the index.

    Vectorised over the text's code points with numpy, with no Python object per token:
    masks find bigram starts, lone CJK characters and ASCII runs; every token is a slice
    [start, end) of the text, so the output is one gather of code points (each slice
    followed by a space) decoded once.
    """
    folded = fold(text)
    points = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32)
    cjk = _cjk_mask(points)
    alnum = ((points >= 0x30) & (points <= 0x39)) | ((points >= 0x61) & (points <= 0x7A))
    cjk_next, cjk_prev = _shift(cjk, -1), _shift(cjk, 1)
    bigrams = np.flatnonzero(cjk & cjk_next)
    lone = np.flatnonzero(cjk & ~cjk_next & ~cjk_prev)
    run_starts = np.flatnonzero(alnum & ~_shift(alnum, 1))
    run_ends = np.flatnonzero(alnum & ~_shift(alnum, -1)) + 1
    starts = np.concatenate([bigrams, lone, run_starts])
    if not len(starts):
        return ""
    ends = np.concatenate([bigrams + 2, lone + 1, run_ends])
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    widths = ends - starts + 1  # the token and the space after it
    within = np.arange(int(widths.sum())) - np.repeat(np.cumsum(widths) - widths, widths)
    source = np.minimum(np.repeat(starts, widths) + within, len(points) - 1)
    space = within == np.repeat(widths - 1, widths)
    gathered = np.where(space, np.uint32(0x20), points[source]).astype(np.uint32)
    return gathered[:-1].tobytes().decode("utf-32-le")
