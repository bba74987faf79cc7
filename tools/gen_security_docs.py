"""Render the roles-and-permissions table of docs/user/security.md from the code.

Usage: python tools/gen_security_docs.py          # rewrite the table
       python tools/gen_security_docs.py --check  # exit 1 if the table is stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jiandu.security.permissions import ROLE_PERMISSIONS, Permission

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "user" / "security.md"
BEGIN, END = "<!-- roles:begin -->", "<!-- roles:end -->"
ROLE_NAMES = {
    "admin": "管理员 admin",
    "data_steward": "数据管理员 data steward",
    "modeler": "建模人员 modeler",
    "prosecutor": "检察官 prosecutor",
    "leader": "院领导/部门负责人 leader",
    "auditor": "审计员 auditor",
    "external_liaison": "外部联络人 external liaison",
}


def render_section() -> str:
    roles = list(ROLE_PERMISSIONS)
    lines = [
        BEGIN,
        "",
        "| 权限 permission | " + " | ".join(ROLE_NAMES.get(r, r) for r in roles) + " |",
    ]
    lines.append("|---|" + "---|" * len(roles))
    for permission in Permission:
        marks = ["✓" if permission in ROLE_PERMISSIONS[r] else "" for r in roles]
        lines.append(f"| `{permission}` | " + " | ".join(marks) + " |")
    lines += ["", END]
    return "\n".join(lines)


def render(current: str) -> str:
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + render_section() + tail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    current = DOC_PATH.read_text(encoding="utf-8")
    wanted = render(current)
    if args.check:
        return 0 if current == wanted else 1
    DOC_PATH.write_text(wanted, encoding="utf-8")
    print(f"wrote {DOC_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
