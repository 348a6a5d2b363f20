"""A clerk's day, scripted through the real widgets: add a person, record a
约谈 with a rectification, see it on the dashboard as due, complete it, void
another record with a reason, and search for a two-character word."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop_app.domain.deadlines import Level
from desktop_app.services import records
from ui.pages.navigation import DASHBOARD, SEARCH
from ui.widgets.pickers import NAME_ROLE, PickerDialog

from uihelp import close_window, double_click_row, open_dialogs, record_windows, type_text


def _only_dialog(family: str):
    found = [d for d in open_dialogs() if d.fam.name == family]
    assert len(found) == 1, [d.windowTitle() for d in open_dialogs()]
    return found[0]


def _type(qtbot, dialog, field: str, text: str) -> None:
    editor = dialog.form.editors[field]
    target = getattr(editor, "line", editor)
    target.clear()
    type_text(qtbot, target, text)


def _pick(monkeypatch, qtbot, dialog, field: str, name: str) -> None:
    """The real picker, driven by keys: type the name, Enter (and Ctrl+Enter to
    finish a multi-select picker). Only its modal exec() is replaced."""
    def drive(cls, ctx, family, *, multi=False, selected=None, parent=None):
        picker = cls(ctx, family, multi=multi, selected=selected, parent=parent)
        qtbot.addWidget(picker)
        picker.show()
        type_text(qtbot, picker.search, name)
        qtbot.waitUntil(lambda: picker.list.count() > 0
                        and picker.list.currentItem().data(NAME_ROLE) == name)
        qtbot.keyClick(picker.search, Qt.Key.Key_Return)
        if multi:
            qtbot.keyClick(picker.search, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        return picker.chosen() if picker.result() == QDialog.DialogCode.Accepted else None
    monkeypatch.setattr(PickerDialog, "ask", classmethod(drive))
    editor = dialog.form.editors[field]
    qtbot.mouseClick(getattr(editor, "pick", None) or editor.add, Qt.MouseButton.LeftButton)


def _errors(dialog) -> dict:
    return {n: c.error.text() for n, c in dialog.form.cells.items() if c.error.text()}


def _record(ctx, family, rid):
    s = ctx.open_session()
    try:
        return records.get(s, family, rid)
    finally:
        s.close()


def _add_person(window, ctx, qtbot, monkeypatch) -> tuple[str, str]:
    page = window.show_page("person")
    before = page.model.total
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    d = _only_dialog("person")
    _type(qtbot, d, "name", "闻喆")
    d.form.editors["gender"].setCurrentText("男")
    _type(qtbot, d, "position", "党委副书记")
    unit = page.model.rows[0].get("unit_id")
    unit_name = next(e.name for e in ctx.directory.get("unit") if e.id == unit)
    _pick(monkeypatch, qtbot, d, "unit_id", unit_name)
    assert d.form.editors["unit_id"].value() == unit
    qtbot.mouseClick(d.save_close_button, Qt.MouseButton.LeftButton)
    assert not d.isVisible()
    assert page.model.total == before + 1
    person = next(r for r in page.model.rows if r.get("name") == "闻喆")
    return person.id, unit


def _record_talk(ctx, qtbot, monkeypatch, window, person_id: str):
    page = window.show_page("talk")
    page.new_record()
    d = _only_dialog("talk")
    d.form.editors["talk_type"].setCurrentText("约谈")
    _type(qtbot, d, "reason", "公务接待超标准")
    _pick(monkeypatch, qtbot, d, "person_ids", "闻喆")
    _type(qtbot, d, "talkers", "王主任、李科长")
    _type(qtbot, d, "talk_date", "2026-03-09")
    d.form.editors["has_rectification"].setChecked(True)
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert d.record is not None and d.record.ledger_no in d.header.text()
    assert d.form.editors["person_ids"].items() == {person_id: "闻喆"}
    return d


def _add_rectification(qtbot, talk_dialog) -> str:
    button = next(b for b in talk_dialog.findChildren(type(talk_dialog.save_button))
                  if b.text() == "生成整改…")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    d = _only_dialog("rectification")
    assert d.form.editors["source_type"].value() == "约谈"
    assert d.form.editors["source_id"].value() == talk_dialog.record.id
    _type(qtbot, d, "report_due", "2026-03-12")
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert d.record is not None, _errors(d)
    items_tab = next(p for p in d.children if p.child.name == "rect_item")
    qtbot.mouseClick(items_tab.new_button, Qt.MouseButton.LeftButton)
    item = _only_dialog("rect_item")
    assert item.form.editors["rectification_id"].value() == d.record.id
    _type(qtbot, item, "problem", "接待标准执行不严")
    _type(qtbot, item, "deadline", "2026-03-10")
    qtbot.mouseClick(item.save_close_button, Qt.MouseButton.LeftButton)
    assert items_tab.model.rowCount() == 1
    rect_id = d.record.id
    close_window(d)
    close_window(talk_dialog)
    assert record_windows() == []
    return rect_id


def test_a_day_of_work(window, ctx, qtbot, monkeypatch, answers):
    person_id, _ = _add_person(window, ctx, qtbot, monkeypatch)
    talk = _record_talk(ctx, qtbot, monkeypatch, window, person_id)
    talk_id = talk.record.id
    rect_id = _add_rectification(qtbot, talk)

    # the dashboard shows the new item as due today and the report as due soon
    dash = window.show_page(DASHBOARD)
    due = {(d.family, d.title): d for d in dash.data.due}
    assert due[("rect_item", "接待标准执行不严")].level is Level.ORANGE
    assert due[("rectification", "公务接待超标准问题整改")].level is Level.YELLOW
    dash.show_level(Level.ORANGE)
    row = next(r for r in range(dash.due_model.rowCount())
               if dash.due_model.rows[r].cells[-1] == "接待标准执行不严")
    double_click_row(qtbot, dash.due_table, row)
    item = _only_dialog("rect_item")

    # complete it
    done = next(b for b in item.findChildren(type(item.save_button)) if b.text() == "改为“已完成”")
    qtbot.mouseClick(done, Qt.MouseButton.LeftButton)
    assert item.record.status == "已完成" and item.record.get("completed_date") == "2026-03-10"
    close_window(item)
    assert ("rect_item", "接待标准执行不严") not in {(d.family, d.title) for d in dash.data.due}

    # void another record with a reason
    page = window.show_page("talk")
    before = page.model.total
    victim = next(r for r in page.model.rows if r.id != talk_id)
    page.table.selectRow(page.model.row_of(victim.id))
    answers.reason = "与另一条记录重复"
    qtbot.mouseClick(page.void_button, Qt.MouseButton.LeftButton)
    voided = _record(ctx, "talk", victim.id)
    assert voided.voided and voided.void_reason == "与另一条记录重复"
    assert page.model.total == before - 1 and page.model.row_of(victim.id) == -1

    # search for a two-character word: the new person's name finds the person and the talk
    search = window.show_page(SEARCH)
    type_text(qtbot, search.box, "闻喆")
    qtbot.waitUntil(lambda: search.model.rowCount() >= 2, timeout=3000)
    found = {search.model.payload(r) for r in range(search.model.rowCount())}
    assert ("person", person_id) in found and ("talk", talk_id) in found
    assert _record(ctx, "rectification", rect_id).get("source_id") == talk_id
    assert not answers.errors
