"""Entity resolution end to end over a synthetic pool's mentions (`jiandu.entities.resolve`).

    .venv/bin/python bench/entities_bench.py --people 300000

Builds the `mentions` table directly in DuckDB (no import): every person has an ID number
and appears in pension, social insurance (with his employer and phone) and medical
records; one in ten is also a court party known only by name (one in five of those with a
homophone or a dropped character), birth date and phone; companies have a USCC and a legal
representative; court cases pair plaintiffs with defendants. Then times `resolve` — exact
keys, Splink for the keyless parties, ids, relations, graph features, party relations —
and reports how many keyless parties found their person.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import duckdb

from jiandu.entities.mentions import MENTION_COLUMNS
from jiandu.entities.resolve import resolve

SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯健俊帆帅旭宁龙林欢阳佳莉琳晨辉鑫博文婷雪倩琪颖思雨"
# Homophone swaps for the corrupted copies (same pinyin).
HOMOPHONES = {"张": "章", "王": "汪", "李": "黎", "刘": "柳", "陈": "程", "杨": "阳", "黄": "皇"}


def _mentions_sql(people: int, seed: int) -> str:
    columns = ", ".join(
        f"CAST({name} AS {kind}) AS {name}" for name, kind in MENTION_COLUMNS.items()
    )
    swaps_from = "".join(HOMOPHONES)
    swaps_to = "".join(HOMOPHONES.values())
    return f"""
    CREATE TEMP TABLE person AS
    SELECT i,
           substr('{SURNAMES}', 1 + CAST(floor(random() * {len(SURNAMES)}) AS INT), 1)
           || substr('{GIVEN}', 1 + CAST(floor(random() * {len(GIVEN)}) AS INT), 1)
           || CASE WHEN random() < 0.7
                   THEN substr('{GIVEN}', 1 + CAST(floor(random() * {len(GIVEN)}) AS INT), 1)
                   ELSE '' END AS name,
           DATE '1950-01-01' + CAST(floor(random() * 18000) AS INT) AS born,
           '138' || lpad(CAST(i AS VARCHAR), 8, '0') AS phone,
           i % {max(people // 20, 1)} AS employer
    FROM (SELECT setseed({seed / 1000}) ) s, range({people}) r(i);

    CREATE TEMP TABLE mentions AS
    WITH p AS (
      SELECT *, '330102' || strftime(born, '%Y%m%d') || lpad(CAST(i % 1000 AS VARCHAR), 3, '0')
                || CAST(i % 10 AS VARCHAR) AS id_card
      FROM person
    ), rows AS (
      SELECT 'pension_payment' AS source_dataset, 'pensioner' AS slot, 'person' AS kind,
             '领取人' AS role, name, id_card, NULL AS phone, NULL::DATE AS birth_date,
             NULL AS uscc, NULL AS case_no, NULL AS side, i AS k FROM p
      UNION ALL
      SELECT 'social_insurance', 'insured', 'person', '参保人', name, id_card, phone, NULL,
             NULL, NULL, NULL, i FROM p
      UNION ALL
      SELECT 'social_insurance', 'employer', 'org', '参保单位', '企业' || employer || '有限公司',
             NULL, NULL, NULL, '91330100MA' || lpad(CAST(employer AS VARCHAR), 8, '0'),
             NULL, NULL, i FROM p
      UNION ALL
      SELECT 'medical_settlement', 'patient', 'person', '就医人员', name, id_card, NULL, NULL,
             NULL, NULL, NULL, i FROM p WHERE i % 2 = 0
      UNION ALL
      -- one in ten is a court party known by name, birth date and phone only
      SELECT 'court_party', 'party', 'person', CASE WHEN i % 20 = 0 THEN '原告' ELSE '被告' END,
             CASE WHEN i % 50 = 0 THEN translate(name, '{swaps_from}', '{swaps_to}')
                  WHEN i % 50 = 10 AND length(name) = 3 THEN left(name, 2)
                  ELSE name END,
             NULL, phone, born, NULL,
             '（2023）浙0102民初' || CAST(i // 20 AS VARCHAR) || '号',
             CASE WHEN i % 20 = 0 THEN 'A' ELSE 'B' END, i
      FROM p WHERE i % 10 = 0
    )
    SELECT {columns} FROM (
      SELECT source_dataset, 'B1' AS source_batch, 'f:' || CAST(k AS VARCHAR) AS source_row,
             slot, role, kind, side, case_no, NULL AS group_key, name, id_card, uscc,
             NULL AS plate, NULL AS vin, phone, birth_date, NULL AS sex, NULL AS address,
             NULL AS firm, NULL::DATE AS event_date
      FROM rows
    );
    """


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, default=Path("bench/out/entities.json"))
    args = parser.parse_args()

    con = duckdb.connect(config={"memory_limit": "8GB", "temp_directory": "/tmp/jd-bench"})
    started = time.perf_counter()
    con.execute(_mentions_sql(args.people, args.seed))
    built = time.perf_counter() - started
    mentions = con.sql("SELECT count(*) FROM mentions").fetchall()[0][0]

    started = time.perf_counter()
    resolved = resolve(con, b"bench-secret")
    seconds = time.perf_counter() - started
    records = resolved.records
    con.register("records", records)
    found, keyless = con.sql(
        """
        SELECT count(*) FILTER (WHERE c.entity_id = k.entity_id), count(*)
        FROM records c
        JOIN records k ON k.source_row = c.source_row AND k.source_dataset = 'pension_payment'
        WHERE c.source_dataset = 'court_party'
        """
    ).fetchall()[0]
    result = {
        "people": args.people,
        "mentions": mentions,
        "build_s": round(built, 1),
        "resolve_s": round(seconds, 1),
        "mentions_per_s": round(mentions / seconds),
        "entities": resolved.entities.num_rows,
        "edges": resolved.edges.num_rows,
        "party_relations": resolved.party_relations.num_rows,
        "keyless_parties": keyless,
        "keyless_found": found,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "stats": resolved.stats,
    }
    print(
        f"| {mentions:,} mentions | resolve {seconds:.1f} s ({mentions / seconds:,.0f}/s) | "
        f"{resolved.entities.num_rows:,} entities | {resolved.edges.num_rows:,} edge rows | "
        f"keyless parties found {found:,} / {keyless:,} | "
        f"peak RSS {result['peak_rss_mib']:,} MiB |"
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
