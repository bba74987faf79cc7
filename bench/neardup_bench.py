"""Near-duplicate detection at scale: MinHash signatures and LSH grouping.

    .venv/bin/python bench/neardup_bench.py --docs 100000
    .venv/bin/python bench/neardup_bench.py --docs 1000000

Synthetic complaints of 250-350 characters drawn from 3,000 common CJK characters (no
digits or punctuation: what `normalize_texts` leaves of a complaint). 5% of the documents
belong to template groups of 5-40 members: each member is its template with two characters
changed (a name, a sum), so siblings have a Jaccard similarity of about 0.87 on 5-shingles.
The texts are built as one Arrow array from numpy (no per-document Python), as a pool
reader would hand them over.

Reported: signatures per second (`minhash`, 128 permutations), the grouping time
(`near_duplicate_groups`, 32 bands × 4 rows, threshold 0.8), peak RSS, and the quality:
template members found in their template's group, and unrelated documents grouped (should
be none). Results also go to bench/out/neardup.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

from jiandu.text.neardup import minhash, near_duplicate_groups

CJK_FIRST, CJK_COUNT = 0x4E00, 20_000
VOCABULARY = 3_000
TEMPLATE_SHARE = 0.05


def _vocabulary(rng: np.random.Generator) -> np.ndarray:
    # Skip the first 1,000 code points: they hold the Chinese numerals that normalising
    # would fold into one placeholder.
    return rng.choice(
        np.arange(CJK_FIRST + 1_000, CJK_FIRST + CJK_COUNT), VOCABULARY, replace=False
    )


def synthetic(docs: int, seed: int) -> tuple[pa.Array, np.ndarray]:
    """(texts, template id per document or -1)."""
    rng = np.random.default_rng(seed)
    vocab = _vocabulary(rng).astype(np.uint32)
    lengths = rng.integers(250, 351, docs)
    template = np.full(docs, -1, dtype=np.int64)
    in_templates = int(docs * TEMPLATE_SHARE)
    sizes = []
    while sum(sizes) < in_templates:
        sizes.append(int(rng.integers(5, 41)))
    sizes[-1] -= sum(sizes) - in_templates
    members = rng.permutation(docs)[:in_templates]
    template[members] = np.repeat(np.arange(len(sizes)), sizes)
    offsets = np.zeros(docs + 1, dtype=np.int64)
    # Members take their template's length (the first member's).
    first_of = {}
    for doc in members:  # one entry per template member: 5% of the documents
        first_of.setdefault(int(template[doc]), int(doc))
    lengths[members] = lengths[[first_of[int(t)] for t in template[members]]]
    np.cumsum(lengths, out=offsets[1:])
    points = vocab[rng.integers(0, VOCABULARY, int(offsets[-1]))]
    # Copy each template's text into its members, then change two characters per member.
    firsts = np.array([first_of[int(t)] for t in template[members]])
    for doc, source in zip(members, firsts, strict=True):
        start, end, base = offsets[doc], offsets[doc + 1], offsets[source]
        points[start:end] = points[base : base + (end - start)]
    changes = offsets[members][:, None] + rng.integers(0, 250, (len(members), 2))
    points[changes.reshape(-1)] = vocab[rng.integers(0, VOCABULARY, changes.size)]
    data = points.tobytes().decode("utf-32-le").encode("utf-8")
    texts = pa.LargeStringArray.from_buffers(
        docs, pa.py_buffer((offsets * 3).astype(np.int64).tobytes()), pa.py_buffer(data)
    )
    return texts, template


def _peak_mib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    started = time.perf_counter()
    texts, template = synthetic(args.docs, args.seed)
    built = time.perf_counter() - started
    rss_built = _peak_mib()

    started = time.perf_counter()
    signatures = minhash(texts)
    signing = time.perf_counter() - started
    rss_signed = _peak_mib()

    keys = pa.array([f"D{i:08d}" for i in range(args.docs)])
    started = time.perf_counter()
    groups = near_duplicate_groups(keys, signatures)
    grouping = time.perf_counter() - started

    index = np.array([int(k[1:]) for k in groups.column("key").to_pylist()], dtype=np.int64)
    group_of = np.array([int(g[1:]) for g in groups.column("group_id").to_pylist()])
    grouped_template = template[index]
    members = int((template >= 0).sum())
    # A member is found when its group's representative belongs to the same template.
    found = int(((grouped_template >= 0) & (template[group_of] == grouped_template)).sum())
    strays = int((grouped_template < 0).sum())
    result = {
        "docs": args.docs,
        "chars": int(sum(len(t) for t in texts.to_pylist()[:1000]) / 1000),
        "build_s": round(built, 2),
        "minhash_s": round(signing, 2),
        "signatures_per_s": round(args.docs / signing),
        "grouping_s": round(grouping, 2),
        "template_members": members,
        "members_found": found,
        "recall": round(found / members, 4) if members else None,
        "unrelated_grouped": strays,
        "groups": len(set(groups.column("group_id").to_pylist())),
        "peak_rss_mib_after_build": rss_built,
        "peak_rss_mib_after_minhash": rss_signed,
        "peak_rss_mib": _peak_mib(),
    }
    print(json.dumps(result, indent=1))
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "neardup.json").write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
