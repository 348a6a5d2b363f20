"""The message boxes and file dialogs of the exchange pages, in one place so that the
tests replace them (a native dialog cannot be driven by a test)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from ui import dialogs


def show_error(parent: QWidget | None, message: str) -> None:
    QMessageBox.warning(parent, "无法完成", message)


def show_info(parent: QWidget | None, message: str) -> None:
    QMessageBox.information(parent, "提示", message)


def ask_yes_no(parent: QWidget | None, question: str) -> bool:
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    return QMessageBox.question(parent, "请确认", question, yes | no, no) == yes


def ask_passphrase(parent: QWidget | None, prompt: str) -> str | None:
    text, ok = QInputDialog.getText(parent, "口令", prompt, QLineEdit.EchoMode.Password)
    return text if ok and text else None


# The file dialogs are ui.dialogs' (Chinese texts and dates, see ui.qt_zh).
def ask_directory(parent: QWidget | None, title: str) -> Path | None:
    return dialogs.existing_folder(parent, title)


def ask_open_file(parent: QWidget | None, title: str, pattern: str) -> Path | None:
    return dialogs.open_file_name(parent, title, pattern)


def ask_save_file(parent: QWidget | None, title: str, name: str, pattern: str) -> Path | None:
    return dialogs.save_file_name(parent, title, name, pattern)
