"""What was asked and what was decided: claimed and awarded sums, and the outcome.

The complaint (诉讼请求) and the operative part (判决如下 …) are numbered lists of items.
A principal sum is the money an item asks for or orders paid; interest, penalties and
court fees are not principal, and a receipt quoted as 肆万元（40000元） names one sum, not
two. The outcome comes from the set phrases the courts use: 驳回上诉，维持原判; 准许原告撤回
起诉; 驳回原告其他诉讼请求 after items that grant something (部分支持) …
"""

from __future__ import annotations

import re
from decimal import Decimal

from jiandu.text.numerals import MONEY_RE, money_value

_ITEM = re.compile(
    r"(?:^|[；;。：:，,]|\s)(?:[一二三四五六七八九十]+|[0-9]{1,2}) ?[、．.，,](?![0-9])"
)
_CLAUSE_BREAK = re.compile(r"[，,；;。：:（(）)]")
_NOT_PRINCIPAL = re.compile(
    r"利息|利率|息|违约金|滞纳金|罚息|诉讼费|受理费|保全费|律师费|公告费|鉴定费|评估费|执行费|"
    r"担保费|差旅费|交通费|代理费|复利|暂计|计至|合计|共计|总计|以上|上述|逾期|为限|不超过|"
    r"每月|每年|每季|按月|按年"
)
_REQUEST = re.compile(r"(?:(?<![变更弃认])诉讼请求|上诉请求)[:：]?")
_ASK = re.compile(
    r"(?:请求|要求|诉请)(?:人民法院|法院|本院)?(?:依法)?(?:判令|判决|判如所请)?[:：]?"
)
_REQUEST_END = re.compile(
    r"事实(?:和|与|及)理由|事实、理由|理由如下|为支持|证据如下|提交(?:了)?(?:以下|如下)?证据"
)
_COSTS_ITEM = re.compile(r"受理费|诉讼费|保全费|公告费")
_ORDERS_END = re.compile(
    r"(?:如果|如)?(?:被告|当事人|义务人)?未按(?:本判决|判决|本调解书)?指定的期间|"
    r"(?:本案|一审|二审)?(?:案件)?受理费|本案诉讼费"
)
_PAY = re.compile(r"偿还|归还|支付|给付|付给|返还|赔偿|清偿|退还|偿付|付清|退赔|补偿|赔付")
# An item that only secures another (…对上述第一项债务承担连带责任) names no new money.
_REFERS_BACK = re.compile(r"上述|前述|第[一二三四五六七八九十0-9]+项")


def _items(text: str) -> list[str]:
    """The numbered items of a list (text before the first number is an item too)."""
    marks = list(_ITEM.finditer(text))
    starts = [0, *(m.end() for m in marks)]
    ends = [*(m.start() for m in marks), len(text)]
    return [text[a:b] for a, b in zip(starts, ends, strict=True) if text[a:b].strip(" ：:，,。")]


def _principal(item: str) -> Decimal | None:
    """The first principal sum an item names (skipping interest, fees and restatements)."""
    last_end = -10
    last_value: Decimal | None = None
    for match in MONEY_RE.finditer(item):
        value = money_value(match)
        between = item[last_end : match.start()]
        echo = last_value is not None and value == last_value and len(between) <= 3
        last_end, last_value = match.end(), value
        if not value or echo:
            continue
        breaks = list(_CLAUSE_BREAK.finditer(item, 0, match.start()))
        clause = item[breaks[-1].end() if breaks else 0 : match.start()]
        if _NOT_PRINCIPAL.search(clause):
            continue
        return value
    return None


def _total(items: list[str]) -> Decimal | None:
    values = []
    for item in items:
        if _COSTS_ITEM.search(item) and not _PAY.search(item):
            continue
        if item.lstrip().startswith("驳回"):
            continue
        value = _principal(item)
        if value is not None:
            values.append(value)
    return sum(values, Decimal("0.00")) if values else None


def _names_money(text: str, start: int) -> bool:
    stop = text.find("。", start)
    return MONEY_RE.search(text, start, stop if stop >= 0 else len(text)) is not None


def claimed_amount(claims: str | None) -> Decimal | None:
    """Sum of the principal sums the complaint asks for, or None."""
    if not claims:
        return None
    request = _REQUEST.search(claims)
    if request is None:
        # A 诉称 paragraph tells the story first and asks at the end: the last 请求 that
        # names a sum.
        asks = [a for a in _ASK.finditer(claims) if _names_money(claims, a.end())]
        if not asks:
            return None
        request = asks[-1]
    text = claims[request.end() :]
    end = _REQUEST_END.search(text)
    return _total(_items(text[: end.start()] if end else text))


def _orders(main: str) -> str:
    """The operative part without the closing boilerplate and the court-fee order."""
    end = _ORDERS_END.search(main)
    return main[: end.start()] if end else main


def awarded_amount(main: str) -> Decimal | None:
    """Sum of the principal sums the operative part orders paid, or None."""
    items = [
        item
        for item in _items(_orders(main))
        if _PAY.search(item) and not _REFERS_BACK.search(item)
    ]
    return _total(items) if items else None


_MEDIATION = re.compile(
    r"主持(?:下)?调解|调解协议|自愿达成(?:如下)?协议|达成(?:如下)?(?:调解)?协议"
)
_WITHDRAWN = re.compile(
    r"准许[^。；]{0,30}?(?:撤回(?:起诉|上诉|诉讼|申请|再审申请|自诉|执行申请)|撤诉)|"
    r"按[^。；]{0,10}?撤(?:回起诉|回上诉|诉)处理"
)
_REMANDED = re.compile(r"发回[^。；]{0,30}?重(?:新)?审")
_UPHELD = re.compile(r"驳回上诉[，,、 ]?维持原(?:判|裁定|判决)?|维持原判|驳回[^。；]{0,10}?申诉")
_REVISED = re.compile(r"撤销[^。；]{0,60}?(?:判决|裁定|决定)|变更[^。；]{0,60}?判决")
_ACQUITTED = re.compile(r"无罪")
_GUILTY = re.compile(
    r"犯[^。；，,]{1,40}?罪[，, ]?(?:判处|单处|免予|免除|处|并处|数罪并罚)"
    r"|判处[^。；]{0,10}?(?:有期徒刑|拘役|管制|罚金|无期徒刑|死刑)"
)
_DISMISS_ALL = re.compile(
    r"驳回[^。；]{0,40}?(?:全部)?(?:诉讼请求|起诉|上诉|申请|再审申请|异议|诉请)"
)
_DISMISS_REST = re.compile(
    r"驳回[^。；]{0,40}?(?:其他|其余|剩余|超出部分)[^。；]{0,10}?(?:诉讼请求|请求|诉请)"
)
_GRANT = re.compile(
    r"偿还|归还|支付|给付|付给|返还|赔偿|清偿|退还|偿付|付清|退赔|补偿|赔付|解除|确认|交付|"
    r"承担[^。；]{0,10}责任|分割|归[^。；]{0,20}所有|抚养|探望|"
    r"继续履行|准予|离婚|变更|撤销|停止|排除|恢复|腾退|过户|协助"
)


def outcome_of(body: str, main: str, doc_type: str | None, kind: str | None) -> str | None:
    """The outcome (docs/dev/text.md) from the operative part's set phrases, or None."""
    if doc_type == "调解书" or (_MEDIATION.search(main or body[-3000:]) and main):
        return "调解"
    if not main:
        return "调解" if doc_type == "调解书" else None
    if _WITHDRAWN.search(main):
        return "撤诉"
    if _REMANDED.search(main):
        return "发回重审"
    if _UPHELD.search(main):
        return "维持"
    if _REVISED.search(main) and ("二审" in body[:3000] or "上诉" in main or "终" in body[:200]):
        return "改判"
    if kind == "刑事":
        if _GUILTY.search(main):
            return "有罪"
        if _ACQUITTED.search(main):
            return "无罪"
        return "其他"
    items = _items(_orders(main))
    granted = any(_GRANT.search(i) and not i.lstrip().startswith("驳回") for i in items)
    if _DISMISS_REST.search(main):
        return "部分支持" if granted else "驳回"
    if _DISMISS_ALL.search(main):
        return "部分支持" if granted and "部分" in main else "驳回"
    return "支持" if granted else "其他"
