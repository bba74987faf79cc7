"""破产虚假劳动债权 (bankruptcy_false_labor_claim): planted cases, decoys and ordinary records.

The model (jiandu/models/library/bankruptcy_false_labor_claim.yaml) reads the labour claims
(`bankruptcy_claim`, claim type 劳动债权) filed in a bankruptcy case and checks them against
the debtor's social-insurance contributions (`social_insurance`), its legal representative
(`company_registry`), the claimants' labour arbitrations (`labor_arbitration`) and their
court suits (`court_case`, `court_party`). Its branches:

- `no_contributions`: the debtor paid no contribution for the claimant in the claimed
  employment period (of at least 30 days);
- `legal_rep_self`: the debtor's legal representative files a labour claim;
- `legal_rep_relative`: a claimant whose address in some court suit is the legal
  representative's address there (his household);
- `large_claim`: one claim above 300,000 yuan or above 36 times the claimant's monthly
  contribution base;
- `mediated_before_filing`, `suit_before_acceptance`, `agent_batch`: for claimants whose
  contributions cover less than half the claimed months, an arbitration settled by
  mediation less than 90 days before the bankruptcy was accepted, a labour suit against
  the debtor filed at most 365 days before, or membership of a batch of at least five
  mediated claims of at most 50,000 yuan by one agent whose amounts differ by at most 10%.

Every story happens inside a planted bankruptcy (`_Bankruptcy`): a debtor company in the
registry with its legal representative, a 破 case of the court of its county, a bank's
loan suit against the company with the boss as guarantor (which puts his home address on
file, as such suits do), the claims of the bank, the tax bureau and suppliers, and a few
real employees with contributions and ordinary wage claims. Each debtor then hosts a
handful of the stories below, so that real and false claimants sit side by side in one
case as they do in practice.

Each true case fires exactly one branch: the legal representative, his relative and the
large claimants are on the payroll (contributions cover their employment), and the
"thin record" claimants of the procedural branches were paid for two to four months of a
claimed year or two (coverage well under one half, but not zero). Thin records keep two
or more months so that one corrupted contribution row rejected by the import cannot turn
them into `no_contributions` cases, and batches have six members so that one lost
arbitration row leaves five.

Decoys sit on the quiet side of each rule: real workers (full contribution records) who
were mediated, sued and batched shortly before the bankruptcy (the decoy of
spec/models.md), a trial period shorter than 30 days, mediation 90 to 110 days before
acceptance, an award (裁决) instead of a mediation, a labour suit 366 to 400 days before,
a non-labour suit, claims just under 300,000 yuan and just under 36 times the base,
batches whose amounts spread more than 10%, batches of four and batches of sums just
above 50,000 yuan, and a worker who lives with the legal representative of a company
other than the debtor.

Nothing here makes another model fire: every company has its own address and phone and
issues no invoices (shell_company), suits are labour, loan (金融借款, by banks) and single
private-lending suits (professional_lender needs ten 民间借贷 suits per lender), and no
suit is a traffic case (insurance_false_litigation).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from jiandu.demo.world import (
    COUNTIES,
    DEMO_AS_OF,
    Company,
    Court,
    DemoData,
    Person,
    World,
    add_months,
    month_of,
    months_between,
)

__all__ = ["BRANCHES", "DECOY_KINDS", "MODEL_ID", "plant"]

MODEL_ID = "bankruptcy_false_labor_claim"
BRANCHES = (
    "no_contributions",
    "legal_rep_self",
    "legal_rep_relative",
    "large_claim",
    "mediated_before_filing",
    "suit_before_acceptance",
    "agent_batch",
)
DECOY_KINDS = (
    "real_worker",
    "real_worker_batch",
    "short_employment",
    "mediation_before_window",
    "award_in_window",
    "suit_before_window",
    "non_labour_suit",
    "claim_under_limit",
    "claim_under_base_multiple",
    "batch_spread",
    "batch_too_few",
    "batch_above_small_claim",
    "other_company_rep_relative",
)

# The model's defaults (parameters of the YAML), which the stories straddle.
MIN_EMPLOYMENT_DAYS = 30
MAX_CLAIM = Decimal(300_000)
BASE_MULTIPLE = 36
MEDIATION_WINDOW_DAYS = 90
SUIT_WINDOW_DAYS = 365
SMALL_CLAIM = Decimal(50_000)
BATCH_MIN_CLAIMS = 5
BATCH_SPREAD = Decimal("0.1")

# Bankruptcies are accepted between July 2023 and April 2024, so that claims are filed
# before DEMO_AS_OF; employment starts no earlier than January 2022.
ACCEPTED_FIRST = date(2023, 7, 1)
ACCEPTED_LAST = date(2024, 4, 30)
EARLIEST_START = date(2022, 1, 1)
# Stories per bankruptcy (a batch counts as one story).
STORIES_PER_DEBTOR = 10
# Members of a planted batch (false claimants plus real workers): one more than the
# model's minimum, so that one corrupted arbitration row cannot break a true batch.
BATCH_SIZE = BATCH_MIN_CLAIMS + 1
MAX_FAKES_PER_BATCH = BATCH_MIN_CLAIMS
# How many months before the acceptance claimed employments began: real workers a year to
# a year and a half (their monthly contributions are most of this model's rows), the
# claimants with thin records a year to two (so two to four paid months cover at most a
# third of the claimed months).
FULL_MONTHS_BACK = (12, 18)
THIN_MONTHS_BACK = (12, 24)

DEBTOR_INDUSTRIES = ("纺织", "制造", "建筑", "贸易", "物流", "餐饮")
SUPPLIER_INDUSTRIES = ("贸易", "纺织", "物流", "科技", "服务", "制造")
BANKS = ("中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "交通银行",
         "招商银行", "浙商银行", "绍兴银行")  # fmt: skip
POSITIONS = ("普工", "挡车工", "仓管员", "质检员", "机修工", "司机", "销售员", "文员",
             "车间主任", "厨师", "施工员")  # fmt: skip
BOSS_POSITIONS = ("总经理", "执行董事兼总经理", "董事长")
RELATIVE_POSITIONS = ("出纳", "会计", "财务主管", "行政主管")
SENIOR_POSITIONS = ("销售总监", "技术总监", "生产厂长", "副总经理")
LABOUR_CAUSES = ("追索劳动报酬纠纷", "劳动争议", "劳动合同纠纷", "经济补偿金纠纷")
AGENT_TYPES = ("律师", "法律工作者", "公民")

CENT = Decimal("0.01")


# -- dates and amounts -------------------------------------------------------------------


def _yuan(value: Decimal) -> Decimal:
    """`value` rounded to the fen."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _base(world: World, low: int, high: int) -> Decimal:
    """A monthly contribution base in [low, high], in whole tens of yuan."""
    return Decimal(world.rng.randrange(low // 10, high // 10 + 1) * 10).quantize(CENT)


def _district(county: str) -> tuple[str, str]:
    """(city, district) of a county code of COUNTIES."""
    _, city, district = next(c for c in COUNTIES if c[0] == county)
    return city, district


# -- one bankruptcy ----------------------------------------------------------------------
@dataclass
class _Bankruptcy:
    """A debtor company in bankruptcy and what its case already holds."""

    company: Company
    county: str
    court: Court
    case_no: str
    accepted: date
    loan_suit: str  # the bank's suit where the boss's home address is on file
    names: set[str] = field(default_factory=set)  # claimant names (part of the claim key)
    agents: set[str] = field(default_factory=set)  # arbitration agents used in this case


Story = Callable[[_Bankruptcy], None]


class _Planter:
    """The stories of this model, writing into one `DemoData` from one `World`."""

    def __init__(self, world: World, data: DemoData) -> None:
        self.world = world
        self.data = data
        self.rng = world.rng

    # -- the debtor and its ordinary records ---------------------------------------------
    def open_bankruptcy(self) -> _Bankruptcy:
        """A debtor in bankruptcy with its registry row, 破 case, bank suit, institutional
        creditors and a few real employees."""
        world, data, rng = self.world, self.data, self.rng
        county = rng.choice(COUNTIES)[0]
        company = world.company(industry=rng.choice(DEBTOR_INDUSTRIES), county=county)
        rep = company.legal_rep
        data.add(
            "company_registry",
            uscc=company.uscc,
            name=company.name,
            legal_rep_name=rep.name,
            legal_rep_id_card=rep.id_card,
            reg_address=company.address,
            phone=company.phone,
            reg_capital=company.capital,
            established=company.established,
            status="存续",
        )
        court = world.court(county)
        accepted = world.day(ACCEPTED_FIRST, ACCEPTED_LAST)
        case_no = world.case_no(court, accepted.year, "破")
        data.add(
            "court_case",
            case_no=case_no,
            court_name=court.name,
            case_type="破",
            cause="破产清算",
            filing_date=accepted,
        )
        data.add(
            "court_party",
            case_no=case_no,
            role="申请人",
            party_type="org",
            name=company.name,
            uscc=company.uscc,
            address=company.address,
        )
        loan_suit, bank, loan = self._bank_suit(company, court, accepted)
        b = _Bankruptcy(company, county, court, case_no, accepted, loan_suit)
        b.names.add(rep.name)  # reserved: the boss may file a claim himself
        self._org_claim(b, bank, "有财产担保债权", loan)
        city, district = _district(county)
        self._org_claim(b, f"国家税务总局{city}{district}税务局", "税款债权", world.money(2e4, 4e5))
        for _ in range(rng.randint(1, 3)):
            supplier = world.org_name(rng.choice(SUPPLIER_INDUSTRIES))
            self._org_claim(b, supplier, "普通债权", world.money(5e4, 2e6))
        # Real employees: paid in full; most file an ordinary wage claim.
        for _ in range(2):
            person = self._claimant(b)
            start, end = self._employment(b, FULL_MONTHS_BACK)
            base = _base(world, 4500, 9000)
            self._full_record(b, person, start, end, base)
            if rng.random() < 0.75:
                amount = _yuan(base * Decimal(rng.uniform(1.5, 6)))
                self._claim(b, person, amount, start, end, confirmed=True)
        return b

    def _bank_suit(
        self, company: Company, court: Court, accepted: date
    ) -> tuple[str, str, Decimal]:
        """A bank's 金融借款合同纠纷 against the company and its boss as guarantor, some
        months before the bankruptcy; returns (case number, bank, amount)."""
        world, rng = self.world, self.rng
        city, district = _district(court.county)
        bank = f"{rng.choice(BANKS)}股份有限公司{city[:-1]}{district[:-1]}支行"
        filed = accepted - timedelta(days=rng.randint(180, 540))
        case_no = world.case_no(court, filed.year, "民初")
        amount = _yuan(world.money(1e6, 8e6))
        self.data.add(
            "court_case",
            case_no=case_no,
            court_name=court.name,
            case_type="民初",
            cause="金融借款合同纠纷",
            filing_date=filed,
            closing_date=filed + timedelta(days=rng.randint(40, 120)),
            closing_method="判决",
            amount_claimed=amount,
            amount_awarded=amount,
        )
        rep = company.legal_rep
        self.data.add("court_party", case_no=case_no, role="原告", party_type="org", name=bank)
        self.data.add(
            "court_party",
            case_no=case_no,
            role="被告",
            party_type="org",
            name=company.name,
            uscc=company.uscc,
            address=company.address,
        )
        self._guarantor(case_no, rep)
        return case_no, bank, amount

    def _guarantor(self, case_no: str, person: Person) -> None:
        """`person` as a guarantor defendant of a loan suit, with his home address."""
        self.data.add(
            "court_party",
            case_no=case_no,
            role="被告",
            party_type="person",
            name=person.name,
            id_card=person.id_card,
            phone=person.phone,
            address=person.address,
        )

    def _org_claim(self, b: _Bankruptcy, creditor: str, claim_type: str, amount: Decimal) -> None:
        self.data.add(
            "bankruptcy_claim",
            case_no=b.case_no,
            debtor_uscc=b.company.uscc,
            debtor_name=b.company.name,
            claimant_name=creditor,
            claim_type=claim_type,
            amount=amount,
            confirmed_amount=amount if self.rng.random() < 0.5 else None,
            filed_date=self._filed(b),
            accepted_date=b.accepted,
        )

    # -- people, records and claims --------------------------------------------------------
    def _claimant(self, b: _Bankruptcy) -> Person:
        """A new person of the debtor's county whose name no other claimant in the case has
        (name, case and claim type key a claim)."""
        while True:
            person = self.world.person(born=(1965, 2000), county=b.county)
            if person.name not in b.names:
                b.names.add(person.name)
                return person

    def _relative(self, b: _Bankruptcy, of: Person) -> Person:
        """A member of `of`'s household with a name new to the case and unlike his (both
        may stand in one suit, where role and name key a party)."""
        while True:
            person = self.world.relative(of, born=(1960, 2000))
            if person.name not in b.names and person.name != of.name:
                b.names.add(person.name)
                return person

    def _agent(self, b: _Bankruptcy, agent_type: str | None = None) -> str:
        """An arbitration agent's name new to the case (batches are grouped by name)."""
        while True:
            agent = self.world.agent(agent_type=agent_type or self.rng.choice(AGENT_TYPES))
            if agent.name not in b.agents:
                b.agents.add(agent.name)
                return agent.name

    def _employment(self, b: _Bankruptcy, months_back: tuple[int, int]) -> tuple[date, date | None]:
        """A claimed employment that began `months_back` months before the acceptance (not
        before 2022) and ended up to 45 days before it, or is open (None)."""
        latest = add_months(month_of(b.accepted), -months_back[0])
        earliest = max(EARLIEST_START, add_months(month_of(b.accepted), -months_back[1]))
        start = self.world.day(earliest, latest)
        if self.rng.random() < 0.3:
            return start, None
        return start, b.accepted - timedelta(days=self.rng.randint(0, 45))

    def _pay(self, b: _Bankruptcy, person: Person, months: list[date], base: Decimal) -> None:
        for month in months:
            self.data.add(
                "social_insurance",
                id_card=person.id_card,
                name=person.name,
                employer_uscc=b.company.uscc,
                employer_name=b.company.name,
                month=month,
                base_amount=base,
                insurance_kind="养老保险",
            )

    def _full_record(
        self, b: _Bankruptcy, person: Person, start: date, end: date | None, base: Decimal
    ) -> None:
        """Contributions for every month of the employment except up to two final months
        of arrears (a failing company stops paying): coverage stays above 80%."""
        months = months_between(start, end or b.accepted)
        self._pay(b, person, months[: len(months) - self.rng.randint(0, 2)], base)

    def _thin_record(self, b: _Bankruptcy, person: Person, start: date) -> Decimal:
        """Two to four months of contributions at the start of a claimed employment of a
        year or more (coverage at most a third); returns the base."""
        base = _base(self.world, 4500, 6000)
        first = month_of(start)
        self._pay(b, person, [add_months(first, k) for k in range(self.rng.randint(2, 4))], base)
        return base

    def _filed(self, b: _Bankruptcy) -> date:
        return min(DEMO_AS_OF, b.accepted + timedelta(days=self.rng.randint(15, 60)))

    def _claim(
        self,
        b: _Bankruptcy,
        person: Person,
        amount: Decimal,
        start: date | None,
        end: date | None,
        *,
        position: str | None = None,
        confirmed: bool = False,
    ) -> str:
        """The person's labour claim in the case; returns the model's subject key."""
        self.data.add(
            "bankruptcy_claim",
            case_no=b.case_no,
            debtor_uscc=b.company.uscc,
            debtor_name=b.company.name,
            claimant_name=person.name,
            claimant_id_card=person.id_card,
            claim_type="劳动债权",
            amount=amount,
            confirmed_amount=amount if confirmed else None,
            employed_from=start,
            employed_to=end,
            position=position or self.rng.choice(POSITIONS),
            filed_date=self._filed(b),
            accepted_date=b.accepted,
        )
        return f"{b.case_no}|{person.id_card}"

    def _arbitration(
        self,
        b: _Bankruptcy,
        person: Person,
        amount: Decimal,
        days_before: int,
        *,
        method: str = "调解",
        agent: str | None = None,
    ) -> None:
        """An arbitration of `person` against the debtor, closed `days_before` days before
        the bankruptcy was accepted."""
        decided = b.accepted - timedelta(days=days_before)
        _, district = _district(b.county)
        number = self.world.serial("LA", decided.year)[6:]
        self.data.add(
            "labor_arbitration",
            award_no=f"{district[0]}劳人仲案字〔{decided.year}〕第{number}号",
            applicant_name=person.name,
            applicant_id_card=person.id_card,
            employer_uscc=b.company.uscc,
            employer_name=b.company.name,
            amount=amount,
            closing_method=method,
            decided_date=decided,
            agent_name=agent,
        )

    def _suit(
        self, b: _Bankruptcy, person: Person, days_before: int, cause: str, amount: Decimal
    ) -> None:
        """A suit of `person` against the debtor filed `days_before` days before the
        bankruptcy was accepted."""
        filed = b.accepted - timedelta(days=days_before)
        case_no = self.world.case_no(b.court, filed.year, "民初")
        closed = filed + timedelta(days=self.rng.randint(30, 120))
        method = self.rng.choice(("调解", "判决")) if closed <= DEMO_AS_OF else None
        outcome = None
        if method is not None and cause not in LABOUR_CAUSES:
            # A worker's loan to his employer, contested and partly granted: an employee
            # who sues his employer and settles is related_party_litigation's true story.
            method, outcome = "判决", "部分支持"
        self.data.add(
            "court_case",
            case_no=case_no,
            court_name=b.court.name,
            case_type="民初",
            cause=cause,
            filing_date=filed,
            closing_date=closed if closed <= DEMO_AS_OF else None,
            closing_method=method,
            outcome=outcome,
            amount_claimed=amount,
        )
        self.data.add(
            "court_party",
            case_no=case_no,
            role="原告",
            party_type="person",
            name=person.name,
            id_card=person.id_card,
            phone=person.phone,
        )
        self.data.add(
            "court_party",
            case_no=case_no,
            role="被告",
            party_type="org",
            name=b.company.name,
            uscc=b.company.uscc,
            address=b.company.address,
        )

    def _real_worker(
        self, b: _Bankruptcy, low: int = 4500, high: int = 9000
    ) -> tuple[Person, date, date | None, Decimal]:
        """A real employee with a full contribution record at a base in [low, high]."""
        person = self._claimant(b)
        start, end = self._employment(b, FULL_MONTHS_BACK)
        base = _base(self.world, low, high)
        self._full_record(b, person, start, end, base)
        return person, start, end, base

    def _thin_worker(
        self, b: _Bankruptcy, months_back: tuple[int, int] = THIN_MONTHS_BACK
    ) -> tuple[Person, date, date | None]:
        """A claimant paid for two to four months of a claimed year or more."""
        person = self._claimant(b)
        start, end = self._employment(b, months_back)
        self._thin_record(b, person, start)
        return person, start, end

    def _small(self) -> Decimal:
        """An ordinary wage claim: a few months' pay."""
        return self.world.money(1.5e4, 4.8e4)

    # -- true cases ------------------------------------------------------------------------
    def no_contributions(self, b: _Bankruptcy) -> None:
        """A ghost worker: no contribution from the debtor in the claimed period. Some were
        insured by another employer meanwhile; a few claims leave the period blank."""
        world = self.world
        person = self._claimant(b)
        start: date | None
        start, end = self._employment(b, (6, 24))
        note = "no contributions at all"
        if self.rng.random() < 0.4:
            other = world.uscc(b.county), world.org_name(self.rng.choice(SUPPLIER_INDUSTRIES))
            base = _base(world, 4500, 7000)
            for month in months_between(start, end or b.accepted):
                self.data.add(
                    "social_insurance",
                    id_card=person.id_card,
                    name=person.name,
                    employer_uscc=other[0],
                    employer_name=other[1],
                    month=month,
                    base_amount=base,
                    insurance_kind="养老保险",
                )
            note = f"insured by {other[1]} in the claimed period"
        elif self.rng.random() < 0.25:
            start, end = None, None
            note = "no contributions, employment period left blank"
        key = self._claim(b, person, world.money(2e4, 9e4), start, end)
        self.data.case(MODEL_ID, key, "no_contributions", note)

    def legal_rep_self(self, b: _Bankruptcy) -> None:
        """The boss files a labour claim as if he were a worker (he pays himself
        contributions, so only this branch fires; his address is on file too, which must
        not make him his own relative)."""
        rep = b.company.legal_rep
        start, _ = self._employment(b, FULL_MONTHS_BACK)  # still in office: no end date
        self._full_record(b, rep, start, None, _base(self.world, 8000, 15000))
        amount = self.world.money(6e4, 1.5e5)
        key = self._claim(b, rep, amount, start, None, position=self.rng.choice(BOSS_POSITIONS))
        self.data.case(MODEL_ID, key, "legal_rep_self", f"legal representative {rep.name}")

    def legal_rep_relative(self, b: _Bankruptcy) -> None:
        """The boss's family member on the payroll files a wage claim; both stand as
        guarantors in the bank's suit with their (shared) home address."""
        rep = b.company.legal_rep
        person = self._relative(b, rep)
        start, end = self._employment(b, FULL_MONTHS_BACK)
        self._full_record(b, person, start, end, _base(self.world, 5000, 9000))
        self._guarantor(b.loan_suit, person)
        amount = self.world.money(3e4, 9e4)
        pos = self.rng.choice(RELATIVE_POSITIONS)
        key = self._claim(b, person, amount, start, end, position=pos)
        self.data.case(MODEL_ID, key, "legal_rep_relative", f"lives with {rep.name}")

    def large_claim(self, b: _Bankruptcy) -> None:
        """A manager's inflated claim: above 300,000 yuan, or 45-60 times his base."""
        if self.rng.random() < 0.5:
            person, start, end, base = self._real_worker(b, 8000, 15000)
            amount = self.world.money(3.2e5, 6e5)
            note = "above 300,000 yuan"
        else:
            person, start, end, base = self._real_worker(b, 4500, 6000)
            amount = _yuan(base * Decimal(self.rng.uniform(45, 60)))
            note = f"{amount / base:.0f} times the base {base}"
        pos = self.rng.choice(SENIOR_POSITIONS)
        key = self._claim(b, person, amount, start, end, position=pos)
        self.data.case(MODEL_ID, key, "large_claim", note)

    def mediated_before_filing(self, b: _Bankruptcy) -> None:
        """A thin-record claimant whose arbitration was settled by mediation 15-80 days
        before the bankruptcy was accepted."""
        person, start, end = self._thin_worker(b)
        amount = self.world.money(2e4, 5e4)
        days = self.rng.randint(15, MEDIATION_WINDOW_DAYS - 10)
        self._arbitration(b, person, amount, days)
        key = self._claim(b, person, amount, start, end)
        self.data.case(MODEL_ID, key, "mediated_before_filing", f"mediated {days} days before")

    def suit_before_acceptance(self, b: _Bankruptcy) -> None:
        """A thin-record claimant who sued the debtor over wages 30-330 days before the
        bankruptcy was accepted."""
        person, start, end = self._thin_worker(b)
        amount = self.world.money(2e4, 5e4)
        days = self.rng.randint(30, SUIT_WINDOW_DAYS - 35)
        self._suit(b, person, days, self.rng.choice(LABOUR_CAUSES), amount)
        key = self._claim(b, person, amount, start, end)
        self.data.case(MODEL_ID, key, "suit_before_acceptance", f"sued {days} days before")

    def agent_batch(self, b: _Bankruptcy, fakes: int) -> None:
        """One agent's batch of six near-identical small mediated claims (amounts within
        4%), 95-200 days before acceptance: `fakes` thin-record claimants padded with real
        workers, who are left alone."""
        agent = self._agent(b)
        top = self.world.money(2e4, 4.5e4)
        first_day = self.rng.randint(100, 190)
        for index in range(BATCH_SIZE):
            amount = _yuan(top * Decimal(self.rng.uniform(0.96, 1.0)))
            if index < fakes:
                person, start, end = self._thin_worker(b)
            else:
                person, start, end, _ = self._real_worker(b)
            days = first_day + self.rng.randint(-5, 10)
            self._arbitration(b, person, amount, days, agent=agent)
            key = self._claim(b, person, amount, start, end)
            if index < fakes:
                self.data.case(MODEL_ID, key, "agent_batch", f"agent {agent}")

    # -- decoys ----------------------------------------------------------------------------
    def real_worker(self, b: _Bankruptcy) -> None:
        """A real worker (full record) who sued over wages months ago and was mediated
        shortly before the bankruptcy: his contributions clear him."""
        person, start, end, _ = self._real_worker(b)
        amount = self._small()
        self._suit(b, person, self.rng.randint(100, 330), "追索劳动报酬纠纷", amount)
        self._arbitration(b, person, amount, self.rng.randint(20, 85))
        key = self._claim(b, person, amount, start, end)
        self.data.decoy(MODEL_ID, "real_worker", key, "full record; sued and mediated")

    def real_worker_batch(self, b: _Bankruptcy) -> None:
        """Six real workers whose wage arrears one lawyer settled by mediation for the same
        sum shortly before the bankruptcy."""
        agent = self._agent(b, "律师")
        amount = self._small()
        days = self.rng.randint(20, 80)
        for _ in range(BATCH_SIZE):
            person, start, end, _ = self._real_worker(b)
            self._arbitration(b, person, amount, days + self.rng.randint(0, 5), agent=agent)
            key = self._claim(b, person, amount, start, end)
            self.data.decoy(MODEL_ID, "real_worker_batch", key, f"lawyer {agent}")

    def short_employment(self, b: _Bankruptcy) -> None:
        """A trial period under 30 days, not yet enrolled for social insurance."""
        person = self._claimant(b)
        start = b.accepted - timedelta(days=self.rng.randint(60, 150))
        end = start + timedelta(days=self.rng.randint(10, MIN_EMPLOYMENT_DAYS - 1))
        key = self._claim(b, person, self.world.money(2e3, 9e3), start, end, position="普工")
        self.data.decoy(MODEL_ID, "short_employment", key, f"{(end - start).days} days")

    def mediation_before_window(self, b: _Bankruptcy) -> None:
        """A thin-record claimant mediated 90-110 days before acceptance."""
        person, start, end = self._thin_worker(b)
        amount = self.world.money(2e4, 5e4)
        days = self.rng.randint(MEDIATION_WINDOW_DAYS, MEDIATION_WINDOW_DAYS + 20)
        self._arbitration(b, person, amount, days)
        key = self._claim(b, person, amount, start, end)
        self.data.decoy(MODEL_ID, "mediation_before_window", key, f"mediated {days} days before")

    def award_in_window(self, b: _Bankruptcy) -> None:
        """A thin-record claimant whose arbitration ended in an award (裁决), not a
        mediation, shortly before acceptance."""
        person, start, end = self._thin_worker(b)
        amount = self.world.money(2e4, 5e4)
        self._arbitration(b, person, amount, self.rng.randint(15, 85), method="裁决")
        key = self._claim(b, person, amount, start, end)
        self.data.decoy(MODEL_ID, "award_in_window", key, "award, not mediation")

    def suit_before_window(self, b: _Bankruptcy) -> None:
        """A thin-record claimant whose labour suit was filed 366-400 days (13 months)
        before acceptance; the claimed employment began earlier still."""
        person, start, end = self._thin_worker(b, (15, 30))
        amount = self.world.money(2e4, 5e4)
        days = self.rng.randint(SUIT_WINDOW_DAYS + 1, SUIT_WINDOW_DAYS + 35)
        self._suit(b, person, days, self.rng.choice(LABOUR_CAUSES), amount)
        key = self._claim(b, person, amount, start, end)
        self.data.decoy(MODEL_ID, "suit_before_window", key, f"sued {days} days before")

    def non_labour_suit(self, b: _Bankruptcy) -> None:
        """A thin-record claimant who lent the company money and sued it for that (民间借贷)
        within the year: not a labour suit."""
        person, start, end = self._thin_worker(b)
        loan = self.world.money(3e4, 2e5)
        self._suit(b, person, self.rng.randint(30, 330), "民间借贷纠纷", loan)
        key = self._claim(b, person, self._small(), start, end)
        self.data.decoy(MODEL_ID, "non_labour_suit", key, "private-lending suit")

    def claim_under_limit(self, b: _Bankruptcy) -> None:
        """A well-paid manager's claim just under 300,000 yuan (and under 36 bases)."""
        person, start, end, _ = self._real_worker(b, 9000, 15000)
        amount = MAX_CLAIM - self.world.money(1, 1e4)
        pos = self.rng.choice(SENIOR_POSITIONS)
        key = self._claim(b, person, amount, start, end, position=pos)
        self.data.decoy(MODEL_ID, "claim_under_limit", key, f"{amount} yuan")

    def claim_under_base_multiple(self, b: _Bankruptcy) -> None:
        """A claim just under 36 times the claimant's own base (a severance of many years)."""
        person, start, end, base = self._real_worker(b, 4500, 7000)
        amount = base * BASE_MULTIPLE - self.world.money(100, 3000)
        key = self._claim(b, person, amount, start, end)
        self.data.decoy(MODEL_ID, "claim_under_base_multiple", key, f"{amount} on base {base}")

    def _thin_batch(self, b: _Bankruptcy, kind: str, amounts: list[Decimal], note: str) -> None:
        """Thin-record claimants mediated by one agent 95-200 days before acceptance (so
        outside the mediation window), one per amount."""
        agent = self._agent(b)
        first_day = self.rng.randint(100, 190)
        for amount in amounts:
            person, start, end = self._thin_worker(b)
            self._arbitration(b, person, amount, first_day + self.rng.randint(-5, 10), agent=agent)
            key = self._claim(b, person, amount, start, end)
            self.data.decoy(MODEL_ID, kind, key, f"agent {agent}: {note}")

    def batch_spread(self, b: _Bankruptcy) -> None:
        """Five or six small mediated claims by one agent whose amounts spread 14-25%. Two
        sit near the top and two near the bottom, so that the spread stays above 10% when
        one arbitration row is lost."""
        top = self.world.money(2.5e4, 5e4)
        low = _yuan(top * (1 - BATCH_SPREAD - Decimal(self.rng.uniform(0.04, 0.15))))
        amounts = [
            top,
            _yuan(top * Decimal(self.rng.uniform(0.99, 1))),
            low,
            _yuan(low * Decimal(self.rng.uniform(1, 1.01))),
            *(
                _yuan(Decimal(self.rng.uniform(float(low), float(top))))
                for _ in range(self.rng.randint(1, 2))
            ),
        ]
        spread = (top - low) / top
        self._thin_batch(b, "batch_spread", amounts, f"amounts spread {spread:.0%}")

    def batch_too_few(self, b: _Bankruptcy) -> None:
        """Four near-identical small mediated claims by one agent: one short of a batch."""
        top = self.world.money(2e4, 4.5e4)
        amounts = [
            _yuan(top * Decimal(self.rng.uniform(0.97, 1))) for _ in range(BATCH_MIN_CLAIMS - 1)
        ]
        self._thin_batch(b, "batch_too_few", amounts, f"{len(amounts)} claimants")

    def batch_above_small_claim(self, b: _Bankruptcy) -> None:
        """Six near-identical mediated claims by one agent, each a little above 50,000 yuan
        (the smallest is at least 96% of 53,000: 50,880)."""
        top = self.world.money(float(SMALL_CLAIM) * 1.06, float(SMALL_CLAIM) * 1.12)
        amounts = [_yuan(top * Decimal(self.rng.uniform(0.96, 1))) for _ in range(BATCH_SIZE)]
        self._thin_batch(b, "batch_above_small_claim", amounts, "above the small-claim limit")

    def other_company_rep_relative(self, b: _Bankruptcy) -> None:
        """A real worker who lives with the legal representative of another company (both
        guarantors in a bank's suit against that company), not the debtor's."""
        other = self.world.company(industry=self.rng.choice(SUPPLIER_INDUSTRIES), county=b.county)
        self.data.add(
            "company_registry",
            uscc=other.uscc,
            name=other.name,
            legal_rep_name=other.legal_rep.name,
            legal_rep_id_card=other.legal_rep.id_card,
            reg_address=other.address,
            phone=other.phone,
            reg_capital=other.capital,
            established=other.established,
            status="存续",
        )
        loan_suit, _, _ = self._bank_suit(other, b.court, b.accepted)
        person = self._relative(b, other.legal_rep)
        self._guarantor(loan_suit, person)
        start, end = self._employment(b, FULL_MONTHS_BACK)
        self._full_record(b, person, start, end, _base(self.world, 4500, 9000))
        key = self._claim(b, person, self._small(), start, end)
        self.data.decoy(
            MODEL_ID, "other_company_rep_relative", key, f"lives with {other.legal_rep.name}"
        )


def _split(total: int, most: int) -> list[int]:
    """`total` split into as few near-equal parts of at most `most` as possible."""
    parts = math.ceil(total / most)
    return [total // parts + (i < total % parts) for i in range(parts)]


def plant(world: World, data: DemoData, cases: int) -> None:
    """Plant `cases` true cases spread round-robin over BRANCHES, about max(2, cases // 2)
    decoy claimants of each kind of DECOY_KINDS, and the bankruptcies that hold them
    (STORIES_PER_DEBTOR stories each, a batch counting as one)."""
    planter = _Planter(world, data)
    per_branch = {
        branch: cases // len(BRANCHES) + (i < cases % len(BRANCHES))
        for i, branch in enumerate(BRANCHES)
    }
    singles: dict[str, Story] = {
        "no_contributions": planter.no_contributions,
        "legal_rep_relative": planter.legal_rep_relative,
        "large_claim": planter.large_claim,
        "mediated_before_filing": planter.mediated_before_filing,
        "suit_before_acceptance": planter.suit_before_acceptance,
    }
    stories: list[Story] = []
    for branch, story in singles.items():
        stories += [story] * per_branch[branch]
    for fakes in _split(per_branch["agent_batch"], MAX_FAKES_PER_BATCH):
        stories.append(partial(planter.agent_batch, fakes=fakes))
    decoys = max(2, cases // 2)
    single_decoys: tuple[Story, ...] = (
        planter.real_worker,
        planter.short_employment,
        planter.mediation_before_window,
        planter.award_in_window,
        planter.suit_before_window,
        planter.non_labour_suit,
        planter.claim_under_limit,
        planter.claim_under_base_multiple,
        planter.other_company_rep_relative,
    )
    for story in single_decoys:
        stories += [story] * decoys
    stories += [planter.real_worker_batch] * math.ceil(decoys / BATCH_SIZE)
    stories += [planter.batch_spread] * math.ceil(decoys / BATCH_SIZE)
    stories += [planter.batch_too_few] * math.ceil(decoys / (BATCH_MIN_CLAIMS - 1))
    stories += [planter.batch_above_small_claim] * math.ceil(decoys / BATCH_SIZE)
    world.rng.shuffle(stories)
    # The boss can claim only once in his company's case: one such story per bankruptcy.
    bosses = per_branch["legal_rep_self"]
    debtors = max(bosses, math.ceil((len(stories) + bosses) / STORIES_PER_DEBTOR), 1)
    hosted: list[list[Story]] = [[] for _ in range(debtors)]
    for index in range(bosses):
        hosted[index].append(planter.legal_rep_self)
    for index, story in enumerate(stories):
        hosted[(index + bosses) % debtors].append(story)
    for group in hosted:
        bankruptcy = planter.open_bankruptcy()
        for story in group:
            story(bankruptcy)
