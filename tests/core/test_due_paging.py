"""The dashboard's due list from indexed SQL: counts by level and keyset pages
give exactly what the full due list computes item by item."""
from __future__ import annotations

from collections import Counter

import pytest

from desktop_app.domain.deadlines import Level
from desktop_app.services import queries, records


def _all_pages(s, level, limit):
    out, after = [], None
    while True:
        page, after = queries.due_page(s, level, after=after, limit=limit)
        assert len(page) <= limit
        out += page
        if after is None:
            return out


def test_counts_and_pages_equal_the_full_list(demo_session):
    full = queries.due_list(demo_session)
    assert {d.level for d in full} == {Level.RED, Level.ORANGE, Level.YELLOW} or len(full) > 20
    counts = queries.due_counts(demo_session)
    assert counts == {lv: Counter(d.level for d in full)[lv] for lv in (Level.RED, Level.ORANGE, Level.YELLOW)}
    assert sum(counts.values()) == len(full) > 0
    assert _all_pages(demo_session, None, 7) == full
    for level in (Level.RED, Level.ORANGE, Level.YELLOW):
        assert _all_pages(demo_session, level, 5) == [d for d in full if d.level is level]
    first, key = queries.due_page(demo_session, limit=3)
    assert first == full[:3] and key is not None


def test_completed_item_leaves_counts_and_pages(demo_session):
    before = queries.due_counts(demo_session)
    item = next(d for d in queries.due_list(demo_session)
                if d.family == "rect_item" and d.level is Level.RED)
    if records.get(demo_session, "rect_item", item.id).status == "未启动":
        records.set_status(demo_session, "rect_item", item.id, "整改中")
    records.set_status(demo_session, "rect_item", item.id, "已完成")
    after = queries.due_counts(demo_session)
    assert after[Level.RED] == before[Level.RED] - 1
    assert item.id not in {d.id for d in _all_pages(demo_session, Level.RED, 50)}


def test_yellow_threshold_setting_moves_items(demo_session):
    full_before = queries.due_counts(demo_session)
    demo_session.conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES"
                              " ('warning.yellow_working_days', '0')")
    counts = queries.due_counts(demo_session)
    assert counts[Level.YELLOW] == 0 and counts[Level.RED] == full_before[Level.RED]
    assert queries.due_page(demo_session, Level.YELLOW) == ([], None)


def test_page_query_reads_the_partial_index(demo_session):
    plan = " ".join(r[3] for r in demo_session.conn.execute(
        "EXPLAIN QUERY PLAN SELECT d.family FROM deadline d INDEXED BY deadline_open"
        " WHERE d.active = 1 AND d.done_date IS NULL AND d.due_date <= '2026-12-01'"
        " ORDER BY d.due_date, d.family, d.id, d.kind LIMIT 200"))
    assert "deadline_open" in plan and "TEMP B-TREE" not in plan
    from desktop_app.store.queries import DUE_COUNTS
    plan = " ".join(r[3] for r in demo_session.conn.execute(
        "EXPLAIN QUERY PLAN " + DUE_COUNTS, {"today": "2026-11-27", "cutoff": "2026-12-04"}))
    assert "COVERING INDEX deadline_open" in plan
