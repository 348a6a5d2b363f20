"""The record windows that are open: one per record, wherever it was opened
from (a list, the 工作台, a child table, the 廉政档案, a search hit).

A window leaves the list the moment it is finished (closed, saved and closed,
cancelled), before Qt deletes it, and again when it is destroyed in any other
way (its parent went first): nobody ever holds a deleted window.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QWidget


class RecordWindows:
    def __init__(self) -> None:
        self._open: list[QWidget] = []

    def __len__(self) -> int:
        return len(self._open)

    def all(self) -> list[QWidget]:
        return list(self._open)

    def find(self, family: str, record_id: str | None) -> QWidget | None:
        """The open window of this record; a 新建 window is never found (None id)."""
        if record_id is None:
            return None
        return next((w for w in self._open if w.record_key() == (family, record_id)), None)

    def add(self, window: QWidget) -> None:
        self._open.append(window)
        window.finished.connect(lambda *_: self._forget(window))
        window.destroyed.connect(lambda *_: self._forget(window))

    def _forget(self, window: QWidget) -> None:
        self._open = [w for w in self._open if w is not window]

    def close_all(self, ask: Callable[[int], bool]) -> bool:
        """Closes every window; unsaved changes are asked about once for all of
        them (``ask(number of windows with changes)``). False when the user said no."""
        dirty = [w for w in self._open if w.has_unsaved_changes()]
        if dirty and not ask(len(dirty)):
            return False
        for w in reversed(self.all()):          # children (opened later) first
            w.discard_changes()
            w.close()
        return True


def raise_window(window: QWidget) -> None:
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
