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
