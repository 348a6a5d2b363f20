"""Records a person reads by number and title, never by id: 来源记录 of a
rectification and of a 发文, and the 发文 listed on the record they came from."""
from __future__ import annotations

import re

from PySide6.QtCore import Qt

from desktop_app.services import queries
from ui.forms.actions import open_letters

from uihelp import close_window, double_click_row, open_dialogs

UUID_LIKE = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}")


def _first(ctx, family, **flt):
    s = ctx.open_session()
    try:
        return queries.list_records(s, family, queries.ListFilter(**flt))[0][0]
    finally:
        s.close()


def test_source_record_shows_number_and_title_and_opens(window, ctx, qtbot):
    talk = _first(ctx, "talk")
    rect = window.open_record("rectification", None, {"source_type": "谈话", "source_id": talk.id})
    editor = rect.form.editors["source_id"]
    qtbot.waitUntil(lambda: editor.open_button.isEnabled())
    text = editor.line.text()
    assert text.startswith("谈话 · ") and talk.title in text and talk.ledger_no in text
    assert not UUID_LIKE.search(text) and editor.value() == talk.id
    qtbot.mouseClick(editor.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(open_dialogs()) == 2)
    opened = next(d for d in open_dialogs() if d is not rect)
    assert opened.record_key() == ("talk", talk.id)
    close_window(opened)
    rect.discard_changes()
    close_window(rect)


def test_issued_documents_are_listed_on_their_record_and_open(window, ctx, qtbot, answers):
    talk = _first(ctx, "talk", type_value="约谈")
    d = window.open_record("talk", talk.id)
    qtbot.waitUntil(lambda: d.record is not None)
    assert d.documents.model.rowCount() == 0
    ed = open_letters(d)
    for editor in ed.fields.editors.values():         # what the record could not give
        if hasattr(editor, "text") and not editor.text():
            editor.setText("（已填写）")
        elif hasattr(editor, "toPlainText") and not editor.toPlainText():
            editor.setPlainText("一、已填写。")
    ed.refresh()
    ed.issue()
    qtbot.waitUntil(lambda: d.documents.model.rowCount() == 1)
    row = d.documents.model.rows[0].cells
    assert row[0] == ed.number and row[1] == "约谈通知书" and row[3].endswith("日")
    ed.close()
    d.tabs.setCurrentWidget(d.documents)
    d.documents.table.selectRow(0)
    qtbot.mouseClick(d.documents.pdf_button, Qt.MouseButton.LeftButton)
    assert answers.opened[-1].read_bytes() == ed.pdf
    double_click_row(qtbot, d.documents.table, 0)
    qtbot.waitUntil(lambda: len(open_dialogs()) == 2)
    doc = next(w for w in open_dialogs() if w is not d)
    qtbot.waitUntil(lambda: doc.record is not None and doc.form.editors["source_id"].open_button.isEnabled())
    assert doc.form.editors["source_family"].text() == "谈话"
    assert doc.form.editors["source_id"].line.text().startswith("谈话 · ")
    close_window(doc)
    close_window(d)


def test_a_voided_record_reads_as_voided_in_recent_changes(window, ctx, qtbot, answers):
    from ui.pages.navigation import DASHBOARD
    page = window.show_page("talk")
    victim = next(r for r in page.model.rows if r.status == "拟谈话") if any(
        r.status == "拟谈话" for r in page.model.rows) else page.model.rows[0]
    page.table.selectRow(page.model.row_of(victim.id))
    answers.reason = "重复录入"
    qtbot.mouseClick(page.void_button, Qt.MouseButton.LeftButton)
    dash = window.show_page(DASHBOARD)
    qtbot.waitUntil(lambda: any(r.payload == ("talk", victim.id) for r in dash.recent_model.rows))
    row = next(r for r in dash.recent_model.rows if r.payload == ("talk", victim.id))
    assert row.cells[2] == "已作废"
