"""备份与恢复: the backups with their date and record counts, 立即备份, and
恢复 after a full verification (the current database is kept aside first and the
restored one gets a new instance id; desktop_app.security.restore)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QInputDialog, QLabel,
                               QLineEdit, QPushButton, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from desktop_app.security import backup, policy, restore
from desktop_app.security.roles import Permission, permissions_of
from ui import dialogs
from ui.security.common import error_label, make_jobs, read_only_table, show_in

COLUMNS = ("时间", "类型", "记录数", "附件", "大小", "加密", "位置")


def ask_passphrase(parent: QWidget | None, name: str) -> str | None:
    """The backup passphrase (a function of its own so tests can answer it)."""
    text, ok = QInputDialog.getText(parent, "备份口令", f"备份 {name} 已加密，请输入备份口令：",
                                    QLineEdit.EchoMode.Password)
    return text if ok and text else None


class BackupsPage(QWidget):
    restored = Signal(object)          # RestoreResult: the window must reload everything
    backed_up = Signal(object)         # BackupResult

    def __init__(self, identity, *, jobs=None, synchronous: bool = False, parent=None):
        super().__init__(parent)
        self.identity = identity
        self.data_dir = Path(identity.data_dir)
        self.jobs = jobs or make_jobs(identity.open_session, synchronous=synchronous, parent=self)
        self.infos: list[backup.BackupInfo] = []
        may = permissions_of(identity.role)
        layout = QVBoxLayout(self)
        title = QLabel("备份与恢复")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.where = QLabel()
        self.where.setObjectName("muted")
        self.where.setWordWrap(True)
        layout.addWidget(self.where)
        row = QHBoxLayout()
        self.backup_button = self._button(row, "立即备份", self.back_up, Permission.BACKUP in may)
        self.restore_button = self._button(row, "恢复所选备份…", self.restore_selected,
                                           Permission.RESTORE in may)
        self._button(row, "打开备份文件夹", lambda: dialogs.open_path(backup.backups_dir(self.data_dir)))
        self._button(row, "刷新", self.refresh)
        row.addStretch(1)
        layout.addLayout(row)
        self.error = error_label()
        layout.addWidget(self.error)
        self.table = read_only_table(COLUMNS)
        header = self.table.horizontalHeader()
        for column in range(6):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.refresh()

    def _button(self, row, text: str, slot, enabled: bool = True) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        button.setEnabled(enabled)
        if not enabled:
            button.setToolTip(f"{self.identity.role}无此权限")
        row.addWidget(button)
        return button

    def refresh(self) -> None:
        def load(s, job):
            second = policy.second_dir(s.conn)
            return second, backup.list_backups(self.data_dir, [second] if second else None)
        self.jobs.run(load, on_done=self._shown, on_error=self._failed, key=("backups", id(self)))

    def _shown(self, result) -> None:
        second, infos = result
        self.infos = infos
        self.where.setText(f"备份保存在 {backup.backups_dir(self.data_dir)}"
                           + (f"，并复制到 {second}" if second else "（未设第二备份位置）")
                           + "。自动备份：每次启动、每个工作日下班时、恢复或导入之前。")
        self.table.setRowCount(len(infos))
        for i, b in enumerate(infos):
            values = (f"{b.created:%Y-%m-%d %H:%M}", b.kind_label, str(b.records), str(b.attachments),
                      f"{b.file_size / 1048576:.1f} MB", "是" if b.encrypted else "否", str(b.path.parent))
            for j, v in enumerate(values):
                item = QTableWidgetItem(v)
                if j in (2, 3, 4):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        if infos:
            self.table.selectRow(0)

    def selected(self) -> backup.BackupInfo | None:
        row = self.table.currentRow()
        return self.infos[row] if 0 <= row < len(self.infos) else None

    def back_up(self) -> None:
        def done(result) -> None:
            notes = "\n".join(result.warnings)
            dialogs.show_info(self, f"已备份并校验：{result.info.path.name}\n{result.info.records} 条记录，"
                              f"用时 {result.seconds:.1f} 秒。" + (f"\n{notes}" if notes else ""))
            self.backed_up.emit(result)
            self.refresh()
        self.jobs.run(lambda s, job: backup.make_backup(
            s, progress=lambda d, t, text: job.progress(d, t, text)),
            on_done=done, on_error=self._failed, title="正在备份…", parent=self)

    def restore_selected(self) -> None:
        info = self.selected()
        if info is None:
            show_in(self.error, "请先选中一个备份。")
            return
        question = (f"恢复 {info.created:%Y年%m月%d日 %H:%M} 的备份（{info.records} 条记录）？\n\n"
                    "恢复前先校验备份；当前数据库会先备份并移到 replaced 文件夹，不会丢失。"
                    "此后在该备份之后录入的内容将不在台账中。恢复完成后需重新登录。")
        if not dialogs.ask_yes_no(self, question, "恢复备份"):
            return
        passphrase = ask_passphrase(self, info.path.name) if info.encrypted else None
        if info.encrypted and passphrase is None:
            return
        identity, folder = self.identity, self.data_dir

        def run(job):
            return restore.restore(folder, info.path, session=identity.open_session(),
                                   passphrase=passphrase,
                                   progress=lambda d, t, text: job.progress(d, t, text))
        self.jobs.run(run, session=False, on_done=self._restored, on_error=self._failed,
                      title="正在校验并恢复备份…", parent=self)

    def _restored(self, result) -> None:
        dialogs.show_info(self, f"已恢复 {result.info.created:%Y-%m-%d %H:%M} 的备份"
                          f"（{result.info.records} 条记录）。\n原数据库已保存到 {result.replaced}。\n"
                          "本数据库已换用新的实例号，下次交换时对方会发来完整数据包。", "恢复完成")
        self.restored.emit(result)
        self.refresh()

    def _failed(self, exc) -> None:
        show_in(self.error, str(exc))
