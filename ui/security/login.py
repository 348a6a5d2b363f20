"""The login dialog, and the first start's administrator.

The check itself (scrypt, ~0.1 s, plus the audit entry) runs as a job, so the
window stays responsive. With ``demo=True`` the demo administrator (created on
first use, password in ``demo-password.txt``) is filled in, so that
``taizhang --demo`` still opens with one click.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Callable

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QVBoxLayout, QWidget)

from desktop_app.security import accounts, auth
from desktop_app.security.auth import Identity
from desktop_app.services.session import open_session
from ui.security.common import POLICY_HINT, error_label, hint_label, make_jobs, show_in

Clock = Callable[[], datetime] | None


def office_name(data_dir: Path) -> tuple[str, int]:
    """The office's name and how many accounts exist (a short system session: no records)."""
    s = open_session(data_dir)
    try:
        return s.office_name, accounts.count(s.conn)
    finally:
        s.close()


def _clerk_name(data_dir: Path) -> str:
    from ui.context import CLERK_SETTING
    s = open_session(data_dir)
    try:
        return s.setting(CLERK_SETTING) or ""
    finally:
        s.close()


class _Form(QDialog):
    """A dialog with a form, an error line and OK / 退出 buttons; the OK work runs as a job."""

    def __init__(self, title: str, intro: str, ok_text: str, *, synchronous: bool,
                 parent: QWidget | None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.identity: Identity | None = None
        self.jobs = make_jobs(None, synchronous=synchronous, parent=self)
        layout = QVBoxLayout(self)
        head = QLabel(intro)
        head.setWordWrap(True)
        layout.addWidget(head)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.error = error_label()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def password_edit(self) -> QLineEdit:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def run(self, fn) -> None:
        self.ok.setEnabled(False)
        show_in(self.error, None)
        self.jobs.run(lambda job: fn(), session=False, on_done=self._done, on_error=self._failed)

    def _done(self, identity: Identity) -> None:
        self.identity = identity
        self.ok.setEnabled(True)
        self.accept()

    def _failed(self, exc) -> None:
        self.ok.setEnabled(True)
        show_in(self.error, str(exc))

    def submit(self) -> None:
        raise NotImplementedError


class LoginDialog(_Form):
    def __init__(self, data_dir: Path, *, demo: bool = False, clock: Clock = None,
                 synchronous: bool = False, parent: QWidget | None = None):
        self.data_dir, self.clock = Path(data_dir), clock
        office, _ = office_name(self.data_dir)
        super().__init__("登录", f"{office}\n请输入账户名和口令。", "登录",
                         synchronous=synchronous, parent=parent)
        self.name = QLineEdit()
        self.password = self.password_edit()
        self.form.addRow("账户：", self.name)
        self.form.addRow("口令：", self.password)
        self.layout().insertWidget(2, hint_label("连续输错 5 次，账户将被锁定一段时间。"))
        if demo:
            self._fill_demo()
        (self.password if self.name.text() else self.name).setFocus()

    def _fill_demo(self) -> None:
        from desktop_app.security.demo_account import demo_credentials, ensure_demo_admin
        creds = ensure_demo_admin(self.data_dir) or demo_credentials(self.data_dir)
        if creds:
            self.name.setText(creds[0])
            self.password.setText(creds[1])
            self.layout().insertWidget(2, hint_label("演示数据：演示管理员的账户和口令已填好，"
                                                     "直接点“登录”。"))

    def submit(self) -> None:
        name, password, folder, clock = self.name.text(), self.password.text(), self.data_dir, self.clock
        self.password.clear()
        self.run(lambda: auth.authenticate(folder, name, password, clock=clock))


class FirstAdminDialog(_Form):
    """First start: the office exists but nobody can log in yet."""

    def __init__(self, data_dir: Path, *, clock: Clock = None, synchronous: bool = False,
                 parent: QWidget | None = None):
        self.data_dir, self.clock = Path(data_dir), clock
        office, _ = office_name(self.data_dir)
        super().__init__("建立管理员", f"{office}\n这是第一次使用：请建立管理员账户。"
                         "管理员负责账户、设置、备份和恢复，可再为录入员、审核人、审计员建立账户。",
                         "建立并登录", synchronous=synchronous, parent=parent)
        self.name = QLineEdit(_clerk_name(self.data_dir))   # the name the first-start setup asked for
        self.password = self.password_edit()
        self.again = self.password_edit()
        self.form.addRow("管理员账户名：", self.name)
        self.form.addRow("口令：", self.password)
        self.form.addRow("再输一遍：", self.again)
        self.layout().insertWidget(2, hint_label(POLICY_HINT))

    def submit(self) -> None:
        if self.password.text() != self.again.text():
            show_in(self.error, "两次输入的口令不一样。")
            return
        name, password, folder, clock = self.name.text(), self.password.text(), self.data_dir, self.clock

        def create():
            accounts.create_first_admin(folder, name, password, clock=clock)
            return auth.authenticate(folder, name, password, clock=clock)
        self.run(create)
