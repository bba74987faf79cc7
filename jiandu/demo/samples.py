"""Messy sample files, as agencies really send them, for the demo and the tests.

Deterministic (seeded): the same size gives the same files. Each file carries the mess
the ingest pipeline must survive — GB18030 text with a title line above the header,
Excel with merged group headers over two sheets, full-width digits, 15-digit ID numbers,
months written four ways, amounts in 万元 — and a few planted bad rows whose rejection
the demo shows.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from jiandu.fields.id_card import check_char as id_check_digit
from jiandu.fields.uscc import check_char as uscc_check_char
from jiandu.fields.uscc import org_check_char

__all__ = ["PLANTED_DEATHS", "Sample", "id_check_digit", "org_code", "write_samples"]

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强玉兰海燕春梅晓东文斌丽娟"
)
# County codes of Shaoxing (绍兴), where the demo province's first county sits.
_COUNTIES = ("330602", "330603", "330604", "330624", "330681", "330683", "330621")
_FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


# Pensioners the demo reports as dead in January..March 2023 while still being paid.
PLANTED_DEATHS = 3


@dataclass(frozen=True)
class Sample:
    dataset_type: str
    files: tuple[Path, ...]
    source_name: str


def org_code(first8: str) -> str:
    """GB 11714 organisation code: 8 characters and their MOD 11 check character."""
    return first8 + org_check_char(first8)


def _person(rng: random.Random) -> tuple[str, str]:
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 45))
    first17 = f"{rng.choice(_COUNTIES)}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))
    return name, first17 + id_check_digit(first17)


def _messy_id(rng: random.Random, id_card: str) -> str:
    roll = rng.random()
    if roll < 0.05:  # old 15-digit number: drop the century and the check digit
        return id_card[:6] + id_card[8:17]
    if roll < 0.08:
        return id_card.translate(_FULLWIDTH)
    if roll < 0.10:
        return f" {id_card[:6]} {id_card[6:14]} {id_card[14:]} "
    return id_card.lower()


def _month_text(rng: random.Random, year: int, month: int) -> str:
    return rng.choice(
        (f"{year}年{month}月", f"{year}{month:02d}", f"{year}-{month:02d}", f"{year}/{month}")
    )


def _amount_text(rng: random.Random, amount: float) -> str:
    return rng.choice(
        (f"{amount:,.2f}", f"{amount / 10000:.4f}万元", f"￥{amount:.2f}", f"{amount:.2f}")
    )


def write_pension_csv(
    folder: Path, size: int, rng: random.Random, people: list[tuple[str, str]]
) -> Path:
    """GB18030 CSV from a county social-security bureau, title line above the header."""
    path = folder / "养老金发放明细_2023.csv"
    with path.open("w", encoding="gb18030", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["绍兴市越城区社会保险事业管理中心 养老金发放明细（2023年度）"])
        writer.writerow(
            ["序号", "姓名", "公民身份号码", "待遇年月", "发放金额（元）", "银行账号", "备注"]
        )
        for number in range(1, size + 1):
            # Each pensioner is paid once a month: twelve rows per person.
            name, id_card = people[((number - 1) // 12) % len(people)]
            month = (number - 1) % 12 + 1
            amount = rng.randrange(180000, 650000) / 100
            id_text = _messy_id(rng, id_card)
            if number % 97 == 0:  # a mistyped digit: the check digit catches it
                id_text = id_card[:10] + str((int(id_card[10]) + 1) % 10) + id_card[11:]
            writer.writerow(
                [
                    number,
                    name,
                    id_text,
                    _month_text(rng, 2023, month),
                    _amount_text(rng, amount),
                    f"6228{rng.randrange(10**14):014d}",
                    "补发" if number % 53 == 0 else "",
                ]
            )
    return path


def write_death_xlsx(
    folder: Path, size: int, rng: random.Random, deceased_pensioners: list[tuple[str, str]]
) -> Path:
    """Civil-affairs workbook: two sheets, title row, merged group headers, date cells.

    The cremation sheet ends with pensioners who died early in 2023 yet are paid all
    year in the pension file: the demo's pension_after_death model finds them."""
    path = folder / "死亡人员信息（火化+户籍注销）.xlsx"
    book = Workbook()
    for index, (title, source) in enumerate((("火化信息", "火化"), ("户籍注销", "户籍注销"))):
        sheet = book.active if index == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = title
        sheet.append([f"绍兴市民政局 {title}（截至2023年12月）"])
        sheet.merge_cells("A1:E1")
        sheet.append(["基本信息", None, "死亡信息", None, None])
        sheet.merge_cells("A2:B2")
        sheet.merge_cells("C2:E2")
        sheet.append(["姓名", "身份证号码", "死亡日期", "信息来源", "经办机构"])
        for cell in sheet[2] + sheet[3]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
        for number in range(max(size // 4, 1)):
            name, id_card = _person(rng)
            died = date(2022, 1, 1) + timedelta(days=rng.randrange(0, 700))
            when: object = died if number % 3 else f"{died.year}年{died.month}月{died.day}日"
            if number % 41 == 0:
                when = "不详"  # unknown date: rejected with the cell's row number
            sheet.append([name, id_card, when, source, "越城区殡仪馆" if index == 0 else "派出所"])
        if index == 0:
            for month, (name, id_card) in enumerate(deceased_pensioners, start=1):
                sheet.append([name, id_card, date(2023, month, 10), source, "越城区殡仪馆"])
    book.save(path)
    return path


def write_company_csv(folder: Path, size: int, rng: random.Random) -> Path:
    """Market-regulation export: UTF-8 with BOM, registered capital in 万元."""
    path = folder / "企业登记信息.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            [
                "统一社会信用代码",
                "企业名称",
                "法定代表人",
                "法定代表人身份证号",
                "注册地址",
                "联系电话",
                "注册资本(万元)",
                "成立日期",
                "登记状态",
            ]
        )
        for number in range(max(size // 5, 1)):
            body = "91330602" + org_code("".join(rng.choice("0123456789") for _ in range(8)))
            check = uscc_check_char(body)
            rep_name, rep_id = _person(rng)
            writer.writerow(
                [
                    body + check,
                    f"绍兴越城{rng.choice(('鑫达', '恒通', '瑞丰', '华盛'))}{number}贸易有限公司",
                    rep_name,
                    rep_id,
                    f"浙江省绍兴市越城区人民路{rng.randrange(1, 500)}号",
                    rng.choice(
                        (
                            f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                            f"0575-8{rng.randrange(10**6, 10**7)}",
                        )
                    ),
                    rng.choice(("50", "100", "500", "1000")),
                    f"{rng.randrange(2005, 2023)}/{rng.randrange(1, 13)}/{rng.randrange(1, 28)}",
                    rng.choice(("存续", "在业", "注销", "吊销")),
                ]
            )
    return path


def write_samples(folder: Path, *, size: int = 2000, seed: int = 20231) -> list[Sample]:
    """Write the demo's source files into `folder` and say what each one is."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    pensioners = [_person(rng) for _ in range(max(size // 12, 1))]
    planted = pensioners[: min(PLANTED_DEATHS, len(pensioners))]
    return [
        Sample(
            "pension_payment", (write_pension_csv(folder, size, rng, pensioners),), "越城区社保中心"
        ),
        Sample("death_record", (write_death_xlsx(folder, size, rng, planted),), "绍兴市民政局"),
        Sample("company_registry", (write_company_csv(folder, size, rng),), "越城区市场监管局"),
    ]
