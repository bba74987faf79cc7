"""空壳公司 (shell_company): planted stories for the demo province.

A ring registers companies in bulk to sell VAT invoices: a few weeks apart, with straw-man
legal representatives, nobody on the payroll, yet each issues invoices to real firms.
What gives the ring away is what its companies share. Each true case is one group of
6-8 such shells (one more than the five needed survives a lost row) and 0-1 real,
insured companies, sharing exactly one of

- ``shared_address``: one registered address (a rented flat or a 挂靠 office),
- ``shared_phone``: one mobile number, the ring's own,
- ``shared_agent``: one registration agent (name and phone),

so each group fires one branch under one subject key. Half the address groups have one
more shell whose worker was insured until May 2023, before the model's 365-day window:
it still counts as having nobody insured.

Decoys (`DECOY_KINDS`) sit on the quiet side of one rule each: an incubator where 5 of
12 companies lack staff (enough shells, but not the majority), groups of four shells,
an accounting firm's phone or a busy agent whose clients are mostly insured, dormant
companies that issue no invoices, groups whose invoices all predate the window, groups
whose staff were last insured for July 2023 (the window's first month), and namesake agents
told apart by their phones. The kinds that share something rotate over address, phone
and agent.

Shells invoice steel, stone, fabric, chips, plywood and services, never oil-like goods,
so the non_standard_oil model stays quiet. Invoice numbers come from the ``FP`` serial
that the non_standard_oil planter shares.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from jiandu.demo.world import COUNTIES, Company, DemoData, World

__all__ = ["BRANCHES", "DECOY_KINDS", "MODEL", "plant"]

MODEL = "shell_company"
BRANCHES = ("shared_address", "shared_phone", "shared_agent")
DECOY_KINDS = (
    "incubator_with_staff",
    "group_of_four",
    "shells_in_minority",
    "dormant_no_invoices",
    "invoices_outside_window",
    "staff_left_in_window",
    "namesake_agents",
)

# (goods name, tax code, unit, price range per unit or None for a service item): nothing
# oil-like, so that shells never look like non-standard fuel traders.
GOODS = (
    ("*黑色金属冶炼压延品*螺纹钢", "1080204010000000000", "吨", (3_600, 4_600)),
    ("*建筑用石*碎石", "1020501030000000000", "吨", (70, 140)),
    ("*纺织产品*涤纶面料", "1060104010000000000", "米", (8, 26)),
    ("*电子元件*集成电路", "1090612010000000000", "个", (3, 40)),
    ("*木制品*胶合板", "1050201020000000000", "张", (60, 160)),
    ("*信息技术服务*软件开发服务", "3040201010000000000", "项", None),
    ("*企业管理服务*企业管理咨询服务", "3040603000000000000", "项", None),
    ("*人力资源服务*劳务派遣服务", "3040802020000000000", "项", None),
)
SHELL_SUFFIXES = (
    "商贸有限公司",
    "供应链管理有限公司",
    "建材有限公司",
    "网络科技有限公司",
    "信息咨询有限公司",
    "电子商务有限公司",
    "劳务有限公司",
    "实业有限公司",
)
REAL_SUFFIXES = (
    "科技",
    "服务",
    "餐饮",
    "软件有限公司",
    "设计有限公司",
    "文化传媒有限公司",
    "电子有限公司",
    "检测技术有限公司",
)
BUYER_SUFFIXES = ("制造", "建筑", "纺织", "装饰工程有限公司", "机电设备有限公司")

# The model looks back 365 days from DEMO_AS_OF (2024-06-30): invoices from 2023-07-01
# and contributions for months from 2023-07 on count.
WINDOW = (date(2023, 8, 10), date(2024, 6, 20))
BEFORE_WINDOW = (date(2022, 2, 1), date(2023, 5, 31))
STAFF_MONTHS = (date(2024, 4, 1), date(2024, 5, 1))
OLD_STAFF_MONTHS = (date(2023, 3, 1), date(2023, 4, 1), date(2023, 5, 1))
LATE_LEAVER_MONTHS = (date(2023, 6, 1), date(2023, 7, 1))
TAX_RATE = Decimal("0.06")
GOODS_TAX_RATE = Decimal("0.13")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Shared:
    """What a group of companies shares: an address, a phone or an agent (exactly one)."""

    county: str  # county code of the companies
    address: str | None = None
    phone: str | None = None
    agent: tuple[str, str] | None = None  # (name, phone)

    @property
    def key(self) -> str:
        """The model's subject key for this group."""
        if self.address is not None:
            return f"住所：{self.address}"
        if self.phone is not None:
            return f"联系电话：{self.phone}"
        assert self.agent is not None
        return f"登记代理人：{self.agent[0]}（{self.agent[1]}）"


def plant(world: World, data: DemoData, cases: int) -> None:
    """Plant `cases` shell groups round-robin over `BRANCHES`, `max(2, cases // 2)` decoys
    of each of `DECOY_KINDS`, and the firms that receive the invoices."""
    stories = _Stories(world, data, cases)
    for n in range(cases):
        branch = BRANCHES[n % len(BRANCHES)]
        key, note = stories.shell_ring(branch)
        data.case(MODEL, key, branch, note)
    decoys: dict[str, Callable[[str], list[tuple[str, str]]]] = {
        "incubator_with_staff": stories.incubator_with_staff,
        "group_of_four": stories.group_of_four,
        "shells_in_minority": stories.shells_in_minority,
        "dormant_no_invoices": stories.dormant_no_invoices,
        "invoices_outside_window": stories.invoices_outside_window,
        "staff_left_in_window": stories.staff_left_in_window,
        "namesake_agents": stories.namesake_agents,
    }
    for kind in DECOY_KINDS:
        for n in range(max(2, cases // 2)):
            for key, note in decoys[kind](BRANCHES[n % len(BRANCHES)]):
                data.decoy(MODEL, kind, key, note)


@dataclass
class _Stories:
    """The stories, sharing a pool of firms that receive the shells' invoices (buyers
    only, with unique addresses: never shells themselves)."""

    world: World
    data: DemoData
    cases: int

    def __post_init__(self) -> None:
        self.buyers = [
            self.world.company(industry=self.world.rng.choice(BUYER_SUFFIXES))
            for _ in range(3 + self.cases // 10)
        ]
        for buyer in self.buyers:
            self.register(buyer, None)

    # -- entities and rows ------------------------------------------------------------
    def shared(self, branch: str, *, phone: str | None = None) -> Shared:
        """A new shared address, mobile number (or `phone`) or registration agent."""
        county = self.world.rng.choice(COUNTIES)[0]
        if branch == "shared_address":
            return Shared(county, address=self.world.address(county))
        if branch == "shared_phone":
            return Shared(county, phone=phone or self.world.phone())
        agent = self.world.person(county=county)
        return Shared(county, agent=(agent.name, agent.phone))

    def company(self, shared: Shared | None, *, shell: bool, established: date) -> Company:
        """A new registered company, at the shared address / with the shared phone or
        agent where `shared` says so."""
        suffixes = SHELL_SUFFIXES if shell else REAL_SUFFIXES
        county = shared.county if shared else None
        company = self.world.company(
            industry=self.world.rng.choice(suffixes),
            address=shared.address if shared else None,
            phone=shared.phone if shared else None,
            established=established,
            county=county,
        )
        self.register(company, shared.agent if shared else None)
        return company

    def register(self, company: Company, agent: tuple[str, str] | None) -> None:
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
            agent_name=agent[0] if agent else None,
            agent_phone=agent[1] if agent else None,
        )

    def invoices(self, seller: Company, lines: int, period: tuple[date, date]) -> Decimal:
        """`lines` invoices (one goods line each) from `seller` to pool buyers; returns
        their total amount."""
        total = Decimal(0)
        goods, code, unit, prices = self.world.rng.choice(GOODS)
        for _ in range(lines):
            issued = self.world.day(*period)
            amount = self.world.money(60_000, 300_000)
            if prices is None:
                quantity, rate = "1", TAX_RATE
            else:
                price = Decimal(self.world.rng.randrange(*prices))
                quantity, rate = f"{amount / price:.0f}", GOODS_TAX_RATE
            buyer = self.world.rng.choice(self.buyers)
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
                tax=(amount * rate).quantize(CENT),
                issue_date=issued,
            )
            total += amount
        return total

    def staff(self, employer: Company, people: int, months: tuple[date, ...]) -> None:
        """`people` insured employees of `employer` for each of `months` (养老保险)."""
        for _ in range(people):
            worker = self.world.person(born=(1965, 2002))
            base = self.world.money(4_462, 15_000).quantize(Decimal(1))
            for month in months:
                self.data.add(
                    "social_insurance",
                    id_card=worker.id_card,
                    name=worker.name,
                    employer_uscc=employer.uscc,
                    employer_name=employer.name,
                    month=month,
                    base_amount=base,
                    insurance_kind="养老保险",
                )

    def batch(self) -> date:
        """The day a ring starts registering its companies."""
        return self.world.day(date(2021, 3, 1), date(2023, 4, 30))

    def shells(
        self,
        shared: Shared,
        count: int,
        *,
        period: tuple[date, date] | None = WINDOW,
        staff_months: tuple[date, ...] = (),
    ) -> Decimal:
        """`count` companies registered within weeks of each other, sharing `shared`,
        with nobody insured (or staff only in `staff_months`), each issuing 2-3 invoices
        in `period` (none when None); returns the amount invoiced."""
        start = self.batch()
        total = Decimal(0)
        for _ in range(count):
            established = start + timedelta(days=self.world.rng.randrange(45))
            company = self.company(shared, shell=True, established=established)
            if staff_months:
                self.staff(company, self.world.rng.randrange(1, 3), staff_months)
            if period is not None:
                total += self.invoices(company, self.world.rng.randrange(2, 4), period)
        return total

    def real_companies(self, shared: Shared, count: int) -> None:
        """`count` ordinary companies sharing `shared`, each with 1-2 insured staff in
        April and May 2024; most of them invoice."""
        for _ in range(count):
            established = self.world.day(date(2012, 1, 1), date(2023, 6, 30))
            company = self.company(shared, shell=False, established=established)
            self.staff(company, self.world.rng.randrange(1, 3), STAFF_MONTHS)
            if self.world.rng.random() < 0.7:
                self.invoices(company, self.world.rng.randrange(1, 4), WINDOW)

    # -- true cases -------------------------------------------------------------------
    def shell_ring(self, branch: str) -> tuple[str, str]:
        """6-8 shells sharing one thing, beside 0-1 real companies; in half the address
        groups one more shell had a worker insured until May 2023."""
        shared = self.shared(branch)
        count = self.world.rng.randrange(6, 9)
        total = self.shells(shared, count)
        if branch == "shared_address" and self.world.rng.random() < 0.5:
            self.shells(shared, 1, staff_months=OLD_STAFF_MONTHS)
            count += 1
        self.real_companies(shared, self.world.rng.randrange(2))
        return shared.key, f"{count}家无人参保企业开票{total / 10_000:.1f}万元"

    # -- decoys -----------------------------------------------------------------------
    def incubator_with_staff(self, _branch: str) -> list[tuple[str, str]]:
        """An incubator address: 5 staffless companies invoicing among 12 (the model
        wants the shells to be at least half)."""
        shared = self.shared("shared_address")
        self.shells(shared, 5)
        self.real_companies(shared, 7)
        return [(shared.key, "孵化器：12家企业中5家无人参保")]

    def group_of_four(self, branch: str) -> list[tuple[str, str]]:
        """Four shells sharing one thing (five needed)."""
        shared = self.shared(branch)
        self.shells(shared, 4)
        return [(shared.key, "仅4家无人参保却开票的企业")]

    def shells_in_minority(self, branch: str) -> list[tuple[str, str]]:
        """An accounting firm's landline or a busy registration agent: 5 staffless
        companies among 12 clients, the others insured."""
        if branch == "shared_address":  # the incubator covers addresses
            branch = "shared_phone"
        shared = self.shared(branch, phone=self.world.landline())
        self.shells(shared, 5)
        self.real_companies(shared, 7)
        return [(shared.key, "代账/代理客户12家中5家无人参保")]

    def dormant_no_invoices(self, branch: str) -> list[tuple[str, str]]:
        """Six staffless companies sharing one thing that issue no invoices: dormant."""
        shared = self.shared(branch)
        self.shells(shared, 6, period=None)
        return [(shared.key, "6家无人参保企业均未开票")]

    def invoices_outside_window(self, branch: str) -> list[tuple[str, str]]:
        """Six staffless companies sharing one thing whose invoices all predate the
        model's window (last one in May 2023)."""
        shared = self.shared(branch)
        self.shells(shared, 6, period=BEFORE_WINDOW)
        return [(shared.key, "6家企业的发票均早于统计期间")]

    def staff_left_in_window(self, branch: str) -> list[tuple[str, str]]:
        """Six invoicing companies sharing one thing whose staff were last insured for
        July 2023, the window's first month: they are not staffless."""
        shared = self.shared(branch)
        self.shells(shared, 6, staff_months=LATE_LEAVER_MONTHS)
        return [(shared.key, "6家企业2023年7月仍有人参保")]

    def namesake_agents(self, _branch: str) -> list[tuple[str, str]]:
        """Five shells, each registered by a different agent of the same name (told apart
        by their phones): five agents with one shell each, not one with five."""
        name = self.world.person_name()
        keys: list[tuple[str, str]] = []
        for _ in range(5):
            county = self.world.rng.choice(COUNTIES)[0]
            shared = Shared(county, agent=(name, self.world.phone()))
            self.shells(shared, 1)
            keys.append((shared.key, f"同名代理人{name}，各代理1家"))
        return keys
