"""The navigation on the left: 工作台, 全文搜索 and 廉政档案, then every
family grouped as the office's work is grouped, then 数据交换."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from desktop_app.domain.registry import FAMILIES

DASHBOARD, SEARCH, DOSSIER = "dashboard", "search", "dossier"
EXCHANGE, CONFLICTS = "exchange", "conflicts"        # pages of ui.exchange
REPORTS, EXCEL_IMPORT = "reports", "excel_import"     # pages of ui.reports
HOLIDAYS = "holidays"                                # ui.pages.holidays
OFFICE = "office"                                    # ui.pages.office_page
FONTS = "letter_fonts"                               # ui.fonts_dialog.FontsPanel
KEY_ROLE = Qt.ItemDataRole.UserRole + 1

GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("人员与单位", ("person", "unit", "position", "sanction")),
    ("谈话与函件", ("talk", "letter")),
    ("整改", ("rectification", "rect_item", "rect_extension", "rect_action")),
    ("述责述廉与警示教育", ("duty_report", "warning_session")),
    ("重大事项与请示提醒", ("major_matter", "request", "reminder")),
    ("常委会决策监督", ("meeting", "topic", "meeting_reminder", "meeting_task")),
    ("责任清单", ("resp_template", "resp_item", "resp_entry", "focus_item")),
    ("公文", ("document", "letter_template")),
    ("统计", ("report_def",)),
    ("其他", ("attachment",)),
)


def grouped_families() -> list[str]:
    names = [n for _, group in GROUPS for n in group if n in FAMILIES]
    missing = [n for n in FAMILIES if n not in names]      # a family added to the core later
    return names + missing


class Navigation(QTreeWidget):
    page_requested = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("nav")
        self.setHeaderHidden(True)
        self.setIndentation(14)
        self.setRootIsDecorated(True)
        self.items: dict[str, QTreeWidgetItem] = {}
        self._add_top("工作台", DASHBOARD)
        self._add_top("全文搜索", SEARCH)
        self._add_top("廉政档案", DOSSIER)
        for title, names in GROUPS:
            group = QTreeWidgetItem(self, [title])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for name in names:
                if name in FAMILIES:          # a group may name a family the core has not yet
                    self._add(group, FAMILIES[name].label, name)
        extra = [n for n in grouped_families() if n not in self.items]
        if extra:
            group = QTreeWidgetItem(self, ["更多"])
            for name in extra:
                self._add(group, FAMILIES[name].label, name)
        self._add(self.group_item("统计"), "统计报表", REPORTS)
        self._add(self.group_item("统计"), "导入 Excel 台账", EXCEL_IMPORT)
        group = QTreeWidgetItem(self, ["数据交换"])
        group.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self._add(group, "U盘交换", EXCHANGE)
        self._add(group, "交换冲突", CONFLICTS)
        self._add(self.group_item("设置"), "机关信息", OFFICE)
        self._add(self.group_item("设置"), "节假日安排", HOLIDAYS)
        self._add(self.group_item("设置"), "公文字体", FONTS)
        self.expandAll()
        self.currentItemChanged.connect(self._changed)

    def group_item(self, title: str) -> QTreeWidgetItem:
        for i in range(self.topLevelItemCount()):
            if self.topLevelItem(i).text(0) == title:
                return self.topLevelItem(i)
        return QTreeWidgetItem(self, [title])

    def _add_top(self, text: str, key: str) -> None:
        item = QTreeWidgetItem(self, [text])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setData(0, KEY_ROLE, key)
        self.items[key] = item

    def _add(self, group: QTreeWidgetItem, text: str, key: str) -> None:
        item = QTreeWidgetItem(group, [text])
        item.setData(0, KEY_ROLE, key)
        self.items[key] = item

    def _changed(self, current, previous) -> None:
        key = current.data(0, KEY_ROLE) if current is not None else None
        if key:
            self.page_requested.emit(key)

    def select(self, key: str) -> None:
        item = self.items.get(key)
        if item is not None and self.currentItem() is not item:
            self.setCurrentItem(item)
