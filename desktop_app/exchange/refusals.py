"""Every refused package in the audit log (exchange.md §3.6; issue 9, item 8).

``record_refusal(s, source, sha256, claimed_sender, error)`` appends one
"拒绝数据包" entry — who, which file, its SHA-256, the sender its (possibly
unverified) header claimed, the reason code and the message — in a transaction of
its own, after the refused import has left the database as it was.  It never
raises: a refusal must reach the user even if the log cannot be written.
"""
from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from desktop_app.errors import UserFacingError
from desktop_app.services.session import Session
from desktop_app.store import audit
from desktop_app.store.db import transaction

from .values import shown

log = logging.getLogger(__name__)
ACTION = "拒绝数据包"


def reason_of(error: BaseException) -> str:
    reason = getattr(error, "reason", None)
    if isinstance(reason, str):
        return reason
    return "rows_rejected" if hasattr(error, "summary") else type(error).__name__


def record_refusal(s: Session, source: Path | str, sha256: str | None,
                   claimed_sender: object, error: UserFacingError) -> None:
    detail = {"file": shown(str(source), 260), "sha256": sha256,
              "claimed_sender": shown(claimed_sender, 64) if claimed_sender else None,
              "reason": reason_of(error), "message": shown(str(error), 500)}
    try:
        if s.conn.in_transaction:
            s.conn.rollback()
        with transaction(s.conn):
            audit.append(s.conn, ts=s.now().isoformat(timespec="seconds"), actor=s.user,
                         action=ACTION, detail=detail)
    except sqlite3.Error:
        log.error("could not record the refused package %s in the audit log", source,
                  exc_info=True)
