"""Lists of one family with filters, sorting and keyset paging, all in SQL;
the due/overdue list across all families; counts."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop_app.domain.record import Record
from desktop_app.domain.registry import FAMILIES
from desktop_app.domain.schema import COMMON_NAMES, Family
from desktop_app.store import list_plan, list_search
from desktop_app.store.ddl import indexed_columns
from desktop_app.store.records import from_row
from desktop_app.store.search import terms

PAGE = 200


@dataclass(frozen=True)
class DrillFilter:
    """The records behind one figure of a report (desktop_app.reports): a condition
    over the list's alias ``t`` that the report engine compiled from declarations."""
    family: str
    label: str
    where: str
    params: tuple = ()


@dataclass(frozen=True)
class ListFilter:
    unit_id: str | None = None
    person_id: str | None = None
    type_value: str | None = None
    status: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    level: str | None = None          # red / orange / yellow
    text: str | None = None
    parent_id: str | None = None
    include_voided: bool = False
    drill: DrillFilter | None = None


@dataclass(frozen=True)
class LevelDates:
    today: date
    cutoff: date      # last yellow day


def _where(conn: sqlite3.Connection, fam: Family, flt: ListFilter, levels: LevelDates | None,
           sort: str | None = None) -> tuple[list[str], list[Any], str | None]:
    """The list's conditions on ``t``, each written for the plan ``list_plan``
    chooses: walk the index of ``sort``, or start from the smallest filter
    (``sort`` None: a count); and the key of the filter that drives (None: a walk)."""
    w, p = [], []
    if not flt.include_voided:
        w.append("t.voided = 0")
    fs = list_plan.filters(conn, fam, flt, levels, terms(flt.text or ""))
    drive = list_plan.choose(conn, fam, fs, sort)
    cond, args = list_plan.conditions(fs, drive)
    w += cond
    p += args
    if flt.drill is not None and flt.drill.family == fam.name:
        w.append(f"({flt.drill.where})"); p += list(flt.drill.params)
    return w, p, drive


def sortable(fam: Family, column: str) -> str:
    if column in COMMON_NAMES or column in fam.field_names:
        return column
    return fam.date_field


def keyset(col: str, voided: str, rowid: str, desc: bool,
           after: tuple[Any, int, int]) -> tuple[str, list[Any]]:
    """Rows after ``after`` = (value, voided, rowid) in the order of the sort index
    (col, voided, rowid); the three are SQL expressions (``t.talk_date`` …)."""
    value, vd, rk = after
    tie = f"({voided} {'<' if desc else '>'} ? OR ({voided} = ? AND {rowid} {'<' if desc else '>'} ?))"
    tie_args = [vd, vd, rk]
    if not desc:
        if value is None:
            return f"(({col} IS NULL AND {tie}) OR {col} IS NOT NULL)", tie_args
        return f"({col} > ? OR ({col} = ? AND {tie}))", [value, value, *tie_args]
    if value is None:
        return f"({col} IS NULL AND {tie})", tie_args
    return f"({col} < ? OR ({col} = ? AND {tie}) OR {col} IS NULL)", [value, value, *tie_args]


def list_page(conn: sqlite3.Connection, fam: Family, flt: ListFilter = ListFilter(), *,
              sort: str | None = None, descending: bool = True, after: tuple | None = None,
              limit: int = PAGE, levels: LevelDates | None = None) -> tuple[list[Record], tuple | None]:
    """One page of records and the key to pass as ``after`` for the next page.

    The order is the sort index's own, (col, voided, rowid), so a page is read
    straight off the index. ``voided = 0`` is written ``+t.voided = 0`` here: as a
    plain equality SQLite 3.40 drops voided from the ORDER BY and then sorts the
    ties itself instead of walking the index."""
    col = sortable(fam, sort or fam.date_field)
    if list_search.applies(fam, flt, col):    # the search box alone, in date order
        cond = keyset("ri.main_date", "ri.voided", "f.rowid", descending, after) if after else None
        rows = list_search.page_rows(conn, fam, flt, descending, after, cond, limit)
    else:
        where, params, drive = _where(conn, fam, flt, levels, sort=col)
        where = ["+t.voided = 0" if w == "t.voided = 0" else w for w in where]
        if after is not None:
            # ``+t.x``: no term of the OR is a usable range, so SQLite never unites
            # index ranges and sorts what they found (it did on small tables); it walks
            # the sort index. A plain bound beside it lets the walk start at the key.
            cond, extra = keyset(f"+t.{col}", "+t.voided", "+t.rowid", descending, after)
            where.append(cond); params += extra
            if after[0] is not None and not descending:
                where.append(f"t.{col} >= ?"); params.append(after[0])
            elif after[0] is None and descending:
                where.append(f"t.{col} IS NULL")
        # SQLite puts NULLs first ascending and last descending: keyset relies on it.
        way = "DESC" if descending else "ASC"
        order = f"t.{col} {way}, t.voided {way}, t.rowid {way}"
        sql = (f"SELECT t.*, t.rowid AS _rk FROM {fam.name} t WHERE {' AND '.join(where) or '1'}"
               f" ORDER BY {order} LIMIT ?")
        if drive is not None or col not in indexed_columns(fam):
            # rows to sort: their rowids are sorted on the sort key alone and only the
            # page's rows read whole (thousands of wide rows would carry every column
            # through the sorter)
            sql = (f"SELECT t.*, t.rowid AS _rk FROM {fam.name} t WHERE t.rowid IN"
                   f" ({sql.replace('SELECT t.*, t.rowid AS _rk', 'SELECT t.rowid', 1)})"
                   f" ORDER BY {order}")
        rows = conn.execute(sql, [*params, limit]).fetchall()
    records = [from_row(fam, r) for r in rows]
    last = rows[-1] if len(rows) == limit else None
    key = (last[col], last["voided"], last["_rk"]) if last is not None else None
    return records, key


def count(conn: sqlite3.Connection, fam: Family, flt: ListFilter = ListFilter(),
          levels: LevelDates | None = None) -> int:
    if list_search.applies(fam, flt, fam.date_field):
        return list_search.count(conn, fam, flt)
    where, params, _ = _where(conn, fam, flt, levels)
    return conn.execute(f"SELECT count(*) FROM {fam.name} t WHERE {' AND '.join(where) or '1'}",
                        params).fetchone()[0]


_LEVEL_RANGE = {None: "d.due_date <= :cutoff", "red": "d.due_date < :today",
                "orange": "d.due_date = :today",
                "yellow": "d.due_date > :today AND d.due_date <= :cutoff",
                "soon": "d.due_date >= :today AND d.due_date <= :cutoff"}   # orange and yellow


# The partial index holds active and done_date as leading columns too (constants
# there) so that this count is answered from the index alone (SQLite 3.40 does not
# count a partial index's WHERE as covering) and pages still come in due order.
DUE_COUNTS = (
    "SELECT count(*) FILTER (WHERE due_date < :today), count(*) FILTER (WHERE due_date = :today),"
    " count(*) FILTER (WHERE due_date > :today) FROM deadline INDEXED BY deadline_open"
    " WHERE active = 1 AND done_date IS NULL AND due_date <= :cutoff")


def due_counts(conn: sqlite3.Connection, levels: LevelDates) -> dict[str, int]:
    """How many unmet deadlines are red, orange and yellow: one pass over the
    partial index of open deadlines (no row of any table is read)."""
    row = conn.execute(DUE_COUNTS, {"today": levels.today.isoformat(),
                                    "cutoff": levels.cutoff.isoformat()}).fetchone()
    return {"red": row[0], "orange": row[1], "yellow": row[2]}


def due_page(conn: sqlite3.Connection, levels: LevelDates, level: str | None = None, *,
             after: tuple | None = None, limit: int = PAGE) -> tuple[list[sqlite3.Row], tuple | None]:
    """One page of unmet deadlines of a level (None: all three; "soon": orange and
    yellow), earliest first, and
    the key of the next page. The partial index holds (due_date, family, id, kind)
    in this order, so a page reads only its own rows."""
    where = ["d.active = 1", "d.done_date IS NULL", _LEVEL_RANGE[level]]
    args: dict[str, Any] = {"today": levels.today.isoformat(), "cutoff": levels.cutoff.isoformat(),
                            "limit": limit}
    if after is not None:
        where.append("(d.due_date, d.family, d.id, d.kind) > (:a0, :a1, :a2, :a3)")
        args |= {f"a{i}": v for i, v in enumerate(after)}
    rows = conn.execute(
        "SELECT d.family, d.id, d.kind, d.label, d.due_date, ri.title, ri.status"
        " FROM deadline d INDEXED BY deadline_open"
        " JOIN record_index ri ON ri.family = d.family AND ri.id = d.id"
        f" WHERE {' AND '.join(where)} ORDER BY d.due_date, d.family, d.id, d.kind LIMIT :limit",
        args).fetchall()
    key = tuple(rows[-1][c] for c in ("due_date", "family", "id", "kind")) if len(rows) == limit else None
    return rows, key


def open_deadlines(conn: sqlite3.Connection, cutoff: date) -> list[sqlite3.Row]:
    """Every unmet deadline due on or before ``cutoff``, across all families."""
    return conn.execute(
        "SELECT d.family, d.id, d.kind, d.label, d.due_date, ri.title, ri.status"
        " FROM deadline d JOIN record_index ri ON ri.family = d.family AND ri.id = d.id"
        " WHERE d.active = 1 AND d.done_date IS NULL AND d.due_date <= ?"
        " ORDER BY d.due_date, d.family, d.id, d.kind", (cutoff.isoformat(),)).fetchall()


def dated_counts(conn: sqlite3.Connection, start: date, end: date) -> dict[str, int]:
    """Records (not voided) of each family whose main date lies in [start, end): a
    range of each family's date index, which carries ``voided`` (no row is read)."""
    out = {}
    for fam in FAMILIES.values():
        col = fam.date_field
        out[fam.name] = conn.execute(
            f"SELECT count(*) FROM {fam.name} INDEXED BY {fam.name}_{col}"
            f" WHERE {col} >= ? AND {col} < ? AND voided = 0",
            (start.isoformat(), end.isoformat())).fetchone()[0]
    return out


def family_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Records (not voided) of each family: a count over one of each family's
    indexes, which carry ``voided`` (no row is read; grouping ``record_index``
    read every wide index row: 5.7 s at a million records)."""
    return {name: conn.execute(f"SELECT count(*) FROM {name} WHERE voided = 0").fetchone()[0]
            for name in FAMILIES}


def recent_changes(conn: sqlite3.Connection, limit: int = 20) -> list[sqlite3.Row]:
    return conn.execute("SELECT family, id, title, status, voided, updated_at FROM record_index"
                        " ORDER BY updated_at DESC LIMIT ?", (limit,)).fetchall()


def find_indexed(conn: sqlite3.Connection, families: list[str], record_id: str) -> sqlite3.Row | None:
    """The index row of a record known only by its id (one primary-key probe per family)."""
    return conn.execute(
        f"SELECT family, id, title, voided FROM record_index WHERE family IN"
        f" ({','.join('?' * len(families))}) AND id = ?", [*families, record_id]).fetchone()


def documents_from(conn: sqlite3.Connection, family: str, record_id: str) -> list[sqlite3.Row]:
    """The 发文 made from a record, voided ones too (a number once issued stays listed)."""
    return conn.execute("SELECT * FROM document WHERE source_family = ? AND source_id = ?"
                        " ORDER BY issued_date, year, seq", (family, record_id)).fetchall()
