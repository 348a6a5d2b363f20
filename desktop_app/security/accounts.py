"""Local accounts: create, list, passwords, unlock, disable, roles, 回避 relations.

Every change is one transaction with its audit entry, made by a session whose
role may manage accounts (``Permission.MANAGE_ACCOUNTS``). The password hash
never leaves this module and ``auth``.
"""
from __future__ import annotations

import sqlite3
import unicodedata
from dataclasses import dataclass

from desktop_app.errors import UserFacingError, ValidationError
from desktop_app.security import authz, passwords
from desktop_app.security.roles import Permission, Role, parse_role, roles_for_mode
from desktop_app.store import audit
from desktop_app.store.db import transaction

NAME_MAX = 32
RESERVED = {Role.SYSTEM.value, "演示数据"}
RELATION_MAX = 20


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    active: bool
    failures: int
    locked_until: str | None
    person_id: str | None
    created_at: str
    created_by: str
    password_changed_at: str
    last_login: str | None


def check_name(name: str) -> str:
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise ValidationError("name", "请填写账户名。")
    if len(name) > NAME_MAX:
        raise ValidationError("name", f"账户名最多 {NAME_MAX} 个字。")
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in name):
        raise ValidationError("name", "账户名中不能有空格或控制字符。")
    if name in RESERVED:
        raise ValidationError("name", f"“{name}”是程序保留的名字，请换一个。")
    return name


def _row(conn: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM account WHERE name = ?", (name,)).fetchone()


def _from_row(row: sqlite3.Row) -> Account:
    return Account(row["name"], row["role"], bool(row["active"]), row["failures"],
                   row["locked_until"], row["person_id"], row["created_at"], row["created_by"],
                   row["password_changed_at"], row["last_login"])


def count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM account").fetchone()[0]


def insert(conn: sqlite3.Connection, *, name: str, role: Role, password: str, actor: str,
           ts: str, person_id: str | None = None, action: str = "新建账户") -> None:
    """Add an account inside the caller's transaction, with its audit entry."""
    name = check_name(name)
    passwords.check_policy(password, name)
    if _row(conn, name) is not None:
        raise ValidationError("name", f"账户“{name}”已存在。")
    conn.execute("INSERT INTO account (name, role, password, person_id, created_at, created_by,"
                 " password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (name, role.value, passwords.hash_password(password), person_id, ts, actor, ts))
    audit.append(conn, ts=ts, actor=actor, action=action, detail={"account": name, "role": role.value})


def _ts(s) -> str:
    return s.now().isoformat(timespec="seconds")


def _existing(s, name: str) -> sqlite3.Row:
    row = _row(s.conn, unicodedata.normalize("NFC", (name or "").strip()))
    if row is None:
        raise UserFacingError(f"没有账户“{name}”。")
    return row


def add_user(s, name: str, role: str, password: str, *, person_id: str | None = None) -> Account:
    authz.require(s, Permission.MANAGE_ACCOUNTS, "新建账户")
    r = parse_role(role)
    mode = authz.three_admins(s.conn)
    if r not in roles_for_mode(mode):
        allowed = "、".join(x.value for x in roles_for_mode(mode))
        raise ValidationError("role", f"本机关{'已' if mode else '未'}实行三员分立，可用的角色是：{allowed}。")
    with transaction(s.conn):
        insert(s.conn, name=name, role=r, password=password, actor=s.user, ts=_ts(s),
               person_id=person_id)
    return get(s, name)


def get(s, name: str) -> Account:
    return _from_row(_existing(s, name))


def list_accounts(s) -> list[Account]:
    authz.require(s, Permission.MANAGE_ACCOUNTS, "查看账户")
    return [_from_row(r) for r in s.conn.execute("SELECT * FROM account ORDER BY created_at, name")]


def change_own_password(s, old: str, new: str) -> None:
    """Any logged-in user changes their own password, knowing the old one."""
    row = _existing(s, s.user)
    if not passwords.verify_password(old or "", row["password"]):
        raise ValidationError("old_password", "原口令不正确。")
    passwords.check_policy(new, s.user)
    if passwords.verify_password(new, row["password"]):
        raise ValidationError("password", "新口令不能与原口令相同。")
    _set_password(s, s.user, new, "修改口令")


def reset_password(s, name: str, new: str) -> None:
    """An account manager sets a new password (forgotten password); also unlocks."""
    authz.require(s, Permission.MANAGE_ACCOUNTS, "重置口令")
    row = _existing(s, name)
    passwords.check_policy(new, row["name"])
    _set_password(s, row["name"], new, "重置口令")


def _set_password(s, name: str, new: str, action: str) -> None:
    ts = _ts(s)
    with transaction(s.conn):
        s.conn.execute("UPDATE account SET password = ?, password_changed_at = ?, failures = 0,"
                       " locked_until = NULL WHERE name = ?", (passwords.hash_password(new), ts, name))
        audit.append(s.conn, ts=ts, actor=s.user, action=action, detail={"account": name})


def unlock(s, name: str) -> None:
    authz.require(s, Permission.MANAGE_ACCOUNTS, "解除账户锁定")
    row = _existing(s, name)
    ts = _ts(s)
    with transaction(s.conn):
        s.conn.execute("UPDATE account SET failures = 0, locked_until = NULL WHERE name = ?",
                       (row["name"],))
        audit.append(s.conn, ts=ts, actor=s.user, action="解除锁定", detail={"account": row["name"]})


def _managers_left(s, without: str, role_after: str | None = None) -> int:
    """Active accounts able to manage accounts, if ``without`` changed as planned."""
    mode = authz.three_admins(s.conn)
    manager = Role.SECURITY_ADMIN if mode else Role.ADMIN
    n = 0
    for r in s.conn.execute("SELECT name, role FROM account WHERE active = 1"):
        role = role_after if r["name"] == without else r["role"]
        if r["name"] == without and role_after is None:
            continue
        n += role == manager
    return n


def set_active(s, name: str, active: bool) -> None:
    authz.require(s, Permission.MANAGE_ACCOUNTS, "停用或启用账户")
    row = _existing(s, name)
    if not active and row["name"] == s.user:
        raise UserFacingError("不能停用自己正在使用的账户。")
    if not active and _managers_left(s, row["name"]) == 0:
        raise UserFacingError("这是最后一个能管理账户的账户，停用后将无人能管理账户，未做改动。")
    with transaction(s.conn):
        s.conn.execute("UPDATE account SET active = ? WHERE name = ?", (int(active), row["name"]))
        audit.append(s.conn, ts=_ts(s), actor=s.user, action="启用账户" if active else "停用账户",
                     detail={"account": row["name"]})


def set_role(s, name: str, role: str) -> None:
    authz.require(s, Permission.MANAGE_ACCOUNTS, "修改账户角色")
    row, r = _existing(s, name), parse_role(role)
    if r not in roles_for_mode(authz.three_admins(s.conn)):
        raise ValidationError("role", f"当前模式下不能使用“{r.value}”角色。")
    if _managers_left(s, row["name"], r.value) == 0:
        raise UserFacingError("改完后将没有能管理账户的账户，未做改动。")
    with transaction(s.conn):
        s.conn.execute("UPDATE account SET role = ? WHERE name = ?", (r.value, row["name"]))
        audit.append(s.conn, ts=_ts(s), actor=s.user, action="修改角色",
                     detail={"account": row["name"], "changes": {"role": [row["role"], r.value]}})


def set_three_admins(s, on: bool) -> None:
    """Switch 三员分立 on (needs all three administrators first) or off."""
    authz.require(s, Permission.MANAGE_SECURITY, "切换三员分立")
    roles = {r[0] for r in s.conn.execute("SELECT DISTINCT role FROM account WHERE active = 1")}
    needed = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR} if on else {Role.ADMIN}
    missing = [r.value for r in needed if r.value not in roles]
    if missing:
        what = "实行三员分立前请先建立" if on else "取消三员分立前请先建立一个"
        raise UserFacingError(f"{what}以下角色的账户：{'、'.join(missing)}。未做改动。")
    from desktop_app.security.roles import THREE_ADMINS_SETTING
    old = "1" if authz.three_admins(s.conn) else "0"
    with transaction(s.conn):
        s.conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
                       (THREE_ADMINS_SETTING, "1" if on else "0"))
        audit.append(s.conn, ts=_ts(s), actor=s.user, action="修改设置",
                     detail={"key": THREE_ADMINS_SETTING, "changes": [old, "1" if on else "0"]})


def create_first_admin(data_dir, name: str, password: str, *, clock=None) -> None:
    """The first start of a folder with no account (the GUI's first-start dialog,
    ``taizhang user add`` on such a folder): only a 管理员, only once."""
    from desktop_app.services.session import open_session
    s = open_session(data_dir, clock=clock)
    try:
        with transaction(s.conn):
            if count(s.conn):
                raise UserFacingError("本数据目录已有账户，不能再创建首个管理员；请由管理员登录后添加账户。")
            insert(s.conn, name=name, role=Role.ADMIN, password=password, actor="首次启动",
                   ts=_ts(s), action="创建首个管理员")
    finally:
        s.close()
