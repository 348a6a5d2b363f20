"""Window state (geometry, splitters, column widths) in an INI file in the data
folder; office settings live in the database (ARCHITECTURE.md §4)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QWidget

INI_NAME = "window.ini"


class UiSettings:
    def __init__(self, data_dir: Path):
        self.qs = QSettings(str(Path(data_dir) / INI_NAME), QSettings.Format.IniFormat)

    def save_geometry(self, key: str, widget: QWidget) -> None:
        self.qs.setValue(f"geometry/{key}", widget.saveGeometry())

    def restore_geometry(self, key: str, widget: QWidget) -> bool:
        value = self.qs.value(f"geometry/{key}")
        return isinstance(value, QByteArray) and widget.restoreGeometry(value)

    def save_header(self, key: str, header: QHeaderView) -> None:
        self.qs.setValue(f"columns/{key}", header.saveState())

    def restore_header(self, key: str, header: QHeaderView) -> bool:
        value = self.qs.value(f"columns/{key}")
        return isinstance(value, QByteArray) and header.restoreState(value)

    def value(self, key: str, default=None):
        return self.qs.value(key, default)

    def set_value(self, key: str, value) -> None:
        self.qs.setValue(key, value)

    def sync(self) -> None:
        self.qs.sync()
