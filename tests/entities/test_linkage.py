"""Probabilistic linkage (`jiandu.entities.linkage`): accuracy floors on FEBRL 1 (dedupe)
and FEBRL 4 (link two tables), nulls that count neither for nor against, the same pairs
on every run, nothing left behind on the caller's connection, Chinese homophones that
match while namesakes born on other days do not, learning m from a label column,
clustering, and the spec checks."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from febrl import FEBRL_SPEC, febrl_table

from jiandu.entities.linkage import (
    Field,
    LinkageError,
    LinkSpec,
    _blocking_sql,
    clusters,
    link,
)

# --- FEBRL -----------------------------------------------------------------------------

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"  # as in conftest.py


def entity(ids: pa.ChunkedArray | pa.Array) -> list[str]:
    """rec-<n>-org / rec-<n>-dup-<k> -> <n> (FEBRL's truth)."""
    return [i.split("-")[1] for i in ids.to_pylist()]


def f1(predicted: int, hits: int, true: int) -> float:
    precision, recall = hits / predicted, hits / true
    return 2 * precision * recall / (precision + recall)


@pytest.fixture(scope="module")
def febrl1_pairs() -> tuple[pa.Table, pa.Table]:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"public test data not found at {SHARED_DATA}")
    table = febrl_table(SHARED_DATA, "1")
    return table, link(table, None, FEBRL_SPEC)


def test_febrl1_dedupe_f1(febrl1_pairs: tuple[pa.Table, pa.Table]) -> None:
    table, pairs = febrl1_pairs
    groups: dict[str, int] = {}
    for key in entity(table["unique_id"]):
        groups[key] = groups.get(key, 0) + 1
    true = sum(k * (k - 1) // 2 for k in groups.values())
    hits = sum(a == b for a, b in zip(entity(pairs["id_l"]), entity(pairs["id_r"]), strict=True))
    assert true == 500
    assert f1(pairs.num_rows, hits, true) >= 0.98
    # dedupe: each pair once, smaller id first, sorted, all at or above the threshold
    rows = list(zip(pairs["id_l"].to_pylist(), pairs["id_r"].to_pylist(), strict=True))
    assert all(a < b for a, b in rows) and rows == sorted(rows)
    assert pc.min(pairs["match_probability"]).as_py() >= FEBRL_SPEC.threshold
    assert pairs.schema.names == ["id_l", "id_r", "match_probability", "match_weight"]


def test_febrl4_link_f1(shared_data: Path) -> None:
    left, right = febrl_table(shared_data, "4a"), febrl_table(shared_data, "4b")
    stats: dict[str, Any] = {}
    pairs = link(left, right, FEBRL_SPEC, stats=stats)
    hits = sum(a == b for a, b in zip(entity(pairs["id_l"]), entity(pairs["id_r"]), strict=True))
    assert f1(pairs.num_rows, hits, 5_000) >= 0.98
    # id_l always comes from the left table
    assert set(pairs["id_l"].to_pylist()) <= set(left["unique_id"].to_pylist())
    assert set(pairs["id_r"].to_pylist()) <= set(right["unique_id"].to_pylist())
    assert stats["pairs_scored"] >= stats["pairs_kept"] == pairs.num_rows
    assert stats["m_from"].startswith("em")


# --- synthetic people ------------------------------------------------------------------

FIRST = ["anna", "ben", "carl", "dora", "emil", "fay", "gus", "hana", "ivan", "jude"]
LAST = ["berg", "cole", "dunn", "eddy", "ford", "gray", "hale", "ives", "judd", "kemp"]
LAST += ["lowe", "marsh", "nash", "orr", "pike", "quinn", "rowe", "shaw", "tate", "vance"]


def typo(text: str, rng: random.Random) -> str:
    i = rng.randrange(len(text))
    return text[:i] + rng.choice("aeioulnrst") + text[i + 1 :]


def people(seed: int = 3, n: int = 400) -> tuple[pa.Table, pa.Table]:
    """n people, and a copy where names have typos, a quarter of the phones are missing
    (NULL, '' or blanks, on either side) and a tenth are different."""
    rng = random.Random(seed)
    rows: list[dict[str, str | None]] = []
    for i in range(n):
        born = f"19{rng.randrange(40, 99)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        rows.append(
            {
                "unique_id": f"a{i}",
                "first": rng.choice(FIRST),
                "last": rng.choice(LAST),
                "born": born,
                "phone": f"13{rng.randrange(10**9):09d}",
                "truth": str(i),
            }
        )
    copies = []
    for i, row in enumerate(rows):
        copy = dict(row, unique_id=f"b{i}")
        if i % 5 == 1:
            copy["first"] = typo(str(copy["first"]), rng)
        if i % 7 == 2:
            copy["last"] = typo(str(copy["last"]), rng)
        if i % 4 == 0:  # missing, in three spellings, on either side
            missing = [None, "", "   "][i % 3]
            if i % 8 == 0:
                copy["phone"] = missing
            else:
                row["phone"] = missing
        elif i % 10 == 3:
            copy["phone"] = f"15{rng.randrange(10**9):09d}"
        copies.append(copy)
    return pa.Table.from_pylist(rows), pa.Table.from_pylist(copies)


PEOPLE_SPEC = LinkSpec(
    fields=(
        Field("first", "name"),
        Field("last", "name"),
        Field("born", "date"),
        Field("phone", "phone"),
    ),
    blocking=(("born",), ("last", "first"), ("phone",)),
    threshold=0.5,
)


def test_null_counts_neither_for_nor_against() -> None:
    left, right = people()
    # "text" names: no term-frequency adjustment, so equal comparisons weigh the same
    fields = (Field("first", "text"), Field("last", "text"), *PEOPLE_SPEC.fields[2:])
    low = LinkSpec(fields, PEOPLE_SPEC.blocking, threshold=1e-6)
    pairs = link(left, right, low)
    weight = {
        (a, b): w
        for a, b, w in zip(
            pairs["id_l"].to_pylist(),
            pairs["id_r"].to_pylist(),
            pairs["match_weight"].to_pylist(),
            strict=True,
        )
    }
    same, missing, different = [], [], []
    for i, (l_row, r_row) in enumerate(zip(left.to_pylist(), right.to_pylist(), strict=True)):
        if (l_row["first"], l_row["last"]) != (r_row["first"], r_row["last"]):
            continue  # only pairs that differ in nothing but the phone
        w = weight[(f"a{i}", f"b{i}")]
        if i % 4 == 0:
            missing.append(w)
        elif l_row["phone"] == r_row["phone"]:
            same.append(w)
        else:
            different.append(w)
    assert missing and same and different
    # NULL, '' and blanks, on either side: one weight, that of "no phone evidence"
    assert max(missing) - min(missing) < 1e-9
    assert min(same) > missing[0] > max(different)
    # and the missing phones do not stop the true pairs from matching
    assert sum(w > 0 for w in missing) == len(missing)


def test_label_column_teaches_m() -> None:
    left, right = people(seed=5)
    # half the records carry a key (think: an ID number) shared with their copy
    keyed = pa.array([t if int(t) % 2 else None for t in left["truth"].to_pylist()])
    left = left.set_column(left.schema.get_field_index("truth"), "truth", keyed)
    right = right.set_column(right.schema.get_field_index("truth"), "truth", keyed)
    spec = LinkSpec(PEOPLE_SPEC.fields, PEOPLE_SPEC.blocking, label_column="truth")
    stats: dict[str, Any] = {}
    pairs = link(left, right, spec, stats=stats)
    assert stats["m_from"] == "label"
    true = sum(
        a[1:] == b[1:]
        for a, b in zip(pairs["id_l"].to_pylist(), pairs["id_r"].to_pylist(), strict=True)
    )
    assert f1(pairs.num_rows, true, left.num_rows) >= 0.9


def test_same_pairs_every_run_and_nothing_left_behind() -> None:
    left, right = people()
    con = duckdb.connect()
    con.execute("CREATE TABLE mine AS SELECT 1 AS x")
    before = con.sql("SELECT table_name FROM duckdb_tables() ORDER BY ALL").fetchall()
    views = con.sql("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
    first = link(left, right, PEOPLE_SPEC, con=con)
    assert con.sql("SELECT table_name FROM duckdb_tables() ORDER BY ALL").fetchall() == before
    assert con.sql("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall() == views
    again = link(left, right, PEOPLE_SPEC)  # on a connection of its own
    assert first.num_rows > 300
    assert again["id_l"].to_pylist() == first["id_l"].to_pylist()
    assert again["id_r"].to_pylist() == first["id_r"].to_pylist()
    assert again["match_probability"].to_pylist() == pytest.approx(
        first["match_probability"].to_pylist(), abs=1e-9
    )


# --- Chinese names ---------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
# same reading, another character (张/章 zhang, 伟/炜/玮 wei, ...)
HOMOPHONE = {
    "张": "章",
    "伟": "炜",
    "李": "理",
    "芳": "方",
    "杰": "洁",
    "明": "鸣",
    "刚": "钢",
    "华": "桦",
}


def chinese_people(seed: int = 11, n: int = 600) -> tuple[pa.Table, pa.Table]:
    rng = random.Random(seed)
    rows: list[dict[str, str | None]] = []
    for i in range(n):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        rows.append(
            {
                "unique_id": f"a{i}",
                "name": name,
                "born": f"19{rng.randrange(50, 99)}{rng.randrange(1, 13):02d}"
                f"{rng.randrange(1, 29):02d}",
                "phone": f"139{rng.randrange(10**8):08d}",
            }
        )
    # four different people called 张伟, and the one the test is about
    for k, (born, phone) in enumerate(
        [
            ("19800101", "13900000001"),
            ("19850505", "13900000002"),
            ("19900909", "13900000003"),
            ("19751111", "13900000004"),
            ("19880808", "13800138000"),
        ]
    ):
        rows[k] = {"unique_id": f"a{k}", "name": "张伟", "born": born, "phone": phone}
    copies = []
    for i, row in enumerate(rows):
        copy = dict(row, unique_id=f"b{i}")
        if i % 3 == 0:  # a homophone for one character
            chars = list(str(copy["name"]))
            spots = [j for j, c in enumerate(chars) if c in HOMOPHONE]
            if spots:
                chars[spots[0]] = HOMOPHONE[chars[spots[0]]]
                copy["name"] = "".join(chars)
        if i % 4 == 1:
            copy["name"] = " ".join(str(copy["name"]))  # typed with spaces
        if i % 5 == 2:
            copy["phone"] = None
        copies.append(copy)
    # the 张伟 born 1988-08-08 appears as 章伟 with the same birth date, phone missing
    copies[4] = {"unique_id": "b4", "name": "章伟", "born": "1988-08-08", "phone": None}
    return pa.Table.from_pylist(rows), pa.Table.from_pylist(copies)


def test_chinese_homophone_matches_namesakes_do_not() -> None:
    left, right = chinese_people()
    spec = LinkSpec(
        fields=(Field("name", "name_zh"), Field("born", "date"), Field("phone", "phone")),
        blocking=(("born",), ("name__pinyin",), ("phone",)),
        threshold=0.9,
    )
    pairs = link(left, right, spec)
    found = set(zip(pairs["id_l"].to_pylist(), pairs["id_r"].to_pylist(), strict=True))
    assert ("a4", "b4") in found  # 张伟 / 章伟, same birth date, no phone on one side
    # the other 张伟s (different birth dates and phones) are not linked to each other
    zhang_wei = {f"a{k}" for k in range(5)} | {f"b{k}" for k in range(5)}
    wrong = {(a, b) for a, b in found if a in zhang_wei and b in zhang_wei and a[1:] != b[1:]}
    assert not wrong
    hits = sum(a[1:] == b[1:] for a, b in found)
    assert f1(len(found), hits, left.num_rows) >= 0.95


def test_chinese_leaves_only_the_name_functions() -> None:
    left, right = chinese_people(n=200)
    con = duckdb.connect()
    spec = LinkSpec(
        fields=(Field("name", "name_zh"), Field("born", "date")),
        blocking=(("born",), ("name__pinyin",)),
    )
    link(left, right, spec, con=con)
    left_over = con.sql("SELECT table_name FROM duckdb_tables()").fetchall()
    assert not [name for (name,) in left_over if name.startswith("__splink__")]


# --- clusters, blocking, checks --------------------------------------------------------


def test_clusters_are_connected_components() -> None:
    pairs = pa.table(
        {
            "id_l": ["b", "c", "x", "e"],
            "id_r": ["a", "b", "y", "f"],
            "match_probability": [0.99, 0.95, 0.99, 0.5],
            "match_weight": [6.6, 4.2, 6.6, 0.0],
        }
    )
    result = clusters(pairs, pa.array(["c", "a", "b", "d", "e", "f", "a"]), threshold=0.9)
    assert result.to_pylist() == [
        {"id": "c", "cluster_id": "a"},
        {"id": "a", "cluster_id": "a"},
        {"id": "b", "cluster_id": "a"},
        {"id": "d", "cluster_id": "d"},
        {"id": "e", "cluster_id": "e"},  # its pair is below the threshold
        {"id": "f", "cluster_id": "f"},
    ]


def test_blocking_rules_accept_columns_expressions_and_conditions() -> None:
    assert (
        _blocking_sql(("surname", "born"))
        == '(l."surname" = r."surname") AND (l."born" = r."born")'
    )
    assert "SUBSTRING(l.phone, 1, 7)" in _blocking_sql(("substr(phone, 1, 7)",)).replace('"', "")
    raw = "abs(l.amount - r.amount) < 10"
    assert _blocking_sql(("day", raw)) == f'(l."day" = r."day") AND ({raw})'


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (LinkSpec((Field("first", "nickname"),), (("first",),)), "unknown field kind"),  # type: ignore[arg-type]
        (LinkSpec((Field("first", "name"),), ()), "blocking rule"),
        (LinkSpec((), (("first",),)), "at least one field"),
        (LinkSpec((Field("first", "name"),), (("first",),), threshold=1.0), "threshold"),
        (LinkSpec((Field("nope", "name"),), (("nope",),)), "lacks columns: nope"),
        (LinkSpec((Field("名字", "name"),), (("first",),)), "letters, digits"),
    ],
)
def test_bad_specs_are_refused(spec: LinkSpec, message: str) -> None:
    left, _ = people(n=5)
    with pytest.raises(LinkageError, match=message):
        link(left, None, spec)


def test_nothing_to_pair() -> None:
    left, right = people(n=5)
    assert link(left.slice(0, 1), None, PEOPLE_SPEC).num_rows == 0
    empty = link(left, right.slice(0, 0), PEOPLE_SPEC)
    assert empty.num_rows == 0
    assert empty.schema.names == ["id_l", "id_r", "match_probability", "match_weight"]


def test_duplicate_ids_are_refused() -> None:
    left, _ = people(n=5)
    twice = pa.concat_tables([left, left])
    with pytest.raises(LinkageError, match="unique"):
        link(twice, None, PEOPLE_SPEC)
