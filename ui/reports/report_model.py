"""A report's figures as a table model: one row per row of the report and the
合计 row; a deadline list (预警清单) as one row per item."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop_app.reports.due_report import ITEM_COLUMNS
from desktop_app.reports.engine import TOTAL, ReportResult

LEVEL_BG = {"red": QColor("#f8d7da"), "orange": QColor("#ffe5c2"), "yellow": QColor("#fff6c2")}


def cell_text(value, ratio: bool = False) -> str:
    if value is None:
        return "—"
    if float(value).is_integer() and not ratio:
        return str(int(value))
    return f"{value:.1f}"


class ReportModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.result: ReportResult | None = None

    @property
    def is_list(self) -> bool:
        return self.result is not None and self.result.defn.kind == "deadlines"

    def set_result(self, result: ReportResult | None) -> None:
        self.beginResetModel()
        self.result = result
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        if parent.isValid() or self.result is None:
            return 0
        return len(self.result.items) if self.is_list else len(self.result.rows) + 1

    def columnCount(self, parent=QModelIndex()) -> int:
        if parent.isValid() or self.result is None:
            return 0
        return len(ITEM_COLUMNS) if self.is_list else len(self.result.columns) + 1

    def row_key(self, row: int):
        rows = self.result.rows
        return TOTAL if row >= len(rows) else rows[row].key

    def col_key(self, column: int) -> str | None:
        return None if column == 0 or self.is_list else self.result.columns[column - 1].key

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if self.result is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        if self.is_list:
            return ITEM_COLUMNS[section][1]
        if section == 0:
            return self.result.by_label
        c = self.result.columns[section - 1]
        return f"{c.group}\n{c.label}" if c.group else c.label

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.result is None:
            return None
        if self.is_list:
            return self._item_data(index, role)
        r, c = index.row(), index.column()
        total = r >= len(self.result.rows)
        if role == Qt.ItemDataRole.DisplayRole:
            if c == 0:
                return "合计" if total else self.result.rows[r].label
            col = self.result.columns[c - 1]
            return cell_text(self.result.value(self.row_key(r), col.key), bool(col.ratio))
        if role == Qt.ItemDataRole.TextAlignmentRole and c > 0:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.FontRole and total:
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.ToolTipRole and c > 0:
            return "双击查看这个数字对应的记录"
        return None

    def _item_data(self, index: QModelIndex, role):
        item = self.result.items[index.row()]
        key = ITEM_COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(item.get(key, ""))
        if role == Qt.ItemDataRole.BackgroundRole:
            bg = LEVEL_BG.get(item["level"])
            return QBrush(bg) if bg else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return "双击打开这条记录"
        return None
