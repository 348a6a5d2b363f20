"""Deadline fields in the record form: "+10" / "10个工作日" / "30天" counted from the
record's start date, the result and weekday shown before saving; a deadline already
past or before the start asks for confirmation, and is audited when confirmed."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt

from desktop_app.services import records

from uihelp import close_window, open_dialogs, type_text


def _type(qtbot, dialog, field: str, text: str) -> None:
    editor = dialog.form.editors[field]
    target = getattr(editor, "line", editor)
    target.clear()
    type_text(qtbot, target, text)


def _new_rectification(window, qtbot, monkeypatch, ctx):
    from ui.widgets.pickers import PickerDialog
    window.show_page("rectification").new_record()
    d = next(x for x in open_dialogs() if x.fam.name == "rectification")
    _type(qtbot, d, "title", "巡察反馈问题整改")
    s = ctx.open_session()
    unit = s.conn.execute("SELECT id, name FROM unit WHERE voided = 0 LIMIT 1").fetchone()
    s.close()
    monkeypatch.setattr(PickerDialog, "ask", classmethod(lambda cls, *a, **k: [(unit[0], unit[1])]))
    qtbot.mouseClick(d.form.editors["unit_id"].pick, Qt.MouseButton.LeftButton)
    return d


def _audit(ctx, rid):
    s = ctx.open_session()
    try:
        return [json.loads(r[0]) for r in s.conn.execute(
            "SELECT detail FROM audit_log WHERE record_id = ? ORDER BY seq", (rid,))]
    finally:
        s.close()


def test_plus_n_working_days_from_the_start(window, ctx, qtbot, monkeypatch, answers):
    d = _new_rectification(window, qtbot, monkeypatch, ctx)
    editor = d.form.editors["report_due"]
    hint = d.form.cells["report_due"].hint
    _type(qtbot, d, "report_due", "+10")
    assert "请先填写下达日期" in hint.text() and hint.isVisibleTo(d)
    _type(qtbot, d, "issued_date", "2026-03-10")              # a Tuesday
    assert editor.note.text() == "→ 3月24日 星期二"              # follows the start at once
    assert hint.text() == "2026-03-24（星期二）：下达日期（2026-03-10）后10个工作日"
    _type(qtbot, d, "report_due", "10个工作日")
    assert editor.value() == "2026-03-24"
    _type(qtbot, d, "plan_due", "5天")                          # Sunday 03-15 moves to Monday
    plan = d.form.editors["plan_due"]
    assert plan.note.text() == "→ 3月16日 星期一"
    assert d.form.cells["plan_due"].hint.text() == \
        "2026-03-16（星期一）：下达日期（2026-03-10）后5日，遇节假日顺延至下一工作日"
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert d.record is not None and answers.questions == []
    assert d.record.get("report_due") == "2026-03-24" and d.record.get("plan_due") == "2026-03-16"
    close_window(d)


def test_bad_count_is_marked_and_nothing_saved(window, ctx, qtbot, monkeypatch, answers):
    d = _new_rectification(window, qtbot, monkeypatch, ctx)
    _type(qtbot, d, "issued_date", "2026-03-10")
    _type(qtbot, d, "report_due", "+999")
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert d.record is None
    assert "超出范围" in d.form.cells["report_due"].error.text()
    assert "超出范围" in d.form.cells["report_due"].hint.text()
    _type(qtbot, d, "report_due", "+3")                         # fixed: the mark goes
    assert d.form.cells["report_due"].error.text() == ""
    close_window(d)


def test_a_past_deadline_asks_and_is_audited(window, ctx, qtbot, monkeypatch, answers):
    d = _new_rectification(window, qtbot, monkeypatch, ctx)
    _type(qtbot, d, "issued_date", "2026-03-02")
    _type(qtbot, d, "report_due", "2026-03-05")                 # before today (2026-03-10)
    answers.yes = False                                         # 返回修改
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert d.record is None and "早于今天（2026-03-10）" in answers.questions[-1]
    answers.yes = True                                          # 仍然保存
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert d.record is not None and len(answers.questions) == 2
    first = _audit(ctx, d.record.id)[0]
    assert first["confirmed_deadlines"][0]["field"] == "report_due"
    close_window(d)


def test_an_item_counts_from_its_rectification(window, ctx, qtbot, monkeypatch, answers):
    """整改问题's 完成时限 counts from its rectification's 下达日期 (another record)."""
    s = ctx.open_session()
    unit = s.conn.execute("SELECT id FROM unit WHERE voided = 0 LIMIT 1").fetchone()[0]
    rect = records.create(s, "rectification", {"title": "整改", "unit_id": unit,
                                                "issued_date": "2026-03-09"}).record
    s.close()
    window.open_record("rect_item", None, {"rectification_id": rect.id})
    item = next(x for x in open_dialogs() if x.fam.name == "rect_item")
    _type(qtbot, item, "problem", "问题")
    _type(qtbot, item, "deadline", "+5")
    assert item.form.editors["deadline"].note.text() == "→ 3月16日 星期一"
    assert "下达日期（2026-03-09）后5个工作日" in item.form.cells["deadline"].hint.text()
    qtbot.mouseClick(item.save_button, Qt.MouseButton.LeftButton)
    assert item.record is not None and item.record.get("deadline") == "2026-03-16"
    close_window(item)


def test_a_count_into_a_year_without_table_says_it_is_estimated(window, ctx, qtbot, monkeypatch, answers):
    d = _new_rectification(window, qtbot, monkeypatch, ctx)
    _type(qtbot, d, "issued_date", "2026-12-21")
    _type(qtbot, d, "report_due", "+10")                        # crosses into 2027
    hint = d.form.cells["report_due"].hint.text()
    # 1 January 2027 counts as a working day until the 2027 table is entered
    assert hint.startswith("2027-01-04（星期一）") and "2027 年尚无节假日安排，按周末估算" in hint
    close_window(d)


def test_list_marks_a_due_date_in_a_year_without_table(window, ctx, qtbot):
    from desktop_app.domain.deadlines import Level
    from ui.listing import due_text
    from desktop_app.services.lookup import NearestDue
    assert due_text(NearestDue("2027-01-05", "整改报告", Level.GREEN, 20, True)) == \
        "2027-01-05 剩20个工作日（按周末估算）"
    assert due_text(NearestDue("2026-12-30", "整改报告", Level.GREEN, 20, False)) == "2026-12-30 剩20个工作日"


def test_an_extension_counts_from_the_items_current_deadline(window, ctx, qtbot, answers):
    s = ctx.open_session()
    unit = s.conn.execute("SELECT id FROM unit WHERE voided = 0 LIMIT 1").fetchone()[0]
    rect = records.create(s, "rectification", {"title": "整改", "unit_id": unit,
                                                "issued_date": "2026-03-09"}).record
    item = records.create(s, "rect_item", {"rectification_id": rect.id, "problem": "问题",
                                           "deadline": "2026-03-20"}).record
    s.close()
    window.open_record("rect_extension", None, {"item_id": item.id})
    d = next(x for x in open_dialogs() if x.fam.name == "rect_extension")
    _type(qtbot, d, "new_deadline", "+10")
    assert d.form.editors["new_deadline"].note.text() == "→ 4月3日 星期五"
    assert "完成时限（2026-03-20）后10个工作日" in d.form.cells["new_deadline"].hint.text()
    close_window(d)
