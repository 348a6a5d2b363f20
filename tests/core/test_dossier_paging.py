"""The 廉政档案 read page by page off record_link's key equals what the former
query gave (every record naming the person, joined to the index, in date order),
for every person of the demo county; the counts per category equal a count of
those records; voiding and re-dating a record move it out or along."""
from __future__ import annotations

import pytest

from desktop_app.services import queries, records
from desktop_app.store import dossier as store


def reference(conn, person_id):
    """The former query: links joined to the index, voided left out, in date order."""
    return [(r[0], r[1], r[2], r[3], r[4], sorted(r[5].split(","))) for r in conn.execute(
        "SELECT ri.family, ri.id, ri.title, ri.main_date, ri.status, group_concat(l.field)"
        " FROM record_link l JOIN record_index ri ON ri.family = l.family AND ri.id = l.id"
        " WHERE l.person_id = ? AND l.field != 'self' AND ri.voided = 0"
        " GROUP BY ri.family, ri.id ORDER BY ri.main_date, ri.family, ri.id", (person_id,))]


def paged(conn, person_id, limit):
    out, after = [], None
    while True:
        rows, after = store.dossier_page(conn, person_id, after=after, limit=limit)
        out += [(r["family"], r["id"], r["title"], r["main_date"], r["status"],
                 sorted(r["roles"].split(","))) for r in rows]
        if after is None:
            return out


def counted(conn, person_id):
    out = {}
    for family, *_ in reference(conn, person_id):
        out[family] = out.get(family, 0) + 1
    return out


def test_every_person_pages_equal_the_former_query(demo_session):
    conn = demo_session.conn
    people = [r[0] for r in conn.execute(
        "SELECT person_id FROM record_link GROUP BY person_id ORDER BY count(*) DESC")]
    assert len(people) > 50
    busiest = reference(conn, people[0])
    assert len(busiest) > 20
    for person_id in people:
        want = reference(conn, person_id)
        for limit in (1, 3, 200):
            assert paged(conn, person_id, limit) == want, (person_id, limit)
        assert store.dossier_counts(conn, person_id) == counted(conn, person_id)


def test_service_first_page_then_more(demo_session):
    s = demo_session
    person_id = s.conn.execute("SELECT person_id FROM record_link WHERE field != 'self'"
                               " GROUP BY person_id ORDER BY count(*) DESC").fetchone()[0]
    want = [(r[0], r[1]) for r in reference(s.conn, person_id)]
    d = queries.dossier(s, person_id, limit=5)
    assert [(e.family, e.id) for e in d.entries] == want[:5] and d.next_key is not None
    assert d.total == len(want) and list(d.counts) == [f for f in queries.FAMILIES if f in d.counts]
    more, key = queries.dossier_more(s, person_id, d.next_key, limit=5)
    assert [(e.family, e.id) for e in more] == want[5:10]
    assert [(e.family, e.id) for e in queries.dossier_entries(s, d)] == want
    opened = s.conn.execute("SELECT count(*) FROM audit_log WHERE action = '查阅廉政档案'"
                            " AND record_id = ?", (person_id,)).fetchone()[0]
    assert opened == 1                  # the next pages are not a new opening


@pytest.fixture
def named(session, person, unit):
    made = [records.create(session, "talk", {"talk_type": "约谈", "reason": "事由", "person_ids": [person.id],
                                             "talkers": "甲", "talk_date": d}).record
            for d in ("2026-11-20", "2026-03-01", "2026-07-15")]
    return session, person, made


def test_writes_keep_the_links_in_order(named):
    s, person, made = named
    conn = s.conn
    assert [r[1] for r in paged(conn, person.id, 2)] == [made[1].id, made[2].id, made[0].id]
    records.update(s, "talk", made[0].id, {"talk_date": "2026-01-02"})      # re-dated: moves
    assert [r[1] for r in paged(conn, person.id, 2)] == [made[0].id, made[1].id, made[2].id]
    records.void(s, "talk", made[1].id, "错录")                               # voided: out
    assert [r[1] for r in paged(conn, person.id, 2)] == [made[0].id, made[2].id]
    assert store.dossier_counts(conn, person.id) == {"talk": 2}
    assert paged(conn, person.id, 2) == reference(conn, person.id)


def test_a_record_naming_the_person_twice_counts_once(named, monkeypatch):
    """No family has two person fields today; were one to, a record naming the
    person in both is one entry with both roles, and counted once."""
    s, person, made = named
    conn = s.conn
    link = conn.execute("SELECT * FROM record_link WHERE person_id = ? AND id = ?",
                        (person.id, made[0].id)).fetchone()
    conn.execute("INSERT INTO record_link (person_id, voided, main_date, family, id, field)"
                 " VALUES (?, ?, ?, ?, ?, 'talkers')", tuple(link)[:5])
    conn.commit()
    monkeypatch.setattr(store, "_roles_per_record", lambda: True)
    rows = paged(conn, person.id, 1)
    assert [r[1] for r in rows] == [made[1].id, made[2].id, made[0].id]
    assert rows[-1][5] == ["person_ids", "talkers"]
    assert store.dossier_counts(conn, person.id) == {"talk": 3}
    assert rows == reference(conn, person.id)
