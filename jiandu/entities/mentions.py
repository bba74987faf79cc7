"""Where the pool's records mention people, organisations and vehicles (`Mention`s).

A record can mention several entities: a court party and his agent, a company and its
legal representative, a car and its owner. `MENTIONS` says, for each built-in dataset
type, which fields describe which entity (a *slot*), the entity's role in the record, and
how the slots of one record relate (an `entity_edge` relation). Types a unit registers
itself get slots from their fields' semantic types (`derive_slots`): fields sharing a
prefix (`owner_id_card`, `owner_name`) describe one entity.

`mentions_sql` turns one dataset's committed files into one row per mention, with the
standardised values the resolver compares (`MENTION_COLUMNS`), in one DuckDB query; the
row's lineage (`_batch_id`, `_source`, `_source_row`) says which record it is.

Slots whose kind depends on the row (`kind="party"`: a court party, a debtor) are people
when they carry an ID number, organisations when they carry a USCC, otherwise as the
`party_type` field says or, failing that, as the name reads (`ORG_NAME_PATTERN`).

`side` places the parties of one case: `A` (plaintiff, applicant, creditor …), `B`
(defendant, respondent, debtor …), `C` (third parties) and `buyer` (an auction's buyer,
whose case number is the execution case of the debtor). The resolver derives
co_party / opposing_party / auction_debtor edges from parties sharing a case number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from jiandu.catalog.dataset_type import DatasetType

__all__ = [
    "MENTIONS",
    "MENTION_COLUMNS",
    "ORG_NAME_PATTERN",
    "Pair",
    "Slot",
    "TypeMentions",
    "derive_slots",
    "mentions_for",
    "mentions_sql",
    "side_sql",
]

Kind = Literal["person", "org", "vehicle", "party"]

# The columns of a mention row, in order, with their DuckDB types.
MENTION_COLUMNS: dict[str, str] = {
    "source_dataset": "VARCHAR",
    "source_batch": "VARCHAR",
    "source_row": "VARCHAR",
    "slot": "VARCHAR",
    "role": "VARCHAR",
    "kind": "VARCHAR",
    "side": "VARCHAR",
    "case_no": "VARCHAR",
    "group_key": "VARCHAR",
    "name": "VARCHAR",
    "id_card": "VARCHAR",
    "uscc": "VARCHAR",
    "plate": "VARCHAR",
    "vin": "VARCHAR",
    "phone": "VARCHAR",
    "birth_date": "DATE",
    "sex": "VARCHAR",
    "address": "VARCHAR",
    "firm": "VARCHAR",
    "event_date": "DATE",
}

# A name that reads as an organisation (for parties without ID, USCC or party_type).
ORG_NAME_PATTERN = (
    "(公司|企业|集团|银行|信用社|合作社|保险|证券|基金|中心|研究院|医院|学校|大学|学院|"
    "事务所|委员会|政府|局|厅|署|院|所|站|厂|店|行|社|会|部|处|协会|基金会|商会|俱乐部|"
    "有限合伙|工作室|经营部|门市部|分行|支行|营业部)$"
)

# Litigation roles by side (court_party.role values and the literal roles below).
SIDE_A = ("原告", "申请人", "上诉人", "申请执行人", "再审申请人", "债权人")
SIDE_B = ("被告", "被申请人", "被上诉人", "被执行人", "被告人", "债务人")
SIDE_C = ("第三人",)


@dataclass(frozen=True)
class Slot:
    """One entity a record mentions: its kind, role and the fields describing it."""

    name: str  # the slot's label within the record ("party", "agent", "owner" …)
    kind: Kind
    role: str  # a literal role, or "=field" to take it from a field of the row
    fields: Mapping[str, str]  # mention column -> source field
    case_field: str | None = None  # the field holding the case number (case_no typed)
    group_field: str | None = None  # another grouping (an accident id): parties co-occur
    date_field: str | None = None


@dataclass(frozen=True)
class Pair:
    """An edge between two slots of the same record."""

    a: str
    b: str
    relation: str


@dataclass(frozen=True)
class TypeMentions:
    """The slots of one dataset type and the relations between them."""

    slots: tuple[Slot, ...]
    pairs: tuple[Pair, ...] = field(default_factory=tuple)


def _p(slot: str, role: str, kind: Kind = "person", /, **fields: str) -> Slot:
    extras = {k: fields.pop(k) for k in ("case_field", "group_field", "date_field") if k in fields}
    return Slot(slot, kind, role, fields, **extras)


MENTIONS: dict[str, TypeMentions] = {
    "court_party": TypeMentions(
        slots=(
            _p(
                "party",
                "=role",
                "party",
                name="name",
                id_card="id_card",
                uscc="uscc",
                birth_date="birth_date",
                sex="sex",
                phone="phone",
                address="address",
                case_field="case_no",
            ),
            _p("legal_rep", "法定代表人", name="legal_rep", case_field="case_no"),
            _p("agent", "委托代理人", name="agent_name", firm="agent_firm", case_field="case_no"),
            _p("employer", "用人单位", "org", name="employer_name"),
        ),
        pairs=(
            Pair("party", "legal_rep", "legal_rep"),
            Pair("party", "agent", "agent"),
            Pair("party", "employer", "employer"),
        ),
    ),
    "court_agent": TypeMentions(
        slots=(
            _p("party", "=party_role", "party", name="party_name", case_field="case_no"),
            _p("agent", "委托代理人", name="agent_name", firm="agent_firm", case_field="case_no"),
        ),
        pairs=(Pair("party", "agent", "agent"),),
    ),
    "execution_case": TypeMentions(
        slots=(
            _p(
                "applicant",
                "申请执行人",
                "party",
                name="applicant_name",
                case_field="exec_case_no",
                date_field="filing_date",
            ),
            _p(
                "respondent",
                "被执行人",
                "party",
                name="respondent_name",
                id_card="respondent_id_card",
                uscc="respondent_uscc",
                case_field="exec_case_no",
                date_field="filing_date",
            ),
        ),
    ),
    "judicial_confirmation": TypeMentions(
        slots=(
            _p(
                "applicant",
                "申请人",
                "party",
                name="applicant_name",
                id_card="applicant_id_card",
                case_field="case_no",
                date_field="confirm_date",
            ),
            _p(
                "respondent",
                "被申请人",
                "party",
                name="respondent_name",
                id_card="respondent_id_card",
                case_field="case_no",
                date_field="confirm_date",
            ),
        ),
    ),
    "labor_arbitration": TypeMentions(
        slots=(
            _p(
                "applicant",
                "仲裁申请人",
                name="applicant_name",
                id_card="applicant_id_card",
                date_field="decided_date",
            ),
            _p(
                "employer",
                "用人单位",
                "org",
                name="employer_name",
                uscc="employer_uscc",
                date_field="decided_date",
            ),
            _p("agent", "委托代理人", name="agent_name"),
        ),
        pairs=(Pair("applicant", "employer", "employer"), Pair("applicant", "agent", "agent")),
    ),
    "bankruptcy_claim": TypeMentions(
        slots=(
            _p(
                "claimant",
                "债权人",
                "party",
                name="claimant_name",
                id_card="claimant_id_card",
                date_field="filed_date",
            ),
            _p(
                "debtor",
                "破产债务人",
                "org",
                name="debtor_name",
                uscc="debtor_uscc",
                date_field="filed_date",
            ),
        ),
        pairs=(Pair("claimant", "debtor", "creditor"),),
    ),
    "social_insurance": TypeMentions(
        slots=(
            _p("insured", "参保人", name="name", id_card="id_card"),
            _p("employer", "参保单位", "org", name="employer_name", uscc="employer_uscc"),
        ),
        pairs=(Pair("insured", "employer", "employer"),),
    ),
    "company_registry": TypeMentions(
        slots=(
            _p(
                "company",
                "登记企业",
                "org",
                name="name",
                uscc="uscc",
                address="reg_address",
                phone="phone",
                date_field="established",
            ),
            _p("legal_rep", "法定代表人", name="legal_rep_name", id_card="legal_rep_id_card"),
            _p("agent", "登记代理人", name="agent_name", phone="agent_phone"),
        ),
        pairs=(
            Pair("company", "legal_rep", "legal_rep"),
            Pair("company", "agent", "registration_agent"),
        ),
    ),
    "vehicle_registry": TypeMentions(
        slots=(
            _p("vehicle", "车辆", "vehicle", plate="plate", vin="vin", date_field="event_date"),
            _p(
                "owner",
                "车辆所有人",
                "party",
                name="owner_name",
                id_card="owner_id_card",
                uscc="owner_uscc",
                date_field="event_date",
            ),
        ),
        pairs=(Pair("owner", "vehicle", "vehicle_owner"),),
    ),
    "judicial_auction": TypeMentions(
        slots=(
            _p(
                "buyer",
                "买受人",
                name="buyer_name",
                id_card="buyer_id_card",
                case_field="exec_case_no",
                date_field="deal_date",
            ),
            _p("vehicle", "拍卖车辆", "vehicle", plate="plate", vin="vin", date_field="deal_date"),
        ),
        pairs=(Pair("buyer", "vehicle", "auction_buyer"),),
    ),
    "insurance_claim": TypeMentions(
        slots=(
            _p(
                "insured",
                "被保险人",
                "party",
                name="insured_name",
                id_card="insured_id_card",
                date_field="paid_date",
            ),
            _p(
                "injured",
                "伤者",
                name="injured_name",
                id_card="injured_id_card",
                date_field="paid_date",
            ),
            _p("vehicle", "承保车辆", "vehicle", plate="plate", vin="vin", date_field="paid_date"),
        ),
        pairs=(Pair("insured", "vehicle", "insured"), Pair("injured", "insured", "injured")),
    ),
    "traffic_accident": TypeMentions(
        slots=(
            _p(
                "party",
                "事故当事人",
                name="party_name",
                id_card="party_id_card",
                group_field="accident_id",
            ),
            _p("vehicle", "事故车辆", "vehicle", plate="plate"),
        ),
        pairs=(Pair("party", "vehicle", "driver"),),
    ),
    "traffic_violation": TypeMentions(
        slots=(_p("vehicle", "违法车辆", "vehicle", plate="plate"),),
    ),
    "tax_invoice": TypeMentions(
        slots=(
            _p(
                "seller",
                "销售方",
                "org",
                name="seller_name",
                uscc="seller_uscc",
                date_field="issue_date",
            ),
            _p(
                "buyer",
                "购买方",
                "org",
                name="buyer_name",
                uscc="buyer_uscc",
                date_field="issue_date",
            ),
        ),
        pairs=(Pair("seller", "buyer", "invoice"),),
    ),
    "police_incident": TypeMentions(
        slots=(
            _p("reporter", "报案人", name="reporter_name", id_card="reporter_id_card"),
            _p("suspect", "嫌疑人", name="suspect_name", id_card="suspect_id_card"),
        ),
        pairs=(Pair("reporter", "suspect", "incident"),),
    ),
    "admin_penalty": TypeMentions(
        slots=(
            _p(
                "party",
                "被处罚人",
                "party",
                name="party_name",
                id_card="party_id_card",
                uscc="party_uscc",
                date_field="decision_date",
            ),
        ),
    ),
    "pension_payment": TypeMentions(
        slots=(_p("pensioner", "领取人", name="name", id_card="id_card"),),
    ),
    "death_record": TypeMentions(
        slots=(
            _p("deceased", "死亡人员", name="name", id_card="id_card", date_field="death_date"),
        ),
    ),
    "sentence_record": TypeMentions(
        slots=(
            _p(
                "convict",
                "服刑人员",
                name="name",
                id_card="id_card",
                case_field="case_no",
                date_field="start_date",
            ),
        ),
    ),
    "medical_settlement": TypeMentions(
        slots=(
            _p("patient", "就医人员", name="name", id_card="id_card", date_field="settle_date"),
        ),
    ),
}

# Derived and document types mention nobody by themselves.
_NO_MENTIONS = frozenset(
    {
        "judgment_document",
        "near_duplicate_group",
        "entity",
        "entity_record",
        "entity_edge",
        "party_relation",
    }
)

# Field semantic type -> mention column, for types without an explicit entry.
_TYPE_COLUMNS = {
    "id_card": "id_card",
    "uscc": "uscc",
    "plate": "plate",
    "vin": "vin",
    "person_name": "name",
    "org_name": "name",
    "phone": "phone",
    "address": "address",
}
_SUFFIXES = ("id_card", "uscc", "plate", "vin", "name", "phone", "address")


def derive_slots(dataset_type: DatasetType) -> TypeMentions:
    """Slots from field types, for a type without an entry in `MENTIONS`.

    Fields named `<prefix>_<suffix>` (or just `<suffix>`) with an identifying semantic type
    form one slot per prefix; a slot needs an ID number, USCC, plate, VIN or a person or
    organisation name to count. The slot's kind follows its key (plate/VIN: vehicle; USCC
    or an org_name field: org; ID or person_name: person; otherwise a party).
    """
    groups: dict[str, dict[str, str]] = {}
    types: dict[str, set[str]] = {}
    for spec in dataset_type.fields:
        column = _TYPE_COLUMNS.get(spec.type)
        if column is None:
            continue
        prefix = spec.name
        for suffix in _SUFFIXES:
            if spec.name == suffix:
                prefix = ""
                break
            if spec.name.endswith("_" + suffix):
                prefix = spec.name[: -len(suffix) - 1]
                break
        slot = groups.setdefault(prefix, {})
        if column not in slot:
            slot[column] = spec.name
            types.setdefault(prefix, set()).add(spec.type)
    case_field = next((f.name for f in dataset_type.fields if f.type == "case_no"), None)
    slots = []
    for prefix, grouped in groups.items():
        kinds = types[prefix]
        if not kinds & {"id_card", "uscc", "plate", "vin", "person_name", "org_name"}:
            continue
        kind: Kind
        fields = grouped
        if kinds & {"plate", "vin"}:
            kind = "vehicle"
            fields = {k: v for k, v in grouped.items() if k in ("plate", "vin")}
        elif kinds & {"uscc", "org_name"} and "id_card" not in kinds:
            kind = "org"
        elif "id_card" in kinds or "person_name" in kinds:
            kind = "person" if "uscc" not in kinds else "party"
        else:
            kind = "party"
        slots.append(
            Slot(
                prefix or "subject",
                kind,
                prefix or dataset_type.name_zh,
                fields,
                case_field=case_field,
            )
        )
    return TypeMentions(slots=tuple(slots))


def mentions_for(dataset_type: DatasetType) -> TypeMentions:
    """The slots of a dataset type: its `MENTIONS` entry, or derived from its fields."""
    if dataset_type.derived or dataset_type.id in _NO_MENTIONS:
        return TypeMentions(slots=())
    known = MENTIONS.get(dataset_type.id)
    if known is not None:
        names = set(dataset_type.field_names)
        slots = tuple(
            Slot(
                s.name,
                s.kind,
                s.role,
                {k: v for k, v in s.fields.items() if v in names},
                case_field=s.case_field if s.case_field in names else None,
                group_field=s.group_field if s.group_field in names else None,
                date_field=s.date_field if s.date_field in names else None,
            )
            for s in known.slots
        )
        return TypeMentions(slots=slots, pairs=known.pairs)
    return derive_slots(dataset_type)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(_literal(v) for v in values)


def side_sql(role: str) -> str:
    """SQL giving the side (A/B/C) of a role expression."""
    return (
        f"CASE WHEN {role} IN ({_in(SIDE_A)}) THEN 'A' WHEN {role} IN ({_in(SIDE_B)}) THEN 'B' "
        f"WHEN {role} IN ({_in(SIDE_C)}) THEN 'C' END"
    )


def _slot_select(dataset_id: str, slot: Slot, files_sql: str, present: set[str]) -> str | None:
    """One SELECT giving the mentions of one slot over the dataset's files."""

    def col(name: str | None) -> str | None:
        return _quote(name) if name is not None and name in present else None

    values = {column: col(source) for column, source in slot.fields.items()}
    identifying = [
        v for k, v in values.items() if k in ("name", "id_card", "uscc", "plate", "vin") and v
    ]
    if not identifying:
        return None
    role = (
        col(slot.role[1:]) or _literal("当事人")
        if slot.role.startswith("=")
        else _literal(slot.role)
    )
    name = values.get("name")
    trimmed_name = f"nullif(trim({name}), '')" if name else "NULL"
    if slot.kind == "party":
        id_card, uscc = values.get("id_card"), values.get("uscc")
        party_type = col("party_type")
        kind = (
            "CASE "
            + (f"WHEN {id_card} IS NOT NULL THEN 'person' " if id_card else "")
            + (f"WHEN {uscc} IS NOT NULL THEN 'org' " if uscc else "")
            + (f"WHEN {party_type} IN ('person', 'org') THEN {party_type} " if party_type else "")
            + f"WHEN regexp_matches(coalesce({trimmed_name}, ''), {_literal(ORG_NAME_PATTERN)}) "
            "OR length(coalesce(" + trimmed_name + ", '')) > 6 THEN 'org' ELSE 'person' END"
        )
    else:
        kind = _literal(slot.kind)
    side = "'buyer'" if slot.name == "buyer" and slot.case_field else side_sql(role)
    case_no = col(slot.case_field)
    group = col(slot.group_field)
    date_expr = col(slot.date_field)
    columns = {
        "source_dataset": _literal(dataset_id),
        "source_batch": "_batch_id",
        "source_row": "_source || ':' || CAST(_source_row AS VARCHAR)",
        "slot": _literal(slot.name),
        "role": role,
        "kind": kind,
        "side": side if case_no else "NULL",
        "case_no": case_no or "NULL",
        "group_key": f"{_literal(dataset_id + ':')} || {group}" if group else "NULL",
        "name": trimmed_name,
        "id_card": values.get("id_card") or "NULL",
        "uscc": values.get("uscc") or "NULL",
        "plate": values.get("plate") or "NULL",
        "vin": values.get("vin") or "NULL",
        "phone": values.get("phone") or "NULL",
        "birth_date": values.get("birth_date") or "NULL",
        "sex": values.get("sex") or "NULL",
        "address": f"nullif(trim({values['address']}), '')" if values.get("address") else "NULL",
        "firm": f"nullif(trim({values['firm']}), '')" if values.get("firm") else "NULL",
        "event_date": date_expr or "NULL",
    }
    select = ", ".join(
        f"CAST({expr} AS {MENTION_COLUMNS[name]}) AS {name}" for name, expr in columns.items()
    )
    present_ids = " OR ".join(f"{v} IS NOT NULL" for v in identifying)
    return f"SELECT {select} FROM {files_sql} WHERE {present_ids}"


def mentions_sql(
    dataset_id: str, dataset_type: DatasetType, files: list[str], present: set[str]
) -> str | None:
    """One query: every mention in the dataset's committed files (None when it has none).

    `present` are the columns the files have (older batches may lack newer fields; a slot
    field that is missing reads as NULL, a slot with no identifying field is skipped).
    """
    if not files:
        return None
    file_list = "[" + ", ".join(_literal(f) for f in files) + "]"
    files_sql = f"read_parquet({file_list}, union_by_name = true)"
    selects = [
        sql
        for slot in mentions_for(dataset_type).slots
        if (sql := _slot_select(dataset_id, slot, files_sql, present)) is not None
    ]
    if not selects:
        return None
    return "\nUNION ALL\n".join(selects)
