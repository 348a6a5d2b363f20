"""Records new to this database, written in batches during an import (issue 14 item 6).

The first import of a county's package into the city is almost all new records, and
writing them one at a time (row, search and gram index, links, deadlines, audit entry:
a dozen statements each) was nine tenths of the import.  ``NewRows`` keeps them in
memory and writes each batch with one ``executemany`` per table — through the store's
own functions (``index.insert_many``, ``audit.append_many``), so the rows are those
the one-record path writes:

* everything a record's derived rows depend on is worked out when it is added, against
  the database *plus the records added before it* (person and unit names come from
  ``names``, which sees pending rows), exactly what the one-record path sees;
* index rowids and audit entries are allocated in the order the records came;
* the caller (``apply.Writer``) flushes before anything else is written, so every
  statement that follows sees the batch as if it had been written record by record.

A batch lives inside the import's transaction: a failure anywhere rolls it back with
everything else.  ``tests/core/exchange/test_import_bulk.py`` imports the same packages
both ways and compares every table.
"""
from __future__ import annotations

import sqlite3
from itertools import groupby
from typing import Any

from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.derive import due_items
from desktop_app.domain.registry import FAMILIES
from desktop_app.store import audit, index
from desktop_app.store.records import decoded_values, observe_ledger_no

from .rows import columns

_ABSENT = object()             # no such record
_UNREAD = object()
NAME_CACHE_MAX = 200_000        # person/unit names remembered (then forgotten and re-read)


class Names:
    """``index.Names`` over the database and the records of this import not written yet:
    every person/unit row the import stores passes through ``seen``."""

    def __init__(self, conn: sqlite3.Connection):
        self._db = index.db_names(conn)
        self._pending: dict[tuple[str, str], Any] = {}     # until the batch is written
        self._cache: dict[tuple[str, str], Any] = {}       # read from the database

    def seen(self, table: str, row: dict[str, Any], *, pending: bool) -> None:
        column = index._NAME_COLUMN.get(table)
        if column:
            key = (table, row["id"])
            self._cache.pop(key, None)
            if pending:
                self._pending[key] = row[column]

    def written(self) -> None:
        self._pending.clear()

    def _one(self, target: str, rid: str) -> Any:
        key = (target, rid)
        if key in self._pending:
            return self._pending[key]
        name = self._cache.get(key, _UNREAD)
        if name is _UNREAD:
            found = self._db(target, [rid])
            name = found[0] if found else _ABSENT
            if len(self._cache) >= NAME_CACHE_MAX:
                self._cache.clear()
            self._cache[key] = name
        return name

    def __call__(self, target: str, ids: list[str]) -> list[str]:
        if target not in index._NAME_COLUMN:
            return []
        found = (self._one(target, rid) for rid in ids if rid)
        return [name for name in found if name is not _ABSENT]


class NewRows:
    """New records (db rows) waiting to be written; ``flush`` writes them."""

    def __init__(self, conn: sqlite3.Connection, names: Names, batch: int):
        self.conn, self.names, self.batch = conn, names, batch
        self.rows: list[tuple[str, dict[str, Any]]] = []
        self.derived: list[index.Derived] = []
        self.entries: list[tuple] = []
        self._insert: dict[str, str] = {}

    def add(self, table: str, row: dict[str, Any], calendar: WorkCalendar,
            entry: tuple) -> None:
        fam = FAMILIES[table]
        self.names.seen(table, row, pending=True)
        values = decoded_values(fam, row)
        due = due_items(fam, values, calendar)
        self.rows.append((table, row))
        self.derived.append(index.derived(self.names, fam, row, due, values))
        self.entries.append(entry)
        if len(self.rows) >= self.batch:
            self.flush()

    def _statement(self, table: str) -> str:
        if table not in self._insert:
            cols = columns(table)
            self._insert[table] = (f"INSERT INTO {table} ({','.join(cols)})"
                                   f" VALUES ({','.join('?' * len(cols))})")
        return self._insert[table]

    def flush(self) -> None:
        if not self.rows:
            return
        conn = self.conn
        for table, run in groupby(self.rows, key=lambda item: item[0]):
            cols = columns(table)
            conn.executemany(self._statement(table), [[row[c] for c in cols] for _, row in run])
        index.insert_many(conn, self.derived)
        for _, row in self.rows:
            observe_ledger_no(conn, row.get("ledger_no"))
        audit.append_many(conn, self.entries)
        self.names.written()
        self.rows, self.derived, self.entries = [], [], []
