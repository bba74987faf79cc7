"""The demo's organisation and sign-in accounts, so a new user can use the web UI at once.

`ensure_demo_accounts(settings)` creates a small Zhejiang tree — the provincial
procuratorate (the root, which holds the demo's data, runs and clues), Shaoxing city,
Yuecheng district and the city's public security bureau as an external unit — and one
account per kind of user. Passwords are random per workspace and kept, readable by the
owner only, in `JIANDU_HOME/demo-accounts.json`; running the demo again keeps them.
A demo workspace is for trying the platform out, never for real data.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from jiandu.config import Settings
from jiandu.security import audit
from jiandu.security.units import create_unit
from jiandu.security.users import create_user, get_user_by_username, set_password
from jiandu.store.db import make_engine, session_scope
from jiandu.store.schema import OrgUnit

ACCOUNTS_FILE = "demo-accounts.json"
ACTOR = "demo"

# (id, name, kind, level, region, parent)
UNITS = (
    ("330000", "浙江省人民检察院", "procuratorate", "province", "330000", None),
    ("330600", "绍兴市人民检察院", "procuratorate", "city", "330600", "330000"),
    ("330602", "越城区人民检察院", "procuratorate", "county", "330602", "330600"),
    ("ext-sxga", "绍兴市公安局", "external", None, "330600", "330600"),
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    unit_id: str
    roles: tuple[str, ...]
    clearance: str
    purpose_zh: str
    purpose_en: str
    password: str = ""


ACCOUNTS = (
    DemoAccount("prosecutor", "演示检察官", "330000",
                ("prosecutor", "modeler", "data_steward"), "sensitive",
                "导入数据、构建与运行模型、核查与流转线索、办理案件",
                "import data, build and run models, verify and transfer clues, handle cases"),
    DemoAccount("leader", "分管检察长", "330000", ("leader",), "sensitive",
                "审批导出、查看全省一本账", "approve exports, see the province's ledger"),
    DemoAccount("county", "越城区检察官", "330602", ("prosecutor",), "sensitive",
                "接收上级流转的线索", "receive clues transferred down"),
    DemoAccount("police", "公安联络员", "ext-sxga", ("external_liaison",), "internal",
                "接收移送线索并反馈", "receive transferred clues and reply"),
    DemoAccount("admin", "系统管理员", "330000", ("admin",), "internal",
                "管理单位与用户", "manage units and users"),
    DemoAccount("auditor", "审计员", "330000", ("auditor",), "internal",
                "查看与校验审计日志", "read and verify the audit log"),
)  # fmt: skip


def _new_password() -> str:
    # Upper and lower case, digits and a dash: meets the password policy (security.passwords).
    return f"Jd-{secrets.token_hex(5)}-{secrets.randbelow(9000) + 1000}"


def accounts_path(settings: Settings) -> Path:
    return settings.home / ACCOUNTS_FILE


def load_demo_accounts(settings: Settings) -> list[DemoAccount]:
    """The demo accounts with their passwords, as written by `ensure_demo_accounts`."""
    path = accounts_path(settings)
    if not path.is_file():
        return []
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [DemoAccount(**{**row, "roles": tuple(row["roles"])}) for row in rows]


def ensure_demo_accounts(settings: Settings) -> list[DemoAccount]:
    """Create the demo units and accounts that are missing; every account with its password.

    An account whose password is not in the accounts file (deleted, or made by hand) gets a
    new one, so the file always lets each demo user sign in.
    """
    known = {a.username: a.password for a in load_demo_accounts(settings)}
    engine = make_engine(settings.database_url)
    result: list[DemoAccount] = []
    try:
        with session_scope(engine) as session:
            for unit_id, name, kind, level, region, parent in UNITS:
                if session.get(OrgUnit, unit_id) is not None:
                    continue
                create_unit(session, id=unit_id, name=name, kind=kind, level=level,
                            region_code=region, parent_id=parent)  # fmt: skip
                detail = {"kind": kind, "level": level, "parent_id": parent}
                audit.record(session, actor=ACTOR, action="unit.create", object_kind="unit",
                             object_id=unit_id, unit_id=unit_id, detail=detail)  # fmt: skip
            for account in ACCOUNTS:
                password = known.get(account.username) or _new_password()
                user = get_user_by_username(session, account.username)
                if user is None:
                    user = create_user(
                        session, username=account.username, display_name=account.display_name,
                        unit_id=account.unit_id, password=password, roles=account.roles,
                        clearance=account.clearance, granted_by=ACTOR,
                    )  # fmt: skip
                    audit.record(session, actor=ACTOR, action="user.create", object_kind="user",
                                 object_id=user.id, unit_id=user.unit_id,
                                 detail={"roles": sorted(account.roles),
                                         "clearance": account.clearance})  # fmt: skip
                elif account.username not in known:
                    set_password(session, user.id, password)
                    audit.record(session, actor=ACTOR, action="user.password",
                                 object_kind="user", object_id=user.id, unit_id=user.unit_id,
                                 detail={})  # fmt: skip
                result.append(DemoAccount(**{**asdict(account), "password": password}))
    finally:
        engine.dispose()
    path = accounts_path(settings)
    path.write_text(
        json.dumps([asdict(a) for a in result], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    os.chmod(path, 0o600)
    return result
