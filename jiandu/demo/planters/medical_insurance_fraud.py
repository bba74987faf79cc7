"""医保骗保 (medical_insurance_fraud): planted cases, decoys and ordinary records.

The model (jiandu/models/library/medical_insurance_fraud.yaml) reads the medical-insurance
agency's `medical_settlement` rows (one per settlement: inpatient bills carry admission
and discharge dates, outpatient ones only a settlement date) and `death_record` (the
earliest death date per person counts). Its two branches:

- `overlapping_stays`: inpatient stays of one person in two hospitals that overlap by at
  least `min_overlap_days` (2) days, i.e. phantom (挂床) or borrowed-identity (冒名) stays;
- `after_death`: treatment that began after the death (an admission, or an outpatient
  settlement), or a stay discharged more than `death_grace_days` (2) days after it.

True cases keep a margin where the story allows: overlaps of three days or more, a
挂床 stay billed in two interim settlements that both overlap the other hospital's stay,
several settlements after a death, discharges five or more days past it. Decoys sit at
the rule's edges: a transfer (discharge and admission elsewhere on one day), stays that
overlap by a single night, two overlapping bills of one stay in one hospital, a patient
who died in hospital whose discharge is recorded up to two days later, and emergency care
settled on the day of death. Ordinary records are living patients with separate stays
and outpatient visits, and patients whose treatment all came before their death.

Nobody here draws a pension, so pension_after_death, the other reader of
`death_record`, stays quiet.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from jiandu.demo.world import DemoData, Person, World

__all__ = ["BRANCHES", "DECOY_KINDS", "MODEL_ID", "plant"]

MODEL_ID = "medical_insurance_fraud"
BRANCHES = ("overlapping_stays", "after_death")
DECOY_KINDS = (
    "transfer_same_day",
    "one_night_overlap",
    "same_hospital_rebill",
    "died_in_care",
    "treated_on_day_of_death",
)

# Stories happen between these days; nothing is settled after the demo's reference day.
FIRST_DAY = date(2022, 1, 1)
LAST_DAY = date(2024, 6, 30)

# Public hospitals (transfers, ordinary care, deaths in care).
HOSPITALS = ("绍兴市人民医院", "绍兴市中心医院", "绍兴市中医院", "绍兴第二医院",
             "绍兴市柯桥区人民医院", "绍兴市上虞人民医院", "诸暨市人民医院", "嵊州市人民医院",
             "新昌县人民医院", "浙江大学医学院附属第一医院", "浙江大学医学院附属第二医院",
             "浙江省人民医院", "宁波市第一医院", "温州医科大学附属第一医院",
             "金华市中心医院", "台州市中心医院")  # fmt: skip
# Small private hospitals, where phantom stays (挂床住院) are typically billed.
PRIVATE_HOSPITALS = ("绍兴越城康复医院", "绍兴柯桥同济医院", "绍兴上虞康宁医院",
                     "诸暨仁和医院", "嵊州华康医院", "新昌博爱医院", "绍兴安泰护理院")  # fmt: skip
# Community health centres and clinics, for outpatient settlements.
CLINICS = ("越城区府山街道社区卫生服务中心", "越城区塔山街道社区卫生服务中心",
           "柯桥区柯桥街道社区卫生服务中心", "上虞区百官街道社区卫生服务中心",
           "诸暨市暨阳街道社区卫生服务中心", "绍兴市中医院门诊部")  # fmt: skip
# The sources of death records (a second record of a death comes a day after the first).
DEATH_SOURCES = ("医院", "火化", "户籍注销")


class Patient:
    """An insured person and the settlements billed under their ID number."""

    def __init__(self, world: World, *, born: tuple[int, int] = (1940, 1985)) -> None:
        self.world = world
        self.person: Person = world.person(born=born)

    @property
    def key(self) -> str:
        return self.person.id_card

    def stay(
        self,
        data: DemoData,
        hospital: str,
        admit: date,
        discharge: date,
        *,
        settle: date | None = None,
    ) -> None:
        """An inpatient settlement; settled on the discharge day or a day or two later."""
        rng = self.world.rng
        settled = settle or discharge + timedelta(days=rng.choice((0, 0, 1, 2)))
        total = self.world.money(600, 1600) * ((discharge - admit).days + 1)
        self._settle(data, hospital, admit, discharge, settled, total, rng.uniform(0.6, 0.85))

    def outpatient(self, data: DemoData, clinic: str, day: date) -> None:
        """An outpatient or pharmacy settlement: no admission or discharge date."""
        total = self.world.money(60, 900)
        self._settle(data, clinic, None, None, day, total, self.world.rng.uniform(0.5, 0.7))

    def _settle(
        self,
        data: DemoData,
        hospital: str,
        admit: date | None,
        discharge: date | None,
        settled: date,
        total: Decimal,
        share: float,
    ) -> None:
        data.add(
            "medical_settlement",
            settlement_id=self.world.serial("JS", settled.year),
            id_card=self.key,
            name=self.person.name,
            hospital=hospital,
            admit_date=admit,
            discharge_date=discharge,
            settle_date=settled,
            total=total,
            fund_paid=(total * Decimal(str(round(share, 2)))).quantize(Decimal("0.01")),
        )

    def died(self, data: DemoData, day: date, *, source: str = "火化", twice: bool = False) -> None:
        """The person's death on `day` from `source`; with `twice`, another source a day
        later as well (the model must use the earliest)."""
        rows = [(source, day)]
        if twice:
            other = self.world.rng.choice([s for s in DEATH_SOURCES if s != source])
            rows.append((other, day + timedelta(days=1)))
        for name, when in rows:
            data.add(
                "death_record",
                id_card=self.key,
                name=self.person.name,
                death_date=when,
                source=name,
            )


def two_hospitals(world: World, pool: tuple[str, ...], other: tuple[str, ...]) -> tuple[str, str]:
    """A hospital of `pool` and a different one of `other`."""
    first = world.rng.choice(pool)
    second = world.rng.choice([h for h in other if h != first])
    return first, second


def history(world: World, patient: Patient, data: DemoData, before: date) -> None:
    """Ordinary care some months before `before`: an outpatient visit, sometimes a stay."""
    visit = before - timedelta(days=world.rng.randint(60, 200))
    if visit >= FIRST_DAY:
        patient.outpatient(data, world.rng.choice(CLINICS), visit)
    if world.rng.random() < 0.5:
        admit = before - timedelta(days=world.rng.randint(220, 400))
        if admit >= FIRST_DAY:
            patient.stay(
                data,
                world.rng.choice(HOSPITALS),
                admit,
                admit + timedelta(days=world.rng.randint(3, 12)),
            )


# -- true cases -----------------------------------------------------------------------------
def plant_overlap(world: World, data: DemoData, index: int) -> None:
    """Stays of one person in two hospitals at once. Two stories in turn:

    - 冒名住院: stays in two hospitals (often in two cities) that overlap by 3..10 days,
      one person's card lent to another patient;
    - 挂床住院: a 30..60-day phantom stay in a private hospital, billed in two interim
      settlements, while the person is really treated elsewhere across the cut-off day:
      both interim bills overlap the real stay by three days or more.
    """
    patient = Patient(world)
    if index % 2 == 0:
        first, second = two_hospitals(world, HOSPITALS + PRIVATE_HOSPITALS, HOSPITALS)
        admit = world.day(FIRST_DAY, date(2024, 4, 30))
        length = world.rng.randint(8, 25)
        overlap = world.rng.randint(3, min(10, length - 2))
        discharge = admit + timedelta(days=length)
        other_admit = discharge - timedelta(days=overlap)
        other_discharge = discharge + timedelta(days=world.rng.randint(0, 10))
        patient.stay(data, first, admit, discharge)
        patient.stay(data, second, other_admit, other_discharge)
        note = f"{first} {admit}..{discharge} and {second} from {other_admit}: {overlap} days"
    else:
        phantom, real = two_hospitals(world, PRIVATE_HOSPITALS, HOSPITALS)
        admit = world.day(FIRST_DAY, date(2024, 4, 15))
        length = world.rng.randint(30, 60)
        cut = admit + timedelta(days=length // 2)
        discharge = admit + timedelta(days=length)
        patient.stay(data, phantom, admit, cut, settle=cut)
        patient.stay(data, phantom, cut, discharge)
        real_admit = cut - timedelta(days=world.rng.randint(3, 8))
        real_discharge = cut + timedelta(days=world.rng.randint(3, 8))
        patient.stay(data, real, real_admit, real_discharge)
        note = (
            f"挂床 in {phantom} {admit}..{discharge} (interim bill {cut}) "
            f"while in {real} {real_admit}..{real_discharge}"
        )
    history(world, patient, data, admit)
    data.case(MODEL_ID, patient.key, "overlapping_stays", note)


def plant_after_death(world: World, data: DemoData, index: int) -> None:
    """Care billed under a dead person's ID. Three stories in turn:

    - 冒用身份住院: a stay admitted 5..90 days after the death, often with an outpatient
      settlement after it as well;
    - 冒用医保卡购药: two to four outpatient settlements (chronic-disease prescriptions)
      after the death;
    - 虚记住院天数: a patient admitted before dying whose stay the hospital kept billing
      until 5..20 days after the death.
    Every other death is recorded twice, a day apart.
    """
    patient = Patient(world, born=(1935, 1965))
    story = index % 3
    twice = index % 2 == 1
    died = world.day(date(2022, 3, 1), date(2023, 12, 31))
    source = world.rng.choice(("火化", "户籍注销"))
    if story == 0:
        admit = died + timedelta(days=world.rng.randint(5, 90))
        discharge = admit + timedelta(days=world.rng.randint(3, 15))
        hospital = world.rng.choice(HOSPITALS + PRIVATE_HOSPITALS)
        patient.stay(data, hospital, admit, discharge)
        if (index // 3) % 3 != 1:
            patient.outpatient(
                data,
                world.rng.choice(CLINICS),
                discharge + timedelta(days=world.rng.randint(7, 30)),
            )
        note = f"died {died}, admitted to {hospital} {admit}"
    elif story == 1:
        clinic = world.rng.choice(CLINICS)
        day = died
        for _ in range(world.rng.randint(2, 4)):
            day += timedelta(days=world.rng.randint(10, 35))
            patient.outpatient(data, clinic, day)
        note = f"died {died}, outpatient settlements at {clinic} until {day}"
    else:
        hospital = world.rng.choice(HOSPITALS + PRIVATE_HOSPITALS)
        admit = died - timedelta(days=world.rng.randint(3, 20))
        discharge = died + timedelta(days=world.rng.randint(5, 20))
        patient.stay(data, hospital, admit, discharge)
        note = f"died {died} in {hospital}, discharge billed {discharge}"
        source = "医院"
    patient.died(data, died, source=source, twice=twice)
    history(world, patient, data, died - timedelta(days=25))
    data.case(MODEL_ID, patient.key, "after_death", note)


# -- decoys ---------------------------------------------------------------------------------
def decoy_transfer(world: World, data: DemoData, index: int) -> None:
    """A transfer (转院): discharged from one hospital and admitted to another the same
    day; every third patient is transferred on again, a chain of three stays."""
    patient = Patient(world)
    first, second = two_hospitals(world, HOSPITALS, HOSPITALS)
    admit = world.day(FIRST_DAY, date(2024, 4, 30))
    transfer = admit + timedelta(days=world.rng.randint(2, 12))
    discharge = transfer + timedelta(days=world.rng.randint(5, 20))
    patient.stay(data, first, admit, transfer, settle=transfer)
    patient.stay(data, second, transfer, discharge)
    if index % 3 == 2:
        third = world.rng.choice([h for h in PRIVATE_HOSPITALS if h not in (first, second)])
        patient.stay(data, third, discharge, discharge + timedelta(days=world.rng.randint(7, 20)))
    data.decoy(
        MODEL_ID,
        "transfer_same_day",
        patient.key,
        f"transferred from {first} to {second} on {transfer}",
    )


def decoy_one_night(world: World, data: DemoData, index: int) -> None:
    """A transfer whose first discharge was recorded the morning after the admission
    elsewhere: the stays overlap by one day, below the two the model needs."""
    patient = Patient(world)
    first, second = two_hospitals(world, HOSPITALS, HOSPITALS)
    admit = world.day(FIRST_DAY, date(2024, 4, 30))
    transfer = admit + timedelta(days=world.rng.randint(2, 12))
    patient.stay(data, first, admit, transfer + timedelta(days=1))
    patient.stay(data, second, transfer, transfer + timedelta(days=world.rng.randint(5, 20)))
    data.decoy(
        MODEL_ID,
        "one_night_overlap",
        patient.key,
        f"{first} until {transfer + timedelta(days=1)}, {second} from {transfer}",
    )


def decoy_same_hospital(world: World, data: DemoData, index: int) -> None:
    """A stay across New Year settled twice in one hospital (跨年度结算): an interim bill
    to 31 December, and the final bill which keeps the original admission date. The two
    bills overlap by weeks, but in one hospital."""
    patient = Patient(world)
    hospital = world.rng.choice(HOSPITALS + PRIVATE_HOSPITALS)
    year = world.rng.choice((2022, 2023))
    admit = world.day(date(year, 12, 1), date(year, 12, 26))
    year_end = date(year, 12, 31)
    discharge = world.day(date(year + 1, 1, 3), date(year + 1, 1, 31))
    patient.stay(data, hospital, admit, year_end, settle=year_end)
    patient.stay(data, hospital, admit, discharge)
    data.decoy(
        MODEL_ID,
        "same_hospital_rebill",
        patient.key,
        f"{hospital} {admit}..{discharge}, interim bill to {year_end}",
    )


def decoy_died_in_care(world: World, data: DemoData, index: int) -> None:
    """A patient who died in hospital: discharge recorded on the day of death or up to
    the two grace days later (most often exactly two, the edge), the bill closed days
    after; every fourth was admitted on the day of death (抢救无效)."""
    patient = Patient(world, born=(1930, 1965))
    hospital = world.rng.choice(HOSPITALS)
    died = world.day(date(2022, 3, 1), date(2024, 6, 15))
    admit = died if index % 4 == 3 else died - timedelta(days=world.rng.randint(1, 30))
    grace = (2, 1, 2, 0)[index % 4]
    discharge = died + timedelta(days=grace)
    patient.stay(
        data,
        hospital,
        admit,
        discharge,
        settle=discharge + timedelta(days=world.rng.randint(1, 10)),
    )
    patient.died(data, died, source="医院", twice=index % 2 == 1)
    history(world, patient, data, admit)
    data.decoy(
        MODEL_ID,
        "died_in_care",
        patient.key,
        f"died {died} in {hospital}, discharge recorded {discharge}",
    )


def decoy_death_day(world: World, data: DemoData, index: int) -> None:
    """Emergency care settled (outpatient, without a stay) on the day the patient died."""
    patient = Patient(world, born=(1930, 1965))
    hospital = world.rng.choice(HOSPITALS)
    died = world.day(date(2022, 3, 1), date(2024, 6, 15))
    patient.outpatient(data, hospital, died)
    patient.died(data, died, source="医院", twice=index % 2 == 0)
    history(world, patient, data, died)
    data.decoy(
        MODEL_ID,
        "treated_on_day_of_death",
        patient.key,
        f"emergency care at {hospital} settled on the day of death {died}",
    )


# -- ordinary records -------------------------------------------------------------------------
def ordinary_patient(world: World, data: DemoData) -> None:
    """A living patient: one to three stays weeks apart, in any hospitals, and
    outpatient visits in between."""
    patient = Patient(world)
    day = world.day(FIRST_DAY, date(2023, 6, 30))
    for _ in range(world.rng.randint(1, 3)):
        discharge = day + timedelta(days=world.rng.randint(2, 14))
        patient.stay(data, world.rng.choice(HOSPITALS), day, discharge)
        visit = discharge + timedelta(days=world.rng.randint(7, 30))
        patient.outpatient(data, world.rng.choice(CLINICS), visit)
        day = visit + timedelta(days=world.rng.randint(10, 120))
        if day > date(2024, 5, 31):
            break


def ordinary_death(world: World, data: DemoData, index: int) -> None:
    """A patient whose last stay ended days before the death at home."""
    patient = Patient(world, born=(1930, 1960))
    died = world.day(date(2022, 6, 1), date(2024, 6, 20))
    discharge = died - timedelta(days=world.rng.randint(3, 60))
    patient.stay(
        data,
        world.rng.choice(HOSPITALS),
        discharge - timedelta(days=world.rng.randint(3, 15)),
        discharge,
    )
    patient.died(data, died, twice=index % 3 == 0)


DECOYS = (decoy_transfer, decoy_one_night, decoy_same_hospital, decoy_died_in_care, decoy_death_day)


def plant(world: World, data: DemoData, cases: int) -> None:
    """Plant `cases` true cases (round-robin over BRANCHES), max(2, cases // 2) decoys of
    each kind of DECOY_KINDS, and about as many ordinary patients and deaths."""
    for index in range(cases):
        if BRANCHES[index % len(BRANCHES)] == "overlapping_stays":
            plant_overlap(world, data, index // len(BRANCHES))
        else:
            plant_after_death(world, data, index // len(BRANCHES))
    decoys = max(2, cases // 2)
    for decoy in DECOYS:
        for index in range(decoys):
            decoy(world, data, index)
    for _ in range(decoys):
        ordinary_patient(world, data)
    for index in range(max(2, cases // 4)):
        ordinary_death(world, data, index)
