"""Bad input: the core's message appears beside the field, and nothing is saved."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop_app.services import queries, records
from ui.forms.record_dialog import RecordDialog

from uihelp import type_text


def _state(ctx, family):
    s = ctx.open_session()
    try:
        audit = s.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        return queries.count_records(s, family, queries.ListFilter(include_voided=True)), audit
    finally:
        s.close()


def _visible_errors(dialog) -> dict[str, str]:
    return {n: c.error.text() for n, c in dialog.form.cells.items() if not c.error.isHidden()}


def _fill(qtbot, dialog, values: dict) -> None:
    for name, value in values.items():
        editor = dialog.form.editors[name]
        if hasattr(editor, "setCurrentText"):
            editor.setCurrentText(value)
        elif hasattr(editor, "setChecked"):
            editor.setChecked(value)
        else:
            target = getattr(editor, "line", editor)
            type_text(qtbot, target, value)


CASES = [
    ("talk", {"talk_type": "约谈", "reason": "测试", "talkers": "甲", "talk_date": "2026-02-30"},
     "talk_date", "不存在"),      # person_ids missing too: both marked (see below)
    ("warning_session", {"name": "警示教育大会", "form": "警示教育大会", "held_date": "2026-03-09",
                         "expected": "10", "actual": "12"}, "actual", "不能多于应到人数"),
    ("warning_session", {"name": "警示教育大会", "form": "警示教育大会", "held_date": "2026-03-09",
                         "expected": "十个"}, "expected", "整数"),
    ("meeting", {"meeting_type": "常委会", "meeting_date": "昨天"}, "meeting_date", "不是有效日期"),
    ("resp_template", {"name": "清单", "year": "1999", "version": "1", "subject": "党委"}, "year",
     "不能小于"),
]


@pytest.mark.parametrize("family, values, field, message", CASES)
def test_error_beside_field_and_nothing_saved(ctx, qtbot, family, values, field, message, answers):
    before = _state(ctx, family)
    d = RecordDialog(ctx, family)
    qtbot.addWidget(d)
    d.show()
    _fill(qtbot, d, values)
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    errors = _visible_errors(d)
    required_empty = {f.name for f in d.fam.fields if f.required and f.name not in values}
    assert set(errors) - required_empty == {field} and message in errors[field], errors
    assert all(errors[n].startswith("请填写") for n in set(errors) - {field})
    assert d.record is None and _state(ctx, family) == before
    assert not answers.errors                     # beside the field, not in a message box
    assert d.form.editors[field].property("invalid") or getattr(
        d.form.editors[field], "line", d.form.editors[field]).property("invalid")


def test_all_missing_fields_are_marked_at_once_and_cleared_as_fixed(ctx, qtbot, answers):
    before = _state(ctx, "talk")
    d = RecordDialog(ctx, "talk")
    qtbot.addWidget(d)
    d.show()
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    required = [f.name for f in d.fam.fields if f.required]
    errors = _visible_errors(d)
    assert len(required) >= 3 and list(errors) == required, errors
    assert errors["talk_type"] == "请填写谈话类型。" and _state(ctx, "talk") == before
    d.form.editors["talk_type"].setCurrentText("约谈")          # fixed: its mark goes at once
    type_text(qtbot, d.form.editors["reason"], "公务接待")
    errors = _visible_errors(d)
    assert "talk_type" not in errors and "reason" not in errors and errors
    assert not d.form.editors["reason"].property("invalid")
    assert d.form.editors["talk_date"].line.property("invalid")
    assert not answers.errors


def test_deadline_on_a_holiday_is_refused(ctx, qtbot):
    s = ctx.open_session()
    rect = queries.list_records(s, "rectification")[0][0]
    s.close()
    before = _state(ctx, "rect_item")
    d = RecordDialog(ctx, "rect_item", prefill={"rectification_id": rect.id})
    qtbot.addWidget(d)
    _fill(qtbot, d, {"problem": "问题", "deadline": "2026-02-17"})
    assert "春节" in d.form.editors["deadline"].note.text()     # the date field says so at once
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert "非工作日" in _visible_errors(d)["deadline"]
    assert _state(ctx, "rect_item") == before


def test_editing_to_invalid_leaves_record_unchanged(ctx, qtbot):
    s = ctx.open_session()
    talk = next(r for r in queries.list_records(s, "talk")[0] if r.owner_office == s.office_code)
    s.close()
    before = _state(ctx, "talk")
    d = RecordDialog(ctx, "talk", talk.id)
    qtbot.addWidget(d)
    d.form.editors["reason"].clear()
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert "请填写谈话事由" in _visible_errors(d)["reason"]
    s = ctx.open_session()
    after = records.get(s, "talk", talk.id)
    s.close()
    assert after.updated_at == talk.updated_at and after.get("reason") == talk.get("reason")
    assert _state(ctx, "talk") == before
    d.form.editors["reason"].setText("新的事由")          # fixing it clears the message
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert not _visible_errors(d) and d.record.get("reason") == "新的事由"


def test_void_without_reason_does_nothing(ctx, qtbot, answers):
    s = ctx.open_session()
    talk = queries.list_records(s, "talk")[0][0]
    s.close()
    d = RecordDialog(ctx, "talk", talk.id)
    qtbot.addWidget(d)
    answers.reason = None                                    # the clerk pressed 取消
    qtbot.mouseClick(d.void_button, Qt.MouseButton.LeftButton)
    assert not d.record.voided


def test_secret_sensitivity_is_not_offered(ctx, qtbot):
    d = RecordDialog(ctx, "talk")
    qtbot.addWidget(d)
    box = d.form.sensitivity_box
    assert [box.itemText(i) for i in range(box.count())] == ["一般", "内部"]
