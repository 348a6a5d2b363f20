"""Helpers shared by the security tests (imported by name; conftest puts this folder on sys.path)."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from desktop_app.security import auth
from desktop_app.services.session import open_session

PASSWORD = {"管理员甲": "Admin-pass-1", "录入员乙": "Clerk-pass-1", "审核人丙": "Review-pass-1",
            "审计员丁": "Audit-pass-1"}
ROLE = {"管理员甲": "管理员", "录入员乙": "录入员", "审核人丙": "审核人", "审计员丁": "审计员"}


class Clock:
    """A settable clock shared by every session of a test."""

    def __init__(self, start: datetime = datetime(2026, 11, 27, 9, 0, 0)):
        self.t = start

    def __call__(self) -> datetime:
        return self.t

    def advance(self, **kw) -> None:
        self.t += timedelta(**kw)


def login(data_dir: Path, name: str, clock=None):
    return auth.login(data_dir, name, PASSWORD[name], clock=clock)


def audit_rows(data_dir: Path) -> list[tuple[str, str]]:
    """(actor, action) of every audit entry, in order."""
    s = open_session(data_dir)
    try:
        return [(r[0], r[1]) for r in s.conn.execute("SELECT actor, action FROM audit_log ORDER BY seq")]
    finally:
        s.close()


def make_unit_person(s, name: str = "王建国"):
    from desktop_app.services import records
    unit = records.create(s, "unit", {"name": "城关镇", "category": "乡镇"}).record
    person = records.create(s, "person", {"name": name, "unit_id": unit.id, "position": "党委书记",
                                          "is_top_leader": True}).record
    return unit, person
