"""Holiday tables in the program: show, enter a year's notice (validated, audited,
stored in the database, deadlines recomputed), the reminder from 1 November, and
the "按周末估算" mark of a year without a table."""
from __future__ import annotations

import copy
import json
from datetime import date

import pytest

from desktop_app.domain.calendar import HOLIDAY_DIR
from desktop_app.errors import ValidationError
from desktop_app.services import holidays, queries, records
from desktop_app.services.session import open_session
from desktop_app.store.dump import canonical_dump
from tests.core.conftest import fixed_clock

# A made-up 2027 notice for the tests (the real one is not published yet).
NOTICE_2027 = {
    "year": 2027, "notice": "国务院办公厅关于2027年部分节假日安排的通知（测试用）", "issued": "2026-11-10",
    "holidays": [
        {"name": "元旦", "off": ["2027-01-01", "2027-01-03"], "work": []},
        {"name": "春节", "off": ["2027-02-06", "2027-02-14"], "work": ["2027-02-20"]},
        {"name": "测试假", "off": ["2027-01-20", "2027-01-22"], "work": ["2027-01-23"]},
    ],
}


def _file(tmp_path, obj, name="通知.json"):
    path = tmp_path / name
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return path


def _letter(session, unit):
    """函询 delivered 2027-01-04: reply due 15 working days later."""
    return records.create(session, "letter", {
        "letter_type": "函询", "title": "函询", "recipient_unit_id": unit.id,
        "written_date": "2026-11-27", "delivered_date": "2027-01-04"}).record


def _due(s, rid, kind="reply"):
    return s.conn.execute("SELECT due_date FROM deadline WHERE id = ? AND kind = ?",
                          (rid, kind)).fetchone()[0]


def test_show_a_shipped_year(session):
    info = holidays.show(session, 2026)
    assert info.source == "随程序提供"
    lines = holidays.summary_lines(info)
    assert "  春节：2026年2月15日至2026年2月23日放假，共 9 天；2026年2月14日（星期六）、2026年2月28日（星期六）上班" in lines
    assert holidays.show(session, 2027) is None
    assert [t.year for t in holidays.tables(session)] == [2025, 2026]


def test_enter_next_years_notice(session, unit, data_dir, tmp_path):
    letter = _letter(session, unit)
    assert _due(session, letter.id) == "2027-01-25"          # weekends only
    assert [d for d in queries.due_list(session) if d.id == letter.id] == []
    table = holidays.read_notice(_file(tmp_path, NOTICE_2027), 2027)
    moved = holidays.set_table(session, table)
    assert moved >= 1
    assert _due(session, letter.id) == "2027-01-27"          # 01-20…22 off, Sat 01-23 works
    assert holidays.show(session, 2027).source == "本机关录入"
    entry = session.conn.execute("SELECT actor, detail FROM audit_log WHERE action = '录入节假日安排'").fetchone()
    assert entry[0] == "录入员甲" and json.loads(entry[1])["year"] == 2027
    assert not (HOLIDAY_DIR / "2027.json").exists()          # the database, not the install folder
    again = open_session(data_dir, user="录入员甲", clock=fixed_clock())
    try:
        assert again.calendar.has_table(2027)
        assert not again.calendar.is_working_day(date(2027, 1, 21))
        assert again.calendar.is_working_day(date(2027, 1, 23))
    finally:
        again.close()
    # entering the same notice again changes nothing, not even the audit log
    before = canonical_dump(session.conn)
    assert holidays.set_table(session, table) == 0
    assert canonical_dump(session.conn) == before


def mutate(path, value):
    obj = copy.deepcopy(NOTICE_2027)
    *head, last = path.split(".")
    target = obj
    for p in head:
        target = target[int(p)] if p.isdigit() else target[p]
    target[int(last) if last.isdigit() else last] = value
    return obj


@pytest.mark.parametrize("obj, words", [
    (mutate("holidays.1.work", ["2027-02-17"]), "不是周六或周日"),            # make-up day on a Wednesday
    (mutate("holidays.0.off", ["2027-01-02", "2027-01-03"]), "都是周六、周日"),  # rest days that are rest days already
    (mutate("holidays.1.work", ["2027-02-13"]), "已列为"),                    # make-up day inside the break
    (mutate("year", 2028), "与要录入的 2027 年不符"),
    (mutate("issued", "2025-11-10"), "与年度 2027 不符"),
    (mutate("holidays.1.off", ["2027-02-14", "2027-02-06"]), "晚于末日"),
    (mutate("holidays.2.name", ""), "名称不能为空"),
    (mutate("holidays.1.wrok", []), "无法识别"),
])
def test_bad_notices_are_refused_and_change_nothing(session, tmp_path, obj, words):
    before = canonical_dump(session.conn)
    with pytest.raises(ValidationError) as e:
        holidays.set_table(session, holidays.read_notice(_file(tmp_path, obj), 2027))
    assert words in e.value.message
    assert canonical_dump(session.conn) == before


def test_unreadable_files_are_refused(session, tmp_path):
    bad = tmp_path / "gbk.json"
    bad.write_bytes(json.dumps(NOTICE_2027, ensure_ascii=False).encode("gb18030"))
    cases = [(bad, "不是 UTF-8"), (tmp_path / "none.json", "无法读取"), (tmp_path, "是文件夹")]
    broken = tmp_path / "broken.json"
    broken.write_text('{"year": 2027,', encoding="utf-8")
    cases.append((broken, "不是有效的 JSON"))
    huge = tmp_path / "huge.json"
    huge.write_text(" " * (holidays.MAX_FILE_BYTES + 1), encoding="utf-8")
    cases.append((huge, "不像节假日安排表"))
    for path, words in cases:
        with pytest.raises(ValidationError, match=words):
            holidays.read_notice(path, 2027)


def test_reminder_from_first_of_november(session):
    assert holidays.missing_next_year(session, date(2026, 10, 31)) is None
    assert holidays.missing_next_year(session, date(2026, 11, 1)) == 2027
    assert holidays.missing_next_year(session, date(2026, 12, 31)) == 2027
    assert holidays.missing_next_year(session, date(2025, 11, 5)) is None     # 2026 is shipped
    holidays.set_table(session, holidays.parse_notice(json.dumps(NOTICE_2027), 2027))
    assert holidays.missing_next_year(session, date(2026, 11, 1)) is None


def test_a_deadline_in_a_year_without_table_keeps_its_estimated_mark(data_dir, unit):
    s = open_session(data_dir, user="录入员甲", clock=fixed_clock(date(2026, 12, 28)))
    try:
        rect = records.create(s, "rectification", {
            "title": "整改", "unit_id": unit.id, "issued_date": "2026-12-28"}).record
        item = records.create(s, "rect_item", {"rectification_id": rect.id, "problem": "问题",
                                               "deadline": "2027-01-04"}).record
        near = [d for d in queries.due_list(s) if d.id == item.id]
        assert near and near[0].estimated is True                 # 2027: weekends only
        holidays.set_table(s, holidays.parse_notice(json.dumps(NOTICE_2027), 2027))
        near = [d for d in queries.due_list(s) if d.id == item.id]
        assert near and near[0].estimated is False
    finally:
        s.close()


def test_nearest_due_is_marked_estimated_until_the_table_is_entered(session, unit):
    from desktop_app.services import lookup
    rect = records.create(session, "rectification", {
        "title": "整改", "unit_id": unit.id, "issued_date": "2026-11-27", "report_due": "2027-01-08"}).record
    assert lookup.nearest_due(session, "rectification", [rect.id])[rect.id].estimated is True
    holidays.set_table(session, holidays.parse_notice(json.dumps(NOTICE_2027), 2027))
    assert lookup.nearest_due(session, "rectification", [rect.id])[rect.id].estimated is False
