"""Holiday tables an upper office publishes to its lower offices (``shared_setting``).

The holiday tables live in the ``setting`` table under ``holidays:YYYY`` (what
``session.load_calendar`` reads), which has no revision stamps.  So that they can
travel like records — versioned, idempotent, never rolled back by an old package —
each published value is kept as a stamped *shared setting* row, stored as canonical
JSON in ``setting`` under ``exchange.shared:<OWNER>:<key>`` (no schema change needed;
a dedicated table would do the same).

* ``publish_own(s)`` — before an export to a lower office: a new stamped version of
  every ``holidays:YYYY`` whose value differs from what we last published.
* ``get``/``put`` — the rows; ``put(..., project=True)`` also writes the value into
  ``holidays:YYYY`` so that the calendar uses it (done for rows from another office).
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterator

from desktop_app.domain.calendar import YearTable
from desktop_app.errors import UserFacingError
from desktop_app.services.session import Session
from desktop_app.store import audit, revision

from . import vectors
from .jsonsafe import canonical_json, loads_strict
from .scope import SHARED_TABLE

PREFIX = "exchange.shared:"
SHARED_KEYS = "holidays:%"


def rows(conn: sqlite3.Connection, owner: str | None = None) -> Iterator[dict[str, Any]]:
    pattern = PREFIX + (f"{owner}:%" if owner else "%")
    for (text,) in conn.execute("SELECT value FROM setting WHERE key LIKE ? ORDER BY key",
                                (pattern,)):
        yield json.loads(text)


def get(conn: sqlite3.Connection, row_id: str) -> dict[str, Any] | None:
    found = conn.execute("SELECT value FROM setting WHERE key = ?",
                         (PREFIX + row_id,)).fetchone()
    return json.loads(found[0]) if found else None


def put(conn: sqlite3.Connection, wire: dict[str, Any], *, project: bool) -> None:
    conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
                 (PREFIX + wire["id"], canonical_json(wire).decode("utf-8")))
    if project:
        conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
                     (wire["key"], wire["value"]))


def value_problem(wire: dict[str, Any]) -> str | None:
    """A holiday table must parse, and be the year its key names."""
    try:
        table = YearTable.from_json(loads_strict(wire["value"].encode("utf-8"), max_depth=4))
    except UserFacingError as exc:
        return f"节假日安排表无效：{exc}"
    except (ValueError, TypeError, KeyError, AttributeError, IndexError):
        return "节假日安排表无效：内容格式不正确"
    if f"holidays:{table.year}" != wire["key"]:
        return "节假日安排表的年度与键不符"
    return None


def publish_own(s: Session) -> int:
    """Stamp a new version of each changed holiday table of ours; returns how many.
    Runs inside the caller's transaction."""
    conn, me, count = s.conn, s.office_code, 0
    for key, value in conn.execute("SELECT key, value FROM setting WHERE key LIKE ?"
                                   " ORDER BY key", (SHARED_KEYS,)).fetchall():
        old = get(conn, f"{me}:{key}")
        if old is not None and old["value"] == value:
            continue
        now = s.now()
        stamp = revision.next_stamp(conn, s.instance, int(now.timestamp() * 1000))
        wire = {"id": f"{me}:{key}", "key": key, "value": value, "owner_office": me,
                "updated_at": now.isoformat(timespec="seconds"), "_origin": stamp.instance,
                "_counter": stamp.counter, "_hlc": stamp.hlc,
                "_vv": vectors.merge(old["_vv"] if old else {}, {stamp.instance: stamp.counter})}
        put(conn, wire, project=False)
        audit.append(conn, ts=wire["updated_at"], actor=s.user, action="发布共享设置",
                     family=SHARED_TABLE, record_id=wire["id"], detail={"key": key})
        count += 1
    return count
