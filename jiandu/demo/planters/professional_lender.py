"""Planter of `professional_lender` (职业放贷人/套路贷): private-lending suits in court data.

The model groups 民间借贷纠纷 suits (court_case) by their plaintiff (court_party, role 原告,
keyed by ID number or USCC) and flags

- `many_borrowers`: >= 10 suits filed within 730 days of the reference date against >= 3
  different defendants, and
- `courts_criteria` (the courts' variant): >= 5 suits and >= 1,000,000 yuan claimed within
  365 days,

leaving licensed lenders (banks, 信用社, 小额贷款, 消费金融, 融资担保, 资产管理) alone.

True stories (one plaintiff each, the subject key is its ID number or USCC):

- *many_borrowers*: an unlicensed lender (a person, or an 投资管理/商务服务 company) files
  11-14 small suits (10,000-60,000 yuan) spread over the two years against 5-9 borrowers,
  some with a guarantor as co-defendant. The claims stay far below the courts' million, so
  only this branch fires; a lost row or two still leaves >= 10 suits.
- *courts_criteria*: a lender files 6-7 large suits (200,000-600,000 yuan) within the last
  year: >= 1.2 million even if one suit is lost, and too few suits for `many_borrowers`.

Decoys, each right next to a rule's edge (subject key: the plaintiff's ID number or USCC):

- `licensed_lender`: a rural commercial bank, microcredit or guarantee company suing in
  12-15 large private-lending suits: both branches would fire if it were not licensed.
- `nine_suits`: nine small suits against >= 3 borrowers within the window.
- `two_defendants`: twelve small suits against the same two borrowers.
- `old_suits`: twelve small suits, only 6-9 of them filed within the 730 days.
- `courts_below_amount`: seven suits within the year, 0.84-0.945 million in all.
- `courts_four_suits`: four suits within the year, over 1.2 million in all.
- `courts_outside_year`: six suits over 1.2 million, filed 13-23 months ago.
- `ordinary`: a person suing one or two borrowers, as most plaintiffs do.

Every suit is one court_case row (民初, 民间借贷纠纷, filing and, for older suits, closing
data) and court_party rows for the plaintiff (with its agent ad litem, the same lawyer or legal
worker in all its suits) and each defendant.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from jiandu.demo.world import DEMO_AS_OF, Agent, Company, Court, DemoData, Person, World

__all__ = ["BRANCHES", "DECOYS", "MODEL_ID", "plant"]

MODEL_ID = "professional_lender"
BRANCHES = ("many_borrowers", "courts_criteria")
CAUSE = "民间借贷纠纷"

# Filing dates are measured back from the reference date, like the model does.
WINDOW_DAYS = 730  # many_borrowers
YEAR_DAYS = 365  # courts_criteria

Party = Person | Company

# Licensed lenders the model must leave alone (suffixes of their names).
LICENSED_SUFFIXES = (
    "农村商业银行股份有限公司",
    "小额贷款股份有限公司",
    "小额贷款有限公司",
    "融资担保有限公司",
    "消费金融有限公司",
)


def _ago(days: int) -> date:
    return DEMO_AS_OF - timedelta(days=days)


def _filing_days(world: World, count: int, oldest: int, newest: int) -> list[date]:
    """`count` filing dates, oldest first, between `oldest` and `newest` days ago."""
    return sorted(world.day(_ago(oldest), _ago(newest)) for _ in range(count))


def _key(who: Party) -> str:
    return who.id_card if isinstance(who, Person) else who.uscc


def _party(data: DemoData, case_no: str, role: str, who: Party, agent: Agent | None) -> None:
    """A court_party row, with the party's agent ad litem if any."""
    data.add(
        "court_party",
        case_no=case_no,
        role=role,
        party_type="person" if isinstance(who, Person) else "org",
        name=who.name,
        id_card=who.id_card if isinstance(who, Person) else None,
        uscc=None if isinstance(who, Person) else who.uscc,
        phone=who.phone,
        address=who.address,
        agent_name=agent.name if agent else None,
        agent_firm=agent.firm if agent else None,
        agent_type=agent.agent_type if agent else None,
    )


def _suit(
    world: World,
    data: DemoData,
    court: Court,
    lender: Party,
    defendants: list[Party],
    filed: date,
    amount: Decimal,
    agent: Agent,
) -> str:
    """One private-lending suit: the case row and its parties. Suits filed more than
    four months ago are closed (judgment, mediation or withdrawal); newer ones pending."""
    rng = world.rng
    case_no = world.case_no(court, filed.year, "民初")
    closing_date = closing_method = awarded = None
    if (DEMO_AS_OF - filed).days > 120:
        closing_method = rng.choice(("判决", "判决", "调解", "调解", "撤诉"))
        closing_date = min(filed + timedelta(days=rng.randrange(30, 150)), DEMO_AS_OF)
        if closing_method != "撤诉":
            awarded = (amount * Decimal(rng.randrange(80, 101)) / 100).quantize(Decimal("0.01"))
    data.add(
        "court_case",
        case_no=case_no,
        court_name=court.name,
        case_type="民初",
        cause=CAUSE,
        filing_date=filed,
        closing_date=closing_date,
        closing_method=closing_method,
        amount_claimed=amount,
        amount_awarded=awarded,
    )
    _party(data, case_no, "原告", lender, agent)
    for defendant in defendants:
        _party(data, case_no, "被告", defendant, None)
    return case_no


def _agent(world: World) -> Agent:
    """The lender's agent ad litem, the same in all its suits."""
    return world.agent(agent_type=world.rng.choice(("律师", "律师", "法律工作者")))


def _lender(world: World, county: str) -> Party:
    """An unlicensed lender: mostly a person, sometimes an investment or service company."""
    if world.rng.random() < 0.7:
        return world.person(born=(1960, 1988), county=county)
    return world.company(industry=world.rng.choice(("投资", "服务")), county=county)


def _borrower(world: World, county: str) -> Person:
    return world.person(born=(1965, 1998), county=county)


def _series(
    world: World,
    data: DemoData,
    lender: Party,
    county: str,
    dates: list[date],
    amounts: tuple[float, float],
    borrowers: list[Party],
    guarantors: bool = True,
) -> None:
    """Suits of one lender on `dates`, cycling through `borrowers` (each borrower is sued at
    least once when there are enough dates); with `guarantors`, a quarter of the suits
    also name a guarantor, a new person, as co-defendant."""
    court, agent = world.court(county), _agent(world)
    for i, filed in enumerate(dates):
        defendants: list[Party] = [borrowers[i % len(borrowers)]]
        if guarantors and world.rng.random() < 0.25:
            defendants.append(_borrower(world, county))
        _suit(world, data, court, lender, defendants, filed, world.money(*amounts), agent)


def _county(world: World) -> str:
    return world.court().county


# -- true cases -------------------------------------------------------------------------


def _many_borrowers(world: World, data: DemoData) -> None:
    """An unlicensed lender suing many borrowers over the two years (small sums)."""
    rng, county = world.rng, _county(world)
    lender = _lender(world, county)
    borrowers: list[Party] = [_borrower(world, county) for _ in range(rng.randint(5, 9))]
    dates = _filing_days(world, rng.randint(11, 14), WINDOW_DAYS - 15, 10)
    _series(world, data, lender, county, dates, (10_000, 60_000), borrowers)
    data.case(MODEL_ID, _key(lender), "many_borrowers", f"{len(dates)}件，借款人{len(borrowers)}名")


def _courts_criteria(world: World, data: DemoData) -> None:
    """A lender with a handful of large suits within the year (the courts' criteria)."""
    rng, county = world.rng, _county(world)
    lender = _lender(world, county)
    borrowers: list[Party] = []
    for _ in range(rng.randint(3, 6)):
        if rng.random() < 0.3:  # a small firm borrowing, its legal representative guarantor
            firm = world.company(industry=rng.choice(("贸易", "纺织", "建筑")), county=county)
            borrowers.append(firm)
        else:
            borrowers.append(_borrower(world, county))
    dates = _filing_days(world, rng.randint(6, 7), YEAR_DAYS - 15, 10)
    court, agent = world.court(county), _agent(world)
    for i, filed in enumerate(dates):
        debtor = borrowers[i % len(borrowers)]
        defendants: list[Party] = [debtor]
        if isinstance(debtor, Company):
            defendants.append(debtor.legal_rep)
        amount = world.money(200_000, 600_000)
        _suit(world, data, court, lender, defendants, filed, amount, agent)
    data.case(MODEL_ID, _key(lender), "courts_criteria", f"一年内{len(dates)}件，标的额逾百万")


# -- decoys ----------------------------------------------------------------------------


def _licensed_lender(world: World, data: DemoData) -> str:
    """A licensed lender with many large suits: excluded by name."""
    rng, county = world.rng, _county(world)
    lender = world.company(industry=rng.choice(LICENSED_SUFFIXES), county=county)
    borrowers: list[Party] = [_borrower(world, county) for _ in range(rng.randint(8, 12))]
    dates = _filing_days(world, rng.randint(12, 15), YEAR_DAYS - 15, 10)
    _series(world, data, lender, county, dates, (150_000, 500_000), borrowers)
    return lender.uscc


def _nine_suits(world: World, data: DemoData) -> str:
    county = _county(world)
    lender = _lender(world, county)
    borrowers: list[Party] = [_borrower(world, county) for _ in range(world.rng.randint(4, 7))]
    dates = _filing_days(world, 9, WINDOW_DAYS - 15, 10)
    _series(world, data, lender, county, dates, (10_000, 60_000), borrowers)
    return _key(lender)


def _two_defendants(world: World, data: DemoData) -> str:
    """Twelve loans to the same two people (business partners), one suit per loan."""
    county = _county(world)
    lender = _lender(world, county)
    borrowers: list[Party] = [_borrower(world, county) for _ in range(2)]
    dates = _filing_days(world, 12, WINDOW_DAYS - 15, 10)
    _series(world, data, lender, county, dates, (10_000, 60_000), borrowers, guarantors=False)
    return _key(lender)


def _old_suits(world: World, data: DemoData) -> str:
    """Twelve suits, the oldest of them filed just before the 730-day window."""
    rng, county = world.rng, _county(world)
    lender = _lender(world, county)
    borrowers: list[Party] = [_borrower(world, county) for _ in range(rng.randint(5, 8))]
    inside = rng.randint(6, 9)
    dates = _filing_days(world, 12 - inside, WINDOW_DAYS + 150, WINDOW_DAYS + 5)
    dates += _filing_days(world, inside, WINDOW_DAYS - 15, 10)
    _series(world, data, lender, county, dates, (10_000, 60_000), borrowers)
    return _key(lender)


def _courts_below_amount(world: World, data: DemoData) -> str:
    """Seven suits within the year, 120,000-135,000 yuan each: under the million."""
    county = _county(world)
    lender = _lender(world, county)
    borrowers: list[Party] = [_borrower(world, county) for _ in range(world.rng.randint(3, 6))]
    dates = _filing_days(world, 7, YEAR_DAYS - 15, 10)
    _series(world, data, lender, county, dates, (120_000, 135_000), borrowers)
    return _key(lender)


def _courts_four_suits(world: World, data: DemoData) -> str:
    """Four large suits within the year: over the million, one suit short."""
    county = _county(world)
    lender = _lender(world, county)
    borrowers: list[Party] = [_borrower(world, county) for _ in range(world.rng.randint(2, 4))]
    dates = _filing_days(world, 4, YEAR_DAYS - 15, 10)
    _series(world, data, lender, county, dates, (300_000, 600_000), borrowers)
    return _key(lender)


def _courts_outside_year(world: World, data: DemoData) -> str:
    """Six large suits, all filed more than a year ago (but within the 730 days)."""
    county = _county(world)
    lender = _lender(world, county)
    borrowers: list[Party] = [_borrower(world, county) for _ in range(world.rng.randint(3, 6))]
    dates = _filing_days(world, 6, WINDOW_DAYS - 30, YEAR_DAYS + 10)
    _series(world, data, lender, county, dates, (200_000, 600_000), borrowers)
    return _key(lender)


def _ordinary(world: World, data: DemoData) -> str:
    """A person lending to a friend or two and suing when the money is not repaid."""
    rng, county = world.rng, _county(world)
    lender = world.person(born=(1955, 1990), county=county)
    borrowers: list[Party] = [_borrower(world, county) for _ in range(rng.randint(1, 2))]
    dates = _filing_days(world, len(borrowers), WINDOW_DAYS + 150, 10)
    _series(world, data, lender, county, dates, (20_000, 800_000), borrowers, guarantors=False)
    return lender.id_card


DECOYS = {
    "licensed_lender": _licensed_lender,
    "nine_suits": _nine_suits,
    "two_defendants": _two_defendants,
    "old_suits": _old_suits,
    "courts_below_amount": _courts_below_amount,
    "courts_four_suits": _courts_four_suits,
    "courts_outside_year": _courts_outside_year,
    "ordinary": _ordinary,
}


def plant(world: World, data: DemoData, cases: int) -> None:
    """Plant `cases` professional lenders, round-robin over the two branches, and
    max(2, cases // 2) decoys of each kind."""
    stories = {"many_borrowers": _many_borrowers, "courts_criteria": _courts_criteria}
    for i in range(cases):
        stories[BRANCHES[i % len(BRANCHES)]](world, data)
    for kind, decoy in DECOYS.items():
        for _ in range(max(2, cases // 2)):
            data.decoy(MODEL_ID, kind, decoy(world, data))
