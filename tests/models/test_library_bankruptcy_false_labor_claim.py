"""破产虚假劳动债权 (bankruptcy_false_labor_claim): every branch, every decoy, parameters."""

from __future__ import annotations

from datetime import date, timedelta
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
from jiandu.fields.uscc import make_org_code as org_code

MODEL = "bankruptcy_false_labor_claim"
CASE = "（2024）浙0602破12号"
ACCEPTED = date(2024, 3, 15)
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc(first8: str) -> str:
    """A USCC with valid organisation-code and GB 32100 check characters."""
    body = "91330602" + org_code(first8)
    total = sum(_USCC_ALPHABET.index(c) * (3**i % 31) for i, c in enumerate(body))
    return body + _USCC_ALPHABET[(31 - total % 31) % 31]


def person(serial: int, born: str = "19850301") -> str:
    first17 = f"330602{born}{serial:03d}"
    return first17 + id_check_digit(first17)


DEBTOR, DEBTOR_NAME = uscc("14725836"), "绍兴越城恒通纺织有限公司"
OTHER, OTHER_NAME = uscc("36925814"), "绍兴越城瑞丰贸易有限公司"
REP, REP_NAME = person(11, "19700101"), "孙志强"
OTHER_REP = person(21, "19720202")
HOME = "浙江省绍兴市越城区人民路88号3幢201室"

# Planted true cases, one per branch.
GHOST = person(31)  # no contributions at all in the claimed period
RELATIVE = person(41)  # real worker living at the legal representative's address
BIG = person(51)  # 350,000 yuan in one claim
FAR = person(61)  # 200,000 yuan on a 3,000 yuan base
MEDIATED = person(71)  # thin record; arbitration mediated 45 days before acceptance
SUITOR = person(81)  # thin record; labour suit against the debtor 200 days before
BATCH = [person(90 + i) for i in range(5)]  # thin records; one agent, near-identical sums
# Decoys.
REAL = person(101)  # full record; mediated, sued and arbitrated shortly before: real worker
MED_OLD = person(111)  # thin record; mediation 150 days before, award (裁决) 30 days before
SUIT_OLD = person(121)  # thin record; labour suit 500 days before, lending suit recently
UNION = [person(130 + i) for i in range(5)]  # real workers; one lawyer, same sums, mediated
SPREAD = [person(140 + i) for i in range(5)]  # thin records; one agent, sums far apart
NEIGHBOUR = person(151)  # lives at the other company's legal representative's address

NAMES = {
    GHOST: "吴晓东",
    RELATIVE: "孙丽娟",
    REP: REP_NAME,
    BIG: "郑建华",
    FAR: "冯秀兰",
    MEDIATED: "蒋春梅",
    SUITOR: "韩磊",
    REAL: "王建国",
    MED_OLD: "许军",
    SUIT_OLD: "曹洋",
    NEIGHBOUR: "邓勇",
    **{p: f"批量{i}" for i, p in enumerate(BATCH)},
    **{p: f"工会{i}" for i, p in enumerate(UNION)},
    **{p: f"分散{i}" for i, p in enumerate(SPREAD)},
}
FULL = (date(2021, 1, 1), date(2024, 1, 31))  # 37 months, all paid for real workers
THIN = (date(2022, 3, 1), date(2024, 2, 29))  # 24 months claimed, 3 paid


def key(id_card: str) -> str:
    return f"{CASE}|{id_card}"


def claim(id_card: str, amount: str, period: tuple[date, date] | None = THIN) -> dict[str, Any]:
    return {
        "case_no": CASE,
        "debtor_uscc": DEBTOR,
        "debtor_name": DEBTOR_NAME,
        "claimant_name": NAMES[id_card],
        "claimant_id_card": id_card,
        "claim_type": "劳动债权",
        "amount": Decimal(amount),
        "employed_from": period[0] if period else None,
        "employed_to": period[1] if period else None,
        "filed_date": date(2024, 4, 20),
        "accepted_date": ACCEPTED,
    }


def paid(id_card: str, start: date, months: int, base: str = "5000.00") -> list[dict[str, Any]]:
    rows = []
    for k in range(months):
        month = date(start.year + (start.month - 1 + k) // 12, (start.month - 1 + k) % 12 + 1, 1)
        rows.append(
            {
                "id_card": id_card,
                "name": NAMES.get(id_card),
                "employer_uscc": DEBTOR,
                "employer_name": DEBTOR_NAME,
                "month": month,
                "base_amount": Decimal(base),
                "insurance_kind": "养老保险",
            }
        )
    return rows


def arbitration(
    no: int,
    id_card: str,
    amount: str,
    days_before: int,
    method: str = "调解",
    agent: str | None = None,
) -> dict[str, Any]:
    return {
        "award_no": f"越劳人仲案字〔2023〕第{no}号",
        "applicant_name": NAMES[id_card],
        "applicant_id_card": id_card,
        "employer_uscc": DEBTOR,
        "employer_name": DEBTOR_NAME,
        "amount": Decimal(amount),
        "closing_method": method,
        "decided_date": ACCEPTED - timedelta(days=days_before),
        "agent_name": agent,
    }


def suit(no: int, cause: str, days_before: int, year: int = 2023) -> dict[str, Any]:
    return {
        "case_no": f"（{year}）浙0602民初{no}号",
        "court_name": "绍兴市越城区人民法院",
        "case_type": "民初",
        "cause": cause,
        "filing_date": ACCEPTED - timedelta(days=days_before),
    }


def party(case_no: str, role: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"case_no": case_no, "role": role, "name": name, **extra}


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    """The pool, built once: tests that change it roll their change back."""
    db = duckdb.connect()
    claims = [
        claim(GHOST, "60000.00"),
        claim(RELATIVE, "50000.00", FULL),
        claim(REP, "80000.00", FULL),
        claim(BIG, "350000.00", FULL),
        claim(FAR, "200000.00", FULL),
        claim(MEDIATED, "30000.00"),
        claim(SUITOR, "30000.00"),
        claim(REAL, "40000.00", FULL),
        claim(MED_OLD, "30000.00"),
        claim(SUIT_OLD, "30000.00"),
        claim(NEIGHBOUR, "45000.00", FULL),
        *(claim(p, "20000.00", (date(2023, 3, 1), date(2024, 2, 29))) for p in BATCH),
        *(claim(p, "20000.00", FULL) for p in UNION),
        *(claim(p, "20000.00", (date(2023, 3, 1), date(2024, 2, 29))) for p in SPREAD),
        # A large ordinary (non-labour) claim is not this model's business.
        {
            **claim(GHOST, "1000000.00"),
            "claimant_name": "绍兴银行",
            "claimant_id_card": None,
            "claim_type": "普通债权",
        },
    ]
    table(db, "bankruptcy_claim", claims)
    contributions: list[dict[str, Any]] = []
    for p in (RELATIVE, REP, BIG, REAL, NEIGHBOUR, *UNION):
        contributions += paid(p, FULL[0], 37, "8000.00" if p == BIG else "5000.00")
    contributions += paid(FAR, FULL[0], 37, "3000.00")
    for p in (MEDIATED, SUITOR, MED_OLD, SUIT_OLD):
        contributions += paid(p, THIN[0], 3, "4000.00")
    for p in (*BATCH, *SPREAD):
        contributions += paid(p, date(2023, 3, 1), 1, "4000.00")
    # GHOST was insured by another employer in the period: that does not count.
    contributions += [
        {**row, "employer_uscc": OTHER, "employer_name": OTHER_NAME}
        for row in paid(GHOST, THIN[0], 24)
    ]
    table(db, "social_insurance", contributions)
    table(
        db,
        "company_registry",
        [
            {
                "uscc": DEBTOR,
                "name": DEBTOR_NAME,
                "legal_rep_name": REP_NAME,
                "legal_rep_id_card": REP,
                "reg_address": "浙江省绍兴市越城区解放大道100号",
            },
            {
                "uscc": OTHER,
                "name": OTHER_NAME,
                "legal_rep_name": "邓国华",
                "legal_rep_id_card": OTHER_REP,
                "reg_address": "浙江省绍兴市越城区中兴路9号",
            },
        ],
    )
    table(
        db,
        "labor_arbitration",
        [
            arbitration(101, MEDIATED, "30000.00", 45),
            arbitration(102, REAL, "40000.00", 30),
            arbitration(103, MED_OLD, "30000.00", 150),
            arbitration(104, MED_OLD, "30000.00", 30, method="裁决"),
            *(
                arbitration(110 + i, p, str(20000 + 300 * i), 200, agent="钱律师")
                for i, p in enumerate(BATCH)
            ),
            *(arbitration(120 + i, p, "20000.00", 60, agent="周律师") for i, p in enumerate(UNION)),
            *(
                arbitration(130 + i, p, str(5000 + 10000 * i), 200, agent="郑律师")
                for i, p in enumerate(SPREAD)
            ),
        ],
    )
    lending = suit(301, "民间借贷纠纷", 100)
    suits = [
        suit(201, "劳动争议", 200),
        suit(202, "追索劳动报酬纠纷", 150),
        suit(203, "劳动合同纠纷", 500, 2022),
        lending,
        suit(11, "民间借贷纠纷", 900, 2021),
    ]
    table(db, "court_case", suits)
    table(
        db,
        "court_party",
        [
            party(suits[0]["case_no"], "原告", NAMES[SUITOR], id_card=SUITOR),
            party(suits[0]["case_no"], "被告", DEBTOR_NAME, uscc=DEBTOR),
            party(suits[1]["case_no"], "原告", NAMES[REAL], id_card=REAL),
            party(suits[1]["case_no"], "被告", DEBTOR_NAME),
            party(suits[2]["case_no"], "原告", NAMES[SUIT_OLD], id_card=SUIT_OLD),
            party(suits[2]["case_no"], "被告", DEBTOR_NAME, uscc=DEBTOR),
            party(lending["case_no"], "原告", NAMES[SUIT_OLD], id_card=SUIT_OLD),
            party(lending["case_no"], "被告", DEBTOR_NAME, uscc=DEBTOR),
            # Addresses: the legal representative and a relative share a home.
            party(suits[4]["case_no"], "被告", REP_NAME, id_card=REP, address=HOME),
            party(suits[4]["case_no"], "第三人", NAMES[RELATIVE], id_card=RELATIVE, address=HOME),
            party(
                suits[4]["case_no"],
                "原告",
                NAMES[NEIGHBOUR],
                id_card=NEIGHBOUR,
                address="浙江省绍兴市越城区中兴路20号",
            ),
            party(
                suits[4]["case_no"],
                "第三人",
                "邓国华",
                id_card=OTHER_REP,
                address="浙江省绍兴市越城区中兴路20号",
            ),
        ],
    )
    return db


@pytest.fixture(scope="module")
def default_keys(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Hits with the default parameters, shared by the decoy tests."""
    return hit_keys(con, MODEL)


def test_every_branch_finds_its_planted_case(default_keys: dict[str, set[str]]) -> None:
    expected = {
        key(GHOST): {"no_contributions"},
        key(RELATIVE): {"legal_rep_relative"},
        key(REP): {"legal_rep_self"},
        key(BIG): {"large_claim"},
        key(FAR): {"large_claim"},
        key(MEDIATED): {"mediated_before_filing"},
        key(SUITOR): {"suit_before_acceptance"},
        **{key(p): {"agent_batch"} for p in BATCH},
    }
    assert default_keys == expected


def test_evidence_and_title(con: duckdb.DuckDBPyConnection) -> None:
    found = {(h["subject_key"], h["branch"]): h for h in hits(con, MODEL)}
    ghost = found[(key(GHOST), "no_contributions")]
    assert ghost["severity"] == "high" and ghost["contrib_months"] == 0
    assert ghost["title"] == (
        f"吴晓东在{DEBTOR_NAME}破产案（{CASE}）中申报劳动债权60000.00元："
        "主张2022-03-01至2024-02-29在职，期间无债务人缴费记录"
    )
    relative = found[(key(RELATIVE), "legal_rep_relative")]
    assert relative["shared_address"] == HOME and relative["severity"] == "high"
    far = found[(key(FAR), "large_claim")]
    assert far["reference_base"] == Decimal("3000.00")
    assert "月缴费基数3000.00元的36倍" in far["title"]
    mediated = found[(key(MEDIATED), "mediated_before_filing")]
    assert mediated["decided_date"] == ACCEPTED - timedelta(days=45)
    assert mediated["coverage"] == pytest.approx(3 / 24)
    suitor = found[(key(SUITOR), "suit_before_acceptance")]
    assert suitor["suit_case_no"] == "（2023）浙0602民初201号" and suitor["severity"] == "low"
    batch = found[(key(BATCH[0]), "agent_batch")]
    assert batch["agent_name"] == "钱律师" and batch["batch_size"] == 5
    assert batch["evidence"]["agent_name"] == "钱律师"


def test_worker_with_real_contributions_is_left_alone(default_keys: dict[str, set[str]]) -> None:
    # REAL was mediated 30 days and sued 150 days before acceptance, but paid for 37 months.
    assert key(REAL) not in default_keys


def test_contributions_from_another_employer_do_not_count(
    con: duckdb.DuckDBPyConnection, default_keys: dict[str, set[str]]
) -> None:
    assert default_keys[key(GHOST)] == {"no_contributions"}
    con.execute("BEGIN")
    try:
        # Once the same months are paid by the debtor, GHOST is a real worker.
        con.execute(
            "UPDATE social_insurance SET employer_uscc = ? WHERE id_card = ?", [DEBTOR, GHOST]
        )
        assert key(GHOST) not in hit_keys(con, MODEL)
    finally:
        con.execute("ROLLBACK")


def test_award_or_old_mediation_is_not_a_rush_settlement(default_keys: dict[str, set[str]]) -> None:
    assert key(MED_OLD) not in default_keys


def test_old_or_non_labour_suits_do_not_count(default_keys: dict[str, set[str]]) -> None:
    assert key(SUIT_OLD) not in default_keys


def test_real_workers_sharing_a_lawyer_are_not_a_batch(default_keys: dict[str, set[str]]) -> None:
    assert not {key(p) for p in UNION} & set(default_keys)


def test_batch_with_scattered_amounts_is_not_flagged(default_keys: dict[str, set[str]]) -> None:
    assert not {key(p) for p in SPREAD} & set(default_keys)


def test_only_the_debtors_legal_representative_counts(default_keys: dict[str, set[str]]) -> None:
    assert key(NEIGHBOUR) not in default_keys


def test_parameters_change_the_result(con: duckdb.DuckDBPyConnection) -> None:
    # Coverage above 100 %: the procedural checks apply to every claimant.
    keys = hit_keys(con, MODEL, params={"real_record_coverage": 1.01})
    assert keys[key(REAL)] == {"mediated_before_filing", "suit_before_acceptance"}
    assert all(keys[key(p)] == {"agent_batch", "mediated_before_filing"} for p in UNION)
    keys = hit_keys(con, MODEL, params={"mediation_window_days": 200, "suit_window_days": 600})
    assert keys[key(MED_OLD)] == {"mediated_before_filing"}
    assert keys[key(SUIT_OLD)] == {"suit_before_acceptance"}
    keys = hit_keys(con, MODEL, params={"max_claim_amount": 500000, "base_multiple": 100})
    assert key(BIG) not in keys and key(FAR) not in keys
    keys = hit_keys(con, MODEL, params={"batch_amount_spread": 0.95, "small_claim_amount": 60000})
    assert all(keys[key(p)] == {"agent_batch"} for p in SPREAD)


# Optional datasets (optional_sources) and the branches that cannot run without them.
OPTIONAL = {
    ("company_registry",): {"legal_rep_self", "legal_rep_relative"},
    ("court_party",): {"legal_rep_relative", "suit_before_acceptance"},
    ("court_case",): {"suit_before_acceptance"},
    ("labor_arbitration",): {"mediated_before_filing", "agent_batch"},
    ("company_registry", "court_party", "court_case", "labor_arbitration"): {
        "legal_rep_self",
        "legal_rep_relative",
        "suit_before_acceptance",
        "mediated_before_filing",
        "agent_batch",
    },
}


def test_claims_and_contributions_are_required() -> None:
    # Contributions are left-joined: read as empty, every claim would look uncovered.
    assert library_spec(MODEL).required_types == {"bankruptcy_claim", "social_insurance"}


@pytest.mark.parametrize("empty", list(OPTIONAL), ids="+".join)
def test_empty_optional_datasets_silence_only_their_branches(
    con: duckdb.DuckDBPyConnection, default_keys: dict[str, set[str]], empty: tuple[str, ...]
) -> None:
    needing = OPTIONAL[empty]
    assert needing <= branches_fired(default_keys)
    with emptied(con, *empty):
        assert hit_keys(con, MODEL) == without_branches(default_keys, needing)
