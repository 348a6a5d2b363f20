"""Search inside one family's list, read from the gram index in date order.

A list shown in its main-date order (the default: newest first) with only the
search box (and the date range, 包含已作废) set asks the gram index for its page
the way the global search does: ``record_index``'s rowid is the record's main
day times ``DAY_SLOTS`` plus a slot, so the index gives the family's matches
day by day, and the page is found among the first ``limit`` matches plus the
rest of the day the ``limit``-th falls on (records of one day are then put in
the list's exact order, date, voided and the family row's rowid, by SQL). No walk over the family's sort
index testing each row's text, and no set of every match.

The list's conditions are applied to the family's row as in every list, so the
rows and their order are those of ``queries.list_page``'s general plan (the
rowid bounds only let the index skip days that cannot qualify). Other filters
(unit, person, type, status, warning level, a report's drill) keep the general
plan: there the list's own indexes are the selective part.
"""
from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from desktop_app.domain.schema import Family
from desktop_app.store.index import DAY_SLOTS
from desktop_app.store.search import holds_condition, match_expr, terms


def applies(fam: Family, flt, column: str) -> bool:
    """Whether a page of this list is read from the gram index (see the module)."""
    return (bool(flt.text and flt.text.split()) and column == fam.date_field
            and not any((flt.unit_id, flt.person_id, flt.type_value, flt.status, flt.parent_id,
                         flt.level, flt.drill)))


def _day(value: Any) -> int | None:
    """The first rowid of a main date's day, None when the value is not an ISO date."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal() * DAY_SLOTS
    except ValueError:
        return None


def _bounds(flt, descending: bool, after: tuple | None) -> tuple[int | None, int | None]:
    """Lowest and highest rowid a qualifying record can have (None: unbounded).
    Records without a main date have the first slots (below every day), as SQLite
    sorts NULL first ascending and last descending."""
    lo, hi = _day(flt.date_from), _day(flt.date_to)
    if hi is not None:
        hi += DAY_SLOTS - 1
    if after is not None and descending:         # the key's day or earlier
        value = after[0]
        top = DAY_SLOTS - 1 if value is None else _day(value)
        if top is not None and value is not None:
            top += DAY_SLOTS - 1
        if top is not None:
            hi = top if hi is None else min(hi, top)
    elif after is not None and _day(after[0]) is not None:     # ascending: its day or later
        lo = max(lo or 0, _day(after[0]))
    return lo, hi


def _range_sql(lo: int | None, hi: int | None) -> tuple[str, list[int]]:
    sql, args = "", []
    if lo is not None:
        sql += " AND g.rowid >= ?"; args.append(lo)
    if hi is not None:
        sql += " AND g.rowid <= ?"; args.append(hi)
    return sql, args


def _conditions(fam: Family, flt, words: list[str], rowids: bool = False) -> tuple[str, list[Any]]:
    """The gram join and the list's conditions, on the index row ``ri`` (its
    main date and voided mirror the family row's, so no family row is read);
    ``rowids``: with the family row's rowid too (``f.rowid``, from its id index)."""
    holds, hold_args = holds_condition(words)
    join = f" CROSS JOIN {fam.name} f" if rowids else ""
    sql = (f"FROM record_grams g CROSS JOIN record_index ri{join}"
           " WHERE record_grams MATCH ? AND ri.rowid = g.rowid" + holds)
    if rowids:
        sql += " AND f.id = ri.id"
    args: list[Any] = [match_expr(words, [fam.name]), *hold_args]
    if not flt.include_voided:
        sql += " AND ri.voided = 0"
    for value, op in ((flt.date_from, ">="), (flt.date_to, "<=")):
        if value:
            sql += f" AND ri.main_date {op} ?"; args.append(value)
    return sql, args


def page_rows(conn: sqlite3.Connection, fam: Family, flt, descending: bool, after: tuple | None,
              after_cond: tuple[str, list] | None, limit: int) -> list[sqlite3.Row]:
    """One page of the list (``applies`` is true): the family's rows (alias ``t``,
    with ``_rk`` its rowid) in the list's order (date, voided, rowid), after the
    key ``after`` (``after_cond``: its condition on ``ri.main_date``, ``ri.voided``
    and ``f.rowid``)."""
    source, args = _conditions(fam, flt, terms(flt.text or ""), rowids=True)
    if after_cond is not None:
        source += f" AND {after_cond[0]}"; args += after_cond[1]
    lo, hi = _bounds(flt, descending, after)
    order = "DESC" if descending else "ASC"
    rng, rng_args = _range_sql(lo, hi)
    cut = conn.execute(f"SELECT g.rowid {source}{rng} ORDER BY g.rowid {order} LIMIT 1 OFFSET ?",
                       [*args, *rng_args, limit - 1]).fetchone()
    if cut is not None:       # the page lies within the cut's day and the days before it
        day = cut[0] // DAY_SLOTS * DAY_SLOTS
        if descending:
            lo = day if lo is None else max(lo, day)
        else:
            hi = day + DAY_SLOTS - 1 if hi is None else min(hi, day + DAY_SLOTS - 1)
        rng, rng_args = _range_sql(lo, hi)
    return conn.execute(
        f"SELECT t.*, t.rowid AS _rk FROM {fam.name} t WHERE t.rowid IN (SELECT f.rowid {source}{rng}"
        f" ORDER BY ri.main_date {order}, ri.voided {order}, f.rowid {order} LIMIT ?)"
        f" ORDER BY t.{fam.date_field} {order}, t.voided {order}, t.rowid {order}",
        [*args, *rng_args, limit]).fetchall()


def count(conn: sqlite3.Connection, fam: Family, flt) -> int:
    """How many records of the list hold the terms (``applies`` is true): the
    gram index's matches and their index rows, no row of the family's table."""
    source, args = _conditions(fam, flt, terms(flt.text or ""))
    rng, rng_args = _range_sql(*_bounds(flt, True, None))
    return conn.execute(f"SELECT count(*) {source}{rng}", [*args, *rng_args]).fetchone()[0]
