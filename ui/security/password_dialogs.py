"""Small forms: a new account, a new password (own change or a manager's reset)."""
from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit,
                               QVBoxLayout, QWidget)

from desktop_app.errors import UserFacingError, ValidationError
from desktop_app.security import accounts, passwords
from ui.security.common import POLICY_HINT, error_label, hint_label, make_jobs, show_in


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class _Dialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(400)
        layout = QVBoxLayout(self)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        layout.addWidget(hint_label(POLICY_HINT))
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def check_same(self, a: QLineEdit, b: QLineEdit) -> str:
        if a.text() != b.text():
            raise ValidationError("again", "两次输入的口令不一样。")
        return a.text()

    def submit(self) -> None:
        try:
            self.validate()
        except UserFacingError as exc:
            show_in(self.error, str(exc))
            return
        self.accept()

    def validate(self) -> None:
        raise NotImplementedError


class AccountDialog(_Dialog):
    """Name, role and first password of a new account (checked before it is sent)."""

    def __init__(self, roles: list[str], parent: QWidget | None = None):
        super().__init__("新建账户", parent)
        self.name = QLineEdit()
        self.role = QComboBox()
        self.role.addItems(roles)
        self.password, self.again = _password_edit(), _password_edit()
        for label, w in (("账户名", self.name), ("角色", self.role), ("初始口令", self.password),
                         ("再输一遍", self.again)):
            self.form.addRow(label + "：", w)

    def validate(self) -> None:
        accounts.check_name(self.name.text())
        passwords.check_policy(self.check_same(self.password, self.again), self.name.text().strip())

    def values(self) -> tuple[str, str, str]:
        return self.name.text().strip(), self.role.currentText(), self.password.text()


class NewPasswordDialog(_Dialog):
    """A new password; with ``need_old`` also the current one (changing one's own)."""

    def __init__(self, title: str, account: str, *, need_old: bool, parent: QWidget | None = None):
        super().__init__(title, parent)
        self.account = account
        self.old = _password_edit() if need_old else None
        if self.old is not None:
            self.form.addRow("原口令：", self.old)
        self.password, self.again = _password_edit(), _password_edit()
        self.form.addRow("新口令：", self.password)
        self.form.addRow("再输一遍：", self.again)

    def validate(self) -> None:
        passwords.check_policy(self.check_same(self.password, self.again), self.account)


def change_own_password(identity, parent: QWidget | None = None, *, synchronous: bool = False) -> bool:
    """The 修改口令 menu entry: ask, then change through the core (audited)."""
    d = NewPasswordDialog("修改口令", identity.name, need_old=True, parent=parent)
    if d.exec() != QDialog.DialogCode.Accepted:
        return False
    old, new = d.old.text(), d.password.text()
    done: list[bool] = []

    def run(s, job):
        accounts.change_own_password(s, old, new)
        return True
    jobs = make_jobs(identity.open_session, synchronous=synchronous, parent=parent)
    jobs.run(run, on_done=done.append, on_error=lambda exc: _tell(parent, exc))
    return bool(done) or not synchronous


def _tell(parent, exc) -> None:
    from ui import dialogs
    dialogs.show_error(parent, str(exc))
