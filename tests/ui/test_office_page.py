"""设置 › 机关信息 driven as a clerk does: a wrong phone number refused beside its field
with nothing saved (not even the good field typed with it), then saved and audited; a
cleared field goes back to the default the letters print; a new office name reaches the
window title. The page is left and opened again through the navigation."""
from __future__ import annotations

import json

from PySide6.QtCore import QCoreApplication, QEvent, Qt

from desktop_app.services.document_values import issuing_organ
from ui.pages.navigation import DASHBOARD, OFFICE

from uihelp import type_text


def _settings(ctx) -> tuple[dict, list]:
    s = ctx.open_session()
    try:
        values = dict(s.conn.execute("SELECT key, value FROM setting"))
        audit = [json.loads(d) for (d,) in s.conn.execute(
            "SELECT detail FROM audit_log WHERE action = '修改设置' ORDER BY seq")]
        return values, audit
    finally:
        s.close()


def _retype(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    if text:
        type_text(qtbot, edit, text)


def test_change_office_settings(window, ctx, qtbot, answers):
    page = window.show_page(OFFICE)
    assert page.edits["contact"].text() == "赵明"                 # the demo's contact
    assert page.edits["supervision"].text() == ""
    assert page.edits["supervision"].placeholderText() == "默认：临川县监察委员会"
    assert not page.save_button.isEnabled()
    before, audit_before = _settings(ctx)

    _retype(qtbot, page.edits["contact"], "钱七")
    _retype(qtbot, page.edits["phone"], "call me")
    assert page.save_button.isEnabled()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.errors["phone"].isVisible() and "联系电话只能含数字" in page.errors["phone"].text()
    assert _settings(ctx) == (before, audit_before)                # the good field was not saved either

    _retype(qtbot, page.edits["phone"], "0791-7654321")
    assert not page.errors["phone"].isVisible()                   # the mark clears on editing
    _retype(qtbot, page.edits["supervision"], "临川县监察委员会（测试）")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    values, audit = _settings(ctx)
    assert values["doc.contact"] == "钱七" and values["doc.phone"] == "0791-7654321"
    assert values["doc.supervision_office"] == "临川县监察委员会（测试）"
    assert len(audit) == len(audit_before) + 3
    assert answers.infos[-1] == "已保存：监察委员会名义、联系人、联系电话。"          # in the page's order
    assert not page.save_button.isEnabled()

    # cleared: the letters go back to the default, which the field shows in grey
    _retype(qtbot, page.edits["supervision"], "")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    values, audit = _settings(ctx)
    assert "doc.supervision_office" not in values
    assert audit[-1] == {"key": "doc.supervision_office", "changes": ["临川县监察委员会（测试）", None]}
    s = ctx.open_session()
    try:
        assert issuing_organ(s, "监察建议书") == "临川县监察委员会"
    finally:
        s.close()
    assert page.edits["supervision"].placeholderText() == "默认：临川县监察委员会"

    # 双面印刷: a choice, chosen by keyboard as a clerk would
    duplex = page.edits["duplex"]
    assert duplex.text() == "" and duplex.currentText().startswith("按公文格式")
    duplex.setFocus()
    qtbot.keyClick(duplex, Qt.Key.Key_End)                         # 单面印刷, the last choice
    qtbot.keyClick(duplex, Qt.Key.Key_Down)
    assert duplex.currentText() == "单面印刷"
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert _settings(ctx)[0]["doc.duplex"] == "0"


def test_rename_reaches_the_title_and_the_page_survives_reopening(window, ctx, qtbot, answers):
    page = window.show_page(OFFICE)
    _retype(qtbot, page.edits["name"], "中共临川县纪委（测试）")
    qtbot.keyClick(page.edits["name"], Qt.Key.Key_Return)           # Return does not save by itself
    assert page.save_button.isEnabled()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert ctx.office_name == "中共临川县纪委（测试）"
    assert window.windowTitle().startswith("中共临川县纪委（测试）")
    window.show_page(DASHBOARD)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    again = window.show_page(OFFICE)
    assert again.edits["name"].text() == "中共临川县纪委（测试）"
    # the code cannot change once the office has records: one Chinese line, nothing changed
    _retype(qtbot, again.edits["code"], "LCX-2")
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    assert ctx.office_code == "LCX" and len(answers.errors) == 1
    assert "已有" in answers.errors[0] and "不能再修改" in answers.errors[0]
    assert again.edits["code"].text() == "LCX-2" and again.save_button.isEnabled()   # kept to correct
