"""One deadline rule set on the write path: the office's rest-day rule, and typed
deadlines already past or before the record's start that need confirming."""
from __future__ import annotations

import json

import pytest

from desktop_app.errors import NeedsConfirmation
from desktop_app.services import office, records
from desktop_app.services.session import REST_DAY_SHIFT_KEY, open_session
from desktop_app.store.dump import canonical_dump
from tests.core.conftest import fixed_clock


def _suggestion(session, unit, delivered="2026-11-06"):
    return records.create(session, "letter", {
        "letter_type": "监督建议书", "title": "关于加强工程项目管理的监督建议书",
        "recipient_unit_id": unit.id, "written_date": "2026-11-05",
        "delivered_date": delivered}).record


def _due(session, rid):
    return session.conn.execute("SELECT due_date FROM deadline WHERE id = ?", (rid,)).fetchone()[0]


def test_a_computed_deadline_on_a_sunday_moves_to_monday(session, unit):
    """30 natural days from 2026-11-06 end on Sunday 2026-12-06."""
    letter = _suggestion(session, unit)
    assert _due(session, letter.id) == "2026-12-07"


def test_rest_day_rule_off_keeps_the_plain_count(data_dir, unit, session):
    office.set_rest_day_shift(session, False)
    s = open_session(data_dir, user="录入员甲", clock=fixed_clock())
    try:
        assert s.calendar.rest_day_shift is False
        letter = _suggestion(s, unit)
        assert _due(s, letter.id) == "2026-12-06"
        # switching it back on recomputes the stored deadlines at once
        office.set_rest_day_shift(s, True)
        assert s.calendar.rest_day_shift is True
        assert _due(s, letter.id) == "2026-12-07"
        entries = s.conn.execute("SELECT detail FROM audit_log WHERE action = '修改设置'"
                                 " ORDER BY seq").fetchall()
        assert [json.loads(e[0])["key"] for e in entries] == [REST_DAY_SHIFT_KEY] * 2
    finally:
        s.close()


def _rect(session, unit, confirm_dates=False, **values):
    return records.create(session, "rectification", {
        "title": "巡察反馈问题整改", "unit_id": unit.id, "issued_date": "2026-11-20", **values},
        confirm_dates=confirm_dates)


@pytest.mark.parametrize("field, value, words", [
    ("report_due", "2026-11-25", "早于今天（2026-11-27）"),            # past, after the start
    ("report_due", "2026-11-19", "早于下达日期（2026-11-20）"),         # before the start
    ("plan_due", "2026-11-26", "整改方案报送截止日"),
])
def test_a_past_or_early_typed_deadline_needs_confirmation(session, unit, field, value, words):
    before = canonical_dump(session.conn)
    with pytest.raises(NeedsConfirmation) as e:
        _rect(session, unit, **{field: value})
    assert words in str(e.value) and e.value.items[0]["field"] == field
    assert canonical_dump(session.conn) == before          # nothing written
    rec = records.create(session, "rectification", {
        "title": "巡察反馈问题整改", "unit_id": unit.id, "issued_date": "2026-11-20", field: value},
        confirm_dates=True).record
    detail = json.loads(session.conn.execute(
        "SELECT detail FROM audit_log WHERE record_id = ? AND action = '新建'", (rec.id,)).fetchone()[0])
    assert detail["confirmed_deadlines"] == [{"field": field, "value": value, "why": e.value.items[0]["why"]}]


def test_a_future_typed_deadline_needs_no_confirmation(session, unit):
    rec = _rect(session, unit, report_due="2026-12-18").record
    detail = json.loads(session.conn.execute(
        "SELECT detail FROM audit_log WHERE record_id = ?", (rec.id,)).fetchone()[0])
    assert "confirmed_deadlines" not in detail


def test_confirmation_on_edit_only_for_the_date_being_typed(session, unit):
    rec = _rect(session, unit, report_due="2026-11-25", confirm_dates=True).record
    # an unrelated edit of a record whose deadline is already past is not asked about
    records.update(session, "rectification", rec.id, {"title": "巡察反馈问题整改（二）"})
    with pytest.raises(NeedsConfirmation, match="早于今天"):
        records.update(session, "rectification", rec.id, {"plan_due": "2026-11-24"})
    records.update(session, "rectification", rec.id, {"plan_due": "2026-11-24"}, confirm_dates=True)
    entry = session.conn.execute("SELECT detail FROM audit_log WHERE record_id = ? AND action = '修改'"
                                 " ORDER BY seq DESC LIMIT 1", (rec.id,)).fetchone()[0]
    assert json.loads(entry)["confirmed_deadlines"][0]["field"] == "plan_due"


def test_an_item_deadline_before_its_rectification_was_issued(session, unit):
    """The start of a 整改问题 is its rectification's 下达日期 (through the reference)."""
    rect = _rect(session, unit).record
    with pytest.raises(NeedsConfirmation, match="早于下达日期（2026-11-20）"):
        records.create(session, "rect_item", {"rectification_id": rect.id, "problem": "问题",
                                              "deadline": "2026-11-18"})
    records.create(session, "rect_item", {"rectification_id": rect.id, "problem": "问题",
                                          "deadline": "2026-12-18"})


def test_a_stored_due_date_follows_the_rule(data_dir, session, person):
    """述责述廉 年度: 次年1月31日 — 2027-01-31 is a Sunday. The stored 截止日 moves with
    the rule (a change of the record, audited), and so does its deadline."""
    rep = records.create(session, "duty_report", {"person_id": person.id, "cycle": "年",
                                                  "period": "2026"}).record
    assert rep.get("due") == "2027-02-01"
    office.set_rest_day_shift(session, False)
    assert records.get(session, "duty_report", rep.id).get("due") == "2027-01-31"
    assert _due(session, rep.id) == "2027-01-31"
    entry = session.conn.execute("SELECT detail FROM audit_log WHERE record_id = ? AND action = '重算期限'",
                                 (rep.id,)).fetchone()
    assert "不顺延" in json.loads(entry[0])["reason"]
    office.set_rest_day_shift(session, True)
    assert records.get(session, "duty_report", rep.id).get("due") == "2027-02-01"


def test_a_task_counts_from_its_meeting_two_references_away(session, person):
    """常委会任务清单 → 议题 → 会议: the task's start is the meeting's date."""
    from desktop_app.domain.registry import family
    from desktop_app.services.rules import anchor_date, typed_deadline
    meeting = records.create(session, "meeting", {"meeting_type": "常委会",
                                                  "meeting_date": "2026-11-24"}).record
    topic = records.create(session, "topic", {"meeting_id": meeting.id, "name": "议题"}).record
    fam = family("meeting_task")
    spec = typed_deadline(fam, "deadline")
    assert anchor_date(session, fam, spec, {"topic_id": topic.id})[0].isoformat() == "2026-11-24"
    with pytest.raises(NeedsConfirmation, match="早于会议日期（2026-11-24）"):
        records.create(session, "meeting_task", {"topic_id": topic.id, "task": "任务",
                                                 "deadline": "2026-11-23"})
