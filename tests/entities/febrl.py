"""FEBRL (../shared/data/linkage_febrl) as linkage tables, and the spec that links them:
shared by the linkage tests and bench/linkage_eval.py."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from jiandu.entities.linkage import Field, LinkSpec

FEBRL_SPEC = LinkSpec(
    fields=(
        Field("given_name", "name"),
        Field("surname", "name"),
        Field("date_of_birth", "date"),
        Field("soc_sec_id", "id"),
        Field("street_number", "exact"),
        Field("address_1", "address"),
        Field("suburb", "text"),
        Field("postcode", "postcode"),
        Field("state", "exact"),
    ),
    blocking=(
        ("given_name", "surname"),
        ("surname", "date_of_birth"),
        ("postcode",),
        ("soc_sec_id",),
        ("date_of_birth",),
    ),
    threshold=0.9,
)


def febrl_table(data: Path, name: str) -> pa.Table:
    """FEBRL dataset `name` ("1" … "4b"), trimmed, with the truth in `entity`
    (rec-<n>-org and rec-<n>-dup-<k> share <n>)."""
    path = data / "linkage_febrl" / f"dataset{name}.csv"
    return (
        duckdb.connect()
        .sql(
            f"""
            SELECT trim(rec_id) AS unique_id, trim(given_name) AS given_name,
                   trim(surname) AS surname, trim(street_number) AS street_number,
                   trim(address_1) AS address_1, trim(address_2) AS address_2,
                   trim(suburb) AS suburb, trim(postcode) AS postcode, trim(state) AS state,
                   trim(date_of_birth) AS date_of_birth, trim(soc_sec_id) AS soc_sec_id,
                   regexp_extract(trim(rec_id), 'rec-([0-9]+)', 1) AS entity
            FROM read_csv('{path}', all_varchar = true, normalize_names = true)
            """
        )
        .to_arrow_table()
    )
