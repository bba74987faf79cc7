"""bench/run.py, the suite's one entry point: a quick section end to end (table, run.json,
the Markdown page), and a failed measurement recorded as "n/a (error)" instead of
stopping the suite."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "bench" / "run.py"


def _bench_run() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", RUN)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_quick_compiled_section_writes_the_table(tmp_path: Path) -> None:
    out, page = tmp_path / "run.json", tmp_path / "benchmarks.md"
    done = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--only", "compiled", "--json", str(out),
         "--markdown", str(page), "--data", str(tmp_path / "data")],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    figures = report["figures"]
    assert [f["section"] for f in figures] == ["compiled", "compiled"]
    compiled = figures[0]
    assert compiled["error"] is None
    assert compiled["value"] > 0 and compiled["baseline"] > 0
    assert compiled["ratio"] == report["raw"]["compiled"]["ratio"]
    assert compiled["detail"]["same_rows"] is True
    assert compiled["peak_mib"] > 50  # a Python process with DuckDB loaded
    assert report["machine"]["cores"] >= 1
    assert report["command"].startswith(".venv/bin/python bench/run.py --quick")
    text = page.read_text(encoding="utf-8")
    assert "| figure | value | baseline | × baseline | peak memory |" in text
    assert "hand-written DuckDB SQL" in text
    assert "× baseline" in done.stdout


def test_a_failed_measurement_is_recorded_not_raised() -> None:
    bench = _bench_run()
    failed = bench.spawn([sys.executable, "-c", "import sys; sys.exit('no spark engine')"])
    assert failed.result is None
    assert failed.error == "no spark engine"
    assert failed.peak_mib > 0
    figure = bench._timed("models", "m · 1M rows · spark", failed, None, "DuckDB run")
    assert figure.value_text() == "n/a (error)"
    assert figure.ratio_text() == "—"
    ok = bench.spawn([sys.executable, "-c", "print('x'); print('{\"seconds\": 2.0}')"])
    assert ok.result == {"seconds": 2.0}
    assert bench._timed("models", "m", ok, failed, "DuckDB run").baseline_text().startswith("n/a")


def test_sizes_read_like_people_write_them() -> None:
    bench = _bench_run()
    assert [bench.parse_size(s) for s in ("1M", "10m", "20k", "50000", "2.5M")] == [
        1_000_000, 10_000_000, 20_000, 50_000, 2_500_000,
    ]  # fmt: skip
    assert [bench.size_label(n) for n in (1_000_000, 20_000, 12_345)] == ["1M", "20k", "12,345"]
