"""Creating, editing, status changes and voiding; every bad input refused
with a Chinese message and the database unchanged."""
from __future__ import annotations

import pytest

from desktop_app.errors import UserFacingError, ValidationError
from desktop_app.services import queries, records
from tests.core.conftest import dump


def _talk(person, **extra):
    return {"talk_type": "约谈", "reason": "落实主体责任不到位", "person_ids": [person.id],
            "talkers": "李四、王五", "talk_date": "2026-11-20"} | extra


def test_create_stamps_every_common_column(session, person):
    rec = records.create(session, "talk", _talk(person)).record
    assert rec.ledger_no == "LCX-TH-2026-1"
    assert rec.owner_office == "LCX" and rec.status == "拟谈话" and rec.sensitivity == "一般"
    assert rec.created_by == rec.updated_by == "录入员甲"
    assert rec.revision.origin == session.instance and rec.revision.counter > 0
    assert f'"{session.instance}"' in rec.revision.vv
    assert rec["person_ids"] == (person.id,)


def test_update_bumps_revision_and_audits_field_diff(session, person):
    rec = records.create(session, "talk", _talk(person)).record
    saved = records.update(session, "talk", rec.id, {"place": "谈话室"})
    assert saved.record["place"] == "谈话室"
    assert saved.record.revision.counter > rec.revision.counter
    row = session.conn.execute("SELECT detail FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert '"place":[null,"谈话室"]' in row[0]
    assert records.update(session, "talk", rec.id, {"place": "谈话室"}).changes.updated == ()


def test_status_flow_enforced(session, person):
    rec = records.create(session, "talk", _talk(person)).record
    records.set_status(session, "talk", rec.id, "已谈话")
    before = dump(session)
    with pytest.raises(ValidationError, match="不能从“已谈话”改为“拟谈话”"):
        records.set_status(session, "talk", rec.id, "拟谈话")
    assert dump(session) == before


def test_void_needs_reason_and_blocks_edits(session, person):
    rec = records.create(session, "talk", _talk(person)).record
    before = dump(session)
    for reason in ("", "   ", None):
        with pytest.raises(ValidationError, match="作废必须填写理由"):
            records.void(session, "talk", rec.id, reason)
    assert dump(session) == before
    voided = records.void(session, "talk", rec.id, "重复录入").record
    assert voided.voided and voided.void_reason == "重复录入"
    with pytest.raises(UserFacingError, match="已作废"):
        records.update(session, "talk", rec.id, {"place": "x"})


BAD_INPUTS = [
    ({"talk_date": "2026-13-01"}, "不是有效日期"),
    ({"talk_date": "2026-02-30"}, "不存在"),
    ({"talk_date": "明天"}, "不是有效日期"),
    ({"talk_date": "0001-01-01"}, "年份"),
    ({"reason": "长" * 201}, "最多 200 个字"),
    ({"reason": ""}, "请填写谈话事由"),
    ({"talk_type": "喝茶"}, "不是可选项"),
    ({"person_ids": ["no-such-person"]}, "找不到这个人员"),
    ({"unknown_field": 1}, "没有“unknown_field”"),
    ({"written_requested": "2026-11-20", "written_submitted": "2026-11-01"}, "不能早于"),
    ({"reason": "第一行\n第二行"}, "只能填一行"),
]


@pytest.mark.parametrize("extra,message", BAD_INPUTS)
def test_bad_input_refused_and_nothing_changes(session, person, extra, message):
    before = dump(session)
    with pytest.raises(ValidationError, match=message) as err:
        records.create(session, "talk", _talk(person, **extra))
    assert err.value.field
    assert dump(session) == before


def test_end_before_start_refused(session, person):
    before = dump(session)
    with pytest.raises(ValidationError, match="终止日期.*不能早于起始日期"):
        records.create(session, "position", {"person_id": person.id, "start": "2026-05-01",
                                             "end": "2026-01-01", "position": "镇长"})
    assert dump(session) == before


def test_deadline_on_non_working_day_refused(session, unit):
    rect = records.create(session, "rectification", {"title": "整改", "unit_id": unit.id,
                                                      "issued_date": "2026-11-02"}).record
    before = dump(session)
    with pytest.raises(ValidationError, match="非工作日（国庆节"):
        records.create(session, "rect_item", {"rectification_id": rect.id, "problem": "问题",
                                              "deadline": "2026-10-05"})
    with pytest.raises(ValidationError, match="非工作日"):
        records.update(session, "rectification", rect.id, {"report_due": "2026-11-28"})
    assert dump(session) == before


def test_secret_content_refused(session, unit):
    with pytest.raises(ValidationError, match="非涉密系统"):
        records.create(session, "unit", {"name": "某单位", "category": "乡镇"}, sensitivity="秘密")


def test_voided_reference_refused(session, unit, person):
    records.void(session, "person", person.id, "调离")
    with pytest.raises(ValidationError, match="已作废"):
        records.create(session, "talk", _talk(person))


def test_other_office_records_are_read_only(session, person):
    rec = records.create(session, "talk", _talk(person)).record
    session.office_code = "OTHER"
    with pytest.raises(UserFacingError, match="属于 LCX"):
        records.update(session, "talk", rec.id, {"place": "x"})


RARE = ["𠮷田", "龚䶮", "朱镕基", "王堃", "李喆", "陈赟", "表情😀👍", "O'Brien \"引号\"",
        "a%b_c", "'; DROP TABLE person; --", "反斜杠\\与\t制表"]


@pytest.mark.parametrize("name", RARE)
def test_rare_characters_stored_and_found_exactly(session, unit, name):
    name = name.replace("\t", " ")
    rec = records.create(session, "person", {"name": name, "unit_id": unit.id}).record
    assert records.get(session, "person", rec.id)["name"] == name
    hits = queries.search(session, name)
    assert rec.id in [h.id for h in hits]
    short = name[:2]
    assert rec.id in [h.id for h in queries.search(session, short)]


def test_computed_deadlines(session, person, unit):
    letter = records.create(session, "letter", {
        "letter_type": "函询", "title": "函询", "written_date": "2026-09-25",
        "delivered_date": "2026-09-28", "recipient_person_id": person.id}).record
    # 15 working days from 9-28 (Mon): 9-29, 9-30, then 国庆 10-1..10-7 off,
    # 10-8, 10-9, 10-10 (Sat, make-up working day), 10-12 … → 10-23
    assert letter["reply_due"] == "2026-10-23"
    rows = session.conn.execute("SELECT kind, due_date FROM deadline WHERE id = ?", (letter.id,)).fetchall()
    assert [tuple(r) for r in rows] == [("reply", "2026-10-23")]
    replied = records.update(session, "letter", letter.id, {"reply_date": "2026-10-20"}).record
    rows = dict(session.conn.execute("SELECT kind, due_date FROM deadline WHERE id = ?",
                                     (replied.id,)).fetchall())
    assert rows["report"] == "2026-11-20"       # 1 calendar month after the reply


def test_sanction_effect_end_and_duty_due(session, person):
    s = records.create(session, "sanction", {"person_id": person.id, "kind": "诫勉",
                                             "decided": "2026-01-31"}).record
    assert s["effect_end"] == "2026-07-31"
    d = records.create(session, "duty_report", {"person_id": person.id, "cycle": "季",
                                                "period": "2026Q3"}).record
    assert d["due"] == "2026-10-20"   # 10 working days after 9-30: 10-8,9,10(Sat, make-up),12…20
    with pytest.raises(ValidationError, match="与周期"):
        records.create(session, "duty_report", {"person_id": person.id, "cycle": "月",
                                                "period": "2026Q3"})


def test_completing_an_item_dates_it_and_closes_its_deadline(session, unit):
    rect = records.create(session, "rectification", {"title": "整改", "unit_id": unit.id,
                                                      "issued_date": "2026-11-02"}).record
    item = records.create(session, "rect_item", {"rectification_id": rect.id, "problem": "问题",
                                                 "deadline": "2026-11-26"}, confirm_dates=True).record
    assert [d.id for d in queries.due_list(session)] == [item.id]
    records.set_status(session, "rect_item", item.id, "整改中")
    done = records.set_status(session, "rect_item", item.id, "已完成").record
    assert done["completed_date"] == "2026-11-27"
    assert queries.due_list(session) == []


def test_responsibility_entry_locks_after_deadline(session, person):
    tpl = records.create(session, "resp_template", {"name": "主体责任清单", "year": 2026,
                                                    "version": "v1", "subject": "党委"}).record
    item = records.create(session, "resp_item", {"template_id": tpl.id, "category": "政治建设",
                                                 "item": "学习", "fill_deadline": "2026-11-20"}).record
    before = dump(session)
    with pytest.raises(UserFacingError, match="已锁定"):
        records.create(session, "resp_entry", {"item_id": item.id, "person_id": person.id,
                                               "entry_date": "2026-11-19", "content": "补填"})
    assert dump(session) == before


def test_ledger_counter_moves_past_numbers_seen_from_other_workstations(session, person):
    from desktop_app.store.records import observe_ledger_no
    observe_ledger_no(session.conn, "LCX-TH-2026-41")      # imported from a sister workstation
    observe_ledger_no(session.conn, "LCX-TH-2026-7")       # an older one changes nothing
    observe_ledger_no(session.conn, "不是编号")
    rec = records.create(session, "talk", {"talk_type": "约谈", "reason": "事由", "person_ids": [person.id],
                                           "talkers": "甲", "talk_date": "2026-11-20"}).record
    assert rec.ledger_no == "LCX-TH-2026-42"


def _item(session, unit, deadline="2026-11-26"):
    rect = records.create(session, "rectification", {"title": "整改", "unit_id": unit.id,
                                                      "issued_date": "2026-11-02"}).record
    return records.create(session, "rect_item", {"rectification_id": rect.id, "problem": "问题",
                                                  "deadline": deadline}, confirm_dates=True).record


def test_approved_extension_moves_the_item_deadline(session, unit):
    item = _item(session, unit)
    records.set_status(session, "rect_item", item.id, "整改中")
    ext = records.create(session, "rect_extension", {"item_id": item.id, "applied": "2026-11-20",
                                                     "reason": "资金追缴需要时间",
                                                     "new_deadline": "2026-12-18"}).record
    assert [d.id for d in queries.due_list(session)] == [item.id]          # still overdue
    saved = records.set_status(session, "rect_extension", ext.id, "批准")
    moved = records.get(session, "rect_item", item.id)
    assert moved["extended_to"] == "2026-12-18" and moved.status == "延期"
    assert {r.family for r in saved.changes.updated} == {"rect_extension", "rect_item"}
    assert queries.due_list(session) == []                                  # due 12-18 now


def test_extension_refused_on_a_holiday_or_before_the_deadline(session, unit):
    item = _item(session, unit)
    before = dump(session)
    for new, message in (("2026-11-28", "非工作日"), ("2026-11-20", "应晚于")):
        with pytest.raises(ValidationError, match=message):
            records.create(session, "rect_extension", {"item_id": item.id, "applied": "2026-11-20",
                                                       "reason": "理由", "new_deadline": new})
    assert dump(session) == before


def test_a_later_holiday_table_does_not_block_unrelated_edits(session, unit):
    from datetime import date as d
    from desktop_app.domain.calendar import Holiday, WorkCalendar, YearTable
    item = _item(session, unit, deadline="2026-12-31")
    # the office later enters a table in which 12-30 and 12-31 are days off
    table = YearTable(2026, "测试通知", d(2025, 11, 4), (Holiday("测试", d(2026, 12, 30), d(2026, 12, 31)),))
    session.calendar = WorkCalendar([table])
    records.update(session, "rect_item", item.id, {"measures": "加强管理"})      # not refused
    with pytest.raises(ValidationError, match="非工作日"):
        records.update(session, "rect_item", item.id, {"deadline": "2026-12-30"})
