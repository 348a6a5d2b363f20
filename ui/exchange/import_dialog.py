"""The import wizard: pick a package (or receipt) on the drive, check it in a worker
(signature, passphrase, archive, every row: nothing written yet), show the dry-run
summary — new, updated, unchanged, conflicts, rejected with reasons, warnings — and
only on confirmation apply it, back up first, in one transaction, and write the
receipt beside the package."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QStackedWidget, QVBoxLayout, QWidget)

from desktop_app.errors import Cancelled, UserFacingError
from ui.exchange import prompts
from ui.exchange.widgets import ProgressPanel, fill, note, password_field, table
from ui.exchange.wizard import WorkerWizard
from ui.exchange.worker import Worker

log = logging.getLogger(__name__)
KINDS = {"full": "完整", "delta": "增量", "receipt": "回执"}
FORM, PROGRESS, SUMMARY, RESULT = range(4)


def _find(folder: Path):
    def work(s, progress, cancel):
        from desktop_app.exchange.media import list_packages
        from desktop_app.exchange.wire import KNOWN_CAPABILITIES
        found = list_packages(folder, known_capabilities=KNOWN_CAPABILITIES)
        done = {r[0]: r[1] for r in s.conn.execute(
            "SELECT package_id, imported_utc FROM imported_package")}
        return [(f, done.get(f.header["package_id"])) for f in found
                if f.header["recipient"] == s.office_code]
    return work


class ImportDialog(WorkerWizard):
    imported = Signal(object)            # the summary of an applied import

    def __init__(self, open_session: Callable, *, parent: QWidget | None = None,
                 import_options: dict | None = None):
        super().__init__(parent)
        self.setWindowTitle("从U盘导入")
        self.setMinimumSize(640, 460)
        self.open_session, self.options = open_session, import_options or {}
        self.worker: Worker | None = None
        self.prepared = None
        self.found: list = []
        self.stack = QStackedWidget()
        self.stack.addWidget(self._form())
        self.progress = ProgressPanel()
        self.stack.addWidget(self.progress)
        self.stack.addWidget(self._summary_page())
        self.stack.addWidget(self._result_page())
        QVBoxLayout(self).addWidget(self.stack)

    # -- step 1: choose the package
    def _form(self) -> QWidget:
        page = QWidget()
        self.folder = QLineEdit()
        self.folder.setReadOnly(True)
        pick = QPushButton("选择U盘文件夹…")
        pick.clicked.connect(self._pick_folder)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(pick)
        self.packages = table(["发件单位", "序号", "类型", "生成时间（UTC）", "文件", "状态"])
        self.passphrase = password_field("与对方约定的交换口令")
        self.admin = password_field("可留空；填写后导入时生成回执")
        form = QFormLayout()
        form.addRow("交换口令", self.passphrase)
        form.addRow("管理员口令", self.admin)
        self.error = note(error=True)
        self.check_button = QPushButton("检查（试导入）")
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.check)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.check_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(self.packages, 1)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        return page

    def _pick_folder(self) -> None:
        folder = prompts.ask_directory(self, "选择U盘上存放数据包的文件夹")
        if folder is not None:
            self.load_folder(folder)

    def load_folder(self, folder: Path) -> None:
        self.folder.setText(str(folder))
        self.worker = Worker(_find(Path(folder)), self.open_session)
        self.worker.done.connect(self._listed)
        self.worker.failed.connect(lambda exc: self.error.setText(str(exc)))
        self.worker.start()

    def _listed(self, found: list) -> None:
        self.found = found
        fill(self.packages, [(f.header["sender"], f.header["seq"], KINDS.get(f.header["kind"], ""),
                              f.header["created_utc"], f.path.name,
                              f"已于 {when} 导入" if when else "未导入") for f, when in found])
        fresh = [i for i, (_, when) in enumerate(found) if not when]
        if fresh:
            self.packages.selectRow(fresh[0])
        self.error.setText("" if found else "这个文件夹里没有发给本单位的数据包。")

    # -- step 2: check (dry run)
    def check(self) -> None:
        row = self.packages.currentRow()
        if not 0 <= row < len(self.found):
            self.error.setText("请先选择一个数据包。")
            return
        if not self.passphrase.text():
            self.error.setText("请填写交换口令。")
            return
        path, passphrase = self.found[row][0].path, self.passphrase.text()

        def work(s, progress, cancel):
            from desktop_app.exchange.importer import prepare_import
            return prepare_import(s, path, passphrase, progress=progress, cancel=cancel)
        self._run(work, "正在检查数据包…", self._checked)

    def _run(self, work, text: str, on_done) -> None:
        self.error.setText("")
        self.worker = Worker(work, self.open_session)
        self.worker.done.connect(on_done)
        self.worker.failed.connect(self._failed)
        self.progress.attach(self.worker, text)
        self.stack.setCurrentIndex(PROGRESS)
        self.worker.start()

    def _checked(self, prepared) -> None:
        self.prepared = prepared
        self._show_summary(prepared.summary())
        self.stack.setCurrentIndex(SUMMARY)

    # -- step 3: the summary
    def _summary_page(self) -> QWidget:
        page = QWidget()
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.counts = table(["新增", "更新", "未变", "冲突", "拒绝"])
        self.counts.setMaximumHeight(60)
        self.counts.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.counts.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.warnings = note()
        self.details = table(["结果", "类别", "记录", "说明"])
        self.apply_button = QPushButton("确认导入")
        self.apply_button.clicked.connect(self.apply)
        back = QPushButton("不导入")
        back.clicked.connect(self._abandon)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(back)
        layout = QVBoxLayout(page)
        for widget in (self.headline, self.counts, self.warnings):
            layout.addWidget(widget)
        layout.addWidget(self.details, 1)
        layout.addLayout(buttons)
        return page

    def _show_summary(self, summary: dict) -> None:
        kind = KINDS.get(summary["kind"], "")
        self.headline.setText(f"来自 {summary['sender']} 的{kind}数据包，序号 {summary['seq']}，"
                              f"生成于 {summary['created_utc']}。以下是试导入的结果，数据库尚未改动。")
        fill(self.counts, [[summary[k] for k in ("new", "updated", "unchanged", "conflicts",
                                                  "rejected")]])
        self.warnings.setText("\n".join(f"提示：{w}" for w in summary["warnings"]))
        rows = [("拒绝", r["label"], r["id"], r["reason"]) for r in summary["rejections"]]
        rows += [("冲突", c["label"], c["title"], "不同字段：" + ("、".join(c["fields"]) or "—"))
                 for c in summary["conflict_list"]]
        fill(self.details, rows, marked=range(len(summary["rejections"])))
        refused = summary["rejected"] > 0
        self.apply_button.setEnabled(not refused)
        if refused:
            self.warnings.setText(self.warnings.text() + "\n该数据包含有不能接受的记录，不能导入；"
                                  "请把拒绝原因告知发件单位。")

    def _abandon(self) -> None:
        self._discard()
        self.stack.setCurrentIndex(FORM)

    def _discard(self) -> None:
        if self.prepared is not None:
            self.prepared.discard()
            self.prepared = None

    # -- step 4: apply
    def apply(self) -> None:
        prepared, admin, options = self.prepared, self.admin.text(), self.options
        self.prepared = None      # from here the commit owns (and discards) it

        def work(s, progress, cancel):
            from desktop_app.exchange.importer import commit_import
            from desktop_app.exchange.offices import load_signing_key
            key = load_signing_key(s, admin) if admin and not prepared.is_receipt else None
            return commit_import(s, prepared, signing_key=key, progress=progress,
                                 cancel=cancel, **options)
        self._run(work, "正在导入…", self._applied)

    def _applied(self, summary: dict) -> None:
        lines = [f"已导入：新增 {summary['new']}，更新 {summary['updated']}，"
                 f"冲突 {summary['conflicts']}。" if summary["kind"] != "receipt"
                 else "已导入回执：对方确认的数据下次不再重复发送。"]
        lines += [f"提示：{w}" for w in summary["warnings"]]
        if summary.get("receipt"):
            lines.append(f"回执已写入U盘：{summary['receipt']}，请带回发件单位导入。")
        if summary.get("report"):
            lines.append(f"导入报告：{summary['report']}")
        self.result.setText("\n\n".join(lines))
        self.stack.setCurrentIndex(RESULT)
        self.imported.emit(summary)

    def _failed(self, exc: BaseException) -> None:
        self._discard()
        self.stack.setCurrentIndex(FORM)
        if isinstance(exc, Cancelled):
            self.error.setText("已取消，数据库未改动。")
        elif isinstance(exc, UserFacingError):
            self.error.setText(str(exc))
        else:
            log.error("import failed", exc_info=exc)
            prompts.show_error(self, f"导入时出现程序错误，数据库未改动：{exc!r}")

    # -- step 5: the result
    def reject(self) -> None:
        if self.worker_busy():
            return
        self._discard()
        super().reject()
