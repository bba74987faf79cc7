"""The org tree the security tests share (a plain module: conftest and tests import it)."""

from __future__ import annotations

# The org tree most scope tests use (id: (kind, level, region, parent)):
#
#   zj  province ─┬─ zj-d1 department
#                 ├─ sx city ─┬─ sx-d1 department ── sx-d1a department
#                 │           ├─ yc county ── yc-d1 department
#                 │           └─ sx-ext external
#                 └─ hz city ── hz-d1 department
TREE: dict[str, tuple[str, str | None, str | None, str | None]] = {
    "zj": ("procuratorate", "province", "330000", None),
    "zj-d1": ("department", None, None, "zj"),
    "sx": ("procuratorate", "city", "330600", "zj"),
    "sx-d1": ("department", None, None, "sx"),
    "sx-d1a": ("department", None, None, "sx-d1"),
    "yc": ("procuratorate", "county", "330602", "sx"),
    "yc-d1": ("department", None, None, "yc"),
    "sx-ext": ("external", None, None, "sx"),
    "hz": ("procuratorate", "city", "330100", "zj"),
    "hz-d1": ("department", None, None, "hz"),
}
