"""Each role is allowed and refused what it should be, through the services
(the core refuses, not only the GUI), and the SQLite guard behind them."""
from __future__ import annotations

import sqlite3

import pytest

from desktop_app.errors import UserFacingError
from desktop_app.security import accounts, audit_view, authz, backup, policy
from desktop_app.security.authz import PermissionDenied
from desktop_app.security.roles import APPROVALS, Permission, Role, permissions_of
from desktop_app.services import attachments, queries, records
from desktop_app.services.office import set_setting
from desktop_app.store.dump import dump_digest
from security_testkit import PASSWORD, login, make_unit_person


def _talk(s, person_id):
    return records.create(s, "talk", {"talk_type": "提醒谈话", "person_ids": [person_id],
                                      "talk_date": "2026-11-20", "reason": "苗头性问题",
                                      "talkers": "李四、赵六"}).record


def _sanction_waiting(s, person_id):
    rec = records.create(s, "sanction", {"person_id": person_id, "kind": "诫勉",
                                         "decided": "2026-11-20"}).record
    records.set_status(s, "sanction", rec.id, "待审")
    return rec


def test_clerk_enters_and_edits_but_does_not_approve_or_administer(as_user, system):
    clerk = as_user("录入员乙")
    unit, person = make_unit_person(clerk)
    talk = _talk(clerk, person.id)
    assert records.update(clerk, "talk", talk.id, {"reason": "改过的理由"}).record["reason"] == "改过的理由"
    assert queries.search(clerk, "王建国") and queries.dossier(clerk, person.id).entries
    waiting = _sanction_waiting(clerk, person.id)
    before = dump_digest(clerk.conn)
    with pytest.raises(PermissionDenied, match="无权把状态改为“已审”"):
        records.set_status(clerk, "sanction", waiting.id, "已审")
    for call in (lambda: accounts.add_user(clerk, "新人", "录入员", "New-pass-1"),
                 lambda: set_setting(clerk, "prefix.函", "某函"),
                 lambda: backup.make_backup(clerk),
                 lambda: audit_view.search(clerk),
                 lambda: policy.set_policy(clerk, policy.IDLE_MINUTES, "5")):
        with pytest.raises(PermissionDenied):
            call()
    assert dump_digest(clerk.conn) == before


def test_reviewer_approves_and_issues(as_user):
    clerk, reviewer = as_user("录入员乙"), as_user("审核人丙")
    _, person = make_unit_person(clerk)
    waiting = _sanction_waiting(clerk, person.id)
    assert records.set_status(reviewer, "sanction", waiting.id, "已审").record.status == "已审"
    authz.require(reviewer, Permission.ISSUE_DOCUMENT)       # what the letters code checks
    with pytest.raises(PermissionDenied):
        authz.require(clerk, Permission.ISSUE_DOCUMENT)
    with pytest.raises(PermissionDenied):
        accounts.list_accounts(reviewer)


def test_auditor_reads_the_audit_log_only(as_user):
    clerk = as_user("录入员乙")
    _, person = make_unit_person(clerk)
    auditor = as_user("审计员丁")
    assert audit_view.search(auditor, audit_view.AuditFilter(user="录入员乙"))
    for call in (lambda: queries.search(auditor, "王建国"), lambda: queries.summary(auditor),
                 lambda: queries.dossier(auditor, person.id),
                 lambda: records.get(auditor, "person", person.id),
                 lambda: queries.list_records(auditor, "talk"),
                 lambda: attachments.attachments_of(auditor, "person", person.id),
                 lambda: records.create(auditor, "unit", {"name": "某单位", "category": "乡镇"})):
        with pytest.raises(PermissionDenied, match="审计员"):
            call()


def test_guard_stops_reads_that_skip_the_service_check(as_user):
    """A read service that forgets ``require`` (or one another package adds) still
    cannot show records to a role that may not read them."""
    make_unit_person(as_user("录入员乙"))
    auditor = as_user("审计员丁")
    for sql in ("SELECT name FROM person", "SELECT title FROM record_index",
                "SELECT rowid FROM record_grams WHERE record_grams MATCH 'u738b'", "SELECT * FROM deadline"):
        with pytest.raises(sqlite3.DatabaseError, match="prohibited|not authorized|vtable"):
            auditor.conn.execute(sql).fetchall()
    assert auditor.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] > 0


def test_guard_keeps_the_audit_log_append_only_for_every_account(as_user):
    admin = as_user("管理员甲")
    for sql in ("UPDATE audit_log SET actor = 'x' WHERE seq = 1", "DELETE FROM audit_log WHERE seq = 1"):
        with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
            admin.conn.execute(sql)
    assert not audit_view.verify_chain(admin)


def test_administrator_may_do_everything(as_user):
    admin = as_user("管理员甲")
    _, person = make_unit_person(admin)
    waiting = _sanction_waiting(admin, person.id)
    records.set_status(admin, "sanction", waiting.id, "已审")
    accounts.add_user(admin, "新录入员", "录入员", "New-pass-12")
    set_setting(admin, "prefix.函", "临纪函")
    assert audit_view.search(admin, audit_view.AuditFilter(action="新建账户"))


def test_three_admins_split_the_administrator(as_user, office, clock):
    admin = as_user("管理员甲")
    with pytest.raises(UserFacingError, match="系统管理员"):
        accounts.set_three_admins(admin, True)          # the trio must exist first
    accounts.add_user(admin, "系管", "系统管理员", "Sys-admin-1")
    accounts.add_user(admin, "安管", "安全保密管理员", "Sec-admin-1")
    accounts.set_three_admins(admin, True)
    with pytest.raises(UserFacingError, match="三员分立"):
        login(office, "管理员甲", clock)
    from desktop_app.security.auth import login as real_login
    sysadmin = real_login(office, "系管", "Sys-admin-1", clock=clock)
    secadmin = real_login(office, "安管", "Sec-admin-1", clock=clock)
    try:
        backup.make_backup(sysadmin)
        set_setting(sysadmin, "prefix.函", "临纪函")
        with pytest.raises(PermissionDenied):
            queries.search(sysadmin, "王")
        with pytest.raises(PermissionDenied):
            accounts.add_user(sysadmin, "某人", "录入员", "Some-pass-1")
        accounts.add_user(secadmin, "某人", "录入员", "Some-pass-1")
        policy.set_policy(secadmin, policy.IDLE_MINUTES, "5")
        with pytest.raises(PermissionDenied):
            audit_view.search(secadmin)
        with pytest.raises(PermissionDenied):
            queries.summary(secadmin)
        with pytest.raises(UserFacingError, match="已实行三员分立"):
            accounts.add_user(secadmin, "新管理员", "管理员", "New-admin-1")
    finally:
        sysadmin.close()
        secadmin.close()


def test_the_last_account_manager_cannot_be_removed(as_user):
    admin = as_user("管理员甲")
    with pytest.raises(UserFacingError, match="自己"):
        accounts.set_active(admin, "管理员甲", False)
    with pytest.raises(UserFacingError, match="没有能管理账户"):
        accounts.set_role(admin, "管理员甲", "录入员")


def test_system_role_only_from_open_session(session):
    """The trusted low-level open (tests, demo, internal jobs) may do everything;
    no account can hold that role."""
    assert session.role == Role.SYSTEM
    assert all(authz.allowed(session, p) for p in Permission)
    with pytest.raises(UserFacingError, match="没有“系统”这个角色"):
        accounts.add_user(session, "系统账户", "系统", "Some-pass-1")


def test_permission_table_is_coherent():
    assert permissions_of("管理员", three_admins=True) == frozenset()
    assert Permission.READ_RECORD not in permissions_of("审计员")
    assert all(p in permissions_of("审核人") for p in set(APPROVALS.values()))
    assert not any(p in permissions_of("录入员") for p in set(APPROVALS.values()))
    assert permissions_of("不存在的角色") == frozenset()


def test_role_change_takes_effect_at_next_session(as_user, office, clock):
    admin = as_user("管理员甲")
    accounts.set_role(admin, "录入员乙", "审计员")
    s = login(office, "录入员乙", clock)
    try:
        assert s.role == "审计员"
        with pytest.raises(PermissionDenied):
            queries.summary(s)
    finally:
        s.close()
    assert PASSWORD
