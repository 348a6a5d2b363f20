"""The login before the main window, the first administrator, the demo account."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog

from desktop_app.security import accounts
from ui.security import integrate
from ui.security.login import FirstAdminDialog, LoginDialog
from secui import PASSWORD, audit_tail, clock, shoot


def test_login_gives_an_identity_with_the_role(app, office, qtbot):
    d = LoginDialog(office, clock=clock, synchronous=True)
    qtbot.addWidget(d)
    d.name.setText("录入员乙")
    d.password.setText(PASSWORD["录入员乙"])
    d.submit()
    assert d.result() == QDialog.DialogCode.Accepted
    assert (d.identity.name, d.identity.role) == ("录入员乙", "录入员")
    assert d.password.text() == ""                  # never kept in the widget
    assert audit_tail(office, 1) == [("录入员乙", "登录")]


def test_wrong_password_is_shown_and_counted(app, office, qtbot):
    d = LoginDialog(office, clock=clock, synchronous=True)
    qtbot.addWidget(d)
    d.show()
    for i in range(5):
        d.name.setText("录入员乙")
        d.password.setText("Wrong-pass-1")
        d.submit()
    assert d.identity is None and d.result() != QDialog.DialogCode.Accepted
    assert "锁定" in d.error.text() and d.error.isVisible()
    assert audit_tail(office, 2) == [("录入员乙", "登录失败"), ("录入员乙", "账户锁定")]
    shoot(d, "login-locked")


def test_demo_login_is_filled_in(app, demo_dir, qtbot):
    d = LoginDialog(demo_dir, demo=True, clock=clock, synchronous=True)
    qtbot.addWidget(d)
    assert d.name.text() == "管理员" and d.password.text()
    assert (demo_dir / "demo-password.txt").exists()
    d.submit()
    assert d.identity is not None and d.identity.role == "管理员"


def test_first_start_creates_the_administrator(app, demo_dir, qtbot):
    d = FirstAdminDialog(demo_dir, clock=clock, synchronous=True)
    qtbot.addWidget(d)
    d.name.setText("张管理")
    d.password.setText("Zhang-admin-1")
    d.again.setText("Zhang-admin-2")
    d.submit()
    assert "不一样" in d.error.text() and d.identity is None
    d.again.setText("weak")
    d.password.setText("weak")
    d.submit()
    assert "至少 8 位" in d.error.text()
    d.password.setText("Zhang-admin-1")
    d.again.setText("Zhang-admin-1")
    d.submit()
    assert d.identity.name == "张管理" and d.identity.role == "管理员"
    assert ("首次启动", "创建首个管理员") in audit_tail(demo_dir, 3)


def test_sign_in_chooses_first_admin_or_login(app, demo_dir, monkeypatch):
    shown = []

    def fake_exec(self):
        shown.append(type(self).__name__)
        if isinstance(self, FirstAdminDialog):
            self.name.setText("张管理")
            self.password.setText("Zhang-admin-1")
            self.again.setText("Zhang-admin-1")
        else:
            self.name.setText("张管理")
            self.password.setText("Zhang-admin-1")
        self.submit()
        return self.result()
    monkeypatch.setattr(FirstAdminDialog, "exec", fake_exec)
    monkeypatch.setattr(LoginDialog, "exec", fake_exec)
    first = integrate.sign_in(demo_dir, clock=clock, synchronous=True)
    again = integrate.sign_in(demo_dir, clock=clock, synchronous=True)
    assert shown == ["FirstAdminDialog", "LoginDialog"]
    assert first.name == again.name == "张管理"


def test_quitting_the_login_ends_quietly(app, office, monkeypatch):
    monkeypatch.setattr(LoginDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert integrate.sign_in(office, clock=clock, synchronous=True) is None
    assert accounts
