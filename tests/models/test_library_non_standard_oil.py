"""非标油偷逃消费税 (non_standard_oil): planted cases for every branch, and the decoys."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count
from typing import Any

import duckdb
import pytest
from library_pool import hit_keys, hits, table

from jiandu.fields.uscc import check_char, org_check_char

MODEL = "non_standard_oil"
FUEL_CODE = "1070101030100000000"  # 成品油 (diesel)
CHEM_CODE = "1070213990000000000"  # a chemical-products code outside 成品油
SERVICE_CODE = "3010102020100000000"  # road freight service
_invoice_numbers = count(24330001)


def uscc(org8: str) -> str:
    """A Shaoxing Yuecheng credit code with valid organisation and GB 32100 check characters."""
    first17 = "91330602" + org8 + org_check_char(org8)
    return first17 + check_char(first17)


Company = tuple[str, str]
REFINERY: Company = (uscc("MA2B0001"), "浙江甬兴石油化工有限公司")
FUEL_FROM_CHEM: Company = (uscc("MA2B0002"), "绍兴越城鑫达石化贸易有限公司")
TO_USERS: Company = (uscc("MA2B0003"), "绍兴越城恒通能源贸易有限公司")
DISGUISED: Company = (uscc("MA2B0004"), "绍兴越城瑞丰新能源科技有限公司")
TO_FLEETS: Company = (uscc("MA2B0005"), "绍兴越城华盛化工贸易有限公司")
LOGISTICS: Company = (uscc("MA2B0006"), "绍兴越城顺风物流有限公司")
STATION: Company = (uscc("MA2B0007"), "绍兴越城城东加油站有限公司")
BUILDER: Company = (uscc("MA2B0008"), "绍兴越城宏远建设工程有限公司")
RETAILER: Company = (uscc("MA2B0009"), "绍兴越城联众商贸有限公司")
PLANT: Company = (uscc("MA2B0010"), "浙江越芳化工有限公司")
RESIN: Company = (uscc("MA2B0011"), "绍兴越城新材料科技有限公司")
WHOLESALER: Company = (uscc("MA2B0012"), "绍兴越城中油石油销售有限公司")
COMPANIES = [
    REFINERY,
    FUEL_FROM_CHEM,
    TO_USERS,
    DISGUISED,
    TO_FLEETS,
    LOGISTICS,
    STATION,
    BUILDER,
    RETAILER,
    PLANT,
    RESIN,
    WHOLESALER,
]


def line(
    seller: Company,
    buyer: Company,
    goods: str,
    code: str,
    amount: str,
    issued: date = date(2024, 3, 1),
) -> dict[str, Any]:
    """One invoice goods line (a fresh invoice number each time)."""
    value = Decimal(amount)
    return {
        "invoice_code": "033002300111",
        "invoice_no": f"{next(_invoice_numbers):08d}",
        "seller_uscc": seller[0],
        "seller_name": seller[1],
        "buyer_uscc": buyer[0],
        "buyer_name": buyer[1],
        "goods_name": goods,
        "tax_code": code,
        "quantity": str(round(value / 6000, 3)),
        "unit": "吨",
        "amount": value,
        "tax": (value * Decimal("0.13")).quantize(Decimal("0.01")),
        "issue_date": issued,
    }


def vehicle(plate: str, owner: Company, event: str, day: date) -> dict[str, Any]:
    """One vehicle-registry event for a company-owned vehicle."""
    return {
        "plate": plate,
        "owner_name": owner[1],
        "owner_uscc": owner[0],
        "status": "正常",
        "event": event,
        "event_date": day,
    }


def planted_lines() -> list[dict[str, Any]]:
    """Every branch's true case and every decoy."""
    return [
        # 变票: 1.2 million of mixed aromatics in, 0.8 million of diesel out, no fuel bought.
        line(REFINERY, FUEL_FROM_CHEM, "*化学原料*混合芳烃", CHEM_CODE, "1200000"),
        line(FUEL_FROM_CHEM, RETAILER, "*成品油*柴油", FUEL_CODE, "500000"),
        line(FUEL_FROM_CHEM, LOGISTICS, "*成品油*柴油", FUEL_CODE, "300000"),
        # Light cycle oil in, sold on to a logistics firm and a filling station.
        line(REFINERY, TO_USERS, "*化学原料*轻循环油", CHEM_CODE, "1500000"),
        line(TO_USERS, LOGISTICS, "*化学原料*轻循环油", CHEM_CODE, "350000"),
        line(TO_USERS, STATION, "*化学原料*轻循环油", CHEM_CODE, "250000"),
        # Diesel invoiced as a non-fuel good.
        line(DISGUISED, RETAILER, "*非成品油*复合柴油", CHEM_CODE, "200000"),
        # Stabilised light hydrocarbons in, sold to a builder with a fleet and no goods sales.
        line(REFINERY, TO_FLEETS, "*化学原料*稳定轻烃", CHEM_CODE, "1100000"),
        line(TO_FLEETS, BUILDER, "*化学原料*稳定轻烃", CHEM_CODE, "400000"),
        line(BUILDER, RETAILER, "*运输服务*货物运输服务", SERVICE_CODE, "80000"),
        # Decoy: a chemical plant turning naphtha into aromatics for a resin maker, which
        # owns trucks but sells goods (it processes what it buys).
        line(REFINERY, PLANT, "*化学原料*石脑油", CHEM_CODE, "5000000"),
        line(PLANT, RESIN, "*化学原料*混合芳烃", CHEM_CODE, "2000000"),
        line(PLANT, RESIN, "*有机化学原料*二甲苯", CHEM_CODE, "900000"),
        line(RESIN, RETAILER, "*合成树脂*石油树脂", CHEM_CODE, "1500000"),
        # Decoy: a fuel wholesaler that buys both fuel and aromatics and sells fuel.
        line(REFINERY, WHOLESALER, "*化学原料*混合芳烃", CHEM_CODE, "1000000"),
        line(REFINERY, WHOLESALER, "*成品油*柴油", FUEL_CODE, "2000000"),
        line(WHOLESALER, STATION, "*成品油*柴油", FUEL_CODE, "1800000"),
    ]


def fleets() -> list[dict[str, Any]]:
    vehicles = [
        vehicle(f"浙D{n}", BUILDER, "注册", date(2021, 5, 1)) for n in (12345, 23456, 34567, 45678)
    ]
    vehicles += [
        vehicle(f"浙D{n}", RESIN, "注册", date(2020, 3, 1)) for n in (56789, 67891, 78912, 89123)
    ]
    return vehicles


def pool(
    lines: list[dict[str, Any]] | None = None,
    vehicles: list[dict[str, Any]] | None = None,
) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    table(con, "tax_invoice", planted_lines() if lines is None else lines)
    table(con, "company_registry", [{"uscc": c, "name": n, "status": "存续"} for c, n in COMPANIES])
    table(con, "vehicle_registry", fleets() if vehicles is None else vehicles)
    return con


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    return pool()


def test_every_branch_finds_its_planted_case(con: duckdb.DuckDBPyConnection) -> None:
    assert hit_keys(con, MODEL) == {
        FUEL_FROM_CHEM[0]: {"fuel_from_chemicals"},
        TO_USERS[0]: {"sold_to_fuel_users"},
        DISGUISED[0]: {"disguised_fuel_code"},
        TO_FLEETS[0]: {"sold_to_vehicle_owners"},
    }


def test_titles_and_evidence_render(con: duckdb.DuckDBPyConnection) -> None:
    found = {(h["subject_key"], h["branch"]): h for h in hits(con, MODEL)}
    switch = found[(FUEL_FROM_CHEM[0], "fuel_from_chemicals")]
    assert switch["title"] == (
        "绍兴越城鑫达石化贸易有限公司：购进*化学原料*混合芳烃等类油化工品1200000.00元，"
        "购进成品油仅0.00元，却销出*成品油*柴油等成品油800000.00元"
    )
    assert switch["subject_type"] == "org"
    assert switch["severity"] == "high"
    assert switch["evidence"]["counterparties"] == 2
    users = found[(TO_USERS[0], "sold_to_fuel_users")]
    assert "2家加油站、物流运输企业销售" in users["title"]
    assert users["suspect_sales"] == Decimal("600000.00")
    disguised = found[(DISGUISED[0], "disguised_fuel_code")]
    assert disguised["title"] == (
        "绍兴越城瑞丰新能源科技有限公司：以非成品油税收分类编码（1070213990000000000）"
        "开具*非成品油*复合柴油等燃料品名发票200000.00元"
    )
    fleet = found[(TO_FLEETS[0], "sold_to_vehicle_owners")]
    assert fleet["severity"] == "medium"
    assert fleet["fleet_vehicles"] == 4
    assert fleet["example_fleet"] == BUILDER[1]


def test_decoy_chemical_plant_selling_chemicals(con: duckdb.DuckDBPyConnection) -> None:
    """A plant buying naphtha and selling aromatics to a processor is not a clue."""
    found = hit_keys(con, MODEL)
    assert PLANT[0] not in found
    assert REFINERY[0] not in found


def test_decoy_truck_owner_that_sells_goods_is_a_processor() -> None:
    """The resin maker owns trucks but invoices goods; drop its sales and the plant fires."""
    lines = [row for row in planted_lines() if row["seller_uscc"] != RESIN[0]]
    assert hit_keys(pool(lines), MODEL)[PLANT[0]] == {"sold_to_vehicle_owners"}


def test_decoy_fuel_wholesaler_buying_fuel(con: duckdb.DuckDBPyConnection) -> None:
    """Fuel sold is covered by fuel bought: not a goods-name switch."""
    assert WHOLESALER[0] not in hit_keys(con, MODEL)
    looser = hit_keys(con, MODEL, params={"max_fuel_input_share": 1.2})
    assert looser[WHOLESALER[0]] == {"fuel_from_chemicals"}


def test_fuel_coded_as_fuel_is_not_disguised() -> None:
    """Diesel under a 成品油 code, or naphtha under a fuel code, is ordinary taxed fuel."""
    lines = [
        line(DISGUISED, RETAILER, "*成品油*柴油", FUEL_CODE, "300000"),
        line(REFINERY, TO_USERS, "*成品油*石脑油", "1070101070000000000", "1500000"),
        line(TO_USERS, LOGISTICS, "*成品油*石脑油", "1070101070000000000", "900000"),
    ]
    assert hit_keys(pool(lines), MODEL) == {}


def test_edible_blend_oil_to_a_logistics_firm_is_groceries() -> None:
    """食用调和油 contains 调和油: a grocery wholesaler selling cooking oil to a logistics
    firm's canteen is not selling fuel to fuel users."""
    grocer: Company = (uscc("MA2B0098"), "绍兴越城丰收粮油商贸有限公司")
    lines = [
        line(REFINERY, grocer, "*食用植物油*食用调和油", "1030305000000000000", "1500000"),
        line(grocer, LOGISTICS, "*食用植物油*食用调和油", "1030305000000000000", "700000"),
    ]
    assert hit_keys(pool(lines), MODEL) == {}
    # Without the exclusion, the name alone would have made it a clue.
    assert grocer[0] in hit_keys(pool(lines), MODEL, params={"non_fuel_words": ["无此字"]})


def test_vehicles_transferred_away_do_not_count() -> None:
    """A builder whose trucks were sold or scrapped is no longer a fleet owner."""
    other: Company = (uscc("MA2B0099"), "绍兴越城远方运贸有限公司")
    vehicles = fleets()
    vehicles.append(vehicle("浙D12345", other, "转移", date(2023, 2, 1)))
    vehicles.append({**vehicle("浙D23456", BUILDER, "注销", date(2023, 4, 1)), "status": "注销"})
    assert TO_FLEETS[0] not in hit_keys(pool(vehicles=vehicles), MODEL)


def test_old_invoices_are_outside_the_window() -> None:
    lines = [{**row, "issue_date": date(2022, 12, 1)} for row in planted_lines()]
    assert hit_keys(pool(lines), MODEL) == {}
    assert hit_keys(pool(lines), MODEL, params={"window_days": 800}) != {}


def test_parameters_override(con: duckdb.DuckDBPyConnection) -> None:
    stricter = hit_keys(con, MODEL, params={"min_chemical_purchase": 1300000, "min_vehicles": 5})
    assert stricter == {
        TO_USERS[0]: {"sold_to_fuel_users"},
        DISGUISED[0]: {"disguised_fuel_code"},
    }
    # Goods lists are parameters: without 复合柴油's fuel word it is no longer a fuel name.
    narrower = hit_keys(con, MODEL, params={"fuel_goods": ["汽油"]})
    assert DISGUISED[0] not in narrower
    assert FUEL_FROM_CHEM[0] in narrower  # its diesel still carries a fuel tax code
