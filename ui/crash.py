"""One crash dialog for any uncaught error, in any thread (ARCHITECTURE.md §4).

``sys.excepthook`` and ``threading.excepthook`` log the traceback and ask the
GUI thread (through a queued signal) to show the dialog with the log path.
Only one dialog is open at a time; later errors are logged only.
"""
from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton,
                               QVBoxLayout, QWidget)

from desktop_app.errors import UserFacingError, describe
from ui import dialogs

log = logging.getLogger(__name__)


def format_exception(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


class CrashDialog(QDialog):
    def __init__(self, details: str, log_path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("程序出错")
        self.setMinimumSize(560, 380)
        layout = QVBoxLayout(self)
        self.intro = intro = QLabel("程序遇到了一个意外错误。已保存的数据不受影响；正在编辑但尚未保存的内容可能需要重新填写。"
                       f"\n\n错误详情已写入日志文件：\n{log_path}\n\n请把日志文件交给技术支持人员。")
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(intro)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        layout.addWidget(self.details, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("复制详情")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
        folder = QPushButton("打开日志文件夹")
        folder.clicked.connect(lambda: dialogs.open_path(log_path.parent))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(folder, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class CrashReporter(QObject):
    """Created on the GUI thread; ``report`` may be called from any thread."""

    crashed = Signal(str)
    # An SQLite or OS error (disk full, locked, read-only …) is not a bug: its one
    # Chinese line is shown in the ordinary error box, the traceback goes to the log.
    refused = Signal(str)

    def __init__(self, log_path: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.log_path = log_path
        self.dialog: CrashDialog | None = None
        self.crashed.connect(self._show)
        self.refused.connect(lambda line: dialogs.show_error(None, line))
        self._old_hooks = None

    def report(self, exc: BaseException, where: str = "") -> None:
        details = format_exception(exc)
        line = None if isinstance(exc, UserFacingError) else describe(exc)
        if line is not None:
            log.warning("error%s:\n%s", f" in {where}" if where else "", details)
            self.refused.emit(line)
            return
        log.error("uncaught error%s:\n%s", f" in {where}" if where else "", details)
        self.crashed.emit(details)

    def handle_job_error(self, exc: BaseException, parent: QWidget | None) -> None:
        """Error handler for ui.jobs: user-facing errors, and SQLite or OS errors in
        one Chinese line, are a message; the rest a crash."""
        if isinstance(exc, UserFacingError):
            dialogs.show_error(parent, str(exc))
            return
        line = describe(exc)
        if line is not None:
            log.warning("a background job failed:\n%s", format_exception(exc))
            dialogs.show_error(parent, line)
        else:
            self.report(exc, "a background job")

    def _show(self, details: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            return
        self.dialog = CrashDialog(details, self.log_path)
        self.dialog.open()

    def install(self) -> None:
        self._old_hooks = (sys.excepthook, threading.excepthook)

        def excepthook(etype, value, tb):
            if value is None:
                value = etype()
            value.__traceback__ = tb
            self.report(value, "the GUI thread")

        def thread_hook(args):
            if args.exc_type is SystemExit:
                return
            exc = args.exc_value or args.exc_type()
            self.report(exc, f"thread {args.thread.name if args.thread else '?'}")

        sys.excepthook = excepthook
        threading.excepthook = thread_hook

    def uninstall(self) -> None:
        if self._old_hooks:
            sys.excepthook, threading.excepthook = self._old_hooks
            self._old_hooks = None
