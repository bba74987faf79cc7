"""Planter of `related_party_litigation` (关联当事人诉讼): civil suits between parties that
are related outside the case, ended without a real contest.

The model reads the derived dataset party_relation (opposing parties of a case linked
within two hops of the relationship graph, computed by `jiandu.entities.resolve` from
court_party, company_registry, social_insurance …), court_case and entity_edge, and flags
a civil case (民初/民终/民再) ended by mediation, withdrawal or a judgment granting the
whole claim, outside family, neighbour and labour causes, whose parties are linked

- `direct_link` (one hop): one phone number or address, or one is the other's legal
  representative or employer;
- `shared_agent_or_two_hops` (two hops): one agent ad litem acting for both sides in the
  case, or through one company or person (the plaintiff is the legal representative of
  the defendant's employer; two companies share a legal representative).

Paths through the dealings a case is about (invoices, accidents, co-parties of other
suits …) do not count. The subject is the case: its key is the case number.

True stories (one suit each; the relation is stated where the agencies' spoiling cannot
lose it: court_party rows carry no birth date, so none of them is spoiled, and
employment is a year of social-insurance months):

- *same_phone*: the defendant gives the plaintiff's mobile number in court;
- *same_address*: plaintiff and defendant (no family) give one flat as their address;
- *legal_rep*: a person sues the company he is the legal representative of (court_party
  names him as its legal representative; so does company_registry);
- *employer*: an employee "lends" his employer money and sues it (social_insurance);
- *shared_agent*: one agent (a lawyer, legal worker or citizen) acts for both sides;
- *rep_employs_defendant*: the plaintiff is the legal representative of the company
  that employs the defendant (company_registry + social_insurance);
- *one_legal_rep*: a company sues another whose legal representative is its own.

Each ends by mediation, withdrawal or a judgment granting the whole claim (outcome 支持,
or no outcome and the whole amount awarded), in turn.

Decoys (subject key: the case number):

- `family_dispute`: spouses at one address divorce, siblings share an inheritance, a
  parent sues for maintenance: related by nature, left out by cause;
- `lawyer_in_other_cases`: a lawyer acts for the plaintiff in this case and for the
  defendant in another one (or for each in a case of his own): linked through the lawyer
  (agent>agent), but he never acted for both sides in one case;
- `hub_address`: two companies of an industrial park whose address more than 20
  registered companies share: the address links nobody;
- `dismissed`: a related pair (one phone) whose claim was rejected (判决驳回 or 驳回起诉);
- `partly_granted`: a related pair (one address) awarded part of the claim;
- `pending`: a related pair (legal representative) whose case is not closed;
- `trading_partners`: two companies invoicing each other go to court over a sale: linked
  only by the dealings the case is about;
- `labour_dispute`: an employee sues his employer over wages (a labour cause);
- `co_defendants`: a guarantor who paid a bank sues the borrower he was sued with;
- `ordinary`: unrelated parties settling a suit by mediation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from jiandu.demo.world import (
    DEMO_AS_OF,
    Agent,
    Company,
    Court,
    DemoData,
    Person,
    World,
    add_months,
    month_of,
)

__all__ = ["BRANCHES", "DECOYS", "MODEL_ID", "plant"]

MODEL_ID = "related_party_litigation"
BRANCHES = ("direct_link", "shared_agent_or_two_hops")

Party = Person | Company

# Causes of the true stories and of most decoys: none is a family, neighbour or labour
# cause, none is a traffic-accident suit or private lending by a repeat plaintiff.
PERSON_CAUSES = ("民间借贷纠纷", "房屋买卖合同纠纷", "债权转让合同纠纷", "合伙合同纠纷")
COMPANY_CAUSES = ("借款合同纠纷", "买卖合同纠纷", "建设工程施工合同纠纷", "股权转让纠纷")
# (closing_method, outcome, whole amount awarded) of the true stories, in turn.
SETTLED = (("调解", None, True), ("撤诉", None, False), ("判决", "支持", True),
           ("判决", None, True))  # fmt: skip
FAMILY_CAUSES = ("离婚纠纷", "继承纠纷", "赡养纠纷", "分家析产纠纷")
PARK_COMPANIES = (22, 26)  # an industrial park's address: more than HUB_LIMIT (20)


def _ago(days: int) -> date:
    return DEMO_AS_OF - timedelta(days=days)


# -- rows ---------------------------------------------------------------------------------


def _party(
    data: DemoData,
    case_no: str,
    role: str,
    who: Party,
    *,
    agent: Agent | None = None,
    phone: str | None = None,
    address: str | None = None,
) -> None:
    """A court_party row (no birth date: the agencies never spoil such a row); a company
    names its legal representative."""
    person = who if isinstance(who, Person) else None
    company = who if isinstance(who, Company) else None
    data.add(
        "court_party",
        case_no=case_no,
        role=role,
        party_type="person" if person else "org",
        name=who.name,
        id_card=person.id_card if person else None,
        uscc=company.uscc if company else None,
        legal_rep=company.legal_rep.name if company else None,
        phone=phone or who.phone,
        address=address or who.address,
        agent_name=agent.name if agent else None,
        agent_firm=agent.firm if agent else None,
        agent_type=agent.agent_type if agent else None,
    )


def _suit(
    world: World,
    data: DemoData,
    plaintiff: Party,
    defendant: Party,
    *,
    cause: str,
    closing: tuple[str | None, str | None, bool] | None,
    share: float = 1.0,
    plaintiff_agent: Agent | None = None,
    defendant_agent: Agent | None = None,
    defendant_phone: str | None = None,
    defendant_address: str | None = None,
    court: Court | None = None,
) -> str:
    """One civil suit (court_case and both court_party rows); its case number. `closing`
    is (closing method, outcome, whole amount awarded), None while pending; `share` is
    the part of the claim awarded when not the whole."""
    court = court or world.court()
    filed = world.day(_ago(900), _ago(200))
    case_no = world.case_no(court, filed.year, "民初")
    amount = world.money(30_000, 800_000).quantize(Decimal(1))
    method, outcome, whole = closing or (None, None, False)
    awarded = None
    if method in ("调解", "判决") and outcome != "驳回":
        awarded = amount if whole else (amount * Decimal(str(share))).quantize(Decimal(1))
    closed = filed + timedelta(days=world.rng.randrange(20, 150)) if closing else None
    data.add(
        "court_case",
        case_no=case_no,
        court_name=court.name,
        case_type="民初",
        cause=cause,
        filing_date=filed,
        closing_date=closed,
        closing_method=method,
        amount_claimed=amount,
        amount_awarded=awarded,
        judgment_date=closed if method == "判决" else None,
        outcome=outcome,
    )
    _party(data, case_no, "原告", plaintiff, agent=plaintiff_agent)
    _party(
        data, case_no, "被告", defendant, agent=defendant_agent, phone=defendant_phone,
        address=defendant_address,
    )  # fmt: skip
    return case_no


def _registry(data: DemoData, company: Company) -> None:
    """The company's registration, its legal representative with his ID number."""
    data.add(
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


def _employ(world: World, data: DemoData, worker: Person, employer: Company) -> None:
    """A year of pension contributions of `worker` paid by `employer`, ending 2-14 months
    before the reference date (a lost row or two leave the employment standing)."""
    last = add_months(month_of(DEMO_AS_OF), -world.rng.randrange(2, 15))
    base = world.money(4_000, 12_000)
    for back in range(12):
        data.add(
            "social_insurance",
            id_card=worker.id_card,
            name=worker.name,
            employer_uscc=employer.uscc,
            employer_name=employer.name,
            month=add_months(last, -back),
            base_amount=base,
            insurance_kind="养老保险",
        )


def _person(world: World) -> Person:
    return world.person(born=(1960, 1995))


def _company(world: World, legal_rep: Person | None = None) -> Company:
    industry = world.rng.choice(("贸易", "建筑", "科技", "服务", "制造", "纺织"))
    return world.company(industry=industry, legal_rep=legal_rep)


def _agent(world: World) -> Agent:
    return world.agent(agent_type=world.rng.choice(("律师", "律师", "法律工作者", "公民")))


# -- true cases ----------------------------------------------------------------------------

Settled = tuple[str | None, str | None, bool]


def _same_phone(world: World, data: DemoData, closing: Settled) -> tuple[str, str, str]:
    plaintiff, defendant = _person(world), _person(world)
    case_no = _suit(
        world, data, plaintiff, defendant, cause=world.rng.choice(PERSON_CAUSES),
        closing=closing, defendant_phone=plaintiff.phone,
    )  # fmt: skip
    return case_no, "direct_link", f"被告{defendant.name}留存原告{plaintiff.name}的电话"


def _same_address(world: World, data: DemoData, closing: Settled) -> tuple[str, str, str]:
    plaintiff, defendant = _person(world), _person(world)
    case_no = _suit(
        world, data, plaintiff, defendant, cause=world.rng.choice(PERSON_CAUSES),
        closing=closing, defendant_address=plaintiff.address,
    )  # fmt: skip
    return case_no, "direct_link", f"{plaintiff.name}与{defendant.name}同住{plaintiff.address}"


def _legal_rep(world: World, data: DemoData, closing: Settled) -> tuple[str, str, str]:
    boss = _person(world)
    company = _company(world, legal_rep=boss)
    _registry(data, company)
    case_no = _suit(
        world, data, boss, company, cause=world.rng.choice(COMPANY_CAUSES), closing=closing
    )
    return case_no, "direct_link", f"{boss.name}起诉其任法定代表人的{company.name}"


def _employer(world: World, data: DemoData, closing: Settled) -> tuple[str, str, str]:
    worker = _person(world)
    company = _company(world)
    _registry(data, company)
    _employ(world, data, worker, company)
    case_no = _suit(world, data, worker, company, cause="借款合同纠纷", closing=closing)
    return case_no, "direct_link", f"{worker.name}起诉为其缴纳社保的{company.name}"


def _shared_agent(world: World, data: DemoData, closing: Settled) -> tuple[str, str, str]:
    plaintiff, defendant = _person(world), _person(world)
    agent = _agent(world)
    case_no = _suit(
        world, data, plaintiff, defendant, cause=world.rng.choice(PERSON_CAUSES),
        closing=closing, plaintiff_agent=agent, defendant_agent=agent,
    )  # fmt: skip
    return case_no, "shared_agent_or_two_hops", f"{agent.name}同时代理原被告双方"


def _rep_employs_defendant(world: World, data: DemoData, closing: Settled) -> tuple[str, str, str]:
    boss, worker = _person(world), _person(world)
    company = _company(world, legal_rep=boss)
    _registry(data, company)
    _employ(world, data, worker, company)
    case_no = _suit(
        world, data, boss, worker, cause=world.rng.choice(PERSON_CAUSES), closing=closing
    )
    return (
        case_no,
        "shared_agent_or_two_hops",
        f"原告{boss.name}任法定代表人的{company.name}为被告{worker.name}缴纳社保",
    )


def _one_legal_rep(world: World, data: DemoData, closing: Settled) -> tuple[str, str, str]:
    boss = _person(world)
    lender, borrower = _company(world, legal_rep=boss), _company(world, legal_rep=boss)
    _registry(data, lender)
    _registry(data, borrower)
    case_no = _suit(
        world, data, lender, borrower, cause=world.rng.choice(COMPANY_CAUSES), closing=closing,
        plaintiff_agent=_agent(world),
    )  # fmt: skip
    return case_no, "shared_agent_or_two_hops", f"两家公司的法定代表人均为{boss.name}"


STORIES: tuple[Callable[[World, DemoData, Settled], tuple[str, str, str]], ...] = (
    _same_phone,
    _shared_agent,
    _legal_rep,
    _rep_employs_defendant,
    _same_address,
    _one_legal_rep,
    _employer,
)


# -- decoys --------------------------------------------------------------------------------


def _settled(world: World) -> Settled:
    return world.rng.choice(SETTLED)


def _family_dispute(world: World, data: DemoData) -> tuple[str, str]:
    plaintiff = _person(world)
    relative = world.relative(plaintiff)
    cause = world.rng.choice(FAMILY_CAUSES)
    case_no = _suit(
        world, data, plaintiff, relative, cause=cause, closing=("调解", None, True),
        defendant_phone=plaintiff.phone,
    )  # fmt: skip
    return case_no, f"{cause}：{plaintiff.name}与{relative.name}同住一址"


def _lawyer_in_other_cases(world: World, data: DemoData) -> tuple[str, str]:
    """A lawyer for the plaintiff here and for the defendant in another suit (or, every
    other time, for each of them in a suit of its own)."""
    lawyer = world.agent()
    plaintiff, defendant = _person(world), _person(world)
    here_for_plaintiff = world.rng.random() < 0.5
    for client in (defendant,) if here_for_plaintiff else (plaintiff, defendant):
        _suit(
            world, data, client, _person(world), cause=world.rng.choice(PERSON_CAUSES),
            closing=("判决", "部分支持", False), share=0.7, plaintiff_agent=lawyer,
        )  # fmt: skip
    case_no = _suit(
        world, data, plaintiff, defendant, cause=world.rng.choice(PERSON_CAUSES),
        closing=_settled(world), plaintiff_agent=lawyer if here_for_plaintiff else None,
    )  # fmt: skip
    where = "本案代理原告、另案代理被告" if here_for_plaintiff else "在两起另案中分别代理原被告"
    return case_no, f"律师{lawyer.name}{where}"


def _hub_address(world: World, data: DemoData) -> tuple[str, str]:
    court = world.court()
    street = world.rng.choice(("科创大走廊", "高新技术产业园", "经济开发区", "电商产业园"))
    building = int(world.serial("YQ")[-4:]) + 1
    park = f"浙江省{court.name[:-4]}{street}{world.rng.randrange(1, 40)}号{building}幢"
    companies = [
        world.company(industry=world.rng.choice(("科技", "服务", "贸易")), address=park)
        for _ in range(world.rng.randint(*PARK_COMPANIES))
    ]
    for company in companies:
        _registry(data, company)
    case_no = _suit(
        world, data, companies[0], companies[1], cause="买卖合同纠纷", closing=_settled(world),
        court=court,
    )  # fmt: skip
    return case_no, f"{len(companies)}家企业登记于{park}"


def _dismissed(world: World, data: DemoData) -> tuple[str, str]:
    plaintiff, defendant = _person(world), _person(world)
    closing: Settled = world.rng.choice((("判决", "驳回", False), ("驳回", None, False)))
    case_no = _suit(
        world, data, plaintiff, defendant, cause=world.rng.choice(PERSON_CAUSES),
        closing=closing, defendant_phone=plaintiff.phone,
    )  # fmt: skip
    return case_no, f"双方电话相同，{closing[0]}{closing[1] or ''}"


def _partly_granted(world: World, data: DemoData) -> tuple[str, str]:
    plaintiff, defendant = _person(world), _person(world)
    share = world.rng.choice((0.5, 0.6, 0.8, 0.95))
    outcome = world.rng.choice(("部分支持", None))
    case_no = _suit(
        world, data, plaintiff, defendant, cause=world.rng.choice(PERSON_CAUSES),
        closing=("判决", outcome, False), share=share, defendant_address=plaintiff.address,
    )  # fmt: skip
    return case_no, f"双方住址相同，判决支持{int(share * 100)}%"


def _pending(world: World, data: DemoData) -> tuple[str, str]:
    boss = _person(world)
    company = _company(world, legal_rep=boss)
    _registry(data, company)
    case_no = _suit(
        world, data, boss, company, cause=world.rng.choice(COMPANY_CAUSES), closing=None
    )
    return case_no, f"{boss.name}起诉其任法定代表人的公司，尚未结案"


def _trading_partners(world: World, data: DemoData) -> tuple[str, str]:
    seller, buyer = _company(world), _company(world)
    for company in (seller, buyer):
        _registry(data, company)
    for _ in range(3):
        issued = world.day(_ago(1000), _ago(400))
        amount = world.money(20_000, 90_000)
        data.add(
            "tax_invoice",
            invoice_code=f"3300{issued:%y}3130",
            invoice_no=world.serial("FP", issued.year)[-8:],
            seller_uscc=seller.uscc,
            seller_name=seller.name,
            buyer_uscc=buyer.uscc,
            buyer_name=buyer.name,
            goods_name="*钢材*热轧带钢",
            tax_code="1080206010000000000",
            quantity="20",
            unit="吨",
            amount=amount,
            tax=(amount * Decimal("0.13")).quantize(Decimal("0.01")),
            issue_date=issued,
        )
    case_no = _suit(world, data, seller, buyer, cause="买卖合同纠纷", closing=("调解", None, True))
    return case_no, f"{seller.name}与{buyer.name}之间开具发票3张"


def _labour_dispute(world: World, data: DemoData) -> tuple[str, str]:
    worker = _person(world)
    company = _company(world)
    _registry(data, company)
    _employ(world, data, worker, company)
    cause = world.rng.choice(("劳动争议", "追索劳动报酬纠纷"))
    case_no = _suit(world, data, worker, company, cause=cause, closing=("调解", None, True))
    return case_no, f"{cause}：{worker.name}诉{company.name}"


def _co_defendants(world: World, data: DemoData) -> tuple[str, str]:
    bank = world.company(industry="农村商业银行股份有限公司")
    borrower, guarantor = _person(world), _person(world)
    court = world.court()
    filed = world.day(_ago(1400), _ago(1000))
    first = world.case_no(court, filed.year, "民初")
    amount = world.money(100_000, 500_000).quantize(Decimal(1))
    data.add(
        "court_case",
        case_no=first,
        court_name=court.name,
        case_type="民初",
        cause="金融借款合同纠纷",
        filing_date=filed,
        closing_date=filed + timedelta(days=90),
        closing_method="判决",
        amount_claimed=amount,
        amount_awarded=amount,
        outcome="支持",
    )
    _party(data, first, "原告", bank)
    _party(data, first, "被告", borrower)
    _party(data, first, "被告", guarantor)
    case_no = _suit(
        world, data, guarantor, borrower, cause="追偿权纠纷", closing=("调解", None, True),
        court=court,
    )  # fmt: skip
    return case_no, f"保证人{guarantor.name}向借款人{borrower.name}追偿"


def _ordinary(world: World, data: DemoData) -> tuple[str, str]:
    plaintiff, defendant = _person(world), _company(world)
    case_no = _suit(
        world, data, plaintiff, defendant, cause=world.rng.choice(COMPANY_CAUSES),
        closing=_settled(world), plaintiff_agent=_agent(world), defendant_agent=_agent(world),
    )  # fmt: skip
    return case_no, ""


DECOYS: dict[str, Callable[[World, DemoData], tuple[str, str]]] = {
    "family_dispute": _family_dispute,
    "lawyer_in_other_cases": _lawyer_in_other_cases,
    "hub_address": _hub_address,
    "dismissed": _dismissed,
    "partly_granted": _partly_granted,
    "pending": _pending,
    "trading_partners": _trading_partners,
    "labour_dispute": _labour_dispute,
    "co_defendants": _co_defendants,
    "ordinary": _ordinary,
}


def plant(world: World, data: DemoData, cases: int) -> None:
    """Plant `cases` true suits round-robin over the stories (and over the ways a suit
    ends), and max(2, cases // 2) decoys of each kind."""
    for i in range(cases):
        story = STORIES[i % len(STORIES)]
        case_no, branch, note = story(world, data, SETTLED[i % len(SETTLED)])
        data.case(MODEL_ID, case_no, branch, note)
    for kind, decoy in DECOYS.items():
        for _ in range(max(2, cases // 2)):
            data.decoy(MODEL_ID, kind, *decoy(world, data))
