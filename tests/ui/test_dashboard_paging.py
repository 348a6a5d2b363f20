"""The dashboard reads counts and one page of the due list: cards count every
item, the table holds a page, 更多… adds the next, a card shows its level's page."""
from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.domain.deadlines import Level
from desktop_app.services import queries
from desktop_app.store import queries as store_queries
from uihelp import close_window, double_click_row


def _refreshed_in_pages_of_five(window, ctx, qtbot, monkeypatch):
    """The dashboard after 刷新 with pages of 5 rows, and the whole due list to compare with."""
    monkeypatch.setattr(store_queries, "PAGE", 5)
    dash = window.pages["dashboard"]
    with qtbot.waitSignal(dash.loaded, timeout=10_000):
        qtbot.mouseClick(next(b for b in dash.findChildren(type(dash.more)) if b.text() == "刷新"),
                         Qt.MouseButton.LeftButton)
    s = ctx.open_session()
    try:
        return dash, queries.due_list(s)
    finally:
        s.close()


def test_cards_count_all_and_pages_load_on_demand(window, ctx, qtbot, monkeypatch):
    dash, full = _refreshed_in_pages_of_five(window, ctx, qtbot, monkeypatch)
    counts = {lv: sum(1 for d in full if d.level is lv) for lv in dash.cards}
    assert {lv: int(card.number.text()) for lv, card in dash.cards.items()} == counts
    assert counts[Level.RED] > 5
    assert [r.payload[1] for r in dash.due_model.rows] == [d.id for d in full[:5]]
    assert dash.more.isVisibleTo(dash)
    qtbot.mouseClick(dash.more, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dash.due_model.rowCount() == 10)
    assert [r.payload[1] for r in dash.due_model.rows] == [d.id for d in full[:10]]
    qtbot.mouseClick(dash.cards[Level.YELLOW], Qt.MouseButton.LeftButton)
    yellow = [d for d in full if d.level is Level.YELLOW]
    qtbot.waitUntil(lambda: dash.due_model.rowCount() == min(5, len(yellow)) > 0)
    assert all(r.level is Level.YELLOW for r in dash.due_model.rows)
    assert f"{len(yellow)} 项" in dash.due_title.text()
    double_click_row(qtbot, dash.due_table, 0)
    opened = ctx.record_windows.all()
    assert len(opened) == 1 and opened[0].record.id == dash.due_model.rows[0].payload[1]
    close_window(opened[0])


def test_due_table_pages_in_as_it_scrolls(window, ctx, qtbot, monkeypatch):
    """Like every list, the due table brings its next page when scrolled to the
    end (Ctrl+End through real key events) until the whole list is there."""
    from PySide6.QtTest import QTest
    dash, due = _refreshed_in_pages_of_five(window, ctx, qtbot, monkeypatch)
    full = [d.id for d in due]
    model, table = dash.due_model, dash.due_table
    table.setFocus()
    while model.rowCount() < len(full):
        before = model.rowCount()
        QTest.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: model.rowCount() > before)
    assert [r.payload[1] for r in model.rows] == full
    assert not model.canFetchMore() and not dash.more.isVisibleTo(dash)
