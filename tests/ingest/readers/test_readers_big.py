"""A ~200 MB GB18030 CSV reads with bounded memory (run with ``-m slow``)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

_CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    from pathlib import Path
    import duckdb
    from jiandu.ingest.readers import open_sources

    def hwm_kib():
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    path, tmp = Path(sys.argv[1]), Path(sys.argv[2])
    before = hwm_kib()
    started = time.perf_counter()
    score = lambda cells: sum(c in {"姓名", "身份证号", "金额"} for c in cells)
    (table,) = open_sources(path, tmp_dir=tmp, score_header=score)
    con = duckdb.connect()
    count, last = table.relation(con).aggregate("count(*), max(_row)").fetchall()[0]
    print(json.dumps({"before_kib": before, "peak_kib": hwm_kib(), "rows": count,
                      "last_row": last, "seconds": time.perf_counter() - started}))
    """
)


@pytest.mark.slow
def test_big_gb18030_csv_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    line = "张三丰,330602199001011234,1234.50,浙江省绍兴市越城区解放北路一百号\r\n"
    block = (line * 10_000).encode("gb18030")
    blocks = 200_000_000 // len(block) + 1
    with path.open("wb") as fh:
        fh.write("养老金发放明细表\r\n姓名,身份证号,金额,地址\r\n".encode("gb18030"))
        for _ in range(blocks):
            fh.write(block)
    staging = tmp_path / "staging"
    staging.mkdir()
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(staging)],
        check=True,
        capture_output=True,
        text=True,
    )
    stats = json.loads(out.stdout)
    print(stats)
    assert stats["rows"] == blocks * 10_000
    assert stats["last_row"] == blocks * 10_000 + 2
    growth_mib = (stats["peak_kib"] - stats["before_kib"]) / 1024
    assert growth_mib < 1024, f"peak RSS grew by {growth_mib:.0f} MiB reading a 200 MB file"
