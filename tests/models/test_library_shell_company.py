"""空壳公司 (shell_company): planted groups for every branch, and the decoys."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count
from typing import Any

import duckdb
import pytest
from library_pool import hit_keys, hits, table

from jiandu.fields.id_card import check_char as id_check_digit
from jiandu.fields.uscc import check_char, org_check_char

MODEL = "shell_company"
SHARED_ADDRESS = "浙江省绍兴市越城区解放北路100号1801室"
SHARED_PHONE = "13957512345"
AGENT, AGENT_PHONE = "王丽", "13800001111"
INCUBATOR = "浙江省绍兴市越城区科创大走廊孵化园A座"
_serial = count(1)
_invoice_numbers = count(24330001)
BUYER_USCC = "91330602" + "MA2D0001" + org_check_char("MA2D0001")
BUYER_USCC += check_char(BUYER_USCC)


def uscc() -> str:
    """A fresh Shaoxing credit code with valid organisation and GB 32100 check characters."""
    org8 = f"MA2C{next(_serial):04d}"
    first17 = "91330602" + org8 + org_check_char(org8)
    return first17 + check_char(first17)


def id_card(seq: int) -> str:
    first17 = f"33060219850312{seq:03d}"
    return first17 + id_check_digit(first17)


def company(
    name: str,
    *,
    address: str | None = None,
    phone: str | None = None,
    agent: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """A registry row; unshared address and phone unless given."""
    n = next(_serial)
    return {
        "uscc": uscc(),
        "name": name,
        "reg_address": address or f"浙江省绍兴市越城区人民路{n}号",
        "phone": phone or f"0575-8{n:06d}",
        "established": date(2023, 1, 1 + n % 28),
        "status": "存续",
        "agent_name": agent[0] if agent else None,
        "agent_phone": agent[1] if agent else None,
    }


def invoice(seller: dict[str, Any], issued: date = date(2024, 4, 1)) -> dict[str, Any]:
    return {
        "invoice_code": "033002300111",
        "invoice_no": f"{next(_invoice_numbers):08d}",
        "seller_uscc": seller["uscc"],
        "seller_name": seller["name"],
        "buyer_uscc": BUYER_USCC,
        "buyer_name": "绍兴某建材有限公司",
        "goods_name": "*建筑用石*碎石",
        "amount": Decimal("98000.00"),
        "issue_date": issued,
    }


def insured(employer: dict[str, Any], seq: int, month: date = date(2024, 5, 1)) -> dict[str, Any]:
    return {
        "id_card": id_card(seq),
        "name": f"职工{seq}",
        "employer_uscc": employer["uscc"],
        "employer_name": employer["name"],
        "month": month,
        "base_amount": Decimal("4462.00"),
        "insurance_kind": "养老保险",
    }


class Pool:
    """Registry, invoices and contributions built up by the tests."""

    def __init__(self) -> None:
        self.companies: list[dict[str, Any]] = []
        self.invoices: list[dict[str, Any]] = []
        self.contributions: list[dict[str, Any]] = []

    def add(self, *, invoices: bool = True, staff: int = 0, **kwargs: Any) -> dict[str, Any]:
        row = company(f"绍兴越城{len(self.companies) + 1:02d}号商贸有限公司", **kwargs)
        self.companies.append(row)
        if invoices:
            self.invoices.append(invoice(row))
        for _ in range(staff):
            self.contributions.append(insured(row, len(self.contributions) + 1))
        return row

    def connect(self) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect()
        table(con, "company_registry", self.companies)
        table(con, "tax_invoice", self.invoices)
        table(con, "social_insurance", self.contributions)
        return con


def planted() -> Pool:
    pool = Pool()
    for _ in range(6):  # six shells at one flat
        pool.add(address=SHARED_ADDRESS)
    for _ in range(5):  # five shells answering one mobile phone
        pool.add(phone=SHARED_PHONE)
    for _ in range(5):  # five shells registered by one agent
        pool.add(agent=(AGENT, AGENT_PHONE))
    # A shell whose last contribution was in 2022 still counts as having nobody insured.
    old = pool.companies[0]
    pool.contributions.append(insured(old, 900, month=date(2022, 6, 1)))
    # Decoy: an incubator where most companies have staff.
    for k in range(12):
        pool.add(address=INCUBATOR, staff=0 if k < 5 else 3)
    # Decoy: five dormant companies at one address that issue no invoices.
    for _ in range(5):
        pool.add(address="浙江省绍兴市越城区中兴南路8号", invoices=False)
    # Decoy: namesakes of the agent with their own phones are different agents.
    for n in range(5):
        pool.add(agent=(AGENT, f"1390575{n:04d}"))
    return pool


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    return planted().connect()


ADDRESS_KEY = f"住所：{SHARED_ADDRESS}"
PHONE_KEY = f"联系电话：{SHARED_PHONE}"
AGENT_KEY = f"登记代理人：{AGENT}（{AGENT_PHONE}）"


def test_every_branch_finds_its_planted_group(con: duckdb.DuckDBPyConnection) -> None:
    assert hit_keys(con, MODEL) == {
        ADDRESS_KEY: {"shared_address"},
        PHONE_KEY: {"shared_phone"},
        AGENT_KEY: {"shared_agent"},
    }


def test_title_and_evidence_render(con: duckdb.DuckDBPyConnection) -> None:
    found = {h["subject_key"]: h for h in hits(con, MODEL)}
    address = found[ADDRESS_KEY]
    assert address["title"] == f"住所“{SHARED_ADDRESS}”名下6家企业无人参保却开具发票（共6家企业）"
    assert address["subject_type"] == "group"
    assert address["evidence"]["shells"] == 6
    assert address["invoices"] == 6
    assert address["invoice_amount"] == Decimal("588000.00")
    assert found[AGENT_KEY]["title"].startswith(f"登记代理人“{AGENT}（{AGENT_PHONE}）”名下5家")


def test_decoy_incubator_with_staff(con: duckdb.DuckDBPyConnection) -> None:
    """5 of 12 incubator companies lack staff: enough shells, but not most of them."""
    assert not any(INCUBATOR in key for key in hit_keys(con, MODEL))
    looser = hit_keys(con, MODEL, params={"min_shell_share": 0.4})
    assert looser[f"住所：{INCUBATOR}"] == {"shared_address"}


def test_decoy_incubator_where_every_company_has_staff() -> None:
    pool = Pool()
    for _ in range(8):
        pool.add(address=INCUBATOR, staff=2)
    assert hit_keys(pool.connect(), MODEL) == {}


def test_decoy_dormant_companies_without_invoices(con: duckdb.DuckDBPyConnection) -> None:
    assert not any("中兴南路" in key for key in hit_keys(con, MODEL))


def test_decoy_namesake_agents_are_not_merged(con: duckdb.DuckDBPyConnection) -> None:
    assert [k for k in hit_keys(con, MODEL) if k.startswith("登记代理人")] == [AGENT_KEY]


def test_invoices_outside_the_window_do_not_count() -> None:
    pool = Pool()
    for _ in range(5):
        pool.add(address=SHARED_ADDRESS)
    pool.invoices = [{**row, "issue_date": date(2022, 1, 10)} for row in pool.invoices]
    assert hit_keys(pool.connect(), MODEL) == {}
    assert set(hit_keys(pool.connect(), MODEL, params={"window_days": 1000})) == {ADDRESS_KEY}


def test_parameters_override(con: duckdb.DuckDBPyConnection) -> None:
    assert set(hit_keys(con, MODEL, params={"min_shells": 6})) == {ADDRESS_KEY}
