"""false_judicial_confirmation: every branch on planted cases, every ordinary look-alike left alone.

The pool (reference date 2024-06-30):
- 民特101: respondent already under two unfinished enforcements by other creditors → queue.
- 民特102 (enforcement paid before), 民特103 (enforcement filed after the confirmation),
  民特104 (the same creditor settling its own enforcement) → ordinary.
- 民特111 (same phone), 民特112 (same address) → shared contact; 民特113 (different
  contacts) and 民初301 (a lawsuit, not a confirmation, parties at one address) → ordinary.
- 民特121–123: one applicant three times in 262 days → frequent; 民特124–126: another
  applicant three times over 415 days → ordinary.
- 民特141–150: ten confirmations of one mediation committee in the last year, six for one
  consulting firm (which is therefore also a frequent applicant) → concentration for those
  six; 民特151–162: a busy court-annexed centre with twelve different applicants → ordinary.
- 民特131: enforced nine days after confirmation → quick; 民特132 enforced 228 days later
  → ordinary.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import duckdb
import pytest
from library_pool import (
    branches_fired,
    emptied,
    hit_keys,
    hits,
    library_spec,
    table,
    without_branches,
)

from jiandu.fields.id_card import check_char as id_check_digit

MODEL = "false_judicial_confirmation"
CENTRE = "绍兴市越城区人民法院诉调对接中心"
COMMITTEE = "绍兴市越城区皋埠街道人民调解委员会"
FIRM = "绍兴市越城区鼎信信息咨询有限公司"
SUIT = "（2024）浙0602民初301号"


def pid(seq: int, born: str = "19800101") -> str:
    """A valid 18-digit ID number of a person registered in 越城区."""
    first17 = f"330602{born}{seq:03d}"
    return first17 + id_check_digit(first17)


def msd(n: int, year: int = 2024) -> str:
    """The case number of a confirmation (民特: special procedure)."""
    return f"（{year}）浙0602民特{n}号"


def confirmation(
    n: int,
    applicant: str,
    respondent: int,
    day: date,
    *,
    applicant_id: str | None = None,
    org: str = "绍兴市越城区城南街道人民调解委员会",
    amount: str = "200000",
) -> dict[str, Any]:
    return {
        "case_no": msd(n, day.year),
        "mediation_org": org,
        "applicant_name": applicant,
        "applicant_id_card": applicant_id,
        "respondent_name": f"债务人{respondent}",
        "respondent_id_card": pid(respondent),
        "amount": Decimal(amount),
        "confirm_date": day,
    }


def execution(
    n: int,
    respondent: int,
    filed: date,
    *,
    applicant: str = "中国工商银行股份有限公司绍兴分行",
    closed: date | None = None,
    method: str | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    return {
        "exec_case_no": f"（{filed.year}）浙0602执{n}号",
        "source_case_no": source,
        "applicant_name": applicant,
        "respondent_name": f"债务人{respondent}",
        "respondent_id_card": pid(respondent),
        "amount": Decimal("150000"),
        "filing_date": filed,
        "closing_date": closed,
        "closing_method": method,
    }


def party(case_no: str, role: str, seq: int, phone: str, address: str) -> dict[str, Any]:
    return {
        "case_no": case_no,
        "role": role,
        "party_type": "person",
        "name": f"当事人{seq}",
        "id_card": pid(seq),
        "phone": phone,
        "address": address,
    }


APPLICANT_P = pid(900)  # the frequent applicant
SPREAD_P = pid(901)  # three confirmations over more than a year


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    db = duckdb.connect()
    confs = [
        confirmation(101, "钱一", 2, date(2024, 3, 1), applicant_id=pid(1), amount="500000"),
        confirmation(102, "钱三", 3, date(2024, 2, 1), applicant_id=pid(31)),
        confirmation(103, "钱四", 4, date(2024, 2, 1), applicant_id=pid(41)),
        confirmation(104, "钱五", 5, date(2024, 2, 1), applicant_id=pid(51)),
        confirmation(111, "当事人6", 7, date(2024, 1, 8), applicant_id=pid(6)),
        confirmation(112, "当事人8", 9, date(2024, 1, 9), applicant_id=pid(8)),
        confirmation(113, "当事人10", 11, date(2024, 1, 10), applicant_id=pid(10)),
        confirmation(121, "赵九", 21, date(2023, 9, 1), applicant_id=APPLICANT_P),
        confirmation(122, "赵九", 22, date(2024, 1, 10), applicant_id=APPLICANT_P),
        confirmation(123, "赵九", 23, date(2024, 5, 20), applicant_id=APPLICANT_P),
        confirmation(124, "周十", 24, date(2022, 1, 10), applicant_id=SPREAD_P),
        confirmation(125, "周十", 25, date(2022, 9, 1), applicant_id=SPREAD_P),
        confirmation(126, "周十", 26, date(2023, 3, 1), applicant_id=SPREAD_P),
        confirmation(131, "吴一", 31, date(2024, 4, 1), applicant_id=pid(131)),
        confirmation(132, "吴二", 32, date(2023, 6, 1), applicant_id=pid(132)),
    ]
    # The committee: six for the firm (no ID number: matched by name), four for others.
    for k in range(10):
        mine = k < 6
        confs.append(
            confirmation(
                141 + k,
                FIRM if mine else f"申请人{141 + k}",
                400 + k,
                date(2024, 1 + k % 6, 5 + k),
                applicant_id=None if mine else pid(500 + k),
                org=COMMITTEE,
                amount="30000",
            )
        )
    for k in range(12):  # a busy centre, every applicant different
        confs.append(
            confirmation(
                151 + k, f"申请人{151 + k}", 600 + k, date(2024, 1 + k % 6, 3),
                applicant_id=pid(700 + k), org=CENTRE,
            )
        )  # fmt: skip
    table(db, "judicial_confirmation", confs)
    table(
        db,
        "execution_case",
        [
            # 民特101: one enforcement "closed" with no property found, one still open.
            execution(201, 2, date(2023, 6, 1), closed=date(2023, 10, 10), method="终结本次执行"),
            execution(5, 2, date(2024, 1, 5), applicant="绍兴某某建材有限公司"),
            # 民特102: paid in full two years before the confirmation.
            execution(202, 3, date(2022, 1, 4), closed=date(2022, 6, 1), method="执行完毕"),
            # 民特103: another creditor's enforcement filed after the confirmation.
            execution(60, 4, date(2024, 5, 1), applicant="绍兴某某物流有限公司"),
            # 民特104: the applicant settles its own enforcement with the respondent.
            execution(203, 5, date(2023, 8, 1), applicant="钱五"),
            # 民特131 enforced nine days after confirmation; 民特132 after 228 days.
            execution(300, 31, date(2024, 4, 10), applicant="吴一", source=msd(131)),
            execution(30, 32, date(2024, 1, 15), applicant="吴二", source=msd(132, 2023)),
        ],
    )
    table(
        db,
        "court_party",
        [
            party(msd(111), "申请人", 6, "13905751234", "浙江省绍兴市越城区胜利东路1号"),
            party(msd(111), "被申请人", 7, "13905751234", "浙江省绍兴市越城区解放北路8号"),
            party(msd(112), "申请人", 8, "13905751111", "浙江省绍兴市越城区中兴中路20号"),
            party(msd(112), "被申请人", 9, "13905752222", "浙江省绍兴市越城区中兴中路20号"),
            party(msd(113), "申请人", 10, "13905753333", "浙江省绍兴市越城区人民中路3号"),
            party(msd(113), "被申请人", 11, "13905754444", "浙江省绍兴市越城区环城西路5号"),
            # A divorce suit between spouses at one address: not a confirmation.
            party(SUIT, "原告", 12, "13905755555", "浙江省绍兴市越城区府山街道1号"),
            party(SUIT, "被告", 13, "13905756666", "浙江省绍兴市越城区府山街道1号"),
        ],
    )  # fmt: skip
    return db


@pytest.fixture(scope="module")
def found(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The hits with default parameters, computed once for the module."""
    return hits(con, MODEL)


def keys_of(rows: list[dict[str, Any]]) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {}
    for row in rows:
        keys.setdefault(str(row["subject_key"]), set()).add(str(row["branch"]))
    return keys


FREQUENT = {msd(121, 2023), msd(122), msd(123)}
CONCENTRATED = {msd(141 + k): {"frequent_applicant", "org_concentration"} for k in range(6)}
EXPECTED = {
    msd(101): {"queue_jumping"},
    msd(111): {"shared_contact"},
    msd(112): {"shared_contact"},
    **{case_no: {"frequent_applicant"} for case_no in FREQUENT},
    **CONCENTRATED,
    msd(131): {"quick_enforcement"},
}


def test_finds_exactly_the_planted_cases(found: list[dict[str, Any]]) -> None:
    assert keys_of(found) == EXPECTED


def test_queue_jumping_evidence_and_title(found: list[dict[str, Any]]) -> None:
    (hit,) = [h for h in found if h["branch"] == "queue_jumping"]
    assert hit["subject_type"] == "case" and hit["severity"] == "high"
    assert hit["pending_executions"] == 2 and hit["evidence"]["confirm_date"] == date(2024, 3, 1)
    assert hit["title"] == (
        "司法确认（2024）浙0602民特101号（钱一申请，被申请人债务人2，500000.00元）："
        "被申请人确认时已有未履行执行案件2件"
    )


def test_shared_contact_names_what_is_shared(found: list[dict[str, Any]]) -> None:
    shared = {h["subject_key"]: h for h in found if h["branch"] == "shared_contact"}
    assert shared[msd(111)]["shared_phone"] == "13905751234"
    assert shared[msd(111)]["shared_address"] is None
    assert shared[msd(111)]["finding"] == "申请人与被申请人电话相同"
    assert shared[msd(112)]["shared_address"] == "浙江省绍兴市越城区中兴中路20号"
    assert shared[msd(112)]["finding"] == "申请人与被申请人住址相同"


def test_other_branches_evidence(found: list[dict[str, Any]]) -> None:
    by_branch = {(h["branch"], h["subject_key"]): h for h in found}
    assert by_branch["frequent_applicant", msd(123)]["applicant_confirmations"] == 3
    org = by_branch["org_concentration", msd(141)]
    assert (org["org_confirmations"], org["applicant_confirmations"]) == (10, 6)
    assert org["mediation_org"] == COMMITTEE
    quick = by_branch["quick_enforcement", msd(131)]
    assert quick["days_to_enforcement"] == 9 and quick["exec_case_no"] == "（2024）浙0602执300号"
    assert quick["severity"] == "low" and quick["title"].endswith("确认后9天即申请执行")


@pytest.mark.parametrize(
    ("case_no", "why"),
    [
        (msd(102), "respondent's enforcement was paid in full before the confirmation"),
        (msd(103), "the other creditor's enforcement was filed after the confirmation"),
        (msd(104), "the applicant settles its own enforcement with the respondent"),
        (msd(113), "applicant and respondent have different phones and addresses"),
        (SUIT, "a lawsuit between parties at one address is no confirmation"),
        (msd(124, 2022), "three confirmations spread over more than twelve months"),
        (msd(126, 2023), "three confirmations spread over more than twelve months"),
        (msd(151), "a busy mediation centre whose applicants all differ"),
        (msd(147), "the committee's other applicants are not dominant"),
        (msd(132, 2023), "enforcement applied for long after the confirmation"),
    ],
)
def test_ordinary_confirmation_is_not_flagged(
    found: list[dict[str, Any]], case_no: str, why: str
) -> None:
    assert case_no not in keys_of(found), why


def test_parameters_change_the_result(con: duckdb.DuckDBPyConnection) -> None:
    tuned = hit_keys(
        con,
        MODEL,
        params={"quick_days": 300, "min_confirmations": 7, "org_min_share": Decimal("0.7")},
    )
    assert msd(132, 2023) in tuned and "quick_enforcement" in tuned[msd(132, 2023)]
    assert not any("frequent_applicant" in b or "org_concentration" in b for b in tuned.values())
    # Counting every 终本 closure as paid leaves only the still-open enforcement.
    paid = hits(con, MODEL, params={"unpaid_closing_methods": []})
    (queue,) = [h for h in paid if h["branch"] == "queue_jumping"]
    assert queue["pending_executions"] == 1


# Optional datasets (optional_sources) and the branches that cannot run without them.
OPTIONAL = {
    ("execution_case",): {"queue_jumping", "quick_enforcement"},
    ("court_party",): {"shared_contact"},
    ("execution_case", "court_party"): {"queue_jumping", "quick_enforcement", "shared_contact"},
}


@pytest.mark.parametrize("empty", list(OPTIONAL), ids="+".join)
def test_empty_optional_datasets_silence_only_their_branches(
    con: duckdb.DuckDBPyConnection, empty: tuple[str, ...]
) -> None:
    assert library_spec(MODEL).required_types == {"judicial_confirmation"}
    needing = OPTIONAL[empty]
    assert needing <= branches_fired(EXPECTED)
    with emptied(con, *empty):
        assert hit_keys(con, MODEL) == without_branches(EXPECTED, needing)
