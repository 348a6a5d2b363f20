"""安全策略与备份设置: idle lock, lockout, 回避 rule, second backup folder, end-of-day
time, 三员分立, backup passphrase. Stored as office settings through the core,
which checks who may change what and audits every change."""
from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from desktop_app.security import accounts, authz, backup, policy
from ui import dialogs
from ui.security.common import error_label, hint_label, make_jobs, show_in
from ui.security.password_dialogs import NewPasswordDialog

SPIN_KEYS = {policy.IDLE_MINUTES: (1, 240), policy.LOCKOUT_MINUTES: (1, 1440),
             policy.MAX_FAILURES: (3, 10)}


class PolicyPage(QWidget):
    def __init__(self, identity, *, jobs=None, synchronous: bool = False, parent=None):
        super().__init__(parent)
        self.identity = identity
        self.jobs = jobs or make_jobs(identity.open_session, synchronous=synchronous, parent=self)
        self.loaded: dict[str, str] = {}
        self.three_loaded = False
        layout = QVBoxLayout(self)
        title = QLabel("安全策略与备份设置")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        form = QFormLayout()
        self.edits: dict[str, QWidget] = {}
        for key, (low, high) in SPIN_KEYS.items():
            spin = QSpinBox()
            spin.setRange(low, high)
            spin.setSuffix(" 次" if key == policy.MAX_FAILURES else " 分钟")
            spin.setMaximumWidth(140)
            self.edits[key] = spin
            form.addRow(policy.SPECS[key].label + "：", spin)
        avoid = QComboBox()
        avoid.addItems(policy.AVOIDANCE_MODES)
        self.edits[policy.AVOIDANCE] = avoid
        form.addRow("回避规则：", avoid)
        self.edits[policy.BACKUP_SECOND_DIR] = QLineEdit()
        form.addRow("第二备份位置：", self._folder_row(self.edits[policy.BACKUP_SECOND_DIR]))
        self.edits[policy.BACKUP_END_OF_DAY] = QLineEdit()
        form.addRow("日终备份时间：", self.edits[policy.BACKUP_END_OF_DAY])
        self.three = QCheckBox("实行三员分立（系统管理员、安全保密管理员、审计员分设，管理员账户停用）")
        form.addRow("", self.three)
        layout.addLayout(form)
        layout.addWidget(hint_label("空闲自动锁屏、锁定时长和回避规则立即对新登录生效。第二备份位置可以是"
                                    "另一块硬盘或 U 盘；不可用时备份只保存在数据目录中，并给出提示。"))
        row = QHBoxLayout()
        save = QPushButton("保存设置")
        save.clicked.connect(self.save)
        passphrase = QPushButton("设置备份口令…")
        passphrase.clicked.connect(self.set_passphrase)
        row.addWidget(save)
        row.addWidget(passphrase)
        row.addStretch(1)
        layout.addLayout(row)
        self.error = error_label()
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.reload()

    def _folder_row(self, edit: QLineEdit) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit)
        pick = QPushButton("选择…")
        pick.clicked.connect(self._pick_folder)
        row.addWidget(pick)
        return box

    def _pick_folder(self) -> None:
        from PySide6.QtWidgets import QFileDialog
        folder = QFileDialog.getExistingDirectory(self, "第二备份位置")
        if folder:
            self.edits[policy.BACKUP_SECOND_DIR].setText(folder)

    def reload(self) -> None:
        def load(s, job):
            return {k: policy.get(s.conn, k) for k in policy.SPECS}, authz.three_admins(s.conn)
        self.jobs.run(load, on_done=self._shown, on_error=self._failed)

    def _shown(self, result) -> None:
        self.loaded, three = result
        for key, value in self.loaded.items():
            edit = self.edits[key]
            if isinstance(edit, QSpinBox):
                edit.setValue(int(value))
            elif isinstance(edit, QComboBox):
                edit.setCurrentText(value)
            else:
                edit.setText(value)
        self.three.setChecked(three)
        self.three_loaded = three

    def values(self) -> dict[str, str]:
        out = {}
        for key, edit in self.edits.items():
            if isinstance(edit, QSpinBox):
                out[key] = str(edit.value())
            elif isinstance(edit, QComboBox):
                out[key] = edit.currentText()
            else:
                out[key] = edit.text().strip()
        return out

    def save(self) -> None:
        changed = {k: v for k, v in self.values().items() if self.loaded.get(k) != v}
        three = self.three.isChecked()
        toggle = three != self.three_loaded

        def run(s, job):
            for key, value in changed.items():
                policy.set_policy(s, key, value)
            if toggle:
                accounts.set_three_admins(s, three)
            return len(changed) + toggle
        show_in(self.error, None)
        self.jobs.run(run, on_done=self._saved, on_error=self._failed)

    def _saved(self, n: int) -> None:
        dialogs.show_info(self, f"已保存 {n} 项设置。" if n else "设置没有变化。")
        self.reload()

    def set_passphrase(self) -> None:
        d = NewPasswordDialog("设置备份口令", "", need_old=False, parent=self)
        d.setWindowTitle("设置备份口令：此后的备份都加密")
        if d.exec() != QDialog.DialogCode.Accepted:
            return
        phrase = d.password.text()
        self.jobs.run(lambda s, job: backup.set_passphrase(s, phrase),
                      on_done=lambda _: dialogs.show_info(
                          self, "已设置备份口令：此后的备份都加密。请按保密制度保管口令，遗失后加密备份无法恢复。"),
                      on_error=self._failed)

    def _failed(self, exc) -> None:
        show_in(self.error, str(exc))
