"""备份与恢复 and 账户管理 pages."""
from __future__ import annotations

import sqlite3

from PySide6.QtWidgets import QDialog

from desktop_app.security import auth, backup
from desktop_app.services import records
from ui.security import backups_page
from ui.security.accounts_page import AccountsPage
from ui.security.backups_page import BackupsPage
from ui.security.password_dialogs import AccountDialog, NewPasswordDialog
from secui import PASSWORD, audit_tail, clock, shoot


def _names(data_dir) -> int:
    conn = sqlite3.connect(data_dir / "taizhang.db")
    try:
        return conn.execute("SELECT count(*) FROM person").fetchone()[0]
    finally:
        conn.close()


def test_back_up_now_then_restore_the_selected_backup(app, office, identity, qtbot, answers):
    page = BackupsPage(identity("管理员甲"), synchronous=True)
    qtbot.addWidget(page)
    page.resize(1000, 500)
    page.show()
    assert page.table.rowCount() == 0
    page.back_up()
    assert page.table.rowCount() == 1 and "已备份并校验" in answers.infos[-1]
    assert page.table.item(0, 2).text() == str(page.infos[0].records)
    shoot(page, "backups-page")
    persons = _names(office)
    s = identity("录入员乙").open_session()
    try:                                          # a person entered after the backup
        unit = s.conn.execute("SELECT id FROM unit LIMIT 1").fetchone()[0]
        records.create(s, "person", {"name": "备份后新增", "unit_id": unit})
    finally:
        s.close()
    assert _names(office) == persons + 1
    restored = []
    page.restored.connect(restored.append)
    page.table.selectRow(0)
    page.restore_selected()
    assert answers.questions and "恢复" in answers.questions[-1]
    assert restored and restored[0].replaced.exists() and _names(office) == persons
    assert audit_tail(office, 1) == [("管理员甲", "恢复")]


def test_encrypted_backup_asks_for_the_passphrase(app, office, identity, qtbot, answers, monkeypatch):
    who = identity("管理员甲")
    s = who.open_session()
    try:
        backup.set_passphrase(s, "Office-backup-1")
    finally:
        s.close()
    page = BackupsPage(who, synchronous=True)
    qtbot.addWidget(page)
    page.back_up()
    assert page.infos[0].encrypted and page.table.item(0, 5).text() == "是"
    asked = []
    monkeypatch.setattr(backups_page, "ask_passphrase", lambda parent, name: asked.append(name) or "Wrong-1")
    page.table.selectRow(0)
    page.restore_selected()
    assert asked and "口令不正确" in page.error.text()
    monkeypatch.setattr(backups_page, "ask_passphrase", lambda parent, name: "Office-backup-1")
    page.restore_selected()
    assert "恢复完成" not in page.error.text() and audit_tail(office, 1) == [("管理员甲", "恢复")]


def test_a_clerk_sees_backups_but_cannot_restore(app, office, identity, qtbot):
    page = BackupsPage(identity("录入员乙"), synchronous=True)
    qtbot.addWidget(page)
    assert not page.restore_button.isEnabled() and not page.backup_button.isEnabled()


def _answer(monkeypatch, cls, fill):
    def fake_exec(self):
        fill(self)
        self.submit()
        return self.result()
    monkeypatch.setattr(cls, "exec", fake_exec)


def test_accounts_page_manages_accounts(app, office, identity, qtbot, answers, monkeypatch):
    page = AccountsPage(identity("管理员甲"), synchronous=True)
    qtbot.addWidget(page)
    page.resize(900, 400)
    page.show()
    assert page.table.rowCount() == 4
    _answer(monkeypatch, AccountDialog, lambda d: (d.name.setText("新录入员"), d.role.setCurrentText("录入员"),
                                                   d.password.setText("New-clerk-1"), d.again.setText("New-clerk-1")))
    page.add()
    assert page.table.rowCount() == 5 and "已新建账户" in answers.infos[-1]
    auth.authenticate(office, "新录入员", "New-clerk-1", clock=clock)
    row = [a.name for a in page.rows].index("录入员乙")
    page.table.selectRow(row)
    for _ in range(5):
        try:
            auth.authenticate(office, "录入员乙", "Wrong-pass-1", clock=clock)
        except Exception:
            pass
    page.refresh()
    page.table.selectRow(row)
    assert "锁定至" in page.table.item(row, 2).text()
    page.unlock()
    assert page.table.item(row, 2).text() == "正常"
    _answer(monkeypatch, NewPasswordDialog, lambda d: (d.password.setText("Reset-pass-1"),
                                                       d.again.setText("Reset-pass-1")))
    page.table.selectRow(row)
    page.reset_password()
    auth.authenticate(office, "录入员乙", "Reset-pass-1", clock=clock)
    page.table.selectRow(row)
    page.toggle_active()
    assert page.table.item(row, 2).text() == "已停用"
    shoot(page, "accounts-page")
    assert ("管理员甲", "停用账户") in audit_tail(office, 6)


def test_accounts_page_refuses_a_clerk(app, office, identity, qtbot):
    page = AccountsPage(identity("录入员乙"), synchronous=True)
    qtbot.addWidget(page)
    assert page.table.rowCount() == 0 and "无权" in page.error.text()
    assert PASSWORD and QDialog
