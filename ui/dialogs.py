"""Every message box and file dialog of the program, in one place.

Tests replace these functions (native file and print dialogs cannot be driven
by a test; ecosystem.md §6), so pages call ``dialogs.x`` and never
``QMessageBox`` or ``QFileDialog`` directly.
"""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QLabel, QMessageBox,
                               QPlainTextEdit, QVBoxLayout, QWidget)

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, message: str, title: str = "无法完成") -> None:
    QMessageBox.warning(parent, title, message)


def show_info(parent: QWidget | None, message: str, title: str = "提示") -> None:
    QMessageBox.information(parent, title, message)


def ask_yes_no(parent: QWidget | None, question: str, title: str = "请确认") -> bool:
    answer = QMessageBox.question(parent, title, question,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def ask_retry(parent: QWidget | None, message: str, title: str = "文件正被占用") -> bool:
    """重试 or 取消 (a file another program holds open); True for 重试."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.NoButton, parent)
    retry = box.addButton("重试", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(retry)
    box.exec()
    return box.clickedButton() is retry


def choice_box(parent: QWidget | None, title: str, question: str, options: list[str]):
    """The message box of ``ask_choice`` and its answer buttons (screenshots use it too)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, question, QMessageBox.StandardButton.Cancel,
                      parent)
    buttons = [box.addButton(text, QMessageBox.ButtonRole.AcceptRole) for text in options]
    box.setDefaultButton(buttons[0])
    return box, buttons


def ask_choice(parent: QWidget | None, title: str, question: str, options: list[str]) -> int | None:
    """One of several answers, each a button; the index, or None when cancelled."""
    box, buttons = choice_box(parent, title, question, options)
    box.exec()
    clicked = box.clickedButton()
    return buttons.index(clicked) if clicked in buttons else None


class _ReasonDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str, prompt: str):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        label = QLabel(prompt)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.edit = QPlainTextEdit()
        self.edit.setFixedHeight(90)
        layout.addWidget(self.edit)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if not self.edit.toPlainText().strip():
            self.error.setText("请填写理由。")
            self.error.show()
            return
        self.accept()


def ask_reason(parent: QWidget | None, title: str, prompt: str) -> str | None:
    """A required reason (e.g. for 作废); None when the user cancelled."""
    d = _ReasonDialog(parent, title, prompt)
    if d.exec() != QDialog.DialogCode.Accepted:
        return None
    return d.edit.toPlainText().strip()


def _ask_path(parent: QWidget | None, title: str, start: str, filters: str, *,
              save: bool = False, folder: bool = False) -> Path | None:
    """One file dialog for every purpose. Where Qt draws it itself (no native dialog
    on the desktop) its texts come from qtbase_zh_CN plus ui.qt_zh, and its dates
    and sizes from ui.qt_zh.ChineseColumns instead of the system locale."""
    from ui.qt_zh import ChineseColumns
    d = QFileDialog(parent, title, "", filters)
    d.setProxyModel(ChineseColumns(d))
    if folder:
        d.setFileMode(QFileDialog.FileMode.Directory)
        d.setOption(QFileDialog.Option.ShowDirsOnly, True)
    elif save:
        d.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        d.setFileMode(QFileDialog.FileMode.AnyFile)
    else:
        d.setFileMode(QFileDialog.FileMode.ExistingFile)
    if start:
        d.selectFile(start)
    try:
        if d.exec() != QDialog.DialogCode.Accepted or not d.selectedFiles():
            return None
        return Path(d.selectedFiles()[0])
    finally:
        d.deleteLater()


def open_file_name(parent: QWidget | None, title: str = "选择文件", filters: str = "所有文件 (*)") -> Path | None:
    return _ask_path(parent, title, "", filters)


def save_file_name(parent: QWidget | None, title: str, suggested: str, filters: str) -> Path | None:
    """``suggested`` is a file name built from stored data (a person's name, a report's
    title): cleaned (desktop_app.filenames), so it can never point elsewhere."""
    from desktop_app.filenames import clean_name
    return _ask_path(parent, title, clean_name(suggested, "导出"), filters, save=True)


def existing_folder(parent: QWidget | None, title: str) -> Path | None:
    return _ask_path(parent, title, "", "", folder=True)


def open_path(path: Path) -> bool:
    """Open a file or folder in the system's program for it."""
    ok = QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    if not ok:
        log.warning("the system could not open %s", path)
    return ok


def ask_html_printer(parent: QWidget | None, title: str):
    """QPrintDialog (300 dpi, in Chinese via qtbase_zh_CN) for an HTML table or 档案;
    the QPrinter, or None when cancelled. The printing itself is a job: painting on
    a QPrinter may happen in a worker thread, and a long list takes seconds."""
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setResolution(300)
    printer.setDocName(title)
    # QTextDocument.print_ adds 2 cm margins itself
    printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(f"打印 {title}")
    return printer if dialog.exec() == QDialog.DialogCode.Accepted else None


def print_html(html_text: str, printer) -> None:
    """Lay out and print; safe in a worker thread (the document is made there)."""
    from ui.dossier_doc import make_document
    make_document(html_text).print_(printer)


def ask_printer(parent: QWidget | None, title: str):
    """QPrintDialog for a finished PDF; the QPrinter (full page) or None."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    printer.setFullPage(True)          # the PDF already has its margins (GB/T 9704)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(f"打印 {title}")
    return printer if dialog.exec() == QDialog.DialogCode.Accepted else None
