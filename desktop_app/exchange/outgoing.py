"""Which rows an export carries (exchange.md §3.3-2) and the coverage digest.

A row travels when its version vector is *not dominated* by what the recipient has
confirmed for the row's partition (``base``): some instance's counter in the row's
``_vv`` is above the base's.  This compares whole vectors, not just the last writer,
so a row whose history grew through a merge is re-sent too.  ``base=None`` (a full
export) takes every row of the partition.

Conflict rows are the exception: every export carries all of them for its scope.
They are few, and which ones an office holds depends on the order packages reached
it (``merge.py``), so no vector can say whether the recipient has them.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any, Iterable, Iterator

from . import shared, vectors
from .rows import to_wire
from .scope import CONFLICT_TABLE, FAMILY_TABLES, Partition

# SQLite's JSON1: one json_each over the row's vector, compared with the base vector
# passed as JSON text (instance ids are checked against vectors.INSTANCE_RE on import,
# and ours are UUIDs, so they are safe inside the quoted JSON path).
_NOT_DOMINATED = (" AND EXISTS (SELECT 1 FROM json_each({t}._vv) j WHERE j.value >"
                  " coalesce(json_extract(?, '$.\"' || j.key || '\"'), 0))")


def _where(table: str, base: vectors.Vector | None) -> tuple[str, list[Any]]:
    if base is None:
        return "", []
    return _NOT_DOMINATED.format(t=table), [json.dumps(base)]


def family_rows(conn: sqlite3.Connection, table: str, owner: str,
                base: vectors.Vector | None) -> Iterator[dict[str, Any]]:
    where, params = _where(table, base)
    for row in conn.execute(f"SELECT * FROM {table} WHERE owner_office = ?{where}"
                            " ORDER BY id", [owner, *params]):
        yield to_wire(table, row)


def conflict_rows(conn: sqlite3.Connection, owner: str,
                  tables: Iterable[str]) -> Iterator[dict[str, Any]]:
    tables = sorted(tables)
    marks = ",".join("?" * len(tables))
    for row in conn.execute(f"SELECT * FROM sync_conflict WHERE owner_office = ?"
                            f" AND tbl IN ({marks}) ORDER BY id", [owner, *tables]):
        yield to_wire(CONFLICT_TABLE, row)


def shared_rows(conn: sqlite3.Connection, owner: str,
                base: vectors.Vector | None) -> list[dict[str, Any]]:
    return [r for r in shared.rows(conn, owner)
            if base is None or not vectors.dominates(base, r["_vv"])]


def count_pending(conn: sqlite3.Connection, owner: str, tables: Iterable[str],
                  base: vectors.Vector | None) -> tuple[int, str | None]:
    """How many rows of ``owner`` in ``tables`` the recipient has not confirmed, and
    the oldest ``updated_at`` among them."""
    count, oldest = 0, None
    for table in tables:
        if table not in FAMILY_TABLES:
            continue
        where, params = _where(table, base)
        n, first = conn.execute(f"SELECT count(*), min(updated_at) FROM {table}"
                                f" WHERE owner_office = ?{where}", [owner, *params]).fetchone()
        count += n
        if first and (oldest is None or first < oldest):
            oldest = first
    return count, oldest


def coverage_digest(conn: sqlite3.Connection, partitions: Iterable[Partition]) -> str:
    """XOR of SHA-256(id|origin|counter) over every row of the scope (order-free, R12)."""
    acc = 0
    for part in partitions:
        for table in sorted(part.tables & set(FAMILY_TABLES)):
            for rid, origin, counter in conn.execute(
                    f"SELECT id, _origin, _counter FROM {table} WHERE owner_office = ?",
                    (part.owner,)):
                key = f"{rid}|{origin}|{counter}".encode("utf-8")
                acc ^= int.from_bytes(hashlib.sha256(key).digest(), "big")
    return f"{acc:064x}"
