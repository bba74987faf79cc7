"""The compiler: golden SQL per engine, Spark parse-back, and execution on DuckDB."""

from __future__ import annotations

import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot
from library_pool import table

from jiandu.models import CLUE_COLUMNS, compile_model, library_models, load_model_text
from jiandu.models.errors import ModelError
from jiandu.models.spec import ModelSpec

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("JIANDU_REGEN_GOLDEN") == "1"
AS_OF = date(2024, 6, 30)


@pytest.mark.parametrize("dialect", ["duckdb", "spark"])
@pytest.mark.parametrize("model_id", sorted(library_models()))
def test_golden_sql(model_id: str, dialect: str) -> None:
    """Set JIANDU_REGEN_GOLDEN=1 to rewrite the golden files after an intended change."""
    sql = compile_model(library_models()[model_id], as_of=AS_OF).sql(dialect) + "\n"
    golden = GOLDEN / f"{model_id}.{dialect}.sql"
    if REGENERATE:
        golden.write_text(sql, encoding="utf-8")
    assert golden.read_text(encoding="utf-8") == sql
    sqlglot.parse_one(sql, read=dialect)


def test_spark_uses_two_argument_datediff() -> None:
    model = compile_model(library_models()["case_filing_supervision"], as_of=AS_OF)
    spark = model.sql("spark", pretty=False)
    assert "DATEDIFF(CAST('2024-06-30' AS DATE), t0.report_date)" in spark
    assert "DATE_DIFF('DAY'" in model.sql("duckdb", pretty=False).upper()


def pay(id_card: str, year: int, month: int, amount: str = "2000.00") -> dict[str, Any]:
    return {
        "id_card": id_card,
        "name": f"人{id_card[-3:]}",
        "pay_month": date(year, month, 1),
        "amount": Decimal(amount),
    }


DEAD_LONG = "110101194001010011"  # died 2024-01-15, paid Feb-May: a true case
DEATH_MONTH = "110101194001010022"  # died 2024-03-20, paid up to March: decoy
ARREARS = "110101194001010033"  # died 2024-02-10, one late payment for March: decoy
TWO_SOURCES = "110101194001010044"  # two death records; the earlier one counts
ALIVE = "110101194001010055"


@pytest.fixture
def pension_db() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    payments = [pay(DEAD_LONG, 2024, m) for m in range(1, 6)]
    payments += [pay(DEATH_MONTH, 2024, m) for m in range(1, 4)]
    payments += [pay(ARREARS, 2024, m) for m in range(1, 4)]
    payments += [pay(TWO_SOURCES, 2024, m) for m in range(3, 6)]
    payments += [pay(ALIVE, 2024, m) for m in range(1, 7)]
    table(con, "pension_payment", payments)
    table(
        con,
        "death_record",
        [
            {"id_card": DEAD_LONG, "death_date": date(2024, 1, 15), "source": "火化"},
            {"id_card": DEATH_MONTH, "death_date": date(2024, 3, 20), "source": "火化"},
            {"id_card": ARREARS, "death_date": date(2024, 2, 10), "source": "户籍注销"},
            {"id_card": TWO_SOURCES, "death_date": date(2024, 6, 1), "source": "医院"},
            {"id_card": TWO_SOURCES, "death_date": date(2024, 2, 28), "source": "火化"},
        ],
    )
    table(con, "sentence_record", [])  # the in-custody branch: test_library_refinements.py
    return con


def test_pension_after_death_finds_planted_cases_only(
    pension_db: duckdb.DuckDBPyConnection,
) -> None:
    model = compile_model(library_models()["pension_after_death"], as_of=AS_OF)
    result = pension_db.execute(model.sql("duckdb"))
    columns = [d[0] for d in result.description]
    assert tuple(columns) == model.output_columns
    assert tuple(columns[: len(CLUE_COLUMNS)]) == CLUE_COLUMNS
    hits = {row[2]: dict(zip(columns, row, strict=True)) for row in result.fetchall()}
    assert set(hits) == {DEAD_LONG, TWO_SOURCES}
    first = hits[DEAD_LONG]
    assert first["branch"] == "after_death" and first["severity"] == "high"
    assert first["months"] == 4 and first["total_amount"] == Decimal("8000.00")
    assert first["evidence"]["first_month"] == date(2024, 2, 1)
    assert first["title"] == "人011死亡（2024-01-15）后仍领取养老金4个月，共8000.00元"
    assert hits[TWO_SOURCES]["death_date"] == date(2024, 2, 28)


def test_funnel_counts_each_step(pension_db: duckdb.DuckDBPyConnection) -> None:
    model = compile_model(library_models()["pension_after_death"], as_of=AS_OF)
    funnel = {
        name: pension_db.execute(f"SELECT count(*) FROM ({model.step_sql(name)})").fetchone()[0]  # type: ignore[index]
        for name in model.step_names
    }
    assert funnel == {
        **{"pay": 20, "death": 5, "sentence": 0, "deaths": 4, "paid_after_death": 8},
        **{"persons": 2, "custody_periods": 0, "paid_in_custody": 0, "prisoners": 0},
    }
    # The runner's one-query funnel counts the same, step by step, in step order.
    [row] = pension_db.execute(model.funnel_sql()).fetchall()
    assert dict(zip(model.step_names, row, strict=True)) == funnel
    preview = pension_db.execute(model.step_sql("paid_after_death") + " LIMIT 3").fetchall()
    assert len(preview) == 3
    with pytest.raises(ModelError, match="no step"):
        model.step("nope")


def test_parameters_change_the_result(pension_db: duckdb.DuckDBPyConnection) -> None:
    spec = library_models()["pension_after_death"]
    one = compile_model(spec, {"min_months": 1}, as_of=AS_OF)
    keys = {row[2] for row in pension_db.execute(one.sql()).fetchall()}
    assert keys == {DEAD_LONG, TWO_SOURCES, ARREARS}
    assert one.params["min_months"] == 1 and one.params["as_of"] == AS_OF
    with pytest.raises(ModelError, match="no parameter"):
        compile_model(spec, {"min_monthz": 1})
    with pytest.raises(ModelError, match="invalid value"):
        compile_model(spec, {"min_months": "two"})


def test_case_filing_branches() -> None:
    con = duckdb.connect()

    def incident(i: str, kind: str, amount: str, status: str, day: int) -> dict[str, Any]:
        return {
            "incident_id": i,
            "incident_type": kind,
            "amount": Decimal(amount),
            "status": status,
            "report_time": datetime(2024, 1, day, 9),
        }

    table(
        con,
        "police_incident",
        [
            incident("A1", "盗窃", "5000", "不予立案", 1),  # theft above 3000, not filed
            incident("A2", "盗窃", "2000", "不予立案", 1),  # below threshold: decoy
            incident("A3", "电信诈骗", "8000", "行政处罚", 2),  # fraud above 6000, only fined
            incident("A4", "电信诈骗", "5000", "撤案", 2),  # fraud below 6000: decoy
            incident("A5", "盗窃", "4000", "立案", 3),  # filed: fine
            incident("A6", "盗窃", "9000", "受案", 3),  # pending since January
            incident("A7", "打架", "9000", "不予立案", 3),  # not theft/fraud
        ],
    )
    model = compile_model(library_models()["case_filing_supervision"], as_of=AS_OF)
    hits = {(row[0], row[2]) for row in con.execute(model.sql()).fetchall()}
    assert hits == {("not_filed", "A1"), ("not_filed", "A3"), ("pending", "A6")}
    later = compile_model(
        library_models()["case_filing_supervision"], {"max_days_pending": 400}, as_of=AS_OF
    )
    assert {row[2] for row in con.execute(later.sql()).fetchall()} == {"A1", "A3"}


def test_professional_lender_both_branches() -> None:
    con = duckdb.connect()
    cases, parties = [], []
    for n in range(12):  # a lender with 12 suits against 4 borrowers, small sums
        case_no = f"（2024）京0101民初{n + 1}号"
        cases.append(
            {
                "case_no": case_no,
                "cause": "民间借贷纠纷",
                "filing_date": date(2024, 1, 10),
                "amount_claimed": Decimal("10000"),
            }
        )
        parties.append({"case_no": case_no, "role": "原告", "name": "张三", "id_card": "L1"})
        parties.append(
            {"case_no": case_no, "role": "被告", "name": f"借{n % 4}", "id_card": f"B{n % 4}"}
        )
        parties.append({"case_no": case_no, "role": "原告", "name": "某某银行", "uscc": "BANK"})
    for n in range(5):  # five big suits within a year: the courts' criteria
        case_no = f"（2024）京0101民初{100 + n}号"
        cases.append(
            {
                "case_no": case_no,
                "cause": "民间借贷纠纷",
                "filing_date": date(2024, 3, 1),
                "amount_claimed": Decimal("300000"),
            }
        )
        parties.append({"case_no": case_no, "role": "原告", "name": "李四", "id_card": "L2"})
        parties.append({"case_no": case_no, "role": "被告", "name": "王五", "id_card": "B9"})
    table(con, "court_case", cases)
    table(con, "court_party", parties)
    model = compile_model(library_models()["professional_lender"], as_of=AS_OF)
    hits = {(row[0], row[2]) for row in con.execute(model.sql()).fetchall()}
    assert hits == {("many_borrowers", "L1"), ("courts_criteria", "L2")}


SQL_MODEL = """
id: sql_pension
name_zh: SQL 示例
name_en: SQL example
legal_basis: [示例]
explanation_zh: 示例
sources: {pay: pension_payment, death: death_record}
parameters:
  - {name: min_months, type: int, default: 2, label_zh: 月数, label_en: Months}
sql: |
  SELECT p.id_card, count(DISTINCT p.pay_month) AS months
  FROM pension_payment AS p
  JOIN death_record AS d ON p.id_card = d.id_card
  WHERE p.pay_month > date_trunc('month', d.death_date)
  GROUP BY p.id_card
  HAVING count(DISTINCT p.pay_month) >= $min_months
clue:
  subject_type: person
  subject_key: id_card
  title: "死亡后领取{months}个月"
  evidence: [months]
"""


def test_sql_model_runs_like_the_spec_model(pension_db: duckdb.DuckDBPyConnection) -> None:
    spec: ModelSpec = load_model_text(SQL_MODEL)
    model = compile_model(spec, as_of=AS_OF)
    assert model.step_names == ("pay", "death", "query")
    rows = pension_db.execute(model.sql()).fetchall()
    assert {(r[0], r[2], r[3]) for r in rows} == {
        ("main", DEAD_LONG, "死亡后领取4个月"),
        ("main", TWO_SOURCES, "死亡后领取3个月"),
    }
    sqlglot.parse_one(model.sql("spark"), read="spark")


@pytest.mark.parametrize(
    ("sql", "english"),
    [
        ("SELECT * FROM pension_payment", "name distinct columns"),
        ("SELECT id_card FROM court_case", "not readable"),
        ("SELECT id_card FROM pension_payment; SELECT 1", "exactly one statement"),
    ],
)
def test_sql_model_refusals(sql: str, english: str) -> None:
    spec = load_model_text(SQL_MODEL).model_copy(update={"sql": sql})
    with pytest.raises(ModelError, match=english):
        compile_model(spec, as_of=AS_OF)


def test_unknown_dialect() -> None:
    model = compile_model(library_models()["pension_after_death"], as_of=AS_OF)
    with pytest.raises(ModelError, match="unsupported engine"):
        model.sql("oracle")
    assert model.sources == ("death_record", "pension_payment", "sentence_record")
