"""The one check every service makes: may this session's role do that?

``require(s, Permission.WRITE_RECORD)`` raises a ``PermissionDenied`` (a
``UserFacingError``: one Chinese line) when the role may not. Services call it
first, so the core refuses whatever the GUI shows or hides.

Behind it, ``install_guard`` puts an SQLite authorizer on the connection of an
authenticated session, as a second line: a role without the right to read
records cannot read a record table even through a read service that forgot to
call ``require`` (or one another package adds later), a role that may not write
cannot write one, and nobody's session can UPDATE or DELETE an audit entry.
The authorizer runs when a statement is prepared, not per row, so it costs
nothing measurable.
"""
from __future__ import annotations

import logging
import sqlite3
from contextlib import contextmanager

from desktop_app.domain.registry import FAMILIES
from desktop_app.errors import UserFacingError
from desktop_app.security.roles import (APPROVALS, THREE_ADMINS_SETTING, Permission, Role,
                                        permissions_of)

log = logging.getLogger(__name__)


class PermissionDenied(UserFacingError):
    """The role of the acting user does not allow this."""


def three_admins(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT value FROM setting WHERE key = ?", (THREE_ADMINS_SETTING,)).fetchone()
    return bool(row) and row[0] == "1"


def allowed(s, permission: Permission) -> bool:
    role = getattr(s, "role", Role.SYSTEM)
    if role == Role.SYSTEM:
        return True
    return permission in permissions_of(role, three_admins(s.conn))


def require(s, permission: Permission, what: str | None = None) -> None:
    """Refuse (one Chinese line) unless the session's role has ``permission``."""
    if allowed(s, permission):
        return
    doing = what or permission.value
    raise PermissionDenied(f"用户“{s.user}”（{s.role}）无权{doing}。")


def require_status_change(s, workflow: str, target: str) -> None:
    """Approving, closing out and issuing are a 审核人's decisions."""
    permission = APPROVALS.get((workflow, target))
    require(s, Permission.WRITE_RECORD)
    if permission is not None:
        require(s, permission, f"把状态改为“{target}”（需要{permission.value}权限）")


# -- the SQLite guard -------------------------------------------------------------------

RECORD_TABLE_PREFIXES = ("record_",)          # record_index, record_fts*, record_link
RECORD_SIDE_TABLES = frozenset({"deadline", "sync_conflict"})


def is_record_table(name: str | None) -> bool:
    if not name:
        return False
    return (name in FAMILIES or name in RECORD_SIDE_TABLES
            or name.startswith(RECORD_TABLE_PREFIXES))


def _authorizer(can_read: bool, can_write: bool):
    read, writes = sqlite3.SQLITE_READ, (sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE,
                                         sqlite3.SQLITE_DELETE)
    changes_audit = (sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE)

    def check(action, arg1, arg2, db_name, trigger):
        if action in changes_audit and arg1 == "audit_log":
            return sqlite3.SQLITE_DENY               # the log is append-only for everyone
        if action == read and not can_read and is_record_table(arg1):
            return sqlite3.SQLITE_DENY
        if action in writes and not can_write and is_record_table(arg1):
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK
    return check


def install_guard(s) -> None:
    """Put the authorizer on the session's connection (authenticated sessions only)."""
    if s.role == Role.SYSTEM:
        return
    can_read, can_write = allowed(s, Permission.READ_RECORD), allowed(s, Permission.WRITE_RECORD)
    s.conn.set_authorizer(_authorizer(can_read, can_write))
    log.debug("guard installed for %s (%s): read=%s write=%s", s.user, s.role, can_read, can_write)


@contextmanager
def unguarded(s):
    """Lift the guard for one trusted core query (e.g. naming a person for a 回避
    relation, which an account manager who may not read records still needs)."""
    s.conn.set_authorizer(None)
    try:
        yield s.conn
    finally:
        install_guard(s)


def setting_permission(key: str) -> Permission:
    return Permission.MANAGE_SECURITY if key.startswith("security.") else Permission.MANAGE_SETTINGS
