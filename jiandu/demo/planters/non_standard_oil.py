"""非标油偷逃消费税 (non_standard_oil): planted stories for the demo province.

Non-standard fuel is bought as an untaxed "chemical" (混合芳烃, 轻循环油, 稳定轻烃, 碳九 …
under a tax code outside 成品油 1070101…) and ends up in tanks. Each true case is one
trader `X` whose invoices tell one of the model's four stories:

- ``fuel_from_chemicals`` (变票): X buys well over a million yuan of a chemical from a
  refinery and invoices diesel or gasoline under a 成品油 code to ordinary firms, while
  the taxed fuel it bought (if any) covers at most a quarter of what it sold.
- ``sold_to_fuel_users``: X resells the chemical unchanged to filling stations and
  logistics firms (names with 加油, 物流, 运输, 货运 …), which burn it.
- ``disguised_fuel_code``: X invoices 复合柴油 / 复合汽油 under a chemical code, or with no
  code but *非成品油* in the goods name. X buys only a modest amount itself.
- ``sold_to_vehicle_owners``: X resells the chemical to construction firms that own
  trucks and invoice only services (no goods sales): fuel consumers, not processors.

Amounts clear each threshold by enough that losing any one invoice line (the demo's
files reject a few corrupted rows at random) still leaves the case above it, and fleets
have at least five vehicles where three are needed.

Decoys sit on the quiet side of one rule each (`DECOY_KINDS`): real chemical plants,
a processor that owns trucks but sells goods, a fuel wholesaler whose fuel sales are
covered by taxed fuel bought, taxed naphtha, amounts just under each threshold, a fleet
that has sold its trucks, and a whole 变票 story that ended before the model's window.

Every company has a unique address and phone and no registration agent, so the
shell_company model never groups them; the refineries and chemical plants also have
insured staff. Invoice numbers come from the ``FP`` serial that the shell_company planter
shares, so lines never collide across the two planters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jiandu.demo.world import Company, DemoData, Person, World

__all__ = ["BRANCHES", "DECOY_KINDS", "MODEL", "plant"]

MODEL = "non_standard_oil"
BRANCHES = (
    "fuel_from_chemicals",
    "sold_to_fuel_users",
    "disguised_fuel_code",
    "sold_to_vehicle_owners",
)
DECOY_KINDS = (
    "chemical_plant",
    "processor_with_trucks",
    "fuel_wholesaler",
    "taxed_naphtha",
    "chemicals_below_threshold",
    "fuel_sales_below_threshold",
    "users_below_threshold",
    "disguised_below_threshold",
    "fleets_below_threshold",
    "fleet_sold_off",
    "outside_window",
)

# 商品和服务税收分类编码 (19 digits). Refined fuel is 1070101…; the rest are outside it.
GASOLINE_CODE = "1070101010100000000"
DIESEL_CODE = "1070101030100000000"
NAPHTHA_FUEL_CODE = "1070101070000000000"
CHEMICAL_CODE = "1070213990000000000"  # other chemical raw materials
RESIN_CODE = "1070216990000000000"  # synthetic resins and plastics in primary forms
CONSTRUCTION_CODE = "3050100000000000000"  # construction service

# Oil-like chemicals as they are bought and resold (each names one of the model's words).
CHEMICALS = (
    "*有机化学原料*混合芳烃",
    "*有机化学原料*重芳烃",
    "*化学原料*轻循环油",
    "*化学原料*稳定轻烃",
    "*有机化学原料*碳九",
    "*化学原料*溶剂油",
    "*化学原料*轻质油",
)
FUELS = (("*成品油*0号车用柴油", DIESEL_CODE), ("*成品油*92号车用汽油", GASOLINE_CODE),
         ("*成品油*柴油", DIESEL_CODE))  # fmt: skip
# Fuel names under a non-fuel code; the first two also carry 非成品油 and go out uncoded.
DISGUISED = ("*非成品油*复合柴油", "*非成品油*环保复合柴油", "*化工产品*复合汽油")
PLANT_PRODUCTS = ("*有机化学原料*混合芳烃", "*有机化学原料*重芳烃", "*有机化学原料*碳九")
PROCESSED_GOODS = ("*合成树脂*石油树脂", "*合成树脂*C9树脂", "*涂料*醇酸树脂涂料")

# Company-name suffixes (World.org_name takes INDUSTRIES keys or a suffix of its own).
TRADER_SUFFIXES = ("能源科技有限公司", "化工贸易有限公司", "石化贸易有限公司", "新能源有限公司",
                   "供应链管理有限公司", "化工产品有限公司")  # fmt: skip
FUEL_USER_SUFFIXES = ("加油", "物流", "运输", "货运有限公司", "汽车运输有限公司", "油品")
FLEET_SUFFIXES = ("建筑", "土石方工程有限公司", "市政工程有限公司", "园林绿化工程有限公司")
CUSTOMER_SUFFIXES = ("制造", "纺织", "五金制品有限公司", "塑料制品有限公司", "印染有限公司")
PROCESSOR_SUFFIXES = ("新材料有限公司", "树脂有限公司", "涂料有限公司")

# Where stories happen: the model looks back 365 days from DEMO_AS_OF (2024-06-30).
Period = tuple[date, date]
BUY = (date(2023, 8, 1), date(2024, 1, 31))
SELL = (date(2023, 10, 1), date(2024, 6, 20))
OLD_BUY = (date(2022, 5, 1), date(2022, 12, 31))
OLD_SELL = (date(2022, 8, 1), date(2023, 5, 31))
STAFF_MONTHS = (date(2024, 4, 1), date(2024, 5, 1))
TAX_RATE = Decimal("0.13")
CENT = Decimal("0.01")


def plant(world: World, data: DemoData, cases: int) -> None:
    """Plant `cases` true cases round-robin over `BRANCHES`, `max(2, cases // 2)` decoys of
    each of `DECOY_KINDS`, and the refineries and customers around them."""
    stories = _Stories(world, data, cases)
    true_cases: dict[str, Callable[[], tuple[Company, str]]] = {
        "fuel_from_chemicals": stories.fuel_from_chemicals,
        "sold_to_fuel_users": stories.sold_to_fuel_users,
        "disguised_fuel_code": stories.disguised_fuel_code,
        "sold_to_vehicle_owners": stories.sold_to_vehicle_owners,
    }
    for n in range(cases):
        branch = BRANCHES[n % len(BRANCHES)]
        company, note = true_cases[branch]()
        data.case(MODEL, company.uscc, branch, note)
    decoys: dict[str, Callable[[], tuple[Company, str]]] = {
        "chemical_plant": stories.chemical_plant,
        "processor_with_trucks": stories.processor_with_trucks,
        "fuel_wholesaler": stories.fuel_wholesaler,
        "taxed_naphtha": stories.taxed_naphtha,
        "chemicals_below_threshold": stories.chemicals_below_threshold,
        "fuel_sales_below_threshold": stories.fuel_sales_below_threshold,
        "users_below_threshold": stories.users_below_threshold,
        "disguised_below_threshold": stories.disguised_below_threshold,
        "fleets_below_threshold": stories.fleets_below_threshold,
        "fleet_sold_off": stories.fleet_sold_off,
        "outside_window": stories.outside_window,
    }
    for kind in DECOY_KINDS:
        for _ in range(max(2, cases // 2)):
            company, note = decoys[kind]()
            data.decoy(MODEL, kind, company.uscc, note)


def _wan(amount: Decimal) -> str:
    """An amount in 万元 for notes, e.g. 152.3万元."""
    return f"{amount / 10_000:.1f}万元"


@dataclass
class _Stories:
    """The stories, sharing a few refineries (sellers only) and ordinary fuel customers
    (buyers only): neither kind can make the model fire however many stories use them."""

    world: World
    data: DemoData
    cases: int

    def __post_init__(self) -> None:
        self.refineries = [self.company("石化", staff=3) for _ in range(2 + self.cases // 50)]
        self.customers = [
            self.company(self.world.rng.choice(CUSTOMER_SUFFIXES))
            for _ in range(4 + self.cases // 10)
        ]

    # -- entities and rows ------------------------------------------------------------
    def company(self, industry: str, *, staff: int = 0) -> Company:
        """A new company in the registry (unique address and phone, no agent), with
        `staff` insured employees in April and May 2024."""
        company = self.world.company(industry=industry)
        self.data.add(
            "company_registry",
            uscc=company.uscc,
            name=company.name,
            legal_rep_name=company.legal_rep.name,
            legal_rep_id_card=company.legal_rep.id_card,
            reg_address=company.address,
            phone=company.phone,
            reg_capital=company.capital,
            established=company.established,
            status="存续",
        )
        for _ in range(staff):
            worker = self.world.person(born=(1965, 2000))
            base = self.world.money(4_462, 12_000).quantize(Decimal(1))
            for month in STAFF_MONTHS:
                self.data.add(
                    "social_insurance",
                    id_card=worker.id_card,
                    name=worker.name,
                    employer_uscc=company.uscc,
                    employer_name=company.name,
                    month=month,
                    base_amount=base,
                    insurance_kind="养老保险",
                )
        return company

    def line(
        self,
        seller: Company,
        buyer: Company,
        goods: str,
        code: str | None,
        amount: Decimal,
        period: Period,
        *,
        per_ton: tuple[int, int] | None = (5_200, 7_800),
    ) -> None:
        """One invoice with one goods line, in tonnes at a price of `per_ton` yuan (or one
        service item when `per_ton` is None), issued on a day of `period`."""
        issued = self.world.day(*period)
        if per_ton is None:
            quantity, unit = "1", "项"
        else:
            price = Decimal(self.world.rng.randrange(*per_ton))
            quantity, unit = f"{amount / price:.3f}", "吨"
        self.data.add(
            "tax_invoice",
            invoice_code=f"3300{issued:%y}3130",
            invoice_no=self.world.serial("FP", issued.year)[-8:],
            seller_uscc=seller.uscc,
            seller_name=seller.name,
            buyer_uscc=buyer.uscc,
            buyer_name=buyer.name,
            goods_name=goods,
            tax_code=code,
            quantity=quantity,
            unit=unit,
            amount=amount,
            tax=(amount * TAX_RATE).quantize(CENT),
            issue_date=issued,
        )

    def split(self, total: Decimal, parts: int) -> list[Decimal]:
        """`total` in `parts` amounts of roughly equal size (±15%). With 4 parts the
        largest is at most 31% of the total, with 5 parts at most 26%."""
        weights = [self.world.rng.uniform(0.85, 1.15) for _ in range(parts)]
        scale = sum(weights)
        amounts = [(total * Decimal(w / scale)).quantize(CENT) for w in weights[:-1]]
        return [*amounts, total - sum(amounts)]

    def sell(
        self,
        seller: Company,
        buyers: list[Company],
        goods: str,
        code: str | None,
        total: Decimal,
        parts: int,
        period: Period,
        *,
        per_ton: tuple[int, int] | None = (5_200, 7_800),
    ) -> None:
        """`total` invoiced in `parts` lines, the buyers taking turns."""
        for n, amount in enumerate(self.split(total, parts)):
            self.line(seller, buyers[n % len(buyers)], goods, code, amount, period, per_ton=per_ton)

    def buy_chemicals(self, buyer: Company, total: Decimal, parts: int, period: Period) -> str:
        """`buyer` buys one oil-like chemical from a refinery; returns its goods name."""
        goods = self.world.rng.choice(CHEMICALS)
        refinery = self.world.rng.choice(self.refineries)
        self.sell(refinery, [buyer], goods, CHEMICAL_CODE, total, parts, period)
        return goods

    def fleet(self, owner: Company, vehicles: int, *, ended: int = 0) -> None:
        """`owner` registers `vehicles` trucks; the last `ended` of them are later sold to
        a private buyer or scrapped, which ends the company's ownership."""
        for n in range(vehicles):
            vehicle = self.world.vehicle()
            registered = self.world.day(date(2018, 1, 1), date(2022, 12, 31))
            self.data.add(
                "vehicle_registry",
                plate=vehicle.plate,
                vin=vehicle.vin,
                owner_name=owner.name,
                owner_uscc=owner.uscc,
                status="正常",
                event="注册",
                event_date=registered,
            )
            if n < vehicles - ended:
                continue
            later = self.world.day(date(2023, 3, 1), date(2024, 3, 31))
            if n % 2:
                self.data.add(
                    "vehicle_registry",
                    plate=vehicle.plate,
                    vin=vehicle.vin,
                    owner_name=owner.name,
                    owner_uscc=owner.uscc,
                    status="注销",
                    event="注销",
                    event_date=later,
                )
            else:
                buyer: Person = self.world.person(born=(1960, 1995))
                self.data.add(
                    "vehicle_registry",
                    plate=vehicle.plate,
                    vin=vehicle.vin,
                    owner_name=buyer.name,
                    owner_id_card=buyer.id_card,
                    status="正常",
                    event="转移",
                    event_date=later,
                )

    def fleet_owner(self, vehicles: int, *, ended: int = 0) -> Company:
        """A construction firm with trucks that invoices only construction services."""
        owner = self.company(self.world.rng.choice(FLEET_SUFFIXES))
        self.fleet(owner, vehicles, ended=ended)
        client = self.world.rng.choice(self.customers)
        self.line(owner, client, "*建筑服务*土石方工程", CONSTRUCTION_CODE,
                  self.world.money(200_000, 900_000), SELL, per_ton=None)  # fmt: skip
        return owner

    def trader(self) -> Company:
        return self.company(self.world.rng.choice(TRADER_SUFFIXES))

    # -- true cases -------------------------------------------------------------------
    def fuel_from_chemicals(self) -> tuple[Company, str]:
        """变票: ≥ 1.5M of a chemical in, ≥ 0.78M of fuel out, taxed fuel bought ≤ 25%."""
        return self.switch(
            bought=self.world.money(1_500_000, 1_900_000),
            sold=self.world.money(780_000, 980_000),
            periods=(BUY, SELL),
        )

    def switch(
        self, *, bought: Decimal, sold: Decimal, periods: tuple[Period, Period]
    ) -> tuple[Company, str]:
        """A trader buys `bought` of a chemical in four lines and invoices `sold` of fuel in
        four lines to ordinary firms; half the time it also buys a little taxed fuel."""
        buy_period, sell_period = periods
        trader = self.trader()
        goods = self.buy_chemicals(trader, bought, 4, buy_period)
        fuel, code = self.world.rng.choice(FUELS)
        if self.world.rng.random() < 0.5:
            taxed = (sold * Decimal(self.world.rng.uniform(0.1, 0.25))).quantize(CENT)
            refinery = self.world.rng.choice(self.refineries)
            self.line(refinery, trader, fuel, code, taxed, buy_period, per_ton=(7_200, 8_600))
        buyers = self.world.rng.sample(self.customers, 3)
        self.sell(trader, buyers, fuel, code, sold, 4, sell_period, per_ton=(7_200, 8_600))
        return trader, f"购进{goods}{_wan(bought)}，开票销出{fuel}{_wan(sold)}"

    def sold_to_fuel_users(self) -> tuple[Company, str]:
        """≥ 1.5M of a chemical in, ≥ 0.72M of it resold to 2-3 stations / hauliers."""
        return self.to_users(sold=self.world.money(720_000, 900_000))

    def to_users(self, *, sold: Decimal) -> tuple[Company, str]:
        trader = self.trader()
        bought = self.world.money(1_500_000, 1_900_000)
        goods = self.buy_chemicals(trader, bought, 4, BUY)
        users = [
            self.company(self.world.rng.choice(FUEL_USER_SUFFIXES))
            for _ in range(self.world.rng.randrange(2, 4))
        ]
        self.sell(trader, users, goods, CHEMICAL_CODE, sold, 5, SELL)
        return trader, f"购进{goods}{_wan(bought)}，销往{users[0].name}等{_wan(sold)}"

    def disguised_fuel_code(self) -> tuple[Company, str]:
        """≥ 0.16M of 复合柴油 etc. invoiced outside the fuel codes in four lines."""
        return self.disguised(sold=self.world.money(160_000, 220_000))

    def disguised(self, *, sold: Decimal) -> tuple[Company, str]:
        """A small blender buys 0.3-0.6M of a light chemical (below the big-buyer mark)
        and invoices a fuel name under a chemical code, or uncoded as 非成品油."""
        blender = self.trader()
        self.buy_chemicals(blender, self.world.money(300_000, 600_000), 2, BUY)
        goods = self.world.rng.choice(DISGUISED)
        code = CHEMICAL_CODE if "非成品油" not in goods or self.world.rng.random() < 0.5 else None
        buyers = self.world.rng.sample(self.customers, 2)
        self.sell(blender, buyers, goods, code, sold, 4, SELL, per_ton=(6_000, 7_500))
        return blender, f"以{code or '空白'}编码开具{goods}{_wan(sold)}"

    def sold_to_vehicle_owners(self) -> tuple[Company, str]:
        """≥ 1.5M of a chemical in, ≥ 0.45M of it resold to 1-2 truck fleets (≥ 5 trucks
        each) that invoice only services."""
        return self.to_fleets(
            sold=self.world.money(450_000, 550_000),
            fleets=self.world.rng.randrange(1, 3),
            vehicles=self.world.rng.randrange(5, 7),
        )

    def to_fleets(
        self, *, sold: Decimal, fleets: int, vehicles: int, ended: int = 0
    ) -> tuple[Company, str]:
        trader = self.trader()
        bought = self.world.money(1_500_000, 1_900_000)
        goods = self.buy_chemicals(trader, bought, 4, BUY)
        owners = [self.fleet_owner(vehicles, ended=ended) for _ in range(fleets)]
        self.sell(trader, owners, goods, CHEMICAL_CODE, sold, 4, SELL)
        fleet = f"有车{vehicles - ended}辆的{owners[0].name}"
        return trader, f"购进{goods}{_wan(bought)}，销往{fleet}等{_wan(sold)}"

    # -- decoys -----------------------------------------------------------------------
    def chemical_plant(self) -> tuple[Company, str]:
        """A real chemical plant (with staff): 2-4M of naphtha in, aromatics out to two
        resin makers that own no trucks and sell their resins on."""
        plant = self.company("化工", staff=4)
        bought = self.world.money(2_000_000, 4_000_000)
        self.sell(self.world.rng.choice(self.refineries), [plant], "*化学原料*石脑油",
                  CHEMICAL_CODE, bought, 4, BUY)  # fmt: skip
        processors = [self.processor() for _ in range(2)]
        product = self.world.rng.choice(PLANT_PRODUCTS)
        sold = self.world.money(1_000_000, 1_800_000)
        self.sell(plant, processors, product, CHEMICAL_CODE, sold, 4, SELL)
        return plant, f"化工厂购进石脑油{_wan(bought)}，向树脂厂销售{product}{_wan(sold)}"

    def processor(self, *, vehicles: int = 0) -> Company:
        """A resin maker with staff that invoices its products (three lines)."""
        processor = self.company(self.world.rng.choice(PROCESSOR_SUFFIXES), staff=2)
        self.fleet(processor, vehicles)
        goods = self.world.rng.choice(PROCESSED_GOODS)
        buyers = self.world.rng.sample(self.customers, 3)
        self.sell(processor, buyers, goods, RESIN_CODE,
                  self.world.money(300_000, 900_000), 3, SELL, per_ton=(9_000, 14_000))  # fmt: skip
        return processor

    def processor_with_trucks(self) -> tuple[Company, str]:
        """A chemical plant sells 0.5-0.8M of a chemical to a resin maker that owns five
        trucks but sells goods: a processor (it has boilers), not a fuel consumer."""
        plant = self.company("化工", staff=3)
        bought = self.world.money(1_500_000, 2_500_000)
        goods = self.buy_chemicals(plant, bought, 4, BUY)
        processor = self.processor(vehicles=5)
        sold = self.world.money(500_000, 800_000)
        self.sell(plant, [processor], goods, CHEMICAL_CODE, sold, 3, SELL)
        return plant, f"向有车5辆但销售树脂产品的{processor.name}销售{goods}{_wan(sold)}"

    def fuel_wholesaler(self) -> tuple[Company, str]:
        """A fuel wholesaler buys 1.1-1.4M of aromatics and taxed fuel worth 72-85% of the
        1.5-2M of fuel it sells to filling stations: its sales are covered by taxed fuel
        (five purchase lines, so losing one still leaves over half)."""
        wholesaler = self.company("油品", staff=2)
        self.buy_chemicals(wholesaler, self.world.money(1_100_000, 1_400_000), 3, BUY)
        sold = self.world.money(1_500_000, 2_000_000)
        taxed = (sold * Decimal(self.world.rng.uniform(0.72, 0.85))).quantize(CENT)
        fuel, code = self.world.rng.choice(FUELS)
        refinery = self.world.rng.choice(self.refineries)
        self.sell(refinery, [wholesaler], fuel, code, taxed, 5, BUY, per_ton=(7_000, 8_000))
        stations = [self.company("加油") for _ in range(2)]
        self.sell(wholesaler, stations, fuel, code, sold, 4, SELL, per_ton=(7_400, 8_600))
        return wholesaler, f"购进成品油{_wan(taxed)}，销出{fuel}{_wan(sold)}"

    def taxed_naphtha(self) -> tuple[Company, str]:
        """Naphtha bought and sold under the 成品油 code: consumption tax was paid."""
        trader = self.trader()
        goods = "*成品油*石脑油"
        bought = self.world.money(1_200_000, 1_600_000)
        refinery = self.world.rng.choice(self.refineries)
        self.sell(refinery, [trader], goods, NAPHTHA_FUEL_CODE, bought, 3, BUY)
        users = [self.company("物流"), self.company("加油")]
        sold = self.world.money(700_000, 900_000)
        self.sell(trader, users, goods, NAPHTHA_FUEL_CODE, sold, 3, SELL)
        return trader, f"以成品油编码购进、销出石脑油{_wan(bought)}/{_wan(sold)}"

    def chemicals_below_threshold(self) -> tuple[Company, str]:
        """变票 with only 0.88-0.98M of chemicals bought (1M needed)."""
        return self.switch(
            bought=self.world.money(880_000, 980_000),
            sold=self.world.money(600_000, 800_000),
            periods=(BUY, SELL),
        )

    def fuel_sales_below_threshold(self) -> tuple[Company, str]:
        """变票 with only 0.42-0.49M of fuel sold (0.5M needed)."""
        return self.switch(
            bought=self.world.money(1_200_000, 1_500_000),
            sold=self.world.money(420_000, 490_000),
            periods=(BUY, SELL),
        )

    def users_below_threshold(self) -> tuple[Company, str]:
        """Only 0.42-0.49M resold to filling stations and hauliers (0.5M needed)."""
        return self.to_users(sold=self.world.money(420_000, 490_000))

    def disguised_below_threshold(self) -> tuple[Company, str]:
        """Only 80-97k of 复合柴油 etc. under a non-fuel code (100k needed)."""
        return self.disguised(sold=self.world.money(80_000, 97_000))

    def fleets_below_threshold(self) -> tuple[Company, str]:
        """Only 0.24-0.29M resold to a truck fleet (0.3M needed)."""
        return self.to_fleets(sold=self.world.money(240_000, 290_000), fleets=1, vehicles=5)

    def fleet_sold_off(self) -> tuple[Company, str]:
        """The buyer registered four trucks but sold one and scrapped another: two left
        (three needed)."""
        return self.to_fleets(
            sold=self.world.money(450_000, 550_000), fleets=1, vehicles=4, ended=2
        )

    def outside_window(self) -> tuple[Company, str]:
        """A full 变票 story whose last invoice was issued in May 2023, more than 365 days
        before the demo's reference day."""
        return self.switch(
            bought=self.world.money(1_500_000, 1_900_000),
            sold=self.world.money(780_000, 980_000),
            periods=(OLD_BUY, OLD_SELL),
        )
