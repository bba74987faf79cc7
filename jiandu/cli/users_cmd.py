"""`jiandu users add|list|roles|passwd|disable` and `jiandu units add|list`.

The command line acts as the machine's operator (whoever can run it can read the
metadata database anyway), so these commands need no sign-in; every change is written
to the audit log with the actor 'cli:<os user>'. Passwords never travel on the command
line (where `ps` and shell history would show them): they are typed at a hidden prompt
or read from standard input with `--password-stdin`.
"""

from __future__ import annotations

import getpass
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from jiandu.cli.audit_cmd import cli_actor
from jiandu.cli.output import print_json
from jiandu.config import load_settings
from jiandu.security import audit
from jiandu.security.errors import NotFound, SecurityError
from jiandu.security.units import create_unit, list_units
from jiandu.security.users import (
    create_user,
    disable_user,
    get_user_by_username,
    list_users,
    role_names,
    set_password,
    set_roles,
)
from jiandu.store.db import session_scope
from jiandu.store.schema import ROLES, SENSITIVITIES, UNIT_KINDS, UNIT_LEVELS, OrgUnit, UserAccount
from jiandu.workspace import open_workspace

users_app = typer.Typer(help="用户账户 / user accounts", no_args_is_help=True)
units_app = typer.Typer(help="组织单位 / org units", no_args_is_help=True)
console = Console()

JsonFlag = Annotated[bool, typer.Option("--json", help="机器可读的 JSON 输出 / JSON output")]
PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="从标准输入读取密码（一行）/ read the password from stdin"
    ),
]
RolesOption = Annotated[
    list[str] | None,
    typer.Option("--role", "-r", help=f"角色，可重复 / role, repeatable: {', '.join(ROLES)}"),
]


def _read_password(from_stdin: bool) -> str:
    """The new password: one line of stdin, or typed twice at a hidden prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码 password: ")
    second = getpass.getpass("再次输入 repeat: ")
    if first != second:
        raise SecurityError("两次输入的密码不一致", "The two passwords differ")
    return first


def _user(session: Session, username: str) -> UserAccount:
    user = get_user_by_username(session, username)
    if user is None:
        raise NotFound("user", username)
    return user


def _user_row(user: UserAccount) -> dict[str, Any]:
    # No password hash, ever; display names are the administrator's own data.
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "unit_id": user.unit_id,
        "roles": sorted(role_names(user)),
        "clearance": user.clearance,
        "active": user.is_active,
        "password_set": user.password_hash is not None,
        "locked_until": user.locked_until,
        "created_at": user.created_at,
    }


def _unit_row(unit: OrgUnit) -> dict[str, Any]:
    return {
        "id": unit.id,
        "name": unit.name,
        "kind": unit.kind,
        "level": unit.level,
        "region_code": unit.region_code,
        "parent_id": unit.parent_id,
        "path": unit.path,
    }


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="用户名 / user name")],
    display_name: Annotated[str, typer.Option("--name", help="显示名称 / display name")],
    unit: Annotated[str, typer.Option("--unit", help="所属单位 id / unit id")],
    roles: RolesOption = None,
    clearance: Annotated[
        str, typer.Option(help=f"密级 / clearance: {', '.join(SENSITIVITIES)}")
    ] = "internal",
    password_stdin: PasswordStdin = False,
    no_password: Annotated[
        bool,
        typer.Option("--no-password", help="暂不设密码（不能登录）/ no password yet (no sign-in)"),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """新建用户 / add a user account."""
    workspace = open_workspace(load_settings())
    password = None if no_password else _read_password(password_stdin)
    actor = cli_actor()
    with session_scope(workspace.engine) as session:
        user = create_user(
            session,
            username=username,
            display_name=display_name,
            unit_id=unit,
            password=password,
            roles=roles or [],
            clearance=clearance,
            granted_by=actor,
        )
        audit.record(
            session,
            actor=actor,
            action="user.create",
            object_kind="user",
            object_id=user.id,
            unit_id=user.unit_id,
            detail={"roles": sorted(role_names(user)), "clearance": user.clearance},
        )
        row = _user_row(user)
    if as_json:
        print_json(row)
        return
    console.print(
        f"[green]✓[/] 用户 user [bold]{escape(row['username'])}[/] ({row['id']}) "
        f"· 单位 unit {escape(row['unit_id'])} · 角色 roles {', '.join(row['roles']) or '—'}"
    )


@users_app.command("list")
def users_list(
    unit: Annotated[str | None, typer.Option("--unit", help="只列此单位 / only this unit")] = None,
    as_json: JsonFlag = False,
) -> None:
    """列出用户 / list user accounts."""
    workspace = open_workspace(load_settings())
    with session_scope(workspace.engine) as session:
        rows = [
            _user_row(u) for u in list_users(session, unit_ids=None if unit is None else [unit])
        ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("还没有用户，使用 `jiandu users add` / no users yet: `jiandu users add`")
        return
    table = Table(title="用户 Users")
    for heading in (
        "用户名 user",
        "名称 name",
        "单位 unit",
        "角色 roles",
        "密级 clearance",
        "状态 state",
    ):
        table.add_column(heading)
    for row in rows:
        state = "启用 active" if row["active"] else "停用 disabled"
        if row["locked_until"] is not None:
            state += f" · 锁定至 locked until {row['locked_until']:%Y-%m-%d %H:%M}"
        table.add_row(
            escape(row["username"]),
            escape(row["display_name"]),
            escape(row["unit_id"]),
            ", ".join(row["roles"]),
            row["clearance"],
            state,
        )
    console.print(table)


@users_app.command("roles")
def users_roles(
    username: Annotated[str, typer.Argument(help="用户名 / user name")],
    roles: RolesOption = None,
    as_json: JsonFlag = False,
) -> None:
    """设置用户的角色（替换原有角色）/ set a user's roles (replacing the current ones)."""
    workspace = open_workspace(load_settings())
    actor = cli_actor()
    with session_scope(workspace.engine) as session:
        user = _user(session, username)
        before = sorted(role_names(user))
        set_roles(session, user.id, roles or [], granted_by=actor)
        after = sorted(role_names(user))
        audit.record(
            session,
            actor=actor,
            action="user.roles",
            object_kind="user",
            object_id=user.id,
            unit_id=user.unit_id,
            detail={"before": before, "after": after},
        )
        row = _user_row(user)
    if as_json:
        print_json(row)
        return
    console.print(
        f"[green]✓[/] {escape(row['username'])} 角色 roles: {', '.join(row['roles']) or '—'}"
    )


@users_app.command("passwd")
def users_passwd(
    username: Annotated[str, typer.Argument(help="用户名 / user name")],
    password_stdin: PasswordStdin = False,
) -> None:
    """设置新密码（并解除锁定、结束会话）/ set a new password (unlocks, ends sessions)."""
    workspace = open_workspace(load_settings())
    password = _read_password(password_stdin)
    actor = cli_actor()
    with session_scope(workspace.engine) as session:
        user = _user(session, username)
        set_password(session, user.id, password)
        audit.record(
            session,
            actor=actor,
            action="user.password",
            object_kind="user",
            object_id=user.id,
            unit_id=user.unit_id,
        )
        name = user.username
    console.print(f"[green]✓[/] {escape(name)} 密码已更新 password changed")


@users_app.command("disable")
def users_disable(username: Annotated[str, typer.Argument(help="用户名 / user name")]) -> None:
    """停用用户并结束其会话 / disable a user and end their sessions."""
    workspace = open_workspace(load_settings())
    actor = cli_actor()
    with session_scope(workspace.engine) as session:
        user = _user(session, username)
        disable_user(session, user.id)
        audit.record(
            session,
            actor=actor,
            action="user.disable",
            object_kind="user",
            object_id=user.id,
            unit_id=user.unit_id,
        )
        name = user.username
    console.print(f"[green]✓[/] {escape(name)} 已停用 disabled")


@units_app.command("add")
def units_add(
    unit_id: Annotated[str, typer.Argument(help="单位 id")],
    name: Annotated[str, typer.Option("--name", help="单位名称 / unit name")],
    kind: Annotated[
        str, typer.Option("--kind", help=f"类型 / kind: {', '.join(UNIT_KINDS)}")
    ] = "procuratorate",
    level: Annotated[
        str | None, typer.Option("--level", help=f"检察院级别 / level: {', '.join(UNIT_LEVELS)}")
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="行政区划代码 / GB/T 2260 region code")
    ] = None,
    parent: Annotated[
        str | None, typer.Option("--parent", help="上级单位 id（根单位不填）/ parent unit id")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """新建组织单位 / add an org unit."""
    workspace = open_workspace(load_settings())
    actor = cli_actor()
    with session_scope(workspace.engine) as session:
        unit = create_unit(
            session,
            id=unit_id,
            name=name,
            kind=kind,
            level=level,
            region_code=region,
            parent_id=parent,
        )
        audit.record(
            session,
            actor=actor,
            action="unit.create",
            object_kind="unit",
            object_id=unit.id,
            unit_id=unit.id,
            detail={"kind": unit.kind, "level": unit.level, "parent_id": unit.parent_id},
        )
        row = _unit_row(unit)
    if as_json:
        print_json(row)
        return
    console.print(f"[green]✓[/] 单位 unit [bold]{escape(row['id'])}[/] {escape(row['path'])}")


@units_app.command("list")
def units_list(as_json: JsonFlag = False) -> None:
    """列出组织单位（树形顺序）/ list org units in tree order."""
    workspace = open_workspace(load_settings())
    with session_scope(workspace.engine) as session:
        rows = [_unit_row(u) for u in list_units(session)]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("还没有单位，使用 `jiandu units add` / no units yet: `jiandu units add`")
        return
    table = Table(title="组织单位 Org units")
    for heading in ("单位 unit", "名称 name", "类型 kind", "级别 level", "区划 region"):
        table.add_column(heading)
    for row in rows:
        depth = row["path"].count("/") - 2
        table.add_row(
            "  " * depth + escape(row["id"]),
            escape(row["name"]),
            row["kind"],
            row["level"] or "",
            row["region_code"] or "",
        )
    console.print(table)
