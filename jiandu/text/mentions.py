"""Entity mentions in judgment text: money, dates, times, persons, organisations.

The facts of a judgment (经审理查明 …) carry what a procurator checks first: who took
what from whom, when, and for how much. `mentions(text)` finds those spans with
precompiled regular expressions, one left-to-right pass per kind, so its cost is linear
in the text; it never reads a model or a dictionary file. Each `Mention` keeps its exact
span (`text[start:end] == mention.text`) and, where one can be read, a value:

- `money`: Decimal yuan. 人民币5,000元, 5000余元 (the stated figure; 余 "more than" is not
  guessed at), 1.2万元, 伍仟元, 三万余元, 1万1千余元, and 人民币225万 (万/亿 without 元 only after
  人民币). 价值/计价值 stay outside the span. Foreign
  currencies (港币50元, 100美元) are not money here.
- `date`: an ISO string: 2019-03-05 for a day, 2019-03 for a month, 2019 for a year, or
  None when it cannot be resolved. Relative forms (同年5月, 次年, 同月5日, 3月5日, 当日,
  次日) take their year, month or day from the nearest earlier date that has them.
- `time`: a time of day, no value (14时30分, 13时许, 凌晨, 下午17时许).
- `person`: a name introduced by a role word (被告人张三, 被害人李某某、王某, 原告X …);
  value = the role as written. Masked names (张某, 张某某, 李某甲, 张3, 刘XX) are kept as
  written, and a masked name met without a role is a person with value None, or with the
  role it was introduced with earlier in the text.
- `org`: the longest span ending with an organisation suffix (…有限公司, …银行, …人民法院,
  …派出所, …公安局, …医院, …价格认证中心 …) that starts after punctuation, a role word
  or a function word (在, 经, 被, 向 …).

These are heuristics over written Chinese, not a parser of it: names are cut at a list of
function words that never end a name, so an unusual given name can be cut short, and an
organisation that follows a word not on the list can start too early.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from jiandu.text.numerals import CN_DIGIT, CN_NUMBER, ZERO, cn_int

__all__ = ["Mention", "criminal_amount", "mentions"]

KINDS = ("money", "date", "time", "person", "org")


@dataclass(frozen=True)
class Mention:
    """One span of the text: kind, the text as written, where it is, and its value."""

    kind: str
    text: str
    start: int
    end: int
    value: Decimal | str | None


_HAN = "\u4e00-\u9fff\u3400-\u4dbf"
_CENT = Decimal("0.01")

# ---------------------------------------------------------------- money
_UNIT = {"千": 1_000, "万": 10_000, "萬": 10_000, "亿": 100_000_000}
_MONEY = re.compile(
    r"(?<![0-9.,A-Za-z])(?<!港币)(?<!韩币)(?<!台币)(?<!日币)(?<!澳币)(?<!欧币)"
    r"(?P<prefix>(?:人民币|RMB|￥|¥) ?)?"
    r"(?:(?P<mix>[0-9]+[万萬亿](?:[0-9]+[千百])+)(?:余|多)?"
    r"|(?P<a>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?) ?"
    r"(?P<au>[千万萬亿])?(?:余|多)?(?P<au2>[千万萬亿])?"
    rf"|(?P<c>{CN_NUMBER})(?:余|多)?)"
    r"(?:元整?|(?(prefix)(?<=[万萬亿])|(?!)))"
)
_CN_LEAD = re.compile(f"[{CN_DIGIT}十拾]")
_MIX_PART = re.compile(r"([0-9]+)([万萬亿千百])")
_MIX_UNIT = {**_UNIT, "百": 100}


def _money_value(match: re.Match[str]) -> Decimal | None:
    if match.group("mix"):  # 1万1千余元
        parts = _MIX_PART.findall(match.group("mix"))
        return Decimal(sum(int(n) * _MIX_UNIT[u] for n, u in parts)).quantize(_CENT)
    arabic = match.group("a")
    if arabic is not None:
        unit = _UNIT.get(match.group("au") or match.group("au2") or "", 1)
        try:
            return (Decimal(arabic.replace(",", "")) * unit).quantize(_CENT)
        except InvalidOperation:
            return None
    chinese = match.group("c")
    # A lone numeral before 元 is mostly a word ending (统一元…), not an amount.
    if not _CN_LEAD.match(chinese) or (len(chinese) < 2 and not match.group("prefix")):
        return None
    value = cn_int(chinese)
    return None if not value else Decimal(value).quantize(_CENT)


def _money(text: str) -> Iterator[Mention]:
    for match in _MONEY.finditer(text):
        value = _money_value(match)
        if value is not None:
            yield Mention("money", match.group(), match.start(), match.end(), value)


# ---------------------------------------------------------------- dates
_YEAR = rf"(?<![0-9])(?:19|20)[0-9]{{2}}(?![0-9])|[{ZERO}一二三四五六七八九]{{4}}"
_MON = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])(?![0-9])"
_DAY = r"(?:3[01]|[12][0-9]|0?[1-9]|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])(?![0-9])"
_PART = r"(?:份)?(?:初|上旬|中旬|下旬|底|末|间)?"
_DATE = re.compile(
    rf"(?P<y>{_YEAR}) ?年(?: ?(?P<m>{_MON}) ?月(?: ?(?P<d>{_DAY}) ?[日号]|{_PART}))?"
    rf"|(?P<ry>同年|当年|次年|翌年)(?:(?P<rm>{_MON}) ?月(?: ?(?P<rd>{_DAY}) ?[日号]|{_PART}))?"
    rf"|(?P<sm>同月|当月|次月)(?:(?P<sd>{_DAY}) ?[日号])?"
    rf"|(?<![0-9年])(?P<mm>{_MON}) ?月 ?(?P<md>{_DAY}) ?[日号](?!期)"
    r"|(?P<rel>同日|当日|当天|次日|翌日|同一天)"
)
_YEAR_SHIFT = {"同年": 0, "当年": 0, "次年": 1, "翌年": 1}
_MONTH_SHIFT = {"同月": 0, "当月": 0, "次月": 1}
_DAY_SHIFT = {"同日": 0, "当日": 0, "当天": 0, "同一天": 0, "次日": 1, "翌日": 1}


def _int(part: str | None) -> int | None:
    return None if part is None else cn_int(part)


def _iso(year: int | None, month: int | None, day: int | None) -> str | None:
    if year is None or not 1900 <= year <= 2100:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


class _Calendar:
    """The last year, month and day the text named, for relative dates."""

    def __init__(self) -> None:
        self.year: int | None = None
        self.month: int | None = None
        self.day: int | None = None

    def read(self, match: re.Match[str]) -> str | None:
        if match.group("y"):
            year, month, day = (_int(match.group(g)) for g in ("y", "m", "d"))
            return self._set(year, month, day, absolute=True)
        if match.group("ry"):
            year = self.year + _YEAR_SHIFT[match.group("ry")] if self.year else None
            month, day = _int(match.group("rm")), _int(match.group("rd"))
            return self._set(year, month, day, absolute=False)
        if match.group("sm"):
            if self.year is None or self.month is None:
                return None
            month = self.month + _MONTH_SHIFT[match.group("sm")]
            year = self.year + (month - 1) // 12
            return self._set(year, (month - 1) % 12 + 1, _int(match.group("sd")), absolute=False)
        if match.group("mm"):
            month, day = _int(match.group("mm")), _int(match.group("md"))
            return self._set(self.year, month, day, absolute=False)
        if self.year is None or self.month is None or self.day is None:
            return None
        try:
            moment = date(self.year, self.month, self.day)
        except ValueError:
            return None
        moment += timedelta(days=_DAY_SHIFT[match.group("rel")])
        return self._set(moment.year, moment.month, moment.day, absolute=False)

    def _set(
        self, year: int | None, month: int | None, day: int | None, absolute: bool
    ) -> str | None:
        value = _iso(year, month, day)
        if value is None:
            return None
        if absolute or year is not None:
            self.year, self.month, self.day = year, month, day
        return value


def _dates(text: str) -> Iterator[Mention]:
    calendar = _Calendar()
    for match in _DATE.finditer(text):
        yield Mention("date", match.group(), match.start(), match.end(), calendar.read(match))


# ---------------------------------------------------------------- times
_DAYPART = (
    r"(?:凌晨|清晨|早晨|早上|上午|中午|午后|下午|傍晚|晚上|晚间|夜间|夜里|深夜|半夜|午夜|当晚|当夜"
    r"|(?<=[日号])[晚夜](?!上|间|里|饭|餐|会))"
)
_CN_HOUR = r"[一二三四五六七八九十]{1,3}"
_TIME = re.compile(
    rf"(?:{_DAYPART} ?)?(?<![0-9.])(?:[01]?[0-9]|2[0-4]) ?[时点](?!间|候|期|代|段|刻)"
    r"(?: ?[0-5]?[0-9] ?分(?: ?[0-5]?[0-9] ?秒)?)?(?:许|左右|多)?"
    rf"|{_DAYPART}{_CN_HOUR}[时点](?:{_CN_HOUR}分)?(?:许|左右)?"
    rf"|{_CN_HOUR}时(?:{_CN_HOUR}分(?:许|左右)?|许)"
    rf"|{_DAYPART}"
)


def _times(text: str) -> Iterator[Mention]:
    for match in _TIME.finditer(text):
        yield Mention("time", match.group(), match.start(), match.end(), None)


# ---------------------------------------------------------------- persons
# Single-character surnames (百家姓 and the common rest). Names after a role start with
# one; a masked name (张某) may start with any of them, a full name only with those that
# are not also everyday words after a role (于, 家, 明, 白 … 被告人明知, 被告人白天).
_SURNAMES = (
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛"
    "奚范彭郎鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康"
    "伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵"
    "席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗"
    "丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫"
    "乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄"
    "印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮"
    "牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘匡"
    "国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相查"
    "后荆红游竺权逯盖益桓公覃肖付闫岳兰牟佘佟冼邝粟揭谌阳麦庹禤蒿晋商伯年南"
)
_WORDLIKE = set(
    "于和家明白方以当时能通都相后经向从将那公东空别国万全应常乐平安成文计单解宿双党"
    "充习容易终步满广禄养须查红游权益水云花元齐支宗干井富山车印怀咸籍阴苍申扶却寿牛"
    "尚农居师暴"
)
_COMPOUND = "欧阳|司马|诸葛|上官|东方|皇甫|慕容|令狐|司徒|夏侯|尉迟|公孙|长孙|端木"
_MASK_SURNAME = f"(?:{_COMPOUND}|[{_SURNAMES}])"
_FULL_SURNAME = f"(?:{_COMPOUND}|[{''.join(c for c in _SURNAMES if c not in _WORDLIKE)}])"
# Words that follow a name but never end one: the name stops before them.
_STOP = (
    "在|于|因|将|从|与|和|及|的|系|等|被|到|向|对|以|驾|窃|盗|趁|用|伙|携|把|为|是|已|经|所|家|"
    "处|即|又|至|自|持|骑|乘|进|来|去|拿|称|供|认|无|多|均|各|共|并|遂|便|就|再|还|都|见|"
    "发现|给|让|叫|使|带|明知|作案|未|某|拒|离|签|驾驶|办|要|会|应|曾|不|没|也|每|只|仍|后|"
    "前|之|其|父亲|母亲|妻子|丈夫|儿子|女儿|出生|住|户籍|男|女|现金|手机|钱包|电动|摩托|轿车|身上|"
    "放在|停放|店|车|报警|报案|损失|价值"
)
_MASKED = (
    rf"{_MASK_SURNAME}(?:某某?[甲乙丙丁戊己庚辛壬癸0-9]?|[XxＸｘ×*＊]{{1,3}}[0-9]{{0,2}}"
    r"|[0-9]{1,2}(?![0-9年月日时分号]))"
)
_FULL = rf"{_FULL_SURNAME}(?:(?!{_STOP})[{_HAN}]){{1,2}}"
_NAME = f"(?:{_MASKED}|{_FULL})"
_ROLE = (
    "犯罪嫌疑人|原审被告人|被告人|被害人|受害人|附带民事诉讼原告人|原告人|原告|被上诉人|上诉人|"
    "被告|证人|同案犯|同案人|罪犯|嫌疑人|被申请人|申请人|第三人"
)
_PERSON = re.compile(rf"(?P<role>{_ROLE})[:：]?(?P<names>{_NAME}(?:、{_NAME})*)")
_ONE_NAME = re.compile(_NAME)
_BARE_MASKED = re.compile(
    rf"{_FULL_SURNAME}(?:某某?[甲乙丙丁戊己庚辛壬癸0-9]?|[XＸ×]{{2,3}}[0-9]{{0,2}})"
    r"(?![日时处地年月天种些个部单店厂场所院局镇村县市区路街号栋楼室公])"
)


def _persons(text: str) -> Iterator[Mention]:
    roles: dict[str, str] = {}
    taken: set[int] = set()
    found: list[Mention] = []
    for match in _PERSON.finditer(text):
        role, base = match.group("role"), match.start("names")
        for name in _ONE_NAME.finditer(match.group("names")):
            start = base + name.start()
            found.append(Mention("person", name.group(), start, base + name.end(), role))
            roles.setdefault(name.group(), role)
            taken.add(start)
    for bare in _BARE_MASKED.finditer(text):
        if bare.start() not in taken:
            written = bare.group()
            found.append(Mention("person", written, bare.start(), bare.end(), roles.get(written)))
    found.sort(key=lambda m: m.start)
    yield from found


# ---------------------------------------------------------------- organisations
_ORG_SUFFIX = (
    "股份有限公司|有限责任公司|有限公司|分公司|公司|集团|银行|支行|分行|分理处|营业部|信用社|"
    "人民法院|人民检察院|检察院|法院|公安局|公安分局|分局|派出所|公安机关|检察机关|侦查机关|"
    "交警大队|大队|中队|看守所|监狱|医院|卫生院|诊所|价格认证中心|认证中心|鉴定中心|鉴定所|"
    "检测中心|中心|事务所|委员会|村委会|居委会|人民政府|政府|管理局|管理处|大学|学院|中学|小学|幼儿园|学校|"
    "超市|商场|商行|商店|酒店|宾馆|网吧|服装店|专卖店|加油站|厂"
)
_ORG_STANDALONE = {"公安机关", "公安局", "派出所", "公安分局", "检察机关", "侦查机关"}
_ORG_STOP = (
    "，,。；;：:、！？!?（）()\\s在于经由向到至将被与及的系是为从对把让送往去来称即后并又以因给"
    "就该其此我他你贵这那窃盗骗抢了"
)
# Words after which an organisation name starts (打开服装店 names no shop 打开服装店).
_ORG_WORDS = (
    "犯罪嫌疑人",
    "被告人",
    "被害人",
    "原告",
    "被告",
    "证人",
    "打开",
    "来到",
    "进入",
    "走至",
    "走到",
    "窜至",
    "前往",
    "离开",
    "潜入",
    "使用",
    "通过",
    "上述",
    "本市",
    "本县",
    "本区",
    "内有",
    "位于",
    "报警",
    "报案",
    "联系",
)
_ORG_WORD_ALT = "|".join(sorted(_ORG_WORDS, key=len, reverse=True))
# After 被 only when 被 is not the head of a role word (被告人, 被害人 …).
_ORG_OPEN = (
    "(?:"
    + "".join(f"(?<={word})|" for word in _ORG_WORDS)
    + rf"(?<=被)(?!告|害|上诉|申请|执行)|(?<=[{_ORG_STOP.replace('被', '')}])|^)"
)
_ORG = re.compile(rf"{_ORG_OPEN}(?:(?!{_ORG_WORD_ALT})[^{_ORG_STOP}]){{0,30}}(?:{_ORG_SUFFIX})")


def _orgs(text: str) -> Iterator[Mention]:
    for match in _ORG.finditer(text):
        name = match.group()
        if len(name) < 4 and name not in _ORG_STANDALONE:
            continue
        yield Mention("org", name, match.start(), match.end(), None)


# ---------------------------------------------------------------- criminal amount
_SENTENCE_END = re.compile(r"[。；;\n]")
_CLAUSE_END = re.compile(r"[，,。；;\n：:]")
_TAKEN = re.compile(
    r"窃得|窃取|盗得|盗走|盗取|偷走|偷得|偷取|骗取|骗得|诈骗|诈得|抢走|抢得|抢劫|抢夺|夺走|"
    r"侵占|价值|计价|价格|被盗|盗窃|索要|敲诈|勒索|非法占有|现金|取走|转走|套取|挪用|收受|损失|"
    r"转账|转款|汇款|刷卡"
)
_NOT_TAKEN = re.compile(
    r"分得|分赃|分给|退赔|退还|退回|赔偿|赔付|罚金|扣押|返还|发还|追回|追缴|退缴|缴获|查获|获利|"
    r"销赃|卖得|变卖|卖给|卖掉|出售|售价|收购|谅解|押金|工资|购买|买了|花费|消费|充值|判处|"
    r"每[个台部件只斤克]|单价|违法所得|所得|赃款|好处费|报酬"
)
_TOTAL = re.compile(
    r"共计|合计|总计|累计|总价值|总金额|总额|总共|一共|共价值|价值共|共值|共(?:盗|窃|骗|抢)[得取走]"
)
_GRAND = re.compile(r"累计|总计|总价值|总金额|综上|以上|上述|涉案|全部|共计.{0,12}(?:盗|窃|骗|抢)")
_SETTLED = re.compile(r"认定|取值|确定|核定")


def _clause(text: str, start: int, pattern: re.Pattern[str], reach: int) -> str:
    """The text before `start` back to the last separator `pattern` finds (at most `reach`)."""
    window = text[max(0, start - reach) : start]
    cut = 0
    for cut_match in pattern.finditer(window):
        cut = cut_match.end()
    return window[cut:]


@dataclass
class _Sentence:
    parts: list[Decimal]
    total: Decimal | None = None
    grand: bool = False

    def amount(self) -> Decimal:
        if self.total is not None:
            return self.total
        return sum(set(self.parts), Decimal(0))  # the same sum twice in a sentence is one


def criminal_amount(text: str) -> Decimal | None:
    """The total amount taken in a theft or fraud fact description, in yuan, or None.

    A heuristic, not a reading of the facts. A money mention counts when its sentence
    says something was taken, valued or handed over (窃得, 骗取, 价值, 转账 …) and its own
    clause does not say it was shared, returned, seized or paid (分得, 退赔, 扣押, 罚金 …).
    Each sentence gives one amount: its stated total (共计, 合计, 总价值 …), or the value a
    valuation settled on after it (合计3895.1元，认定取值为3900元 → 3900), else the sum
    of its parts, an amount repeated in the same sentence once. Sentences add up, except
    that a sentence restating the running sum adds nothing, and a summary total (累计,
    综上, 共计盗窃 …) at least as large as the running sum replaces it.
    """
    sentences: dict[int, _Sentence] = {}
    for mention in _money(text):
        clause = _clause(text, mention.start, _CLAUSE_END, 40)
        sentence_text = _clause(text, mention.start, _SENTENCE_END, 200)
        if _NOT_TAKEN.search(clause) or not _TAKEN.search(sentence_text):
            continue
        value = mention.value
        assert isinstance(value, Decimal)
        sentence = sentences.setdefault(mention.start - len(sentence_text), _Sentence([]))
        if _TOTAL.search(clause):
            sentence.total = value
            sentence.grand = sentence.grand or bool(_GRAND.search(sentence_text))
        elif sentence.total is not None and _SETTLED.search(clause):
            sentence.total = value
        else:
            sentence.parts.append(value)
    if not sentences:
        return None
    running = Decimal(0)
    for sentence in sentences.values():
        amount = sentence.amount()
        if running and amount == running:
            continue
        if sentence.grand and amount >= running:
            running = amount
        else:
            running += amount
    # A total stated before its parts (窃得财物共计价值3940元。具体事实如下：…) was added
    # to them: it is the answer when it equals the sum of everything else.
    for sentence in sentences.values():
        if sentence.total is not None and running == 2 * sentence.total:
            return sentence.total
    return running


# ---------------------------------------------------------------- all
_FINDERS = (_money, _dates, _times, _persons, _orgs)


def mentions(text: str) -> list[Mention]:
    """Every money, date, time, person and organisation mention, ordered by position."""
    found = [mention for finder in _FINDERS for mention in finder(text)]
    found.sort(key=lambda m: (m.start, -m.end, KINDS.index(m.kind)))
    return found
