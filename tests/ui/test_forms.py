"""The form builder for every family, the pickers (pinyin initials), the
Chinese date field, the multi-selects, attachments and status changes."""
from __future__ import annotations

import hashlib

import pytest
from PySide6.QtCore import Qt

from desktop_app.domain.registry import FAMILIES
from desktop_app.domain.schema import Kind
from desktop_app.services import queries, records
from ui.directory import Entry, filter_entries, initials_of, matches
from ui.forms.editors import (DateEditor, FreeListEditor, RefEditor, RefsEditor, VocabListEditor)
from ui.forms.record_dialog import RecordDialog
from ui.widgets.date_edit import DateEdit
from ui.widgets.pickers import PickerDialog

from uihelp import TODAY, type_text

KIND_EDITORS = {Kind.DATE: DateEditor, Kind.REF: RefEditor, Kind.REFS: RefsEditor}


@pytest.mark.parametrize("family", list(FAMILIES))
def test_form_is_generated_from_the_declaration(ctx, qtbot, family):
    d = RecordDialog(ctx, family)
    qtbot.addWidget(d)
    fam = FAMILIES[family]
    assert list(d.form.editors) == list(fam.field_names)
    for f in fam.fields:
        editor = d.form.editors[f.name]
        if f.kind in KIND_EDITORS:
            assert isinstance(editor, KIND_EDITORS[f.kind])
        if f.kind is Kind.LIST:
            assert isinstance(editor, VocabListEditor if f.vocab else FreeListEditor)
    assert d.form.values() == {}
    assert not d.void_button.isVisible() and not d.tabs.isTabEnabled(1)


def test_pinyin_initials_and_surname_readings():
    assert initials_of("张三") == ("zs",)
    assert set(initials_of("单雄信")) >= {"dxx", "sxx"}
    assert "zgf" in initials_of("曾国藩")
    e = Entry("1", "单雄信", "某某镇 镇长", initials_of("单雄信"))
    assert matches(e, "sx") and matches(e, "DXX") and matches(e, "雄信") and matches(e, "某某镇")
    assert not matches(e, "zs")


def test_person_picker_searches_by_initials(ctx, qtbot):
    entries = ctx.directory.get("person")            # synchronous runner: loaded at once
    someone = entries[len(entries) // 2]
    picker = PickerDialog(ctx, "person")
    qtbot.addWidget(picker)
    picker.search.setText(someone.initials[0])
    picker.refill()
    found = [picker.list.item(i).data(Qt.ItemDataRole.UserRole + 1) for i in range(picker.list.count())]
    assert someone.id in found
    assert all(any(i.startswith(someone.initials[0]) for i in e.initials) or someone.initials[0] in e.name
               for e in filter_entries(entries, someone.initials[0]))
    picker.search.setText(someone.name)
    picker.refill()
    assert picker.list.item(0).data(Qt.ItemDataRole.UserRole + 2) == someone.name
    assert picker.chosen()[0][1] == someone.name


def test_multi_picker_keeps_ticks_across_searches(ctx, qtbot):
    picker = PickerDialog(ctx, "person", multi=True)
    qtbot.addWidget(picker)
    picker.list.item(0).setCheckState(Qt.CheckState.Checked)
    first = picker.list.item(0).data(Qt.ItemDataRole.UserRole + 1)
    picker.search.setText("zzzzzz")
    picker.refill()
    picker.search.setText("")
    picker.refill()
    picker.list.item(1).setCheckState(Qt.CheckState.Checked)
    assert first in dict(picker.chosen()) and len(picker.chosen()) == 2


def test_other_families_are_picked_by_title(ctx, qtbot):
    picker = PickerDialog(ctx, "rectification")
    qtbot.addWidget(picker)
    assert picker.list.count() > 0
    title = picker.list.item(0).data(Qt.ItemDataRole.UserRole + 2)
    picker.search.setText(title[:2])
    picker.refill()
    assert any(picker.list.item(i).data(Qt.ItemDataRole.UserRole + 2) == title
               for i in range(picker.list.count()))


def test_chinese_date_field(ctx, qtbot):
    d = DateEdit(ctx.calendar, TODAY)
    qtbot.addWidget(d)
    type_text(qtbot, d.line, "2026年3月7日")
    assert d.value() == "2026年3月7日" and "星期六" in d.note.text()
    d.set_value("2026-02-17")
    assert "春节" in d.note.text()
    d.open_calendar()
    assert d.popup.isVisible() and d.popup.calendar.selectedDate().toPython().isoformat() == "2026-02-17"
    assert d.popup.calendar.locale().name() == "zh_CN"
    d.popup.picked.emit(TODAY)
    assert d.value() == "2026-03-10" and not d.popup.isVisible()
    d.popup.picked.emit(None)
    assert d.value() is None


def test_list_fields(ctx, qtbot, monkeypatch):
    d = RecordDialog(ctx, "letter")
    qtbot.addWidget(d)
    cc = d.form.editors["cc"]
    monkeypatch.setattr(PickerDialog, "ask", classmethod(lambda cls, *a, **k: [("u1", "县财政局"), ("u2", "县教育局")]))
    type_text(qtbot, cc.line, "县委办，")
    qtbot.mouseClick(cc.pick, Qt.MouseButton.LeftButton)
    assert cc.value() == ["县委办", "县财政局", "县教育局"]
    f = RecordDialog(ctx, "focus_item")
    qtbot.addWidget(f)
    methods = f.form.editors["methods"]
    methods.boxes[0].setChecked(True)
    methods.boxes[2].setChecked(True)
    assert methods.value() == [methods.boxes[0].text(), methods.boxes[2].text()]


def test_status_changes_offer_only_allowed_targets(ctx, qtbot):
    s = ctx.open_session()
    letter = records.create(s, "letter", {"letter_type": "提醒函", "title": "关于节日期间廉洁自律的提醒",
                                          "written_date": "2026-03-09"}).record
    s.close()
    d = RecordDialog(ctx, "letter", letter.id)
    qtbot.addWidget(d)
    buttons = [d.status_buttons.itemAt(i).widget().text() for i in range(d.status_buttons.count())]
    assert buttons == ["改为“审批”"]
    d.status_buttons.itemAt(0).widget().click()
    assert d.record.status == "审批"
    buttons = [d.status_buttons.itemAt(i).widget().text() for i in range(d.status_buttons.count())]
    assert buttons == ["改为“已发出”", "改为“起草”"]


def test_attachments_add_open_and_show_checksum(ctx, qtbot, tmp_path, answers):
    s = ctx.open_session()
    talk = queries.list_records(s, "talk")[0][0]
    s.close()
    scan = tmp_path / "谈话笔录扫描件.pdf"
    scan.write_bytes(b"%PDF-1.4 scan " * 100)
    d = RecordDialog(ctx, "talk", talk.id)
    qtbot.addWidget(d)
    assert d.tabs.isTabEnabled(1)
    answers.open_file = scan
    qtbot.mouseClick(d.attachments.add_button, Qt.MouseButton.LeftButton)
    model = d.attachments.model
    assert model.rowCount() == 1
    name, size, sha, _ = model.rows[0].cells
    assert name == scan.name and size == "1.4 KB"
    assert sha == hashlib.sha256(scan.read_bytes()).hexdigest()
    d.attachments.table.selectRow(0)
    qtbot.mouseClick(d.attachments.open_button, Qt.MouseButton.LeftButton)
    opened = answers.opened[-1]
    assert opened.name == scan.name and opened.read_bytes() == scan.read_bytes()


def test_voided_record_opens_read_only(ctx, qtbot, answers):
    s = ctx.open_session()
    talk = queries.list_records(s, "talk")[0][0]
    s.close()
    d = RecordDialog(ctx, "talk", talk.id)
    qtbot.addWidget(d)
    answers.reason = "录入错误"
    qtbot.mouseClick(d.void_button, Qt.MouseButton.LeftButton)
    assert d.record.voided and d.read_only
    assert "录入错误" in d.banner.text() and not d.save_button.isEnabled()
    assert d.status_buttons.count() == 0 and not d.void_button.isVisible()


def test_unsaved_changes_are_not_lost_silently(ctx, qtbot, answers):
    d = RecordDialog(ctx, "meeting")          # deletes itself on close: not given to qtbot
    d.show()
    d.form.editors["session"].setText("第十五届")
    answers.yes = False
    d.reject()
    assert d.isVisible() and answers.questions[-1].startswith("有尚未保存的修改")
    answers.yes = True
    with qtbot.waitSignal(d.destroyed):
        d.reject()
