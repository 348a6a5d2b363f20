"""A canonical text dump of the whole database: every table, rows in primary
key order. Two databases with equal dumps hold the same data; tests compare
dumps to prove a refused action changed nothing."""
from __future__ import annotations

import hashlib
import json
import sqlite3


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name NOT LIKE 'record_grams%' ORDER BY name")]


def canonical_dump(conn: sqlite3.Connection, *, exclude: tuple[str, ...] = ()) -> str:
    lines = []
    for table in _tables(conn):
        if table in exclude:
            continue
        lines.append(f"## {table}")
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
            lines.append(json.dumps(list(row), ensure_ascii=False, default=str))
    return "\n".join(lines)


def dump_digest(conn: sqlite3.Connection, **kw) -> str:
    return hashlib.sha256(canonical_dump(conn, **kw).encode("utf-8")).hexdigest()
