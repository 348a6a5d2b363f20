"""Every picker driven by the keyboard and the mouse, as a clerk uses it."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from ui.forms.record_dialog import RecordDialog
from ui.widgets.pickers import ID_ROLE, PickerDialog

from uihelp import type_text


def _two_people(ctx):
    entries = ctx.directory.get("person")
    by_initials: dict[str, list] = {}
    for e in entries:
        by_initials.setdefault(e.initials[0], []).append(e)
    unique = [v[0] for v in by_initials.values() if len(v) == 1]
    return unique[0], unique[1]


def test_enter_in_a_multi_picker_adds_the_highlighted_person(ctx, qtbot):
    a, b = _two_people(ctx)
    picker = PickerDialog(ctx, "person", multi=True)
    qtbot.addWidget(picker)
    picker.show()
    for person in (a, b):
        type_text(qtbot, picker.search, person.initials[0])
        qtbot.keyClick(picker.search, Qt.Key.Key_Return)
        assert picker.isVisible() and person.id in picker.checked
        assert picker.search.text() == "" and picker.focusWidget() is picker.search
    assert "已选 2 项" in picker.status.text()
    qtbot.keyClick(picker.search, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert picker.result() == QDialog.DialogCode.Accepted
    assert dict(picker.chosen()) == {a.id: a.name, b.id: b.name}


def test_enter_in_the_list_of_a_multi_picker_ticks_and_stays_open(ctx, qtbot):
    picker = PickerDialog(ctx, "person", multi=True)
    qtbot.addWidget(picker)
    picker.show()
    picker.list.setFocus()
    qtbot.keyClick(picker.list, Qt.Key.Key_Down)
    qtbot.keyClick(picker.list, Qt.Key.Key_Return)
    assert picker.isVisible() and list(picker.checked) == [picker.list.item(1).data(ID_ROLE)]


def test_single_picker_arrow_keys_and_enter(ctx, qtbot):
    picker = PickerDialog(ctx, "unit")
    qtbot.addWidget(picker)
    picker.show()
    picker.search.setFocus()
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    second = picker.list.item(1).data(ID_ROLE)
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.result() == QDialog.DialogCode.Accepted and picker.chosen()[0][0] == second


def test_single_picker_by_double_click(ctx, qtbot):
    picker = PickerDialog(ctx, "person")
    qtbot.addWidget(picker)
    picker.show()
    item = picker.list.item(2)
    rect = picker.list.visualItemRect(item)
    qtbot.mouseClick(picker.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(picker.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert picker.result() == QDialog.DialogCode.Accepted
    assert picker.chosen()[0][0] == item.data(ID_ROLE)


def test_record_picker_by_title(ctx, qtbot):
    picker = PickerDialog(ctx, "rectification")
    qtbot.addWidget(picker)
    picker.show()
    title = picker.list.item(0).data(Qt.ItemDataRole.UserRole + 2)
    type_text(qtbot, picker.search, title[:2])
    qtbot.waitUntil(lambda: picker.list.count() > 0
                    and all(title[:2] in picker.list.item(i).text() for i in range(picker.list.count())))
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.result() == QDialog.DialogCode.Accepted and title[:2] in picker.chosen()[0][1]


def test_every_picker_field_of_every_form(ctx, qtbot, monkeypatch):
    """Each 选择… / 添加… / 选择单位… button of every form opens the picker of its
    family and takes what was chosen by the keyboard (Enter; Ctrl+Enter to finish
    a multi-select picker)."""
    from desktop_app.domain.registry import FAMILIES
    from ui.forms.editors import FreeListEditor
    from ui.widgets.pickers import RefEdit, RefsEdit
    seen = set()

    def answer(cls, ctx_, family, *, multi=False, selected=None, parent=None):
        picker = cls(ctx_, family, multi=multi, selected=selected, parent=parent)
        qtbot.addWidget(picker)
        seen.add((family, multi))
        picker.show()
        qtbot.waitUntil(lambda: picker.list.count() > 0)
        qtbot.keyClick(picker.search, Qt.Key.Key_Return)
        if multi:
            qtbot.keyClick(picker.search, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        return picker.chosen() if picker.result() == QDialog.DialogCode.Accepted else None
    monkeypatch.setattr(PickerDialog, "ask", classmethod(answer))
    buttons = 0
    for family in FAMILIES:
        d = RecordDialog(ctx, family)
        qtbot.addWidget(d)
        for name, editor in d.form.editors.items():
            if isinstance(editor, RefEdit):
                button = editor.pick
            elif isinstance(editor, (RefsEdit,)):
                button = editor.add
            elif isinstance(editor, FreeListEditor):
                button = editor.pick
            else:
                continue
            if not button.isEnabled():
                continue
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            assert editor.value(), (family, name)
            buttons += 1
    assert buttons >= 30 and ("person", True) in seen and ("unit", False) in seen
    assert ("unit", True) in seen and any(f not in ("person", "unit") for f, _ in seen)
