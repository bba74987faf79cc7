"""Planter of `false_judicial_confirmation` (虚假司法确认): mediation agreements confirmed
by a court (judicial_confirmation), the enforcement cases around them (execution_case) and
the parties' contacts (court_party).

The model flags a confirmation (subject key: its 案号, e.g. （2023）浙0602民特50001号) when

- `queue_jumping`: its respondent already had an enforcement case of another creditor that
  was unfinished at the confirmation (still open, or closed as 终结本次执行);
- `shared_contact`: the applicant and the respondent share a phone or an address;
- `frequent_applicant`: its applicant has >= 3 confirmations within 365 days;
- `org_concentration`: its mediation organisation has >= 10 confirmations in the last 365
  days and its applicant holds at least half of them;
- `quick_enforcement`: enforcement of the confirmation was applied for within 30 days.

True stories:

- *queue*: a debtor with two unfinished enforcements (one open, one 终本, both on court
  judgments by other creditors) "owes" a friend a large sum by a mediated agreement, which
  the court confirms: two pending cases, so one lost row still leaves the clue.
- *shared*: a relative at the same household address (`World.relative`) or a "stranger"
  giving the applicant's own phone number as respondent.
- *frequent*: one applicant, 3-7 confirmations against different debtors within 5-10
  months, each at a different street mediation committee.
- *concentration*: a mediation committee of a chamber of commerce (unique name) whose
  confirmations in the last year go mostly to one consulting or investment company: the
  company holds d >= 5 of them and d - 1 or fewer (at least 10 in all) go to others. The
  company's confirmations are necessarily also `frequent_applicant` (five within a year):
  they are recorded with both branches.
- *quick*: the applicant applies to enforce the confirmation 2-25 days after it.

A true case is one confirmation (subject key). Concentration needs >= 5 of them and
frequency >= 3, so with few cases those branches come from one concentration story and
the single-confirmation branches ride on its confirmations (see `_plan`): every branch is
still planted whenever `cases` >= 5, with exactly `cases` subject keys.

Decoys (subject key: the confirmation's 案号; for `suit_shared_address` the suit's):
`execution_paid_before`, `execution_filed_after`, `own_enforcement` (queue jumping's
look-alikes), `suit_shared_address` (parties of a divorce suit, not a confirmation, at one
address), `two_confirmations`, `spread_over_year` (three confirmations over more than 365
days), `small_org_half` (half of a committee's four confirmations), `busy_org` (a busy
committee, every applicant different), `org_minor_applicant` (the other applicants of a
concentrated committee), `late_enforcement` (31 days and more) and `ordinary`.

Every confirmation is a judicial_confirmation row, a court_case row (民特, 申请司法确认调解
协议) and court_party rows for the applicant and the respondent. Enforcement cases carry
their title: a confirmation, or a court judgment with its own court_case and court_party
rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from jiandu.demo.world import DEMO_AS_OF, Company, Court, DemoData, Person, World

__all__ = ["BRANCHES", "DECOYS", "MODEL_ID", "plant"]

MODEL_ID = "false_judicial_confirmation"
BRANCHES = (
    "queue_jumping",
    "shared_contact",
    "frequent_applicant",
    "org_concentration",
    "quick_enforcement",
)
SINGLES = ("queue_jumping", "shared_contact", "quick_enforcement")
CAUSE = "申请司法确认调解协议"
STORY_START = date(2022, 3, 1)

Party = Person | Company

# Street and trade mediation committees of Shaoxing: ordinary confirmations go there, one
# per applicant and committee, so no applicant ever dominates one.
COMMITTEES = tuple(
    f"{place}人民调解委员会"
    for place in (
        "绍兴市越城区城南街道", "绍兴市越城区塔山街道", "绍兴市越城区府山街道",
        "绍兴市越城区北海街道", "绍兴市越城区灵芝街道", "绍兴市越城区东湖街道",
        "绍兴市越城区皋埠街道", "绍兴市越城区鉴湖街道", "绍兴市柯桥区柯桥街道",
        "绍兴市柯桥区华舍街道", "绍兴市柯桥区齐贤街道", "绍兴市柯桥区钱清街道",
        "绍兴市柯桥区安昌街道", "绍兴市上虞区百官街道", "绍兴市上虞区曹娥街道",
        "绍兴市上虞区东关街道", "诸暨市暨阳街道", "诸暨市浣东街道", "诸暨市陶朱街道",
        "诸暨市店口镇", "嵊州市剡湖街道", "嵊州市三江街道", "新昌县南明街道",
        "新昌县七星街道", "绍兴市越城区物业纠纷", "绍兴市柯桥区纺织行业",
        "绍兴市上虞区商事纠纷", "诸暨市婚姻家庭", "绍兴市越城区医疗纠纷",
        "嵊州市城区联合",
    )
)  # fmt: skip
# Suffixes of the uniquely named committees of concentration stories and busy decoys.
ORG_SUFFIXES = ("商会人民调解委员会", "行业协会人民调解委员会", "市场人民调解委员会")
# Creditors whose judgments are under enforcement against queue-jumping debtors.
JUDGMENT_CAUSES = ("买卖合同纠纷", "金融借款合同纠纷", "租赁合同纠纷", "承揽合同纠纷")


def _ago(days: int) -> date:
    return DEMO_AS_OF - timedelta(days=days)


# -- rows ---------------------------------------------------------------------------------


def _party_row(data: DemoData, case_no: str, role: str, who: Party, phone: str | None) -> None:
    data.add(
        "court_party",
        case_no=case_no,
        role=role,
        party_type="person" if isinstance(who, Person) else "org",
        name=who.name,
        id_card=who.id_card if isinstance(who, Person) else None,
        uscc=None if isinstance(who, Person) else who.uscc,
        phone=phone or who.phone,
        address=who.address,
    )


def _confirm(
    world: World,
    data: DemoData,
    applicant: Party,
    respondent: Person,
    day: date,
    *,
    org: str | None = None,
    amount: Decimal | None = None,
    respondent_phone: str | None = None,
    county: str | None = None,
) -> str:
    """One confirmed mediation agreement: judicial_confirmation, court_case and the two
    parties in court_party (the respondent's phone as given, else his own). The court is
    that of `county` (the mediation committee's), else of the respondent's home."""
    rng = world.rng
    court = world.court(county or respondent.county)
    case_no = world.case_no(court, day.year, "民特")
    amount = amount if amount is not None else world.money(30_000, 600_000)
    data.add(
        "judicial_confirmation",
        case_no=case_no,
        mediation_org=org or rng.choice(COMMITTEES),
        applicant_name=applicant.name,
        applicant_id_card=applicant.id_card if isinstance(applicant, Person) else None,
        respondent_name=respondent.name,
        respondent_id_card=respondent.id_card,
        amount=amount,
        confirm_date=day,
    )
    data.add(
        "court_case",
        case_no=case_no,
        court_name=court.name,
        case_type="民特",
        cause=CAUSE,
        filing_date=day - timedelta(days=rng.randrange(3, 15)),
        closing_date=day,
        closing_method="其他",
        amount_claimed=amount,
    )
    _party_row(data, case_no, "申请人", applicant, None)
    _party_row(data, case_no, "被申请人", respondent, respondent_phone)
    return case_no


def _judgment(world: World, data: DemoData, creditor: Party, debtor: Person, filed: date) -> str:
    """A court judgment a creditor won against the debtor: the title of an enforcement."""
    rng = world.rng
    court = world.court(debtor.county)
    case_no = world.case_no(court, filed.year, "民初")
    amount = world.money(50_000, 400_000)
    data.add(
        "court_case",
        case_no=case_no,
        court_name=court.name,
        case_type="民初",
        cause=rng.choice(JUDGMENT_CAUSES),
        filing_date=filed,
        closing_date=filed + timedelta(days=rng.randrange(40, 120)),
        closing_method=rng.choice(("判决", "调解")),
        amount_claimed=amount,
        amount_awarded=amount,
    )
    _party_row(data, case_no, "原告", creditor, None)
    _party_row(data, case_no, "被告", debtor, None)
    return case_no


def _enforce(
    world: World,
    data: DemoData,
    *,
    court: Court,
    source: str,
    applicant: Party,
    respondent: Person,
    amount: Decimal,
    filed: date,
    closed: date | None = None,
    method: str | None = None,
) -> str:
    exec_case_no = world.case_no(court, filed.year, "执")
    data.add(
        "execution_case",
        exec_case_no=exec_case_no,
        source_case_no=source,
        applicant_name=applicant.name,
        respondent_name=respondent.name,
        respondent_id_card=respondent.id_card,
        amount=amount,
        filing_date=filed,
        closing_date=closed,
        closing_method=method,
    )
    return exec_case_no


def _prior_enforcement(
    world: World,
    data: DemoData,
    debtor: Person,
    filed: date,
    *,
    creditor: Party | None = None,
    closed: date | None = None,
    method: str | None = None,
) -> None:
    """Another creditor (unless given) enforcing a judgment against `debtor`."""
    creditor = creditor or _creditor(world, debtor.county)
    judgment_filed = filed - timedelta(days=world.rng.randrange(130, 300))
    title = _judgment(world, data, creditor, debtor, judgment_filed)
    _enforce(
        world,
        data,
        court=world.court(debtor.county),
        source=title,
        applicant=creditor,
        respondent=debtor,
        amount=world.money(50_000, 400_000),
        filed=filed,
        closed=closed,
        method=method,
    )


def _creditor(world: World, county: str) -> Party:
    if world.rng.random() < 0.6:
        return world.company(
            industry=world.rng.choice(("贸易", "建筑", "纺织", "物流")), county=county
        )
    return world.person(county=county)


def _person(world: World, county: str | None = None) -> Person:
    return world.person(born=(1960, 1995), county=county)


def _applicant_firm(world: World, county: str) -> Company:
    suffix = world.rng.choice(("信息咨询有限公司", "投资", "服务"))
    return world.company(industry=suffix, county=county)


# -- true stories -------------------------------------------------------------------------


@dataclass
class Story:
    """A planned story of `size` flagged confirmations: one applicant's frequent series,
    a concentrated committee's (those are frequent too), or a single confirmation;
    `riders[i]` adds a single-confirmation branch (queue jumping, shared contact, quick
    enforcement) to confirmation i (a single story's own branch is `riders[0]`)."""

    kind: str  # "single", "frequent" or "concentration"
    size: int
    riders: dict[int, str] = field(default_factory=dict)


def _day(world: World, oldest: date, newest_days_ago: int) -> date:
    return world.day(oldest, _ago(newest_days_ago))


@dataclass(frozen=True)
class Confirmed:
    """A planted confirmation, for the signals added to it."""

    case_no: str
    applicant: Party
    respondent: Person
    day: date
    amount: Decimal


def _add_rider(world: World, data: DemoData, rider: str, case: Confirmed) -> None:
    """Make confirmation `case` fire `rider` (queue jumping or quick enforcement) too."""
    respondent, day = case.respondent, case.day
    rng = world.rng
    if rider == "queue_jumping":
        # One enforcement still open, one closed with nothing found (终本), both filed before.
        _prior_enforcement(world, data, respondent, day - timedelta(days=rng.randrange(40, 200)))
        filed = day - timedelta(days=rng.randrange(260, 500))
        closed = filed + timedelta(days=rng.randrange(60, 200))
        _prior_enforcement(world, data, respondent, filed, closed=closed, method="终结本次执行")
    elif rider == "quick_enforcement":
        # 2-25 days later, and not after the reference date.
        filed = day + timedelta(days=rng.randrange(2, min(26, (DEMO_AS_OF - day).days + 1)))
        paid = rng.random() < 0.5
        _enforce(
            world,
            data,
            court=world.court(respondent.county),
            source=case.case_no,
            applicant=case.applicant,
            respondent=respondent,
            amount=case.amount,
            filed=filed,
            closed=filed + timedelta(days=rng.randrange(10, 40)) if paid else None,
            method="执行完毕" if paid else None,
        )
    else:  # shared_contact is planted by the caller (it shapes the parties)
        raise ValueError(rider)


def _single(world: World, data: DemoData, branch: str) -> str:
    """One confirmation firing one branch."""
    rng = world.rng
    if branch == "shared_contact":
        applicant = _person(world)
        if rng.random() < 0.5:  # a family member at the same household address
            respondent = world.relative(applicant, born=(1950, 1998))
            return _confirm(world, data, applicant, respondent, _day(world, STORY_START, 5))
        respondent = _person(world)  # a "stranger" given the applicant's own phone
        return _confirm(
            world,
            data,
            applicant,
            respondent,
            _day(world, STORY_START, 5),
            respondent_phone=applicant.phone,
        )
    party: Party = _person(world) if rng.random() < 0.8 else _applicant_firm(world, _county(world))
    respondent = _person(world)
    newest = 35 if branch == "quick_enforcement" else 5
    day = _day(world, STORY_START + timedelta(days=300), newest)
    amount = world.money(200_000, 2_000_000)
    case_no = _confirm(world, data, party, respondent, day, amount=amount)
    _add_rider(world, data, branch, Confirmed(case_no, party, respondent, day, amount))
    return case_no


def _series(
    world: World,
    data: DemoData,
    story: Story,
    applicant: Party,
    days: list[date],
    orgs: list[str],
    county: str | None = None,
) -> list[str]:
    """The confirmations of one applicant, with the story's riders."""
    keys = []
    for i, (day, org) in enumerate(zip(days, orgs, strict=True)):
        respondent = _person(world)
        rider = story.riders.get(i)
        # Shared contact: the debtor "reachable" at the applicant's own phone.
        phone = applicant.phone if rider == "shared_contact" else None
        amount = world.money(30_000, 600_000)
        case_no = _confirm(
            world, data, applicant, respondent, day,
            org=org, amount=amount, respondent_phone=phone, county=county,
        )  # fmt: skip
        if rider in ("queue_jumping", "quick_enforcement"):
            _add_rider(world, data, rider, Confirmed(case_no, applicant, respondent, day, amount))
        keys.append(case_no)
    return keys


def _frequent(world: World, data: DemoData, story: Story) -> list[str]:
    """One applicant, `size` confirmations within 5-10 months, each at another committee."""
    rng = world.rng
    county = _county(world)
    applicant: Party = (
        _person(world, county) if rng.random() < 0.6 else _applicant_firm(world, county)
    )
    span = rng.randrange(150, 300)
    start = world.day(STORY_START, _ago(span + 40))
    days = sorted(start + timedelta(days=rng.randrange(span + 1)) for _ in range(story.size - 1))
    days = [start, *days]
    orgs = rng.sample(COMMITTEES, story.size)
    return _series(world, data, story, applicant, days, orgs)


def _concentration(world: World, data: DemoData, story: Story) -> list[str]:
    """A chamber committee whose last year's confirmations go mostly to one firm."""
    rng = world.rng
    county = _county(world)
    org = world.org_name(rng.choice(ORG_SUFFIXES), county)
    firm = _applicant_firm(world, county)
    dominant = story.size
    others = 5 if dominant == 5 else min(dominant - 1, max(11 - dominant, 4))
    days = sorted(_day(world, _ago(345), 10) for _ in range(dominant))
    keys = _series(world, data, story, firm, days, [org] * dominant, county)
    for _ in range(others):
        day = _day(world, _ago(345), 10)
        case_no = _confirm(
            world, data, _person(world, county), _person(world), day, org=org, county=county
        )
        data.decoy(MODEL_ID, "org_minor_applicant", case_no, org)
    return keys


def _county(world: World) -> str:
    return world.court().county


def _chunks(total: int, size: int) -> list[int]:
    """`total` split into max(1, total // size) near-equal parts (each >= size when
    total >= size)."""
    parts = max(1, total // size)
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _plan(cases: int) -> list[Story]:
    """Stories for exactly `cases` subject keys, spread over the branches.

    Round-robin quotas per branch; concentration stories need >= 5 confirmations (their
    keys also count for `frequent_applicant`) and frequency stories >= 3, so a short quota
    is rounded up (concentration) or left to the concentration keys (frequency), and the
    single-confirmation branches that then have no key of their own ride on concentration
    confirmations."""
    if cases < len(BRANCHES):
        return [Story("single", 1, {0: SINGLES[i % len(SINGLES)]}) for i in range(cases)]
    quota = {b: cases // len(BRANCHES) + (1 if i < cases % len(BRANCHES) else 0)
             for i, b in enumerate(BRANCHES)}  # fmt: skip
    stories = [Story("concentration", n) for n in _chunks(max(quota["org_concentration"], 5), 6)]
    if quota["frequent_applicant"] >= 3:
        stories += [Story("frequent", n) for n in _chunks(quota["frequent_applicant"], 4)]
    left = cases - sum(s.size for s in stories)
    singles = [SINGLES[i % len(SINGLES)] for i in range(left)]
    stories += [Story("single", 1, {0: branch}) for branch in singles]
    riders = [b for b in SINGLES if b not in singles]
    stories[0].riders = dict(enumerate(riders))
    return stories


# -- decoys -------------------------------------------------------------------------------


def _execution_paid_before(world: World, data: DemoData) -> list[str]:
    """The respondent's earlier enforcement was paid in full before the confirmation."""
    respondent, day = _person(world), _day(world, STORY_START + timedelta(days=300), 5)
    filed = day - timedelta(days=world.rng.randrange(150, 400))
    closed = day - timedelta(days=world.rng.randrange(3, 100))
    _prior_enforcement(world, data, respondent, filed, closed=closed, method="执行完毕")
    return [_confirm(world, data, _person(world), respondent, day)]


def _execution_filed_after(world: World, data: DemoData) -> list[str]:
    """Another creditor's enforcement against the respondent filed after the confirmation."""
    respondent, day = _person(world), _day(world, STORY_START, 70)
    case_no = _confirm(world, data, _person(world), respondent, day)
    _prior_enforcement(world, data, respondent, day + timedelta(days=world.rng.randrange(1, 60)))
    return [case_no]


def _own_enforcement(world: World, data: DemoData) -> list[str]:
    """The applicant settles its own pending enforcement with the respondent by mediation."""
    applicant, respondent = _person(world), _person(world)
    day = _day(world, STORY_START + timedelta(days=300), 5)
    filed = day - timedelta(days=world.rng.randrange(60, 250))
    _prior_enforcement(world, data, respondent, filed, creditor=applicant)
    return [_confirm(world, data, applicant, respondent, day)]


def _suit_shared_address(world: World, data: DemoData) -> list[str]:
    """A divorce suit between spouses at one address: a lawsuit, not a confirmation."""
    plaintiff = _person(world)
    spouse = world.relative(plaintiff)
    court = world.court(plaintiff.county)
    filed = _day(world, STORY_START, 5)
    case_no = world.case_no(court, filed.year, "民初")
    data.add(
        "court_case",
        case_no=case_no,
        court_name=court.name,
        case_type="民初",
        cause="离婚纠纷",
        filing_date=filed,
    )
    _party_row(data, case_no, "原告", plaintiff, None)
    _party_row(data, case_no, "被告", spouse, None)
    return [case_no]


def _two_confirmations(world: World, data: DemoData) -> list[str]:
    applicant = _person(world)
    first = _day(world, STORY_START, 40)
    second = min(first + timedelta(days=world.rng.randrange(20, 300)), _ago(5))
    orgs = world.rng.sample(COMMITTEES, 2)
    return [_confirm(world, data, applicant, _person(world), d, org=o)
            for d, o in zip((first, second), orgs, strict=True)]  # fmt: skip


def _spread_over_year(world: World, data: DemoData) -> list[str]:
    """Three confirmations, the first and third more than 365 days apart."""
    rng = world.rng
    applicant = _person(world)
    first = _day(world, STORY_START, 500)
    third = first + timedelta(days=rng.randrange(366, 460))
    second = first + timedelta(days=rng.randrange(120, 240))
    orgs = rng.sample(COMMITTEES, 3)
    return [_confirm(world, data, applicant, _person(world), d, org=o)
            for d, o in zip((first, second, third), orgs, strict=True)]  # fmt: skip


def _small_org_half(world: World, data: DemoData) -> list[str]:
    """A committee with four confirmations in the year, two of them for one applicant."""
    county = _county(world)
    org = world.org_name(world.rng.choice(ORG_SUFFIXES), county)
    applicant = _person(world, county)
    keys = [_confirm(world, data, applicant, _person(world), _day(world, _ago(340), 10),
                     org=org, county=county) for _ in range(2)]  # fmt: skip
    for _ in range(2):
        day = _day(world, _ago(340), 10)
        _confirm(world, data, _person(world, county), _person(world), day, org=org, county=county)
    return keys


def _busy_org(world: World, data: DemoData) -> list[str]:
    """A busy committee: twelve confirmations in the year, every applicant different."""
    county = _county(world)
    org = world.org_name(world.rng.choice(ORG_SUFFIXES), county)
    return [_confirm(world, data, _person(world, county), _person(world), _day(world, _ago(340), 5),
                     org=org, county=county) for _ in range(12)]  # fmt: skip


def _late_enforcement(world: World, data: DemoData) -> list[str]:
    """Enforcement of the confirmation applied for 31 days or more after it."""
    rng = world.rng
    applicant, respondent = _person(world), _person(world)
    day = _day(world, STORY_START, 280)
    case_no = _confirm(world, data, applicant, respondent, day)
    late = 31 if rng.random() < 0.5 else rng.randrange(32, 240)
    _enforce(
        world,
        data,
        court=world.court(respondent.county),
        source=case_no,
        applicant=applicant,
        respondent=respondent,
        amount=world.money(30_000, 300_000),
        filed=day + timedelta(days=late),
    )
    return [case_no]


def _ordinary(world: World, data: DemoData) -> list[str]:
    applicant: Party = (
        _person(world) if world.rng.random() < 0.8 else _applicant_firm(world, _county(world))
    )
    return [_confirm(world, data, applicant, _person(world), _day(world, STORY_START, 5))]


DECOYS: dict[str, Callable[[World, DemoData], list[str]]] = {
    "execution_paid_before": _execution_paid_before,
    "execution_filed_after": _execution_filed_after,
    "own_enforcement": _own_enforcement,
    "suit_shared_address": _suit_shared_address,
    "two_confirmations": _two_confirmations,
    "spread_over_year": _spread_over_year,
    "small_org_half": _small_org_half,
    "busy_org": _busy_org,
    "late_enforcement": _late_enforcement,
    "ordinary": _ordinary,
}


def plant(world: World, data: DemoData, cases: int) -> None:
    """Plant `cases` flagged confirmations over the five branches (see `_plan`), about
    max(2, cases // 2) decoy confirmations of each kind, and the minor applicants of the
    concentrated committees."""
    for story in _plan(cases):
        if story.kind == "single":
            (branch,) = story.riders.values()
            data.case(MODEL_ID, _single(world, data, branch), branch)
            continue
        grow = _concentration if story.kind == "concentration" else _frequent
        keys = grow(world, data, story)
        for i, key in enumerate(keys):
            data.case(MODEL_ID, key, "frequent_applicant")
            if story.kind == "concentration":
                data.case(MODEL_ID, key, "org_concentration")
            if i in story.riders:
                data.case(MODEL_ID, key, story.riders[i])
    for kind, decoy in DECOYS.items():
        planted = 0
        while planted < max(2, cases // 2):
            for key in decoy(world, data):
                data.decoy(MODEL_ID, kind, key)
                planted += 1
