"""Planter of `case_filing_supervision` (有案不立、以罚代刑): theft and fraud incidents in the
police data (police_incident, one row per suspect per incident) and the administrative
penalties behind the 行政处罚 outcomes (admin_penalty).

The model flags an incident (subject key: its 警情编号) when

- `not_filed`: a theft of >= 3,000 yuan or a fraud of >= 6,000 yuan was left 不予立案, 撤案,
  行政处罚 or 治安调解;
- `pending`: such an incident was received (受案) more than 60 days ago and is still
  undecided;
- `repeat_theft`: it is a suspect's (by ID number) third or later theft within 730 days and
  was not filed, whatever the amount (多次盗窃).

True stories:

- *not_filed*: a theft (3,000-60,000 yuan) or fraud (6,000-300,000 yuan) with one or two
  known suspects, fined or mediated, or one with or without a suspect left unfiled or
  withdrawn; one in six sits exactly on the threshold (the rule is "at or above").
- *pending*: a theft or (telecom) fraud above the threshold received 61-700 days ago and
  still 受案, with or without a known suspect.
- *repeat_theft*: one suspect's three or four small thefts (200-2,500 yuan) within a year,
  each handled administratively: the third and the fourth are the clues (one true case
  each); the third sometimes had a first-time accomplice (two rows, one clue).

Decoys (subject key: the incident's 警情编号), each next to a rule's edge:
`below_threshold` (2,500-2,999.99 yuan thefts, 5,000-5,999.99 yuan frauds, not filed),
`decided_within_60_days` (above the threshold, filed or transferred within 60 days),
`pending_within_limit` (受案 45-60 days ago), `pending_below_threshold` (受案 for months,
under the threshold), `other_incident_type` (a civil dispute worth more than the thresholds,
mediated), `repeat_first_two` (the first two thefts of a repeat story),
`two_thefts`, `thefts_over_two_years` (first and third more than 730 days apart),
`third_theft_filed`, `repeat_fraud` (three small frauds: counting applies to theft) and
`name_only` (three thefts by a suspect known only by name).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from jiandu.demo.world import COUNTIES, DEMO_AS_OF, DemoData, Person, World

__all__ = ["BRANCHES", "DECOYS", "MODEL_ID", "plant"]

MODEL_ID = "case_filing_supervision"
BRANCHES = ("not_filed", "pending", "repeat_theft")
THEFT_THRESHOLD = Decimal(3000)
FRAUD_THRESHOLD = Decimal(6000)
NOT_FILED = ("不予立案", "撤案", "行政处罚", "治安调解")
STORY_START = date(2022, 3, 1)
STATIONS = ("城南", "城东", "城北", "城西", "城中", "新城", "江滨", "湖滨", "开发区", "城郊")
THEFT_TYPES = ("盗窃", "盗窃", "盗窃", "入户盗窃")
FRAUD_TYPES = ("诈骗", "电信网络诈骗")


def _ago(days: int) -> date:
    return DEMO_AS_OF - timedelta(days=days)


def _unit(world: World, county: str) -> tuple[str, str, str]:
    """A police station of `county` (…公安局…分局…派出所, or …县/市公安局…派出所): its name,
    the bureau above it that decides detentions, and the bureau's document prefix."""
    _, city, district = next(c for c in COUNTIES if c[0] == county)
    station = world.rng.choice(STATIONS)
    bureau = f"{city}公安局{district}分局" if district.endswith("区") else f"{district}公安局"
    return f"{bureau}{station}派出所", bureau, f"{district[0]}公（{station}）"


def _incident(
    world: World,
    data: DemoData,
    *,
    kind: str,
    day: date,
    amount: Decimal,
    status: str,
    suspects: Sequence[Person | tuple[None, str]] = (),
    decided: date | None = None,
) -> str:
    """One incident: one row per suspect (one row without a suspect when none is known),
    and an administrative penalty per known suspect when it was fined. A suspect given as
    (None, name) is known by name only. Decided 1-30 days after the report unless
    `decided` is given; 受案 incidents are undecided."""
    rng = world.rng
    reporter = world.person(born=(1950, 2000))
    county = suspects[0].county if suspects and isinstance(suspects[0], Person) else reporter.county
    incident_id = world.serial(f"J{county}", day.year)
    when = world.moment(day, start_hour=6, end_hour=23)
    unit, bureau, prefix = _unit(world, county)
    if status == "受案":
        decided = None
    elif decided is None:
        decided = min(day + timedelta(days=rng.randrange(1, 31)), DEMO_AS_OF)
    rows: Sequence[Person | tuple[None, str] | None] = suspects or (None,)
    for suspect in rows:
        name: str | None = None
        id_card: str | None = None
        if isinstance(suspect, Person):
            name, id_card = suspect.name, suspect.id_card
        elif suspect is not None:
            name = suspect[1]
        data.add(
            "police_incident",
            incident_id=incident_id,
            report_time=when,
            reporter_name=reporter.name,
            reporter_id_card=reporter.id_card,
            incident_type=kind,
            amount=amount,
            status=status,
            decision_date=decided,
            handling_unit=unit,
            suspect_name=name,
            suspect_id_card=id_card,
        )
        if status == "行政处罚" and decided is not None and name is not None:
            _penalty(world, data, kind, amount, decided, (bureau, prefix), name, id_card)
    return incident_id


def _penalty(
    world: World,
    data: DemoData,
    kind: str,
    amount: Decimal,
    decided: date,
    bureau: tuple[str, str],
    name: str,
    id_card: str | None,
) -> None:
    """The 行政处罚决定书 behind a fined incident (治安管理处罚法 第四十九条), decided by
    the bureau (name, document prefix) above the station."""
    rng = world.rng
    days, fine = rng.choice(((5, 0), (10, 0), (10, 500), (15, 1000)))
    number = world.serial("XF", decided.year)[-8:]
    data.add(
        "admin_penalty",
        penalty_id=f"{bureau[1]}行罚决字〔{decided.year}〕{number}号",
        party_name=name,
        party_id_card=id_card,
        violation_type=kind.removeprefix("入户").removeprefix("电信网络"),
        amount_involved=amount,
        penalty=f"行政拘留{days}日" + (f"，并处罚款{fine}元" if fine else ""),
        fine_amount=Decimal(fine) if fine else None,
        decision_date=decided,
        unit=bureau[0],
    )


def _suspect(world: World) -> Person:
    return world.person(born=(1970, 2004))


def _theft_or_fraud(world: World) -> tuple[str, Decimal]:
    """An incident type and its threshold, two thefts to each fraud."""
    if world.rng.random() < 2 / 3:
        return world.rng.choice(THEFT_TYPES), THEFT_THRESHOLD
    return world.rng.choice(FRAUD_TYPES), FRAUD_THRESHOLD


def _above(world: World, threshold: Decimal) -> Decimal:
    """An amount at (one in six) or above the threshold, up to 50 times it."""
    if world.rng.random() < 1 / 6:
        return threshold
    return world.money(float(threshold), float(threshold) * world.rng.choice((2, 5, 20, 50)))


def _thefts(
    world: World,
    data: DemoData,
    suspect: Person | tuple[None, str],
    days: Sequence[date],
    statuses: Sequence[str],
    kind: str = "盗窃",
    threshold: Decimal = THEFT_THRESHOLD,
) -> list[str]:
    """A suspect's series of small incidents (under the threshold) on `days`."""
    return [
        _incident(
            world,
            data,
            kind=kind,
            day=day,
            amount=world.money(200, float(threshold) * 0.83),
            status=status,
            suspects=[suspect],
        )
        for day, status in zip(days, statuses, strict=True)
    ]


def _series_days(world: World, count: int) -> list[date]:
    """`count` days within a year: 40-120 days apart, the last before the reference date."""
    day = world.day(STORY_START, date(2023, 3, 1))
    days = [day]
    for _ in range(count - 1):
        day += timedelta(days=world.rng.randrange(40, 121))
        days.append(day)
    return days


def _small_status(world: World) -> str:
    return world.rng.choice(("行政处罚", "行政处罚", "治安调解", "不予立案"))


# -- true stories -------------------------------------------------------------------------


def _not_filed(world: World, data: DemoData) -> list[str]:
    """A theft or fraud above the threshold, fined, mediated, unfiled or withdrawn."""
    rng = world.rng
    kind, threshold = _theft_or_fraud(world)
    status = rng.choice(NOT_FILED)
    suspects: list[Person] = []
    if status in ("行政处罚", "治安调解") or rng.random() < 0.5:
        suspects = [_suspect(world) for _ in range(rng.choice((1, 1, 1, 2)))]
    day = world.day(STORY_START, _ago(20))
    decided = None
    if status == "撤案":  # filed, then withdrawn months later
        decided = min(day + timedelta(days=rng.randrange(60, 240)), DEMO_AS_OF)
    return [
        _incident(
            world,
            data,
            kind=kind,
            day=day,
            amount=_above(world, threshold),
            status=status,
            suspects=suspects,
            decided=decided,
        )
    ]


def _pending(world: World, data: DemoData) -> list[str]:
    """Received more than 60 days ago and never decided."""
    kind, threshold = _theft_or_fraud(world)
    suspects = [_suspect(world)] if world.rng.random() < 0.5 else []
    day = world.day(_ago(700), _ago(61))
    return [
        _incident(
            world,
            data,
            kind=kind,
            day=day,
            amount=_above(world, threshold),
            status="受案",
            suspects=suspects,
        )
    ]


def _repeat_theft(world: World, data: DemoData, count: int) -> tuple[list[str], list[str]]:
    """`count` (3 or 4) small thefts by one suspect: the first two were no crime when
    handled (returned second), the later ones are (returned first)."""
    suspect = _suspect(world)
    days = _series_days(world, count)
    statuses = [_small_status(world) for _ in days]
    first_two = _thefts(world, data, suspect, days[:2], statuses[:2])
    later = []
    for i, day in enumerate(days[2:], start=2):
        together: list[Person] = [suspect]
        if i == 2 and world.rng.random() < 0.3:
            together.append(_suspect(world))  # a first-time accomplice: no clue of his own
        later.append(
            _incident(
                world,
                data,
                kind="盗窃",
                day=day,
                amount=world.money(200, 2500),
                status=statuses[i],
                suspects=together,
            )
        )
    return later, first_two


# -- decoys -------------------------------------------------------------------------------


def _below_threshold(world: World, data: DemoData) -> list[str]:
    kind, threshold = _theft_or_fraud(world)
    low = float(threshold) * (5 / 6)
    return [
        _incident(
            world,
            data,
            kind=kind,
            day=world.day(STORY_START, _ago(20)),
            amount=world.money(low, float(threshold)),
            status=world.rng.choice(NOT_FILED),
            suspects=[_suspect(world)],
        )
    ]


def _decided_within_60_days(world: World, data: DemoData) -> list[str]:
    kind, threshold = _theft_or_fraud(world)
    day = world.day(STORY_START, _ago(90))
    return [
        _incident(
            world,
            data,
            kind=kind,
            day=day,
            amount=_above(world, threshold),
            status=world.rng.choice(("立案", "立案", "立案", "移送")),
            suspects=[_suspect(world)] if world.rng.random() < 0.6 else [],
            decided=day + timedelta(days=world.rng.randrange(3, 61)),
        )
    ]


def _pending_within_limit(world: World, data: DemoData) -> list[str]:
    kind, threshold = _theft_or_fraud(world)
    return [
        _incident(
            world,
            data,
            kind=kind,
            day=_ago(world.rng.randrange(45, 61)),
            amount=_above(world, threshold),
            status="受案",
        )
    ]


def _pending_below_threshold(world: World, data: DemoData) -> list[str]:
    kind, threshold = _theft_or_fraud(world)
    return [
        _incident(
            world,
            data,
            kind=kind,
            day=world.day(_ago(600), _ago(61)),
            amount=world.money(float(threshold) / 10, float(threshold)),
            status="受案",
        )
    ]


def _other_incident_type(world: World, data: DemoData) -> list[str]:
    """A civil dispute reported to the police, worth more than either threshold."""
    return [
        _incident(
            world,
            data,
            kind=world.rng.choice(("经济纠纷", "经济纠纷", "邻里纠纷")),
            day=world.day(STORY_START, _ago(20)),
            amount=world.money(6000, 50_000),
            status=world.rng.choice(("治安调解", "其他")),
            suspects=[_suspect(world)],
        )
    ]


def _two_thefts(world: World, data: DemoData) -> list[str]:
    days = _series_days(world, 2)
    return _thefts(world, data, _suspect(world), days, [_small_status(world) for _ in days])


def _thefts_over_two_years(world: World, data: DemoData) -> list[str]:
    """Three thefts, the third 731-1,100 days after the first."""
    rng = world.rng
    first = world.day(date(2021, 6, 1), date(2022, 6, 1))
    latest = (_ago(5) - first).days
    third = first + timedelta(days=rng.randrange(731, min(1100, latest) + 1))
    second = first + timedelta(days=rng.randrange(100, 600))
    days = [first, second, third]
    return _thefts(world, data, _suspect(world), days, [_small_status(world) for _ in days])


def _third_theft_filed(world: World, data: DemoData) -> list[str]:
    """Three thefts within a year, the third filed as a crime (as it should be)."""
    days = _series_days(world, 3)
    statuses = [_small_status(world), _small_status(world), "立案"]
    return _thefts(world, data, _suspect(world), days, statuses)


def _repeat_fraud(world: World, data: DemoData) -> list[str]:
    """Three small frauds within a year: repeat fraud is no crime by count."""
    days = _series_days(world, 3)
    statuses = ["行政处罚"] * 3
    return _thefts(world, data, _suspect(world), days, statuses, "诈骗", FRAUD_THRESHOLD)


def _name_only(world: World, data: DemoData) -> list[str]:
    """Three thefts by a suspect the police recorded by name only (no ID number)."""
    days = _series_days(world, 3)
    name = world.person_name()
    return _thefts(world, data, (None, name), days, [_small_status(world) for _ in days])


DECOYS: dict[str, Callable[[World, DemoData], list[str]]] = {
    "below_threshold": _below_threshold,
    "decided_within_60_days": _decided_within_60_days,
    "pending_within_limit": _pending_within_limit,
    "pending_below_threshold": _pending_below_threshold,
    "other_incident_type": _other_incident_type,
    "two_thefts": _two_thefts,
    "thefts_over_two_years": _thefts_over_two_years,
    "third_theft_filed": _third_theft_filed,
    "repeat_fraud": _repeat_fraud,
    "name_only": _name_only,
}


def plant(world: World, data: DemoData, cases: int) -> None:
    """Plant `cases` flagged incidents round-robin over the three branches (a repeat-theft
    story of four thefts gives two cases, of three one), max(2, cases // 2) decoy
    incidents of each kind, and the first two thefts of each repeat story as decoys."""
    quota = {b: cases // len(BRANCHES) + (1 if i < cases % len(BRANCHES) else 0)
             for i, b in enumerate(BRANCHES)}  # fmt: skip
    for _ in range(quota["not_filed"]):
        data.case(MODEL_ID, _not_filed(world, data)[0], "not_filed")
    for _ in range(quota["pending"]):
        data.case(MODEL_ID, _pending(world, data)[0], "pending")
    left = quota["repeat_theft"]
    while left > 0:
        later, first_two = _repeat_theft(world, data, 4 if left >= 2 else 3)
        for key in later:
            data.case(MODEL_ID, key, "repeat_theft")
        for key in first_two:
            data.decoy(MODEL_ID, "repeat_first_two", key)
        left -= len(later)
    for kind, decoy in DECOYS.items():
        planted = 0
        while planted < max(2, cases // 2):
            for key in decoy(world, data):
                data.decoy(MODEL_ID, kind, key)
                planted += 1
