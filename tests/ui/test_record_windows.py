"""Record windows have a life cycle a clerk can trust: a double-click opens a
record once, opening it again raises the open window, a closed window is gone
from every list, and unsaved changes are asked about once."""
from __future__ import annotations

from PySide6.QtCore import Qt

from ui.pages.navigation import DASHBOARD, DOSSIER, SEARCH

from uihelp import close_window, double_click_row, open_dialogs, record_windows, type_text


def _open_by_double_click(qtbot, page, row=0):
    double_click_row(qtbot, page.table, row)
    qtbot.waitUntil(lambda: len(open_dialogs()) == 1)
    return open_dialogs()[0]


def test_open_close_open_cycle_from_a_list(window, ctx, qtbot, answers):
    page = window.show_page("talk")
    for _ in range(3):
        d = _open_by_double_click(qtbot, page)
        qtbot.waitUntil(lambda: d.record is not None)
        assert d.record.id == page.model.rows[0].id
        close_window(d)
        assert record_windows() == [] and len(ctx.record_windows) == 0
    ctx.bus.new_record.emit("talk", {})          # 新建 after a closed window: no error either
    assert len(open_dialogs()) == 1
    close_window(open_dialogs()[0])
    assert not answers.errors and record_windows() == []


def test_a_double_click_opens_the_record_once(window, ctx, qtbot):
    page = window.show_page("talk")
    double_click_row(qtbot, page.table, 1)
    qtbot.waitUntil(lambda: len(open_dialogs()) == 1)
    d = open_dialogs()[0]
    rid = page.model.rows[1].id
    ctx.bus.open_record.emit("talk", rid)       # again, from anywhere: the same window
    assert open_dialogs() == [d] and len(record_windows()) == 1
    close_window(d)


def test_every_view_opens_its_record_once_by_double_click_and_by_enter(window, ctx, qtbot):
    dash = window.show_page(DASHBOARD)
    qtbot.waitUntil(lambda: dash.data is not None)
    views = [dash.due_table, dash.recent_table]
    for view in views:
        double_click_row(qtbot, view, 0)
        qtbot.waitUntil(lambda: len(open_dialogs()) == 1)
        assert len(record_windows()) == 1
        close_window(open_dialogs()[0])
        view.setFocus()
        view.setCurrentIndex(view.model().index(0, 0))
        qtbot.keyClick(view, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: len(open_dialogs()) == 1)
        assert len(record_windows()) == 1
        close_window(open_dialogs()[0])
    search = window.show_page(SEARCH)
    type_text(qtbot, search.box, "整改")
    qtbot.waitUntil(lambda: search.model.rowCount() > 0)
    double_click_row(qtbot, search.table, 0)
    qtbot.waitUntil(lambda: len(open_dialogs()) == 1)
    assert len(record_windows()) == 1
    close_window(open_dialogs()[0])


def test_child_windows_follow_the_same_rules(window, ctx, qtbot):
    page = window.show_page("rectification")
    d = _open_by_double_click(qtbot, page)
    qtbot.waitUntil(lambda: d.record is not None)
    items = next(p for p in d.children if p.child.name == "rect_item")
    qtbot.waitUntil(lambda: items.model.rowCount() > 0)
    d.tabs.setCurrentWidget(items)
    for _ in range(2):
        double_click_row(qtbot, items.table, 0)
        qtbot.waitUntil(lambda: len(open_dialogs()) == 2)
        child = next(w for w in open_dialogs() if w is not d)
        assert child.fam.name == "rect_item" and len(record_windows()) == 2
        close_window(child)
        assert record_windows() == [d]
    close_window(d)
    assert record_windows() == []


def test_unsaved_changes_are_asked_about_once(window, ctx, qtbot, answers):
    page = window.show_page("talk")
    d = _open_by_double_click(qtbot, page)
    qtbot.waitUntil(lambda: d.record is not None)
    type_text(qtbot, d.form.editors["talkers"], "某某")
    answers.yes = False
    close_window(d)
    assert d.isVisible() and len(answers.questions) == 1
    answers.yes = True
    close_window(d)
    assert len(answers.questions) == 2 and record_windows() == []


def test_closing_the_main_window_asks_once_for_all_open_changes(window, ctx, qtbot, answers):
    page = window.show_page("rectification")
    d = _open_by_double_click(qtbot, page)
    qtbot.waitUntil(lambda: d.record is not None)
    type_text(qtbot, d.form.editors["responsible_text"], "某")
    items = next(p for p in d.children if p.child.name == "rect_item")
    qtbot.waitUntil(lambda: items.model.rowCount() > 0)
    d.tabs.setCurrentWidget(items)
    double_click_row(qtbot, items.table, 0)
    qtbot.waitUntil(lambda: len(open_dialogs()) == 2)
    child = next(w for w in open_dialogs() if w is not d)
    qtbot.waitUntil(lambda: child.record is not None)
    type_text(qtbot, child.form.editors["problem"], "改")
    answers.yes = False
    window.close()
    assert window.isVisible() and len(open_dialogs()) == 2
    assert answers.questions == ["2 个记录窗口中有尚未保存的修改。不保存就关闭吗？"]
    answers.yes = True
    close_window(window)
    assert len(answers.questions) == 2 and record_windows() == [] and not window.isVisible()


def test_dossier_from_a_person_window_closes_it(window, ctx, qtbot, answers):
    page = window.show_page("person")
    d = _open_by_double_click(qtbot, page)
    qtbot.waitUntil(lambda: d.record is not None)
    button = next(b for b in d.findChildren(type(d.save_button)) if b.text() == "廉政档案")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    close_window_events()
    assert record_windows() == [] and window.current_key() == DOSSIER and not answers.questions


def close_window_events():
    from PySide6.QtCore import QCoreApplication, QEvent
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_a_window_closed_before_its_record_arrives(app, demo_dir, qtbot, answers):
    """With the real thread pool: the clerk closes the window at once; the record,
    its names and its 发文 arrive for a window that is gone, and nothing breaks."""
    from ui.forms.record_dialog import open_record_dialog

    from uihelp import make_ctx
    ctx = make_ctx(demo_dir, synchronous=False)
    s = ctx.open_session()
    rect = s.conn.execute("SELECT id FROM rectification LIMIT 1").fetchone()[0]
    s.close()
    jobs = []
    original = ctx.jobs.run
    ctx.jobs.run = lambda *a, **k: jobs.append(original(*a, **k)) or jobs[-1]
    for _ in range(3):
        d = open_record_dialog(ctx, "rectification", rect)
        close_window(d)
        assert record_windows() == [] and len(ctx.record_windows) == 0
    qtbot.waitUntil(lambda: jobs and not any(j.running for j in jobs), timeout=30_000)
    assert not answers.errors
    ctx.jobs.shutdown()
