"""Which filter drives a list's page: the conditions of ``queries._where``, each
written so that SQLite uses the index meant for it and no other.

SQLite has no statistics here (no ANALYZE), so left to itself it takes the index
with the most equality constraints: a 状态 filter matching 158,000 of 168,000
talks made it read all of them through the status index and sort them
(110 ms at a million records), and a 预警 filter probed the open-deadline index
range once per row of the list (minutes). So each filter's rows are counted
first (an index range each, a few milliseconds), up to about sqrt(200·N) for a
table of N rows: a walk of the sort index meets a match every N/m rows, so it
tests some 200·N/m rows for a page, where starting from the filter reads m:

* the smallest set under that drives: its index (or its set of ids) gives the
  rows, which are then sorted; every other filter is tested per row; a 预警 or
  人员 filter drives whatever its size (those records bunch in the list's order);
* when every filter admits more, the list walks its sort index and tests each
  row (a page is found within a few thousand rows), no filter's index is used;
* a list sorted by a column without an index, and a count, always start from
  the smallest set.

Conditions are the same whichever drives, so the rows and their order are too
(``tests/core/test_list_plan.py`` forces every choice and compares).
"""
from __future__ import annotations

import sqlite3
from math import isqrt
from dataclasses import dataclass, field
from typing import Any

from desktop_app.domain.schema import Family
from desktop_app.store.ddl import indexed_columns
from desktop_app.store.search import family_condition, match_expr, membership

PAGE = 200
DRIVE_MIN = 1000          # a filter this small always drives
UNEVEN = {"level", "person"}

_LEVEL = {"red": "d.due_date < ?", "orange": "d.due_date = ?",
          "yellow": "d.due_date > ? AND d.due_date <= ?"}


@dataclass
class Filter:
    key: str
    driven: tuple[str, list]            # the condition when this filter drives
    probe: tuple[str, list]             # … when another filter does
    count: tuple[str, list] | None = None   # rows it admits (a subquery), None: not a driver
    walk: Any = field(default=None, repr=False)   # () -> the condition when the sort index drives


def _column(fam: Family, key: str, col: str, value: Any) -> Filter:
    count = (f"SELECT 1 FROM {fam.name} WHERE {col} = ?", [value]) \
        if col in indexed_columns(fam) else None
    return Filter(key, (f"t.{col} = ?", [value]), (f"+t.{col} = ?", [value]), count)


def _person(fam: Family, person_id: str) -> Filter:
    return Filter(
        "person",
        # the person's range of the link key ('+': not every link of the family by its index)
        ("t.id IN (SELECT l.id FROM record_link l WHERE l.person_id = ? AND +l.family = ?)",
         [person_id, fam.name]),
        ("EXISTS (SELECT 1 FROM record_link l WHERE l.family = ? AND l.id = t.id"
         " AND l.person_id = ?)", [fam.name, person_id]),
        ("SELECT 1 FROM record_link WHERE person_id = ? AND +family = ?", [person_id, fam.name]))


def _level(fam: Family, level: str, levels) -> Filter:
    args = [levels.today.isoformat()] + ([levels.cutoff.isoformat()] if level == "yellow" else [])
    cond = _LEVEL[level]
    opened = "d.active = 1 AND d.done_date IS NULL"
    return Filter(
        "level",
        (f"t.id IN (SELECT d.id FROM deadline d INDEXED BY deadline_open WHERE {opened}"
         f" AND {cond} AND d.family = ?)", [*args, fam.name]),
        # by the deadline table's key (family, id): '+' keeps SQLite off the open-deadline
        # index, whose range it would otherwise read once for every row of the list
        ("EXISTS (SELECT 1 FROM deadline d WHERE d.family = ? AND d.id = t.id"
         f" AND +d.active = 1 AND d.done_date IS NULL AND {cond})", [fam.name, *args]),
        (f"SELECT 1 FROM deadline d INDEXED BY deadline_open WHERE {opened} AND {cond}"
         " AND d.family = ?", [*args, fam.name]))


def _text(conn: sqlite3.Connection, fam: Family, words: list[str]) -> Filter:
    f = Filter("text", family_condition(conn, words, fam.name, walk=False),
               membership(words, fam.name),
               ("SELECT 1 FROM record_grams WHERE record_grams MATCH ?",
                [match_expr(words, [fam.name])]))
    f.walk = lambda: family_condition(conn, words, fam.name, walk=True)
    return f


def _dates(fam: Family, flt) -> Filter | None:
    col, conds, args = fam.date_field, [], []
    for value, op in ((flt.date_from, ">="), (flt.date_to, "<=")):
        if value:
            conds.append(f"{{t}}{col} {op} ?"); args.append(value)
    if not conds:
        return None
    sql = " AND ".join(conds)
    return Filter("dates", (sql.format(t="t."), args), (sql.format(t="+t."), args),
                  (f"SELECT 1 FROM {fam.name} WHERE {sql.format(t='')}", args)
                  if col in indexed_columns(fam) else None)


def filters(conn: sqlite3.Connection, fam: Family, flt, levels, words: list[str]) -> list[Filter]:
    out = []
    if flt.unit_id and fam.unit_field:
        out.append(_column(fam, "unit", fam.unit_field, flt.unit_id))
    if flt.person_id:
        out.append(_person(fam, flt.person_id))
    if flt.type_value and fam.type_field:
        out.append(_column(fam, "type", fam.type_field, flt.type_value))
    if flt.status:
        out.append(_column(fam, "status", "status", flt.status))
    if flt.parent_id and fam.parent:
        out.append(_column(fam, "parent", fam.parent, flt.parent_id))
    dates = _dates(fam, flt)
    if dates is not None:
        out.append(dates)
    if flt.level and levels:
        out.append(_level(fam, flt.level, levels))
    if words:
        out.append(_text(conn, fam, words))
    return out


def _admits(conn: sqlite3.Connection, f: Filter, cap: int) -> int:
    sql, args = f.count
    return conn.execute(f"SELECT count(*) FROM ({sql} LIMIT ?)", [*args, cap]).fetchone()[0]


def choose(conn: sqlite3.Connection, fam: Family, fs: list[Filter], sort: str | None) -> str | None:
    """The key of the filter that drives (None: walk the sort index, ``sort``;
    a count passes None as ``sort`` and compares the sizes uncapped: it reads
    every row of the one it starts from anyway). See the module."""
    if sort is None:
        sizes = {f.key: _admits(conn, f, -1) for f in fs if f.count is not None}   # -1: no limit
        return min(sizes, key=lambda k: sizes[k]) if sizes else None
    # a walk meets a match every N/m rows: it tests about PAGE·N/m rows for a page,
    # a drive reads and sorts m; so a filter drives while m² < PAGE·N
    if not any(f.count is not None for f in fs):
        return None
    rows = conn.execute(f"SELECT max(rowid) FROM {fam.name}").fetchone()[0] or 0
    cap = max(DRIVE_MIN, isqrt(PAGE * rows))
    sizes = {f.key: _admits(conn, f, cap) for f in fs if f.count is not None}
    key = min(sizes, key=lambda k: sizes[k])
    # overdue items, a person's records: bunched in the list's order, not spread
    # through it, so a walk could cross long stretches without one
    if sort not in indexed_columns(fam) or sizes[key] < cap or UNEVEN & set(sizes):
        return key
    if sort == fam.date_field and "dates" in sizes:
        return "dates"                   # the sort index's own range
    return None


def conditions(fs: list[Filter], drive: str | None) -> tuple[list[str], list[Any]]:
    w, p = [], []
    for f in fs:
        if f.key == drive:
            sql, args = f.driven
        elif drive is None and f.walk is not None:
            sql, args = f.walk()
        else:
            sql, args = f.probe
        w.append(sql)
        p += args
    return w, p
