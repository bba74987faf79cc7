"""The full-text index alone: build rate, size on disk, query latency.

    .venv/bin/python bench/search_bench.py [--docs 100000] [--out DIR] [--queries 500] [--scan]

Generates N synthetic civil judgments (~1,500 characters each: header with court, 案号,
parties with birth dates and addresses, agents and law firms; claims; facts; reasoning;
judgment; foot with judges, date and clerk), drawn from a few hundred sentence templates,
a pool of 300 courts, 40 causes and 50,000 personal names whose use follows a power law —
so terms have realistic frequencies (a few names in thousands of documents, most in a
handful). Documents are built a chunk at a time with numpy (object arrays concatenated
element-wise), as Arrow record batches with the columns `search_rows.read` yields, and
written straight into a fresh index through `index.add_rows` — the same code path as
`sync`, without the import pipeline, so the figure is the index's own.

Then ~500 queries of four kinds, on a warm searcher, each returning the first page of 20
with snippets (what the API answers): a name (2–3 characters), a name ANDed with a common word, a quoted
phrase cut from a document, and a term with a filter (court, cause or a date range).
Reports docs/s, MB/s of text, the index's size on disk, and p50/p95/p99 latency per kind;
with --scan also the baseline without an index: DuckDB scanning the same text (written to
Parquet while building, not timed) for a name with `contains`.
Prints a table and writes bench/out/search.json.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from jiandu.text import index
from jiandu.text.segment import gram_terms, word_terms

OUT = Path(__file__).resolve().parent / "out"
CHUNK = 5_000


def _words(text: str) -> list[str]:
    return text.split()


SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁琳"
    "欣悦晨阳晓雪梅兰婷倩颖佳嘉思文武德志建国庆春秋海波峰岩松林森涵博昊天一子雨"
)
PROVINCES = _words("浙江省 江苏省 广东省 山东省 河南省 四川省 湖北省 湖南省 福建省 安徽省")
CITIES = _words("绍兴市 杭州市 宁波市 温州市 嘉兴市 湖州市 金华市 台州市 丽水市 衢州市")
DISTRICTS = _words(
    "越城区 柯桥区 上虞区 西湖区 滨江区 鄞州区 鹿城区 南湖区 吴兴区 "
    "婺城区 椒江区 莲都区 柯城区 海曙区 江北区 瓯海区 秀洲区 南浔区 "
    "金东区 黄岩区 路桥区 龙泉市 诸暨市 嵊州市 新昌县 义乌市 东阳市 "
    "永康市 余姚市 慈溪市"
)
CAUSES = _words(
    "民间借贷纠纷 买卖合同纠纷 金融借款合同纠纷 信用卡纠纷 租赁合同纠纷 "
    "劳务合同纠纷 机动车交通事故责任纠纷 房屋买卖合同纠纷 建设工程施工合同纠纷 "
    "追偿权纠纷 物业服务合同纠纷 离婚纠纷 服务合同纠纷 承揽合同纠纷 "
    "保证合同纠纷 借款合同纠纷 装饰装修合同纠纷 运输合同纠纷 不当得利纠纷 "
    "侵权责任纠纷 劳动争议 合伙协议纠纷 股权转让纠纷 委托合同纠纷 "
    "债权转让合同纠纷 商品房预售合同纠纷 财产损害赔偿纠纷 "
    "生命权、身体权、健康权纠纷 提供劳务者受害责任纠纷 抚养纠纷 继承纠纷 "
    "相邻关系纠纷 排除妨害纠纷 返还原物纠纷 确认合同效力纠纷 网络购物合同纠纷 "
    "融资租赁合同纠纷 保险合同纠纷 供用电合同纠纷 广告合同纠纷"
)
FIRM_NAMES = _words(
    "天平 正大 明德 金道 国浩 六和 京衡 浙联 大成 中伦 汉鼎 泰和 之江 星韵 光正 合创 东方 嘉瑞 君安 诚和"
)
FIRMS = [f"{c[:2]}{w}律师事务所" for c in CITIES for w in FIRM_NAMES]
GOODS = _words("钢材 水泥 服装 茶叶 五金配件 电子元件 建材 纺织品 家具 机械设备 化工原料 农产品")
CLAIMS = [
    "判令被告偿还借款本金{amt}元及利息",
    "判令被告支付货款{amt}元及逾期付款损失",
    "判令被告支付租金{amt}元",
    "判令被告赔偿各项损失{amt}元",
    "判令被告支付劳务报酬{amt}元",
    "判令被告返还款项{amt}元",
    "判令被告承担连带清偿责任",
    "本案诉讼费用由被告承担",
    "判令解除双方签订的合同",
    "判令被告支付违约金{amt}元",
]
FACTS = [
    "{d}，被告{B}因资金周转需要向原告{A}借款{amt}元，并出具借条一份，约定月利率1%。",
    "原告{A}与被告{B}于{d}签订《{goods}买卖合同》，约定由原告向被告供应{goods}。",
    "合同签订后，原告依约履行了供货义务，被告仅支付部分货款，尚欠{amt}元未付。",
    "借款到期后，经原告多次催讨，被告{B}至今未归还借款本息。",
    "被告{B}辩称，双方之间的借贷关系属实，但已归还部分款项，剩余款项无力归还。",
    "被告{B}未到庭参加诉讼，亦未提交书面答辩意见。",
    "原告为证明其主张，向本院提交了借条、银行转账凭证、微信聊天记录等证据。",
    "经审理查明，{d}，原告{A}通过银行转账方式向被告{B}交付借款{amt}元。",
    "被告{B}于{d}向原告出具欠条一份，载明尚欠原告{goods}货款{amt}元。",
    "另查明，被告{C}系被告{B}的配偶，双方于{d}登记结婚。",
    "{d}，双方对账确认被告尚欠原告款项{amt}元，被告在对账单上签字确认。",
    "原告{A}诉称，其与被告之间系长期合作关系，被告多次拖欠款项。",
    "庭审中，被告{B}对原告提交的证据的真实性无异议，但对利息计算方式有异议。",
    "被告{C}辩称，其对该笔借款并不知情，该借款未用于夫妻共同生活。",
    "本院于{d}立案后，依法适用简易程序，公开开庭进行了审理。",
    "对当事人无异议的证据，本院予以确认并在卷佐证。",
]
REASONS = [
    "本院认为，合法的借贷关系受法律保护。原告{A}与被告{B}之间的民间借贷关系依法成立且有效。",
    "本院认为，当事人应当按照约定全面履行自己的义务。被告未按约支付货款，应承担相应的民事责任。",
    "被告{B}经本院合法传唤，无正当理由拒不到庭参加诉讼，视为放弃抗辩权利。",
    "原告主张的利息未超过合同成立时一年期贷款市场报价利率四倍，本院予以支持。",
    "被告{C}未能举证证明该债务未用于夫妻共同生活，应承担连带清偿责任。",
    "依照《中华人民共和国民法典》第六百六十七条、第六百七十五条、第六百七十六条之规定。",
    "依照《中华人民共和国民事诉讼法》第一百四十七条之规定。",
]
VERDICTS = [
    "一、被告{B}于本判决生效之日起十日内归还原告{A}借款本金{amt}元及利息；",
    "二、驳回原告{A}的其他诉讼请求。",
    "一、被告{B}于本判决生效之日起十日内支付原告{A}货款{amt}元；",
    "案件受理费{fee}元，减半收取，由被告{B}负担。",
    "如果未按本判决指定的期间履行给付金钱义务，应当依照《中华人民共和国民事诉讼法》第二百六十条之规定，加倍支付迟延履行期间的债务利息。",
]


def _pick(rng: np.random.Generator, items: list[str] | np.ndarray, n: int) -> np.ndarray:
    return np.asarray(items, dtype=object)[rng.integers(0, len(items), n)]


def name_pool(rng: np.random.Generator, size: int = 50_000) -> np.ndarray:
    """`size` distinct personal names, 2 or 3 characters (one in four of two)."""
    names: set[str] = set()
    while len(names) < size:
        n = size * 2
        first = _pick(rng, SURNAMES, n) + _pick(rng, GIVEN, n)
        third = np.where(rng.random(n) < 0.75, _pick(rng, GIVEN, n), "")
        names.update((first + third).tolist())
    return rng.permutation(np.asarray(sorted(names)[:size], dtype=object))


def _draw_names(rng: np.random.Generator, pool: np.ndarray, n: int) -> np.ndarray:
    """Names drawn from `pool` by a power law: rank = N·u² (u uniform), so the commonest
    name is in about 3% of documents (one of six names each) and most names in a few."""
    return pool[(len(pool) * rng.random(n) ** 2).astype(np.int64)]


_SLOT = re.compile(r"\{(\w+)\}")


def _fill(
    rng: np.random.Generator, templates: list[str], n: int, slots: dict[str, np.ndarray]
) -> np.ndarray:
    """One template per document, its {slots} filled from per-document arrays: per
    template, literal parts and slot arrays are concatenated element-wise."""
    choice = rng.integers(0, len(templates), n)
    out = np.empty(n, dtype=object)
    for number, template in enumerate(templates):
        mask = choice == number
        count = int(mask.sum())
        if not count:
            continue
        parts = _SLOT.split(template)  # literal, slot, literal, slot, …, literal
        filled = np.full(count, parts[0], dtype=object)
        for slot, literal in zip(parts[1::2], parts[2::2], strict=True):
            filled = filled + slots[slot][mask] + literal
        out[mask] = filled
    return out


def _dates(
    rng: np.random.Generator, n: int, start: date, days: int
) -> tuple[np.ndarray, np.ndarray]:
    offsets = rng.integers(0, days, n)
    as_dates = np.datetime64(start) + offsets.astype("timedelta64[D]")
    text = np.asarray(
        [f"{d.year}年{d.month}月{d.day}日" for d in as_dates.astype(object)], dtype=object
    )
    numbers = np.asarray([d.year * 10_000 + d.month * 100 + d.day for d in as_dates.astype(object)])
    return text, numbers


def judgments(rng: np.random.Generator, names: np.ndarray, first: int, n: int) -> pa.RecordBatch:
    """`n` synthetic judgments as the record batch `index.add_rows` takes."""
    courts = np.asarray(
        [f"{p}{c}{d}人民法院" for p, c in zip(PROVINCES, CITIES, strict=True) for d in DISTRICTS],
        dtype=object,
    )
    court = courts[rng.integers(0, len(courts), n)]
    cause = _pick(rng, CAUSES, n)
    a, b, c = (_draw_names(rng, names, n) for _ in range(3))
    agent, judge, clerk = (_draw_names(rng, names, n) for _ in range(3))
    firm = _pick(rng, FIRMS, n)
    year = rng.integers(2018, 2024, n)
    case_no = (
        "（" + year.astype(str).astype(object) + "）浙"
        + rng.integers(100, 1200, n).astype(str).astype(object) + "民初"
        + rng.integers(1, 20000, n).astype(str).astype(object) + "号"
    )  # fmt: skip
    amount = rng.integers(1, 500, n) * 1000
    slots = {
        "A": a, "B": b, "C": c, "goods": _pick(rng, GOODS, n),
        "amt": amount.astype(str).astype(object),
        "fee": (amount // 100 + 50).astype(str).astype(object),
        "d": _dates(rng, n, date(2015, 1, 1), 2500)[0],
    }  # fmt: skip
    born, _ = _dates(rng, n, date(1950, 1, 1), 18000)
    judged, judged_number = _dates(rng, n, date(2018, 1, 1), 2190)
    body = (
        court + " 民事判决书 " + case_no + " 原告：" + a + "，男，" + born + "出生，汉族，住"
        + court.astype(str).astype(object) + "辖区。委托诉讼代理人：" + agent + "，" + firm
        + "律师。被告：" + b + "，女，汉族。被告：" + c + "。原告" + a + "与被告" + b + "、"
        + c + cause + "一案，本院受理后依法公开开庭进行了审理。原告" + a
        + "向本院提出诉讼请求：" + _fill(rng, CLAIMS, n, slots) + "；"
        + _fill(rng, CLAIMS, n, slots) + "。事实和理由："
    )  # fmt: skip
    for _ in range(int(rng.integers(26, 30))):
        body = body + _fill(rng, FACTS, n, slots)
    for _ in range(3):
        body = body + _fill(rng, REASONS, n, slots)
    body = body + "判决如下："
    for _ in range(3):
        body = body + _fill(rng, VERDICTS, n, slots)
    body = (
        body + "如不服本判决，可以在判决书送达之日起十五日内向本院递交上诉状。审判员 " + judge
        + " " + judged + " 书记员 " + clerk
    )  # fmt: skip
    parties = [[x, y, z] for x, y, z in zip(a.tolist(), b.tolist(), c.tolist(), strict=True)]
    return pa.RecordBatch.from_pydict(
        {
            "row": np.arange(first, first + n),
            "title": (court + " " + case_no + " " + cause).tolist(),
            "body": body.tolist(),
            "court": court.tolist(),
            "cause": cause.tolist(),
            "case_no": case_no.tolist(),
            "doc_type": ["判决书"] * n,
            "parties": parties,
            "date": judged_number,
        }
    )


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def build(folder: Path, docs: int, seed: int, text_to: Path | None = None) -> dict[str, Any]:
    """Index `docs` generated judgments into a fresh index at `folder`; with `text_to`,
    also write their text there as Parquet (for the scan baseline, not timed)."""
    rng = np.random.default_rng(seed)
    text_sink = pq.ParquetWriter(text_to, pa.schema([("body", pa.string())])) if text_to else None
    names = name_pool(rng)
    generate_s = index_s = 0.0
    text_bytes = 0
    sample: list[str] = []
    tantivy_index = index.open_index(folder)
    writer = index.open_writer(tantivy_index)
    for first in range(0, docs, CHUNK):
        started = time.perf_counter()
        rows = judgments(rng, names, first, min(CHUNK, docs - first))
        generate_s += time.perf_counter() - started
        bodies = rows.column("body").to_pylist()
        text_bytes += sum(len(b.encode()) for b in bodies)
        sample.extend(bodies[:20])
        if text_sink is not None:
            text_sink.write_table(pa.table({"body": rows.column("body")}))
        started = time.perf_counter()
        index.add_rows(writer, rows, dataset_id="bench", dataset_type="judgment_document",
                       batch_id="B-bench")  # fmt: skip
        index_s += time.perf_counter() - started
        print(f"  {first + rows.num_rows:,} documents", flush=True)
    if text_sink is not None:
        text_sink.close()
    started = time.perf_counter()
    writer.commit()
    writer.wait_merging_threads()
    commit_s = time.perf_counter() - started
    # Where the per-document time goes: segmentation alone, on a sample.
    started = time.perf_counter()
    for body in sample:
        word_terms(body)
    words_ms = (time.perf_counter() - started) / len(sample) * 1000
    started = time.perf_counter()
    for body in sample:
        gram_terms(body)
    grams_ms = (time.perf_counter() - started) / len(sample) * 1000
    total_s = index_s + commit_s
    return {
        "docs": docs,
        "mean_chars": round(sum(len(b) for b in sample) / len(sample)),
        "text_mb": round(text_bytes / 1e6, 1),
        "generate_s": round(generate_s, 1),
        "index_s": round(index_s, 1),
        "commit_merge_s": round(commit_s, 1),
        "docs_per_s": round(docs / total_s),
        "mb_per_s": round(text_bytes / 1e6 / total_s, 2),
        "index_mb": round(folder_bytes(folder) / 1e6, 1),
        "segment_ms_per_doc": {"words": round(words_ms, 2), "grams": round(grams_ms, 2)},
        "names": names,
        "sample": sample,
    }


def queries(
    rng: np.random.Generator, names: np.ndarray, sample: list[str], n: int
) -> list[dict[str, Any]]:
    """`n` queries, a quarter of each kind."""
    found: list[dict[str, Any]] = []
    for number in range(n):
        kind = ("name", "and", "phrase", "filtered")[number % 4]
        if kind == "name":
            found.append({"kind": kind, "q": str(_draw_names(rng, names, 1)[0])})
        elif kind == "and":
            word = ("借款", "货款", "利息", "判决如下", "民间借贷")[number % 5]
            q = f"{_draw_names(rng, names, 1)[0]} {word}"
            found.append({"kind": kind, "q": q})
        elif kind == "phrase":
            text = sample[rng.integers(0, len(sample))]
            start = int(rng.integers(0, len(text) - 12))
            found.append({"kind": kind, "q": '"' + text[start : start + 8].replace('"', "") + '"'})
        else:
            filters: dict[str, Any] = (
                {"court": DISTRICTS[rng.integers(0, len(DISTRICTS))]},
                {"cause": "借贷"},
                {"date_from": date(2020, 1, 1), "date_to": date(2020, 12, 31)},
            )[number % 3]
            found.append({"kind": kind, "q": "借款 判决如下", **filters})
    return found


def latency(folder: Path, plan: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """p50/p99 per kind of query on one warm searcher (the first 50 queries run once
    untimed, to warm it and the page cache)."""
    tantivy_index = index.open_index(folder)

    def run(item: dict[str, Any]) -> tuple[float, int]:
        args = {k: v for k, v in item.items() if k not in ("kind", "q")}
        started = time.perf_counter()
        result = index.search_index(tantivy_index, item["q"], limit=20, **args)
        return (time.perf_counter() - started) * 1000, result.total

    for item in plan[:50]:
        run(item)
    samples: dict[str, list[float]] = {}
    totals: dict[str, list[int]] = {}
    for item in plan:
        elapsed, total = run(item)
        samples.setdefault(item["kind"], []).append(elapsed)
        totals.setdefault(item["kind"], []).append(total)
    report: dict[str, dict[str, Any]] = {
        kind: _summary(values) | {"median_hits": int(statistics.median(totals[kind]))}
        for kind, values in samples.items()
    }
    report["all"] = _summary([v for values in samples.values() for v in values])
    return report


def scan_latency(bodies: Path, plan: list[dict[str, Any]], limit: int = 20) -> dict[str, Any]:
    """The baseline: the first `limit` name queries answered without an index, DuckDB
    scanning the same text for the name (`contains`), first page of 20 as the index does.
    One untimed scan first warms the page cache."""
    import duckdb

    con = duckdb.connect()
    names = [item["q"] for item in plan if item["kind"] == "name"][:limit]
    sql = "SELECT count(*) OVER () AS total, body FROM read_parquet(?) WHERE contains(body, ?) LIMIT 20"
    con.execute(sql, [str(bodies), names[0]]).fetchall()
    samples = []
    for name in names:
        started = time.perf_counter()
        con.execute(sql, [str(bodies), name]).fetchall()
        samples.append((time.perf_counter() - started) * 1000)
    return _summary(samples)


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def rank(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(rank(0.95), 2),
        "p99_ms": round(rank(0.99), 2),
        "n": len(ordered),
    }


def measure(
    docs: int, n_queries: int, seed: int, folder: Path | None = None, scan: bool = False
) -> dict[str, Any]:
    """Build an index of `docs` documents (in `folder`, or a temporary one removed after),
    time `n_queries` queries on it and, with `scan`, the no-index baseline."""
    temporary = folder is None
    folder = Path(tempfile.mkdtemp(prefix="jiandu-search-bench-")) if folder is None else folder
    if folder.exists():
        shutil.rmtree(folder)
    bodies = folder.with_name(folder.name + "-bodies.parquet") if scan else None
    try:
        built = build(folder, docs, seed, bodies)
        plan = queries(
            np.random.default_rng(seed + 1), built.pop("names"), built.pop("sample"), n_queries
        )
        result: dict[str, Any] = {"build": built, "queries": latency(folder, plan)}
        if bodies is not None:
            result["scan_baseline"] = scan_latency(bodies, plan)
    finally:
        if bodies is not None:
            bodies.unlink(missing_ok=True)
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--out", type=Path, default=None, help="index folder (default: temp)")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--scan", action="store_true", help="also time the no-index baseline")
    args = parser.parse_args()
    measured = measure(args.docs, args.queries, args.seed, args.out, scan=args.scan)
    built, timings = measured["build"], measured["queries"]
    print(f"{built['docs']:,} documents, {built['mean_chars']} characters on average, "
          f"{built['text_mb']} MB of text")  # fmt: skip
    print(f"index: {built['docs_per_s']:,} docs/s, {built['mb_per_s']} MB/s "
          f"({built['index_s']} s adding + {built['commit_merge_s']} s commit and merge; "
          f"generation {built['generate_s']} s not counted); {built['index_mb']} MB on disk")  # fmt: skip
    print(f"segmentation per document: words {built['segment_ms_per_doc']['words']} ms, "
          f"grams {built['segment_ms_per_doc']['grams']} ms")  # fmt: skip
    print(f"{'queries':12} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'median hits':>12}")
    scan = {"scan (no index)": measured["scan_baseline"]} if args.scan else {}
    for kind, row in {**timings, **scan}.items():
        print(f"{kind:12} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['p99_ms']:>8} "
              f"{row.get('median_hits', ''):>12}")  # fmt: skip
    OUT.mkdir(exist_ok=True)
    (OUT / "search.json").write_text(json.dumps(measured, indent=1),
                                     encoding="utf-8")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
