"""bench/run.py's output: one figure per row beside its baseline, as a Rich table on the
terminal and as the Markdown page docs/benchmarks.md, with the machine it ran on."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("jiandu", "duckdb", "pyspark", "tantivy", "fastapi", "uvicorn", "sqlglot", "pyarrow")


@dataclass
class Figure:
    """One row: a measured value, the baseline measured beside it, their cost ratio."""

    section: str
    figure: str
    value: float | None = None
    unit: str = ""
    baseline: float | None = None
    baseline_label: str = ""
    # value's cost over the baseline's: time / time, or rate⁻¹ / rate⁻¹ (above 1: slower).
    ratio: float | None = None
    peak_mib: float | None = None
    error: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def value_text(self) -> str:
        if self.error is not None or self.value is None:
            return "n/a (error)"
        return _number(self.value, self.unit)

    def baseline_text(self) -> str:
        if self.baseline is None:
            return f"n/a ({self.baseline_label})" if self.baseline_label else "—"
        return f"{_number(self.baseline, self.unit)} ({self.baseline_label})"

    def ratio_text(self) -> str:
        return "—" if self.ratio is None or self.value is None else f"{self.ratio:.2f}"

    def peak_text(self) -> str:
        return "—" if self.peak_mib is None else f"{self.peak_mib:,.0f} MiB"


def _number(value: float, unit: str) -> str:
    if unit == "rows/s":
        return f"{value / 1000:,.0f} k rows/s" if value < 1e6 else f"{value / 1e6:.2f} M rows/s"
    if unit == "s":
        return f"{value:.2f} s" if value < 100 else f"{value:,.0f} s"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 1000 else f"{value:,.0f} ms"
    return f"{value:,.1f} {unit}"


def machine() -> dict[str, Any]:
    """Cores, memory, load, versions and the commit: what the figures depend on."""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        first = meminfo.read_text(encoding="utf-8").splitlines()[0].split()
        memory = f"{int(first[1]) / 2**20:.1f} GiB"
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    commit = _git("rev-parse", "--short", "HEAD")
    dirty = bool(_git("status", "--porcelain", "--untracked-files=no"))
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "memory": memory,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "commit": f"{commit}{' (with uncommitted changes)' if dirty else ''}",
        "duckdb_memory_limit": os.environ.get("JIANDU_DUCKDB_MEMORY", "2GB (default)"),
    }


def _git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    except OSError:
        return ""
    return done.stdout.strip()


def render_table(figures: Sequence[Figure]) -> None:
    """Print the figures as one Rich table, a rule between sections."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="jiandu benchmarks", show_lines=False)
    for name, justify in (
        ("figure", "left"),
        ("value", "right"),
        ("baseline", "right"),
        ("× baseline", "right"),
        ("peak memory", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for index, f in enumerate(figures):
        last = index + 1 == len(figures) or figures[index + 1].section != f.section
        table.add_row(
            f"{f.section}: {f.figure}",
            f.value_text(),
            f.baseline_text(),
            f.ratio_text(),
            f.peak_text(),
            end_section=last,
        )
    Console(width=200).print(table)


def markdown_table(figures: Sequence[Figure]) -> str:
    lines = [
        "| figure | value | baseline | × baseline | peak memory |",
        "|---|---:|---:|---:|---:|",
    ]
    for f in figures:
        name = f"**{f.section}**: {f.figure}"
        if f.error:
            name += f" — {f.error.replace('|', '/')}"
        lines.append(
            f"| {name} | {f.value_text()} | {f.baseline_text()} | {f.ratio_text()} "
            f"| {f.peak_text()} |"
        )
    return "\n".join(lines)


def render_markdown(
    figures: Sequence[Figure],
    info: dict[str, Any],
    command: str,
    wall: float,
    representative: Sequence[str],
    quick: bool = False,
) -> str:
    """The page docs/benchmarks.md: how to run, the machine, the table, how to read it."""
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    caveat = (
        "\n**A quick run** (`--quick`: development sizes, a few models, a shared box): the\n"
        "figures show that the suite works, not how fast jiandu is; run the command without\n"
        "`--quick` for those.\n"
        if quick
        else ""
    )
    return f"""# Benchmarks

Written by `bench/run.py` (see bench/README.md for each bench on its own). Every figure
sits beside a baseline measured in the same run on the same machine; compare the ratios,
not the raw numbers, across machines.
{caveat}
    {command}

- date: {info["date"]}; the whole run took {wall:,.0f} s
- machine: {info["cores"]} cores, {info["memory"]} RAM, load average at the end
  {", ".join(str(x) for x in info["load_average"])}; {info["platform"]}
- Python {info["python"]}; {versions}
- commit {info["commit"]}; DuckDB memory limit {info["duckdb_memory_limit"]}

{markdown_table(figures)}

**How to read it.** *× baseline* is the figure's cost over its baseline's — time over
time, or for rates the baseline's rate over the figure's — so above 1 means slower than
the baseline. *Peak memory* is the largest resident set of the process that made the
figure (each figure runs in a process of its own; for the API, the `jiandu serve`
process). "n/a (error)" marks a figure whose process failed; run.json keeps the error.

**Sections and their baselines.**

- *ingest*: `jiandu import` of a pension-payment CSV (12 columns, messy but valid values;
  bench/ingest_bench.py), median of the runs, against DuckDB `read_csv → Parquet` of the
  same UTF-8 file (no cleaning): the floor for moving those bytes.
- *models*: each library model through the real runner (`run_model`: sandboxed DuckDB or
  Spark local, hits file, funnel, run record) on a pool of the given size. The pool
  (bench/pool_scale.py) holds the demo's planted stories (a fixed number per model) and
  the demo's filler up to the size, written as committed batches without the import; the
  derived datasets (party_relation, entity_edge, near_duplicate_group) are made in SQL from
  the court tables. The DuckDB run's baseline is the same compiled clue query in a plain
  DuckDB connection (hits to Arrow: no sandbox, no hits file, no funnel, no record); the
  Spark run's baseline is the DuckDB run. On Spark the process's session (the JVM) is
  started before the clock starts, as a server or worker starts it once (its start time is
  in run.json, `session_start_s`), and the peak memory is the Python process's plus the
  JVM's. Above one million rows only six representative
  models run unless `--models` names others: {", ".join(representative)} (the largest
  datasets: pensions, social insurance, invoices, medical settlements, vehicles and fines,
  court cases).
- *compiled*: `pension_after_death` compiled and run in the sandbox against the same query
  written by hand in DuckDB SQL (bench/model_bench.py; the two return the same rows); the
  funnel line adds the per-step counts a recorded run makes.
- *search*: full-text queries on the tantivy index (bench/search_bench.py: generated civil
  judgments; names, names with a word, quoted phrases, terms with filters), first page of
  20, against DuckDB scanning the same text for a name with `contains` (no index).
- *api*: `jiandu serve` (uvicorn, SQLite metadata) on the demo province; the clue list
  (`/api/clues?limit=50`, masked, as the prosecutor) by many clients at once, each on its
  own connection sending requests one after another, against one client; throughput
  against `/api/healthz` under the same load (the framework's floor). The clients share
  one signed-in session (sign-in is rate-limited per address); no client starts a request
  later than a set time after its first answer, and failed requests (an error status or a
  dropped connection) are counted in the throughput line, not in the latencies.
"""
