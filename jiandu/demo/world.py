"""The demo province's planted entities, and what the planters record about them.

A *planter* (one module per library model in `jiandu.demo.planters`) tells small,
consistent stories across several agencies' datasets: true cases of its model, look-alike
decoys the model must leave alone, and ordinary records. It draws every person, company,
vehicle, case number and record id from one `World`, so that

- every key is unique: two stories never share a person, an address or a phone unless a
  story asks for it (`World.relative`, an explicit `address=`), and
- planted keys never meet the *filler* (`jiandu.demo.filler`), the bulk rows that give the
  pool its size: the two draw from disjoint key spaces (see `KEY_SPACES`).

Rows are recorded in `DemoData` with canonical Python values (`str`, `date`, `datetime`,
`Decimal`, `int`) under the field names of the built-in dataset types; the agency writers
(`jiandu.demo.agencies`) turn them into messy files. Everything is seeded: the same seed
gives the same province.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from jiandu.catalog.registry import builtin_types
from jiandu.fields.id_card import check_char as id_check_char
from jiandu.fields.uscc import check_char as uscc_check_char
from jiandu.fields.uscc import org_check_char
from jiandu.fields.vin import check_char as vin_check_char

__all__ = [
    "DEMO_AS_OF",
    "KEY_SPACES",
    "Agent",
    "Company",
    "Court",
    "Decoy",
    "DemoData",
    "Person",
    "Planted",
    "Vehicle",
    "World",
    "add_months",
    "month_of",
    "months_between",
]

# The demo's reference date: every model runs "as of" this day, so the demo's results do
# not depend on the day it is run. Planted stories happen in 2022 .. mid-2024.
DEMO_AS_OF = date(2024, 6, 30)

# Which part of each key space planted stories use; the filler uses the rest.
KEY_SPACES = {
    "id_card": "sequence digits (positions 15-17) 500-999; filler 000-499",
    "uscc": "organisation code starting 5-9; filler 0-4",
    "plate": "a letter after the issuing-office letter (浙DA1234); filler all digits",
    "vin": "manufacturer code LJD; filler LSV",
    "case_no": "sequence number 50001 and above; filler below 50000",
    "record id": "serial 90000000 and above; filler below",
    "phone": "mobile numbers 150-159 and landlines 0575-86……; filler 130-139, 180-189",
    "address": "…路N号M室; filler …路N弄M号",
    "org name": "brands from PLANTED_BRANDS; filler from its own list",
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志玉海燕春梅晓东文斌云飞鹏辉"

# (county code, city, county) of the demo province's planted stories: Zhejiang.
COUNTIES = (
    ("330602", "绍兴市", "越城区"),
    ("330603", "绍兴市", "柯桥区"),
    ("330604", "绍兴市", "上虞区"),
    ("330624", "绍兴市", "新昌县"),
    ("330681", "绍兴市", "诸暨市"),
    ("330683", "绍兴市", "嵊州市"),
    ("330102", "杭州市", "上城区"),
    ("330106", "杭州市", "西湖区"),
    ("330212", "宁波市", "鄞州区"),
    ("330302", "温州市", "鹿城区"),
    ("330402", "嘉兴市", "南湖区"),
    ("330702", "金华市", "婺城区"),
    ("330782", "金华市", "义乌市"),
    ("331002", "台州市", "椒江区"),
)
# Plate office letter of each city (GA 36): 杭州 A, 宁波 B, 温州 C, 绍兴 D, 嘉兴 F, 金华 G, 台州 J.
PLATE_LETTERS = {"杭州市": "A", "宁波市": "B", "温州市": "C", "绍兴市": "D", "嘉兴市": "F",
                 "金华市": "G", "台州市": "J"}  # fmt: skip
STREETS = ("人民路", "解放路", "中兴路", "胜利路", "环城西路", "凤林路", "延安路", "城南大道",
           "镜湖大道", "越州大道", "鉴湖路", "笛扬路", "稽山路", "府山街道新建路")  # fmt: skip
PLANTED_BRANDS = ("鑫达", "恒通", "瑞丰", "华盛", "永泰", "金诚", "宏远", "德信", "汇源",
                  "嘉禾", "兴旺", "盛世", "东方", "天和", "中恒", "信达", "博远", "正泰",
                  "万家", "海纳")  # fmt: skip
INDUSTRIES = {
    "贸易": "贸易有限公司",
    "科技": "科技有限公司",
    "物流": "物流有限公司",
    "运输": "运输有限公司",
    "化工": "化工有限公司",
    "石化": "石油化工有限公司",
    "油品": "油品销售有限公司",
    "加油": "加油站有限公司",
    "建筑": "建筑工程有限公司",
    "纺织": "纺织有限公司",
    "制造": "机械制造有限公司",
    "修理": "汽车修理有限公司",
    "服务": "商务服务有限公司",
    "投资": "投资管理有限公司",
    "餐饮": "餐饮管理有限公司",
}
LAW_FIRMS = ("浙江越光律师事务所", "浙江稽山律师事务所", "浙江兰亭律师事务所",
             "浙江会稽律师事务所", "浙江古越律师事务所", "浙江鉴湖律师事务所")  # fmt: skip


@dataclass(frozen=True)
class Person:
    id_card: str
    name: str
    sex: str  # 男 / 女
    birth: date
    address: str
    phone: str
    county: str  # six-digit county code of the ID number


@dataclass(frozen=True)
class Company:
    uscc: str
    name: str
    address: str
    phone: str
    legal_rep: Person
    established: date
    capital: Decimal  # yuan


@dataclass(frozen=True)
class Vehicle:
    plate: str
    vin: str


@dataclass(frozen=True)
class Court:
    code: str  # the 案号 court code, e.g. 浙0602
    name: str  # e.g. 绍兴市越城区人民法院
    county: str  # county code


@dataclass(frozen=True)
class Agent:
    """An agent ad litem: a lawyer with a firm, or a legal worker / citizen without one."""

    name: str
    firm: str | None
    agent_type: str  # 律师 / 法律工作者 / 公民
    phone: str


@dataclass(frozen=True)
class Planted:
    """A true case: what the model should report (its subject key, as the model computes
    it) and the rule branch that should fire."""

    model_id: str
    subject_key: str
    branch: str
    note: str = ""


@dataclass(frozen=True)
class Decoy:
    """A look-alike the model must NOT report; `kind` names the decoy of spec/models.md."""

    model_id: str
    kind: str
    subject_key: str
    note: str = ""


@dataclass
class DemoData:
    """Planted rows per dataset type, with the truth they carry."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    truth: list[Planted] = field(default_factory=list)
    decoys: list[Decoy] = field(default_factory=list)

    def add(self, type_id: str, **values: Any) -> dict[str, Any]:
        """Record one row of `type_id`; unknown field names are a planter bug."""
        fields = _field_names(type_id)
        unknown = sorted(set(values) - fields)
        if unknown:
            raise ValueError(f"{type_id} has no field(s) {', '.join(unknown)}")
        row = {name: value for name, value in values.items() if value is not None}
        self.rows.setdefault(type_id, []).append(row)
        return row

    def case(self, model_id: str, subject_key: str, branch: str, note: str = "") -> None:
        """Record a true case the model must report."""
        self.truth.append(Planted(model_id, subject_key, branch, note))

    def decoy(self, model_id: str, kind: str, subject_key: str, note: str = "") -> None:
        """Record a decoy the model must leave alone."""
        self.decoys.append(Decoy(model_id, kind, subject_key, note))

    def count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def month_of(day: date) -> date:
    """The first day of `day`'s month (how the pool stores a month)."""
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The first day of the month `count` months after `month`'s (before, when negative)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """Months from `first`'s to `last`'s inclusive (first days); empty when reversed."""
    result: list[date] = []
    month = month_of(first)
    while month <= last:
        result.append(month)
        month = add_months(month, 1)
    return result


def _field_names(type_id: str) -> set[str]:
    return {f.name for f in builtin_types()[type_id].fields}


class World:
    """Factory of unique planted entities (see the module docstring), seeded."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self._counters: dict[str, int] = {}
        self._used: set[str] = set()

    # -- plumbing ---------------------------------------------------------------------
    def _next(self, space: str, start: int = 0) -> int:
        value = self._counters.get(space, start)
        self._counters[space] = value + 1
        return value

    def _unique(self, value: str) -> bool:
        if value in self._used:
            return False
        self._used.add(value)
        return True

    def day(self, start: date, end: date) -> date:
        """A day in [start, end]."""
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    def moment(self, day: date, *, start_hour: int = 7, end_hour: int = 22) -> datetime:
        """A time of `day`, between the hours given, to the minute."""
        hour = self.rng.randrange(start_hour, end_hour)
        return datetime.combine(day, time(hour, self.rng.randrange(60)))

    def money(self, low: float, high: float) -> Decimal:
        """An amount in yuan, to the fen, in [low, high)."""
        return Decimal(self.rng.randrange(int(low * 100), int(high * 100))) / 100

    def serial(self, prefix: str, year: int = 2023) -> str:
        """A unique record id like 'LP2023900000012' (planted serials start at 90000000)."""
        return f"{prefix}{year}{self._next('serial:' + prefix, 90_000_000):08d}"

    # -- people -----------------------------------------------------------------------
    def person_name(self, sex: str | None = None) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(SURNAMES) + given

    def address(self, county: str | None = None) -> str:
        """A unique street address (…路N号M室) in `county` (a code of COUNTIES)."""
        _code, city, district = (
            next(c for c in COUNTIES if c[0] == county) if county else self.rng.choice(COUNTIES)
        )
        number = self._next("address")
        street = STREETS[number % len(STREETS)]
        floor = self.rng.randrange(1, 30)
        room = self.rng.randrange(1, 5)
        return f"浙江省{city}{district}{street}{number // len(STREETS) + 1}号{floor}0{room}室"

    def phone(self) -> str:
        """A unique mobile number, 150..159 (filler uses 130..139 and 180..189)."""
        number = self._next("phone")
        scrambled = (number * 7_919_337 + 1_234_567) % 100_000_000
        return f"15{number % 10}{scrambled:08d}"

    def landline(self) -> str:
        """A unique Shaoxing landline, 0575-86xxxxxx."""
        return f"0575-86{self._next('landline'):06d}"

    def person(
        self,
        *,
        born: tuple[int, int] = (1950, 1995),
        county: str | None = None,
        sex: str | None = None,
        address: str | None = None,
    ) -> Person:
        """A new person: valid, unique ID number (sequence 500-999), name, address, phone."""
        code = county or self.rng.choice(COUNTIES)[0]
        while True:
            birth = self.day(date(born[0], 1, 1), date(born[1], 12, 31))
            sequence = self.rng.randrange(500, 1000)
            if sex is not None:  # odd sequence: male
                sequence = sequence - sequence % 2 + (1 if sex == "男" else 0)
                sequence = min(sequence, 999 if sex == "男" else 998)
            first17 = f"{code}{birth:%Y%m%d}{sequence:03d}"
            id_card = first17 + id_check_char(first17)
            if self._unique(id_card):
                break
        return Person(
            id_card=id_card,
            name=self.person_name(),
            sex="男" if sequence % 2 else "女",
            birth=birth,
            address=address or self.address(code),
            phone=self.phone(),
            county=code,
        )

    def relative(self, of: Person, *, born: tuple[int, int] = (1950, 1995)) -> Person:
        """A family member of `of`: same household address, same surname, own ID and phone."""
        other = self.person(born=born, county=of.county, address=of.address)
        return Person(
            id_card=other.id_card,
            name=of.name[0] + other.name[1:],
            sex=other.sex,
            birth=other.birth,
            address=of.address,
            phone=other.phone,
            county=other.county,
        )

    def agent(self, *, agent_type: str = "律师") -> Agent:
        """A new agent ad litem with a name no other planted agent has (models key
        agents by name and firm); lawyers have a firm."""
        firm = self.rng.choice(LAW_FIRMS) if agent_type == "律师" else None
        while True:
            name = self.person_name()
            if self._unique("agent:" + name):
                return Agent(name, firm, agent_type, self.phone())

    # -- organisations ----------------------------------------------------------------
    def org_name(self, industry: str = "贸易", county: str | None = None) -> str:
        """A unique company name of `industry` (a key of INDUSTRIES)."""
        suffix = INDUSTRIES.get(industry, industry)
        for _ in range(1000):
            _code, city, district = (
                next(c for c in COUNTIES if c[0] == county) if county else self.rng.choice(COUNTIES)
            )
            place = self.rng.choice((city[:-1], city[:-1] + district[:-1], district[:-1]))
            brand = self.rng.choice(PLANTED_BRANDS)[0] + self.rng.choice(PLANTED_BRANDS)[1]
            name = f"{place}{brand}{suffix}"
            if self._unique(name):
                return name
        raise RuntimeError("ran out of company names")  # pragma: no cover - 10^5 planted

    def uscc(self, county: str | None = None) -> str:
        """A unique, checksum-valid USCC of a company (organisation code starting 5-9)."""
        code = county or self.rng.choice(COUNTIES)[0]
        while True:
            first8 = str(self.rng.randrange(5, 10)) + f"{self.rng.randrange(10**7):07d}"
            body = "91" + code + first8 + org_check_char(first8)
            uscc = body + uscc_check_char(body)
            if self._unique(uscc):
                return uscc

    def company(
        self,
        *,
        industry: str = "贸易",
        name: str | None = None,
        address: str | None = None,
        phone: str | None = None,
        legal_rep: Person | None = None,
        established: date | None = None,
        county: str | None = None,
    ) -> Company:
        """A new company: unique USCC, name, address and phone unless given."""
        code = county or self.rng.choice(COUNTIES)[0]
        return Company(
            uscc=self.uscc(code),
            name=name or self.org_name(industry, code),
            address=address or self.address(code),
            phone=phone or self.landline(),
            legal_rep=legal_rep or self.person(born=(1960, 1990), county=code),
            established=established or self.day(date(2005, 1, 1), date(2021, 12, 31)),
            capital=Decimal(self.rng.choice((50, 100, 200, 500, 1000))) * 10_000,
        )

    # -- vehicles and courts ------------------------------------------------------------
    def vehicle(self, city: str = "绍兴市") -> Vehicle:
        """A new vehicle: plate 浙DA1234 style (a letter in third place), VIN with LJD."""
        office = PLATE_LETTERS.get(city, "D")
        while True:
            letter = self.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ")
            plate = f"浙{office}{letter}{self.rng.randrange(10_000):04d}"
            if self._unique(plate):
                break
        body = "LJD" + "".join(
            self.rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(5)
        )
        tail = "".join(self.rng.choice("0123456789") for _ in range(8))
        vin = body + "0" + tail
        vin = body + vin_check_char(vin) + tail
        return Vehicle(plate, vin)

    def court(self, county: str | None = None) -> Court:
        """A basic-level court of a county of COUNTIES."""
        code, city, district = (
            next(c for c in COUNTIES if c[0] == county) if county else self.rng.choice(COUNTIES)
        )
        court_name = (
            f"{city}{district}人民法院" if district.endswith("区") else f"{district}人民法院"
        )
        return Court(code=f"浙{code[2:]}", name=court_name, county=code)

    def case_no(self, court: Court, year: int, kind: str) -> str:
        """A unique 案号 in its cleaned form, e.g. （2023）浙0602民初50001号."""
        sequence = self._next(f"case:{court.code}:{year}:{kind}", 50_001)
        return f"（{year}）{court.code}{kind}{sequence}号"
