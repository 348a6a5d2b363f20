"""The audit viewer: search, before/after, export, chain verification, and every
kind of audited event carrying the right user."""
from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from openpyxl import load_workbook

from desktop_app.security import audit_view, auth
from desktop_app.security.audit_view import AuditFilter
from desktop_app.services import outputs, queries, records
from desktop_app.store import audit
from security_testkit import audit_rows, make_unit_person


def _edit(clerk):
    unit, person = make_unit_person(clerk)
    records.update(clerk, "person", person.id, {"position": "镇长"})
    return person


def test_before_and_after_of_a_change(as_user):
    person = _edit(as_user("录入员乙"))
    auditor = as_user("审计员丁")
    [entry] = audit_view.search(auditor, AuditFilter(action="修改", record=person.id))
    assert entry.actor == "录入员乙" and entry.family_label == "人员"
    [change] = entry.changes()
    assert (change.label, change.before, change.after) == ("现职务", "党委书记", "镇长")
    assert "现职务：党委书记 → 镇长" in entry.summary()


def test_search_by_user_action_record_and_date(as_user, clock):
    clerk = as_user("录入员乙")
    person = _edit(clerk)
    clock.advance(days=3)
    records.update(clerk, "person", person.id, {"position": "副镇长"})
    auditor = as_user("审计员丁")
    assert {e.actor for e in audit_view.search(auditor, AuditFilter(user="录入员乙"))} == {"录入员乙"}
    assert len(audit_view.search(auditor, AuditFilter(record=person.id[:8]))) == 3
    later = audit_view.search(auditor, AuditFilter(record=person.id, since=date(2026, 11, 30)))
    assert [e.action for e in later] == ["修改"]
    first_day = audit_view.search(auditor, AuditFilter(record=person.id, until=date(2026, 11, 27)))
    assert [e.action for e in first_day] == ["修改", "新建"]
    assert audit_view.search(auditor, AuditFilter(text="副镇长"))[0].record_id == person.id
    page = audit_view.search(auditor, limit=2)
    rest = audit_view.search(auditor, before_seq=page[-1].seq, limit=1000)
    assert page[-1].seq > rest[0].seq and len(page) + len(rest) == audit_view.count(auditor)
    assert "登录" in audit_view.choices(auditor)["actions"]


def test_the_auditor_sees_records_named_as_the_log_names_them(as_user):
    """The 审计员 may not read records (the authorizer refuses), so the page names a
    record by its 台账编号 or name from the log itself, and the record filter takes it."""
    clerk = as_user("录入员乙")
    person = _edit(clerk)
    talk = records.create(clerk, "talk", {"talk_type": "提醒谈话", "reason": "落实主体责任不到位",
                                          "person_ids": [person.id], "talkers": "李××",
                                          "talk_date": "2026-11-20"}).record
    records.update(clerk, "talk", talk.id, {"place": "谈话室"})
    auditor = as_user("审计员丁")
    with pytest.raises(Exception):
        auditor.conn.execute("SELECT ledger_no FROM talk").fetchall()
    entries = audit_view.search(auditor, AuditFilter(family="talk"))
    assert {e.record_text for e in entries} == {talk.ledger_no}
    assert talk.ledger_no.startswith("LCX-TH-")
    people = audit_view.search(auditor, AuditFilter(family="person"))
    assert {e.record_text for e in people} == {person.get("name")}
    found = audit_view.search(auditor, AuditFilter(record=talk.ledger_no))
    assert [e.action for e in found] == ["修改", "新建"] and {e.record_id for e in found} == {talk.id}
    assert audit_view.search(auditor, AuditFilter(record="LCX-TH-1900-1")) == []


def test_export_to_xlsx_is_complete_and_audited(as_user, office, tmp_path):
    _edit(as_user("录入员乙"))
    auditor = as_user("审计员丁")
    target = tmp_path / "审计.xlsx"
    n = audit_view.export_xlsx(auditor, AuditFilter(user="录入员乙"), target)
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert "内部事项 注意保管" in rows[0][0] and rows[1][:4] == ("序号", "时间", "用户", "操作")
    assert len(rows) == n + 2 and {r[2] for r in rows[2:]} == {"录入员乙"}
    assert any("现职务：党委书记 → 镇长" in (r[6] or "") for r in rows[2:])
    assert audit_rows(office)[-1] == ("审计员丁", "导出审计日志")


def _tamper(office, sql: str, *args) -> None:
    conn = sqlite3.connect(office / "taizhang.db")
    conn.execute(sql, args)
    conn.commit()
    conn.close()


@pytest.mark.parametrize("how, named", [
    ("UPDATE audit_log SET detail = '{}' WHERE seq = 5", "第 5 条的内容被改动"),
    ("DELETE FROM audit_log WHERE seq = 6", "第 6 条缺失"),
    ("UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 7", "第 7 条缺失"),
    ("INSERT INTO audit_log (seq, ts, actor, action, detail, hash)"
     " SELECT 4, ts, 'x', '插入', '{}', hash FROM audit_log WHERE seq = 3"
     " ON CONFLICT DO NOTHING", None),
])
def test_verify_names_the_first_broken_entry(as_user, office, how, named):
    _edit(as_user("录入员乙"))
    s = auth.login(office, "审计员丁", "Audit-pass-1")
    assert audit_view.verify_chain(s) == []
    s.close()
    if named is None:                     # insert in the middle: shift, then insert a forged row
        _tamper(office, "UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 4")
        _tamper(office, "UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1004")
        _tamper(office, "INSERT INTO audit_log (seq, ts, actor, action, detail, hash)"
                        " SELECT 4, ts, '伪造', '插入', '{}', hash FROM audit_log WHERE seq = 3")
        named = "第 4 条的内容被改动"
    else:
        _tamper(office, how)
    s = auth.login(office, "审计员丁", "Audit-pass-1")
    try:
        problems = audit_view.verify_chain(s)
    finally:
        s.close()
    assert problems and named in problems[0].message


def test_cut_off_tail_is_detected(as_user, office):
    _edit(as_user("录入员乙"))
    last = audit_rows(office)
    _tamper(office, "DELETE FROM audit_log WHERE seq = ?", len(last))
    conn = sqlite3.connect(office / "taizhang.db")
    conn.row_factory = sqlite3.Row
    try:
        problems = audit.verify(conn)
    finally:
        conn.close()
    assert problems and "末尾缺失" in problems[0].message


def test_every_kind_of_event_with_its_user(as_user, office, clock, tmp_path):
    """Login, failed login, lock, record changes, dossier opening, export, print,
    backup, restore and screen lock all land in the log under the acting user."""
    from desktop_app.security import backup, restore
    clerk = as_user("录入员乙")
    _, person = make_unit_person(clerk)
    queries.dossier(clerk, person.id)
    outputs.record_output(clerk, "导出", "谈话台账 Excel", detail={"rows": 3})
    outputs.record_output(clerk, "打印", "廉政档案", family="person", record_id=person.id)
    auth.lock_screen(clerk, minutes_idle=10)
    for _ in range(5):
        with pytest.raises(auth.LoginFailed):
            auth.login(office, "审核人丙", "Wrong-pass-1", clock=clock)
    admin = as_user("管理员甲")
    audit_view.verify_chain(as_user("审计员丁"))
    made = backup.make_backup(admin).info.path
    restore.restore(office, made, session=as_user("管理员甲"), clock=clock)
    log = set(audit_rows(office))
    expected = {("录入员乙", "登录"), ("录入员乙", "新建"), ("录入员乙", "查阅廉政档案"),
                ("录入员乙", "导出"), ("录入员乙", "打印"), ("录入员乙", "锁屏"),
                ("审核人丙", "登录失败"), ("审核人丙", "账户锁定"), ("管理员甲", "备份"),
                ("管理员甲", "恢复"), ("管理员甲", "新建账户"), ("审计员丁", "校验审计日志")}
    assert expected <= log, expected - log
