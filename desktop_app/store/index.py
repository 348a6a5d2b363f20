"""Derived rows kept beside each record by the write path: the search text
(``record_index`` and its gram index ``record_grams``), the person links the
廉政档案 reads, and the open deadlines. Rebuilt from the record on every write.

``derived`` works them out from the stored row alone (names of referenced
persons and units come from a ``Names`` look-up), so that the one-record write
path (``reindex``) and the bulk loader (``services.bulk``) build the same rows.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date
from itertools import chain, count
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


def search_text(names: Names, fam: Family, row: dict[str, Any],
                values: dict[str, Any] | None = None) -> tuple[str, str]:
    """``values``: ``decoded_values(fam, row)`` when the caller has them already."""
    from desktop_app.store.records import decoded_values, record_title
    refs = {row[n]: name for n in fam.title if fam.field(n).kind is Kind.REF and row.get(n)
            for name in names(fam.field(n).ref, [row[n]])}
    title = record_title(fam, decoded_values(fam, row) if values is None else values, refs)
    parts = [row.get("ledger_no") or ""]            # the title is not repeated in the body
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
    links: list[tuple]            # person_id, family, id, field, voided, main date ('' if none)
    deadlines: list[tuple]                                # deadline table rows

    @property
    def index_row(self) -> tuple:
        return (self.family, self.id, self.title, self.body, self.main_date, self.status,
                self.voided, self.updated_at)


def derived(names: Names, fam: Family, row: dict[str, Any], due: list[DueItem],
            values: dict[str, Any] | None = None) -> Derived:
    rid = row["id"]
    title, body = search_text(names, fam, row, values)
    # the 廉政档案 reads a person's links in date order straight off the primary key
    voided, day = row["voided"], row.get(fam.date_field) or ""
    links = [(pid, fam.name, rid, f.name, voided, day) for f in fam.person_fields
             for pid in _ids(f.kind, row.get(f.name))]
    if fam.name == "person":
        links.append((rid, "person", rid, "self", voided, day))
    final = not workflows()[fam.workflow].transitions.get(row["status"], ("open",))
    active = int(not row["voided"] and not final)
    deadlines = [(fam.name, rid, d.kind, d.label, d.due.isoformat(),
                  d.done.isoformat() if d.done else None, active) for d in due]
    return Derived(fam.name, rid, title, body, row.get(fam.date_field), row["status"],
                   row["voided"], row["updated_at"], list(dict.fromkeys(links)), deadlines)


# -- the search index ------------------------------------------------------------------
# record_index's rowid orders records by main date (newest last): day number times
# DAY_SLOTS plus a slot for each record of that day; a search reads the gram
# index's matches newest first and stops at the page it needs.
DAY_SLOTS = 1 << 18


def day_base(main_date: str | None) -> int:
    try:
        return date.fromisoformat(main_date[:10]).toordinal() * DAY_SLOTS if main_date else 0
    except ValueError:
        return 0


def same_day(rowid: int, main_date: str | None) -> bool:
    return rowid // DAY_SLOTS * DAY_SLOTS == day_base(main_date)


class RowidAllocator:
    """Free rowids in a day's range (the next slot after the day's highest)."""
    def __init__(self, conn: sqlite3.Connection):
        self.conn, self.next = conn, {}

    def take(self, main_date: str | None) -> int:
        first = day_base(main_date)
        # a full day (2^18 records of one date) spills to the days before, then after
        for base in chain(range(first, -1, -DAY_SLOTS), count(first + DAY_SLOTS, DAY_SLOTS)):
            nxt = self.next.get(base)
            if nxt is None:
                top = self.conn.execute("SELECT max(rowid) FROM record_index WHERE rowid >= ?"
                                        " AND rowid < ?", (base, base + DAY_SLOTS)).fetchone()[0]
                nxt = base if top is None else top + 1
            if nxt < base + DAY_SLOTS:
                self.next[base] = nxt + 1
                return nxt
            self.next[base] = nxt
        raise AssertionError("unreachable")


class _Hex(dict):
    """Characters' code points in hex, remembered (a bounded number of them)."""
    def __missing__(self, ch: str) -> str:
        code = f"{ord(ch):x}"
        if len(self) < 65536:
            self[ch] = code
        return code


_HEX = _Hex()


def _add_grams(text: str, out: set[str]) -> None:
    for word in text.split():            # str.split() splits where ch.isspace()
        codes = [_HEX[ch] for ch in word]
        out.update(["u" + c for c in codes])
        if len(codes) > 1:
            out.update([f"b{a}g{b}" for a, b in zip(codes, codes[1:])])


def grams(title: str, body: str, family: str) -> str:
    """The gram index's tokens for one record: every character and every pair of
    adjacent characters of its title and body, the title's again with a 't' in
    front (title hits rank first), and the family."""
    out = {"f" + family.replace("_", "")}
    in_title: set[str] = set()
    _add_grams(title, in_title)
    _add_grams(body, out)
    out |= in_title
    out.update(["t" + g for g in in_title])
    return " ".join(out)


INSERT_INDEX = ("INSERT INTO record_index (rowid, family, id, title, body, main_date, status,"
                " voided, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
INSERT_GRAMS = "INSERT INTO record_grams (rowid, grams) VALUES (?, ?)"
INSERT_LINK = ("INSERT OR IGNORE INTO record_link (person_id, family, id, field, voided,"
               " main_date) VALUES (?, ?, ?, ?, ?, ?)")
INSERT_DEADLINE = ("INSERT INTO deadline (family, id, kind, label, due_date, done_date, active)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?)")


def reindex(conn: sqlite3.Connection, fam: Family, row: dict[str, Any],
            due: list[DueItem]) -> None:
    d = derived(db_names(conn), fam, row, due)
    old = conn.execute("SELECT rowid, title, body FROM record_index WHERE family = ? AND id = ?",
                       (fam.name, d.id)).fetchone()
    if old is not None:
        conn.execute("INSERT INTO record_grams (record_grams, rowid, grams) VALUES ('delete', ?, ?)",
                     (old[0], grams(old[1], old[2], fam.name)))
        rowid = old[0] if same_day(old[0], d.main_date) else RowidAllocator(conn).take(d.main_date)
        conn.execute("UPDATE record_index SET rowid=?, title=?, body=?, main_date=?, status=?,"
                     " voided=?, updated_at=? WHERE rowid=?", (rowid, *d.index_row[2:], old[0]))
    else:
        rowid = RowidAllocator(conn).take(d.main_date)
        conn.execute(INSERT_INDEX, (rowid, *d.index_row))
    conn.execute(INSERT_GRAMS, (rowid, grams(d.title, d.body, fam.name)))
    conn.execute("DELETE FROM record_link WHERE family = ? AND id = ?", (fam.name, d.id))
    conn.executemany(INSERT_LINK, d.links)
    conn.execute("DELETE FROM deadline WHERE family = ? AND id = ?", (fam.name, d.id))
    conn.executemany(INSERT_DEADLINE, d.deadlines)


def insert_many(conn: sqlite3.Connection, items: Iterable[Derived]) -> None:
    """Derived rows of records new to the database, in one go (the bulk loader, an
    import's new records).  Rowids are taken in the order given, then written in rowid
    order: the gram index flushes its pending terms to a new segment whenever a rowid
    is lower than the one before (sorted, a batch takes a third of the time)."""
    alloc = RowidAllocator(conn)
    rows = sorted(((alloc.take(d.main_date), d) for d in items), key=lambda r: r[0])
    conn.executemany(INSERT_INDEX, [(rowid, *d.index_row) for rowid, d in rows])
    conn.executemany(INSERT_GRAMS, [(rowid, grams(d.title, d.body, d.family)) for rowid, d in rows])
    conn.executemany(INSERT_LINK, [link for _, d in rows for link in d.links])
    conn.executemany(INSERT_DEADLINE, [r for _, d in rows for r in d.deadlines])
