"""From mentions to entities, relations and related opposing parties (`resolve`)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import duckdb
import pyarrow as pa

from jiandu.entities.mentions import MENTION_COLUMNS
from jiandu.entities.resolve import HUB_LIMIT, Resolved, entity_id, resolve

SECRET = b"test-secret"
CASE = "（2023）浙0102民初100号"


class Pool:
    """Mentions written by hand, one record per call unless a record id is given."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(
        self, dataset: str, slot: str, kind: str, *, row: str | None = None, **values: Any
    ) -> str:
        record = row or f"f.csv:{len(self.rows) + 2}"
        mention = dict.fromkeys(MENTION_COLUMNS)
        mention.update(
            source_dataset=dataset,
            source_batch="B1",
            source_row=record,
            slot=slot,
            role=values.pop("role", slot),
            kind=kind,
            **values,
        )
        self.rows.append(mention)
        return record

    def resolve(self, secret: bytes = SECRET) -> Resolved:
        con = duckdb.connect()
        columns = ", ".join(f"CAST({k} AS {t}) AS {k}" for k, t in MENTION_COLUMNS.items())
        if not self.rows:
            nulls = ", ".join(f"CAST(NULL AS {t}) AS {k}" for k, t in MENTION_COLUMNS.items())
            con.execute(f"CREATE TEMP TABLE mentions AS SELECT {nulls} WHERE false")
            return resolve(con, secret)
        con.register("raw", pa.Table.from_pylist(self.rows))
        con.execute(f"CREATE TEMP TABLE mentions AS SELECT {columns} FROM raw")
        return resolve(con, secret)


def entity_of(resolved: Resolved, **where: Any) -> set[str]:
    return {
        r["entity_id"]
        for r in resolved.records.to_pylist()
        if all(r[k] == v for k, v in where.items())
    }


def test_records_sharing_an_id_number_are_one_person_across_datasets() -> None:
    pool = Pool()
    pool.add("pension_payment", "pensioner", "person", name="张伟", id_card="330102195001011234")
    pool.add("death_record", "deceased", "person", name="張偉", id_card="330102195001011234")
    pool.add("pension_payment", "pensioner", "person", name="张伟", id_card="330102196001011235")
    resolved = pool.resolve()
    first = entity_of(resolved, id_card="330102195001011234")
    assert len(first) == 1
    assert first != entity_of(resolved, id_card="330102196001011235")  # same name, other ID
    (entity,) = [e for e in resolved.entities.to_pylist() if e["entity_id"] in first]
    assert entity["entity_kind"] == "person"
    assert entity["record_count"] == 2 and entity["dataset_count"] == 2
    assert {r["match"] for r in resolved.records.to_pylist()} == {"key"}


def test_entity_ids_are_keyed_hashes_stable_for_a_secret() -> None:
    pool = Pool()
    pool.add("pension_payment", "pensioner", "person", name="张伟", id_card="330102195001011234")
    one, again = pool.resolve(), pool.resolve()
    other = pool.resolve(b"another secret")
    (found,) = one.entities.column("entity_id").to_pylist()
    assert found == again.entities.column("entity_id")[0].as_py()
    assert found != other.entities.column("entity_id")[0].as_py()
    assert found.startswith("P") and "330102" not in found
    # The SQL HMAC is RFC 2104's: Python's hmac gives the same id.
    assert found == entity_id(SECRET, "person", "id:330102195001011234")


def test_keyless_mentions_join_by_case_name_org_name_agent_firm_and_phone() -> None:
    pool = Pool()
    # A party known by ID in court_party, and by name only in court_agent: one person.
    pool.add(
        "court_party",
        "party",
        "person",
        name="李四",
        id_card="330102198001011230",
        case_no=CASE,
        side="A",
        role="原告",
    )
    pool.add("court_agent", "party", "person", name="李四", case_no=CASE, side="A", role="原告")
    # An organisation by USCC and by name only.
    pool.add(
        "company_registry", "company", "org", name="杭州甲贸易有限公司", uscc="91330100MA27XXXX1A"
    )
    pool.add(
        "court_party",
        "party",
        "org",
        name="杭州甲贸易有限公司",
        case_no=CASE,
        side="B",
        role="被告",
    )
    # One lawyer, two cases, the same firm; a namesake at another firm.
    pool.add("court_party", "agent", "person", name="王律师", firm="甲律师事务所", case_no=CASE)
    pool.add(
        "court_party",
        "agent",
        "person",
        name="王律师",
        firm="甲律师事务所",
        case_no="（2023）浙0102民初101号",
    )
    pool.add(
        "court_party",
        "agent",
        "person",
        name="王律师",
        firm="乙律师事务所",
        case_no="（2023）浙0102民初102号",
    )
    resolved = pool.resolve()
    assert len(entity_of(resolved, name="李四")) == 1
    assert len(entity_of(resolved, name="杭州甲贸易有限公司")) == 1
    lawyers = {r["entity_id"] for r in resolved.records.to_pylist() if r["name"] == "王律师"}
    assert len(lawyers) == 2


def test_a_name_never_merges_two_different_id_numbers() -> None:
    pool = Pool()
    pool.add(
        "court_party",
        "party",
        "person",
        name="赵六",
        id_card="330102198001011230",
        case_no=CASE,
        side="A",
        role="原告",
    )
    pool.add(
        "court_party",
        "party",
        "person",
        name="赵六",
        id_card="330102199001011231",
        case_no=CASE,
        side="A",
        role="原告",
    )
    pool.add("court_agent", "party", "person", name="赵六", case_no=CASE, side="A", role="原告")
    resolved = pool.resolve()
    assert len(entity_of(resolved, name="赵六")) == 2


def _keyed_population(pool: Pool, size: int = 300) -> list[tuple[str, str, dt.date]]:
    """People known by ID in two datasets (with a few name typos: training data)."""
    rng = random.Random(7)
    surnames, given = (
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗",
        "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华",
    )
    people = []
    for i in range(size):
        name = rng.choice(surnames) + rng.choice(given) + rng.choice(given)
        born = dt.date(1950 + i % 50, i % 12 + 1, i % 28 + 1)
        id_card = f"330102{born:%Y%m%d}{i % 1000:03d}{i % 2}"
        pool.add("pension_payment", "pensioner", "person", name=name, id_card=id_card)
        pool.add(
            "social_insurance",
            "insured",
            "person",
            name=name if i % 9 else name[:2],
            id_card=id_card,
            phone=f"138{i:08d}",
        )
        people.append((name, id_card, born))
    return people


def test_people_without_id_are_matched_probabilistically() -> None:
    pool = Pool()
    people = _keyed_population(pool)
    name, id_card, born = next(p for p in people if p[0].startswith("张"))
    homophone = "章" + name[1:]
    pool.add(
        "court_party",
        "party",
        "person",
        name=homophone,
        birth_date=born,
        case_no=CASE,
        side="A",
        role="原告",
    )
    other_name, _, other_born = people[1]
    pool.add(
        "court_party",
        "party",
        "person",
        name=other_name,
        birth_date=other_born.replace(year=other_born.year - 7),
        case_no=CASE,
        side="B",
        role="被告",
    )
    resolved = pool.resolve()
    assert resolved.stats["keyless_person_descriptions"] == 2
    matched = [r for r in resolved.records.to_pylist() if r["name"] == homophone]
    assert matched[0]["match"] == "probabilistic"
    assert 90 <= matched[0]["match_probability"] <= 100
    assert matched[0]["entity_id"] in entity_of(resolved, id_card=id_card)
    stranger = [
        r
        for r in resolved.records.to_pylist()
        if r["name"] == other_name and r["source_dataset"] == "court_party"
    ]
    assert stranger[0]["match"] == "single"  # same name, born seven years apart


def _relations(resolved: Resolved) -> set[tuple[str, str, str]]:
    names = {r["entity_id"]: r["name"] for r in resolved.entities.to_pylist()}
    return {
        (names[e["entity_a"]], names[e["entity_b"]], e["relation"])
        for e in resolved.edges.to_pylist()
    }


def test_relations_within_a_record_across_a_case_and_by_shared_phone() -> None:
    pool = Pool()
    row = pool.add("company_registry", "company", "org", name="甲公司", uscc="91330100MA27XXXX1A")
    pool.add(
        "company_registry",
        "legal_rep",
        "person",
        row=row,
        name="钱七",
        id_card="330102197001011234",
        role="法定代表人",
    )
    pool.add(
        "court_party",
        "party",
        "person",
        name="孙八",
        id_card="330102198001011230",
        phone="13800000001",
        case_no=CASE,
        side="A",
        role="原告",
    )
    pool.add(
        "court_party",
        "party",
        "person",
        name="钱七",
        id_card="330102197001011234",
        phone="13800000001",
        case_no=CASE,
        side="B",
        role="被告",
    )
    pool.add(
        "court_party",
        "party",
        "person",
        name="周九",
        id_card="330102198501011230",
        case_no=CASE,
        side="A",
        role="原告",
    )
    relations = _relations(pool.resolve())
    assert ("甲公司", "钱七", "legal_rep") in relations
    assert ("钱七", "甲公司", "legal_rep") in relations  # both directions
    assert ("孙八", "钱七", "opposing_party") in relations
    assert ("孙八", "周九", "co_party") in relations
    assert ("孙八", "钱七", "same_phone") in relations
    assert ("孙八", "周九", "same_phone") not in relations


def test_an_address_shared_by_many_entities_relates_nobody() -> None:
    pool = Pool()
    for i in range(HUB_LIMIT + 1):
        pool.add(
            "company_registry",
            "company",
            "org",
            name=f"园区企业{i}有限公司",
            uscc=f"91330100MA27XX{i:04d}",
            address="杭州市某园区1号",
        )
    pool.add(
        "company_registry",
        "company",
        "org",
        name="甲有限公司",
        uscc="91330100MA27YY0001",
        address="杭州市某路2号",
    )
    pool.add(
        "company_registry",
        "company",
        "org",
        name="乙有限公司",
        uscc="91330100MA27YY0002",
        address="杭州市某路2号",
    )
    relations = _relations(pool.resolve())
    assert {r for r in relations if r[2] == "same_address"} == {
        ("甲有限公司", "乙有限公司", "same_address"),
        ("乙有限公司", "甲有限公司", "same_address"),
    }


def test_opposing_parties_related_outside_their_case() -> None:
    pool = Pool()
    other = "（2022）浙0102民初7号"
    # Case 1: plaintiff and defendant share a phone (1 hop).
    pool.add(
        "court_party",
        "party",
        "person",
        name="原甲",
        id_card="330102198001011230",
        phone="13900000001",
        case_no=CASE,
        side="A",
        role="原告",
    )
    pool.add(
        "court_party",
        "party",
        "person",
        name="被甲",
        id_card="330102198101011230",
        phone="13900000001",
        case_no=CASE,
        side="B",
        role="被告",
    )
    # Case 2: one lawyer acts for both sides in that very case (2 hops via the agent).
    case2 = "（2023）浙0102民初200号"
    for side, name, id_card in (
        ("A", "原乙", "330102198201011230"),
        ("B", "被乙", "330102198301011230"),
    ):
        row = pool.add(
            "court_party",
            "party",
            "person",
            name=name,
            id_card=id_card,
            case_no=case2,
            side=side,
            role="原告" if side == "A" else "被告",
        )
        pool.add(
            "court_party",
            "agent",
            "person",
            row=row,
            name="吴律师",
            firm="丙律师事务所",
            case_no=case2,
            role="委托代理人",
        )
    # Case 3: opponents here, opponents before: a repeat suit is not a relation.
    for case in (other, "（2023）浙0102民初300号"):
        pool.add(
            "court_party",
            "party",
            "person",
            name="原丙",
            id_card="330102198401011230",
            case_no=case,
            side="A",
            role="原告",
        )
        pool.add(
            "court_party",
            "party",
            "person",
            name="被丙",
            id_card="330102198501011230",
            case_no=case,
            side="B",
            role="被告",
        )
    rows = {
        (r["case_no"], r["party_a_name"], r["party_b_name"]): r
        for r in pool.resolve().party_relations.to_pylist()
    }
    assert set(rows) == {(CASE, "原甲", "被甲"), (case2, "原乙", "被乙")}
    assert (rows[CASE, "原甲", "被甲"]["hops"], rows[CASE, "原甲", "被甲"]["path"]) == (
        1,
        "same_phone",
    )
    two = rows[case2, "原乙", "被乙"]
    assert (two["hops"], two["path"], two["via_name"]) == (2, "agent>agent", "吴律师")
    assert two["party_a_role"] == "原告" and two["party_b_role"] == "被告"


def test_rings_and_components() -> None:
    pool = Pool()
    # A triangle of companies sharing legal representatives: 甲-钱, 乙-钱 … plus a tail.
    people = {"钱": "330102197001011234", "孙": "330102197101011234"}
    for company, uscc, reps in (
        ("甲公司", "91330100MA27ZZ0001", ("钱", "孙")),
        ("乙公司", "91330100MA27ZZ0002", ("钱", "孙")),
    ):
        for rep in reps:
            row = pool.add("company_registry", "company", "org", name=company, uscc=uscc)
            pool.add(
                "company_registry",
                "legal_rep",
                "person",
                row=row,
                name=rep,
                id_card=people[rep],
                role="法定代表人",
            )
    row = pool.add("company_registry", "company", "org", name="丙公司", uscc="91330100MA27ZZ0003")
    pool.add("company_registry", "legal_rep", "person", row=row, name="钱", id_card=people["钱"])
    entities = {e["name"]: e for e in pool.resolve().entities.to_pylist()}
    square = ("甲公司", "乙公司", "钱", "孙")
    assert {entities[n]["ring_size"] for n in square} == {4}
    assert len({entities[n]["ring_id"] for n in square}) == 1
    assert entities["丙公司"]["ring_id"] is None  # a tail, not on the cycle
    assert {e["component_size"] for e in entities.values()} == {5}
    assert entities["钱"]["degree"] == 3


def test_an_empty_pool_resolves_to_nothing() -> None:
    resolved = Pool().resolve()
    assert resolved.entities.num_rows == resolved.records.num_rows == 0
    assert resolved.edges.num_rows == resolved.party_relations.num_rows == 0
