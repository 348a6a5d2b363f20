"""What a walk over a package must remember about every row, in bounded memory
(issue 14 item 7: an import of a million records within 300 MB).

``PackageIds`` — each row's id and owner office, table by table: no id twice, a
reference or a conflict may name a row of the package.  ``LedgerNumbers`` — the
台账编号 seen so far (the database's and the package's), to find two records that
carry the same one.  Both keep the first ``MEMORY_ROWS`` entries in dicts (a county's
package of 100,000 records never leaves memory, and costs what a dict costs; the few
distinct owners and users are shared, not copied per row) and the rest in a private
temporary SQLite database (``sqlite3.connect("")``: in memory up
to its page cache, then a temporary file that SQLite deletes when it is closed).
"""
from __future__ import annotations

import sqlite3
from collections import defaultdict

MEMORY_ROWS = 120_000           # entries of each kind held in dicts, the rest on disk
_CACHE_KIB = 4 * 1024           # the scratch database's page cache


class _Scratch:
    """A temporary key → value table of text tuples (``width`` values per key)."""

    def __init__(self, width: int):
        self.conn = sqlite3.connect("", isolation_level=None)
        self.conn.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
        cols = ", ".join(f"v{i} TEXT" for i in range(width))
        self.conn.execute(f"CREATE TABLE t (ns TEXT NOT NULL, k TEXT NOT NULL, {cols},"
                          " PRIMARY KEY (ns, k)) WITHOUT ROWID")
        self._put = f"INSERT OR REPLACE INTO t VALUES (?, ?{', ?' * width})"

    def get(self, ns: str, key: str) -> tuple | None:
        row = self.conn.execute("SELECT * FROM t WHERE ns = ? AND k = ?", (ns, key)).fetchone()
        return tuple(row[2:]) if row else None

    def put(self, ns: str, key: str, value: tuple) -> None:
        self.conn.execute(self._put, (ns, key, *value))

    def close(self) -> None:
        self.conn.close()


class _SpillMap:
    """(namespace, key) → tuple of texts; dicts first, then the scratch database."""

    def __init__(self, width: int, memory_rows: int | None = None):
        self.width = width
        self.memory_rows = MEMORY_ROWS if memory_rows is None else memory_rows
        self.mem: dict[str, dict[str, tuple]] = defaultdict(dict)
        self.held = 0
        self.disk: _Scratch | None = None

    def get(self, ns: str, key: str) -> tuple | None:
        found = self.mem[ns].get(key) if ns in self.mem else None
        if found is None and self.disk is not None:
            found = self.disk.get(ns, key)
        return found

    def put(self, ns: str, key: str, value: tuple) -> None:
        table = self.mem[ns]
        if key in table or self.held < self.memory_rows:
            self.held += key not in table
            table[key] = value
            return
        if self.disk is None:
            self.disk = _Scratch(self.width)
        self.disk.put(ns, key, value)

    def close(self) -> None:
        if self.disk is not None:
            self.disk.close()
            self.disk = None
        self.mem.clear()


class _Shared(dict):
    """One copy of each of a few recurring texts (owner offices, users)."""
    LIMIT = 10_000

    def one(self, text):
        found = self.get(text)
        if found is None:
            found = text
            if len(self) < self.LIMIT:
                self[text] = text
        return found


class PackageIds:
    """The package's row ids by table, each with its owner office."""

    def __init__(self, memory_rows: int | None = None):
        self._map = _SpillMap(1, memory_rows)
        self._owners = _Shared()

    def add(self, table: str, rid: str, owner: str) -> bool:
        """Remember a row; False when the package already had this id in ``table``."""
        if self._map.get(table, rid) is not None:
            return False
        self._map.put(table, rid, (self._owners.one(owner),))
        return True

    def owner(self, table: str, rid: str) -> str | None:
        found = self._map.get(table, rid)
        return found[0] if found else None

    def has(self, table: str, rid: str) -> bool:
        return self._map.get(table, rid) is not None

    def close(self) -> None:
        self._map.close()


LEDGER_KEYS = ("id", "owner_office", "created_at", "created_by")   # merge.KEY_COLUMNS


class LedgerNumbers:
    """台账编号 → the key columns of the record that carries it, by table."""

    def __init__(self, memory_rows: int | None = None):
        self._map = _SpillMap(len(LEDGER_KEYS), memory_rows)
        self.loaded: set[str] = set()
        self._shared = _Shared()

    def get(self, table: str, number: str) -> dict | None:
        found = self._map.get(table, number)
        return dict(zip(LEDGER_KEYS, found), ledger_no=number) if found else None

    def put(self, table: str, row: dict) -> None:
        one = self._shared.one
        self._map.put(table, row["ledger_no"], (row["id"], one(row["owner_office"]),
                                                row["created_at"], one(row["created_by"])))

    def close(self) -> None:
        self._map.close()
