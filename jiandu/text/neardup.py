"""Near-identical complaints: MinHash signatures and LSH grouping, vectorised.

Template litigation (模板化诉讼) shows as groups of suits whose complaints are the same text
with the names, sums and dates changed. This module finds such groups among millions of
complaints in two steps, both without a per-document Python loop:

1. `minhash` turns every text into a signature of `num_perm` 32-bit minima. The texts are
   normalised as one Arrow array (C++ kernels): NFKC (full-width letters and digits become
   half-width), everything that is not a letter or a number dropped (whitespace,
   punctuation, symbols: layout and punctuation style are not content), and every run of
   digits or Chinese numerals replaced by one placeholder. The last choice is deliberate:
   a template suit differs from its siblings exactly in its sums, dates, case numbers and
   ID numbers (50000元 / 伍万元 / 5万元, 2019年3月5日), and each differing number would
   otherwise break `shingle` shingles; with the placeholder, "借款#元，约定于#年#月#日前归还"
   is the same in every sibling, while the words around the numbers still tell unrelated
   complaints apart. The normalised texts stay as Arrow packs them (one UTF-8 buffer and
   offsets); they are signed in chunks of ~128k shingles, small enough to stay in the CPU
   cache (five times faster than one pass over everything, measured) and to keep memory
   flat: a chunk's bytes are decoded into one flat array of code points (UTF-32) with
   document offsets, every `shingle`-character window gets a polynomial hash, windows that
   cross a document boundary are dropped, and for each permutation
   `h_i(x) = ((a_i·x + b_i) mod 2^64) >> 32` (multiply-add-shift, 2-universal for 32-bit
   keys) is applied and `np.minimum.reduceat` takes each document's minimum. Chunks run
   on up to 8 threads (numpy releases the GIL in its loops).
2. `near_duplicate_groups` cuts each signature into `bands` bands of `rows` values; two
   documents that agree on a whole band are a candidate pair (a DuckDB self-join on the
   band keys), kept when their signatures agree on at least `threshold` of the
   permutations (the estimated Jaccard similarity, numpy over all pairs at once); groups
   are the connected components of the kept pairs (min-label propagation with pointer
   jumping, numpy). A bucket holding many documents (a template used a thousand times)
   is linked as a star to its first member plus a chain through its members rather than
   as all pairs, so the candidate pairs grow linearly, not quadratically, with it.

Why not `datasketch`: it keeps one Python `MinHash` object per document and updates it
shingle by shingle in Python; that is fine for thousands of documents and hours for
millions. Here the per-shingle work is numpy over flat arrays and the pairing is SQL.

A text that is empty, or shorter than one shingle (or `min_length`) after normalising,
gets the signature `EMPTY` (every value 0xFFFFFFFF); `near_duplicate_groups` never pairs
such rows, so they match nothing, not even each other.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "DEFAULT_SEED",
    "EMPTY",
    "NUM_PERM",
    "SHINGLE",
    "estimated_similarity",
    "minhash",
    "near_duplicate_groups",
    "normalize_texts",
]

NUM_PERM = 128
SHINGLE = 5
DEFAULT_SEED = 8
#: The value of every cell of a signature that matches nothing.
EMPTY = np.uint32(0xFFFFFFFF)

# Anything but letters and numbers: whitespace, punctuation, symbols, control characters.
_NOT_WORD = r"[^\p{L}\p{N}]+"
# Runs of digits (any script, after NFKC) and Chinese numerals, upper-case ones included.
_NUMBER = r"[\p{N}〇零一二三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]+"
# Not a letter or a number, so no normalised text can hold it otherwise.
_PLACEHOLDER = "#"

_POLY_BASE = np.uint64(0x100000001B3)  # the FNV-1a 64-bit prime: odd, well spread
_CHUNK_SHINGLES = 1 << 17
_MAX_THREADS = 8
# Buckets up to this size are paired all with all; larger ones as star + chain.
_ALL_PAIRS_UP_TO = 16


def normalize_texts(texts: Sequence[str | None] | pa.Array | pa.ChunkedArray) -> pa.Array:
    """The texts as `minhash` sees them: NFKC, letters and numbers only, every run of
    numbers one placeholder (NULL becomes the empty string)."""
    array = texts if isinstance(texts, pa.Array | pa.ChunkedArray) else pa.array(texts)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    array = pc.fill_null(array.cast(pa.large_string()), "")
    array = pc.utf8_normalize(array, form="NFKC")
    array = pc.replace_substring_regex(array, _NOT_WORD, "")
    normalized: pa.Array = pc.replace_substring_regex(array, _NUMBER, _PLACEHOLDER)
    return normalized


class _Packed:
    """The normalised texts as Arrow packs them: one UTF-8 buffer and offsets. A chunk of
    documents is decoded to code points only when it is signed, so memory stays at a
    chunk's worth whatever the number of documents."""

    def __init__(self, normalized: pa.Array) -> None:
        lengths = pc.utf8_length(normalized).to_numpy(zero_copy_only=False).astype(np.int64)
        self.offsets = np.zeros(len(lengths) + 1, dtype=np.int64)  # in code points
        np.cumsum(lengths, out=self.offsets[1:])
        first = normalized.offset
        self.byte_offsets = np.frombuffer(normalized.buffers()[1], dtype=np.int64)[
            first : first + len(normalized) + 1
        ]
        data = normalized.buffers()[2]
        self.data = memoryview(data) if data is not None else memoryview(b"")

    def points(self, first: int, stop: int) -> np.ndarray:
        """The code points of documents [first, stop), back to back (uint32)."""
        chunk = self.data[int(self.byte_offsets[first]) : int(self.byte_offsets[stop])]
        return np.frombuffer(str(chunk, "utf-8").encode("utf-32-le"), dtype=np.uint32)


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    return a, b


def _mix32(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, keeping the high 32 bits: well-spread 32-bit shingle keys."""
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    result: np.ndarray = h >> np.uint64(32)
    return result


def _window_hashes(points: np.ndarray, shingle: int) -> np.ndarray:
    """The polynomial hash of every `shingle`-long window of `points` (uint64, wrapping)."""
    count = len(points) - shingle + 1
    h = points[:count].astype(np.uint64)
    for j in range(1, shingle):
        h *= _POLY_BASE
        h += points[j : j + count]
    return h


def minhash(
    texts: Sequence[str | None] | pa.Array | pa.ChunkedArray,
    *,
    num_perm: int = NUM_PERM,
    shingle: int = SHINGLE,
    seed: int = DEFAULT_SEED,
    min_length: int = 0,
    threads: int | None = None,
) -> np.ndarray:
    """MinHash signatures of `texts`: a uint32 array [len(texts), num_perm].

    Character `shingle`-grams of the normalised text (see the module docstring). A text
    with fewer than max(`shingle`, `min_length`) characters after normalising gets the
    `EMPTY` row. The same texts, `num_perm`, `shingle` and `seed` always give the same
    signatures (signatures from different settings must not be compared). `threads`:
    how many chunks are signed at once (default: the CPUs, at most 8).
    """
    if num_perm < 1 or shingle < 1:
        raise ValueError("num_perm and shingle must be positive")
    packed = _Packed(normalize_texts(texts))
    signatures = np.full((len(packed.offsets) - 1, num_perm), EMPTY, dtype=np.uint32)
    lengths = np.diff(packed.offsets)
    counts = np.where(lengths >= max(shingle, min_length), lengths - shingle + 1, 0)
    a, b = _permutations(num_perm, seed)
    # Chunks of whole documents of about _CHUNK_SHINGLES shingles (one long text alone).
    ends = np.cumsum(counts)
    bounds, doc = [], 0
    while doc < len(counts):
        stop = max(int(np.searchsorted(ends, ends[doc] - counts[doc] + _CHUNK_SHINGLES)), doc + 1)
        bounds.append((doc, min(stop, len(counts))))
        doc = bounds[-1][1]
    # numpy releases the GIL inside its loops: chunks sign in parallel on several cores.
    # Each chunk writes its own rows of `signatures`.
    workers = threads or min(_MAX_THREADS, os.cpu_count() or 1)
    if workers <= 1 or len(bounds) <= 1:
        for first, stop in bounds:
            _sign_chunk(packed, counts, first, stop, shingle, a, b, signatures)
        return signatures
    with ThreadPoolExecutor(workers) as pool:
        done = [
            pool.submit(_sign_chunk, packed, counts, f, s, shingle, a, b, signatures)
            for f, s in bounds
        ]
        for future in done:
            future.result()
    return signatures


def _sign_chunk(
    packed: _Packed,
    counts: np.ndarray,
    first: int,
    stop: int,
    shingle: int,
    a: np.ndarray,
    b: np.ndarray,
    signatures: np.ndarray,
) -> None:
    """Fill the signatures of documents [first, stop)."""
    chunk_counts = counts[first:stop]
    signed = np.flatnonzero(chunk_counts)
    if not len(signed):
        return
    window = _window_hashes(packed.points(first, stop), shingle)
    starts = packed.offsets[first:stop] - packed.offsets[first]
    # Keep the windows that start inside a document and end before its end.
    kept_counts = chunk_counts[signed]
    shingle_offsets = np.zeros(len(signed), dtype=np.int64)
    np.cumsum(kept_counts[:-1], out=shingle_offsets[1:])
    total = int(kept_counts.sum())
    positions = np.arange(total, dtype=np.int64) + np.repeat(
        starts[signed] - shingle_offsets, kept_counts
    )
    keys = _mix32(window[positions])
    scratch = np.empty_like(keys)
    rows = signed + first
    for i in range(len(a)):
        np.multiply(keys, a[i], out=scratch)
        np.add(scratch, b[i], out=scratch)
        np.right_shift(scratch, np.uint64(32), out=scratch)
        signatures[rows, i] = np.minimum.reduceat(scratch, shingle_offsets)


def estimated_similarity(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The share of permutations on which signature rows agree (the estimated Jaccard
    similarity), row by row; 0 where either row is `EMPTY`."""
    agree = np.mean(left == right, axis=-1)
    empty = np.all(left == EMPTY, axis=-1) | np.all(right == EMPTY, axis=-1)
    result: np.ndarray = np.where(empty, 0.0, agree)
    return result


def _band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 64-bit key per (document, band): a polynomial hash of the band's values."""
    shaped = signatures[:, : bands * rows].reshape(len(signatures), bands, rows)
    keys = np.zeros((len(signatures), bands), dtype=np.uint64)
    for r in range(rows):
        keys *= _POLY_BASE
        keys ^= shaped[:, :, r].astype(np.uint64)
    return keys


# Candidate pairs (a < b, indexes into the key-sorted documents) from documents sharing a
# band key: all pairs within small buckets; in large ones each member with the bucket's
# first member (star) and with the member before it (chain), each an equi-join, so a
# bucket of m documents gives about 2m pairs, not m²/2.
_CANDIDATES_SQL = """
WITH buckets AS (
    SELECT band, bkey, doc,
           count(*) OVER (PARTITION BY band, bkey) AS size,
           row_number() OVER (PARTITION BY band, bkey ORDER BY doc) AS rn
    FROM band_keys
),
small AS (SELECT * FROM buckets WHERE size > 1 AND size <= $all_pairs_up_to),
large AS (SELECT * FROM buckets WHERE size > $all_pairs_up_to),
pairs AS (
    SELECT l.doc AS a, r.doc AS b
    FROM small l JOIN small r ON l.band = r.band AND l.bkey = r.bkey AND l.rn < r.rn
    UNION ALL
    SELECT h.doc, m.doc
    FROM large h JOIN large m ON h.band = m.band AND h.bkey = m.bkey
    WHERE h.rn = 1 AND m.rn > 1
    UNION ALL
    SELECT p.doc, n.doc
    FROM large p JOIN large n ON p.band = n.band AND p.bkey = n.bkey AND n.rn = p.rn + 1
    WHERE p.rn > 1
)
SELECT DISTINCT a, b FROM pairs
"""


def _candidate_pairs(keys: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (a, b) of document indexes that share a band key."""
    n_docs, bands = keys.shape
    table = pa.table(
        {
            "band": np.tile(np.arange(bands, dtype=np.int16), n_docs),
            "bkey": keys.reshape(-1),
            "doc": np.repeat(docs.astype(np.int64), bands),
        }
    )
    con = duckdb.connect()
    try:
        con.register("band_keys", table)
        query = con.sql(_CANDIDATES_SQL, params={"all_pairs_up_to": _ALL_PAIRS_UP_TO})
        pairs = query.to_arrow_table()
    finally:
        con.close()
    left = pairs.column("a").to_numpy().astype(np.int64)
    right = pairs.column("b").to_numpy().astype(np.int64)
    return left, right


def _verified(
    signatures: np.ndarray, left: np.ndarray, right: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs whose estimated similarity reaches `threshold`."""
    keep = np.zeros(len(left), dtype=bool)
    step = 1 << 16
    for start in range(0, len(left), step):
        part = slice(start, start + step)
        keep[part] = estimated_similarity(signatures[left[part]], signatures[right[part]]) >= (
            threshold - 1e-9
        )
    return left[keep], right[keep]


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected components: each node's label is the smallest node index it reaches."""
    labels = np.arange(n, dtype=np.int64)
    while True:
        lowest = np.minimum(labels[left], labels[right])
        before = labels.copy()
        np.minimum.at(labels, left, lowest)
        np.minimum.at(labels, right, lowest)
        # Pointer jumping: follow labels to their labels until nothing moves.
        while True:
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
        if np.array_equal(labels, before):
            return labels


_GROUP_SCHEMA = pa.schema(
    [
        ("key", pa.string()),
        ("group_id", pa.string()),
        ("group_size", pa.int64()),
        ("similarity", pa.float64()),
    ]
)


def near_duplicate_groups(
    keys: Sequence[str] | pa.Array | pa.ChunkedArray,
    signatures: np.ndarray,
    *,
    bands: int = 32,
    rows: int = 4,
    threshold: float = 0.8,
) -> pa.Table:
    """Groups of near-identical documents: (key, group_id, group_size, similarity).

    `keys[i]` names the document of `signatures[i]` (keys must be unique). Only groups of
    two or more are returned, ordered by group then key. `group_id` is the smallest key of
    the group, so it stays the same when unrelated documents come and go; `similarity` is
    the estimated Jaccard similarity of each member to that representative (1.0 for the
    representative itself; a member linked through others may be below `threshold`).
    """
    if bands * rows > signatures.shape[1]:
        raise ValueError(f"bands × rows = {bands * rows} > {signatures.shape[1]} permutations")
    key_array = keys if isinstance(keys, pa.Array | pa.ChunkedArray) else pa.array(keys)
    key_array = key_array.cast(pa.string())
    if len(key_array) != len(signatures):
        raise ValueError("keys and signatures differ in length")
    if len(key_array) == 0:
        return _GROUP_SCHEMA.empty_table()
    # Sort by key: then the smallest index of a component is its smallest key.
    order = pc.sort_indices(key_array).to_numpy()
    sorted_keys = key_array.take(order)
    sorted_signatures = signatures[order]
    usable = np.flatnonzero(~np.all(sorted_signatures == EMPTY, axis=1))
    if len(usable) < 2:
        return _GROUP_SCHEMA.empty_table()
    band_keys = _band_keys(sorted_signatures[usable], bands, rows)
    left, right = _candidate_pairs(band_keys, usable)
    left, right = _verified(sorted_signatures, left, right, threshold)
    if not len(left):
        return _GROUP_SCHEMA.empty_table()
    labels = _components(len(sorted_keys), left, right)
    members = np.unique(np.concatenate([left, right]))
    member_labels = labels[members]
    sizes = np.bincount(member_labels, minlength=len(sorted_keys))[member_labels]
    similarity = estimated_similarity(sorted_signatures[members], sorted_signatures[member_labels])
    similarity[members == member_labels] = 1.0
    table = pa.table(
        {
            "key": sorted_keys.take(pa.array(members)),
            "group_id": sorted_keys.take(pa.array(member_labels)),
            "group_size": pa.array(sizes.astype(np.int64)),
            "similarity": pa.array(similarity.astype(np.float64)),
        },
        schema=_GROUP_SCHEMA,
    )
    return table.sort_by([("group_id", "ascending"), ("key", "ascending")])
