"""The one generic, lazily loaded table model for every family's list.

Rows come in pages of 200 from ``queries.list_records`` (keyset paging) through
the jobs helper: ``fetchMore`` asks for the next page and the rows are
inserted when it arrives, so the GUI thread never waits for SQLite. Sorting
and filtering are SQL (a proxy model would only see the rows loaded so far).
Every query carries a generation number; a page of an older query is dropped.
When the search text changed, the count of matching rows follows the first page
after ``COUNT_DELAY_MS`` without a newer query (with threaded jobs): while a
clerk types in the search box, the count of each half-typed word is not worked
out only to be cancelled, and does not take the CPU from the next keystroke's page.
"""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer,
                            Signal)
from PySide6.QtGui import QFont

from desktop_app.domain.record import Record
from desktop_app.domain.registry import family as get_family
from desktop_app.domain.schema import Kind
from desktop_app.services import queries
from desktop_app.services.queries import ListFilter
from ui import listing, style
from ui.jobs import SyncJobs
from ui.columns import DUE, Column, columns_for, raw_value

log = logging.getLogger(__name__)

RECORD_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_KEY_ROLE = Qt.ItemDataRole.UserRole + 2
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_DISPLAY, _ALIGN = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_STYLE_ROLES = {Qt.ItemDataRole.BackgroundRole: 0, _FOREGROUND: 1, Qt.ItemDataRole.FontRole: 2}
COUNT_DELAY_MS = 150


class RecordTableModel(QAbstractTableModel):
    """Rows of one family for a filter and a sort order."""

    page_loaded = Signal(int)          # rows now loaded
    count_known = Signal(int)          # total rows matching the filter

    def __init__(self, family: str, jobs, parent=None, page_size: int = 200):
        super().__init__(parent)
        self.fam = get_family(family)
        self.jobs = jobs
        self.columns: tuple[Column, ...] = columns_for(family)
        self.page_size = page_size
        self.flt = ListFilter()
        self.sort_key: str | None = None
        self.descending = True
        self.rows: list[Record] = []
        self.texts: list[tuple[str, ...]] = []
        self.styles: list[tuple] = []
        self.due_column = next((i for i, c in enumerate(self.columns) if c.key == DUE), -1)
        self.alignments = [_RIGHT if c.kind in (Kind.INT, Kind.FLOAT) else _LEFT for c in self.columns]
        self.names: dict[str, str] = {}
        self.due: dict[str, listing.Due] = {}
        self.next_key: tuple | None = None
        self.loading = False
        self.total: int | None = None
        self.generation = 0
        self._typed = False               # the query came from the search box's text
        self._italic = QFont()
        self._italic.setItalic(True)
        self._count_timer = QTimer(self, singleShot=True,
                                   interval=0 if isinstance(jobs, SyncJobs) else COUNT_DELAY_MS)
        self._count_timer.timeout.connect(lambda: self._count(self.generation))

    # -- queries --------------------------------------------------------------
    def set_query(self, flt: ListFilter | None = None, sort_key: str | None = None,
                  descending: bool | None = None, *, keep_rows: int = 0) -> None:
        """Start over with a new filter and/or order; loads the first page."""
        self._typed = flt is not None and flt.text != self.flt.text
        if flt is not None:
            self.flt = flt
        if sort_key is not None:
            self.sort_key = sort_key
        if descending is not None:
            self.descending = descending
        self.generation += 1
        self._count_timer.stop()
        self.jobs.cancel(("list-count", id(self)))        # its answer would be stale
        # the rows shown stay until the new first page replaces them (one reset, one
        # repaint per keystroke in the search box instead of an empty table first)
        self.next_key, self.total = None, None
        self._request(None, max(self.page_size, keep_rows), first=True)

    def display(self, row: int, column: int) -> str:
        return self.texts[row][column]

    def refresh(self) -> None:
        """Reload after a change, keeping as many rows as were shown."""
        self.set_query(keep_rows=len(self.rows))

    def _request(self, after, limit: int, first: bool) -> None:
        gen, fam, flt = self.generation, self.fam.name, self.flt
        sort, desc = self.sort_key, self.descending
        self.loading = True
        self.jobs.run(lambda s, job: listing.load_page(s, fam, flt, sort, desc, after, limit),
                      on_done=lambda page: self._append(gen, page, first),
                      key=("list-page", id(self)))

    def _count(self, gen: int) -> None:
        """Counted after the first page is shown: the rows matter first."""
        fam, flt = self.fam.name, self.flt
        self.jobs.run(lambda s, job: queries.count_records(s, fam, flt),
                      on_done=lambda n: self._counted(gen, n), key=("list-count", id(self)))

    def _append(self, gen: int, page: listing.Page, first: bool = False) -> None:
        if gen != self.generation:
            return
        self.loading = False
        if first:
            self.beginResetModel()
            self.rows, self.texts, self.names, self.due = page.records, page.texts, page.names, page.due
            self.styles = [self._style(r, page.due) for r in page.records]
            self.endResetModel()
            if self._typed and self._count_timer.interval():
                self._count_timer.start()
            else:
                self._count(gen)
        elif page.records:
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page.records) - 1)
            self.rows.extend(page.records)
            self.texts.extend(page.texts)
            self.styles.extend(self._style(r, page.due) for r in page.records)
            self.names.update(page.names)
            self.due.update(page.due)
            self.endInsertRows()
        self.next_key = page.next_key
        self.page_loaded.emit(len(self.rows))

    def _style(self, rec: Record, due: dict) -> tuple:
        """(background, foreground, font) of a row, worked out once, not at every paint."""
        if rec.voided:
            return None, style.VOIDED_TEXT, self._italic, style.VOIDED_TEXT
        d = due.get(rec.id)
        background, text = style.level_colours(d.level if d else None)
        return background, text, None, None

    def _counted(self, gen: int, n: int) -> None:
        if gen == self.generation:
            self.total = n
            self.count_known.emit(n)

    # -- Qt model API ---------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and self.next_key is not None and not self.loading

    def fetchMore(self, parent=QModelIndex()) -> None:
        if self.canFetchMore(parent):
            self._request(self.next_key, self.page_size, first=False)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        if role == Qt.ItemDataRole.ToolTipRole and not self.columns[section].sortable:
            return "此列不能排序"
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole) -> Any:
        """Called thousands of times per paint: look-ups only, most frequent roles first."""
        row = index.row()
        if not index.isValid() or row >= len(self.rows):
            return None
        if role == _DISPLAY:
            return self.texts[row][index.column()]
        if role in _STYLE_ROLES:
            if role == _FOREGROUND and index.column() != self.due_column:
                return self.styles[row][3]           # level colour only where the date is
            return self.styles[row][_STYLE_ROLES[role]]
        if role == _ALIGN:
            return self.alignments[index.column()]
        if role == RECORD_ID_ROLE:
            return self.rows[row].id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(self.rows[row], self.columns[index.column()])
        return None

    def _tooltip(self, rec: Record, col: Column) -> str | None:
        if rec.voided:
            return f"已作废：{rec.void_reason or ''}"
        due = self.due.get(rec.id)
        if due is not None and col.key == DUE:
            return f"{due.label}：{due.due_date}（{due.level.label}）"
        value = raw_value(col, rec)
        return str(value) if col.kind is Kind.LONGTEXT and value else None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or not self.columns[column].sortable:
            return
        self.set_query(sort_key=self.columns[column].key,
                       descending=order == Qt.SortOrder.DescendingOrder)

    # -- helpers --------------------------------------------------------------
    def record_at(self, row: int) -> Record | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, record_id: str) -> int:
        for i, rec in enumerate(self.rows):
            if rec.id == record_id:
                return i
        return -1
