"""The gram index answers exactly what scanning every record's text answers.

The reference below is the search as it was before the gram index (``instr``
over every record's text, ranked title first, then newest): for hundreds of 1-,
2-, 3- and 4-character queries taken from the demo data (common and rare
characters, punctuation, Latin letters in both cases, digits), several terms,
family filters and voided records, both give the same hits in the same rank order.
"""
from __future__ import annotations

import random
from collections import Counter

import pytest

from desktop_app.domain.registry import FAMILIES
from desktop_app.services import queries, records
from desktop_app.services.queries import ListFilter
from desktop_app.store.search import search, terms


def reference(conn, text, families=None, include_voided=False):
    """The former path: every term an instr over every record's text."""
    words = terms(text)
    if not words:
        return []
    sql = ("SELECT family, id, main_date, " + " + ".join(["(instr(title, ?) = 0)"] * len(words))
           + " AS miss FROM record_index WHERE "
           + " AND ".join(["instr(title || char(10) || body, ?) > 0"] * len(words)))
    args = words + words
    if not include_voided:
        sql += " AND voided = 0"
    if families:
        sql += f" AND family IN ({','.join('?' * len(families))})"
        args += families
    return [tuple(r) for r in conn.execute(sql + " ORDER BY miss, main_date DESC", args)]


def _same(conn, text, **kw):
    want = reference(conn, text, **kw)
    got = search(conn, text, limit=10**6, **kw)
    assert {(h.family, h.id) for h in got} == {(r[0], r[1]) for r in want}, text
    rank = {(r[0], r[1]): (r[3], (r[2] or "")[:10]) for r in want}
    keys = [rank[(h.family, h.id)] for h in got]
    # same order up to records of equal rank (same title test and same day; within a
    # day the gram index gives the record written last first)
    assert keys == sorted(keys, key=lambda k: (k[0], _desc(k[1]))), text
    return len(want)


def _desc(date_text):
    return tuple(-ord(c) for c in date_text) + (1,)


@pytest.fixture
def queries_from_data(demo_session):
    rng = random.Random(4)
    bodies = [r[0] for r in demo_session.conn.execute("SELECT title || char(10) || body FROM record_index")]
    chars = Counter(c for b in bodies for c in b if not c.isspace())
    pairs = Counter(b[i:i + 2] for b in bodies for i in range(len(b) - 1)
                    if not (b[i].isspace() or b[i + 1].isspace()))
    common = [c for c, _ in chars.most_common(60)]
    rare = sorted(chars, key=lambda c: (chars[c], c))[:40]
    two = [p for p, _ in pairs.most_common(60)] + rng.sample(sorted(pairs), 120)
    long = [b[i:i + n] for b in rng.sample(bodies, 60) for n in (3, 4)
            for i in [rng.randrange(max(1, len(b) - n))] if not any(c.isspace() for c in b[i:i + n])]
    return common, rare, two, long


def test_short_queries_equal_the_scan(demo_session, queries_from_data):
    common, rare, two, _ = queries_from_data
    conn = demo_session.conn
    found = [_same(conn, q) for q in common + rare + two]
    assert min(found[:60]) > 10 and all(found)          # common characters match many records
    for q in ["·", "、", "（", "-", "A", "a", "Z", "0", "2026", "CN", "cn", "谈", "）。", "龘", "😀"]:
        _same(conn, q)


def test_long_and_several_terms_equal_the_scan(demo_session, queries_from_data):
    common, _, two, long = queries_from_data
    conn = demo_session.conn
    for q in long:
        assert _same(conn, q)
    rng = random.Random(9)
    for _ in range(40):
        _same(conn, " ".join(rng.sample(common[:20] + two[:20] + long[:10], rng.randint(2, 5))))


def test_family_filter_and_voided(demo_session, queries_from_data):
    common, _, two, _ = queries_from_data
    conn = demo_session.conn
    talk = conn.execute("SELECT id FROM talk WHERE voided = 0 LIMIT 1").fetchone()[0]
    records.void(demo_session, "talk", talk, "错录")
    for q in common[:10] + two[:10]:
        _same(conn, q, families=["talk", "rect_item"])
        _same(conn, q, families=["meeting"])
        _same(conn, q, include_voided=True)


def test_edits_keep_the_index_exact(demo_session):
    conn = demo_session.conn
    rid = conn.execute("SELECT id FROM rect_item WHERE voided = 0 AND status = '未启动'").fetchone()[0]
    records.update(demo_session, "rect_item", rid, {"problem": "罕见字甄甪问题", "deadline": "2026-12-31"})
    assert [h.id for h in search(conn, "甄甪")] == [rid]
    records.update(demo_session, "rect_item", rid, {"problem": "另一个问题", "deadline": "2027-01-04"})
    assert search(conn, "甄甪") == [] and search(conn, "甄") == []
    assert rid in [h.id for h in search(conn, "另一个问题")]
    _same(conn, "问题")


@pytest.mark.parametrize("text_walk, drive_max", [(0.0, 1), (1.1, 1), (1.1, 10**6)],
                         ids=["walk-text", "walk-set", "fetch-matches"])
def test_search_inside_a_list_equals_the_scan(demo_session, queries_from_data, monkeypatch,
                                              text_walk, drive_max):
    from desktop_app.store import search as search_module
    monkeypatch.setattr(search_module, "TEXT_WALK", text_walk)
    monkeypatch.setattr(search_module, "DRIVE_MAX", drive_max)
    _general_plan(monkeypatch)          # the plans for lists with other filters too
    common, _, two, long = queries_from_data
    s = demo_session
    for q in common[:15] + two[:25] + long[:10]:
        want = {r[0] for r in s.conn.execute(
            "SELECT t.id FROM talk t JOIN record_index ri ON ri.family = 'talk' AND ri.id = t.id"
            " WHERE t.voided = 0 AND instr(ri.title || char(10) || ri.body, ?) > 0", (q,))}
        got, after = set(), None
        while True:
            page, after = queries.list_records(s, "talk", ListFilter(text=q), after=after, limit=50)
            got |= {r.id for r in page}
            if after is None:
                break
        assert got == want, q
        assert queries.count_records(s, "talk", ListFilter(text=q)) == len(want)


def _pages(s, family, flt, descending, limit):
    """Every page of a list, in order, as (ids, next key) pairs."""
    out, after = [], None
    while True:
        page, after = queries.list_records(s, family, flt, descending=descending, after=after,
                                           limit=limit)
        out.append(([r.id for r in page], after))
        if after is None:
            return out


def _general_plan(monkeypatch):
    """The list's general plan (walk the sort index or fetch the matches), as before."""
    from desktop_app.store import list_search
    monkeypatch.setattr(list_search, "applies", lambda *a: False)


def _same_day_talks(s, day: str, n: int, word: str) -> list[str]:
    """``n`` talks moved to one day with ``word`` in their reason: ties within a day."""
    ids = [r[0] for r in s.conn.execute(
        "SELECT id FROM talk WHERE voided = 0 ORDER BY id LIMIT ?", (n,))]
    for rid in ids:
        records.update(s, "talk", rid, {"talk_date": day, "reason": f"{word}有关情况"})
    return ids


@pytest.mark.parametrize("family", ["talk", "rect_item", "person", "letter"])
def test_list_search_by_grams_equals_the_general_plan(demo_session, queries_from_data,
                                                      monkeypatch, family):
    """The search box read from the gram index in date order (``store.list_search``)
    gives the rows, the order, the page keys and the count of the general plan:
    newest and oldest first, small pages that end inside a day, date ranges,
    voided records hidden and shown."""
    from desktop_app.store import list_search
    s = demo_session
    common, rare, two, long = queries_from_data
    moved = _same_day_talks(s, "2025-06-18", 9, "甄别")
    records.void(s, "talk", moved[0], "错录")
    words = common[:6] + rare[:3] + two[:8] + long[:4] + ["甄别", "甄", "甄别 有关", "龘"]
    filters = [ListFilter(text=w) for w in words]
    filters += [ListFilter(text=w, include_voided=True) for w in ("甄别", common[0])]
    filters += [ListFilter(text=w, date_from="2025-01-01", date_to="2025-12-31")
                for w in ("甄别", common[1], two[0])]
    filters += [ListFilter(text=common[2], date_from="2025-06-18"),
                ListFilter(text=common[3], date_to="2024-02-29")]
    assert all(list_search.applies(FAMILIES[family], f, FAMILIES[family].date_field)
               for f in filters)
    new = {(f, d, n): (_pages(s, family, f, d, n), queries.count_records(s, family, f))
           for f in filters for d in (True, False) for n in (3, 200)}
    _general_plan(monkeypatch)
    for (f, d, n), got in new.items():
        want = (_pages(s, family, f, d, n), queries.count_records(s, family, f))
        assert got == want, (f, d, n)
    if family == "talk":
        assert new[(ListFilter(text="甄别"), True, 3)][1] == 8
        assert new[(ListFilter(text="甄别", include_voided=True), True, 3)][1] == 9


def test_other_filters_keep_the_general_plan(demo_session):
    from desktop_app.store import list_search
    talk = FAMILIES["talk"]
    assert list_search.applies(talk, ListFilter(text="约谈"), "talk_date")
    assert not list_search.applies(talk, ListFilter(text="约谈"), "status")
    assert not list_search.applies(talk, ListFilter(text="  "), "talk_date")
    assert not list_search.applies(talk, ListFilter(), "talk_date")
    for other in (dict(unit_id="u"), dict(person_id="p"), dict(status="已谈话"), dict(level="red"),
                  dict(type_value="谈心谈话")):
        assert not list_search.applies(talk, ListFilter(text="约谈", **other), "talk_date")
