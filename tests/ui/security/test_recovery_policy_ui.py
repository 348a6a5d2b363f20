"""Damaged database at start → newest good backup; policy page; 回避 relations dialog."""
from __future__ import annotations

import os

from PySide6.QtWidgets import QDialog

from desktop_app.security import auth, avoidance, backup, policy, restore
from desktop_app.services.session import open_session
from ui.security import integrate
from ui.security.login import LoginDialog
from ui.security.policy_page import PolicyPage
from ui.security.recovery import RecoveryDialog
from ui.security.relatives import RelativesDialog
from secui import PASSWORD, audit_tail, clock, shoot


def _damage(data_dir) -> None:
    for suffix in ("-wal", "-shm"):
        (data_dir / f"taizhang.db{suffix}").unlink(missing_ok=True)
    with open(data_dir / "taizhang.db", "r+b") as fh:
        fh.seek(8192)
        fh.write(os.urandom(8192 * 4))


def test_damaged_database_at_start_is_recovered_then_login(app, office, identity, qtbot, monkeypatch):
    s = identity("管理员甲").open_session()
    try:
        made = backup.make_backup(s).info
    finally:
        s.close()
    _damage(office)
    assert not restore.health(office).ok
    seen = {}

    def recover(self):
        seen["found"] = self.found.text()
        shoot(self, "recovery")
        self.name.setText("录入员乙")                  # may not restore: refused, stays open
        self.password.setText(PASSWORD["录入员乙"])
        self.restore()
        seen["refused"] = self.error.text()
        self.name.setText("管理员甲")
        self.password.setText(PASSWORD["管理员甲"])
        self.restore()
        return self.result()

    def login(self):
        self.name.setText("管理员甲")
        self.password.setText(PASSWORD["管理员甲"])
        self.submit()
        return self.result()
    monkeypatch.setattr(RecoveryDialog, "exec", recover)
    monkeypatch.setattr(LoginDialog, "exec", login)
    who = integrate.sign_in(office, clock=clock, synchronous=True)
    assert made.path.name in seen["found"] and "无权恢复" in seen["refused"]
    assert who is not None and restore.health(office).ok
    assert ("管理员甲", "恢复") in audit_tail(office, 3)


def test_recovery_without_any_good_backup_says_so(app, office, qtbot):
    _damage(office)
    d = RecoveryDialog(office, ["数据库结构损坏"], clock=clock, synchronous=True)
    qtbot.addWidget(d)
    assert "没有找到" in d.found.text() and d.ok.text() == "重新查找"


def test_policy_page_saves_through_the_core(app, office, identity, qtbot, answers):
    page = PolicyPage(identity("管理员甲"), synchronous=True)
    qtbot.addWidget(page)
    page.resize(800, 500)
    page.show()
    assert page.edits[policy.IDLE_MINUTES].value() == 10
    page.edits[policy.IDLE_MINUTES].setValue(3)
    page.edits[policy.AVOIDANCE].setCurrentText("拦截")
    page.save()
    assert "已保存 2 项" in answers.infos[-1]
    s = open_session(office)
    try:
        assert policy.get(s.conn, policy.IDLE_MINUTES) == "3" and policy.get(s.conn, policy.AVOIDANCE) == "拦截"
    finally:
        s.close()
    page.three.setChecked(True)
    page.save()
    assert "系统管理员" in page.error.text()               # the trio must exist first
    shoot(page, "policy-page")


def test_relatives_dialog_registers_and_removes(app, office, identity, qtbot):
    who = identity("管理员甲")
    from ui.security.common import make_jobs
    d = RelativesDialog(who, "录入员乙", jobs=make_jobs(who.open_session, synchronous=True))
    qtbot.addWidget(d)
    s = open_session(office)
    name, pid = s.conn.execute("SELECT name, id FROM person LIMIT 1").fetchone()
    s.close()
    d.query.setText(name)
    d.find()
    assert d.found.count() >= 1
    d.found.setCurrentRow(next(i for i in range(d.found.count()) if d.found.item(i).data(256) == pid))
    d.relation.setText("配偶")
    d.add()
    assert d.current.count() == 1 and d.current.item(0).text() == f"配偶：{name}"   # a name, no id
    assert all(pid[:8] not in d.found.item(i).text() for i in range(d.found.count()))
    clerk = auth.login(office, "录入员乙", PASSWORD["录入员乙"], clock=clock)
    try:
        assert avoidance.relation_to(clerk.conn, "录入员乙", pid) == "配偶"
    finally:
        clerk.close()
    d.current.setCurrentRow(0)
    d.remove()
    assert d.current.count() == 0
    assert QDialog
