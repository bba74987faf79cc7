"""Probabilistic linkage at scale: a million Chinese person records against a corrupted
copy of themselves, with `jiandu.entities.linkage.link`.

    .venv/bin/python bench/linkage_1m.py --size 50000
    .venv/bin/python bench/linkage_1m.py              # 1,000,000 x 1,000,000

Both tables are generated in DuckDB SQL (vectorised, seeded with hash(row, tag, seed)):

- clean table, `l<i>`: name = a surname drawn by frequency from 60 common ones + one or two
  given-name characters from 120 common ones (so 王伟 and 张静 occur hundreds of times, as
  in a real register); birth date 1940-2005; an 18-digit ID number from the person's county
  code (a current county from jiandu/fields/data/regions.csv), the birth date, a sequence
  number and the GB 11643 check character (spot-checked against
  jiandu.fields.id_card.check_char); a mobile number; an address: province + prefecture +
  county + road + number + building + room.
- corrupted copy, `r<i>` for person i (the truth), one SQL pass, each corruption drawn
  independently (so some rows carry several; the rates are of all rows):
  name: 8% one character replaced by a homophone (same toneless reading in
  jiandu/entities/data/pinyin.csv, a common character when there is one), 4% one
  character replaced by another common character (a typo), 3% written in traditional
  characters (t2s.csv read backwards), 2% typed with spaces between the characters;
  birth date: 2% last digit changed; ID number: 8% one digit changed (the check character
  then fails, as it would), 2% two adjacent digits swapped, 10% missing; phone: 25%
  missing, 3% one digit changed, 5% a different number; address: 30% without its
  province and prefecture, 5% moved (another county and road), 10% missing.
  This is simpler than jiandu.entities.corruption (fixed per-field rates, no legal forms):
  what matters here is the scale.

The link compares name (name_zh), birth date (date), ID number (id), phone (phone) and
address (address), scoring pairs that share an ID number, or a phone number, or the birth
date and the surname's reading, or the whole name's reading and the birth month. Reported:
seconds per phase (`link`'s stats: prepare, train_u, train_m, predict), pairs scored,
precision/recall/F1 against the truth at threshold 0.9, peak RSS. DuckDB runs with
memory_limit 8GB (`--memory`) and spills to a temp directory under /tmp.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from jiandu.entities.linkage import Field, LinkSpec, link
from jiandu.fields.id_card import check_char

ROOT = Path(__file__).resolve().parents[1]
REGIONS = ROOT / "jiandu" / "fields" / "data" / "regions.csv"
NAME_DATA = ROOT / "jiandu" / "entities" / "data"

# Common surnames with rough shares (per mille), most frequent first.
SURNAMES = (
    "王71 李70 张67 刘54 陈46 杨31 黄22 赵20 吴20 周19 徐17 孙15 马14 朱13 胡13 郭12 何12 "
    "高11 林11 罗10 郑10 梁9 谢8 宋8 唐8 许7 韩7 冯7 邓7 曹7 彭6 曾6 肖6 田6 董6 袁6 潘5 "
    "于5 蒋5 蔡5 余5 杜5 叶5 程5 苏4 魏4 吕4 丁4 任4 沈4 姚4 卢4 姜4 崔4 钟4 谭4 陆4 汪3 "
    "范3 金3"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红玲梅飞鹏辉建国志海林波宇"
    "浩俊峰斌婷雪琳慧颖洁佳欣怡晨阳博文浩然子轩梓涵雨桐诗琪思远嘉懿一诺天佑家豪宏亮"
    "德成新春燕凤云莉丹倩晶瑶宁蕾楠琦昊翔凯旭东升永福贵荣祥瑞庆喜乐安康"
)
# More common characters, as homophones for the ones above (伟/炜/玮, 芳/方, 杰/洁 …).
GIVEN_EXTRA = "维薇炜玮纬卫慰韦微威方坊仿访放洁结捷节鸣铭名茗钢纲岗港桦骅丽莉俐利立励"
ROADS = "人民 解放 中山 建设 文化 新华 和平 胜利 青年 长江 黄河 东风 朝阳 光明 幸福 振兴 友谊 团结 育才 滨江"


def _setup(con: duckdb.DuckDBPyConnection, seed: int) -> None:
    surnames = [(s[0], int(s[1:])) for s in SURNAMES.split()]
    given = list(dict.fromkeys(GIVEN))
    con.execute(f"CREATE OR REPLACE MACRO rnd(i, tag) AS CAST(hash(i, tag, {seed}) >> 1 AS BIGINT)")
    con.register(
        "surname_weights", pa.table({"s": [s for s, _ in surnames], "w": [w for _, w in surnames]})
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE surnames AS
        SELECT s, sum(w) OVER (ORDER BY w DESC, s ROWS UNBOUNDED PRECEDING) - w AS lo,
               sum(w) OVER (ORDER BY w DESC, s ROWS UNBOUNDED PRECEDING) AS hi
        FROM surname_weights
        """
    )
    con.register("given_chars", pa.table({"k": list(range(len(given))), "c": given}))
    con.execute("CREATE OR REPLACE TABLE given AS SELECT * FROM given_chars")
    con.execute(
        f"""
        CREATE OR REPLACE TABLE counties AS
        SELECT row_number() OVER (ORDER BY c.code) - 1 AS k, c.code,
               coalesce(p.name, '') || coalesce(CASE WHEN f.name NOT IN ('市辖区', '县')
                                                   THEN f.name END, '') AS head,
               c.name AS county
        FROM read_csv('{REGIONS}', all_varchar = true) c
        LEFT JOIN read_csv('{REGIONS}', all_varchar = true) p
               ON p.code = substr(c.code, 1, 2) || '0000' AND p.end_year IS NULL
        LEFT JOIN read_csv('{REGIONS}', all_varchar = true) f
               ON f.code = substr(c.code, 1, 4) || '00' AND f.end_year IS NULL
        WHERE c.end_year IS NULL AND c.code NOT LIKE '%00' AND c.name NOT IN ('市辖区', '县')
        """
    )
    roads = ROADS.split()
    con.register("road_names", pa.table({"k": list(range(len(roads))), "road": roads}))
    con.execute("CREATE OR REPLACE TABLE roads AS SELECT * FROM road_names")
    # homophones: for a character, another one read the same, a common one if possible
    pool = "".join(s for s, _ in surnames) + "".join(given) + GIVEN_EXTRA
    con.register("pool_chars", pa.table({"c": list(dict.fromkeys(pool))}))
    con.execute(
        f"""
        CREATE OR REPLACE TABLE homophones AS
        WITH py AS (SELECT char AS c, pinyin FROM read_csv('{NAME_DATA / "pinyin.csv"}')
                    WHERE unicode(char) BETWEEN 19968 AND 40869),
        pool AS (SELECT p.c, py.pinyin, true AS common FROM pool_chars p JOIN py USING (c)),
        candidates AS (
            SELECT a.c, b.c AS alt, coalesce(b2.common, false) AS common
            FROM pool a JOIN py b ON b.pinyin = a.pinyin AND b.c <> a.c
            LEFT JOIN pool b2 ON b2.c = b.c
        )
        SELECT c, arg_min(alt, (NOT common, hash(alt, {seed}))) AS alt
        FROM candidates GROUP BY c
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE traditional AS
        SELECT simp AS c, min(trad) AS trad
        FROM read_csv('{NAME_DATA / "t2s.csv"}')
        WHERE length(simp) = 1 GROUP BY simp
        """
    )
    con.execute(
        """
        CREATE OR REPLACE MACRO id_check(p) AS substr('10X98765432', CAST(
            list_sum(list_transform(range(1, 18), lambda k: (ascii(substr(p, k, 1)) - 48)
                * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][k])) % 11 + 1 AS BIGINT), 1)
        """
    )


def generate(con: duckdb.DuckDBPyConnection, size: int, seed: int) -> None:
    """Tables clean and dirty (see the module docstring)."""
    _setup(con, seed)
    n_given = con.sql("SELECT count(*) FROM given").fetchall()[0][0]
    n_counties = con.sql("SELECT count(*) FROM counties").fetchall()[0][0]
    n_roads = con.sql("SELECT count(*) FROM roads").fetchall()[0][0]
    total = con.sql("SELECT max(hi) FROM surnames").fetchall()[0][0]
    con.execute(
        f"""
        CREATE OR REPLACE TABLE base AS
        SELECT i,
               rnd(i, 'surname') % {total} AS sk,
               rnd(i, 'g1') % {n_given} AS g1,
               CASE WHEN rnd(i, 'glen') % 10 < 7 THEN rnd(i, 'g2') % {n_given} END AS g2,
               DATE '1940-01-01' + CAST(rnd(i, 'born') % 24000 AS INTEGER) AS born,
               rnd(i, 'county') % {n_counties} AS ck,
               rnd(i, 'road') % {n_roads} AS rk,
               rnd(i, 'seq') % 1000 AS seq,
               '1' || ['3', '5', '7', '8', '9'][1 + rnd(i, 'p1') % 5]
                   || lpad(CAST(rnd(i, 'phone') % 1000000000 AS VARCHAR), 9, '0') AS phone,
               1 + rnd(i, 'no') % 999 AS no, 1 + rnd(i, 'bldg') % 30 AS bldg,
               101 + rnd(i, 'room') % 1500 AS room
        FROM range({size}) t(i)
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE clean AS
        SELECT 'l' || b.i AS unique_id, b.i,
               s.s || g1.c || coalesce(g2.c, '') AS name,
               strftime(b.born, '%Y-%m-%d') AS birth_date,
               c.code || strftime(b.born, '%Y%m%d') || lpad(CAST(b.seq AS VARCHAR), 3, '0') AS id17,
               b.phone,
               c.head || c.county || r.road || '路' || b.no || '号' || b.bldg || '幢' || b.room || '室'
                   AS address,
               c.county || r.road || '路' || b.no || '号' || b.bldg || '幢' || b.room || '室'
                   AS address_short
        FROM base b
        JOIN surnames s ON b.sk >= s.lo AND b.sk < s.hi
        JOIN given g1 ON g1.k = b.g1
        LEFT JOIN given g2 ON g2.k = b.g2
        JOIN counties c ON c.k = b.ck
        JOIN roads r ON r.k = b.rk
        """
    )
    con.execute("UPDATE clean SET id17 = id17 || id_check(id17)")
    con.execute("ALTER TABLE clean RENAME id17 TO id_card")
    con.execute(
        f"""
        CREATE OR REPLACE TABLE dirty AS
        WITH d AS (
            SELECT c.*, rnd(c.i, 'name_how') % 100 AS nh, 1 + rnd(c.i, 'name_pos') % length(c.name) AS np,
                   rnd(c.i, 'id_how') % 100 AS ih, 7 + rnd(c.i, 'id_pos') % 10 AS ip,
                   rnd(c.i, 'phone_how') % 100 AS ph, 1 + rnd(c.i, 'phone_pos') % 11 AS pp,
                   rnd(c.i, 'addr_how') % 100 AS ah, rnd(c.i, 'date_how') % 100 AS dh,
                   CAST(rnd(c.i, 'digit') % 10 AS VARCHAR) AS digit
            FROM clean c
        ), named AS (
            SELECT d.*,
                   CASE
                     WHEN nh < 8 THEN substr(name, 1, np - 1) || coalesce(h.alt, substr(name, np, 1))
                                      || substr(name, np + 1)
                     WHEN nh < 12 THEN substr(name, 1, np - 1) || g.c || substr(name, np + 1)
                     WHEN nh < 15 THEN coalesce(t1.trad, substr(name, 1, 1))
                                       || coalesce(t2.trad, substr(name, 2, 1))
                                       || coalesce(t3.trad, substr(name, 3, 1))
                     WHEN nh < 17 THEN array_to_string(string_split(name, ''), ' ')
                     ELSE name
                   END AS name2
            FROM d
            LEFT JOIN homophones h ON h.c = substr(d.name, d.np, 1)
            LEFT JOIN given g ON g.k = rnd(d.i, 'typo') % {n_given}
            LEFT JOIN traditional t1 ON t1.c = substr(d.name, 1, 1)
            LEFT JOIN traditional t2 ON t2.c = substr(d.name, 2, 1)
            LEFT JOIN traditional t3 ON t3.c = substr(d.name, 3, 1)
        )
        SELECT 'r' || n.i AS unique_id, n.i, n.name2 AS name,
               CASE WHEN dh < 2 THEN substr(birth_date, 1, 9) || digit ELSE birth_date END
                   AS birth_date,
               CASE
                 WHEN ih < 8 THEN substr(id_card, 1, ip - 1)
                                  || CAST((CAST(substr(id_card, ip, 1) AS INTEGER) + 1
                                           + rnd(n.i, 'id_delta') % 9) % 10 AS VARCHAR)
                                  || substr(id_card, ip + 1)
                 WHEN ih < 10 THEN substr(id_card, 1, ip - 1) || substr(id_card, ip + 1, 1)
                                   || substr(id_card, ip, 1) || substr(id_card, ip + 2)
                 WHEN ih < 20 THEN NULL
                 ELSE id_card
               END AS id_card,
               CASE
                 WHEN ph < 25 THEN NULL
                 WHEN ph < 28 THEN substr(phone, 1, pp - 1) || digit || substr(phone, pp + 1)
                 WHEN ph < 33 THEN '1' || ['3', '5', '8'][1 + rnd(n.i, 'p2') % 3]
                                   || lpad(CAST(rnd(n.i, 'phone2') % 1000000000 AS VARCHAR), 9, '0')
                 ELSE phone
               END AS phone,
               CASE
                 WHEN ah < 30 THEN address_short
                 WHEN ah < 35 THEN c.head || c.county || r.road || '路'
                                   || (1 + rnd(n.i, 'no2') % 999) || '号'
                 WHEN ah < 45 THEN NULL
                 ELSE address
               END AS address
        FROM named n
        JOIN counties c ON c.k = rnd(n.i, 'county2') % {n_counties}
        JOIN roads r ON r.k = rnd(n.i, 'road2') % {n_roads}
        """
    )
    sample = con.sql("SELECT id_card FROM clean USING SAMPLE 100 ROWS (reservoir, 7)").fetchall()
    for (number,) in sample:
        assert number[17] == check_char(number[:17]), number


SPEC = LinkSpec(
    fields=(
        Field("name", "name_zh"),
        Field("birth_date", "date"),
        Field("id_card", "id"),
        Field("phone", "phone"),
        Field("address", "address"),
    ),
    blocking=(
        ("id_card",),
        ("phone",),
        ("birth_date", "split_part(name__pinyin, ' ', 1)"),
        ("name__pinyin", "substr(birth_date, 1, 7)"),
    ),
    threshold=0.9,
)


def run(size: int, seed: int, memory: str) -> dict[str, Any]:
    temp = Path(tempfile.mkdtemp(prefix="jiandu_linkage_1m_", dir="/tmp"))
    try:
        con = duckdb.connect(config={"memory_limit": memory, "temp_directory": str(temp)})
        started = time.perf_counter()
        generate(con, size, seed)
        generated = time.perf_counter() - started
        left = con.sql(
            "SELECT unique_id, name, birth_date, id_card, phone, address FROM clean"
        ).to_arrow_table()
        right = con.sql(
            "SELECT unique_id, name, birth_date, id_card, phone, address FROM dirty"
        ).to_arrow_table()
        for table in ("base", "clean", "dirty"):
            con.execute(f"DROP TABLE {table}")
        stats: dict[str, Any] = {}
        started = time.perf_counter()
        pairs = link(left, right, SPEC, con=con, stats=stats)
        seconds = time.perf_counter() - started
        con.register("pairs", pairs.select(["id_l", "id_r"]))
        ((hits,),) = con.execute(
            "SELECT count(*) FROM pairs WHERE substr(id_l, 2) = substr(id_r, 2)"
        ).fetchall()
        precision = hits / pairs.num_rows if pairs.num_rows else 0.0
        recall = hits / size
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        return {
            "size": size,
            "generate_seconds": generated,
            "link_seconds": seconds,
            **{k: v for k, v in stats.items() if k.startswith("seconds_")},
            "pairs_scored": stats["pairs_scored"],
            "pairs_kept": pairs.num_rows,
            "true_pairs": size,
            "true_positives": hits,
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "prior": stats["prior"],
            "m_from": stats["m_from"],
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--memory", default="8GB")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "out" / "linkage_1m.json")
    args = parser.parse_args()
    result = run(args.size, args.seed, args.memory)
    print(
        "| records per side | generate s | link s | prepare s | train u s | train m s | predict s "
        "| pairs scored | kept | precision | recall | F1 | peak RSS MiB |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        f"| {result['size']:,} | {result['generate_seconds']:.1f} | {result['link_seconds']:.1f} "
        f"| {result['seconds_prepare']:.1f} | {result['seconds_train_u']:.1f} "
        f"| {result['seconds_train_m']:.1f} | {result['seconds_predict']:.1f} "
        f"| {result['pairs_scored']:,} | {result['pairs_kept']:,} | {result['precision']:.4f} "
        f"| {result['recall']:.4f} | {result['f1']:.4f} | {result['peak_rss_mib']:,.0f} |"
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
