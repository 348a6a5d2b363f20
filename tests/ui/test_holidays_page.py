"""设置 › 节假日安排 driven as a clerk does: a year's notice typed row by row (a bad
make-up day refused with one Chinese line, nothing saved), the page and the date
fields use the new table at once, the rest-day switch, and the dashboard's reminder
from 1 November."""
from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from desktop_app.services import holidays
from ui.pages.holidays_dialog import HolidayTableDialog
from ui.pages.navigation import DASHBOARD, HOLIDAYS

from uihelp import type_text

ROWS = [("元旦", "2027-01-01", "2027-01-03", ""),
        ("春节", "2027-02-06", "2027-02-14", "2027-02-17")]      # 02-17 is a Wednesday


def _dialog():
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, HolidayTableDialog) and w.isVisible()]
    assert len(found) == 1
    return found[0]


def _type_cell(qtbot, table, row: int, col: int, text: str) -> None:
    """F2 opens the cell's editor, as for a clerk; Tab commits it."""
    from PySide6.QtWidgets import QLineEdit
    table.setCurrentCell(row, col)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = next(w for w in table.viewport().findChildren(QLineEdit) if w.isVisible())
    editor.selectAll()
    type_text(qtbot, editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert table.item(row, col).text() == text


def _stored(ctx, year):
    s = ctx.open_session()
    try:
        info = holidays.show(s, year)
        audit = s.conn.execute("SELECT count(*) FROM audit_log WHERE action = '录入节假日安排'").fetchone()[0]
        return info, audit
    finally:
        s.close()


def test_enter_next_years_notice(window, ctx, qtbot, answers):
    page = window.show_page(HOLIDAYS)
    assert [i.year for i in page.infos] == [2025, 2026]
    assert page.model.rowCount() == 7 and "随程序提供" in page.notice.text()
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    d = _dialog()
    assert d.year.value() == 2027
    type_text(qtbot, d.notice, "国务院办公厅关于2027年部分节假日安排的通知（测试用）")
    type_text(qtbot, d.issued.line, "2026-11-10")
    d.rows.setRowCount(0)
    for cells in ROWS:
        qtbot.mouseClick(next(b for b in d.findChildren(type(page.new_button)) if b.text() == "添加一行"),
                         Qt.MouseButton.LeftButton)
        for col, text in enumerate(cells):
            if text:
                _type_cell(qtbot, d.rows, d.rows.rowCount() - 1, col, text)
    save = d.buttons.button(d.buttons.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert d.isVisible() and "不是周六或周日" in d.error.text()
    assert _stored(ctx, 2027) == (None, 0)                          # nothing saved
    _type_cell(qtbot, d.rows, 1, 3, "2027-02-20")                   # a Saturday
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not d.isVisible())
    info, audited = _stored(ctx, 2027)
    assert info.source == "本机关录入" and audited == 1
    assert [h.name for h in info.table.holidays] == ["元旦", "春节"]
    assert "已保存" in answers.infos[-1]
    assert [i.year for i in page.infos] == [2025, 2026, 2027] and page.current_year() == 2027
    # date fields know the new table at once
    assert ctx.calendar.has_table(2027) and not ctx.calendar.is_working_day(date(2027, 2, 8))


def test_rest_day_switch(window, ctx, qtbot, answers):
    page = window.show_page(HOLIDAYS)
    assert page.shift.isChecked() and page.shift.text() == "遇节假日顺延至下一工作日"
    on_box = QPoint(8, page.shift.height() // 2)                     # the tick box itself
    answers.yes = False
    qtbot.mouseClick(page.shift, Qt.MouseButton.LeftButton, pos=on_box)
    assert page.shift.isChecked() and "不再遇节假日顺延至下一工作日" in answers.questions[-1]
    answers.yes = True
    qtbot.mouseClick(page.shift, Qt.MouseButton.LeftButton, pos=on_box)
    assert answers.errors == []
    assert not page.shift.isChecked() and ctx.calendar.rest_day_shift is False
    s = ctx.open_session()
    try:
        assert s.calendar.rest_day_shift is False
    finally:
        s.close()


def test_dashboard_reminds_from_first_of_november(app, demo_dir, qtbot):
    from ui.context import AppContext
    from ui.main_window import MainWindow

    def nov():
        return datetime(2026, 11, 20, 9, 0, 0)
    ctx = AppContext.load(demo_dir, clock=nov, synchronous=True, user="测试录入员",
                          error_handler=lambda exc, parent: (_ for _ in ()).throw(exc))
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    dash = w.show_page(DASHBOARD)
    notice = dash.holiday_notice
    assert notice.isVisible() and "2027 年的节假日安排尚未录入" in notice.text()
    notice.linkActivated.emit("holidays")
    assert w.current_key() == HOLIDAYS
    w.close()
