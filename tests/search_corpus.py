"""Judgment rows for the search tests (tests/text, tests/web, tests/cli): real criminal
judgments from the JuDGE test split when ../shared/data is present, plus a few short
civil ones written here so that names, filters and masking have known answers.

The fields are the catalog's `judgment_document` fields, as a court's export has them;
court, case number, cause and parties of the real texts are read by the judgment parser.
"""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from jiandu.catalog.registry import all_types
from jiandu.config import Settings
from jiandu.ingest.importer import ImportRequest, import_batch
from jiandu.text.judgment import parse_judgment

SHARED_JUDGE = Path(__file__).resolve().parents[2] / "shared/data/judge_criminal_fulltext/test.json"
ID_CARD = "330602195501012317"
PHONE = "13800001234"

#: Short civil judgments with known content (ids civ-1 …).
CIVIL: tuple[dict[str, str], ...] = (
    {
        "doc_id": "civ-1",
        "court_name": "浙江省绍兴市越城区人民法院",
        "case_no": "（2020）浙0602民初1001号",
        "cause": "民间借贷纠纷",
        "parties": "张三丰、李四",
        "judgment_date": "2020-05-06",
        "full_text": (
            "浙江省绍兴市越城区人民法院 民事判决书 （2020）浙0602民初1001号 原告张三丰，男，"
            f"身份证号{ID_CARD}，联系电话{PHONE}。被告李四，男。原告张三丰与被告李四民间借贷"
            "纠纷一案，本院于2020年3月2日立案。原告张三丰向本院提出诉讼请求：判令被告偿还借款"
            "50000元。本院认为，民间借贷关系合法有效，被告李四应当偿还借款。判决如下：被告李四"
            "于本判决生效之日起十日内偿还原告张三丰借款50000元。"
        ),
    },
    {
        "doc_id": "civ-2",
        "court_name": "浙江省绍兴市柯桥区人民法院",
        "case_no": "（2021）浙0603民初2002号",
        "cause": "买卖合同纠纷",
        "parties": "张三、王五贸易有限公司",
        "judgment_date": "2021-07-08",
        "full_text": (
            "浙江省绍兴市柯桥区人民法院 民事判决书 （2021）浙0603民初2002号 原告张三，女。"
            "被告王五贸易有限公司。原告张三与被告王五贸易有限公司买卖合同纠纷一案，本院受理后"
            "依法适用简易程序。原告张三的委托诉讼代理人赵六，浙江某某律师事务所律师。判决如下："
            "被告支付货款12000元。"
        ),
    },
    {
        "doc_id": "civ-3",
        "court_name": "浙江省绍兴市越城区人民法院",
        "case_no": "（2022）浙0602民初3003号",
        "cause": "民间借贷纠纷",
        "parties": "钱七、孙八",
        "judgment_date": "2022-09-10",
        "full_text": (
            "浙江省绍兴市越城区人民法院 民事判决书 （2022）浙0602民初3003号 原告钱七。被告孙八。"
            "民间借贷纠纷一案。民间借贷事实清楚，民间借贷合同成立，被告孙八应还款。民间借贷利息"
            "按约定计算。判决如下：被告孙八偿还原告钱七借款8000元。"
        ),
    },
)


def judge_records(limit: int) -> list[dict[str, str]]:
    """The first `limit` JuDGE judgments as rows (empty when the data is absent)."""
    if not SHARED_JUDGE.is_file():
        return []
    records = []
    with SHARED_JUDGE.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh):
            if number >= limit:
                break
            item = json.loads(line)
            text = item["fd"]
            parsed = parse_judgment(text)
            records.append(
                {
                    "doc_id": item["text_id"],
                    "court_name": parsed.court or "",
                    "case_no": parsed.case_no or "",
                    "cause": parsed.cause or "",
                    "parties": "、".join(dict.fromkeys(p.name for p in parsed.parties)),
                    "judgment_date": (date(2017, 1, 1) + timedelta(days=number)).isoformat(),
                    "full_text": text,
                }
            )
    return records


def write_judgments(path: Path, records: list[dict[str, str]]) -> Path:
    columns = ["doc_id", "court_name", "case_no", "cause", "parties", "judgment_date"]
    columns += ["doc_type", "full_text"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        for record in records:
            writer.writerow({"doc_type": "判决书", **record})
    return path


def import_judgments(settings: Settings, path: Path) -> Any:
    result = import_batch(
        settings,
        ImportRequest(dataset_type=all_types(settings)["judgment_document"], files=(path,)),
    )
    assert result.status == "committed", result
    return result
