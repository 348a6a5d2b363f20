"""The demo county's history reads like a real one: finished rectification items and
meeting tasks are dated around their deadlines (mostly on time, some late), not all on
the day the demo was generated, so its 按期率 is neither 0 % nor 100 %."""
from __future__ import annotations

from desktop_app.services import records


def _done(conn, table: str, field: str, due: str) -> list[tuple[str, str]]:
    return conn.execute(f"SELECT {field}, {due} FROM {table} WHERE status = '已完成' "
                        f"AND voided = 0").fetchall()


def test_demo_completions_spread_around_their_deadlines(demo_session):
    for table, field, due in (("rect_item", "completed_date", "coalesce(extended_to, deadline)"),
                              ("meeting_task", "done_date", "deadline")):
        rows = _done(demo_session.conn, table, field, due)
        assert len(rows) >= 10, table
        on_time = sum(done <= deadline for done, deadline in rows)
        assert 0.6 * len(rows) <= on_time < len(rows), (table, on_time, len(rows))
        assert len({done for done, _ in rows}) > len(rows) // 4, table


def test_a_clerk_completing_an_item_dates_it_today(demo_session):
    row = demo_session.conn.execute(
        "SELECT id FROM rect_item WHERE status = '整改中' AND voided = 0 LIMIT 1").fetchone()
    saved = records.set_status(demo_session, "rect_item", row[0], "已完成")
    assert saved.record.get("completed_date") == demo_session.today().isoformat()

