"""Derived rows kept beside each record by the write path: the search text
(``record_index`` and its trigram FTS table), the person links the 廉政档案
reads, and the open deadlines. Rebuilt from the record on every write.

``derived`` works them out from the stored row alone (names of referenced
persons and units come from a ``Names`` look-up), so that the one-record write
path (``reindex``) and the bulk loader (``services.bulk``) build the same rows.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from desktop_app.domain.derive import DueItem
from desktop_app.domain.schema import Family, Kind
from desktop_app.domain.vocab import workflows

_NAME_COLUMN = {"person": "name", "unit": "name"}
# (target family, ids) -> the names of those of them that exist, in the order given
Names = Callable[[str, list[str]], list[str]]


def db_names(conn: sqlite3.Connection) -> Names:
    def names(target: str, ids: list[str]) -> list[str]:
        column = _NAME_COLUMN.get(target)
        ids = [i for i in ids if i]
        if not column or not ids:
            return []
        marks = ",".join("?" * len(ids))
        found = dict(conn.execute(f"SELECT id, {column} FROM {target} WHERE id IN ({marks})", ids))
        return [found[i] for i in ids if i in found]
    return names


def _ids(kind: Kind, value: Any) -> list[str]:
    if value is None:
        return []
    return list(json.loads(value)) if kind is Kind.REFS else [value]


def search_text(names: Names, fam: Family, row: dict[str, Any]) -> tuple[str, str]:
    from desktop_app.store.records import decoded_values, record_title
    refs = {row[n]: name for n in fam.title if fam.field(n).kind is Kind.REF and row.get(n)
            for name in names(fam.field(n).ref, [row[n]])}
    title = record_title(fam, decoded_values(fam, row), refs)
    parts = [title, row.get("ledger_no") or ""]    # body holds the title: one instr per term
    for f in fam.fields:
        value = row.get(f.name)
        if value is None:
            continue
        if f.kind in (Kind.REF, Kind.REFS):
            parts.extend(names(f.ref, _ids(f.kind, value)))
        elif f.is_searchable:
            parts.append(" ".join(json.loads(value)) if f.kind is Kind.LIST else str(value))
    return title, "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class Derived:
    """What one record contributes to the derived tables."""
    family: str
    id: str
    title: str
    body: str
    main_date: str | None
    status: str
    voided: int
    updated_at: str
    links: list[tuple[str, str, str, str]]               # person_id, family, id, field
    deadlines: list[tuple]                                # deadline table rows

    @property
    def index_row(self) -> tuple:
        return (self.family, self.id, self.title, self.body, self.main_date, self.status,
                self.voided, self.updated_at)


def derived(names: Names, fam: Family, row: dict[str, Any], due: list[DueItem]) -> Derived:
    rid = row["id"]
    title, body = search_text(names, fam, row)
    links = [(pid, fam.name, rid, f.name) for f in fam.person_fields
             for pid in _ids(f.kind, row.get(f.name))]
    if fam.name == "person":
        links.append((rid, "person", rid, "self"))
    final = not workflows()[fam.workflow].transitions.get(row["status"], ("open",))
    active = int(not row["voided"] and not final)
    deadlines = [(fam.name, rid, d.kind, d.label, d.due.isoformat(),
                  d.done.isoformat() if d.done else None, active) for d in due]
    return Derived(fam.name, rid, title, body, row.get(fam.date_field), row["status"],
                   row["voided"], row["updated_at"], list(dict.fromkeys(links)), deadlines)


INSERT_INDEX = ("INSERT INTO record_index (family, id, title, body, main_date, status, voided,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
INSERT_TEXT = "INSERT OR REPLACE INTO record_text (family, id, body) VALUES (?, ?, ?)"
INSERT_LINK = ("INSERT OR IGNORE INTO record_link (person_id, family, id, field)"
               " VALUES (?, ?, ?, ?)")
INSERT_DEADLINE = ("INSERT INTO deadline (family, id, kind, label, due_date, done_date, active)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?)")


def reindex(conn: sqlite3.Connection, fam: Family, row: dict[str, Any],
            due: list[DueItem]) -> None:
    d = derived(db_names(conn), fam, row, due)
    old = conn.execute("SELECT rowid, title, body FROM record_index WHERE family = ? AND id = ?",
                       (fam.name, d.id)).fetchone()
    if old is not None:
        conn.execute("INSERT INTO record_fts (record_fts, rowid, title, body)"
                     " VALUES ('delete', ?, ?, ?)", (old[0], old[1], old[2]))
        conn.execute("UPDATE record_index SET title=?, body=?, main_date=?, status=?, voided=?,"
                     " updated_at=? WHERE rowid=?", (*d.index_row[2:], old[0]))
        rowid = old[0]
    else:
        rowid = conn.execute(INSERT_INDEX, d.index_row).lastrowid
    conn.execute("INSERT INTO record_fts (rowid, title, body) VALUES (?, ?, ?)", (rowid, d.title, d.body))
    # The same text clustered by family: 1–2 character terms are a scan, and a scan
    # of one family's rows in key order reads far fewer pages than rowid look-ups.
    conn.execute(INSERT_TEXT, (d.family, d.id, d.body))
    conn.execute("DELETE FROM record_link WHERE family = ? AND id = ?", (fam.name, d.id))
    conn.executemany(INSERT_LINK, d.links)
    conn.execute("DELETE FROM deadline WHERE family = ? AND id = ?", (fam.name, d.id))
    conn.executemany(INSERT_DEADLINE, d.deadlines)


def insert_many(conn: sqlite3.Connection, items: Iterable[Derived]) -> None:
    """Derived rows of records new to the database, in one go (the bulk loader)."""
    items = list(items)
    last = conn.execute("SELECT coalesce(max(rowid), 0) FROM record_index").fetchone()[0]
    conn.executemany(INSERT_INDEX, [d.index_row for d in items])
    conn.execute("INSERT INTO record_fts (rowid, title, body)"
                 " SELECT rowid, title, body FROM record_index WHERE rowid > ?", (last,))
    conn.executemany(INSERT_TEXT, [(d.family, d.id, d.body) for d in items])
    conn.executemany(INSERT_LINK, [link for d in items for link in d.links])
    conn.executemany(INSERT_DEADLINE, [row for d in items for row in d.deadlines])
