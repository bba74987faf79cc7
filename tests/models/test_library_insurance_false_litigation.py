"""The built-in model insurance_false_litigation (车险理赔虚假诉讼) on a hand-made pool.

Every rule branch has planted true cases and every decoy of spec/models.md has its own
test. The run date is AS_OF (2024-06-30), so the one-year window starts on 2023-07-01.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import duckdb
import pytest
from library_pool import (
    AS_OF,
    branches_fired,
    emptied,
    hit_keys,
    hits,
    library_spec,
    table,
    without_branches,
)

from jiandu.fields.id_card import check_char as id_check_digit
from jiandu.fields.uscc import check_char, org_check_char

MODEL = "insurance_false_litigation"
INSURER = "中国人民财产保险股份有限公司绍兴市分公司"
CAUSE = "机动车交通事故责任纠纷"


def person_id(n: int) -> str:
    """A valid 18-digit resident ID (Shaoxing Yuecheng) distinct for each n < 1000."""
    first17 = f"330602{1970 + n % 30}{n % 12 + 1:02d}{n % 28 + 1:02d}{n:03d}"
    return first17 + id_check_digit(first17)


def uscc(org8: str) -> str:
    """A valid unified social credit code of a Shaoxing company."""
    first17 = "91330602" + org8 + org_check_char(org8)
    return first17 + check_char(first17)


def case_no(n: int, year: int = 2024) -> str:
    return f"（{year}）浙0602民初{n}号"


SHOP_PLAINTIFF = "绍兴市柯桥区顺通汽车维修有限公司"
SHOP_PLAINTIFF_USCC = uscc("MA2D3K4L")
SHOP_OWNING = "绍兴市越城区安顺汽车修理厂"
SHOP_OWNING_USCC = uscc("MA2E7P1Q")
CLUSTER_SHOP = "绍兴市越城区鑫达汽车修理厂"
EMPLOYER_FAKE = "绍兴越城建材有限公司"
EMPLOYER_REAL = "绍兴柯桥纺织有限公司"
EMPLOYER_REAL_USCC = uscc("MA2B8C9D")

# Expected hits: {case_no: {branches}}.
LOST_WAGES = case_no(101)  # employer never paid contributions for the plaintiff
INSURED_BY_EMPLOYER = case_no(102)  # decoy: the employer did pay
AGENT_CASES = [case_no(n) for n in range(201, 206)]  # one agent, policies days old
SHOP_CASES = [case_no(n) for n in range(301, 306)]  # one repair shop, policies days old
LAWYER_CASES = [case_no(n) for n in range(401, 409)]  # decoy: busy lawyer, ordinary
SHOP_SUES = case_no(501)  # repair shop sues; it sold the car before the accident
SHOP_OWNS = case_no(502)  # repair shop sues over its own registered vehicle
REPEAT_CASES = [case_no(n) for n in range(601, 604)]  # one plaintiff, three suits
REPEAT_OLD = case_no(600, 2023)  # the same plaintiff, before the window
UNASSESSED = case_no(701)  # the insurer never assessed the loss
APPRAISER_CASES = [case_no(n) for n in range(801, 806)]  # same agent, same appraiser


class Pool:
    """Rows of the six dataset types, built case by case."""

    def __init__(self) -> None:
        self.cases: list[dict[str, Any]] = []
        self.parties: list[dict[str, Any]] = []
        self.claims: list[dict[str, Any]] = []
        self.contributions: list[dict[str, Any]] = []
        self.accidents: list[dict[str, Any]] = []
        self.vehicles: list[dict[str, Any]] = []

    def suit(
        self,
        number: str,
        filed: date,
        plaintiff: dict[str, Any],
        *,
        appraisal_org: str | None = None,
    ) -> None:
        """A traffic suit by `plaintiff` against a driver and the insurer."""
        self.cases.append(
            {
                "case_no": number,
                "court_name": "绍兴市越城区人民法院",
                "case_type": "民初",
                "cause": CAUSE,
                "filing_date": filed,
                "closing_method": "判决",
                "amount_claimed": Decimal("86000.00"),
                "appraisal_org": appraisal_org,
            }
        )
        self.parties.append({"case_no": number, "role": "原告", **plaintiff})
        self.parties.append(
            {
                "case_no": number,
                "role": "被告",
                "party_type": "person",
                "name": "驾驶员" + number[-5:-2],
                "id_card": person_id(900 + len(self.cases) % 90),
            }
        )
        self.parties.append(
            {"case_no": number, "role": "被告", "party_type": "org", "name": INSURER}
        )

    def claim(
        self,
        claim_id: str,
        plate: str,
        policy_start: date,
        accident: datetime,
        *,
        injured_id: str | None = None,
        shop: str | None = None,
        assessed: str = "是",
    ) -> None:
        self.claims.append(
            {
                "claim_id": claim_id,
                "policy_no": "PDAA2023330600" + claim_id[-4:],
                "policy_start": policy_start,
                "insured_name": "投保人" + claim_id[-3:],
                "plate": plate,
                "accident_time": accident,
                "report_time": accident + timedelta(hours=2),
                "repair_shop": shop,
                "injured_name": None if injured_id is None else "伤者" + claim_id[-3:],
                "injured_id_card": injured_id,
                "claim_amount": Decimal("52000.00"),
                "loss_assessed": assessed,
            }
        )


def injured(n: int, **extra: Any) -> dict[str, Any]:
    return {"party_type": "person", "name": f"原告{n}", "id_card": person_id(n), **extra}


def build_pool() -> Pool:
    pool = Pool()
    # (1) lost wages: the claimed employer paid nothing; another employer did.
    pool.suit(
        LOST_WAGES,
        date(2024, 5, 6),
        injured(
            101,
            employer_name=EMPLOYER_FAKE,
            lost_work_from=date(2024, 1, 10),
            lost_work_to=date(2024, 3, 31),
        ),
    )
    pool.suit(
        INSURED_BY_EMPLOYER,
        date(2024, 5, 8),
        injured(
            102,
            employer_name=EMPLOYER_REAL,
            lost_work_from=date(2024, 2, 1),
            lost_work_to=date(2024, 4, 30),
        ),
    )
    for n, employer, code in (
        (101, "绍兴某物流有限公司", uscc("MA2F1G2H")),
        (102, EMPLOYER_REAL, EMPLOYER_REAL_USCC),
    ):
        for month in range(1, 7):
            pool.contributions.append(
                {
                    "id_card": person_id(n),
                    "name": f"原告{n}",
                    "employer_uscc": code,
                    "employer_name": employer,
                    "month": date(2024, month, 1),
                    "base_amount": Decimal("4462.00"),
                    "insurance_kind": "养老保险",
                }
            )
    # (2a) one agent, five suits over accidents ten days after the policy start. In 205
    # the claim says day 34 but the police record (six days earlier) says day 28.
    agent = {
        "agent_name": "赵刚",
        "agent_firm": "绍兴市越城区城南法律服务所",
        "agent_type": "法律工作者",
    }
    for k, number in enumerate(AGENT_CASES):
        n = 201 + k
        start = date(2023, 9, 1) + timedelta(days=20 * k)
        days = 34 if n == 205 else 10
        accident = datetime.combine(start + timedelta(days=days), datetime.min.time())
        pool.claim(
            f"CLM2023{n:04d}",
            f"浙D2{n:04d}",
            start,
            accident.replace(hour=21),
            injured_id=person_id(n),
            shop=f"绍兴第{n}汽车修理厂",
        )
        pool.suit(number, start + timedelta(days=60), injured(n, **agent))
    pool.accidents.append(
        {
            "accident_id": "330602120230000205",
            "accident_time": datetime(2023, 12, 18, 20, 0),
            "place": "绍兴市越城区解放北路",
            "party_name": "驾驶员205",
            "plate": "浙D20205",
            "responsibility": "全部",
        }
    )
    # (2b) one repair shop behind five suits of injured people without agents.
    for k, number in enumerate(SHOP_CASES):
        n = 301 + k
        start = date(2023, 8, 15) + timedelta(days=25 * k)
        accident = datetime.combine(start + timedelta(days=5), datetime.min.time())
        pool.claim(
            f"CLM2023{n:04d}",
            f"浙D3{n:04d}",
            start,
            accident,
            injured_id=person_id(n),
            shop=CLUSTER_SHOP,
        )
        pool.suit(number, start + timedelta(days=50), injured(n))
    # Decoy: a busy lawyer, eight ordinary suits, appraisers drawn from three institutions.
    lawyer = {"agent_name": "陈静", "agent_firm": "浙江越州律师事务所", "agent_type": "律师"}
    appraisers = ["绍兴文理司法鉴定所", "浙江求是司法鉴定所", "绍兴越城司法鉴定中心"]
    for k, number in enumerate(LAWYER_CASES):
        n = 401 + k
        start = date(2023, 1, 10) + timedelta(days=15 * k)
        accident = datetime.combine(start + timedelta(days=200), datetime.min.time())
        pool.claim(
            f"CLM2023{n:04d}",
            f"浙D4{n:04d}",
            start,
            accident,
            injured_id=person_id(n),
            shop=f"绍兴第{n}汽车修理厂",
        )
        pool.suit(
            number,
            start + timedelta(days=260),
            injured(n, **lawyer),
            appraisal_org=appraisers[k % 3],
        )
    # (3) repair shops as plaintiffs: one sold the car before the accident, one owns it.
    shop_plaintiff = {"party_type": "org", "name": SHOP_PLAINTIFF, "uscc": SHOP_PLAINTIFF_USCC}
    pool.claim(
        "CLM20240501",
        "浙D50101",
        date(2023, 3, 1),
        datetime(2024, 1, 5, 9, 30),
        shop=SHOP_PLAINTIFF,
    )
    pool.suit(SHOP_SUES, date(2024, 3, 1), shop_plaintiff)
    pool.vehicles += [
        {
            "plate": "浙D50101",
            "owner_name": SHOP_PLAINTIFF,
            "owner_uscc": SHOP_PLAINTIFF_USCC,
            "status": "正常",
            "event": "注册",
            "event_date": date(2019, 4, 2),
        },
        {
            "plate": "浙D50101",
            "owner_name": "周建国",
            "owner_id_card": person_id(555),
            "status": "正常",
            "event": "转移",
            "event_date": date(2022, 5, 20),
        },
    ]
    owning = {"party_type": "org", "name": SHOP_OWNING, "uscc": SHOP_OWNING_USCC}
    pool.claim(
        "CLM20240502", "浙D50202", date(2023, 2, 1), datetime(2024, 2, 3, 8, 0), shop=SHOP_OWNING
    )
    pool.suit(SHOP_OWNS, date(2024, 4, 1), owning)
    pool.vehicles.append(
        {
            "plate": "浙D50202",
            "owner_name": SHOP_OWNING,
            "owner_uscc": SHOP_OWNING_USCC,
            "status": "正常",
            "event": "注册",
            "event_date": date(2021, 6, 1),
        }
    )
    # (4) one plaintiff suing the insurer three times in the window, once before it.
    pool.suit(REPEAT_OLD, date(2023, 1, 9), injured(601))
    for k, number in enumerate(REPEAT_CASES):
        pool.suit(number, date(2023, 10, 9) + timedelta(days=60 * k), injured(601))
    # (5) the claim behind the suit was never assessed.
    pool.claim(
        "CLM20240701",
        "浙D70101",
        date(2022, 11, 1),
        datetime(2024, 1, 20, 17, 0),
        injured_id=person_id(701),
        shop="绍兴越城宏达汽修厂",
        assessed="否",
    )
    pool.suit(UNASSESSED, date(2024, 4, 15), injured(701))
    # (6) one agent whose five suits all went to one appraiser.
    agent6 = {
        "agent_name": "钱勇",
        "agent_firm": "绍兴市柯桥区齐贤法律服务所",
        "agent_type": "法律工作者",
    }
    for k, number in enumerate(APPRAISER_CASES):
        pool.suit(
            number,
            date(2023, 11, 1) + timedelta(days=30 * k),
            injured(801 + k, **agent6),
            appraisal_org="绍兴安信司法鉴定所",
        )
    return pool


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    pool = build_pool()
    connection = duckdb.connect()
    table(connection, "court_case", pool.cases)
    table(connection, "court_party", pool.parties)
    table(connection, "insurance_claim", pool.claims)
    table(connection, "social_insurance", pool.contributions)
    table(connection, "traffic_accident", pool.accidents)
    table(connection, "vehicle_registry", pool.vehicles)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def found(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Hits with the default parameters (computed once: compiling takes most of a run)."""
    return hit_keys(con, MODEL)


def test_every_branch_finds_exactly_its_planted_cases(found: dict[str, set[str]]) -> None:
    expected: dict[str, set[str]] = {LOST_WAGES: {"lost_wages_uninsured"}}
    expected |= {c: {"agent_early_policy"} for c in AGENT_CASES}
    expected |= {c: {"shop_early_policy"} for c in SHOP_CASES}
    expected |= {SHOP_SUES: {"plaintiff_not_owner"}}
    expected |= {c: {"repeat_insurer_suits"} for c in REPEAT_CASES}
    expected |= {UNASSESSED: {"no_loss_assessment"}}
    expected |= {c: {"recurring_appraiser"} for c in APPRAISER_CASES}
    assert found == expected


def test_plaintiff_insured_by_employer_is_not_flagged(found: dict[str, set[str]]) -> None:
    assert INSURED_BY_EMPLOYER not in found


def test_busy_lawyer_with_ordinary_cases_is_not_flagged(found: dict[str, set[str]]) -> None:
    assert not set(LAWYER_CASES) & set(found)


def test_repair_shop_suing_over_its_own_vehicle_is_not_flagged(
    found: dict[str, set[str]],
) -> None:
    assert SHOP_OWNS not in found


def test_suits_before_the_window_are_not_counted(
    con: duckdb.DuckDBPyConnection, found: dict[str, set[str]]
) -> None:
    assert REPEAT_OLD not in found
    # A year later the three suits fall out of the window too.
    assert not set(REPEAT_CASES) & set(hit_keys(con, MODEL, as_of=AS_OF + timedelta(days=457)))


def test_police_record_dates_the_accident(con: duckdb.DuckDBPyConnection) -> None:
    # With a 3-day match the police record of suit 205 no longer counts: its claim says
    # day 34, so the agent has four early-policy suits, below five.
    found = hit_keys(con, MODEL, params={"accident_match_days": 3})
    assert not set(AGENT_CASES) & set(found)
    found = hit_keys(con, MODEL, params={"accident_match_days": 3, "min_suits": 4})
    assert {c for c, b in found.items() if "agent_early_policy" in b} == set(AGENT_CASES[:4])


def test_parameters_override_thresholds(con: duckdb.DuckDBPyConnection) -> None:
    found = hit_keys(con, MODEL, params={"min_suits": 6, "min_insurer_suits": 4})
    assert not {c for c, b in found.items() if b & {"agent_early_policy", "shop_early_policy"}}
    assert not set(REPEAT_CASES) & set(found)
    # A lower share makes the busy lawyer's three-of-eight appraiser count, once the count
    # threshold allows three suits.
    found = hit_keys(con, MODEL, params={"min_appraiser_suits": 3, "min_appraiser_share": 0.3})
    assert {c for c, b in found.items() if "recurring_appraiser" in b} == {
        *APPRAISER_CASES,
        *LAWYER_CASES[:7:3],
        *LAWYER_CASES[1:8:3],
    }


def test_titles_and_evidence_render(con: duckdb.DuckDBPyConnection) -> None:
    by_case = {(h["subject_key"], h["branch"]): h for h in hits(con, MODEL)}
    wages = by_case[(LOST_WAGES, "lost_wages_uninsured")]
    assert wages["title"] == (
        f"机动车交通事故责任纠纷{LOST_WAGES}（原告原告101）：主张在{EMPLOYER_FAKE}误工，"
        "但该单位在误工期间未为其缴纳社保"
    )
    assert wages["severity"] == "high" and wages["subject_type"] == "case"
    assert wages["evidence"]["lost_from"] == date(2024, 1, 10)
    agent = by_case[(AGENT_CASES[-1], "agent_early_policy")]
    assert "赵刚（绍兴市越城区城南法律服务所）一年内代理投保后短期出险诉讼5件" in agent["title"]
    assert agent["days_after_policy"] == 28
    owner = by_case[(SHOP_SUES, "plaintiff_not_owner")]
    assert owner["title"].endswith("原告为理赔记录中的修理厂，并非浙D50101的登记所有人")
    assert owner["plate"] == "浙D50101" and owner["repair_shop"] == SHOP_PLAINTIFF
    repeat = by_case[(REPEAT_CASES[0], "repeat_insurer_suits")]
    assert repeat["suits"] == 3
    appraiser = by_case[(APPRAISER_CASES[0], "recurring_appraiser")]
    assert appraiser["appraisal_org"] == "绍兴安信司法鉴定所"
    assert appraiser["share"] == Decimal("1.00")


# Optional datasets (optional_sources) and the branches that cannot run without them.
CLAIM_BRANCHES = {
    "agent_early_policy",
    "shop_early_policy",
    "plaintiff_not_owner",
    "no_loss_assessment",
}
OPTIONAL = {
    ("insurance_claim",): CLAIM_BRANCHES,
    ("vehicle_registry",): {"plaintiff_not_owner"},
    ("insurance_claim", "vehicle_registry"): CLAIM_BRANCHES,
}


def test_only_the_claim_and_vehicle_data_are_optional() -> None:
    # Social insurance feeds a not_exists join and police accidents date every claim:
    # read as empty they would change other hits, so the model demands them.
    assert library_spec(MODEL).required_types == {
        "court_case",
        "court_party",
        "social_insurance",
        "traffic_accident",
    }


@pytest.mark.parametrize("empty", list(OPTIONAL), ids="+".join)
def test_empty_optional_datasets_silence_only_their_branches(
    con: duckdb.DuckDBPyConnection, found: dict[str, set[str]], empty: tuple[str, ...]
) -> None:
    needing = OPTIONAL[empty]
    assert needing <= branches_fired(found)
    with emptied(con, *empty):
        assert hit_keys(con, MODEL) == without_branches(found, needing)
