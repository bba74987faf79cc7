"""The locked connection over real pool files: batches with different extra columns,
and spilling to the temp folder once the configuration is locked."""

from __future__ import annotations

from pathlib import Path

import duckdb

from jiandu.models.sandbox import sandboxed_duckdb


def test_batches_with_different_extra_columns_read_as_one_table(tmp_path: Path) -> None:
    first, second = tmp_path / "a.parquet", tmp_path / "b.parquet"
    con = duckdb.connect()
    con.execute(f"COPY (SELECT '1' AS id_card, 'x' AS x_备注) TO '{first}'")
    con.execute(f"COPY (SELECT '2' AS id_card, 'y' AS x_经办机构) TO '{second}'")

    locked = sandboxed_duckdb({"pension_payment": [first, second]})

    rows = locked.execute("SELECT * FROM pension_payment ORDER BY id_card").fetchall()
    assert rows == [("1", "x", None), ("2", None, "y")]


def test_a_locked_connection_still_spills_big_joins_to_its_temp_folder(tmp_path: Path) -> None:
    data = tmp_path / "big.parquet"
    duckdb.connect().execute(
        f"COPY (SELECT i AS k, repeat('x', 200) AS pad FROM range(600000) t(i)) TO '{data}'"
    )
    spill = tmp_path / "spill"
    spill.mkdir()

    locked = sandboxed_duckdb({"big": [data]}, memory_limit="60MB", threads=1, temp_directory=spill)
    count = locked.execute(
        "SELECT count(*) FROM big a JOIN big b ON a.k = b.k WHERE a.pad = b.pad"
    ).fetchone()

    assert count == (600000,)
