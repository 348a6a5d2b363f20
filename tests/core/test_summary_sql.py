"""``summary`` from indexed queries equals what it printed when it built the
whole due list in Python: the same counts of each category (records not
voided), the same overdue and due-soon totals, the same first rows with the
same levels and working days left; ``--all`` gives the whole list."""
from __future__ import annotations

from desktop_app.domain.deadlines import Level
from desktop_app.domain.registry import FAMILIES
from desktop_app.services import queries, records


def former(s):
    """The former summary: every due item worked out in Python, then split."""
    due = queries.due_list(s)
    counts = {r[0]: r[1] for r in s.conn.execute(
        "SELECT family, count(*) FROM record_index WHERE voided = 0 GROUP BY family")}
    return ({name: counts.get(name, 0) for name in FAMILIES},
            [d.to_json() for d in due if d.level is not Level.RED],
            [d.to_json() for d in due if d.level is Level.RED])


def test_summary_equals_the_full_list(demo_session, monkeypatch):
    from desktop_app.store import queries as store_queries
    monkeypatch.setattr(store_queries, "PAGE", 3)        # many pages in the demo's list
    s = demo_session
    victim = s.conn.execute("SELECT id FROM talk WHERE voided = 0 LIMIT 1").fetchone()[0]
    records.void(s, "talk", victim, "错录")
    counts, soon, overdue = former(s)
    for rows in (1, 30, 10**6):
        got = queries.summary(s, rows=rows)
        assert got["counts"] == counts
        assert got["overdue_total"] == len(overdue) and got["due_soon_total"] == len(soon)
        assert got["overdue"] == overdue[:rows] and got["due_soon"] == soon[:rows]
    everything = queries.summary(s, rows=None)
    assert everything["overdue"] == overdue and everything["due_soon"] == soon
    assert len(overdue) > 10 and len(soon) > 10
    assert {d["level"] for d in soon} <= {"orange", "yellow"}


def test_due_list_is_the_pages_in_order(demo_session):
    s = demo_session
    items = queries.due_list(s)
    paged, key = [], None
    while True:
        page, key = queries.due_page(s, after=key, limit=7)
        paged += page
        if key is None:
            break
    assert items == paged and len(items) == sum(queries.due_counts(s).values())
