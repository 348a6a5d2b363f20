"""Writing merged rows into the database during an import (exchange.md §3.4-10).

A remote row is stored as it came — its ``_origin``/``_counter``/``_hlc`` are kept, only
``_vv`` may be the merged maximum — never re-stamped, so that both offices hold the
same bytes.  Like a local write it gets its search, link and deadline rows
(``store.index.reindex``) and an audit entry, in the caller's transaction.  A record
new to this database is written in batches (``apply_new.NewRows``, the same rows);
``flush`` writes the batch, and every other write here flushes first.
"""
from __future__ import annotations

import sqlite3
from typing import Any

from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.derive import due_items
from desktop_app.domain.registry import FAMILIES
from desktop_app.store import audit
from desktop_app.store.index import reindex
from desktop_app.store.records import decoded_values, observe_ledger_no

from . import shared
from .apply_new import Names, NewRows
from .rows import columns, to_db
from .scope import CONFLICT_TABLE, SHARED_TABLE

RESULT_LABELS = {"new": "新增", "forward": "更新", "merge": "合并", "conflict": "冲突"}
NEW_BATCH = 2000       # new records per batch (0: one at a time, as before issue 14)


class Writer:
    """Upserts with SQL prepared once per table; audit entries name the package."""

    def __init__(self, conn: sqlite3.Connection, *, me: str, user: str, ts: str,
                 package_id: str, sender: str, calendar: WorkCalendar):
        self.conn, self.me, self.user, self.ts = conn, me, user, ts
        self.package_id, self.sender, self.calendar = package_id, sender, calendar
        self.calendar_changed = False
        self._sql: dict[tuple[str, bool], str] = {}
        self.names = Names(conn)
        self.new_rows = NewRows(conn, self.names, NEW_BATCH) if NEW_BATCH > 0 else None

    def flush(self) -> None:
        """Write the pending new records (before anything else reads or writes)."""
        if self.new_rows is not None:
            self.new_rows.flush()

    def _statement(self, table: str, exists: bool) -> str:
        key = (table, exists)
        if key not in self._sql:
            cols = columns(table)
            if exists:
                sets = ",".join(f"{c} = ?" for c in cols if c != "id")
                self._sql[key] = f"UPDATE {table} SET {sets} WHERE id = ?"
            else:
                marks = ",".join("?" * len(cols))
                self._sql[key] = f"INSERT INTO {table} ({','.join(cols)}) VALUES ({marks})"
        return self._sql[key]

    def _upsert(self, table: str, row: dict[str, Any], exists: bool) -> None:
        cols = columns(table)
        if exists:
            params = [row[c] for c in cols if c != "id"] + [row["id"]]
        else:
            params = [row[c] for c in cols]
        self.conn.execute(self._statement(table, exists), params)

    def store(self, table: str, wire: dict[str, Any], exists: bool, action: str,
              conflict_id: str | None = None) -> None:
        """Store one merged row (``wire``: the decision's row)."""
        if table == SHARED_TABLE:
            self.flush()
            shared.put(self.conn, wire, project=True)
            self.calendar_changed = True
            return
        row = to_db(table, wire)
        if table == CONFLICT_TABLE:
            self.flush()
            self._upsert(table, row, exists)
            return
        detail = {"package": self.package_id, "from": self.sender,
                  "result": RESULT_LABELS.get(action, action),
                  "version": f"{wire['_origin']}:{wire['_counter']}"}
        if conflict_id:
            detail["conflict"] = conflict_id
        entry = (self.ts, self.user, "导入", table, wire["id"], detail)
        if not exists and self.new_rows is not None:
            self.new_rows.add(table, row, self.calendar, entry)
            return
        self.flush()
        self.names.seen(table, row, pending=False)
        self._upsert(table, row, exists)
        fam = FAMILIES[table]
        reindex(self.conn, fam, row, due_items(fam, decoded_values(fam, row), self.calendar))
        observe_ledger_no(self.conn, row.get("ledger_no"))
        audit.append(self.conn, ts=entry[0], actor=entry[1], action=entry[2], family=table,
                     record_id=wire["id"], detail=detail)

    def add_conflict(self, conflict: dict[str, Any]) -> bool:
        """Insert a conflict row unless that very conflict is already recorded."""
        self.flush()
        row = to_db(CONFLICT_TABLE, conflict)
        cols = columns(CONFLICT_TABLE)
        cur = self.conn.execute(
            f"INSERT OR IGNORE INTO sync_conflict ({','.join(cols)})"
            f" VALUES ({','.join('?' * len(cols))})", [row[c] for c in cols])
        return cur.rowcount > 0


def refresh_deadlines(conn: sqlite3.Connection, calendar: WorkCalendar) -> int:
    """After a new holiday table: recompute the deadlines of every record whose due
    dates move (its index rows are rebuilt the same way a local write would)."""
    changed = 0
    for fam in FAMILIES.values():
        # Only a deadline counted by a rule follows the calendar; a typed or stored
        # due date does not (a stored one is recomputed by its owner's write).
        if not any(spec.rule is not None for spec in fam.deadlines):
            continue
        stored: dict[str, set] = {}
        for rid, kind, due_date in conn.execute(
                "SELECT id, kind, due_date FROM deadline WHERE family = ?", (fam.name,)):
            stored.setdefault(rid, set()).add((kind, due_date))
        for row in conn.execute(f"SELECT * FROM {fam.name}").fetchall():
            row = dict(row)
            due = due_items(fam, decoded_values(fam, row), calendar)
            if stored.get(row["id"], set()) != {(d.kind, d.due.isoformat()) for d in due}:
                reindex(conn, fam, row, due)
                changed += 1
    return changed
