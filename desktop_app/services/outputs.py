"""Recording what leaves the program: every print, PDF and Excel export is an
entry in the audit chain (ARCHITECTURE.md §3, confidentiality). One
transaction each; the GUI calls these after the file was written."""
from __future__ import annotations

from desktop_app.services.session import Session
from desktop_app.store import audit
from desktop_app.store.db import transaction

ACTIONS = ("导出", "打印")


def record_output(s: Session, action: str, what: str, *, family: str | None = None,
                  record_id: str | None = None, detail: dict | None = None) -> int:
    """Append an audit entry such as (导出, "谈话台账 Excel", {rows: 120, file: "…"})."""
    if action not in ACTIONS:
        raise ValueError(f"unknown output action {action!r}")
    with transaction(s.conn):
        return audit.append(s.conn, ts=s.now().isoformat(timespec="seconds"), actor=s.user,
                            action=action, family=family, record_id=record_id,
                            detail={"what": what} | (detail or {}))
