"""Logging in: the only way the CLI and the GUI get a session.

``login(data_dir, name, password)`` checks the password, counts failures
(five in a row lock the account for the office's lockout period; the count and
the lock are stored in the database, so restarting the program does not reset
them), writes 登录 / 登录失败 / 账户锁定 to the audit log and returns a
``Session`` carrying the account's role, with the SQLite guard of ``authz``
installed. ``authenticate`` does the same and returns an ``Identity`` that opens
further sessions for the GUI's worker threads without asking again.

The screen lock of an idle window uses ``lock_screen`` / ``unlock_screen``:
the same password check, the same failure count.
"""
from __future__ import annotations

import logging
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from desktop_app.errors import UserFacingError, reason
from desktop_app.security import authz, passwords, policy
from desktop_app.security.roles import Role
from desktop_app.services.session import Session, open_session
from desktop_app.store import audit
from desktop_app.store.db import transaction

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class LoginFailed(UserFacingError):
    """Wrong name or password, locked or disabled account."""


@dataclass(frozen=True)
class Identity:
    """Who logged in. Opens sessions with the account's current role; a disabled
    account or a changed role takes effect at the next session."""
    data_dir: Path
    name: str
    role: str
    clock: Clock | None = None

    def open_session(self, clock: Clock | None = None) -> Session:
        s = _open(self.data_dir, clock or self.clock)
        try:
            row = _account(s.conn, self.name)
            if row is None or not row["active"]:
                raise LoginFailed(f"账户“{self.name}”已停用或已删除，请重新登录。")
            return _become(s, row)
        except BaseException:
            s.close()
            raise


def _open(data_dir: Path | str, clock: Clock | None) -> Session:
    """open_session, with a damaged file reported as one line rather than a traceback
    (store.db converts most of these; the first pragma on a malformed file escapes it)."""
    try:
        return open_session(data_dir, clock=clock)
    except sqlite3.DatabaseError as exc:
        raise UserFacingError(f"数据库文件已损坏，无法打开（{reason(exc)}）。请运行 taizhang check，"
                              "按提示从最新的完好备份恢复。") from exc


def _account(conn: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    try:
        return conn.execute("SELECT * FROM account WHERE name = ?", (name,)).fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            raise UserFacingError("这个数据库由早期开发版本建立，没有账户表；请用新版本重新初始化"
                                  "（演示数据目录可直接删除后重新生成）。") from None
        raise


def _become(s: Session, row: sqlite3.Row) -> Session:
    if row["role"] == Role.ADMIN and authz.three_admins(s.conn):
        raise LoginFailed("本机关已实行三员分立，“管理员”账户不能再登录；"
                          "请用系统管理员、安全保密管理员或审计员账户。")
    s.user, s.role = row["name"], row["role"]
    authz.install_guard(s)
    return s


def _note(s: Session, action: str, name: str, detail: dict | None = None) -> None:
    with transaction(s.conn):
        audit.append(s.conn, ts=s.now().isoformat(timespec="seconds"), actor=name,
                     action=action, detail=detail or {})


def _refuse_if_locked(s: Session, row: sqlite3.Row, now: datetime, purpose: str) -> None:
    until = row["locked_until"]
    if not until:
        return
    if now < datetime.fromisoformat(until):
        _note(s, "登录被拒", row["name"], {"reason": "账户锁定中", "purpose": purpose,
                                          "locked_until": until})
        raise LoginFailed(f"账户“{row['name']}”因连续输错口令已被锁定，"
                          f"请于 {until[:16].replace('T', ' ')} 后再试，或请管理员解锁。")
    with transaction(s.conn):       # the lock has run out: start counting afresh
        s.conn.execute("UPDATE account SET failures = 0, locked_until = NULL WHERE name = ?",
                       (row["name"],))


def _failed(s: Session, row: sqlite3.Row, now: datetime, purpose: str) -> LoginFailed:
    limit = policy.get_int(s.conn, policy.MAX_FAILURES)
    minutes = policy.get_int(s.conn, policy.LOCKOUT_MINUTES)
    ts = now.isoformat(timespec="seconds")
    failures = row["failures"] + 1
    with transaction(s.conn):
        audit.append(s.conn, ts=ts, actor=row["name"], action="登录失败",
                     detail={"reason": "口令错误", "purpose": purpose, "failures": failures})
        if failures >= limit:
            until = (now + timedelta(minutes=minutes)).isoformat(timespec="seconds")
            s.conn.execute("UPDATE account SET failures = ?, locked_until = ? WHERE name = ?",
                           (failures, until, row["name"]))
            audit.append(s.conn, ts=ts, actor=row["name"], action="账户锁定",
                         detail={"failures": failures, "minutes": minutes, "locked_until": until})
        else:
            s.conn.execute("UPDATE account SET failures = ? WHERE name = ?", (failures, row["name"]))
    if failures >= limit:
        return LoginFailed(f"口令不正确。已连续输错 {failures} 次，账户锁定 {minutes} 分钟。")
    return LoginFailed(f"用户名或口令不正确（再输错 {limit - failures} 次账户将被锁定）。")


def check_password(s: Session, name: str, password: str, purpose: str = "登录") -> sqlite3.Row:
    """The account row if ``password`` is right; otherwise the failure is counted,
    audited, and ``LoginFailed`` raised. ``s`` is a system session."""
    name = unicodedata.normalize("NFC", (name or "").strip())[:64]     # a typed name, bounded
    row = _account(s.conn, name)
    now = s.now()
    if row is None:
        passwords.burn_time(password or "")
        _note(s, "登录失败", name or "（空）", {"reason": "无此账户", "purpose": purpose})
        raise LoginFailed("用户名或口令不正确。")
    _refuse_if_locked(s, row, now, purpose)
    if not passwords.verify_password(password or "", row["password"]):
        raise _failed(s, _account(s.conn, name), now, purpose)
    if not row["active"]:
        _note(s, "登录被拒", name, {"reason": "账户已停用", "purpose": purpose})
        raise LoginFailed(f"账户“{name}”已停用，请与管理员联系。")
    return row


def _succeeded(s: Session, row: sqlite3.Row, password: str, action: str) -> None:
    ts = s.now().isoformat(timespec="seconds")
    with transaction(s.conn):
        s.conn.execute("UPDATE account SET failures = 0, locked_until = NULL, last_login = ?"
                       " WHERE name = ?", (ts, row["name"]))
        if passwords.needs_rehash(row["password"]):     # the cost was raised since
            s.conn.execute("UPDATE account SET password = ? WHERE name = ?",
                           (passwords.hash_password(password), row["name"]))
        audit.append(s.conn, ts=ts, actor=row["name"], action=action, detail={"role": row["role"]})


def login(data_dir: Path | str, name: str, password: str, *, clock: Clock | None = None) -> Session:
    """A session acting as ``name`` with its role; ``LoginFailed`` otherwise."""
    s = _open(data_dir, clock)
    try:
        row = check_password(s, name, password)
        if row["role"] == Role.ADMIN and authz.three_admins(s.conn):
            _note(s, "登录被拒", row["name"], {"reason": "三员分立后管理员停用"})
        _become(s, row)
        _succeeded(s, row, password, "登录")
        return s
    except BaseException:
        s.close()
        raise


def authenticate(data_dir: Path | str, name: str, password: str, *,
                 clock: Clock | None = None) -> Identity:
    s = login(data_dir, name, password, clock=clock)
    try:
        return Identity(Path(data_dir), s.user, s.role, clock)
    finally:
        s.close()


def logout(s: Session) -> None:
    _note(s, "退出登录", s.user)


def lock_screen(s: Session, minutes_idle: int | None = None) -> None:
    """The window locked itself (or the user locked it)."""
    _note(s, "锁屏", s.user, {"idle_minutes": minutes_idle} if minutes_idle else {"reason": "手动"})


def unlock_screen(identity: Identity, password: str, *, clock: Clock | None = None) -> None:
    """Unlock with the same user's password; failures count towards the lockout."""
    s = _open(identity.data_dir, clock or identity.clock)
    try:
        row = check_password(s, identity.name, password, purpose="解除锁屏")
        _succeeded(s, row, password, "解除锁屏")
    finally:
        s.close()
