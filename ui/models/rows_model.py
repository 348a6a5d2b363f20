"""A small, fully loaded table model: dashboard lists, search hits, the
廉政档案's entries, attachments. Each row is a tuple of cell texts plus an
optional payload (e.g. ``(family, id)``) and warning level."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop_app.domain.deadlines import Level
from ui import style

PAYLOAD_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    payload: Any = None
    level: Level | None = None
    tooltip: str | None = None


class RowsModel(QAbstractTableModel):
    def __init__(self, headers: Sequence[str], parent=None, level_column: int = 0):
        super().__init__(parent)
        self.headers = tuple(headers)
        self.level_column = level_column        # the cell whose text takes the level colour
        self.rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.headers)):
            return self.headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[index.column()] if index.column() < len(row.cells) else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tooltip or (row.cells[index.column()] if index.column() < len(row.cells) else None)
        if role == PAYLOAD_ROLE:
            return row.payload
        if role == Qt.ItemDataRole.BackgroundRole:
            return style.level_colours(row.level)[0]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == self.level_column:
            return style.level_colours(row.level)[1]
        return None

    def payload(self, row: int) -> Any:
        return self.rows[row].payload if 0 <= row < len(self.rows) else None


class PagedRowsModel(RowsModel):
    """A RowsModel whose further rows come a page at a time when the view is
    scrolled to its end (Qt's ``fetchMore``): ``fetcher()`` is asked for the next
    page, which arrives through ``append_rows``."""

    def __init__(self, headers: Sequence[str], parent=None, level_column: int = 0):
        super().__init__(headers, parent, level_column)
        self.fetcher: Callable[[], None] | None = None
        self.loading = False

    def set_rows(self, rows: Sequence[Row], fetcher: Callable[[], None] | None = None) -> None:
        self.fetcher, self.loading = fetcher, False
        super().set_rows(rows)

    def append_rows(self, rows: Sequence[Row], fetcher: Callable[[], None] | None) -> None:
        self.fetcher, self.loading = fetcher, False
        if rows:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and self.fetcher is not None and not self.loading

    def fetchMore(self, parent=QModelIndex()) -> None:
        if self.canFetchMore(parent):
            self.loading = True
            self.fetcher()
