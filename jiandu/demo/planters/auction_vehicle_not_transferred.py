"""Planter of `auction_vehicle_not_transferred` (司法拍卖车辆未过户、仍被使用).

Every story is one debtor (a person, `World.person`) with an enforcement case
(`execution_case`), a vehicle registered to him years earlier (`vehicle_registry` 注册,
usually 查封 by the court after the filing) and one or two online judicial auctions of it
(`judicial_auction`, subject key `auction_id`). What happens after the hammer falls makes
the case or the decoy:

True cases, one per branch of the model, round-robin:

- ``not_transferred``: sold more than 90 days before the demo date and never transferred,
  or transferred only 100-200 days after the sale;
- ``still_used``: as above, and the plate is caught three or four times after the sale
  while still unregistered (the debtor keeps driving it). Such a sale is overdue too, so
  the story also records ``not_transferred`` for the same auction: the model reports both;
- ``buyer_is_debtor``: the buyer's ID number is the registered owner's (the debtor buys his
  car back); transferred within 90 days, or sold so recently that no transfer is due yet;
- ``low_start_price``: first round (一拍) at 50-69% of the appraisal, sold and transferred
  in time or unsold;
- ``steep_round_cut``: an unsold first round, then a second round (二拍) more than 20% lower;
- ``scrapped_vehicle``: the registry deregistered (注销) the vehicle before it was sold.

Decoys (see `DECOY_KINDS`), each just on the quiet side of a rule: transfers within 90 days
(some on day 90 exactly, some under a new plate found by the VIN, some with violations
before the transfer), sales at most 90 days old, a first round at exactly 70% of the
appraisal, a second round exactly 20% lower, violations before the sale only, a vehicle
scrapped by its buyer after the sale, and a house auctioned at 60% (not a vehicle). Ordinary
sales at normal prices, transferred promptly, surround them.

The debts behind the auctions are paid from the proceeds (执行完毕) or, for a few sales
without traffic violations, closed as 终结本次执行: an auction transfer is the court's
disposal and `refusal_to_execute` leaves it alone, and every violation of a sealed vehicle
falls after its owner's debt was paid, so that model stays quiet on these stories.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from jiandu.demo.world import COUNTIES, DEMO_AS_OF, DemoData, Person, Vehicle, World

MODEL = "auction_vehicle_not_transferred"

BRANCHES = (
    "not_transferred",
    "still_used",
    "buyer_is_debtor",
    "low_start_price",
    "steep_round_cut",
    "scrapped_vehicle",
)

DECOY_KINDS = (
    "transferred_within_days",
    "sale_too_recent",
    "start_at_legal_limit",
    "cut_at_legal_limit",
    "violations_before_sale",
    "scrapped_after_sale",
    "house_auction",
)

# The model's defaults: days allowed for the transfer, violations while unregistered.
TRANSFER_DAYS = 90
MIN_VIOLATIONS = 2

# (make and model, appraisal range in yuan) of the vehicles courts sell.
CAR_MODELS: tuple[tuple[str, int, int], ...] = (
    ("大众牌帕萨特小型轿车", 60_000, 140_000),
    ("丰田牌凯美瑞小型轿车", 70_000, 150_000),
    ("本田牌雅阁小型轿车", 60_000, 130_000),
    ("别克牌君威小型轿车", 40_000, 110_000),
    ("宝马牌525Li小型轿车", 120_000, 260_000),
    ("奥迪牌A6L小型轿车", 110_000, 250_000),
    ("日产牌轩逸小型轿车", 30_000, 80_000),
    ("吉利牌博越小型普通客车", 30_000, 90_000),
    ("比亚迪牌汉小型轿车", 90_000, 180_000),
    ("长城牌哈弗H6小型普通客车", 30_000, 90_000),
    ("福特牌全顺轻型厢式货车", 40_000, 100_000),
    ("奔驰牌E300L小型轿车", 150_000, 300_000),
)
COLOURS = ("白色", "黑色", "银色", "灰色", "蓝色", "红色")
APPLICANT_BANKS = (
    "中国工商银行股份有限公司绍兴分行",
    "中国农业银行股份有限公司绍兴越城支行",
    "浙江绍兴瑞丰农村商业银行股份有限公司",
    "绍兴银行股份有限公司",
    "中国建设银行股份有限公司绍兴分行",
)
CAUSES = ("金融借款合同纠纷", "民间借贷纠纷", "买卖合同纠纷", "信用卡纠纷", "租赁合同纠纷")
ROADS = (
    "解放北路与环城北路交叉口",
    "中兴中路",
    "人民西路与胜利西路交叉口",
    "329国道K12+300处",
    "越州大道与二环北路交叉口",
    "G60沪昆高速K128+500处",
    "城南大道",
    "镜湖大道与洋江西路交叉口",
)
VIOLATION_TYPES = (
    "驾驶机动车违反道路交通信号灯通行的",
    "机动车违反禁令标志指示的",
    "机动车违反规定停放、临时停车且驾驶人不在现场的",
    "驾驶中型以上载客载货汽车、危险物品运输车辆以外的其他机动车行驶超过规定时速未达20%的",
    "驾驶机动车不按规定使用安全带的",
    "机动车通过有灯控路口时，不按所需行进方向驶入导向车道的",
)


@dataclass(frozen=True)
class Car:
    """A debtor's vehicle and what the court's appraiser put on it."""

    vehicle: Vehicle
    desc: str  # item_desc of the auction: plate, make and model, colour
    appraisal: Decimal


class Stories:
    """Writes one auction story at a time into `data`, with entities drawn from `world`."""

    def __init__(self, world: World, data: DemoData) -> None:
        self.world = world
        self.data = data
        self.rng = world.rng

    # -- building blocks ----------------------------------------------------------------
    def after(self, start: date, low: int, high: int) -> date:
        """A day `low`..`high` days after `start`."""
        return start + timedelta(days=self.rng.randint(low, high))

    def debtor(self) -> Person:
        return self.world.person(born=(1960, 1992))

    def car(self, owner: Person, *, registered: date | None = None) -> Car:
        """A vehicle first registered (注册) to `owner` between 2014 and mid-2021."""
        city = next(c[1] for c in COUNTIES if c[0] == owner.county)
        vehicle = self.world.vehicle(city)
        model, low, high = self.rng.choice(CAR_MODELS)
        appraisal = Decimal(self.rng.randrange(low, high, 100))
        self.register(
            vehicle,
            owner,
            "注册",
            registered or self.world.day(date(2014, 1, 1), date(2021, 6, 30)),
        )
        desc = f"{vehicle.plate}{model}（{self.rng.choice(COLOURS)}）"
        return Car(vehicle, desc, appraisal)

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

    def enforcement(
        self, debtor: Person, filed: date, closing: str | None, closed: date | None
    ) -> str:
        """The debtor's enforcement case (one respondent); returns its 执行案号."""
        court = self.world.court(debtor.county)
        exec_case_no = self.world.case_no(court, filed.year, "执")
        if closed is not None and closed > DEMO_AS_OF:
            closing, closed = None, None  # still being enforced on the demo day
        applicant = (
            self.rng.choice(APPLICANT_BANKS)
            if self.rng.random() < 0.4
            else self.world.org_name(self.rng.choice(("贸易", "建筑", "物流")))
            if self.rng.random() < 0.5
            else self.world.person().name
        )
        self.data.add(
            "execution_case",
            exec_case_no=exec_case_no,
            source_case_no=self.world.case_no(court, filed.year - 1, "民初"),
            applicant_name=applicant,
            respondent_name=debtor.name,
            respondent_id_card=debtor.id_card,
            amount=self.world.money(80_000, 600_000),
            filing_date=filed,
            closing_date=closed,
            closing_method=closing,
        )
        return exec_case_no

    def auction(
        self,
        exec_case_no: str,
        car: Car,
        *,
        start: Decimal,
        round_: str = "一拍",
        deal: date | None = None,
        buyer: Person | None = None,
    ) -> str:
        """One auction round of `car`; sold on `deal` to `buyer` if given. Returns its id."""
        auction_id = self.world.serial("PM", (deal or DEMO_AS_OF).year)
        sold = deal is not None and buyer is not None
        self.data.add(
            "judicial_auction",
            auction_id=auction_id,
            exec_case_no=exec_case_no,
            item_type="vehicle",
            item_desc=car.desc,
            plate=car.vehicle.plate,
            vin=car.vehicle.vin,
            appraisal_price=car.appraisal,
            start_price=start,
            deal_price=start + Decimal(self.rng.randrange(1, 40)) * 500 if sold else None,
            round=round_,
            bidder_count=self.rng.randint(2, 9) if sold else 0,
            deal_date=deal if sold else None,
            buyer_name=buyer.name if buyer is not None and sold else None,
            buyer_id_card=buyer.id_card if buyer is not None and sold else None,
        )
        return auction_id

    def fair_start(self, car: Car) -> Decimal:
        """A lawful first-round start price: 70-100% of the appraisal, to 100 yuan."""
        low = int(car.appraisal * Decimal("0.7")) // 100 + 1
        return Decimal(self.rng.randint(low, int(car.appraisal) // 100) * 100)

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
        offsets = self.rng.sample(range(span), min(count, span))
        return sorted(low + timedelta(days=o) for o in offsets)

    def sold_vehicle(
        self, deal_low: date, deal_high: date, *, closing: str = "执行完毕"
    ) -> tuple[Person, Car, str, date]:
        """The usual opening: a debtor's car, his case filed 120-200 days before a sale
        between `deal_low` and `deal_high` and closed (`closing`) 15-45 days after it, the
        car sealed (查封) a few weeks after the filing. Returns (debtor, car, 执行案号, sale
        day); the auction itself is the caller's."""
        debtor = self.debtor()
        deal = self.world.day(deal_low, deal_high)
        filed = deal - timedelta(days=self.rng.randint(120, 200))
        car = self.car(debtor)
        exec_case_no = self.enforcement(debtor, filed, closing, self.after(deal, 15, 45))
        self.register(car.vehicle, debtor, "查封", self.after(filed, 10, 40), status="查封")
        return debtor, car, exec_case_no, deal

    def timely_transfer(self, car: Car, buyer: Person, deal: date) -> date:
        """The buyer's transfer (转移) 5-80 days after the sale, by the demo day."""
        on = min(self.after(deal, 5, 80), DEMO_AS_OF)
        self.register(car.vehicle, buyer, "转移", on)
        return on

    # -- true cases ---------------------------------------------------------------------
    def not_transferred(self) -> None:
        """Sold over 90 days ago; never transferred, or only 100-200 days after the sale."""
        closing = self.rng.choice(("执行完毕", "执行完毕", "终结本次执行"))
        late = self.rng.random() < 0.35
        high = date(2023, 12, 1) if late else date(2024, 2, 20)
        debtor, car, case_no, deal = self.sold_vehicle(date(2022, 8, 1), high, closing=closing)
        buyer = self.world.person()
        auction_id = self.auction(case_no, car, start=self.fair_start(car), deal=deal, buyer=buyer)
        note = f"{car.vehicle.plate}成交于{deal}，逾期仍登记在{debtor.name}名下"
        if late:
            on = min(self.after(deal, TRANSFER_DAYS + 10, 200), DEMO_AS_OF)
            self.register(car.vehicle, buyer, "转移", on)
            note = f"{car.vehicle.plate}成交于{deal}，{on}才过户"
        self.data.case(MODEL, auction_id, "not_transferred", note)

    def still_used(self) -> None:
        """Sold, never (or very late) transferred, and the plate keeps being caught after
        the debt was paid from the proceeds: 3-4 violations while unregistered."""
        late = self.rng.random() < 0.3
        debtor, car, case_no, deal = self.sold_vehicle(date(2022, 8, 1), date(2023, 12, 20))
        buyer = self.world.person()
        auction_id = self.auction(case_no, car, start=self.fair_start(car), deal=deal, buyer=buyer)
        # The debt is paid at most 45 days after the sale; violations start after that.
        first = deal + timedelta(days=50)
        last = DEMO_AS_OF
        if late:
            transfer = min(self.after(deal, 150, 300), DEMO_AS_OF)
            self.register(car.vehicle, buyer, "转移", transfer)
            last = transfer - timedelta(days=1)
        days = self.spread(first, last, self.rng.randint(MIN_VIOLATIONS + 1, MIN_VIOLATIONS + 2))
        self.violations(car.vehicle, debtor.county, days)
        note = f"{car.vehicle.plate}成交于{deal}后未过户，仍违法{len(days)}次"
        self.data.case(MODEL, auction_id, "still_used", note)
        self.data.case(MODEL, auction_id, "not_transferred", "仍被使用的车辆同时逾期未过户")

    def buyer_is_debtor(self) -> None:
        """The debtor buys his own car back: transferred to himself within 90 days, or sold
        so recently that no transfer is due yet (nothing overdue to report)."""
        recent = self.rng.random() < 0.3
        low, high = (
            (DEMO_AS_OF - timedelta(days=80), DEMO_AS_OF - timedelta(days=10))
            if recent
            else (date(2022, 8, 1), date(2024, 3, 31))
        )
        debtor, car, case_no, deal = self.sold_vehicle(low, high)
        auction_id = self.auction(case_no, car, start=self.fair_start(car), deal=deal, buyer=debtor)
        if not recent:
            self.timely_transfer(car, debtor, deal)
        note = f"{debtor.name}竞得自己名下的{car.vehicle.plate}"
        self.data.case(MODEL, auction_id, "buyer_is_debtor", note)

    def low_start_price(self) -> None:
        """First round at 50-69% of the appraisal; sold and transferred in time, or unsold."""
        sold = self.rng.random() < 0.5
        _, car, case_no, deal = self.sold_vehicle(date(2022, 8, 1), date(2024, 6, 10))
        ratio = Decimal(self.rng.randint(50, 69)) / 100
        start = Decimal(int(car.appraisal * ratio) // 100 * 100)
        buyer = self.world.person() if sold else None
        auction_id = self.auction(case_no, car, start=start, deal=deal, buyer=buyer)
        if buyer is not None:
            self.timely_transfer(car, buyer, deal)
        note = f"一拍起拍价{start}元，评估价{car.appraisal}元"
        self.data.case(MODEL, auction_id, "low_start_price", note)

    def steep_round_cut(self) -> None:
        """Unsold first round, then a second round cut by 22-45%; sold in time or unsold."""
        sold = self.rng.random() < 0.6
        _, car, case_no, deal = self.sold_vehicle(date(2022, 8, 1), date(2024, 6, 10))
        first = self.fair_start(car)
        self.auction(case_no, car, start=first)
        cut = Decimal(self.rng.randint(22, 45)) / 100
        second = Decimal(int(first * (1 - cut)) // 100 * 100)
        buyer = self.world.person() if sold else None
        auction_id = self.auction(case_no, car, start=second, round_="二拍", deal=deal, buyer=buyer)
        if buyer is not None:
            self.timely_transfer(car, buyer, deal)
        note = f"二拍起拍价{second}元，一拍{first}元"
        self.data.case(MODEL, auction_id, "steep_round_cut", note)

    def scrapped_vehicle(self) -> None:
        """The vehicle was deregistered (注销) 30-400 days before the court sold it."""
        debtor = self.debtor()
        deal = self.world.day(date(2022, 9, 1), date(2024, 6, 10))
        filed = deal - timedelta(days=self.rng.randint(120, 200))
        car = self.car(debtor, registered=self.world.day(date(2009, 1, 1), date(2015, 12, 31)))
        scrapped = deal - timedelta(days=self.rng.randint(30, 400))
        self.register(car.vehicle, debtor, "注销", scrapped, status="注销")
        case_no = self.enforcement(debtor, filed, "执行完毕", self.after(deal, 15, 45))
        buyer = self.world.person()
        auction_id = self.auction(case_no, car, start=self.fair_start(car), deal=deal, buyer=buyer)
        note = f"{car.vehicle.plate}于{scrapped}注销，{deal}仍被拍卖成交"
        self.data.case(MODEL, auction_id, "scrapped_vehicle", note)

    # -- decoys -------------------------------------------------------------------------
    def transferred_within_days(self, n: int) -> None:
        """Transferred within 90 days of the sale: some on day 90 exactly, some under a new
        plate (found by the VIN), some after two or three violations while unregistered."""
        debtor, car, case_no, deal = self.sold_vehicle(date(2022, 8, 1), date(2024, 3, 31))
        buyer = self.world.person()
        auction_id = self.auction(case_no, car, start=self.fair_start(car), deal=deal, buyer=buyer)
        variant = n % 3
        days_taken = {0: TRANSFER_DAYS, 1: self.rng.randint(20, 89), 2: self.rng.randint(70, 89)}
        on = deal + timedelta(days=days_taken[variant])
        if variant == 1:  # re-plated in the buyer's city: the transfer carries a new plate
            city = self.rng.choice(("杭州市", "宁波市", "金华市"))
            plate = self.world.vehicle(city).plate
            self.register(Vehicle(plate, car.vehicle.vin), buyer, "转移", on)
        else:
            self.register(car.vehicle, buyer, "转移", on)
        if variant == 2:  # caught while the paperwork ran: lawful, the transfer was in time
            first = deal + timedelta(days=50)  # after the debt was paid
            days = self.spread(first, on - timedelta(days=1), MIN_VIOLATIONS + 1)
            self.violations(car.vehicle, debtor.county, days)
        note = f"成交于{deal}，{on}过户（{(on - deal).days}天）"
        self.data.decoy(MODEL, "transferred_within_days", auction_id, note)

    def sale_too_recent(self, n: int) -> None:
        """Sold 60-90 days before the demo day (day 90 on every other one), not yet
        transferred: the allowed period has not run out."""
        age = TRANSFER_DAYS if n % 2 == 0 else self.rng.randint(60, TRANSFER_DAYS - 1)
        deal = DEMO_AS_OF - timedelta(days=age)
        _, car, case_no, deal = self.sold_vehicle(deal, deal)
        buyer = self.world.person()
        auction_id = self.auction(case_no, car, start=self.fair_start(car), deal=deal, buyer=buyer)
        note = f"成交于{deal}，距今{age}天，尚未过户"
        self.data.decoy(MODEL, "sale_too_recent", auction_id, note)

    def start_at_legal_limit(self, n: int) -> None:
        """First round at exactly 70% of the appraisal; sold and transferred, or unsold."""
        _, car, case_no, deal = self.sold_vehicle(date(2022, 8, 1), date(2024, 6, 10))
        start = car.appraisal * Decimal("0.7")
        buyer = self.world.person() if n % 2 == 0 else None
        auction_id = self.auction(case_no, car, start=start, deal=deal, buyer=buyer)
        if buyer is not None:
            self.timely_transfer(car, buyer, deal)
        note = f"一拍起拍价{start}元，恰为评估价{car.appraisal}元的70%"
        self.data.decoy(MODEL, "start_at_legal_limit", auction_id, note)

    def cut_at_legal_limit(self, n: int) -> None:
        """Second round exactly 20% below the first; sold and transferred, or unsold."""
        _, car, case_no, deal = self.sold_vehicle(date(2022, 8, 1), date(2024, 6, 10))
        first = self.fair_start(car)
        first_id = self.auction(case_no, car, start=first)
        second = first * Decimal("0.8")
        buyer = self.world.person() if n % 2 == 0 else None
        auction_id = self.auction(case_no, car, start=second, round_="二拍", deal=deal, buyer=buyer)
        if buyer is not None:
            self.timely_transfer(car, buyer, deal)
        note = f"二拍起拍价{second}元，较一拍{first}元恰降20%"
        self.data.decoy(MODEL, "cut_at_legal_limit", auction_id, note)
        self.data.decoy(MODEL, "cut_at_legal_limit", first_id, "同一车辆的一拍")

    def violations_before_sale(self, n: int) -> None:
        """The debtor was caught three or four times before the sale, the last time on the
        day of the sale itself; transferred in time."""
        debtor = self.debtor()
        deal = self.world.day(date(2022, 9, 1), date(2024, 3, 31))
        filed = deal - timedelta(days=self.rng.randint(120, 200))
        car = self.car(debtor)
        case_no = self.enforcement(debtor, filed, "执行完毕", self.after(deal, 15, 45))
        days = self.spread(filed - timedelta(days=300), filed, self.rng.randint(2, 3))
        # No seal here: a violation after a seal would be refusal_to_execute's business.
        self.violations(car.vehicle, debtor.county, [*days, deal])
        buyer = self.world.person()
        auction_id = self.auction(case_no, car, start=self.fair_start(car), deal=deal, buyer=buyer)
        self.timely_transfer(car, buyer, deal)
        note = f"违法均在成交（{deal}）前，成交后按期过户"
        self.data.decoy(MODEL, "violations_before_sale", auction_id, note)

    def scrapped_after_sale(self, n: int) -> None:
        """Sold, transferred in time, then scrapped by the buyer (the day after the sale at
        the earliest): not a scrapped vehicle auctioned."""
        _, car, case_no, deal = self.sold_vehicle(date(2022, 8, 1), date(2024, 3, 31))
        buyer = self.world.person()
        auction_id = self.auction(case_no, car, start=self.fair_start(car), deal=deal, buyer=buyer)
        transferred = self.timely_transfer(car, buyer, deal)
        scrapped = min(self.after(transferred, 1, 300), DEMO_AS_OF)
        self.register(car.vehicle, buyer, "注销", scrapped, status="注销")
        note = f"成交于{deal}，买受人{scrapped}注销"
        self.data.decoy(MODEL, "scrapped_after_sale", auction_id, note)

    def house_auction(self, n: int) -> None:
        """A house put up at 60% of its appraisal: not a vehicle, not this model's."""
        debtor = self.debtor()
        filed = self.world.day(date(2022, 1, 1), date(2023, 12, 31))
        case_no = self.enforcement(debtor, filed, None, None)
        appraisal = Decimal(self.rng.randrange(800_000, 3_000_000, 1000))
        auction_id = self.world.serial("PM", filed.year)
        cert = (
            f"浙（{self.rng.randint(2012, 2020)}）绍兴市不动产权第{self.rng.randrange(10**7):07d}号"
        )
        self.data.add(
            "judicial_auction",
            auction_id=auction_id,
            exec_case_no=case_no,
            item_type="house",
            item_desc=f"{debtor.address}住宅",
            property_cert_no=cert,
            appraisal_price=appraisal,
            start_price=appraisal * Decimal("0.6"),
            round="一拍",
            bidder_count=0,
        )
        self.data.decoy(MODEL, "house_auction", auction_id, "房产一拍起拍价为评估价60%")

    # -- ordinary records -----------------------------------------------------------------
    def ordinary_sale(self) -> None:
        """An ordinary sale: lawful start price, sold, transferred within 5-80 days."""
        _, car, case_no, deal = self.sold_vehicle(date(2022, 8, 1), date(2024, 6, 10))
        buyer = self.world.person()
        self.auction(case_no, car, start=self.fair_start(car), deal=deal, buyer=buyer)
        self.timely_transfer(car, buyer, deal)


def plant(world: World, data: DemoData, cases: int) -> None:
    """Plant `cases` true auctions round-robin over `BRANCHES`, max(2, cases // 2) decoys of
    each of `DECOY_KINDS` and max(2, cases // 4) ordinary sales."""
    stories = Stories(world, data)
    true_cases: dict[str, Callable[[], None]] = {
        "not_transferred": stories.not_transferred,
        "still_used": stories.still_used,
        "buyer_is_debtor": stories.buyer_is_debtor,
        "low_start_price": stories.low_start_price,
        "steep_round_cut": stories.steep_round_cut,
        "scrapped_vehicle": stories.scrapped_vehicle,
    }
    decoys: dict[str, Callable[[int], None]] = {
        "transferred_within_days": stories.transferred_within_days,
        "sale_too_recent": stories.sale_too_recent,
        "start_at_legal_limit": stories.start_at_legal_limit,
        "cut_at_legal_limit": stories.cut_at_legal_limit,
        "violations_before_sale": stories.violations_before_sale,
        "scrapped_after_sale": stories.scrapped_after_sale,
        "house_auction": stories.house_auction,
    }
    assert tuple(true_cases) == BRANCHES and tuple(decoys) == DECOY_KINDS
    for i in range(cases):
        true_cases[BRANCHES[i % len(BRANCHES)]]()
    for kind in DECOY_KINDS:
        for n in range(max(2, cases // 2)):
            decoys[kind](n)
    for _ in range(max(2, cases // 4)):
        stories.ordinary_sale()
