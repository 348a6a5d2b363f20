"""Derived rows kept beside each record by the write path: the search text
(``record_index`` and its trigram FTS table), the person links the 廉政档案
reads, and the open deadlines. Rebuilt from the record on every write."""
from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterable

from desktop_app.domain.derive import DueItem
from desktop_app.domain.schema import Family, Kind
from desktop_app.domain.vocab import workflows

_NAME_COLUMN = {"person": "name", "unit": "name"}


def _ref_names(conn: sqlite3.Connection, target: str, ids: Iterable[str]) -> list[str]:
    column = _NAME_COLUMN.get(target)
    ids = [i for i in ids if i]
    if not column or not ids:
        return []
    marks = ",".join("?" * len(ids))
    return [r[0] for r in conn.execute(
        f"SELECT {column} FROM {target} WHERE id IN ({marks})", ids)]


def _ids(kind: Kind, value: Any) -> list[str]:
    if value is None:
        return []
    return list(json.loads(value)) if kind is Kind.REFS else [value]


def search_text(conn: sqlite3.Connection, fam: Family, row: dict[str, Any]) -> tuple[str, str]:
    from desktop_app.store.records import decoded_values, record_title
    refs = {row[n]: name for n in fam.title if fam.field(n).kind is Kind.REF and row.get(n)
            for name in _ref_names(conn, fam.field(n).ref, [row[n]])}
    title = record_title(fam, decoded_values(fam, row), refs)
    parts = [title, row.get("ledger_no") or ""]    # body holds the title: one instr per term
    for f in fam.fields:
        value = row.get(f.name)
        if value is None:
            continue
        if f.kind in (Kind.REF, Kind.REFS):
            parts.extend(_ref_names(conn, f.ref, _ids(f.kind, value)))
        elif f.is_searchable:
            parts.append(" ".join(json.loads(value)) if f.kind is Kind.LIST else str(value))
    return title, "\n".join(p for p in parts if p)


def reindex(conn: sqlite3.Connection, fam: Family, row: dict[str, Any],
            due: list[DueItem]) -> None:
    rid = row["id"]
    title, body = search_text(conn, fam, row)
    old = conn.execute("SELECT rowid, title, body FROM record_index WHERE family = ? AND id = ?",
                       (fam.name, rid)).fetchone()
    main_date = row.get(fam.date_field)
    if old is not None:
        conn.execute("INSERT INTO record_fts (record_fts, rowid, title, body)"
                     " VALUES ('delete', ?, ?, ?)", (old[0], old[1], old[2]))
        conn.execute("UPDATE record_index SET title=?, body=?, main_date=?, status=?, voided=?,"
                     " updated_at=? WHERE rowid=?",
                     (title, body, main_date, row["status"], row["voided"], row["updated_at"], old[0]))
        rowid = old[0]
    else:
        rowid = conn.execute(
            "INSERT INTO record_index (family, id, title, body, main_date, status, voided, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (fam.name, rid, title, body, main_date, row["status"], row["voided"],
             row["updated_at"])).lastrowid
    conn.execute("INSERT INTO record_fts (rowid, title, body) VALUES (?, ?, ?)", (rowid, title, body))
    # The same text clustered by family: 1–2 character terms are a scan, and a scan
    # of one family's rows in key order reads far fewer pages than rowid look-ups.
    conn.execute("INSERT OR REPLACE INTO record_text (family, id, body) VALUES (?, ?, ?)",
                 (fam.name, rid, body))
    _relink(conn, fam, row)
    final = not workflows()[fam.workflow].transitions.get(row["status"], ("open",))
    _redeadline(conn, fam, rid, due, active=not row["voided"] and not final)


def _relink(conn: sqlite3.Connection, fam: Family, row: dict[str, Any]) -> None:
    conn.execute("DELETE FROM record_link WHERE family = ? AND id = ?", (fam.name, row["id"]))
    links = [(pid, fam.name, row["id"], f.name) for f in fam.person_fields
             for pid in _ids(f.kind, row.get(f.name))]
    if fam.name == "person":
        links.append((row["id"], "person", row["id"], "self"))
    conn.executemany("INSERT OR IGNORE INTO record_link (person_id, family, id, field)"
                     " VALUES (?, ?, ?, ?)", links)


def _redeadline(conn: sqlite3.Connection, fam: Family, rid: str, due: list[DueItem],
                active: bool) -> None:
    conn.execute("DELETE FROM deadline WHERE family = ? AND id = ?", (fam.name, rid))
    conn.executemany(
        "INSERT INTO deadline (family, id, kind, label, due_date, done_date, active)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(fam.name, rid, d.kind, d.label, d.due.isoformat(),
          d.done.isoformat() if d.done else None, int(active)) for d in due])
