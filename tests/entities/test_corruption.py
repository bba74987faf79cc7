"""The corruption set: deterministic, every kind occurs, changes are what they claim."""

from __future__ import annotations

import csv
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from jiandu.entities.corruption import CorruptionError, corrupt_companies, corrupt_people
from jiandu.entities.names import org_core, pinyin, simplify

PEOPLE_KINDS = {
    "name:homophone",
    "name:typo",
    "name:traditional",
    "phone:digit",
    "phone:missing",
    "id_card:digit",
    "id_card:missing",
    "address:abbrev",
    "address:missing",
}
COMPANY_KINDS = {
    "name:legal_form",
    "name:region",
    "name:homophone",
    "name:typo",
    "name:traditional",
    "uscc:digit",
    "uscc:missing",
    "legal_rep:homophone",
    "legal_rep:typo",
    "legal_rep:traditional",
    "legal_rep:missing",
    "address:abbrev",
    "address:missing",
}
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红玲梅飞鹏辉建国志海林波"
_CITIES = ("上海市松江区", "浙江省杭州市余杭区", "浙江省金华市义乌市", "北京市海淀区", "")
_ORGS = ("上海", "浙江", "杭州", "义乌市", "北京市", "")
_FORMS = ("有限公司", "有限责任公司", "股份有限公司", "合伙企业（有限合伙）", "")


def _people(n: int, seed: int = 0) -> pa.Table:
    rng = np.random.default_rng(seed)
    return pa.table(
        {
            "unique_id": [f"p{i}" for i in range(n)],
            "name": [
                _SURNAMES[rng.integers(len(_SURNAMES))]
                + "".join(_GIVEN[g] for g in rng.integers(len(_GIVEN), size=rng.integers(1, 3)))
                for _ in range(n)
            ],
            "phone": [f"13{rng.integers(10**9):09d}" for _ in range(n)],
            "id_card": [f"330102198{rng.integers(10**9):09d}" for _ in range(n)],
            "address": [
                f"{_CITIES[rng.integers(len(_CITIES))]}人民路{rng.integers(1, 999)}号"
                for _ in range(n)
            ],
            "age": pa.array(rng.integers(18, 90, n), pa.int64()),
        }
    )


def _companies(n: int, seed: int = 0) -> pa.Table:
    rng = np.random.default_rng(seed)
    people = _people(n, seed)
    names = [
        _ORGS[rng.integers(len(_ORGS))]
        + "".join(_GIVEN[g] for g in rng.integers(len(_GIVEN), size=2))
        + "贸易"
        + _FORMS[rng.integers(len(_FORMS))]
        for _ in range(n)
    ]
    return pa.table(
        {
            "unique_id": pa.array(range(n), pa.int64()),
            "name": names,
            "uscc": [f"91330{rng.integers(10**12):012d}X" for _ in range(n)],
            "legal_rep": people.column("name"),
            "address": people.column("address"),
            "reg_date": ["2019-01-02"] * n,
        }
    )


def _kinds(table: pa.Table) -> Counter[str]:
    return Counter(k for note in table.column("corruptions").to_pylist() for k in note.split(";"))


def test_people_deterministic_and_complete() -> None:
    clean = _people(3000)

    def corrupt(seed: int) -> pa.Table:
        return corrupt_people(
            clean,
            seed=seed,
            phone_column="phone",
            id_card_column="id_card",
            address_column="address",
        )

    dirty = corrupt(11)
    assert dirty.equals(corrupt(11))
    assert not dirty.equals(corrupt(12))
    assert dirty.num_rows == clean.num_rows
    assert set(_kinds(dirty)) == PEOPLE_KINDS
    assert dirty.column_names == [*clean.column_names, "truth_id", "corruptions"]
    _check_rows(clean, dirty, "unique_id")


def test_companies_deterministic_and_complete() -> None:
    clean = _companies(3000)
    dirty = corrupt_companies(clean, seed=7)
    assert dirty.equals(corrupt_companies(clean, seed=7))
    assert set(_kinds(dirty)) == COMPANY_KINDS
    assert dirty.schema.field("truth_id").type == pa.int64()  # the original id, as it was
    _check_rows(clean, dirty, "unique_id")


def _check_rows(clean: pa.Table, dirty: pa.Table, id_column: str) -> None:
    """Each row is its truth row with exactly the named columns changed, as named."""
    originals = {row[id_column]: row for row in clean.to_pylist()}
    seen: set[object] = set()
    for row in dirty.to_pylist():
        truth = row["truth_id"]
        assert truth not in seen
        seen.add(truth)
        original = originals[truth]
        assert row[id_column] == f"{truth}~c"
        notes = row["corruptions"].split(";")
        assert 1 <= len(notes) <= 2
        named = {note.split(":")[0] for note in notes}
        for column in clean.column_names:
            if column == id_column:
                continue
            changed = str(original[column]) != str(row[column])
            assert changed == (column in named), (column, original[column], row[column], notes)
        for note in notes:
            column, kind = note.split(":")
            before, after = original[column], row[column]
            if kind == "missing":
                assert after is None
            elif kind == "traditional" and len(notes) == 1:
                assert simplify(after) == simplify(before)
            elif kind == "homophone" and len(notes) == 1:
                assert pinyin(after) == pinyin(before) and simplify(after) != simplify(before)
            elif kind == "digit" and len(notes) == 1:
                assert len(after) == len(before)
                assert 1 <= sum(a != b for a, b in zip(after, before, strict=True)) <= 2
            elif kind == "region" and len(notes) == 1:
                assert org_core(after) == org_core(before) or org_core(after) is not None


def test_rate_and_row_choice() -> None:
    clean = _people(1000)
    half = corrupt_people(clean, seed=3, rate=0.25)
    assert half.num_rows == 250
    ids = [int(str(t)[1:]) for t in half.column("truth_id").to_pylist()]
    assert ids == sorted(ids) and len(set(ids)) == 250
    assert corrupt_people(clean, seed=3, rate=0.0).num_rows == 0
    with pytest.raises(CorruptionError):
        corrupt_people(clean, seed=3, rate=1.5)


def test_missing_column_is_reported() -> None:
    with pytest.raises(CorruptionError) as error:
        corrupt_people(_people(5), seed=1, phone_column="mobile")
    assert "mobile" in error.value.en and "mobile" in error.value.zh


def test_known_operations() -> None:
    clean = pa.table(
        {
            "unique_id": ["a"] * 1,
            "name": ["上海仓祥绿化工程有限公司"],
            "uscc": ["91310117MA1J3AJ43G"],
            "legal_rep": ["陈磊"],
            "address": ["上海市松江区叶榭镇叶旺路1号三楼"],
        }
    )
    many = pa.concat_tables([clean] * 400)
    many = many.set_column(0, "unique_id", pa.array([str(i) for i in range(400)]))
    dirty = corrupt_companies(many, seed=5)
    values = {
        note: value
        for note, value in zip(
            dirty.column("corruptions").to_pylist(), dirty.column("name").to_pylist(), strict=True
        )
    }
    assert values["name:region"] in ("仓祥绿化工程有限公司", "仓祥绿化工程（上海）有限公司")
    assert values["name:legal_form"] in ("上海仓祥绿化工程", "上海仓祥绿化工程有限责任公司")
    addresses = set(dirty.column("address").to_pylist())
    assert {"松江区叶榭镇叶旺路1号三楼", "叶榭镇叶旺路1号三楼", None} == addresses - {
        clean["address"][0].as_py()
    }


def test_registration_sample(shared_data: Path) -> None:
    """The real columns the evaluation set uses (企业名称, 法人代表 …)."""
    folder = shared_data / "company_registrations_sample"
    with (folder / "2019_shanghai.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:2000]
    clean = pa.table(
        {
            "unique_id": [str(i) for i in range(len(rows))],
            "name": [r["企业名称"] for r in rows],
            "uscc": [r["统一社会信用代码"] for r in rows],
            "legal_rep": [r["法人代表"] for r in rows],
            "address": [r["注册地址"] for r in rows],
        }
    )
    dirty = corrupt_companies(clean, seed=7)
    assert set(_kinds(dirty)) == COMPANY_KINDS
    _check_rows(clean, dirty, "unique_id")


@pytest.mark.slow
def test_speed_100k() -> None:
    clean = _companies(100_000)
    started = time.perf_counter()
    corrupt_companies(clean, seed=1)
    assert time.perf_counter() - started < 10
