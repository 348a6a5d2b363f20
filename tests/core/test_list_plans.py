"""List pages walk the family's sort index (col, voided) and break ties by rowid
(issue 14: the index no longer carries the 36-character id). Paging through ties
and voided rows still gives every row once, in the index's order, and no list
statement sorts on its own."""
from __future__ import annotations

import pytest

from desktop_app.domain.registry import FAMILIES
from desktop_app.services import queries, records
from desktop_app.store import queries as q

SORTS = ("status", "updated_at", None)       # None: the family's date


def _void_some(s, family, n=3):
    ids = [r[0] for r in s.conn.execute(f"SELECT id FROM {family} WHERE voided = 0 LIMIT ?", (n,))]
    for rid in ids:
        records.void(s, family, rid, "错录")
    return set(ids)


def _walk(s, family, sort, desc, include_voided):
    flt = q.ListFilter(include_voided=include_voided)
    seen, key = [], None
    while True:
        page, key = q.list_page(s.conn, FAMILIES[family], flt, sort=sort, descending=desc,
                                after=key, limit=23)
        seen += page
        if key is None:
            return seen


@pytest.mark.parametrize("family", ["talk", "rect_item", "letter"])
def test_pages_through_ties_and_voided_rows_give_every_row_once_in_order(demo_session, family):
    s = demo_session
    voided = _void_some(s, family)
    rowid = dict(s.conn.execute(f"SELECT id, rowid FROM {family}"))
    for sort in SORTS:
        col = sort or FAMILIES[family].date_field
        for desc in (True, False):
            for include_voided in (False, True):
                seen = _walk(s, family, sort, desc, include_voided)
                ids = [r.id for r in seen]
                assert len(ids) == len(set(ids))
                assert set(ids) == {r[0] for r in s.conn.execute(
                    f"SELECT id FROM {family}" + ("" if include_voided else " WHERE voided = 0"))}
                assert bool(voided & set(ids)) == include_voided
                # NULLs first ascending, last descending (SQLite's order), ties by voided, rowid
                keys = [((r.values.get(col, getattr(r, col, None)) is not None),
                         r.values.get(col, getattr(r, col, None)) or "", r.voided, rowid[r.id])
                        for r in seen]
                assert keys == sorted(keys, reverse=desc)


def test_every_list_statement_walks_an_index(demo_session):
    s = demo_session
    _void_some(s, "talk")
    statements = []
    s.conn.set_trace_callback(statements.append)
    for fam in FAMILIES.values():
        for sort in SORTS:
            for desc in (True, False):
                for include_voided in (False, True):
                    flt = q.ListFilter(include_voided=include_voided)
                    _, key = q.list_page(s.conn, fam, flt, sort=sort, descending=desc, limit=5)
                    if key is not None:
                        q.list_page(s.conn, fam, flt, sort=sort, descending=desc, after=key, limit=5)
    s.conn.set_trace_callback(None)
    selects = [sql for sql in dict.fromkeys(statements) if sql.lstrip().startswith("SELECT")]
    assert len(selects) > 4 * len(FAMILIES)
    for sql in selects:
        plan = [r[3] for r in s.conn.execute("EXPLAIN QUERY PLAN " + sql)]
        assert any("USING INDEX" in p for p in plan) and not any("TEMP B-TREE" in p for p in plan), (sql, plan)
    assert queries.count_records(s, "talk") > 0
