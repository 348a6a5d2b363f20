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
