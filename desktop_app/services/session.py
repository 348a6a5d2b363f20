"""A working session: one database connection, the acting user, the office,
the calendar and the clock. Every service function takes one.

One session per thread: the GUI gives each worker thread its own.
"""
from __future__ import annotations

import getpass
import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from desktop_app.domain.calendar import WorkCalendar, YearTable
from desktop_app.errors import UserFacingError
from desktop_app.store import revision
from desktop_app.store.db import DB_NAME, open_database
from desktop_app.store.records import WriteContext

log = logging.getLogger(__name__)

# "1" (the default when absent): computed deadlines on a rest day move to the next
# working day (deadlines.REST_DAY_RULE); "0": they stay where the count ends.
REST_DAY_SHIFT_KEY = "deadline.rest_day_shift"


@dataclass
class Session:
    conn: sqlite3.Connection
    data_dir: Path
    user: str
    office_code: str
    office_name: str
    instance: str
    calendar: WorkCalendar
    clock: Callable[[], datetime] = field(default=datetime.now)
    # 系统: the trusted built-in role of open_session (tests, demo, internal jobs);
    # security.auth.login gives a session the role of its account instead.
    role: str = "系统"

    def now(self) -> datetime:
        return self.clock().replace(microsecond=0)

    def today(self) -> date:
        return self.now().date()

    def write_context(self) -> WriteContext:
        return WriteContext(self.office_code, self.user, self.instance, self.now(), self.calendar)

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def close(self) -> None:
        try:
            idle = not self.conn.in_transaction
        except sqlite3.ProgrammingError:        # closed already
            return
        if idle:
            revision.remember_counter(self.conn, self.instance, self.data_dir)
        self.conn.close()


def database_path(data_dir: Path) -> Path:
    return Path(data_dir) / DB_NAME


def load_calendar(conn: sqlite3.Connection) -> WorkCalendar:
    """The shipped tables, overridden by tables the office entered or received."""
    import json
    cal = WorkCalendar.load_default()
    shift = conn.execute("SELECT value FROM setting WHERE key = ?", (REST_DAY_SHIFT_KEY,)).fetchone()
    if shift is not None and shift[0] == "0":
        cal = cal.with_rest_day_shift(False)
    for (text,) in conn.execute("SELECT value FROM setting WHERE key LIKE 'holidays:%' ORDER BY key"):
        try:
            cal = cal.with_table(YearTable.from_json(json.loads(text)))
        except (ValueError, UserFacingError) as exc:
            log.warning("ignoring a stored holiday table: %s", exc)
    return cal


def open_session(data_dir: Path | str, *, user: str | None = None,
                 clock: Callable[[], datetime] | None = None, require_office: bool = True) -> Session:
    data_dir = Path(data_dir)
    path = database_path(data_dir)
    if require_office and not path.exists():
        raise UserFacingError(f"数据目录 {data_dir} 中还没有台账数据库。请先运行 taizhang init。")
    conn = open_database(path)
    try:
        fingerprint = revision.machine_fingerprint(path)
        instance = revision.ensure_node(conn, fingerprint)
        instance = revision.check_rolled_back(conn, instance, data_dir, fingerprint)
        office = conn.execute("SELECT code, name FROM office WHERE is_self = 1").fetchone()
        if office is None and require_office:
            raise UserFacingError("数据库尚未初始化本机关信息。请先运行 taizhang init。")
        code, name = (office["code"], office["name"]) if office else ("", "")
        return Session(conn, data_dir, user or default_user(), code, name, instance,
                       load_calendar(conn), clock or datetime.now)
    except BaseException:
        conn.close()
        raise


def default_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "未知用户"
