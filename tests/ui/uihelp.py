"""Helpers shared by the GUI tests (a module of its own: ``conftest`` is ambiguous
when tests/core and tests/ui run together)."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

TODAY = date(2026, 3, 10)        # a Tuesday, a working day


def clock() -> datetime:
    return datetime(2026, 3, 10, 9, 0, 0)


def _raise(exc, parent):
    raise exc


def make_ctx(data_dir: Path, synchronous: bool = True):
    from ui.context import AppContext
    return AppContext.load(data_dir, clock=clock, synchronous=synchronous, error_handler=_raise,
                           user="测试录入员")


def open_dialogs():
    from PySide6.QtWidgets import QApplication
    from ui.forms.record_dialog import RecordDialog
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, RecordDialog) and w.isVisible()]


def type_text(qtbot, widget, text: str) -> None:
    """Typing as a clerk does: latin keys one by one, Chinese committed by the
    input method (QTest cannot press keys that are not on the keyboard)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication
    widget.setFocus()
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
        else:
            event = QInputMethodEvent()
            event.setCommitString(ch)
            QApplication.sendEvent(widget, event)


def double_click_row(qtbot, view, row: int, column: int = 0) -> None:
    """A real double-click on a row of a table, as a clerk's mouse does it."""
    from PySide6.QtCore import Qt
    index = view.model().index(row, column)
    view.scrollTo(index)
    pos = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def close_window(window) -> None:
    """Close as the title bar's close button does, then let Qt delete what it deletes."""
    from PySide6.QtCore import QCoreApplication, QEvent
    window.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def record_windows():
    """Every record window alive (shown or not), by asking Qt, not our registry."""
    from PySide6.QtWidgets import QApplication
    from ui.forms.record_dialog import RecordDialog
    return [w for w in QApplication.allWidgets() if isinstance(w, RecordDialog)]


def visible_texts(root) -> list[str]:
    """Every text a clerk can read in a window: labels, buttons and their tips,
    placeholders, choices, tabs, menus, table headers and the first rows."""
    import re
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QComboBox, QGroupBox, QLabel,
                                   QLineEdit, QListView, QMenu, QTabWidget)
    texts = [root.windowTitle()]
    for w in root.findChildren(QLabel):
        texts.append(re.sub(r"<[^>]+>", "", w.text()))
    for w in root.findChildren(QAbstractButton):
        texts += [w.text(), w.toolTip()]
    for w in root.findChildren(QLineEdit):
        texts += [w.placeholderText(), w.toolTip()]
    for w in root.findChildren(QComboBox):
        texts += [w.itemText(i) for i in range(w.count())]
    for w in root.findChildren(QGroupBox):
        texts.append(w.title())
    for w in root.findChildren(QTabWidget):
        texts += [w.tabText(i) for i in range(w.count())]
    for w in root.findChildren(QMenu):
        texts += [a.text() for a in w.actions()]
    for view in root.findChildren(QAbstractItemView):
        model = view.model()
        if model is None:
            continue
        root_index = view.rootIndex()
        try:
            columns = model.columnCount(root_index)
        except TypeError:                      # Qt's private list models: one column
            columns = 1
        for c in range(columns):
            if not isinstance(view, QListView):
                texts.append(str(model.headerData(c, Qt.Orientation.Horizontal) or ""))
        for r in range(min(3, model.rowCount(root_index))):
            texts += [str(model.index(r, c, root_index).data() or "") for c in range(columns)]
    return [t for t in texts if t]


def english_in(texts, allowed=()) -> list[str]:
    """Texts with English words in them; ledger numbers, office codes, paths and the
    few names a clerk knows as such (Excel, PDF, Ctrl…) do not count."""
    import re
    known = {"Excel", "PDF", "Ctrl", "Esc", "Shift", "SHA", "GB", "KB", "MB", "GB", "UTC", "zs",
             "xlsx", "pdf", "json", "Enter", "Del", *allowed}
    out = []
    for t in texts:
        t = re.sub(r"[/\\][^\s，。；）]*", "", t)                      # paths
        t = re.sub(r"\b[A-Z0-9]+(-[A-Z0-9]+)+\b", "", t)               # LCX-TH-2026-15, CNTY-07
        t = re.sub(r"&(?=\w)", "", t)
        t = re.sub(r"\*?\.[A-Za-z0-9]{2,4}\b", "", t)                   # file types: .xlsx, *.csv
        words = [w for w in re.findall(r"[A-Za-z][A-Za-z_]+", t) if w not in known and not w.isupper()]
        if words:
            out.append(t)
    return out
