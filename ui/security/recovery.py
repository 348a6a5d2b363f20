"""检查数据库, and recovery from the newest good backup.

At start a quick check runs (restore.health); a damaged or missing database
opens ``RecoveryDialog``: it finds the newest backup that passes a full
verification and restores it with an account *from that backup* that may
restore (the damaged database cannot vouch for anyone). The 检查数据库 action
runs the full check (integrity, foreign keys, audit chain, attachments with
their hashes) and offers the same dialog when the database is damaged.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QVBoxLayout, QWidget)

from desktop_app.security import restore
from desktop_app.services.check import full_check
from desktop_app.services.session import open_session
from ui import dialogs
from ui.security.common import error_label, hint_label, make_jobs, show_in


class RecoveryDialog(QDialog):
    def __init__(self, data_dir: Path, problems: list[str], *, clock=None, synchronous: bool = False,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.data_dir, self.clock = Path(data_dir), clock
        self.good = None
        self.result_info = None
        self.jobs = make_jobs(None, synchronous=synchronous, parent=self)
        self.setWindowTitle("数据库损坏")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("数据库检查发现问题，台账暂时无法使用："))
        text = QPlainTextEdit("\n".join(problems[:20]))
        text.setReadOnly(True)
        text.setMaximumHeight(110)
        layout.addWidget(text)
        self.found = QLabel("正在查找最新的完好备份……")
        self.found.setWordWrap(True)
        layout.addWidget(self.found)
        form = QFormLayout()
        self.name, self.password, self.passphrase = QLineEdit(), QLineEdit(), QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("账户：", self.name)
        form.addRow("口令：", self.password)
        form.addRow("备份口令（加密备份）：", self.passphrase)
        layout.addLayout(form)
        layout.addWidget(hint_label("请用备份中有“恢复备份”权限的账户（管理员或系统管理员）。"
                                    "损坏的数据库文件会移到 replaced 文件夹保留，不会删除。"))
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("从此备份恢复")
        self.ok.setEnabled(False)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        buttons.accepted.connect(self.restore)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.find()

    def find(self, passphrase: str | None = None) -> None:
        folder = self.data_dir
        self.jobs.run(lambda job: restore.newest_good(folder, passphrase=passphrase), session=False,
                      on_done=self._found, on_error=lambda e: show_in(self.error, str(e)))

    def _found(self, result) -> None:
        self.good, skipped = result
        if self.good is None:
            note = "；".join(skipped[:3])
            self.found.setText("没有找到可以校验通过的备份。" + (f"（{note}）" if note else "")
                               + "若有加密备份，请填写备份口令后点“重新查找”，或把 U 盘上的备份复制到"
                               f" {folder_of(self.data_dir)}。")
            self.ok.setText("重新查找")
            self.ok.setEnabled(True)
            return
        g = self.good
        self.found.setText(f"最新的完好备份：{g.created:%Y年%m月%d日 %H:%M}（{g.kind_label}，{g.records} 条记录）\n"
                           f"{g.path}")
        self.ok.setText("从此备份恢复")
        self.ok.setEnabled(True)

    def restore(self) -> None:
        if self.good is None:
            self.find(self.passphrase.text() or None)
            return
        show_in(self.error, None)
        self.ok.setEnabled(False)
        folder, path, clock = self.data_dir, self.good.path, self.clock
        name, password, phrase = self.name.text(), self.password.text(), self.passphrase.text() or None
        self.jobs.run(lambda job: restore.restore(folder, path, name=name, password=password,
                                                  passphrase=phrase, clock=clock),
                      session=False, on_done=self._restored, on_error=self._failed,
                      title="正在校验并恢复备份…", parent=self)

    def _restored(self, result) -> None:
        self.result_info = result
        dialogs.show_info(self, f"已从 {result.info.created:%Y-%m-%d %H:%M} 的备份恢复。"
                          f"损坏的数据库已移到 {result.replaced or '（原本不存在）'}。", "恢复完成")
        self.accept()

    def _failed(self, exc) -> None:
        self.ok.setEnabled(True)
        show_in(self.error, str(exc))


def folder_of(data_dir: Path) -> Path:
    return Path(data_dir) / "backups"


def check_database(data_dir: Path, parent: QWidget | None = None, *, jobs=None, clock=None,
                   synchronous: bool = False):
    """The 检查数据库 action; returns the job. Opens RecoveryDialog when damaged."""
    jobs = jobs or make_jobs(None, synchronous=synchronous, parent=parent)
    folder = Path(data_dir)

    def run(job):
        try:
            s = open_session(folder)          # the check reads no record content
        except Exception as exc:               # too damaged to open: that is the finding
            return [str(exc)]
        try:
            return full_check(s.conn, s.attachments_dir)
        finally:
            s.close()

    def done(problems: list[str]) -> None:
        if not problems:
            dialogs.show_info(parent, "检查通过：数据库完整，外键无误，审计链完好，附件齐全。", "检查数据库")
            return
        damaged = not restore.health(folder).ok
        text = "\n".join(problems[:15])
        if not damaged:
            dialogs.show_error(parent, f"发现问题：\n{text}", "检查数据库")
        elif dialogs.ask_yes_no(parent, f"数据库已损坏：\n{text}\n\n要从最新的完好备份恢复吗？", "检查数据库"):
            RecoveryDialog(folder, problems, clock=clock, synchronous=synchronous, parent=parent).exec()
    return jobs.run(run, session=False, on_done=done, title="正在检查数据库…", parent=parent)
