"""账户管理 (for whoever may manage accounts): the accounts with their role and
state, new account, reset password, unlock, disable/enable, change role, and
the 回避 relations of an account. Every change goes through the core
(desktop_app.security.accounts / avoidance), which checks the role again and
audits it."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QHeaderView,
                               QInputDialog, QLabel, QPushButton, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from desktop_app.security import accounts, authz
from desktop_app.security.roles import roles_for_mode
from ui import dialogs
from ui.security.common import error_label, make_jobs, read_only_table, show_in
from ui.security.password_dialogs import AccountDialog, NewPasswordDialog
from ui.security.relatives import RelativesDialog

COLUMNS = ("账户", "角色", "状态", "上次登录", "建立时间", "建立人")


def choose_role(parent: QWidget | None, roles: list[str], current: str) -> str | None:
    role, ok = QInputDialog.getItem(parent, "修改角色", "新的角色：", roles,
                                    roles.index(current) if current in roles else 0, False)
    return role if ok else None


class AccountsPage(QWidget):
    changed = Signal()

    def __init__(self, identity, *, jobs=None, synchronous: bool = False, parent=None):
        super().__init__(parent)
        self.identity = identity
        self.synchronous = synchronous
        self.jobs = jobs or make_jobs(identity.open_session, synchronous=synchronous, parent=self)
        self.rows: list[accounts.Account] = []
        self.roles: list[str] = []
        layout = QVBoxLayout(self)
        title = QLabel("账户管理")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        row = QHBoxLayout()
        for text, slot in (("新建账户…", self.add), ("重置口令…", self.reset_password),
                           ("解除锁定", self.unlock), ("停用/启用", self.toggle_active),
                           ("修改角色…", self.change_role), ("回避关系…", self.relatives)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.error = error_label()
        layout.addWidget(self.error)
        self.table = read_only_table(COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        def load(s, job):
            return accounts.list_accounts(s), [r.value for r in roles_for_mode(authz.three_admins(s.conn))]
        self.jobs.run(load, on_done=self._shown, on_error=self._failed, key=("accounts", id(self)))

    def _shown(self, result) -> None:
        self.rows, self.roles = result
        self.table.setRowCount(len(self.rows))
        for i, a in enumerate(self.rows):
            state = "已停用" if not a.active else (f"锁定至 {a.locked_until[:16].replace('T', ' ')}"
                                                 if a.locked_until else "正常")
            for j, v in enumerate((a.name, a.role, state, (a.last_login or "—").replace("T", " "),
                                   a.created_at.replace("T", " "), a.created_by)):
                self.table.setItem(i, j, QTableWidgetItem(v))

    def selected(self) -> accounts.Account | None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            return self.rows[row]
        show_in(self.error, "请先选中一个账户。")
        return None

    def _change(self, fn, done_text: str) -> None:
        """Run one account change, then reload the table."""
        show_in(self.error, None)

        def finished(_):
            self.refresh()
            self.changed.emit()
            dialogs.show_info(self, done_text)
        self.jobs.run(lambda s, job: fn(s), on_done=finished, on_error=self._failed)

    def add(self) -> None:
        d = AccountDialog(self.roles, self)
        if d.exec() == QDialog.DialogCode.Accepted:
            name, role, password = d.values()
            self._change(lambda s: accounts.add_user(s, name, role, password),
                         f"已新建账户“{name}”（{role}）。")

    def reset_password(self) -> None:
        a = self.selected()
        if a is None:
            return
        d = NewPasswordDialog(f"重置“{a.name}”的口令", a.name, need_old=False, parent=self)
        if d.exec() == QDialog.DialogCode.Accepted:
            new = d.password.text()
            self._change(lambda s: accounts.reset_password(s, a.name, new),
                         f"已重置“{a.name}”的口令，并解除了锁定。请当面告知本人。")

    def unlock(self) -> None:
        a = self.selected()
        if a is not None:
            self._change(lambda s: accounts.unlock(s, a.name), f"已解除“{a.name}”的锁定。")

    def toggle_active(self) -> None:
        a = self.selected()
        if a is None:
            return
        verb = "启用" if not a.active else "停用"
        if dialogs.ask_yes_no(self, f"{verb}账户“{a.name}”？", f"{verb}账户"):
            self._change(lambda s: accounts.set_active(s, a.name, not a.active), f"已{verb}“{a.name}”。")

    def change_role(self) -> None:
        a = self.selected()
        if a is None:
            return
        role = choose_role(self, self.roles, a.role)
        if role and role != a.role:
            self._change(lambda s: accounts.set_role(s, a.name, role), f"“{a.name}”的角色已改为 {role}。")

    def relatives(self) -> None:
        a = self.selected()
        if a is not None:
            RelativesDialog(self.identity, a.name, jobs=self.jobs, parent=self).exec()

    def _failed(self, exc) -> None:
        show_in(self.error, str(exc))
