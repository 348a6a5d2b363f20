"""Small pieces the exchange pages share: a progress panel bound to a ``Worker``, a
read-only table filled from rows, a passphrase field, and the session opener."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QProgressBar, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from ui.exchange.worker import Worker

MARK = QColor("#fff1c2")       # background of a differing field / a warning row


def session_opener(data_dir: Path, open_session: Callable | None) -> Callable:
    """The pages take the main window's opener (logged-in user); alone, a plain one."""
    if open_session is not None:
        return open_session
    from desktop_app.services.session import open_session as plain
    return lambda: plain(data_dir)


def password_field(placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText(placeholder)
    return edit


class ProgressPanel(QWidget):
    """What a running export or import shows: the step, a bar, and 取消."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.label = QLabel("请稍候…")
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.cancel_button = QPushButton("取消")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addLayout(row)
        layout.addStretch(1)
        self.worker: Worker | None = None
        self.cancel_button.clicked.connect(self._cancel)

    def attach(self, worker: Worker, text: str) -> None:
        self.worker = worker
        self.label.setText(text)
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("取消")
        worker.progress.connect(self.on_progress)

    def on_progress(self, done: int, total: int, text: str) -> None:
        if text:
            self.label.setText(text)
        if total > 0:
            # QProgressBar takes ints: scale byte counts down to per-mille.
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * min(done, total) / total))
        else:
            self.bar.setRange(0, 0)

    def _cancel(self) -> None:
        if self.worker is not None and self.worker.running:
            self.worker.cancel()
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText("正在取消…")


def table(headers: Sequence[str], parent: QWidget | None = None) -> QTableWidget:
    t = QTableWidget(0, len(headers), parent)
    t.setHorizontalHeaderLabels(list(headers))
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().hide()
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    t.setWordWrap(False)
    return t


def fill(t: QTableWidget, rows: Iterable[Sequence], *, marked: Iterable[int] = ()) -> None:
    rows = list(rows)
    marked = set(marked)
    t.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            if r in marked:
                item.setBackground(QBrush(MARK))
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            t.setItem(r, c, item)


def note(text: str = "", *, error: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if error:
        label.setStyleSheet("color: #b00020;")
    return label
