"""How each agency of the demo province sends its data: file format, encoding, headers,
and the mess the import must survive.

Every dataset type has an `AgencyFile` profile: who sends it, in what format (CSV or TSV
in UTF-8, UTF-8 with BOM or GB18030; Excel with a title row, merged group headers and a
notes sheet; JSON Lines; Parquet), which header each field gets (a label or synonym of
the catalog, so the file maps without help), and how dates, months, times and amounts are
written. The writer renders rows in DuckDB — one SELECT per file, no per-row Python
except for Excel — and varies values row by row, as clerks do:

- ID numbers: some 15-digit old numbers, some full-width digits, some with spaces;
- dates and months in the file's style, with a share in other styles (2021年3月5日);
- amounts with thousands separators, ￥ signs, or in 万元; enum values in their synonyms
  (终本 for 终结本次执行); phone numbers with +86; 案号 with half-width brackets.

A few rows (DIRTY_PER_MILLE of them) are spoiled the way real data is — a mistyped ID
digit, a date written 不详 — so the import rejects them with their row and field; the
demo's recall shows what that costs.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from jiandu.catalog.dataset_type import DatasetType, FieldSpec
from jiandu.catalog.registry import builtin_types

__all__ = ["AGENCIES", "DIRTY_PER_MILLE", "XLSX_MAX_ROWS", "AgencyFile", "write_agency_file"]

Format = Literal["csv", "tsv", "xlsx", "jsonl", "parquet"]

# Rows per thousand spoiled so that the import rejects them.
DIRTY_PER_MILLE = 3
# Above this many rows an Excel profile is sent as a GB18030 CSV (as agencies do when a
# sheet gets too big for their office software).
XLSX_MAX_ROWS = 50_000

_DATE_STYLES = {
    "iso": "%Y-%m-%d",
    "slash": "%Y/%-m/%-d",
    "cn": "%Y年%-m月%-d日",
    "compact": "%Y%m%d",
}
_DATETIME_STYLES = {
    "iso": "%Y-%m-%d %H:%M:%S",
    "slash": "%Y/%-m/%-d %H:%M",
    "cn": "%Y年%-m月%-d日 %H:%M",
}
_MONTH_STYLES = {"cn": "%Y年%-m月", "compact": "%Y%m", "iso": "%Y-%m", "slash": "%Y/%-m"}
_FULLWIDTH_FROM, _FULLWIDTH_TO = "0123456789X", "０１２３４５６７８９Ｘ"


@dataclass(frozen=True)
class AgencyFile:
    """One agency's export of one dataset type (see the module docstring)."""

    type_id: str
    source_name: str
    file_stem: str
    fmt: Format
    encoding: str = "utf-8"
    title: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # field -> header; default label_zh
    date_style: str = "iso"
    datetime_style: str = "iso"
    month_style: str = "iso"
    money_style: Literal["plain", "comma", "yuan_sign"] = "plain"
    wan_fields: tuple[str, ...] = ()  # money fields sent in 万元 (header says so)
    groups: tuple[tuple[str, int], ...] = ()  # Excel group headers: (text, columns spanned)
    sheet_by: str | None = None  # Excel: one sheet per value of this field
    skip: tuple[str, ...] = ()  # fields the agency does not send

    def dataset_type(self) -> DatasetType:
        return builtin_types()[self.type_id]

    def columns(self) -> list[FieldSpec]:
        return [f for f in self.dataset_type().fields if f.name not in self.skip]

    def header(self, spec: FieldSpec) -> str:
        text = self.headers.get(spec.name, spec.label_zh)
        return f"{text}(万元)" if spec.name in self.wan_fields else text


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _h(salt: str) -> str:
    """Row hash in [0, 1000) of the row number `_n` and a salt."""
    return f"(hash(_n, {_q(salt)}) % 1000)"


def _text_expr(profile: AgencyFile, spec: FieldSpec, enum_synonyms: dict[str, str]) -> str:
    """SQL rendering field `spec` of the canonical row as the agency writes it."""
    col = _ident(spec.name)
    kind = spec.type
    if kind == "id_card":
        return (
            f"CASE WHEN {col} IS NULL THEN NULL "
            f"WHEN {_h('id15')} < 30 AND {col}[7:8] = '19' THEN {col}[1:6] || {col}[9:17] "
            f"WHEN {_h('id15')} < 50 "
            f"THEN translate({col}, {_q(_FULLWIDTH_FROM)}, {_q(_FULLWIDTH_TO)}) "
            f"WHEN {_h('id15')} < 60 "
            f"THEN ' ' || {col}[1:6] || ' ' || {col}[7:14] || ' ' || {col}[15:] "
            f"WHEN {_h('id15')} < 80 THEN lower({col}) ELSE {col} END"
        )
    if kind == "phone":
        return (
            f"CASE WHEN {_h('ph')} < 50 AND {col} NOT LIKE '0%' THEN '+86 ' || {col} "
            f"WHEN {_h('ph')} < 100 AND {col} NOT LIKE '0%' "
            f"THEN {col}[1:3] || '-' || {col}[4:7] || '-' || {col}[8:] ELSE {col} END"
        )
    if kind == "plate":
        return f"CASE WHEN {_h('pl')} < 30 THEN {col}[1:2] || '·' || {col}[3:] ELSE {col} END"
    if kind == "case_no":
        return (
            f"CASE WHEN {_h('cn')} < 300 "
            f"THEN replace(replace({col}, '（', '('), '）', ')') ELSE {col} END"
        )
    if kind == "date":
        main = _DATE_STYLES[profile.date_style]
        other = _DATE_STYLES["cn" if profile.date_style != "cn" else "slash"]
        return (
            f"CASE WHEN {_h('dt')} < 60 THEN strftime({col}, {_q(other)}) "
            f"ELSE strftime({col}, {_q(main)}) END"
        )
    if kind == "datetime":
        return f"strftime({col}, {_q(_DATETIME_STYLES[profile.datetime_style])})"
    if kind == "month":
        main = _MONTH_STYLES[profile.month_style]
        return (
            f"CASE WHEN {_h('mo')} < 100 THEN strftime({col}, '%Y年%-m月') "
            f"WHEN {_h('mo')} < 150 THEN strftime({col}, '%Y/%-m') "
            f"ELSE strftime({col}, {_q(main)}) END"
        )
    if kind == "money":
        if spec.name in profile.wan_fields:
            return f"rtrim(rtrim(printf('%.6f', {col} / 10000), '0'), '.')"
        style = {
            "plain": f"printf('%.2f', {col})",
            "comma": f"format('{{:,.2f}}', {col}::DOUBLE)",
            "yuan_sign": f"'￥' || printf('%.2f', {col})",
        }[profile.money_style]
        return (
            f"CASE WHEN {col} IS NULL THEN NULL "
            f"WHEN {_h('wan')} < 20 "
            f"THEN rtrim(rtrim(printf('%.6f', {col} / 10000), '0'), '.') || '万元' "
            f"ELSE {style} END"
        )
    if kind == "enum" and enum_synonyms:
        cases = " ".join(f"WHEN {_q(v)} THEN {_q(s)}" for v, s in enum_synonyms.items())
        return f"CASE WHEN {_h('en')} < 200 THEN (CASE {col} {cases} ELSE {col} END) ELSE {col} END"
    if kind == "int":
        return f"{col}::VARCHAR"
    return f"{col}::VARCHAR"


def _enum_synonyms(spec: FieldSpec) -> dict[str, str]:
    """A clerk's word for each enum value: its first synonym of two or more Chinese
    characters (codes like 'A' or '1' are left to the sources that use them)."""
    result: dict[str, str] = {}
    for value, synonyms in spec.value_synonyms.items():
        words = [s for s in synonyms if len(s) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in s)]
        if words:
            result[value] = words[0]
    return result


def _spoil_expr(profile: AgencyFile, rendered: dict[str, str]) -> dict[str, str]:
    """Wrap one field's rendering so that DIRTY_PER_MILLE rows are invalid."""
    columns = profile.columns()
    dirty = f"(hash(_n, 'dirt') % 1000) < {DIRTY_PER_MILLE}"
    for spec in columns:
        col = _ident(spec.name)
        if spec.type == "id_card" and spec.required:
            # One digit mistyped: the check digit no longer matches (MOD 11-2 catches it).
            flipped = f"{col}[1:10] || ((({col}[11]::INTEGER) + 1) % 10)::VARCHAR || {col}[12:]"
            rendered[spec.name] = f"CASE WHEN {dirty} THEN {flipped} ELSE {rendered[spec.name]} END"
            return rendered
    for spec in columns:
        if spec.type in ("date", "datetime", "month") and spec.required:
            rendered[spec.name] = f"CASE WHEN {dirty} THEN '不详' ELSE {rendered[spec.name]} END"
            return rendered
    for spec in columns:
        if spec.type in ("date", "datetime", "month", "id_card"):
            col = _ident(spec.name)
            bad = (
                "'不详'"
                if spec.type != "id_card"
                else (f"{col}[1:10] || ((({col}[11]::INTEGER) + 1) % 10)::VARCHAR || {col}[12:]")
            )
            rendered[spec.name] = (
                f"CASE WHEN {dirty} AND {col} IS NOT NULL THEN {bad} ELSE {rendered[spec.name]} END"
            )
            return rendered
    return rendered


def render_sql(profile: AgencyFile, table: str) -> str:
    """The SELECT rendering canonical rows of `table` (with a row number `_n`) as text
    columns named by the agency's headers, in the agency's order."""
    rendered = {
        spec.name: _text_expr(profile, spec, _enum_synonyms(spec)) for spec in profile.columns()
    }
    rendered = _spoil_expr(profile, rendered)
    select = ", ".join(
        f"{rendered[spec.name]} AS {_ident(profile.header(spec))}" for spec in profile.columns()
    )
    if profile.sheet_by:  # the canonical value names the Excel sheet
        select += f", {_ident(profile.sheet_by)} AS _sheet"
    order = "hash(_n, 'order')"
    return f"SELECT {select} FROM {table} ORDER BY {order}"


def _transcode(source: Path, target: Path, encoding: str, title: str | None) -> None:
    """Copy UTF-8 `source` to `target` in `encoding`, a title line first, streaming."""
    with (
        source.open(encoding="utf-8", newline="") as src,
        target.open("w", encoding=encoding, newline="") as dst,
    ):
        if title:
            dst.write(title + "\n")
        shutil.copyfileobj(src, dst, 1 << 20)


def _write_xlsx(con: duckdb.DuckDBPyConnection, profile: AgencyFile, sql: str, path: Path) -> None:
    """An Excel workbook: title row, merged group headers, one sheet per `sheet_by`
    value (or one sheet), and a notes sheet the import skips."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    headers = [profile.header(spec) for spec in profile.columns()]
    result = con.execute(sql)
    split = profile.sheet_by is not None
    sheets: dict[str, list[tuple[object, ...]]] = {}
    for row in result.fetchall():
        key = str(row[-1]) if split else ""
        sheets.setdefault(key, []).append(row[:-1] if split else row)
    for title, sheet_rows in sorted(sheets.items()):
        sheet = book.create_sheet(title=title[:31] if split else "数据")
        line = 1
        if profile.title:
            sheet.append([f"{profile.title}（{title}）" if split else profile.title])
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
            line += 1
        if profile.groups:
            column = 1
            cells: list[object] = []
            for text, span in profile.groups:
                cells.extend([text] + [None] * (span - 1))
                if span > 1:
                    sheet.merge_cells(start_row=line, start_column=column, end_row=line,
                                      end_column=column + span - 1)  # fmt: skip
                column += span
            sheet.append(cells)
            line += 1
        sheet.append(headers)
        for row_cells in sheet.iter_rows(min_row=1, max_row=line):
            for cell in row_cells:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center")
        for row in sheet_rows:
            sheet.append(list(row))
    notes = book.create_sheet("填表说明")
    notes.append(["填表说明"])
    notes.append(["1. 本表由系统导出，请勿修改表头。"])
    notes.append(["2. 金额单位为元（另有注明的除外）。"])
    book.save(path)


def write_agency_file(
    con: duckdb.DuckDBPyConnection, profile: AgencyFile, table: str, folder: Path, rows: int
) -> Path:
    """Write canonical rows of `table` (`rows` of them) as `profile` says; the file's path."""
    sql = render_sql(profile, table)
    fmt: Format = profile.fmt
    encoding = profile.encoding
    if fmt == "xlsx" and rows > XLSX_MAX_ROWS:
        fmt, encoding = "csv", "gb18030"
    suffix = {
        "csv": ".csv",
        "tsv": ".tsv",
        "xlsx": ".xlsx",
        "jsonl": ".jsonl",
        "parquet": ".parquet",
    }
    path = folder / f"{profile.file_stem}{suffix[fmt]}"
    if fmt == "xlsx":
        _write_xlsx(con, profile, sql, path)
        return path
    if fmt == "parquet":
        con.execute(f"COPY ({sql}) TO {_q(str(path))} (FORMAT parquet)")
        return path
    if fmt == "jsonl":
        con.execute(f"COPY ({sql}) TO {_q(str(path))} (FORMAT json)")
        return path
    delimiter = "\t" if fmt == "tsv" else ","
    staged = folder / f".{profile.file_stem}.utf8"
    con.execute(
        f"COPY ({sql}) TO {_q(str(staged))} (FORMAT csv, HEADER, DELIMITER {_q(delimiter)})"
    )
    if encoding in ("utf-8", "utf8") and not profile.title:
        staged.replace(path)
    else:
        _transcode(staged, path, encoding, profile.title)
        staged.unlink()
    return path


AGENCIES: dict[str, AgencyFile] = {
    profile.type_id: profile
    for profile in (
        AgencyFile(
            "pension_payment",
            "省社会保险事业管理中心",
            "养老金发放明细_2023-2024",
            "csv",
            encoding="gb18030",
            title="浙江省社会保险事业管理中心 企业职工基本养老金发放明细",
            headers={
                "id_card": "公民身份号码",
                "pay_month": "待遇年月",
                "amount": "发放金额（元）",
                "account_no": "银行账号",
                "source_record_id": "流水号",
            },
            month_style="compact",
            money_style="comma",
        ),
        AgencyFile(
            "death_record",
            "省民政厅",
            "死亡人员信息（火化+户籍注销+医学证明）",
            "xlsx",
            title="浙江省民政厅 死亡人员信息",
            sheet_by="source",
            groups=(("基本信息", 2), ("死亡信息", 3)),
            headers={"id_card": "身份证号码", "death_date": "死亡日期", "source": "信息来源"},
            skip=(),
            date_style="slash",
        ),
        AgencyFile(
            "social_insurance",
            "省社会保险事业管理中心",
            "参保缴费明细",
            "csv",
            encoding="gb18030",
            headers={
                "id_card": "社会保障号码",
                "employer_uscc": "单位统一社会信用代码",
                "employer_name": "参保单位名称",
                "month": "费款所属期",
                "base_amount": "缴费基数",
            },
            month_style="compact",
        ),
        AgencyFile(
            "company_registry",
            "省市场监督管理局",
            "企业登记信息",
            "csv",
            encoding="utf-8-sig",
            headers={"uscc": "统一社会信用代码", "name": "企业名称", "reg_capital": "注册资本"},
            wan_fields=("reg_capital",),
            date_style="slash",
        ),
        AgencyFile(
            "tax_invoice",
            "省税务局",
            "增值税专用发票明细",
            "parquet",
            headers={
                "seller_uscc": "销方纳税人识别号",
                "buyer_uscc": "购方纳税人识别号",
                "goods_name": "货物或应税劳务名称",
                "tax_code": "税收分类编码",
            },
            date_style="compact",
        ),
        AgencyFile(
            "vehicle_registry",
            "省公安厅交通管理局",
            "机动车登记信息",
            "csv",
            encoding="gb18030",
            headers={"plate": "号牌号码", "vin": "车辆识别代号", "owner_name": "机动车所有人"},
        ),
        AgencyFile(
            "traffic_violation",
            "省公安厅交通管理局",
            "交通违法记录",
            "tsv",
            encoding="gb18030",
            headers={
                "plate": "号牌号码",
                "violation_time": "违法时间",
                "place": "违法地点",
                "type": "违法行为",
            },
            datetime_style="slash",
        ),
        AgencyFile(
            "court_case",
            "省高级人民法院",
            "法院案件信息",
            "csv",
            headers={
                "case_no": "案号",
                "cause": "案由",
                "filing_date": "立案日期",
                "amount_claimed": "诉讼标的额",
            },
            money_style="yuan_sign",
        ),
        AgencyFile(
            "court_party",
            "省高级人民法院",
            "案件当事人信息",
            "csv",
            encoding="utf-8-sig",
            headers={"name": "当事人名称", "id_card": "证件号码", "role": "诉讼地位"},
            date_style="cn",
        ),
        AgencyFile(
            "court_agent",
            "省高级人民法院",
            "诉讼代理人信息",
            "csv",
            headers={
                "party_name": "当事人",
                "agent_name": "代理人姓名",
                "agent_firm": "律师事务所",
            },
        ),
        AgencyFile("judgment_document", "省高级人民法院", "裁判文书", "jsonl"),
        AgencyFile(
            "execution_case",
            "省高级人民法院",
            "执行案件信息",
            "xlsx",
            title="执行案件信息表",
            headers={"exec_case_no": "执行案号", "source_case_no": "执行依据文书编号"},
            date_style="cn",
        ),
        AgencyFile(
            "judicial_auction",
            "省高级人民法院",
            "网络司法拍卖成交记录",
            "xlsx",
            title="网络司法拍卖成交记录",
        ),
        AgencyFile(
            "judicial_confirmation",
            "省高级人民法院",
            "司法确认案件",
            "xlsx",
            title="人民调解协议司法确认案件登记表",
        ),
        AgencyFile(
            "police_incident",
            "省公安厅",
            "警情受案信息",
            "xlsx",
            title="警情及受立案信息",
            datetime_style="slash",
        ),
        AgencyFile("admin_penalty", "省公安厅", "行政处罚决定", "csv"),
        AgencyFile(
            "insurance_claim",
            "省保险行业协会",
            "车险理赔数据",
            "csv",
            encoding="gb18030",
            headers={"claim_id": "赔案号", "policy_no": "保单号"},
            money_style="comma",
        ),
        AgencyFile(
            "traffic_accident", "省公安厅交通管理局", "道路交通事故信息", "csv", encoding="gb18030"
        ),
        AgencyFile(
            "bankruptcy_claim",
            "破产管理人",
            "债权申报登记表",
            "xlsx",
            title="债权申报登记表",
            date_style="cn",
        ),
        AgencyFile(
            "labor_arbitration",
            "省人力资源和社会保障厅",
            "劳动人事争议仲裁案件",
            "xlsx",
            title="劳动人事争议仲裁结案情况",
        ),
        AgencyFile("sentence_record", "省司法厅", "刑罚执行信息", "csv", encoding="gb18030"),
        AgencyFile("medical_settlement", "省医疗保障局", "医保住院结算", "jsonl"),
    )
}
