"""Whichever filter drives a list (``store.list_plan``: the smallest filter's
index or set, or a walk of the sort index), the rows, their order, the page
keys and the count are the same: every choice is forced in turn for filters
of every kind, alone and combined, and compared page by page."""
from __future__ import annotations

import itertools

import pytest

from desktop_app.services import queries, records
from desktop_app.services.queries import ListFilter
from desktop_app.store import list_plan, list_search


def _pages(s, family, flt, sort, descending, limit=7):
    out, after = [], None
    while True:
        page, after = queries.list_records(s, family, flt, sort=sort, descending=descending,
                                           after=after, limit=limit)
        out.append(([r.id for r in page], after))
        if after is None:
            return out


def _filters(s):
    c = s.conn
    one = lambda sql, *a: c.execute(sql, a).fetchone()[0]
    unit = one("SELECT unit_id FROM talk WHERE unit_id IS NOT NULL GROUP BY unit_id ORDER BY count(*) DESC")
    person = one("SELECT person_id FROM record_link WHERE family = 'talk' GROUP BY person_id"
                 " ORDER BY count(*) DESC")
    status = one("SELECT status FROM talk GROUP BY status ORDER BY count(*) DESC")
    kind = one("SELECT talk_type FROM talk GROUP BY talk_type ORDER BY count(*) DESC")
    parts = {"unit": dict(unit_id=unit), "person": dict(person_id=person),
             "status": dict(status=status), "type": dict(type_value=kind),
             "dates": dict(date_from="2024-01-01", date_to="2026-06-30"), "text": dict(text="约谈"),
             "text2": dict(text="整改 情况")}
    combos = [dict(p) for p in parts.values()]
    combos += [{**a, **b} for a, b in itertools.combinations(parts.values(), 2)
               if not ("text" in a and "text" in b)]
    return [ListFilter(**kw) for kw in combos] + [ListFilter(unit_id=unit, include_voided=True)]


def _forced(monkeypatch, key):
    monkeypatch.setattr(list_plan, "choose", lambda conn, fam, fs, sort: key)


@pytest.fixture
def talk_session(demo_session):
    s = demo_session
    victim = s.conn.execute("SELECT id FROM talk WHERE voided = 0 LIMIT 1").fetchone()[0]
    records.void(s, "talk", victim, "错录")
    return s


def test_every_plan_gives_the_same_pages_and_counts(talk_session, monkeypatch):
    s = talk_session
    monkeypatch.setattr(list_search, "applies", lambda *a: False)   # the general plans only
    for flt in _filters(s):
        for sort, desc in (("talk_date", True), ("status", False), ("ledger_no", True)):
            want = (_pages(s, "talk", flt, sort, desc), queries.count_records(s, "talk", flt))
            keys = [None, "unit", "person", "status", "type", "dates", "text"]
            for key in keys:
                with monkeypatch.context() as m:
                    _forced(m, key)
                    got = (_pages(s, "talk", flt, sort, desc), queries.count_records(s, "talk", flt))
                assert got == want, (flt, sort, key)
    assert want[1] >= 0


def test_warning_levels_by_either_plan(demo_session, monkeypatch):
    s = demo_session
    for level in ("red", "orange", "yellow"):
        for family in ("rect_item", "talk", "letter"):
            flt = ListFilter(level=level)
            want = (_pages(s, family, flt, None, True, 5), queries.count_records(s, family, flt))
            for key in (None, "level"):
                with monkeypatch.context() as m:
                    _forced(m, key)
                    got = (_pages(s, family, flt, None, True, 5), queries.count_records(s, family, flt))
                assert got == want, (level, family, key)
    red = queries.count_records(s, "rect_item", ListFilter(level="red"))
    assert red > 0


def test_the_smallest_filter_drives_and_common_ones_walk(demo_session, monkeypatch):
    s = demo_session
    talk = queries.family("talk")
    person = s.conn.execute("SELECT person_id FROM record_link WHERE family = 'talk' LIMIT 1").fetchone()[0]
    status = s.conn.execute("SELECT status FROM talk GROUP BY 1 ORDER BY count(*) DESC").fetchone()[0]
    fs = list_plan.filters(s.conn, talk, ListFilter(person_id=person, status=status), None, [])
    assert list_plan.choose(s.conn, talk, fs, "talk_date") == "person"
    monkeypatch.setattr(list_plan, "DRIVE_MIN", 1)        # as if every filter admitted thousands
    monkeypatch.setattr(list_plan, "PAGE", 0)
    fs = list_plan.filters(s.conn, talk, ListFilter(status=status), None, [])
    assert list_plan.choose(s.conn, talk, fs, "talk_date") is None          # walk the date index
    assert list_plan.choose(s.conn, talk, fs, "ledger_no") == "status"      # no index to walk
    assert list_plan.choose(s.conn, talk, fs, None) == "status"             # a count
