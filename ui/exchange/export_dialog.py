"""The export wizard: choose the office, the drive folder and the passphrases; the
package is built, encrypted, written and verified in a worker with progress and
cancel; then where it is and what it holds."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QHBoxLayout,
                               QLineEdit, QPushButton, QStackedWidget, QVBoxLayout, QWidget)

from desktop_app.errors import Cancelled, UserFacingError
from ui.exchange import prompts
from ui.exchange.widgets import ProgressPanel, note, password_field
from ui.exchange.wizard import WorkerWizard
from ui.exchange.worker import Worker

log = logging.getLogger(__name__)


class ExportDialog(WorkerWizard):
    exported = Signal(object)           # ExportResult

    def __init__(self, open_session: Callable, offices: list[tuple[str, str, str]],
                 own: tuple[str, str], *, preselect: str | None = None,
                 parent: QWidget | None = None, export_options: dict | None = None):
        """``offices``: (code, name, relation label); ``own``: (code, name)."""
        super().__init__(parent)
        self.setWindowTitle("导出到U盘")
        self.setMinimumWidth(520)
        self.open_session, self.options = open_session, export_options or {}
        self.relations = {code: rel for code, _, rel in offices}
        self.worker: Worker | None = None
        self.stack = QStackedWidget()
        self.stack.addWidget(self._form(offices, own, preselect))
        self.progress = ProgressPanel()
        self.stack.addWidget(self.progress)
        self.stack.addWidget(self._result_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)

    # -- step 1: the form
    def _form(self, offices, own, preselect) -> QWidget:
        page = QWidget()
        form = QFormLayout()
        self.office = QComboBox()
        for code, name, rel in offices:
            self.office.addItem(f"{name}（{code}，{rel}）", code)
        self.office.addItem(f"本单位其他工作站（{own[0]}）", own[0])
        if preselect is not None and self.office.findData(preselect) >= 0:
            self.office.setCurrentIndex(self.office.findData(preselect))
        self.full = QCheckBox("完整导出（不论对方已确认什么；用于对方恢复数据或首次交换）")
        self.peer_records = QCheckBox("向下级导出时附带其本单位的记录（便于对方恢复）")
        self.peer_records.setChecked(True)
        self.folder = QLineEdit()
        browse = QPushButton("选择…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.passphrase = password_field("与对方约定的交换口令")
        self.confirm = password_field("再输入一次")
        self.admin = password_field("解锁本单位签名密钥")
        form.addRow("收件单位", self.office)
        form.addRow("", self.full)
        form.addRow("", self.peer_records)
        form.addRow("U盘文件夹", row)
        form.addRow("交换口令", self.passphrase)
        form.addRow("确认交换口令", self.confirm)
        form.addRow("管理员口令", self.admin)
        self.error = note(error=True)
        self.start_button = QPushButton("导出")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        cancel = QPushButton("关闭")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.office.currentIndexChanged.connect(self._office_changed)
        self._office_changed()
        return page

    def _office_changed(self) -> None:
        self.peer_records.setEnabled(self.relations.get(self.office.currentData()) == "下级单位")

    def _browse(self) -> None:
        folder = prompts.ask_directory(self, "选择U盘上的文件夹")
        if folder is not None:
            self.folder.setText(str(folder))

    def _inputs(self) -> dict[str, Any] | None:
        folder = Path(self.folder.text().strip()) if self.folder.text().strip() else None
        if folder is None or not folder.is_dir():
            return self._fail("请选择一个存在的U盘文件夹。")
        if not self.passphrase.text():
            return self._fail("请填写交换口令。")
        if self.passphrase.text() != self.confirm.text():
            return self._fail("两次输入的交换口令不一致。")
        if not self.admin.text():
            return self._fail("请填写管理员口令（用于签名）。")
        return {"peer": self.office.currentData(), "folder": folder,
                "passphrase": self.passphrase.text(), "admin": self.admin.text(),
                "full": self.full.isChecked(),
                "peer_records": self.peer_records.isChecked() or not self.peer_records.isEnabled()}

    def _fail(self, message: str) -> None:
        self.error.setText(message)
        return None

    # -- step 2: the work
    def start(self) -> None:
        inputs = self._inputs()
        if inputs is None:
            return
        self.error.setText("")
        options = self.options

        def work(s, progress, cancel):
            from desktop_app.exchange.export import export_for
            from desktop_app.exchange.offices import load_signing_key
            key = load_signing_key(s, inputs["admin"])
            return export_for(s, inputs["peer"], inputs["folder"], inputs["passphrase"], key,
                              full=inputs["full"], include_peer_records=inputs["peer_records"],
                              progress=progress, cancel=cancel, **options)
        self.worker = Worker(work, self.open_session)
        self.worker.done.connect(self._done)
        self.worker.failed.connect(self._failed)
        self.progress.attach(self.worker, "正在导出…")
        self.stack.setCurrentWidget(self.progress)
        self.worker.start()

    def _done(self, result) -> None:
        paths = "\n".join(str(p) for p in result.packages)
        parts = f"（共 {len(result.packages)} 个数据包，可按任意顺序导入）" \
            if len(result.packages) > 1 else ""
        kind = "完整导出" if result.kind == "full" else "增量导出"
        self.result.setText(f"{kind}完成：{result.records} 条记录、{result.attachments} 个附件"
                            f"{parts}。\n\n{paths}\n\n已写入并回读校验。请安全弹出U盘后交给对方。")
        self.stack.setCurrentIndex(2)
        self.exported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.stack.setCurrentIndex(0)
        if isinstance(exc, Cancelled):
            self.error.setText("已取消，未留下任何文件。")
        elif isinstance(exc, UserFacingError):
            self.error.setText(str(exc))
        else:
            log.error("export failed", exc_info=exc)
            prompts.show_error(self, f"导出时出现程序错误：{exc!r}")

    # -- step 3: the result
    def reject(self) -> None:
        if self.worker_busy():
            return
        super().reject()
