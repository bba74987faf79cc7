"""Model test helpers: a small pool with planted pension-after-death hits and decoys.

Persons (min_months = 2):
- A died 2023-03-15, paid Jan–Jun: Apr, May, Jun after death → hit (3 months).
- B died 2023-03-10, paid Jan–Mar: only the month of death → no hit.
- C died 2023-03-20, paid Jan–Apr: one arrears month → no hit.
- D died 2023-01-31 (cremation) and 2023-02-20 (registry cancellation), paid Jan–Mar:
  the earliest date counts, so Feb and Mar → hit (2 months); with the later date only 1.
- E alive, paid Jan–Jun, under a suspended sentence (缓刑) from 2023-01-10 → no hit: a
  suspended sentence keeps the pension (pension_after_death's in-custody branch).
  F died, never paid → no hit.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from jiandu.catalog.registry import builtin_types
from jiandu.config import Settings
from jiandu.fields.id_card import check_char as id_check_digit
from jiandu.ingest.importer import ImportRequest, import_batch


def person_id(seq: int, born: str = "19450101") -> str:
    first17 = f"330602{born}{seq:03d}"
    return first17 + id_check_digit(first17)


ID_A, ID_B, ID_C, ID_D, ID_E, ID_F = (person_id(n) for n in (11, 22, 33, 44, 55, 66))
MONTHS = ["2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-06"]


@dataclass(frozen=True)
class PoolFiles:
    pension: Path
    deaths: Path
    sentences: Path


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def pool_files(folder: Path) -> PoolFiles:
    pay = [["姓名", "身份证号", "发放月份", "金额"]]
    for name, id_card, months in (
        ("甲", ID_A, MONTHS),
        ("乙", ID_B, MONTHS[:3]),
        ("丙", ID_C, MONTHS[:4]),
        ("丁", ID_D, MONTHS[:3]),
        ("戊", ID_E, MONTHS),
    ):
        pay.extend([name, id_card, month, "1000"] for month in months)
    deaths = [
        ["身份证号", "姓名", "死亡日期", "来源"],
        [ID_A, "甲", "2023-03-15", "火化"],
        [ID_B, "乙", "2023-03-10", "火化"],
        [ID_C, "丙", "2023-03-20", "医院"],
        [ID_D, "丁", "2023-01-31", "火化"],
        [ID_D, "丁", "2023-02-20", "户籍注销"],
        [ID_F, "己", "2023-05-01", "火化"],
    ]
    sentences = [
        ["身份证号", "姓名", "刑罚种类", "刑期起日", "刑期止日"],
        [ID_E, "戊", "缓刑", "2023-01-10", "2024-01-09"],
    ]
    return PoolFiles(
        pension=write_csv(folder / "养老金.csv", pay),
        deaths=write_csv(folder / "死亡.csv", deaths),
        sentences=write_csv(folder / "刑罚执行.csv", sentences),
    )


def import_file(settings: Settings, type_id: str, path: Path) -> str:
    result = import_batch(
        settings, ImportRequest(dataset_type=builtin_types()[type_id], files=(path,))
    )
    assert result.status == "committed"
    return result.batch_id
