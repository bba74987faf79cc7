"""MinHash signatures and LSH groups (`jiandu.text.neardup`): deterministic, exact for
identical texts, robust to the names, sums and dates a template changes, quiet on real
unrelated complaints, and close to the exact Jaccard similarity."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from neardup_texts import BORROWERS, OTHER, TEMPLATE

from jiandu.text.neardup import (
    EMPTY,
    estimated_similarity,
    minhash,
    near_duplicate_groups,
    normalize_texts,
)

CAIL = Path(__file__).resolve().parents[3] / "shared" / "data" / "cail2019_scm_private_lending"


def template_suits(count: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return [
        TEMPLATE.format(
            lender="钱某某",
            borrower=BORROWERS[i % len(BORROWERS)],
            amount=rng.randint(1, 99) * 1000,
            day=f"20{rng.randint(15, 21)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
            months=rng.choice(["六", "十二", "3"]),
        )
        for i in range(count)
    ]


def shingles(text: str, k: int = 5) -> set[str]:
    return {text[i : i + k] for i in range(len(text) - k + 1)}


def jaccard(left: str, right: str) -> float:
    a, b = shingles(left), shingles(right)
    return len(a & b) / len(a | b)


def groups_of(table: pa.Table) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for row in table.to_pylist():
        found.setdefault(row["group_id"], set()).add(row["key"])
    return found


def test_normalisation_keeps_words_and_folds_numbers() -> None:
    (text,) = normalize_texts(
        ["借款５０，０００元（伍万元）， 于2019年3月5日 归还。ＡＢ"]
    ).to_pylist()
    assert text == "借款#元#元于#年#月#日归还AB"
    assert normalize_texts([None, ""]).to_pylist() == ["", ""]


def test_signatures_are_deterministic_and_independent_of_neighbours() -> None:
    texts = [*template_suits(3), OTHER]
    first, second = minhash(texts), minhash(pa.array(texts))
    assert first.dtype == np.uint32 and first.shape == (4, 128)
    assert np.array_equal(first, second)
    # A text's signature does not depend on the texts signed with it.
    assert np.array_equal(minhash([OTHER])[0], first[3])
    assert not np.array_equal(minhash(texts, seed=9), first)


def test_many_documents_sign_in_chunks_like_one_by_one() -> None:
    texts = template_suits(600, seed=4)  # more than one chunk of shingles
    together = minhash(texts)
    alone = np.vstack([minhash([t]) for t in texts[::97]])
    assert np.array_equal(together[::97], alone)
    assert np.array_equal(minhash(texts, threads=1), minhash(texts, threads=3))


def test_identical_texts_have_similarity_one() -> None:
    signatures = minhash([OTHER, OTHER, TEMPLATE])
    assert estimated_similarity(signatures[0], signatures[1]) == 1.0
    groups = near_duplicate_groups(["b", "a", "c"], signatures).to_pylist()
    assert groups == [
        {"key": "a", "group_id": "a", "group_size": 2, "similarity": 1.0},
        {"key": "b", "group_id": "a", "group_size": 2, "similarity": 1.0},
    ]


def test_template_suits_differing_in_names_sums_and_dates_are_one_group() -> None:
    suits = template_suits(10)
    keys = [f"doc{i:02d}" for i in range(10)]
    table = near_duplicate_groups([*keys, "other"], minhash([*suits, OTHER]))
    assert groups_of(table) == {"doc00": set(keys)}
    assert set(table.column("group_size").to_pylist()) == {10}
    assert min(table.column("similarity").to_pylist()) >= 0.7


def test_group_id_is_the_smallest_key_and_stays_when_others_come() -> None:
    suits = template_suits(3)
    before = groups_of(near_duplicate_groups(["m", "k", "z"], minhash(suits)))
    after = groups_of(
        near_duplicate_groups(
            ["m", "k", "z", "a", "b"], minhash([*suits, OTHER, "另一段无关的文字内容"])
        )
    )
    assert before == after == {"k": {"k", "m", "z"}}


def test_empty_and_short_texts_match_nothing() -> None:
    signatures = minhash(["", None, "借款", "借款", "  ，。"])
    assert (signatures == EMPTY).all()
    assert near_duplicate_groups(list("abcde"), signatures).num_rows == 0
    # min_length: a short complaint reads like every other one.
    short = minhash(["请求判令被告偿还借款5000元", "请求判令被告偿还借款8000元"], min_length=50)
    assert (short == EMPTY).all()


def test_a_large_bucket_is_one_group() -> None:
    """Forty copies fill one bucket per band: linked as star and chain, not all pairs."""
    count = 40
    keys = [f"k{i:03d}" for i in range(count)]
    table = near_duplicate_groups(keys, minhash([OTHER] * count))
    assert groups_of(table) == {"k000": set(keys)}


def test_groups_are_connected_components() -> None:
    """a ~ b and b ~ c, a and c less alike than the threshold: still one group."""
    rng = random.Random(5)
    letters = [chr(c) for c in range(0x4E00, 0x9FA5)]
    letters = [
        c for c, n in zip(letters, normalize_texts(letters).to_pylist(), strict=True) if n == c
    ]

    def noise(n: int) -> str:
        return "".join(rng.choice(letters) for _ in range(n))

    a = noise(400)
    b = a[:100] + noise(12) + a[112:]
    c = b[:300] + noise(12) + b[312:]
    signatures = minhash([a, b, c])
    assert estimated_similarity(signatures[0], signatures[2]) < 0.9 < jaccard(a, b)
    table = near_duplicate_groups(["a", "b", "c"], signatures, threshold=0.9)
    assert groups_of(table) == {"a": {"a", "b", "c"}}
    similarity = {row["key"]: row["similarity"] for row in table.to_pylist()}
    assert similarity["a"] == 1.0 and similarity["c"] < 0.9


def test_keys_and_signatures_must_agree() -> None:
    with pytest.raises(ValueError, match="length"):
        near_duplicate_groups(["a"], minhash(["x" * 10, "y" * 10]))
    assert near_duplicate_groups([], minhash([])).num_rows == 0


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    base=st.text(
        alphabet="借款原告被告利息合同担保法院判决请求偿还本金违约金元年月日",
        min_size=60,
        max_size=400,
    ),
    edits=st.lists(st.tuples(st.floats(0, 1), st.sampled_from("甲乙丙丁戊己庚辛")), max_size=80),
)
def test_estimate_is_close_to_the_exact_jaccard(base: str, edits: list[tuple[float, str]]) -> None:
    other = list(base)
    for where, char in edits:
        other[int(where * (len(other) - 1))] = char
    left, right = normalize_texts([base, "".join(other)]).to_pylist()
    signatures = minhash([base, "".join(other)])
    estimate = float(estimated_similarity(signatures[0], signatures[1]))
    assert abs(estimate - jaccard(left, right)) <= 0.15


def _cail_texts() -> dict[str, str]:
    """Distinct texts of the CAIL2019-SCM private-lending triples, by first key."""
    path = CAIL / "input.txt"
    if not path.is_file():
        pytest.skip(f"CAIL2019-SCM data not found at {CAIL}")
    texts: dict[str, str] = {}
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            triple = json.loads(line)
            for slot in "ABC":
                texts.setdefault(triple[slot], f"{number:03d}{slot}")
    return {key: text for text, key in texts.items()}


def test_real_private_lending_judgments_are_not_grouped() -> None:
    """227 distinct real 民间借贷 judgments (the 1,500 slots of the file repeat them): no
    two are near-duplicates, and no pair comes near the threshold."""
    texts = _cail_texts()
    assert len(texts) == 227
    signatures = minhash(list(texts.values()))
    assert near_duplicate_groups(list(texts), signatures).num_rows == 0
    assert near_duplicate_groups(list(texts), signatures, threshold=0.5).num_rows == 0


def test_real_texts_repeated_in_the_file_are_found_as_exact_groups() -> None:
    texts = _cail_texts()
    repeated = list(texts.values())[:5] * 2
    keys = [f"{i:02d}" for i in range(len(repeated))]
    table = near_duplicate_groups(keys, minhash(repeated))
    assert groups_of(table) == {f"{i:02d}": {f"{i:02d}", f"{i + 5:02d}"} for i in range(5)}
    assert set(table.column("similarity").to_pylist()) == {1.0}
