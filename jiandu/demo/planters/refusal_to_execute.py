"""Planter of `refusal_to_execute` (拒不执行判决、裁定).

Every story is one respondent (a person, `World.person`; the subject key is his ID number)
with an enforcement case in `execution_case` (filed 2022-01 .. 2023-06 on a judgment of the
year before) and what he did with his vehicles (`vehicle_registry`, with `traffic_violation`
and `judicial_auction` where the story needs them) or companies (`company_registry`).

True cases, one per branch of the model, round-robin:

- ``acquired_vehicle``: the case was closed as 终结本次执行 (no property found), yet after
  the filing one or two vehicles were registered to him, new (注册) or second-hand (转移
  from a seller);
- ``transferred_vehicle``: after the filing, before the court closed the case as 终本, he
  transferred his car(s) to a relative or an acquaintance; listed as a defaulter (失信) only
  when the case was closed, if at all, so the transfer precedes the listing;
- ``became_legal_rep``: a 终本 respondent became legal representative of a company founded
  after the filing;
- ``defaulter_transfer``: a case still being enforced, the respondent listed as a defaulter,
  and a car transferred to someone else after the listing;
- ``sealed_vehicle_used``: his car was sealed (查封) by the court and is caught two or three
  times afterwards (the case open, or closed as 终本 because the car could not be found).

Decoys (`DECOY_KINDS`), each just on the quiet side of a rule: acts after the debt was
paid in full on a resumed case (执恢 … 执行完毕, same enforced title), acts before the filing
(some on the filing day), a transfer by the court's own auction, a transfer before the
defaulter listing (some on the listing day), a seal released before the violations, violations
before the seal (some on the seal day), and a sealed car sold at auction and driven by its
buyer. Ordinary respondents who paid and bought a car afterwards surround them.

The two auctions among the decoys are lawful for `auction_vehicle_not_transferred` too:
start price at 70-100% of the appraisal, buyer a stranger, transferred within 80 days.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from jiandu.demo.world import COUNTIES, DEMO_AS_OF, DemoData, Person, Vehicle, World

MODEL = "refusal_to_execute"

BRANCHES = (
    "acquired_vehicle",
    "transferred_vehicle",
    "became_legal_rep",
    "defaulter_transfer",
    "sealed_vehicle_used",
)

DECOY_KINDS = (
    "act_after_debt_paid",
    "act_before_filing",
    "transfer_by_court_auction",
    "transfer_before_listing",
    "seal_released_before_violation",
    "violation_before_seal",
    "sealed_vehicle_sold_by_court",
)

TERMINATED = "终结本次执行"
PAID = "执行完毕"

CAR_MODELS = (
    "大众牌帕萨特小型轿车",
    "丰田牌卡罗拉小型轿车",
    "本田牌CR-V小型普通客车",
    "别克牌GL8小型普通客车",
    "宝马牌X3小型普通客车",
    "奥迪牌A4L小型轿车",
    "日产牌天籁小型轿车",
    "吉利牌星越L小型普通客车",
    "比亚迪牌唐小型普通客车",
    "特斯拉牌Model 3小型轿车",
    "五菱牌宏光小型普通客车",
    "江铃牌全顺轻型厢式货车",
)
APPLICANT_BANKS = (
    "中国银行股份有限公司绍兴市分行",
    "中国农业银行股份有限公司绍兴分行",
    "浙江绍兴恒信农村商业银行股份有限公司",
    "交通银行股份有限公司绍兴分行",
    "浙商银行股份有限公司绍兴分行",
)
COMPANY_INDUSTRIES = ("贸易", "科技", "服务", "餐饮", "建筑", "纺织", "修理")
ROADS = (
    "解放南路与城南大道交叉口",
    "延安东路",
    "二环南路与中兴南路交叉口",
    "104国道K1608+200处",
    "G92杭甬高速K57+300处",
    "凤林西路",
    "笛扬路与群贤路交叉口",
)
VIOLATION_TYPES = (
    "驾驶机动车违反道路交通信号灯通行的",
    "机动车违反禁止标线指示的",
    "机动车违反规定停放、临时停车且驾驶人不在现场的",
    "驾驶机动车行驶超过规定时速未达20%的",
    "驾驶机动车在高速公路上行驶超过规定时速未达20%的",
    "驾驶机动车时拨打接听手持电话的",
)


class Stories:
    """Writes one respondent's story at a time into `data`, entities drawn from `world`."""

    def __init__(self, world: World, data: DemoData) -> None:
        self.world = world
        self.data = data
        self.rng = world.rng

    # -- building blocks ----------------------------------------------------------------
    def after(self, start: date, low: int, high: int) -> date:
        """A day `low`..`high` days after `start`, but not after the demo day."""
        return min(start + timedelta(days=self.rng.randint(low, high)), DEMO_AS_OF)

    def filing(self, low: date = date(2022, 1, 1), high: date = date(2023, 6, 30)) -> date:
        return self.world.day(low, high)

    def respondent(self) -> Person:
        return self.world.person(born=(1960, 1993))

    def enforcement(
        self,
        debtor: Person,
        filed: date,
        closing: str | None = None,
        closed: date | None = None,
        *,
        listed: date | None = None,
        resumes: str | None = None,
    ) -> tuple[str, str]:
        """An enforcement case against `debtor`; `resumes` is the earlier case's 执行依据
        (a resumed case, 执恢, enforces the same title). Returns (执行案号, 执行依据案号)."""
        court = self.world.court(debtor.county)
        kind = "执恢" if resumes else "执"
        source = resumes or self.world.case_no(court, filed.year - 1, "民初")
        applicant = (
            self.rng.choice(APPLICANT_BANKS)
            if self.rng.random() < 0.3
            else self.world.org_name(self.rng.choice(("贸易", "建筑", "纺织")))
            if self.rng.random() < 0.4
            else self.world.person().name
        )
        exec_case_no = self.world.case_no(court, filed.year, kind)
        self.data.add(
            "execution_case",
            exec_case_no=exec_case_no,
            source_case_no=source,
            applicant_name=applicant,
            respondent_name=debtor.name,
            respondent_id_card=debtor.id_card,
            amount=self.world.money(30_000, 800_000),
            filing_date=filed,
            closing_date=closed,
            closing_method=closing,
            defaulter_listed_date=listed,
        )
        return exec_case_no, source

    def vehicle(self, owner: Person, on: date, *, event: str = "注册") -> Vehicle:
        """A new vehicle (plate of the owner's city) registered to `owner` on `on`."""
        city = next(c[1] for c in COUNTIES if c[0] == owner.county)
        vehicle = self.world.vehicle(city)
        self.register(vehicle, owner, event, on)
        return vehicle

    def old_vehicle(self, owner: Person, before: date) -> Vehicle:
        """A vehicle registered (注册) to `owner` one to eight years before `before`."""
        return self.vehicle(owner, before - timedelta(days=self.rng.randint(365, 8 * 365)))

    def register(
        self, vehicle: Vehicle, owner: Person, event: str, on: date, *, status: str = "正常"
    ) -> None:
        """One registration event of `vehicle`, with `owner` as its owner afterwards."""
        self.data.add(
            "vehicle_registry",
            plate=vehicle.plate,
            vin=vehicle.vin,
            owner_name=owner.name,
            owner_id_card=owner.id_card,
            status=status,
            event=event,
            event_date=on,
        )

    def acquire(self, debtor: Person, on: date) -> None:
        """`debtor` acquires a vehicle on `on`: a new one (注册) or a seller's (转移)."""
        if self.rng.random() < 0.5:
            self.vehicle(debtor, on)
        else:
            seller = self.world.person()
            vehicle = self.old_vehicle(seller, on)
            self.register(vehicle, debtor, "转移", on)

    def hand_over(self, debtor: Person, on: date, owned_before: date) -> None:
        """`debtor` transfers a car of his, registered before `owned_before` (his case's
        filing: the car is no acquisition of the enforcement period), on `on` to a relative
        or an acquaintance."""
        vehicle = self.old_vehicle(debtor, min(owned_before, on - timedelta(days=30)))
        recipient = self.world.relative(debtor) if self.rng.random() < 0.6 else self.world.person()
        self.register(vehicle, recipient, "转移", on)

    def found_company(self, debtor: Person, on: date) -> None:
        """A company with `debtor` as legal representative, established on `on`."""
        company = self.world.company(
            industry=self.rng.choice(COMPANY_INDUSTRIES),
            legal_rep=debtor,
            established=on,
            county=debtor.county,
        )
        self.data.add(
            "company_registry",
            uscc=company.uscc,
            name=company.name,
            legal_rep_name=debtor.name,
            legal_rep_id_card=debtor.id_card,
            reg_address=company.address,
            phone=company.phone,
            reg_capital=company.capital,
            established=on,
            status="存续",
        )

    def act(self, debtor: Person, on: date, n: int, filed: date) -> str:
        """The n-th kind of act (acquire, transfer away, found a company) on `on`, by the
        respondent of a case filed on `filed`."""
        kind = n % 3
        if kind == 0:
            self.acquire(debtor, on)
            return "登记取得车辆"
        if kind == 1:
            self.hand_over(debtor, on, filed)
            return "过户车辆"
        self.found_company(debtor, on)
        return "设立企业"

    def violations(self, vehicle: Vehicle, county: str, days: list[date]) -> None:
        """Traffic violations of `vehicle` on `days`, on the roads of `county`."""
        _, city, district = next(c for c in COUNTIES if c[0] == county)
        for day in days:
            self.data.add(
                "traffic_violation",
                violation_id=self.world.serial("3306", day.year),
                plate=vehicle.plate,
                violation_time=self.world.moment(day),
                place=f"浙江省{city}{district}{self.rng.choice(ROADS)}",
                type=self.rng.choice(VIOLATION_TYPES),
            )

    def spread(self, low: date, high: date, count: int) -> list[date]:
        """`count` distinct days in [low, high] (fewer if the span is shorter)."""
        span = (high - low).days + 1
        offsets = self.rng.sample(range(max(span, 0)), min(count, max(span, 0)))
        return sorted(low + timedelta(days=o) for o in offsets)

    def auction_sale(self, exec_case_no: str, vehicle: Vehicle, deal: date) -> None:
        """The court sells `vehicle` in case `exec_case_no` on `deal` (lawful start price, a
        stranger buys it) and the buyer's transfer is registered 10-80 days later."""
        appraisal = Decimal(self.rng.randrange(30_000, 200_000, 100))
        start = Decimal(self.rng.randint(int(appraisal) * 7 // 1000 + 1, int(appraisal) // 100))
        start *= 100
        buyer = self.world.person()
        self.data.add(
            "judicial_auction",
            auction_id=self.world.serial("PM", deal.year),
            exec_case_no=exec_case_no,
            item_type="vehicle",
            item_desc=f"{vehicle.plate}{self.rng.choice(CAR_MODELS)}",
            plate=vehicle.plate,
            vin=vehicle.vin,
            appraisal_price=appraisal,
            start_price=start,
            deal_price=start + Decimal(self.rng.randrange(1, 30)) * 500,
            round="一拍",
            bidder_count=self.rng.randint(2, 8),
            deal_date=deal,
            buyer_name=buyer.name,
            buyer_id_card=buyer.id_card,
        )
        self.register(vehicle, buyer, "转移", self.after(deal, 10, 80))

    # -- true cases ---------------------------------------------------------------------
    def acquired_vehicle(self) -> None:
        """终本 respondent who registers one or two vehicles after the filing."""
        debtor = self.respondent()
        filed = self.filing()
        closed = self.after(filed, 120, 300)
        listed = closed if self.rng.random() < 0.5 else None
        self.enforcement(debtor, filed, TERMINATED, closed, listed=listed)
        count = 1 if self.rng.random() < 0.7 else 2
        for on in self.spread(filed + timedelta(days=30), DEMO_AS_OF - timedelta(days=5), count):
            self.acquire(debtor, on)
        self.data.case(MODEL, debtor.id_card, "acquired_vehicle", f"终本后取得车辆{count}辆")

    def transferred_vehicle(self) -> None:
        """After the filing he hands his car(s) to others; the case is then closed as 终本
        and he is listed (if at all) only on the closing day, after the transfers."""
        debtor = self.respondent()
        filed = self.filing()
        count = 1 if self.rng.random() < 0.7 else 2
        days = self.spread(filed + timedelta(days=10), filed + timedelta(days=100), count)
        closed = self.after(days[-1], 30, 200)
        listed = closed if self.rng.random() < 0.5 else None
        self.enforcement(debtor, filed, TERMINATED, closed, listed=listed)
        for on in days:
            self.hand_over(debtor, on, filed)
        self.data.case(MODEL, debtor.id_card, "transferred_vehicle", f"立案后过户车辆{count}辆")

    def became_legal_rep(self) -> None:
        """终本 respondent who founds a company (as its legal representative) afterwards."""
        debtor = self.respondent()
        filed = self.filing()
        self.enforcement(debtor, filed, TERMINATED, self.after(filed, 120, 300))
        established = self.world.day(filed + timedelta(days=20), DEMO_AS_OF - timedelta(days=10))
        self.found_company(debtor, established)
        self.data.case(MODEL, debtor.id_card, "became_legal_rep", f"{established}设立企业")

    def defaulter_transfer(self) -> None:
        """Case still being enforced; listed as a defaulter, then a car is handed over."""
        debtor = self.respondent()
        filed = self.filing()
        listed = self.after(filed, 30, 150)
        self.enforcement(debtor, filed, listed=listed)
        on = self.world.day(listed + timedelta(days=1), DEMO_AS_OF)
        self.hand_over(debtor, on, filed)
        self.data.case(MODEL, debtor.id_card, "defaulter_transfer", f"失信{listed}，过户{on}")

    def sealed_vehicle_used(self) -> None:
        """His car is sealed (查封) and caught two or three times afterwards; the case is
        open, or closed as 终本 because the car could not be found."""
        debtor = self.respondent()
        filed = self.filing()
        vehicle = self.old_vehicle(debtor, filed)
        sealed = self.after(filed, 15, 90)
        self.register(vehicle, debtor, "查封", sealed, status="查封")
        if self.rng.random() < 0.5:
            self.enforcement(debtor, filed, TERMINATED, self.after(sealed, 60, 200))
        else:
            self.enforcement(debtor, filed)
        days = self.spread(sealed + timedelta(days=1), DEMO_AS_OF, self.rng.randint(2, 3))
        self.violations(vehicle, debtor.county, days)
        self.data.case(MODEL, debtor.id_card, "sealed_vehicle_used", f"查封{sealed}后违法")

    # -- decoys -------------------------------------------------------------------------
    def act_after_debt_paid(self, n: int) -> None:
        """终本 (listed as a defaulter), resumed (执恢) and paid in full; then, from the day
        after the payment, he acquires a car, hands one over or founds a company."""
        debtor = self.respondent()
        filed = self.filing(high=date(2022, 12, 31))
        closed = self.after(filed, 90, 200)
        _, source = self.enforcement(debtor, filed, TERMINATED, closed, listed=closed)
        resumed = closed + timedelta(days=self.rng.randint(60, 150))
        paid = resumed + timedelta(days=self.rng.randint(20, 90))
        self.enforcement(debtor, resumed, PAID, paid, resumes=source)
        on = paid + timedelta(days=1 if n % 2 == 0 else self.rng.randint(2, 300))
        what = self.act(debtor, min(on, DEMO_AS_OF), n, filed)
        self.data.decoy(MODEL, "act_after_debt_paid", debtor.id_card, f"{paid}执行完毕后{what}")

    def act_before_filing(self, n: int) -> None:
        """终本 respondent (listed) who acquired, handed over or founded a company before
        the case was filed, every other one on the filing day itself."""
        debtor = self.respondent()
        filed = self.filing()
        closed = self.after(filed, 120, 300)
        self.enforcement(debtor, filed, TERMINATED, closed, listed=closed)
        on = filed if n % 2 == 0 else filed - timedelta(days=self.rng.randint(1, 300))
        what = self.act(debtor, on, n // 2, filed)
        self.data.decoy(MODEL, "act_before_filing", debtor.id_card, f"立案（{filed}）前{what}")

    def transfer_by_court_auction(self, n: int) -> None:
        """终本 respondent (listed) whose sealed car the court auctioned: the buyer's
        transfer is the court's disposal, not his."""
        debtor = self.respondent()
        filed = self.filing(high=date(2023, 3, 31))
        vehicle = self.old_vehicle(debtor, filed)
        sealed = self.after(filed, 10, 40)
        self.register(vehicle, debtor, "查封", sealed, status="查封")
        deal = self.after(sealed, 60, 150)
        listed = self.after(filed, 20, 60)
        case_no, _ = self.enforcement(
            debtor, filed, TERMINATED, self.after(deal, 20, 60), listed=listed
        )
        self.auction_sale(case_no, vehicle, deal)
        note = f"车辆经司法拍卖（{deal}）过户"
        self.data.decoy(MODEL, "transfer_by_court_auction", debtor.id_card, note)

    def transfer_before_listing(self, n: int) -> None:
        """Open case; a car handed over after the filing but before the defaulter listing,
        every other one on the listing day itself."""
        debtor = self.respondent()
        filed = self.filing()
        listed = self.after(filed, 60, 200)
        self.enforcement(debtor, filed, listed=listed)
        on = listed if n % 2 == 0 else self.world.day(filed + timedelta(days=1), listed)
        self.hand_over(debtor, on, filed)
        note = f"过户（{on}）不晚于纳入失信（{listed}）"
        self.data.decoy(MODEL, "transfer_before_listing", debtor.id_card, note)

    def seal_released_before_violation(self, n: int) -> None:
        """Sealed, released (解封) after 20-120 days, caught only after the release."""
        debtor = self.respondent()
        filed = self.filing()
        vehicle = self.old_vehicle(debtor, filed)
        sealed = self.after(filed, 15, 90)
        released = self.after(sealed, 20, 120)
        self.register(vehicle, debtor, "查封", sealed, status="查封")
        self.register(vehicle, debtor, "解封", released)
        self.enforcement(debtor, filed)
        days = self.spread(released + timedelta(days=1), DEMO_AS_OF, 2)
        self.violations(vehicle, debtor.county, days)
        note = f"{released}解封后才有违法"
        self.data.decoy(MODEL, "seal_released_before_violation", debtor.id_card, note)

    def violation_before_seal(self, n: int) -> None:
        """Caught before the seal (every other one on the seal day), never after it."""
        debtor = self.respondent()
        filed = self.filing()
        vehicle = self.old_vehicle(debtor, filed)
        sealed = self.after(filed, 15, 90)
        self.register(vehicle, debtor, "查封", sealed, status="查封")
        self.enforcement(debtor, filed)
        days = self.spread(filed - timedelta(days=200), sealed - timedelta(days=1), 2)
        if n % 2 == 0:
            days.append(sealed)
        self.violations(vehicle, debtor.county, days)
        self.data.decoy(
            MODEL, "violation_before_seal", debtor.id_card, f"违法均在查封（{sealed}）前"
        )

    def sealed_vehicle_sold_by_court(self, n: int) -> None:
        """A sealed car sold at auction and transferred; its buyer is caught afterwards."""
        debtor = self.respondent()
        filed = self.filing(high=date(2023, 3, 31))
        vehicle = self.old_vehicle(debtor, filed)
        sealed = self.after(filed, 10, 40)
        self.register(vehicle, debtor, "查封", sealed, status="查封")
        deal = self.after(sealed, 60, 150)
        if self.rng.random() < 0.5:
            case_no, _ = self.enforcement(debtor, filed, PAID, self.after(deal, 15, 45))
        else:
            case_no, _ = self.enforcement(debtor, filed, TERMINATED, self.after(deal, 20, 60))
        self.auction_sale(case_no, vehicle, deal)
        # The transfer is registered at most 80 days after the sale.
        days = self.spread(deal + timedelta(days=81), DEMO_AS_OF, 2)
        self.violations(vehicle, debtor.county, days)
        note = f"查封车辆经拍卖（{deal}）过户后由买受人使用"
        self.data.decoy(MODEL, "sealed_vehicle_sold_by_court", debtor.id_card, note)

    # -- ordinary records -----------------------------------------------------------------
    def paid_and_bought(self) -> None:
        """An ordinary respondent: paid in full, buys a car some months later."""
        debtor = self.respondent()
        filed = self.filing()
        paid = self.after(filed, 30, 200)
        self.enforcement(debtor, filed, PAID, paid)
        self.old_vehicle(debtor, filed)
        self.vehicle(debtor, self.after(paid, 30, 300))


def plant(world: World, data: DemoData, cases: int) -> None:
    """Plant `cases` true respondents round-robin over `BRANCHES`, max(2, cases // 2) decoys
    of each of `DECOY_KINDS` and max(2, cases // 4) ordinary respondents."""
    stories = Stories(world, data)
    true_cases: dict[str, Callable[[], None]] = {
        "acquired_vehicle": stories.acquired_vehicle,
        "transferred_vehicle": stories.transferred_vehicle,
        "became_legal_rep": stories.became_legal_rep,
        "defaulter_transfer": stories.defaulter_transfer,
        "sealed_vehicle_used": stories.sealed_vehicle_used,
    }
    decoys: dict[str, Callable[[int], None]] = {
        "act_after_debt_paid": stories.act_after_debt_paid,
        "act_before_filing": stories.act_before_filing,
        "transfer_by_court_auction": stories.transfer_by_court_auction,
        "transfer_before_listing": stories.transfer_before_listing,
        "seal_released_before_violation": stories.seal_released_before_violation,
        "violation_before_seal": stories.violation_before_seal,
        "sealed_vehicle_sold_by_court": stories.sealed_vehicle_sold_by_court,
    }
    assert tuple(true_cases) == BRANCHES and tuple(decoys) == DECOY_KINDS
    for i in range(cases):
        true_cases[BRANCHES[i % len(BRANCHES)]]()
    for kind in DECOY_KINDS:
        for n in range(max(2, cases // 2)):
            decoys[kind](n)
    for _ in range(max(2, cases // 4)):
        stories.paid_and_bought()
