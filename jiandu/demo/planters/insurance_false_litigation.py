"""Planter of `insurance_false_litigation` (车险理赔虚假诉讼).

Every story is a motor-accident liability suit (机动车交通事故责任纠纷) told consistently
across the agencies: the traffic police record the accident (`traffic_accident`, one row
per party) and register the at-fault vehicle (`vehicle_registry`), the insurer records
the claim (`insurance_claim`: policy start, accident time, repair shop, injured person,
whether it assessed the loss), the court records the suit (`court_case`) and its parties
(`court_party`: the plaintiff with agent, employer and lost-work period; the at-fault
driver and the insurer as defendants), and the social-insurance agency records the
plaintiff's contributions (`social_insurance`) where the story needs them.

True cases, one story per rule branch of the model:

- ``lost_wages_uninsured``: an injured plaintiff claims lost wages from an employer that
  paid no contributions for him in the claimed period (he has none at all, or another
  employer insures him, or the named employer stopped paying the month before).
- ``agent_early_policy``: one agent ad litem with 6..11 suits in the year over accidents
  within 30 days of the policy start (some before it; in one suit of each cluster only
  the police record, days earlier than the claim, brings the accident inside 30 days).
- ``shop_early_policy``: one repair shop behind 6..11 such suits of injured plaintiffs.
- ``plaintiff_not_owner``: a repair shop sues on an assigned claim over a car registered
  to a private owner (or one it sold to him before the accident).
- ``repeat_insurer_suits``: one injured person sues insurers 4..7 times in the year.
- ``no_loss_assessment``: the insurer never assessed the loss behind the suit.
- ``recurring_appraiser``: one agent whose 6..11 suits in the year all went to one
  appraiser (sometimes with one more suit elsewhere, still >= 80 %).

Clusters are planted one above the model's thresholds (6 suits where 5 are needed, 4
where 3 are), so that losing one suit to a rejected row keeps the rest of its cluster.

Decoys (`DECOY_KINDS`): the two of spec/models.md (a plaintiff really insured by the
employer; a busy lawyer with ordinary suits) and the look-alikes of each refinement on
the quiet side of its rule: an employer that paid only in the month the lost-work period
began, agents and shops with four early-policy suits, accidents 31..40 days after the
policy start, early suits partly filed before the window, a busy repair shop with
ordinary suits, repair shops that owned the car at the accident (still or until after it)
or sue over a car the registry does not know, plaintiffs with two suits in the window
or a third suit against the driver alone, unassessed claims that are not behind the suit
or are outweighed by an assessed one, and agents whose suits went to one appraiser only
four times or only 75 % of the time. Ordinary suits and claims that never reached court
fill in around them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from jiandu.demo.world import DEMO_AS_OF, Agent, Company, DemoData, Person, World

__all__ = ["BRANCHES", "CLUSTER_MIN", "DECOY_KINDS", "MODEL", "branch_quotas", "plant"]

MODEL = "insurance_false_litigation"
CAUSE = "机动车交通事故责任纠纷"
BRANCHES = (
    "lost_wages_uninsured",
    "agent_early_policy",
    "shop_early_policy",
    "plaintiff_not_owner",
    "repeat_insurer_suits",
    "no_loss_assessment",
    "recurring_appraiser",
)
# Cluster branches plant their cases in groups of at least this many suits (the model's
# thresholds are 5 suits per agent/shop/appraiser and 3 suits per plaintiff).
CLUSTER_MIN = {
    "agent_early_policy": 6,
    "shop_early_policy": 6,
    "repeat_insurer_suits": 4,
    "recurring_appraiser": 6,
}

# The model's one-year window ends on DEMO_AS_OF; suits "in the window" are filed a few
# days inside it, those "before the window" well before it.
WINDOW_START = DEMO_AS_OF - timedelta(days=365)
IN_WINDOW = (WINDOW_START + timedelta(days=10), DEMO_AS_OF - timedelta(days=10))
BEFORE_WINDOW = (date(2023, 2, 1), WINDOW_START - timedelta(days=10))
ANY_FILING = (date(2022, 6, 1), DEMO_AS_OF - timedelta(days=10))

SHAOXING = {
    "330602": "越城区",
    "330603": "柯桥区",
    "330604": "上虞区",
    "330624": "新昌县",
    "330681": "诸暨市",
    "330683": "嵊州市",
}
ROADS = ("中兴大道", "解放北路", "越东路", "二环北路", "镜湖大道", "群贤路", "笛扬路",
         "金柯桥大道", "曹娥江大道", "人民西路", "104国道", "329国道")  # fmt: skip
INSURERS = (
    "中国人民财产保险股份有限公司绍兴市分公司",
    "中国平安财产保险股份有限公司绍兴中心支公司",
    "中国太平洋财产保险股份有限公司绍兴中心支公司",
    "中国人寿财产保险股份有限公司绍兴市中心支公司",
    "中华联合财产保险股份有限公司绍兴中心支公司",
    "阳光财产保险股份有限公司绍兴中心支公司",
    "天安财产保险股份有限公司绍兴中心支公司",
)
SHOP_SUFFIXES = ("汽车修理有限公司", "汽车维修有限公司", "汽车维修服务部", "汽车修理厂")
EMPLOYER_INDUSTRIES = ("建筑", "制造", "物流", "纺织", "餐饮", "服务")
CONTRIBUTION_KINDS = ("养老保险", "医疗保险")


def branch_quotas(cases: int) -> dict[str, int]:
    """True cases per branch: `cases` dealt round-robin over BRANCHES, each cluster branch
    that gets any raised to its CLUSTER_MIN, the excess then taken back from the branches
    with the most to spare (never below one case, or a cluster minimum). The total is
    exactly `cases` from sum(CLUSTER_MIN) + 3 = 25 cases up; below that a full cover of
    the branches needs more."""
    n = len(BRANCHES)
    quotas = {b: cases // n + (1 if i < cases % n else 0) for i, b in enumerate(BRANCHES)}
    floors = {b: CLUSTER_MIN.get(b, 1) if q else 0 for b, q in quotas.items()}
    quotas = {b: max(q, floors[b]) for b, q in quotas.items()}
    excess = sum(quotas.values()) - cases
    while excess > 0:
        spare = {b: quotas[b] - floors[b] for b in BRANCHES if quotas[b] > floors[b]}
        if not spare:
            break
        quotas[max(spare, key=lambda b: spare[b])] -= 1
        excess -= 1
    return quotas


def _month(day: date) -> date:
    return day.replace(day=1)


def _months(first: date, last: date) -> Iterator[date]:
    """The months (1st days) from the month of `first` to the month of `last`."""
    month = _month(first)
    while month <= last:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)


def _months_before(day: date, count: int) -> date:
    """The 1st of the month `count` months before the month of `day`."""
    month = _month(day)
    for _ in range(count):
        month = _month(month - timedelta(days=1))
    return month


def _person_party(person: Person) -> dict[str, Any]:
    return {
        "party_type": "person",
        "name": person.name,
        "id_card": person.id_card,
        "phone": person.phone,
        "address": person.address,
    }


def _org_party(company: Company) -> dict[str, Any]:
    return {
        "party_type": "org",
        "name": company.name,
        "uscc": company.uscc,
        "phone": company.phone,
        "address": company.address,
    }


@dataclass(frozen=True)
class _Scene:
    """Where and when an accident happened, under the police's accident number."""

    accident_id: str
    moment: datetime
    place: str


@dataclass(frozen=True)
class _Crash:
    """One at-fault vehicle of an accident: its driver (the insured owner) and his
    insurer (None when the vehicle was uninsured and no claim exists)."""

    driver: Person
    insurer: str | None


@dataclass(frozen=True)
class _WageClaim:
    """An injured worker's lost-wage claim: who, against which employer, which period."""

    victim: Person
    employer: Company
    accident: date
    lost_from: date
    lost_to: date
    filed: date


class _Stories:
    """The story tellers of this planter, sharing one world, its rng and the rows."""

    def __init__(self, world: World, data: DemoData) -> None:
        self.world = world
        self.rng = world.rng
        self.data = data
        # Appraisers of ordinary suits; each agent's suits rotate through them.
        self.appraisers = tuple(world.org_name("司法鉴定所") for _ in range(6))

    # -- entities -----------------------------------------------------------------------
    def county(self) -> str:
        return self.rng.choice(tuple(SHAOXING))

    def resident(self) -> Person:
        return self.world.person(county=self.county(), born=(1960, 2000))

    def agent(self, agent_type: str | None = None) -> Agent:
        """A new agent ad litem with a firm of his own, so that the model's agent key
        (name and firm) never merges two stories' agents."""
        kind = agent_type or self.rng.choice(("律师", "律师", "法律工作者"))
        agent = self.world.agent(agent_type=kind)
        firm = self.world.org_name("律师事务所" if kind == "律师" else "法律服务所")
        return dataclasses.replace(agent, firm=firm)

    def maybe_agent(self) -> Agent | None:
        """Plaintiffs of single suits: some sue in person, some have a lawyer."""
        return self.agent() if self.rng.random() < 0.4 else None

    def shop(self) -> str:
        return self.world.org_name(self.rng.choice(SHOP_SUFFIXES))

    def shop_company(self) -> Company:
        return self.world.company(name=self.shop(), county=self.county())

    def appraiser(self) -> str | None:
        return self.rng.choice(self.appraisers) if self.rng.random() < 0.7 else None

    def rotation(self, count: int) -> list[str | None]:
        """Appraisers of one agent's `count` suits: the ordinary pool in turn (no
        appraiser gets more than two of up to twelve suits), some suits unappraised."""
        start = self.rng.randrange(len(self.appraisers))
        pool = self.appraisers
        return [
            pool[(start + k) % len(pool)] if self.rng.random() < 0.85 else None
            for k in range(count)
        ]

    def day(self, span: tuple[date, date]) -> date:
        return self.world.day(*span)

    def early_days(self) -> int:
        """Days from the policy start to a staged accident; negative: insured after it."""
        return self.rng.randint(-7, 26)

    def ordinary_days(self) -> int:
        return self.rng.randint(75, 340)

    # -- records ------------------------------------------------------------------------
    def crash(
        self,
        day: date,
        victim: Person | None,
        *,
        policy_days: int,
        claim_lag: int = 0,
        assessed: str = "是",
        shop: str | None = None,
        insured: bool = True,
        scene: _Scene | None = None,
        victim_on_record: bool = False,
    ) -> _Crash:
        """An accident on `day` in which a driver hurt `victim`: the police record (one
        row per party), the registration of the driver's car and, if it was insured, the
        insurer's claim (the policy started `policy_days` before the police date; the
        claim dates the accident `claim_lag` days after the police). `scene` places it in a
        given accident; `victim_on_record`: the police recorded the victim with another
        vehicle of that accident already (this one shares the blame)."""
        world, rng = self.world, self.rng
        driver = self.resident()
        while victim is not None and driver.name == victim.name:
            driver = self.resident()
        car = world.vehicle()
        policy_start = day - timedelta(days=policy_days)
        bought = min(day, policy_start)
        # Staged accidents use freshly bought and insured cars; ordinary ones older cars.
        age = rng.randint(0, 3) if policy_days < 60 else rng.randint(400, 3000)
        self.data.add(
            "vehicle_registry",
            plate=car.plate,
            vin=car.vin,
            owner_name=driver.name,
            owner_id_card=driver.id_card,
            status="正常",
            event="注册",
            event_date=bought - timedelta(days=age),
        )
        scene = scene or self.scene(day)
        self.data.add(
            "traffic_accident",
            accident_id=scene.accident_id,
            accident_time=scene.moment,
            place=scene.place,
            party_name=driver.name,
            party_id_card=driver.id_card,
            plate=car.plate,
            responsibility="次要" if victim_on_record else rng.choice(("全部", "主要")),
        )
        if victim is not None and not victim_on_record:
            self.data.add(
                "traffic_accident",
                accident_id=scene.accident_id,
                accident_time=scene.moment,
                place=scene.place,
                party_name=victim.name,
                party_id_card=victim.id_card,
                responsibility="无责任",
            )
        if not insured:
            return _Crash(driver, None)
        insurer = rng.choice(INSURERS)
        claimed = scene.moment + timedelta(days=claim_lag)
        amount = world.money(20_000, 260_000)
        self.data.add(
            "insurance_claim",
            claim_id=world.serial("RDAA", day.year),
            policy_no=world.serial("PDAA", policy_start.year),
            policy_start=policy_start,
            insured_name=driver.name,
            insured_id_card=driver.id_card,
            plate=car.plate,
            vin=car.vin,
            accident_time=claimed,
            accident_place=scene.place,
            report_time=claimed + timedelta(minutes=rng.randint(20, 300)),
            repair_shop=shop,
            injured_name=None if victim is None else victim.name,
            injured_id_card=None if victim is None else victim.id_card,
            claim_amount=amount,
            loss_assessed=assessed,
            assessed_amount=(amount * Decimal("0.8")).quantize(Decimal("0.01"))
            if assessed == "是"
            else None,
            appraiser=world.person_name() if assessed == "是" else None,
        )
        return _Crash(driver, insurer)

    def scene(self, day: date) -> _Scene:
        """A new accident number, a time of `day` and a place in Shaoxing."""
        county = self.county()
        road = self.rng.choice(ROADS)
        place = f"浙江省绍兴市{SHAOXING[county]}{road}{self.rng.randint(1, 400)}号附近"
        return _Scene(self.world.serial("SGRD", day.year), self.world.moment(day), place)

    def suit(
        self,
        filed: date,
        plaintiff: dict[str, Any],
        others: list[dict[str, Any]],
        *,
        agent: Agent | None,
        appraisal_org: str | None,
        amount: Decimal,
    ) -> str:
        """A traffic-accident suit filed on `filed`: the case and its parties (the
        plaintiff with his agent, then `others` with their roles). Returns the 案号."""
        world, rng = self.world, self.rng
        court = world.court(self.county())
        number = world.case_no(court, filed.year, "民初")
        closing = filed + timedelta(days=rng.randint(40, 150))
        closed = closing <= DEMO_AS_OF
        self.data.add(
            "court_case",
            case_no=number,
            court_name=court.name,
            case_type="民初",
            cause=CAUSE,
            filing_date=filed,
            closing_date=closing if closed else None,
            closing_method=rng.choice(("判决", "判决", "调解")) if closed else None,
            amount_claimed=amount,
            amount_awarded=(amount * Decimal("0.7")).quantize(Decimal("0.01")) if closed else None,
            appraisal_org=appraisal_org,
        )
        represented = (
            {}
            if agent is None
            else {
                "agent_name": agent.name,
                "agent_firm": agent.firm,
                "agent_type": agent.agent_type,
            }
        )
        self.data.add("court_party", case_no=number, role="原告", **plaintiff, **represented)
        for party in others:
            self.data.add("court_party", case_no=number, **party)
        return number

    def injury_suit(
        self,
        filed: date,
        *,
        victim: Person | None = None,
        accident: date | None = None,
        policy_days: int | None = None,
        claim_lag: int = 0,
        assessed: str = "是",
        shop: str | None = None,
        agent: Agent | None = None,
        appraisal_org: str | None = None,
        wages: _WageClaim | None = None,
        insured: bool = True,
        scene: _Scene | None = None,
    ) -> str:
        """An injured person sues the at-fault driver and his insurer (the driver alone if
        uninsured) over an accident 45..240 days before `filed` unless given."""
        victim = victim or self.resident()
        day = accident or filed - timedelta(days=self.rng.randint(45, 240))
        crash = self.crash(
            day,
            victim,
            policy_days=self.ordinary_days() if policy_days is None else policy_days,
            claim_lag=claim_lag,
            assessed=assessed,
            shop=shop,
            insured=insured,
            scene=scene,
        )
        plaintiff = _person_party(victim)
        if wages is not None:
            plaintiff |= {
                "employer_name": wages.employer.name,
                "lost_work_from": wages.lost_from,
                "lost_work_to": wages.lost_to,
            }
        others = [{"role": "被告", **_person_party(crash.driver)}]
        if crash.insurer is not None:
            others.append({"role": "被告", "party_type": "org", "name": crash.insurer})
        amount = self.world.money(30_000, 320_000)
        return self.suit(
            filed, plaintiff, others, agent=agent, appraisal_org=appraisal_org, amount=amount
        )

    def gang(
        self,
        suits: list[tuple[date, int, int]],
        *,
        agent: Agent | None = None,
        shop: str | None = None,
    ) -> list[str]:
        """Injury suits `(filed, policy_days, claim_lag)` sharing an agent and/or a repair
        shop on the claims; the agent's suits rotate through the ordinary appraisers.
        Without a shared agent each plaintiff may have a lawyer of his own."""
        appraisals = self.rotation(len(suits))
        return [
            self.injury_suit(
                filed,
                policy_days=days,
                claim_lag=lag,
                shop=shop,
                agent=agent or self.maybe_agent(),
                appraisal_org=appraisal,
            )
            for (filed, days, lag), appraisal in zip(suits, appraisals, strict=True)
        ]

    def early(self, count: int, span: tuple[date, date] = IN_WINDOW) -> list[tuple[date, int, int]]:
        return [(self.day(span), self.early_days(), 0) for _ in range(count)]

    def ordinary(self, count: int, low: int = 75) -> list[tuple[date, int, int]]:
        return [(self.day(IN_WINDOW), self.rng.randint(low, 340), 0) for _ in range(count)]

    def police_dated(self) -> tuple[date, int, int]:
        """An early suit whose claim dates the accident 31..34 days after the policy
        start: only the police record, a few days earlier, brings it within 30 days."""
        days = self.rng.randint(25, 28)
        return (self.day(IN_WINDOW), days, self.rng.randint(31 - days, 6))

    def wage_claim(self, *, mid_month: bool = False) -> _WageClaim:
        """An injured worker off work for 45..180 days after the accident, suing after."""
        rng = self.rng
        accident = self.day((date(2022, 2, 1), date(2023, 9, 30)))
        if mid_month:
            accident = accident.replace(day=rng.randint(10, 25))
        lost_from = accident + timedelta(days=rng.randint(0, 1))
        lost_to = lost_from + timedelta(days=rng.randint(45, 180))
        filed = lost_to + timedelta(days=rng.randint(10, 60))
        employer = self.world.company(industry=rng.choice(EMPLOYER_INDUSTRIES))
        return _WageClaim(self.resident(), employer, accident, lost_from, lost_to, filed)

    def contribute(self, person: Person, employer: Company, months: Iterator[date]) -> None:
        """Monthly contributions of `employer` for `person` (pension and medical)."""
        base = self.world.money(4_000, 9_000)
        for month in months:
            for kind in CONTRIBUTION_KINDS:
                self.data.add(
                    "social_insurance",
                    id_card=person.id_card,
                    name=person.name,
                    employer_uscc=employer.uscc,
                    employer_name=employer.name,
                    month=month,
                    base_amount=base,
                    insurance_kind=kind,
                )

    def wage_suit(self, wages: _WageClaim) -> str:
        return self.injury_suit(
            wages.filed,
            victim=wages.victim,
            accident=wages.accident,
            agent=self.maybe_agent(),
            appraisal_org=self.appraiser(),
            wages=wages,
        )

    def shop_suit(self, registry: str) -> str:
        """A repair shop sues on the claim the car's holder assigned to it, against the
        other (at-fault) driver and the insurer of the repaired car. `registry` says what
        the vehicle registry knows of the repaired car: 'owner' (registered to its private
        owner), 'sold_before' (the shop sold it to him before the accident), 'shop' (the
        shop's own car), 'sold_after' (the shop sold it after the accident) or 'none'."""
        world, rng = self.world, self.rng
        shop = self.shop_company()
        holder = self.resident()
        shop_holds = registry in ("shop", "sold_after")
        # The police record the repaired car's driver: its holder, or the shop's manager.
        driver = shop.legal_rep if shop_holds else holder
        at_fault = self.resident()
        while at_fault.name == driver.name:
            at_fault = self.resident()
        car = world.vehicle("杭州市" if registry == "none" else "绍兴市")
        other = world.vehicle()
        day = self.day((date(2022, 3, 1), date(2024, 3, 31)))
        filed = min(day + timedelta(days=rng.randint(30, 200)), IN_WINDOW[1])
        registered = day - timedelta(days=rng.randint(900, 3000))

        def register(event: str, when: date, owner: Person | None) -> None:
            self.data.add(
                "vehicle_registry",
                plate=car.plate,
                vin=car.vin,
                owner_name=shop.name if owner is None else owner.name,
                owner_id_card=None if owner is None else owner.id_card,
                owner_uscc=shop.uscc if owner is None else None,
                status="正常",
                event=event,
                event_date=when,
            )

        if registry == "owner":
            register("注册", registered, holder)
        elif registry in ("shop", "sold_before", "sold_after"):
            register("注册", registered, None)
        if registry == "sold_before":
            register("转移", day - timedelta(days=rng.randint(30, 300)), holder)
        if registry == "sold_after":
            register("转移", day + timedelta(days=rng.randint(1, 25)), holder)
        self.data.add(
            "vehicle_registry",
            plate=other.plate,
            vin=other.vin,
            owner_name=at_fault.name,
            owner_id_card=at_fault.id_card,
            status="正常",
            event="注册",
            event_date=day - timedelta(days=rng.randint(400, 3000)),
        )
        scene = self.scene(day)
        for person, plate, liability in (
            (at_fault, other.plate, "全部"),
            (driver, car.plate, "无责任"),
        ):
            self.data.add(
                "traffic_accident",
                accident_id=scene.accident_id,
                accident_time=scene.moment,
                place=scene.place,
                party_name=person.name,
                party_id_card=person.id_card,
                plate=plate,
                responsibility=liability,
            )
        insurer = rng.choice(INSURERS)
        policy_start = day - timedelta(days=self.ordinary_days())
        amount = world.money(6_000, 90_000)
        self.data.add(
            "insurance_claim",
            claim_id=world.serial("RDAA", day.year),
            policy_no=world.serial("PDAA", policy_start.year),
            policy_start=policy_start,
            insured_name=shop.name if shop_holds else holder.name,
            insured_id_card=None if shop_holds else holder.id_card,
            plate=car.plate,
            vin=car.vin,
            accident_time=scene.moment,
            accident_place=scene.place,
            report_time=scene.moment + timedelta(minutes=rng.randint(20, 300)),
            repair_shop=shop.name,
            claim_amount=amount,
            loss_assessed="是",
            assessed_amount=(amount * Decimal("0.85")).quantize(Decimal("0.01")),
            appraiser=world.person_name(),
        )
        others = [
            {"role": "被告", **_person_party(at_fault)},
            {"role": "被告", "party_type": "org", "name": insurer},
        ]
        if not shop_holds:
            others.append({"role": "第三人", **_person_party(holder)})
        return self.suit(
            filed,
            _org_party(shop),
            others,
            agent=self.maybe_agent(),
            appraisal_org=None,
            amount=amount,
        )

    def repeat_plaintiff(
        self, filings: list[date], *, uninsured: int | None = None, agent: Agent | None = None
    ) -> list[str]:
        """One person hurt in several accidents, suing each time (the `uninsured`-th
        accident's driver had no insurance: that suit names the driver alone)."""
        victim = self.resident()
        appraisals = self.rotation(len(filings))
        return [
            self.injury_suit(
                filed,
                victim=victim,
                agent=agent,
                appraisal_org=appraisal,
                insured=k != uninsured,
            )
            for k, (filed, appraisal) in enumerate(zip(sorted(filings), appraisals, strict=True))
        ]

    def appraiser_agent(self, same: int, others: int) -> tuple[list[str], list[str]]:
        """An agent's suits in the window: `same` of them appraised by one institution,
        `others` by the ordinary pool. Returns (the same-appraiser suits, the others)."""
        agent = self.agent()
        favourite = self.world.org_name("司法鉴定所")
        start = self.rng.randrange(len(self.appraisers))
        suits = [(favourite, True)] * same + [
            (self.appraisers[(start + k) % len(self.appraisers)], False) for k in range(others)
        ]
        self.rng.shuffle(suits)
        same_cases: list[str] = []
        other_cases: list[str] = []
        for org, favoured in suits:
            number = self.injury_suit(self.day(IN_WINDOW), agent=agent, appraisal_org=org)
            (same_cases if favoured else other_cases).append(number)
        return same_cases, other_cases

    def groups(self, total: int, minimum: int) -> list[int]:
        """`total` suits split into clusters of `minimum` .. 2 * `minimum` - 1."""
        sizes = [minimum] * max(1, total // minimum)
        for _ in range(total - sum(sizes)):
            sizes[self.rng.randrange(len(sizes))] += 1
        return sizes


# -- true cases ------------------------------------------------------------------------
def _lost_wages(s: _Stories, count: int) -> None:
    branch = "lost_wages_uninsured"
    for k in range(count):
        wages = s.wage_claim()
        variant = k % 3
        if variant == 1:  # insured all along, but by another employer
            elsewhere = s.world.company(industry=s.rng.choice(EMPLOYER_INDUSTRIES))
            s.contribute(
                wages.victim, elsewhere, _months(_months_before(wages.lost_from, 3), wages.lost_to)
            )
            note = "误工期间社保由另一单位缴纳"
        elif variant == 2:  # the named employer stopped paying the month before
            s.contribute(
                wages.victim,
                wages.employer,
                _months(_months_before(wages.lost_from, 6), _months_before(wages.lost_from, 1)),
            )
            note = "所称单位在误工开始前一个月停缴社保"
        else:
            note = "本人从无社保缴费记录"
        number = s.wage_suit(wages)
        s.data.case(MODEL, number, branch, f"主张在{wages.employer.name}误工；{note}")


def _agent_early(s: _Stories, count: int) -> None:
    for size in s.groups(count, CLUSTER_MIN["agent_early_policy"]):
        agent = s.agent(s.rng.choice(("律师", "法律工作者")))
        suits = [*s.early(size - 1), s.police_dated()]
        numbers = s.gang(suits, agent=agent)
        for number in numbers:
            s.data.case(
                MODEL,
                number,
                "agent_early_policy",
                f"代理人{agent.name}一年内{size}件投保后短期出险",
            )
        if s.rng.random() < 0.5:  # the same agent's ordinary suit: not a clue
            s.gang(s.ordinary(1), agent=agent)


def _shop_early(s: _Stories, count: int) -> None:
    for size in s.groups(count, CLUSTER_MIN["shop_early_policy"]):
        shop = s.shop()
        for number in s.gang(s.early(size), shop=shop):
            s.data.case(
                MODEL, number, "shop_early_policy", f"修理厂{shop}一年内{size}件投保后短期出险"
            )
        if s.rng.random() < 0.5:
            s.gang(s.ordinary(1), shop=shop)


def _not_owner(s: _Stories, count: int) -> None:
    for k in range(count):
        registry = ("owner", "sold_before")[k % 2]
        note = "车辆登记在私人名下" if registry == "owner" else "修理厂在事故前已将车辆过户他人"
        s.data.case(MODEL, s.shop_suit(registry), "plaintiff_not_owner", note)


def _repeat(s: _Stories, count: int) -> None:
    for size in s.groups(count, CLUSTER_MIN["repeat_insurer_suits"]):
        agent = s.agent() if s.rng.random() < 0.5 else None
        for number in s.repeat_plaintiff([s.day(IN_WINDOW) for _ in range(size)], agent=agent):
            s.data.case(
                MODEL, number, "repeat_insurer_suits", f"同一原告一年内起诉保险公司{size}件"
            )


def _unassessed(s: _Stories, count: int) -> None:
    for _ in range(count):
        number = s.injury_suit(
            s.day(ANY_FILING), assessed="否", agent=s.maybe_agent(), appraisal_org=s.appraiser()
        )
        s.data.case(MODEL, number, "no_loss_assessment", "所涉理赔保险公司未定损")


def _appraiser(s: _Stories, count: int) -> None:
    for size in s.groups(count, CLUSTER_MIN["recurring_appraiser"]):
        same, _ = s.appraiser_agent(size, 1 if s.rng.random() < 0.5 else 0)
        for number in same:
            s.data.case(
                MODEL, number, "recurring_appraiser", f"代理人{size}件案件由同一鉴定机构鉴定"
            )


TRUE_STORIES: dict[str, Callable[[_Stories, int], None]] = {
    "lost_wages_uninsured": _lost_wages,
    "agent_early_policy": _agent_early,
    "shop_early_policy": _shop_early,
    "plaintiff_not_owner": _not_owner,
    "repeat_insurer_suits": _repeat,
    "no_loss_assessment": _unassessed,
    "recurring_appraiser": _appraiser,
}


# -- decoys: each returns the suits it planted (all to be left alone) and a note ---------
def _insured_by_employer(s: _Stories) -> tuple[list[str], str]:
    wages = s.wage_claim()
    s.contribute(
        wages.victim, wages.employer, _months(_months_before(wages.lost_from, 3), wages.lost_to)
    )
    return [s.wage_suit(wages)], "所称单位误工期间一直为其缴纳社保"


def _employer_paid_first_month(s: _Stories) -> tuple[list[str], str]:
    wages = s.wage_claim(mid_month=True)
    s.contribute(
        wages.victim, wages.employer, _months(_months_before(wages.lost_from, 5), wages.lost_from)
    )
    return [s.wage_suit(wages)], "单位缴费至误工开始当月（月中起误工）"


def _busy_lawyer(s: _Stories) -> tuple[list[str], str]:
    suits = s.ordinary(s.rng.randint(8, 10), low=90)
    return s.gang(
        suits, agent=s.agent("律师")
    ), "律师一年内代理多件普通案件（出险距投保 90 天以上）"


def _agent_below_min(s: _Stories) -> tuple[list[str], str]:
    return s.gang(s.early(4) + s.ordinary(2), agent=s.agent()), "代理人仅 4 件投保后短期出险"


def _shop_below_min(s: _Stories) -> tuple[list[str], str]:
    return s.gang(s.early(4) + s.ordinary(2), shop=s.shop()), "修理厂仅 4 件投保后短期出险"


def _policy_over_30(s: _Stories) -> tuple[list[str], str]:
    suits = [(s.day(IN_WINDOW), s.rng.randint(31, 40), 0) for _ in range(6)]
    return s.gang(
        suits, agent=s.agent(), shop=s.shop()
    ), "同一代理人、修理厂 6 件，出险距投保 31-40 天"


def _before_window(s: _Stories) -> tuple[list[str], str]:
    suits = s.early(2, BEFORE_WINDOW) + s.early(4)
    return s.gang(suits, agent=s.agent(), shop=s.shop()), "6 件短期出险，其中 2 件起诉于统计期间前"


def _busy_shop(s: _Stories) -> tuple[list[str], str]:
    suits = s.ordinary(s.rng.randint(8, 10), low=90)
    return s.gang(suits, shop=s.shop()), "修理厂涉及多件普通案件（出险距投保 90 天以上）"


def _shop_owns(s: _Stories) -> tuple[list[str], str]:
    return [s.shop_suit("shop")], "修理厂起诉的车辆登记在其名下"


def _shop_sold_after(s: _Stories) -> tuple[list[str], str]:
    return [s.shop_suit("sold_after")], "修理厂在事故后才将车辆过户"


def _shop_unregistered(s: _Stories) -> tuple[list[str], str]:
    return [s.shop_suit("none")], "外地车辆，本地登记库无记录"


def _two_in_window(s: _Stories) -> tuple[list[str], str]:
    filings = [s.day(BEFORE_WINDOW), s.day(IN_WINDOW), s.day(IN_WINDOW)]
    return s.repeat_plaintiff(filings), "同一原告 3 件，其中 1 件起诉于统计期间前"


def _without_insurer(s: _Stories) -> tuple[list[str], str]:
    filings = [s.day(IN_WINDOW) for _ in range(3)]
    return (
        s.repeat_plaintiff(filings, uninsured=s.rng.randrange(3)),
        "同一原告一年内 3 件，其中 1 件只起诉未投保的驾驶员",
    )


def _unassessed_after(s: _Stories) -> tuple[list[str], str]:
    victim = s.resident()
    filed = s.day(ANY_FILING)
    number = s.injury_suit(filed, victim=victim, appraisal_org=s.appraiser())
    later = min(filed + timedelta(days=s.rng.randint(5, 60)), DEMO_AS_OF - timedelta(days=2))
    s.crash(later, victim, policy_days=s.ordinary_days(), assessed="否")  # not (yet) sued
    return [number], "原告另有一起起诉后发生、尚未定损的事故"


def _partly_assessed(s: _Stories) -> tuple[list[str], str]:
    victim = s.resident()
    filed = s.day(ANY_FILING)
    day = filed - timedelta(days=s.rng.randint(45, 240))
    scene = s.scene(day)
    number = s.injury_suit(
        filed, victim=victim, accident=day, assessed="否", appraisal_org=s.appraiser(), scene=scene
    )
    # The second vehicle of the same accident: its insurer did assess the loss.
    s.crash(day, victim, policy_days=s.ordinary_days(), scene=scene, victim_on_record=True)
    return [number], "两车事故，一家保险公司已定损"


def _appraiser_below_min(s: _Stories) -> tuple[list[str], str]:
    same, _ = s.appraiser_agent(4, 0)
    return same, "代理人 4 件均由同一鉴定机构鉴定"


def _appraiser_below_share(s: _Stories) -> tuple[list[str], str]:
    # 6 of 9 (67%): still under 80% if any one of the agent's suits is lost on import,
    # where 6 of 8 would tip over with one lost row and make all six suits clues.
    same, others = s.appraiser_agent(6, 3)
    return same + others, "代理人 9 件中 6 件由同一鉴定机构鉴定（67%）"


DECOY_STORIES: dict[str, Callable[[_Stories], tuple[list[str], str]]] = {
    "insured_by_employer": _insured_by_employer,
    "employer_paid_first_month": _employer_paid_first_month,
    "busy_lawyer": _busy_lawyer,
    "agent_below_min_suits": _agent_below_min,
    "shop_below_min_suits": _shop_below_min,
    "policy_over_30_days": _policy_over_30,
    "early_suits_before_window": _before_window,
    "busy_repair_shop": _busy_shop,
    "shop_owns_vehicle": _shop_owns,
    "shop_sold_after_accident": _shop_sold_after,
    "shop_vehicle_unregistered": _shop_unregistered,
    "two_suits_in_window": _two_in_window,
    "third_suit_without_insurer": _without_insurer,
    "unassessed_claim_after_suit": _unassessed_after,
    "partly_assessed": _partly_assessed,
    "appraiser_below_min_suits": _appraiser_below_min,
    "appraiser_below_share": _appraiser_below_share,
}
DECOY_KINDS = tuple(DECOY_STORIES)


def plant(world: World, data: DemoData, cases: int) -> None:
    """Plant `cases` true cases over the branches (see `branch_quotas`), about
    max(2, cases // 2) decoy suits of each kind, and as many ordinary suits and claims."""
    s = _Stories(world, data)
    for branch, count in branch_quotas(cases).items():
        TRUE_STORIES[branch](s, count)
    target = max(2, cases // 2)
    for kind, story in DECOY_STORIES.items():
        planted = 0
        while planted < target:
            numbers, note = story(s)
            for number in numbers:
                data.decoy(MODEL, kind, number, note)
            planted += len(numbers)
    for _ in range(target):  # ordinary suits, each plaintiff alone with his lawyer
        s.injury_suit(s.day(ANY_FILING), agent=s.maybe_agent(), appraisal_org=s.appraiser())
    for _ in range(target):  # claims settled without a suit
        day = s.day((date(2022, 1, 1), DEMO_AS_OF - timedelta(days=5)))
        s.crash(day, s.resident() if s.rng.random() < 0.5 else None, policy_days=s.ordinary_days())
