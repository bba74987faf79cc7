"""死亡人员冒领养老金 (pension_after_death): planted cases, decoys and ordinary records.

The model (jiandu/models/library/pension_after_death.yaml) reads three datasets: the
social-security agency's monthly `pension_payment` rows (one per person and month, the
month being the month the pension is *for*), `death_record` (cremation, registry
cancellation and medical death certificates; the earliest date per person counts) and the
prisons' / community-correction offices' `sentence_record`. It has two branches:

- `after_death`: two or more monthly payments for months after the month of death;
- `in_custody`: two or more payments for months strictly between the month custody began
  and the month it ended (release, or an earlier 假释 / 暂予监外执行) under 拘役, 有期徒刑,
  无期徒刑 or 死刑缓期执行.

True cases carry at least three such months, so one corrupted payment row rejected by the
import leaves the case above the threshold. Decoys sit right at the rule's edges: the
pension for the month of death, one month paid after it, the months of admission and
release, one month inside custody, non-custodial sentences (管制, 缓刑) and early releases
(假释, 暂予监外执行) after which the pension is lawfully paid again. Ordinary records are
living pensioners paid all year and deaths of people who drew no pension.

Every person is a retiree of the planted key space (`World.person`); nobody here has
medical settlements, so medical_insurance_fraud, the other reader of `death_record`,
stays quiet.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from jiandu.demo.world import (
    COUNTIES,
    Court,
    DemoData,
    Person,
    World,
    add_months,
    month_of,
    months_between,
)

__all__ = ["BRANCHES", "DECOY_KINDS", "MODEL_ID", "plant"]

MODEL_ID = "pension_after_death"
BRANCHES = ("after_death", "in_custody")
DECOY_KINDS = (
    "paid_in_death_month",
    "one_month_arrears",
    "custody_edge_months",
    "one_month_in_custody",
    "non_custodial_sentence",
    "early_release_restores_pension",
)

# The payment data cover January 2022 to the demo's reference month (DEMO_AS_OF, June 2024).
FIRST_MONTH = date(2022, 1, 1)
LAST_MONTH = date(2024, 6, 1)
# Pensions rise by about 3.8% every January (the yearly national adjustment).
YEARLY_RAISE = Decimal("1.038")

PRISONS = ("浙江省第一监狱", "浙江省第二监狱", "浙江省第四监狱", "浙江省第六监狱",
           "浙江省乔司监狱", "浙江省十里丰监狱", "浙江省金华监狱", "浙江省长湖监狱",
           "浙江省南湖监狱")  # fmt: skip
WOMENS_PRISON = "浙江省女子监狱"
# The sources of death records (a second record of a death comes a day after the first).
DEATH_SOURCES = ("医院", "火化", "户籍注销")


# -- months ---------------------------------------------------------------------------------


def term_end(start: date, months: int) -> date:
    """The last day of a term of `months` months served from `start` (刑期止日)."""
    target = add_months(start, months)
    month_end = add_months(target, 1) - timedelta(days=1)
    return target.replace(day=min(start.day, month_end.day)) - timedelta(days=1)


def month_day(world: World, month: date, *, first: int = 1, last: int = 31) -> date:
    """A day of `month` between the `first` and `last` day of the month (clipped)."""
    month_end = add_months(month, 1) - timedelta(days=1)
    start = month.replace(day=min(first, month_end.day))
    end = month.replace(day=min(last, month_end.day))
    return world.day(start, end)


# -- people and their records ----------------------------------------------------------------
class Pensioner:
    """A retiree drawing a basic pension into one bank account."""

    def __init__(self, world: World) -> None:
        self.person: Person = world.person(born=(1936, 1963))
        # A 19-digit bank card number, unique because the serial is.
        self.account = world.serial("6217855", 7500)
        self.base = world.money(1800, 6500)  # monthly pension in 2022

    @property
    def key(self) -> str:
        return self.person.id_card

    def amount(self, month: date) -> Decimal:
        """The pension for `month`: the 2022 amount raised every January."""
        raised = self.base * YEARLY_RAISE ** (month.year - 2022)
        return raised.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def pay(self, data: DemoData, months: list[date]) -> None:
        """One `pension_payment` row per month of `months`."""
        for month in months:
            data.add(
                "pension_payment",
                id_card=self.key,
                name=self.person.name,
                pay_month=month,
                amount=self.amount(month),
                account_no=self.account,
            )


def record_death(world: World, data: DemoData, person: Person, died: date, *, twice: bool) -> None:
    """The death of `person` on `died` from one source; with `twice`, another source a day
    later as well (the model must take the earliest)."""
    source = world.rng.choice(DEATH_SOURCES)
    rows = [(source, died)]
    if twice:
        other = world.rng.choice([s for s in DEATH_SOURCES if s != source])
        rows.append((other, died + timedelta(days=1)))
    for name, day in rows:
        data.add(
            "death_record", id_card=person.id_card, name=person.name, death_date=day, source=name
        )


def county_names(person: Person) -> tuple[str, str]:
    """(city, district) of the person's registration county."""
    _, city, district = next(c for c in COUNTIES if c[0] == person.county)
    return city, district


def community_correction(person: Person) -> str:
    """The county justice bureau that runs community correction (社区矫正) for `person`."""
    city, district = county_names(person)
    return f"{city}{district}司法局" if district.endswith("区") else f"{district}司法局"


def judgment(world: World, person: Person, start: date) -> str:
    """The 案号 of the criminal judgment executed from `start`, by the person's county
    court, in the year it was handed down (about a month before execution)."""
    court: Court = world.court(person.county)
    return world.case_no(court, (start - timedelta(days=30)).year, "刑初")


def record_sentence(
    data: DemoData,
    person: Person,
    kind: str,
    start: date,
    end: date | None,
    institution: str,
    case_no: str,
) -> None:
    data.add(
        "sentence_record",
        id_card=person.id_card,
        name=person.name,
        case_no=case_no,
        sentence_type=kind,
        start_date=start,
        end_date=end,
        institution=institution,
    )


def prison_for(world: World, person: Person) -> str:
    return WOMENS_PRISON if person.sex == "女" else world.rng.choice(PRISONS)


def detention_house(person: Person) -> str:
    """拘役 is served in the city's 拘役所 run by the police."""
    city, _ = county_names(person)
    return f"{city}拘役所"


def months_before(world: World, month: date, low: int, high: int) -> date:
    """A first paid month `low`..`high` months before `month`, not before FIRST_MONTH."""
    return max(FIRST_MONTH, add_months(month, -world.rng.randint(low, high)))


# -- true cases -----------------------------------------------------------------------------
def plant_after_death(world: World, data: DemoData, index: int) -> None:
    """A pension paid on for 3..14 months after the month of death. Every third case is
    still being paid in June 2024 (a relative draws it from the dead person's card); the
    others stop at the agency's next 资格认证. Every other death is recorded twice, a day
    apart (e.g. 医院 and 户籍注销), to exercise the earliest-date rule."""
    pensioner = Pensioner(world)
    after = world.rng.randint(3, 14)
    latest_death_month = add_months(LAST_MONTH, -after)
    died = world.day(date(2022, 2, 1), add_months(latest_death_month, 1) - timedelta(days=1))
    death_month = month_of(died)
    last = LAST_MONTH if index % 3 == 0 else add_months(death_month, after)
    pensioner.pay(data, months_between(months_before(world, death_month, 6, 12), last))
    record_death(world, data, pensioner.person, died, twice=index % 2 == 1)
    paid_after = len(months_between(add_months(death_month, 1), last))
    data.case(
        MODEL_ID,
        pensioner.key,
        "after_death",
        f"died {died}, pension paid {paid_after} more months to {last:%Y-%m}",
    )


def plant_in_custody(world: World, data: DemoData, index: int) -> None:
    """A retiree in custody whose pension was never suspended. Four stories in turn:
    有期徒刑 of 6 months to 5 years; 拘役 of 4..6 months (at least three months strictly
    inside); 无期徒刑 or 死刑缓期执行 without an end date; and 有期徒刑 with a later
    假释 whose prison months (before the parole) were all paid."""
    pensioner = Pensioner(world)
    person = pensioner.person
    story = index % 4
    end: date | None
    if story == 0:
        kind, place = "有期徒刑", prison_for(world, person)
        start = world.day(date(2022, 3, 1), date(2024, 2, 28))
        end = term_end(start, world.rng.choice((6, 8, 10, 12, 18, 24, 36, 60)))
    elif story == 1:
        kind, place = "拘役", detention_house(person)
        # Not on the 1st: a term from the 1st ends with its month, one month fewer inside.
        start = month_day(world, add_months(FIRST_MONTH, world.rng.randint(1, 23)), first=2)
        end = term_end(start, world.rng.randint(4, 6))
    elif story == 2:
        kind = "无期徒刑" if index % 8 == 2 else "死刑缓期执行"
        place = prison_for(world, person)
        start = world.day(date(2022, 6, 1), date(2024, 1, 31))
        end = None
    else:
        kind, place = "有期徒刑", prison_for(world, person)
        start = world.day(date(2022, 1, 10), date(2022, 12, 31))
        end = term_end(start, world.rng.choice((36, 48, 60)))
    case_no = judgment(world, person, start)
    record_sentence(data, person, kind, start, end, place, case_no)
    note = f"{kind} {start}..{end or ''}, paid throughout"
    if story == 3:
        parole = month_day(world, add_months(start, world.rng.randint(10, 18)), first=5)
        record_sentence(data, person, "假释", parole, end, community_correction(person), case_no)
        note = f"{kind} from {start}, paroled {parole}; the prison months were paid"
    first = months_before(world, month_of(start), 3, 8)
    pensioner.pay(data, months_between(first, LAST_MONTH))
    data.case(MODEL_ID, pensioner.key, "in_custody", note)


# -- decoys ---------------------------------------------------------------------------------
def decoy_paid_in_death_month(world: World, data: DemoData, index: int) -> None:
    """Died during month M and paid up to M, the last lawful payment. Half die on the 1st,
    the month's very edge; every other death is recorded twice (the later record may
    fall into M+1, which must not push the death later)."""
    pensioner = Pensioner(world)
    month = add_months(FIRST_MONTH, world.rng.randint(2, 28))
    died = month if index % 2 == 0 else month_day(world, month, first=2)
    pensioner.pay(data, months_between(months_before(world, month, 6, 12), month))
    record_death(world, data, pensioner.person, died, twice=index % 4 >= 2)
    data.decoy(
        MODEL_ID,
        "paid_in_death_month",
        pensioner.key,
        f"died {died}, last payment for {month:%Y-%m}",
    )


def decoy_one_month_arrears(world: World, data: DemoData, index: int) -> None:
    """Exactly one payment for a month after the month of death. Either the stop came a
    month late (paid through M+1), or a month withheld earlier (missed 资格认证) was paid
    as arrears after the death, recorded under the month it was paid in."""
    pensioner = Pensioner(world)
    month = add_months(FIRST_MONTH, world.rng.randint(3, 28))
    died = month_day(world, month, last=28)
    first = months_before(world, month, 6, 12)
    paid = months_between(first, month)
    if index % 2 == 0:
        note = f"died {died}, one month paid late for {add_months(month, 1):%Y-%m}"
    else:
        withheld = paid[-3]  # at least four months are paid up to the death
        paid.remove(withheld)
        note = f"died {died}, {withheld:%Y-%m} withheld and paid as arrears after the death"
    pensioner.pay(data, [*paid, add_months(month, 1)])
    record_death(world, data, pensioner.person, died, twice=index % 3 == 0)
    data.decoy(MODEL_ID, "one_month_arrears", pensioner.key, note)


def decoy_custody_edge_months(world: World, data: DemoData, index: int) -> None:
    """拘役 where only the months of admission and release were paid: either a short term
    across two adjacent months (no month strictly inside), or a longer term whose inside
    months the agency suspended, resuming with the month of release."""
    pensioner = Pensioner(world)
    person = pensioner.person
    term = 1 if index % 2 == 0 else world.rng.randint(3, 6)
    # Released by May 2024 at the latest, so that the resumed payments are in the data.
    offset = world.rng.randint(2, 28 - term)
    start = month_day(world, add_months(FIRST_MONTH, offset), first=5)
    end = term_end(start, term)
    record_sentence(
        data, person, "拘役", start, end, detention_house(person), judgment(world, person, start)
    )
    inside = set(months_between(add_months(month_of(start), 1), add_months(month_of(end), -1)))
    first = months_before(world, month_of(start), 3, 8)
    last = min(LAST_MONTH, add_months(month_of(end), world.rng.randint(2, 8)))
    pensioner.pay(data, [m for m in months_between(first, last) if m not in inside])
    data.decoy(
        MODEL_ID,
        "custody_edge_months",
        person.id_card,
        f"拘役 {start}..{end}, paid only for the months of admission and release",
    )


def decoy_one_month_in_custody(world: World, data: DemoData, index: int) -> None:
    """拘役 spanning three calendar months, paid throughout: one month strictly inside
    custody, below the two months the model asks for."""
    pensioner = Pensioner(world)
    person = pensioner.person
    start = month_day(world, add_months(FIRST_MONTH, world.rng.randint(2, 26)), first=10)
    end = month_day(world, add_months(month_of(start), 2), last=start.day - 1)
    record_sentence(
        data, person, "拘役", start, end, detention_house(person), judgment(world, person, start)
    )
    first = months_before(world, month_of(start), 3, 8)
    last = min(LAST_MONTH, add_months(month_of(end), world.rng.randint(2, 8)))
    pensioner.pay(data, months_between(first, last))
    data.decoy(
        MODEL_ID,
        "one_month_in_custody",
        person.id_card,
        f"拘役 {start}..{end}, paid throughout: one month inside",
    )


def decoy_non_custodial(world: World, data: DemoData, index: int) -> None:
    """管制 (3 months to 2 years) or 缓刑 (a probation of 1 to 5 years), served in the
    community: the pension is lawfully paid throughout."""
    pensioner = Pensioner(world)
    person = pensioner.person
    start = world.day(date(2022, 2, 1), date(2024, 1, 31))
    if index % 2 == 0:
        kind, months = "管制", world.rng.choice((3, 6, 12, 18, 24))
    else:
        kind, months = "缓刑", world.rng.choice((12, 24, 36, 48, 60))
    end = term_end(start, months)
    record_sentence(
        data, person, kind, start, end, community_correction(person), judgment(world, person, start)
    )
    first = months_before(world, month_of(start), 3, 8)
    pensioner.pay(data, months_between(first, LAST_MONTH))
    data.decoy(
        MODEL_ID,
        "non_custodial_sentence",
        person.id_card,
        f"{kind} {start}..{end}, paid throughout",
    )


def decoy_early_release(world: World, data: DemoData, index: int) -> None:
    """有期徒刑 whose pension was suspended in prison and lawfully restored from the month
    of 假释 (parole) or 暂予监外执行 (e.g. 保外就医), well before the sentence ends."""
    pensioner = Pensioner(world)
    person = pensioner.person
    start = world.day(date(2022, 1, 10), date(2023, 6, 30))
    end = term_end(start, world.rng.choice((36, 48, 60)))
    release = month_day(world, add_months(month_of(start), world.rng.randint(6, 12)), first=3)
    kind = "假释" if index % 2 == 0 else "暂予监外执行"
    case_no = judgment(world, person, start)
    record_sentence(data, person, "有期徒刑", start, end, prison_for(world, person), case_no)
    record_sentence(data, person, kind, release, end, community_correction(person), case_no)
    inside = set(months_between(add_months(month_of(start), 1), add_months(month_of(release), -1)))
    first = months_before(world, month_of(start), 3, 8)
    pensioner.pay(data, [m for m in months_between(first, LAST_MONTH) if m not in inside])
    data.decoy(
        MODEL_ID,
        "early_release_restores_pension",
        person.id_card,
        f"有期徒刑 from {start}, {kind} {release}: paid again from {release:%Y-%m}",
    )


# -- ordinary records -------------------------------------------------------------------------
def ordinary_pensioner(world: World, data: DemoData) -> None:
    """A living pensioner paid every month of a year (2023, or July 2023 to June 2024)."""
    pensioner = Pensioner(world)
    first = world.rng.choice((date(2023, 1, 1), date(2023, 7, 1)))
    pensioner.pay(data, months_between(first, add_months(first, 11)))


def ordinary_death(world: World, data: DemoData, index: int) -> None:
    """The death of someone who drew no pension (a younger person, or a farmer)."""
    person = world.person(born=(1940, 2000))
    died = world.day(date(2022, 1, 1), date(2024, 6, 20))
    record_death(world, data, person, died, twice=index % 3 == 0)


DECOYS = (
    decoy_paid_in_death_month,
    decoy_one_month_arrears,
    decoy_custody_edge_months,
    decoy_one_month_in_custody,
    decoy_non_custodial,
    decoy_early_release,
)


def plant(world: World, data: DemoData, cases: int) -> None:
    """Plant `cases` true cases (round-robin over BRANCHES), max(2, cases // 2) decoys of
    each kind of DECOY_KINDS, and about as many ordinary pensioners and deaths."""
    for index in range(cases):
        if BRANCHES[index % len(BRANCHES)] == "after_death":
            plant_after_death(world, data, index // len(BRANCHES))
        else:
            plant_in_custody(world, data, index // len(BRANCHES))
    decoys = max(2, cases // 2)
    for decoy in DECOYS:
        for index in range(decoys):
            decoy(world, data, index)
    for _ in range(decoys):
        ordinary_pensioner(world, data)
    for index in range(max(2, cases // 4)):
        ordinary_death(world, data, index)
