"""Fuzzy joins (`Join.fuzzy`): names that differ by a homophone, a traditional character or
a space still meet; a different person does not; thresholds, validation, lineage, and the
name functions in ordinary expressions. Run on the model connection itself
(`sandboxed_duckdb` with the name functions) over small Parquet files, and once end to end
through the runner on an imported pool."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from model_pool import import_file
from sqlglot import exp

from jiandu.catalog.registry import builtin_types
from jiandu.config import Settings
from jiandu.entities.names import install_name_functions
from jiandu.models import compile_model
from jiandu.models.compiler import similarity_sql
from jiandu.models.errors import ModelError, SandboxError
from jiandu.models.lineage import trace_hits
from jiandu.models.registry import ModelEntry, content_hash, definition_of
from jiandu.models.runner import empty_columns, run_model
from jiandu.models.sandbox import sandboxed_duckdb
from jiandu.models.spec import ModelSpec, parse_model
from jiandu.workspace import open_workspace

TYPES = builtin_types()
AS_OF = date(2024, 6, 30)
CASE = "(2023)浙0602执100号"
OTHER_CASE = "(2023)浙0602执200号"

# Auction buyers, and the parties of the enforcement cases the auctions belong to.
AUCTIONS = [
    {"auction_id": "A1", "exec_case_no": CASE, "buyer_name": "王晓明"},  # homophone of 王小明
    {"auction_id": "A2", "exec_case_no": CASE, "buyer_name": "張偉"},  # traditional 张伟
    {"auction_id": "A3", "exec_case_no": CASE, "buyer_name": "陈 静"},  # a space: 陈静
    {"auction_id": "A4", "exec_case_no": CASE, "buyer_name": "李建国"},  # a different person
    {"auction_id": "A5", "exec_case_no": OTHER_CASE, "buyer_name": "赵敏"},  # other case
]
PARTIES = [
    {"case_no": CASE, "role": "被执行人", "party_type": "person", "name": "王小明"},
    {"case_no": CASE, "role": "被执行人", "party_type": "person", "name": "张伟"},
    {"case_no": CASE, "role": "被执行人", "party_type": "person", "name": "陈静"},
    {"case_no": CASE, "role": "被执行人", "party_type": "person", "name": "王建军"},
    {"case_no": CASE, "role": "申请执行人", "party_type": "person", "name": "赵敏"},
]

BASE: dict[str, Any] = {
    "id": "fuzzy_probe",
    "name_zh": "买受人疑为被执行人",
    "name_en": "Buyer may be the debtor",
    "legal_basis": ["《最高人民法院关于人民法院网络司法拍卖若干问题的规定》第十四条"],
    "explanation_zh": "测试用",
    "parameters": [
        {
            "name": "min_sim",
            "type": "decimal",
            "default": "0.9",
            "label_zh": "姓名最低相似度",
            "label_en": "Least name similarity",
        }
    ],
    "sources": {"auction": "judicial_auction", "party": "court_party"},
    "clue": {
        "subject_type": "auction",
        "subject_key": "auction_id",
        "title": "买受人{buyer_name}疑为被执行人{p_name}",
        "evidence": ["buyer_name", "p_name", "p_similarity"],
    },
}


def fuzzy_join(**changes: Any) -> dict[str, Any]:
    join: dict[str, Any] = {
        "with": "party",
        "prefix": "p_",
        "keys": {"exec_case_no": "case_no"},
        "fuzzy": [{"left": "buyer_name", "right": "name", "method": "name", "min": "$min_sim"}],
    }
    join.update(changes)
    return join


def model(*, join: Mapping[str, Any] | None = None, **parts: Any) -> ModelSpec:
    step: dict[str, Any] = {
        "name": "buyer_is_party",
        "from": "auction",
        "join": [dict(join) if join is not None else fuzzy_join()],
        "filter": "p_role = '被执行人'",
    }
    return parse_model({**BASE, "steps": [step], **parts})


def write_parquet(path: Path, type_id: str, rows: Sequence[Mapping[str, Any]]) -> Path:
    """A pool-like Parquet file of `type_id`: every column typed, these rows' values set."""
    columns = empty_columns(TYPES[type_id])
    con = duckdb.connect()
    try:
        con.execute(
            "CREATE TABLE t ("
            + ", ".join(f'"{name}" {sql_type}' for name, sql_type in columns)
            + ")"
        )
        for row in rows:
            names = list(row)
            con.execute(
                f"INSERT INTO t ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                list(row.values()),
            )
        con.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    finally:
        con.close()
    return path


def make_pool(
    folder: Path, auctions: Sequence[Mapping[str, Any]], parties: Sequence[Mapping[str, Any]]
) -> dict[str, list[str]]:
    """Parquet files of auctions and court parties, by dataset type id."""
    auction_file = write_parquet(folder / "a.parquet", "judicial_auction", auctions)
    party_file = write_parquet(folder / "p.parquet", "court_party", parties)
    return {"judicial_auction": [str(auction_file)], "court_party": [str(party_file)]}


def model_connection(pool: Mapping[str, list[str]]) -> duckdb.DuckDBPyConnection:
    """The runner's kind of connection: locked, views over `pool`, the name functions."""
    return sandboxed_duckdb(pool, setup=install_name_functions)


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """One model connection over AUCTIONS and PARTIES for the module (installing the name
    functions takes a moment)."""
    connection = model_connection(make_pool(tmp_path_factory.mktemp("pool"), AUCTIONS, PARTIES))
    yield connection
    connection.close()


def run(
    spec: ModelSpec, con: duckdb.DuckDBPyConnection, params: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The hits of `spec` on a model connection, by auction id."""
    compiled = compile_model(spec, params, as_of=AS_OF, types=TYPES)
    rows = con.sql(compiled.sql("duckdb")).to_arrow_table().to_pylist()
    return sorted(rows, key=lambda r: (r["subject_key"], r.get("p_name") or ""))


def matched(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(r["subject_key"], r["buyer_name"], r["p_name"]) for r in rows]


# ---------------------------------------------------------------------------- matching


def test_homophone_traditional_and_spaced_names_match_and_a_different_person_does_not(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = run(model(), con)

    assert matched(rows) == [
        ("A1", "王晓明", "王小明"),
        ("A2", "張偉", "张伟"),
        ("A3", "陈 静", "陈静"),
    ]
    # A4 李建国 meets 王建军 in the same case but is another person; A5 赵敏 is in
    # another case (blocked out) and not a debtor anyway.
    similarity = {r["subject_key"]: r["p_similarity"] for r in rows}
    assert similarity["A1"] == pytest.approx(0.95)  # same pinyin
    assert similarity["A2"] == similarity["A3"] == 1.0  # equal once simplified
    assert all(isinstance(v, float) for v in similarity.values())
    assert rows[0]["evidence"]["p_similarity"] == pytest.approx(0.95)


def test_the_threshold_is_a_parameter_and_a_number(con: duckdb.DuckDBPyConnection) -> None:
    strict = run(model(), con, {"min_sim": "0.99"})
    assert [r["subject_key"] for r in strict] == ["A2", "A3"]  # a homophone scores 0.95

    lax = model(join=fuzzy_join(fuzzy=[{"left": "buyer_name", "right": "name",
                                        "method": "name", "min": 0}]))  # fmt: skip
    # Every debtor of the same case, whatever the name: blocking still holds.
    assert {r["subject_key"] for r in run(lax, con)} == {"A1", "A2", "A3", "A4"}


def test_without_keys_every_pair_is_compared(con: duckdb.DuckDBPyConnection) -> None:
    spec = model(join=fuzzy_join(keys={}))
    assert spec.steps[0].join[0].keys == {}
    assert [r["subject_key"] for r in run(spec, con)] == ["A1", "A2", "A3"]
    assert "JOIN" in compile_model(spec, types=TYPES).sql()


def test_several_conditions_all_hold_and_similarity_is_the_least(tmp_path: Path) -> None:
    auctions = [
        {"auction_id": "B1", "exec_case_no": CASE, "buyer_name": "王晓明",
         "buyer_id_card": "330602198001011234"},  # one digit off
        {"auction_id": "B2", "exec_case_no": CASE, "buyer_name": "王晓明",
         "buyer_id_card": "110101199912319876"},  # another ID altogether
    ]  # fmt: skip
    parties = [
        {"case_no": CASE, "role": "被执行人", "name": "王小明", "id_card": "330602198001011235"}
    ]
    own = model_connection(make_pool(tmp_path, auctions, parties))
    conditions = [
        {"left": "buyer_name", "right": "name", "method": "name", "min": 0.9},
        {"left": "buyer_id_card", "right": "id_card", "method": "levenshtein", "min": 0.9},
    ]
    try:
        rows = run(model(join=fuzzy_join(fuzzy=conditions)), own)
    finally:
        own.close()

    assert [r["subject_key"] for r in rows] == ["B1"]
    assert rows[0]["p_similarity"] == pytest.approx(min(0.95, 1 - 1 / 18))


def test_text_org_and_levenshtein_methods(con: duckdb.DuckDBPyConnection) -> None:
    cases = [
        ("org", "绍兴华宇贸易有限公司", "绍兴华宇贸易有限责任公司"),  # the same core
        ("org", "绍兴华宇贸易有限公司", "杭州远大机械股份有限公司"),
        ("text", "abcd", "abcd"),
        ("levenshtein", "330602198001011234", "330602198001011235"),  # one digit off
        ("levenshtein", "", ""),  # nothing to compare: no match
        *((method, "张三丰", "李四") for method in ("name", "org", "text", "levenshtein")),
    ]
    scores = [
        similarity_sql(method, exp.Literal.string(a), exp.Literal.string(b))
        for method, a, b in cases
    ]
    [row] = con.execute(exp.select(*scores).sql("duckdb")).fetchall()
    same_core, other_org, text, one_digit, empty, *far = row
    assert same_core == 1.0 and other_org < 0.8 and text == 1.0
    assert one_digit == pytest.approx(1 - 1 / 18)
    assert empty is None
    assert all(value is None or 0.0 <= value <= 1.0 for value in far)
    assert all(isinstance(value, float) for value in row if value is not None)


def test_every_method_renders_for_both_engines() -> None:
    conditions = [
        {"left": "buyer_name", "right": "name", "method": method, "min": 0.5}
        for method in ("name", "org", "text", "levenshtein")
    ]
    compiled = compile_model(model(join=fuzzy_join(fuzzy=conditions)), types=TYPES)
    duck = compiled.sql("duckdb")
    assert "JD_ORG_CORE(" in duck and "JARO_WINKLER_SIMILARITY(" in duck
    assert "LEVENSHTEIN(" in duck and "AS p_similarity" in duck
    assert "LEAST(" in compiled.sql("spark")  # and runs there: test_spark_parity.py


def test_left_join_keeps_unmatched_rows_with_null_similarity(
    con: duckdb.DuckDBPyConnection,
) -> None:
    step = {"name": "buyer_is_party", "from": "auction", "join": [fuzzy_join(how="left")]}
    spec = model(steps=[step])
    rows = run(spec, con)
    by_id = {r["subject_key"]: r for r in rows}
    assert set(by_id) == {"A1", "A2", "A3", "A4", "A5"}
    assert by_id["A4"]["p_similarity"] is None and by_id["A4"]["p_name"] is None


def test_exists_joins_take_fuzzy_without_a_similarity_column(
    con: duckdb.DuckDBPyConnection,
) -> None:
    spec = parse_model({**BASE, "steps": [{
        "name": "buyer_is_party", "from": "auction",
        "join": [fuzzy_join(how="not_exists")]}],
        "clue": {"subject_type": "auction", "subject_key": "auction_id", "title": "{buyer_name}"},
    })  # fmt: skip
    compiled = compile_model(spec, types=TYPES)
    assert "p_similarity" not in compiled.step("buyer_is_party").columns
    keys = sorted(r[2] for r in con.execute(compiled.sql()).fetchall())
    assert keys == ["A4", "A5"]


def test_the_similarity_column_serves_later_steps_and_the_condition(
    con: duckdb.DuckDBPyConnection,
) -> None:
    steps = [
        {"name": "buyer_is_party", "from": "auction",
         "join": [fuzzy_join(condition="p_similarity < 1")], "filter": "p_role = '被执行人'"},
        {"name": "homophones", "from": "buyer_is_party",
         "derive": {"pct": "round(p_similarity * 100)"}, "filter": "p_similarity >= 0.9"},
    ]  # fmt: skip
    rows = run(model(steps=steps), con)
    assert [r["subject_key"] for r in rows] == ["A1"]


# ---------------------------------------------------------------------------- validation


def _error(build: Any) -> ModelError:
    with pytest.raises(ModelError) as caught:
        spec = build()
        compile_model(spec, types=TYPES)
    return caught.value


def test_unknown_columns_name_the_step_join_and_field() -> None:
    bad_left = [{"left": "xyz", "right": "name", "method": "name", "min": 0.9}]
    error = _error(lambda: model(join=fuzzy_join(fuzzy=bad_left)))
    assert error.where == "steps[0].join[0].fuzzy[0].left"
    assert "column xyz not known; known: auction_id" in error.en
    assert "xyz" in error.zh

    bad_right = [
        {"left": "buyer_name", "right": "name", "method": "name", "min": 0.9},
        {"left": "buyer_name", "right": "p_name", "method": "text", "min": 0.9},
    ]
    error = _error(lambda: model(join=fuzzy_join(fuzzy=bad_right)))
    assert error.where == "steps[0].join[0].fuzzy[1].right"
    assert "without the prefix" in error.en and "case_no" in error.en


@pytest.mark.parametrize("value", [1.5, -0.1, "0.9", "min_sim", True, None])
def test_min_outside_0_to_1_or_not_a_parameter_is_refused(value: Any) -> None:
    fuzzy = [{"left": "buyer_name", "right": "name", "method": "name", "min": value}]
    error = _error(lambda: model(join=fuzzy_join(fuzzy=fuzzy)))
    assert error.where == "steps[0].join[0].fuzzy[0].min"
    assert "min" in error.zh and "min" in error.en


def test_min_parameters_must_be_declared_decimal_and_in_range() -> None:
    undeclared = [{"left": "buyer_name", "right": "name", "method": "name", "min": "$nope"}]
    error = _error(lambda: model(join=fuzzy_join(fuzzy=undeclared)))
    assert error.where == "steps[0].join[0].fuzzy[0].min"
    assert "undeclared parameter $nope" in error.en

    as_int = [{"name": "min_sim", "type": "int", "default": 1, "label_zh": "阈", "label_en": "t"}]
    error = _error(lambda: model(parameters=as_int))
    assert "must be of type decimal" in error.en and "decimal" in error.zh

    with pytest.raises(ModelError) as caught:
        compile_model(model(), {"min_sim": "1.5"}, types=TYPES)
    assert caught.value.where == "steps[0].join[0].fuzzy[0].min"
    assert "not between 0 and 1" in caught.value.en


def test_a_join_needs_keys_or_fuzzy_and_a_known_method() -> None:
    error = _error(lambda: model(join=fuzzy_join(keys={}, fuzzy=None)))
    assert error.where == "steps[0].join[0]"
    assert "keys" in error.zh and "fuzzy" in error.en

    soundex = [{"left": "buyer_name", "right": "name", "method": "soundex", "min": 0.9}]
    error = _error(lambda: model(join=fuzzy_join(fuzzy=soundex)))
    assert error.where == "steps[0].join[0].fuzzy[0].method"


def test_the_similarity_column_may_not_clash() -> None:
    steps = [
        {"name": "prepared", "from": "auction", "derive": {"p_similarity": "0"}},
        {"name": "buyer_is_party", "from": "prepared", "join": [fuzzy_join()]},
    ]
    error = _error(lambda: model(steps=steps))
    assert error.where == "steps[1].join[0].fuzzy"
    assert "p_similarity" in error.en


def test_models_without_fuzzy_keep_their_definition_and_hash() -> None:
    plain = model(join={"with": "party", "prefix": "p_", "keys": {"exec_case_no": "case_no"}})
    assert "fuzzy" not in definition_of(plain)["steps"][0]["join"][0]
    again = parse_model(definition_of(plain))
    assert content_hash(again) == content_hash(plain)
    assert parse_model(definition_of(model())) == model()  # fuzzy survives the round trip


# ---------------------------------------------------------------------------- expressions


def test_name_functions_in_expressions(con: duckdb.DuckDBPyConnection) -> None:
    steps = [{
        "name": "buyer_is_party", "from": "auction",
        "join": [{"with": "party", "prefix": "p_", "keys": {"exec_case_no": "case_no"}}],
        "filter": "name_similarity(buyer_name, p_name) >= 0.95 and p_role = '被执行人'",
        "derive": {"buyer_pinyin": "pinyin(buyer_name)", "simple": "name_simplify(buyer_name)",
                   "core": "org_core('绍兴华宇贸易有限公司')"},
    }]  # fmt: skip
    spec = model(steps=steps, clue={**BASE["clue"], "evidence": ["buyer_pinyin", "simple",
                                                                 "p_name"]})  # fmt: skip
    sql = compile_model(spec, types=TYPES).sql()
    assert "JD_NAME_SIMILARITY(" in sql and "JD_NAME_PINYIN(" in sql and "JD_ORG_CORE(" in sql
    compiled = compile_model(spec, as_of=AS_OF, types=TYPES)
    rows = sorted(con.sql(compiled.sql()).to_arrow_table().to_pylist(),
                  key=lambda r: r["subject_key"])  # fmt: skip
    assert [(r["subject_key"], r["buyer_pinyin"], r["simple"]) for r in rows] == [
        ("A1", "wang xiao ming", "王晓明"),
        ("A2", "zhang wei", "张伟"),
        ("A3", "chen jing", "陈静"),
    ]


@pytest.mark.parametrize(
    ("text", "construct"),
    [
        ("name_similarity(buyer_name) > 0.9", "function name_similarity"),
        ("pinyin(buyer_name, buyer_name) = 'a'", "function pinyin"),
        ("jd_name_similarity(buyer_name, buyer_name) > 0.9", "function jd_name_similarity"),
    ],
)
def test_name_functions_check_their_arguments_and_sql_names_stay_hidden(
    text: str, construct: str
) -> None:
    steps = [{"name": "buyer_is_party", "from": "auction", "filter": text}]
    with pytest.raises(SandboxError) as caught:
        compile_model(model(steps=steps, clue={**BASE["clue"], "evidence": [],
                                               "title": "{buyer_name}"}), types=TYPES)  # fmt: skip
    assert caught.value.construct == construct
    assert caught.value.where == "steps[0].filter"


# ---------------------------------------------------------------------------- lineage


def test_lineage_similarity_is_text_and_joined_columns_keep_their_class() -> None:
    steps = [
        {"name": "buyer_is_party", "from": "auction", "join": [fuzzy_join()],
         "derive": {"buyer_pinyin": "pinyin(buyer_name)",
                    "score": "name_similarity(buyer_name, p_name)",
                    "debtor_core": "org_core(p_name)"}},
    ]  # fmt: skip
    clue = {**BASE["clue"], "evidence": ["buyer_name", "p_name", "p_id_card", "p_similarity",
                                         "buyer_pinyin", "score", "debtor_core"]}  # fmt: skip
    traced = trace_hits(model(steps=steps, clue=clue), TYPES)
    assert traced.columns["p_similarity"] == "text"
    assert traced.columns["score"] == "text"
    assert traced.columns["buyer_name"] == "name"
    assert traced.columns["p_name"] == "name"
    assert traced.columns["p_id_card"] == "id"
    assert traced.columns["buyer_pinyin"] == "name"  # the name in another form
    assert traced.columns["debtor_core"] == "name"
    assert traced.branches["main"]["p_similarity"] == "text"


def test_lineage_of_several_conditions_and_levenshtein_is_text() -> None:
    conditions = [
        {"left": "buyer_name", "right": "name", "method": "org", "min": 0.9},
        {"left": "buyer_id_card", "right": "id_card", "method": "levenshtein", "min": 0.9},
        {"left": "buyer_name", "right": "name", "method": "text", "min": 0.5},
    ]
    traced = trace_hits(model(join=fuzzy_join(fuzzy=conditions)), TYPES)
    assert traced.columns["p_similarity"] == "text"
    assert traced.columns["p_name"] == "name"


# ---------------------------------------------------------------------------- end to end


def _csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_the_runner_installs_the_name_functions(home: Settings, tmp_path: Path) -> None:
    import_file(home, "judicial_auction", _csv(tmp_path / "拍卖.csv", AUCTIONS))
    import_file(home, "court_party", _csv(tmp_path / "当事人.csv", PARTIES))
    workspace = open_workspace(home)
    entry = ModelEntry(model(), "imported")

    record = run_model(workspace, entry, {"min_sim": "0.95"}, as_of=AS_OF)
    assert record.status == "succeeded"
    assert [line["rows"] for line in record.funnel] == [5, 5, 3]
    assert record.hit_count == 3
    assert record.params["min_sim"] == "0.95"
