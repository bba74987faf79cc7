"""Planter of `template_litigation` (模板化诉讼/疑似虚假诉讼): judgments whose complaints are
one template with the names, sums and dates changed.

The model reads the derived dataset near_duplicate_group (computed from judgment_document's
`claims_text` by `jiandu.text.neardup_refresh`) and court_party, and flags a group of
>= 5 suits (similarity >= 80%) in which

- `shared_plaintiff`: >= 5 of the suits are brought by one plaintiff that is not a licensed
  institution, or
- `shared_agent`: >= 5 of the suits are brought through one agent ad litem (whoever the
  plaintiffs are).

The subject is the group: its key is the group id, the smallest doc_id of its judgments.

True stories (6-8 suits each, so a spoiled row in the agencies' files still leaves five):

- *shared_plaintiff*: a lender sues 6-8 different borrowers with one complaint, each suit
  argued by whichever lawyer was at hand (or none): only the plaintiff is shared.
- *shared_agent*: 6-8 "creditors" of one company, each suing once, all through the same
  legal worker with one complaint (inventing debts to share out the company's assets):
  only the agent is shared.
- *both*: a lender and its one lawyer, 6-8 suits: both branches fire.

Decoys (subject key: the smallest doc_id of the decoy's judgments, which would be the
group id):

- `busy_lawyer`: one lawyer in 8 ordinary suits for different clients, each complaint
  written for its own facts (four sentences out of 24): no group.
- `boilerplate_only`: 6 suits of one court whose full texts share the court's boilerplate
  but whose complaints differ: no group (the full text is never compared).
- `four_suits`: one plaintiff and one lawyer, one template, only 4 suits.
- `licensed_lender`: a bank's 6-8 standard-form suits through one lawyer.
- `different_parties`: 6-8 suits on the court's fill-in complaint form (要素式起诉状) by
  different plaintiffs with different lawyers: a group, but nobody shared.

Every suit is a judgment_document row (doc_id, case number, court, cause, date, parties,
claims_text, full text), a court_case row (closed by judgment) and court_party rows for the
plaintiff (with its agent) and the defendant. Each story writes its own template, from
phrase pools and the story's own particulars (the lender's trade, the debtor company), so
no two stories' complaints come near each other.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from jiandu.demo.world import DEMO_AS_OF, Agent, Company, Court, DemoData, Person, World

__all__ = ["BRANCHES", "DECOYS", "MODEL_ID", "plant"]

MODEL_ID = "template_litigation"
BRANCHES = ("shared_plaintiff", "shared_agent")

Party = Person | Company

_RELATION = ("系朋友关系", "系同乡", "系生意伙伴", "经他人介绍相识", "系多年同事", "系邻居",
             "系远房亲戚", "曾为同学")  # fmt: skip
_PURPOSE = ("资金周转", "购买货车", "装修房屋", "经营超市", "支付工程款", "偿还银行贷款",
            "承包鱼塘", "开办工厂", "进货", "支付员工工资")  # fmt: skip
_DELIVERY = ("通过银行转账方式将款项交付被告", "以现金方式将款项交付被告",
             "通过微信转账将款项交付被告", "委托其亲属向被告转账",
             "通过支付宝分次转账")  # fmt: skip
_PROOF = ("被告向原告出具借条一份", "双方签订借款合同一份", "被告出具借据并由其配偶签字确认",
          "被告出具欠条并按捺指印", "双方通过聊天记录确认借款事实")  # fmt: skip
_TERMS = ("约定月利率百分之二", "约定借期一年", "未约定利息", "约定于每月二十日付息",
          "约定三个月内归还", "约定按年利率百分之十二计息")  # fmt: skip
_DEFAULT = ("借款到期后被告未归还", "被告仅支付部分利息后下落不明", "经原告多次催讨被告拒不归还",
            "被告承诺分期归还但未履行", "被告更换联系方式躲避催讨")  # fmt: skip
_TRADES = ("建材", "水产", "茶叶", "黄酒", "纺织品", "五金", "家具", "农资", "服装", "电动车")
# Sentences of ordinary complaints, for the busy lawyer's clients: each complaint takes
# four of them, so no two share more than a sentence or two.
_ORDINARY = (
    "原告{p}与被告{d}签订房屋租赁合同，约定租金按季支付。",
    "被告自{day}起拖欠租金，经书面催告仍未支付。",
    "原告在被告处购买{trade}一批，被告交付的货物经检验存在质量问题。",
    "原告多次要求退货，被告置之不理。",
    "原告受被告雇佣从事{trade}搬运工作，在工作中摔伤左腿。",
    "被告支付部分医疗费后拒绝继续承担赔偿责任。",
    "原告为被告承建的厂房提供{trade}材料，双方对账后确认欠款{amount}元。",
    "被告驾驶电动自行车与原告发生碰撞致原告受伤，交警认定被告负主要责任。",
    "原告与被告原系夫妻，离婚协议约定被告分期支付财产折价款。",
    "原告将其所有的仓库出借给被告堆放{trade}，约定期满返还。",
    "被告逾期不还仓库，并损坏了门窗和照明设施。",
    "原告委托被告装修其住宅，被告收取装修款后以次充好、拖延工期。",
    "双方曾于{day}达成还款协议，被告仅履行了第一期。",
    "被告的行为已构成违约，应当承担继续履行和赔偿损失的责任。",
    "原告为此支出鉴定费、律师费等合理费用。",
    "被告经营的{trade}门店已停业，其下落至今不明。",
    "原告请求判令被告支付欠款{amount}元及逾期付款损失。",
    "原告请求判令解除双方签订的合同并返还已付款项。",
    "原告请求判令被告赔偿医疗费、误工费、护理费等各项损失共计{amount}元。",
    "原告请求判令被告腾退房屋并恢复原状。",
    "原告曾向社区调解委员会申请调解，因被告拒不到场而未果。",
    "被告在微信聊天中承认欠款事实，但以资金紧张为由拒付。",
    "原告认为被告提供的{trade}不符合国家标准，给原告造成经济损失。",
    "原告请求判令被告承担本案全部诉讼费用。",
)
_BOILERPLATE = (
    "{court}\n民事判决书\n{case_no}\n原告：{p}。\n被告：{d}。\n原告{p}与被告{d}{cause}一案，"
    "本院于{filed}立案后，依法适用简易程序，公开开庭进行了审理。原告到庭参加诉讼，被告经本院"
    "传票传唤无正当理由拒不到庭参加诉讼。本案现已审理终结。\n{claims}\n本院认为，当事人应当按照"
    "约定全面履行自己的义务。依照《中华人民共和国民事诉讼法》第一百四十七条之规定，判决如下："
    "支持原告的诉讼请求。案件受理费减半收取，由被告负担。如不服本判决，可以在判决书送达之日起"
    "十五日内，向本院递交上诉状，并按对方当事人的人数提出副本，上诉于浙江省绍兴市中级人民法院。"
)


def _ago(days: int) -> date:
    return DEMO_AS_OF - timedelta(days=days)


def _key(who: Party) -> str:
    return who.id_card if isinstance(who, Person) else who.uscc


def _template(world: World, particulars: str) -> str:
    """A private-lending complaint of this story, with {lender}, {borrower}, {amount} and
    {day} left to fill in per suit; `particulars` and a company only this story names keep
    it apart from every other story's template."""
    pick = world.rng.choice
    venture = world.org_name(world.rng.choice(("贸易", "建筑", "服务")))
    return (
        f"原告{{lender}}向本院提出诉讼请求：一、判令被告{{borrower}}偿还借款本金{{amount}}元"
        f"及利息；二、本案诉讼费用由被告承担。事实和理由：原告{particulars}，与被告{{borrower}}"
        f"{pick(_RELATION)}。{{day}}，被告{{borrower}}以{pick(_PURPOSE)}为由向原告借款{{amount}}"
        f"元，用于{venture}的经营，原告{pick(_DELIVERY)}，{pick(_PROOF)}，{pick(_TERMS)}。"
        f"{pick(_DEFAULT)}。原告认为，双方借贷关系合法有效，被告{{borrower}}应当依约还本付息，"
        f"现为维护自身合法权益，诉至法院，望判如所请。"
    )


def _suit(
    world: World,
    data: DemoData,
    court: Court,
    plaintiff: Party,
    defendant: Party,
    agent: Agent | None,
    claims: str,
    *,
    cause: str = "民间借贷纠纷",
    amount: Decimal,
) -> str:
    """One suit closed by judgment: case, parties and judgment rows; its doc_id."""
    filed = world.day(_ago(700), _ago(200))
    decided = filed + timedelta(days=world.rng.randrange(40, 150))
    case_no = world.case_no(court, filed.year, "民初")
    doc_id = world.serial("WS", filed.year)
    data.add(
        "court_case",
        case_no=case_no,
        court_name=court.name,
        case_type="民初",
        cause=cause,
        filing_date=filed,
        closing_date=decided,
        closing_method="判决",
        amount_claimed=amount,
        amount_awarded=amount,
    )
    for role, who, their_agent in (("原告", plaintiff, agent), ("被告", defendant, None)):
        data.add(
            "court_party",
            case_no=case_no,
            role=role,
            party_type="person" if isinstance(who, Person) else "org",
            name=who.name,
            id_card=who.id_card if isinstance(who, Person) else None,
            uscc=None if isinstance(who, Person) else who.uscc,
            phone=who.phone,
            address=who.address,
            agent_name=their_agent.name if their_agent else None,
            agent_firm=their_agent.firm if their_agent else None,
            agent_type=their_agent.agent_type if their_agent else None,
        )
    full_text = _BOILERPLATE.format(
        court=court.name,
        case_no=case_no,
        p=plaintiff.name,
        d=defendant.name,
        cause=cause,
        filed=f"{filed.year}年{filed.month}月{filed.day}日",
        claims=claims,
    )
    data.add(
        "judgment_document",
        doc_id=doc_id,
        case_no=case_no,
        court_name=court.name,
        doc_type="判决书",
        judgment_date=decided,
        cause=cause,
        parties=f"{plaintiff.name}、{defendant.name}",
        claims_text=claims,
        full_text=full_text,
    )
    return doc_id


def _fill(world: World, template: str, lender: Party, borrower: Party) -> tuple[str, Decimal]:
    amount = world.money(20_000, 90_000).quantize(Decimal(1))
    day = world.day(_ago(1500), _ago(800))
    claims = template.format(
        lender=lender.name,
        borrower=borrower.name,
        amount=amount,
        day=f"{day.year}年{day.month}月{day.day}日",
    )
    return claims, amount


def _series(
    world: World,
    data: DemoData,
    suits: int,
    plaintiffs: list[Party],
    agents: list[Agent | None],
    particulars: str,
    *,
    defendant: Party | None = None,
) -> str:
    """`suits` suits on one template, cycling through plaintiffs and agents; each sues a
    new borrower unless `defendant` is given. The smallest doc_id."""
    court = world.court()
    template = _template(world, particulars)
    doc_ids = []
    for i in range(suits):
        plaintiff = plaintiffs[i % len(plaintiffs)]
        sued = defendant or world.person(born=(1965, 1998), county=court.county)
        claims, amount = _fill(world, template, plaintiff, sued)
        agent = agents[i % len(agents)]
        doc_ids.append(_suit(world, data, court, plaintiff, sued, agent, claims, amount=amount))
    return min(doc_ids)


def _lender(world: World) -> Person:
    return world.person(born=(1962, 1985))


def _particulars(world: World, lender: Party) -> str:
    trade = world.rng.choice(_TRADES)
    return f"系经营{trade}生意的个体户，住所地在{lender.address[3:]}"


# -- true cases -------------------------------------------------------------------------


def _shared_plaintiff(world: World, data: DemoData) -> None:
    lender = _lender(world)
    suits = world.rng.randint(6, 8)
    agents: list[Agent | None] = [None, *(world.agent() for _ in range(suits - 1))]
    group = _series(world, data, suits, [lender], agents, _particulars(world, lender))
    data.case(MODEL_ID, group, "shared_plaintiff", f"{lender.name}同一模板起诉{suits}件")


def _shared_agent(world: World, data: DemoData) -> None:
    debtor = world.company(industry=world.rng.choice(("贸易", "建筑", "纺织")))
    suits = world.rng.randint(6, 8)
    creditors: list[Party] = [_lender(world) for _ in range(suits)]
    agent = world.agent(agent_type="法律工作者")
    particulars = f"为{debtor.name}供应货物多年，该公司负责人曾以公司名义担保"
    group = _series(world, data, suits, creditors, [agent], particulars, defendant=debtor)
    data.case(MODEL_ID, group, "shared_agent", f"{agent.name}以同一模板代理{suits}名原告")


def _both(world: World, data: DemoData) -> None:
    lender = _lender(world)
    suits = world.rng.randint(6, 8)
    agent = world.agent()
    group = _series(world, data, suits, [lender], [agent], _particulars(world, lender))
    data.case(MODEL_ID, group, "shared_plaintiff", f"{lender.name}与代理人{agent.name}")
    data.case(MODEL_ID, group, "shared_agent", f"{lender.name}与代理人{agent.name}")


# -- decoys ----------------------------------------------------------------------------


def _busy_lawyer(world: World, data: DemoData) -> tuple[str, str]:
    """A lawyer in eight ordinary suits for different clients, each complaint its own."""
    agent, court = world.agent(), world.court()
    doc_ids = []
    for _ in range(8):
        client, other = _lender(world), world.person(born=(1960, 1998))
        day = world.day(_ago(1500), _ago(800))
        amount = world.money(5_000, 200_000).quantize(Decimal(1))
        sentences = world.rng.sample(_ORDINARY, 4)
        claims = f"原告{client.name}诉称：" + "".join(sentences).format(
            p=client.name,
            d=other.name,
            day=f"{day.year}年{day.month}月{day.day}日",
            amount=amount,
            trade=world.rng.choice(_TRADES),
        )
        suit = _suit(
            world, data, court, client, other, agent, claims, cause="合同纠纷", amount=amount
        )
        doc_ids.append(suit)
    return min(doc_ids), f"{agent.name}代理8起案情各异的诉讼"


def _boilerplate_only(world: World, data: DemoData) -> tuple[str, str]:
    """Six suits of one court: the same boilerplate around complaints of their own."""
    court = world.court()
    doc_ids = []
    for _ in range(6):
        lender = _lender(world)
        template = _template(world, _particulars(world, lender))
        borrower = world.person(born=(1965, 1998), county=court.county)
        claims, amount = _fill(world, template, lender, borrower)
        doc_ids.append(
            _suit(world, data, court, lender, borrower, world.agent(), claims, amount=amount)
        )
    return min(doc_ids), f"{court.name}6份文书，仅法院套话相同"


def _four_suits(world: World, data: DemoData) -> tuple[str, str]:
    lender = _lender(world)
    group = _series(world, data, 4, [lender], [world.agent()], _particulars(world, lender))
    return group, f"{lender.name}同一模板仅起诉4件"


def _licensed_lender(world: World, data: DemoData) -> tuple[str, str]:
    bank = world.company(industry="农村商业银行股份有限公司")
    suits = world.rng.randint(6, 8)
    particulars = f"系依法设立的金融机构{bank.name}，与被告签订个人借款合同"
    group = _series(world, data, suits, [bank], [world.agent()], particulars)
    return group, f"{bank.name}以格式文本起诉{suits}件"


def _different_parties(world: World, data: DemoData) -> tuple[str, str]:
    suits = world.rng.randint(6, 8)
    lenders: list[Party] = [_lender(world) for _ in range(suits)]
    agents: list[Agent | None] = [world.agent() for _ in range(suits)]
    particulars = "按照本院提供的要素式起诉状逐项填写，借款要素如下"
    group = _series(world, data, suits, lenders, agents, particulars)
    return group, f"{suits}名原告各自委托代理人，使用法院要素式起诉状"


DECOYS = {
    "busy_lawyer": _busy_lawyer,
    "boilerplate_only": _boilerplate_only,
    "four_suits": _four_suits,
    "licensed_lender": _licensed_lender,
    "different_parties": _different_parties,
}


def plant(world: World, data: DemoData, cases: int) -> None:
    """Plant `cases` template groups, round-robin over the stories (shared plaintiff,
    shared agent, both), and max(2, cases // 2) decoys of each kind."""
    stories = (_shared_plaintiff, _shared_agent, _both)
    for i in range(cases):
        stories[i % len(stories)](world, data)
    for kind, decoy in DECOYS.items():
        for _ in range(max(2, cases // 2)):
            data.decoy(MODEL_ID, kind, *decoy(world, data))
