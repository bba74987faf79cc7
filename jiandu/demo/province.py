"""Generate the demo province: planted stories + filler → agency files + ground truth.

`generate(folder, size=..., seed=...)`:

1. plant every library model's stories (`jiandu.demo.planters`) — `cases_for(size)`
   true cases per model, their decoys and ordinary records — into a `DemoData`;
2. fill the pool up to `size` rows with innocent bulk rows (`jiandu.demo.filler`);
3. write each dataset type as its agency sends it (`jiandu.demo.agencies`), planted and
   filler rows mixed, values varied and a few rows spoiled;
4. write `ground_truth.json`: the planted cases and decoys per model, the seed, the size
   and the reference date the models must run at.

Same seed and size, same files (DuckDB renders them from seeded hashes; Python draws
from one seeded `random.Random`).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from jiandu.catalog.registry import builtin_types
from jiandu.demo.agencies import AGENCIES, write_agency_file
from jiandu.demo.filler import filler_counts, filler_sql, install_filler_macros
from jiandu.demo.planters import MODEL_IDS, plant_all
from jiandu.demo.world import DEMO_AS_OF, DemoData, World
from jiandu.fields.registry import get_type, install_macros

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_SIZE",
    "TRUTH_FILE",
    "AgencyExport",
    "Province",
    "cases_for",
    "existing_province",
    "generate",
    "load_truth",
    "plant",
]

DEFAULT_SIZE = 100_000
DEFAULT_SEED = 20231
TRUTH_FILE = "ground_truth.json"


@dataclass(frozen=True)
class AgencyExport:
    """One file the demo wrote: which dataset type, from which agency, how many rows."""

    dataset_type: str
    source_name: str
    path: Path
    rows: int
    planted_rows: int


@dataclass
class Province:
    """What `generate` wrote."""

    folder: Path
    size: int
    seed: int
    cases_per_model: int
    exports: list[AgencyExport] = field(default_factory=list)
    truth_path: Path | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(e.rows for e in self.exports)


def cases_for(size: int) -> int:
    """True cases planted per model for a pool of `size` rows: at least 40 — so that one
    clue more or less moves precision or recall by 2.5%, not 5% — and one per 5,000 rows
    beyond 200,000, so that large demos are not all filler."""
    return max(40, size // 5000)


def plant(seed: int, cases: int) -> DemoData:
    """Every model's planted stories for `seed`."""
    data = DemoData()
    plant_all(World(seed), data, cases)
    return data


def _planted_table(con: duckdb.DuckDBPyConnection, type_id: str, rows: list[dict[str, Any]]) -> str:
    """Register the planted rows of `type_id` with the pool's types and a row number
    `_i`; the name of the view."""
    fields = builtin_types()[type_id].fields
    values = {f.name: [row.get(f.name) for row in rows] for f in fields}
    arrow = pa.table({name: pa.array(column, from_pandas=True) for name, column in values.items()})
    view = f"planted_{type_id}_arrow"
    con.register(view, arrow)
    casts = ", ".join(
        f"CAST({f.name} AS {get_type(f.type).duckdb_type}) AS {f.name}" for f in fields
    )
    name = f"planted_{type_id}"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS "
        f"SELECT row_number() OVER () - 1 AS _i, {casts} FROM {view}"
    )
    con.unregister(view)
    return name


def generate(
    folder: Path,
    *,
    size: int = DEFAULT_SIZE,
    seed: int = DEFAULT_SEED,
    memory_limit: str = "2GB",
) -> Province:
    """Write the demo province's agency files and ground truth into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    province = Province(folder, size, seed, cases_for(size))
    started = time.perf_counter()
    data = plant(seed, province.cases_per_model)
    province.seconds["plant"] = time.perf_counter() - started

    started = time.perf_counter()
    planted_rows = data.count()
    counts = filler_counts(max(size - planted_rows, 0))
    con = duckdb.connect(config={"memory_limit": memory_limit, "threads": 2})
    try:
        con.execute(f"SET temp_directory = '{folder / '.tmp'}'")
        install_macros(con)
        install_filler_macros(con, seed)
        for type_id, profile in AGENCIES.items():
            # Taken out of `data` as it goes into DuckDB: at ten million rows the planted
            # rows are the largest Python structure, and are not needed twice.
            planted = data.rows.pop(type_id, [])
            planted_name = _planted_table(con, type_id, planted)
            names = ", ".join(f.name for f in builtin_types()[type_id].fields)
            # Row numbers start at a seed-dependent base: the agencies' rendering (value
            # variants, spoiled rows, order) hashes them, so each seed spoils other rows.
            base = (seed % 1_000_003) << 32
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE canon AS "
                f"SELECT {base} + _i AS _n, {names} FROM {planted_name} UNION ALL "
                f"SELECT {base + len(planted)} + _i AS _n, {names} "
                f"FROM ({filler_sql(type_id, counts)})"
            )
            row = con.execute("SELECT count(*) FROM canon").fetchone()
            total = int(row[0]) if row else 0
            path = write_agency_file(con, profile, "canon", folder, total)
            province.exports.append(
                AgencyExport(type_id, profile.source_name, path, total, len(planted))
            )
            con.execute(f"DROP TABLE {planted_name}")
            con.execute("DROP TABLE canon")
    finally:
        con.close()
    province.seconds["write"] = time.perf_counter() - started
    province.truth_path = write_truth(folder, province, data)
    return province


def write_truth(folder: Path, province: Province, data: DemoData) -> Path:
    """`ground_truth.json`: per model the planted cases and decoys; seed, size, as-of."""
    models: dict[str, dict[str, list[dict[str, str]]]] = {
        model_id: {"cases": [], "decoys": []} for model_id in MODEL_IDS
    }
    for case in data.truth:
        item = asdict(case)
        item.pop("model_id")
        models[case.model_id]["cases"].append(item)
    for decoy in data.decoys:
        item = asdict(decoy)
        item.pop("model_id")
        models[decoy.model_id]["decoys"].append(item)
    payload = {
        "seed": province.seed,
        "size": province.size,
        "as_of": DEMO_AS_OF.isoformat(),
        "cases_per_model": province.cases_per_model,
        "files": [
            {
                "dataset_type": e.dataset_type,
                "file": e.path.name,
                "rows": e.rows,
                "planted_rows": e.planted_rows,
            }
            for e in province.exports
        ],
        "models": models,
    }
    path = folder / TRUTH_FILE
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def existing_province(folder: Path, size: int, seed: int) -> Province | None:
    """The province `generate` already wrote into `folder` for this size and seed, if
    all its files are still there (Excel files embed the time they were written, so a
    regenerated province would not be recognised by the import as the same data)."""
    truth_path = folder / TRUTH_FILE
    if not truth_path.is_file():
        return None
    truth = load_truth(truth_path)
    if (truth.get("size"), truth.get("seed")) != (size, seed):
        return None
    province = Province(folder, size, seed, int(truth["cases_per_model"]), truth_path=truth_path)
    for item in truth["files"]:
        path = folder / item["file"]
        if not path.is_file():
            return None
        type_id = item["dataset_type"]
        province.exports.append(
            AgencyExport(
                type_id, AGENCIES[type_id].source_name, path, item["rows"], item["planted_rows"]
            )
        )
    return province


def load_truth(path: Path) -> dict[str, Any]:
    """Read a `ground_truth.json` written by `generate`."""
    payload: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return payload
