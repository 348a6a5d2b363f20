"""The list of one family: filters, search as you type, warning colours,
新建 / 打开 / 作废, export of the filtered list to Excel."""
from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QMenu, QPushButton, QVBoxLayout, QWidget)

from desktop_app.domain.registry import family as get_family
from desktop_app.services import outputs, records
from desktop_app.services.queries import ListFilter
from ui import dialogs, list_print
from ui.models.record_model import RECORD_ID_ROLE, RecordTableModel
from ui.widgets.filter_bar import FilterBar
from ui.widgets.table import make_table, on_open, set_widths
from ui.xlsx_export import CHOICES, export_list

log = logging.getLogger(__name__)

# Records a clerk does not type in: files come through 附件, documents through 发文.
MADE_ELSEWHERE = {"attachment": "附件在记录的“附件”页中添加", "document": "发文登记由“生成文书”中的发文产生"}


def export_question(label: str, total: int | None) -> str:
    return f"导出当前筛选出的全部{label}记录（共 {total or 0} 条）。导出哪些列？"


class ListPage(QWidget):
    def __init__(self, ctx, family: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.fam = ctx, get_family(family)
        self.dirty = False
        self.model = RecordTableModel(family, ctx.jobs, self)
        self._build()
        self.model.page_loaded.connect(self._update_count)
        self.model.count_known.connect(self._update_count)
        ctx.bus.changed.connect(self._on_changed)
        self.model.set_query(self.filters.current(), sort_key=self.fam.date_field, descending=True)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        title = QLabel(self.fam.label)
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addStretch(1)
        self.new_button = QPushButton(f"新建{self.fam.label}")
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(self.new_record)
        self.open_button = QPushButton("打开")
        self.open_button.clicked.connect(self.open_selected)
        self.void_button = QPushButton("作废…")
        self.void_button.clicked.connect(self.void_selected)
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.setToolTip("把当前筛选出的全部记录导出为 .xlsx（可选列表的列或全部字段）")
        self.export_button.clicked.connect(self.export)
        if self.fam.name in MADE_ELSEWHERE:
            self.new_button.setEnabled(False)
            self.new_button.setToolTip(MADE_ELSEWHERE[self.fam.name])
        self.print_button = QPushButton("打印…")
        self.print_button.setToolTip("Ctrl+P：打印当前筛选出的列表")
        self.print_button.clicked.connect(self.print_list)
        for b in (self.new_button, self.open_button, self.void_button, self.print_button,
                  self.export_button):
            top.addWidget(b)
        layout.addLayout(top)
        self.drill = None
        self.drill_bar = QWidget()
        bar = QHBoxLayout(self.drill_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        self.drill_label = QLabel()
        self.drill_label.setObjectName("muted")
        clear = QPushButton("显示全部记录")
        clear.clicked.connect(self.clear_drill)
        bar.addWidget(self.drill_label, 1)
        bar.addWidget(clear)
        self.drill_bar.setVisible(False)
        layout.addWidget(self.drill_bar)
        self.filters = FilterBar(self.ctx, self.fam)
        self.filters.changed.connect(self.apply_filters)
        layout.addWidget(self.filters)
        self.table = make_table(self, sortable=True)
        self.table.setModel(self.model)
        on_open(self.table, lambda i: self.open_selected())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        header = self.table.horizontalHeader()
        header.setSortIndicator(self._column_of(self.fam.date_field), Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self._sort_changed)
        if not self.ctx.settings.restore_header(self._settings_key, header):
            set_widths(self.table, [c.width for c in self.model.columns])
        header.sectionResized.connect(lambda *a: self._save_header())
        layout.addWidget(self.table, 1)
        self.count_label = QLabel("正在加载…")
        self.count_label.setObjectName("muted")
        layout.addWidget(self.count_label)

    @property
    def _settings_key(self) -> str:
        return f"list-{self.fam.name}"

    def _save_header(self) -> None:
        self.ctx.settings.save_header(self._settings_key, self.table.horizontalHeader())

    def _column_of(self, key: str) -> int:
        for i, c in enumerate(self.model.columns):
            if c.key == key:
                return i
        return -1

    def _sort_changed(self, column: int, order) -> None:
        col = self.model.columns[column] if 0 <= column < len(self.model.columns) else None
        if col is None or not col.sortable:            # e.g. a person column: not in SQL
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            current = self._column_of(self.model.sort_key or self.fam.date_field)
            header.setSortIndicator(current, Qt.SortOrder.DescendingOrder if self.model.descending
                                    else Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)

    # -- queries --------------------------------------------------------------
    def apply_filters(self) -> None:
        self.model.set_query(replace(self.filters.current(), drill=self.drill))

    def show_filter(self, flt: ListFilter) -> None:
        """Used by the dashboard (a warning level) and by a report (the records behind
        a figure: kept, on top of the filter bar, until cleared)."""
        self.drill = flt.drill
        self.drill_bar.setVisible(self.drill is not None)
        if self.drill is not None:
            self.drill_label.setText(f"来自报表：{self.drill.label}")
        self.filters.set_level(flt.level)
        self.apply_filters()

    def clear_drill(self) -> None:
        self.show_filter(ListFilter())

    def _update_count(self, *_):
        shown, total = self.model.rowCount(), self.model.total
        if total is None:
            self.count_label.setText(f"已显示 {shown} 条")
        elif shown < total:
            self.count_label.setText(f"共 {total} 条，已显示 {shown} 条（向下滚动加载更多）")
        else:
            self.count_label.setText(f"共 {total} 条")

    def _on_changed(self, changes) -> None:
        if self.fam.name in changes.families or self.fam.person_fields and "person" in changes.families:
            if self.isVisible():
                self.model.refresh()
            else:
                self.dirty = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.dirty:
            self.dirty = False
            self.model.refresh()

    def focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    # -- actions --------------------------------------------------------------
    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        return index.data(RECORD_ID_ROLE) if index.isValid() else None

    def new_record(self) -> None:
        if self.new_button.isEnabled():
            self.ctx.bus.new_record.emit(self.fam.name, {})

    def open_selected(self) -> None:
        rid = self.selected_id()
        if rid:
            self.ctx.bus.open_record.emit(self.fam.name, rid)

    def void_selected(self) -> None:
        rid = self.selected_id()
        if not rid:
            dialogs.show_info(self, "请先在列表中选中要作废的记录。")
            return
        rec = self.model.record_at(self.table.currentIndex().row())
        reason = dialogs.ask_reason(self, "作废记录", f"作废“{rec.title}”。\n请填写作废理由：")
        if not reason:
            return
        fam = self.fam.name
        self.ctx.jobs.run(lambda s, job: records.void(s, fam, rid, reason),
                          on_done=lambda saved: self.ctx.bus.changed.emit(saved.changes), parent=self)

    def _context_menu(self, pos) -> None:
        menu = QMenu(self)
        menu.addAction("打开", self.open_selected)
        menu.addAction("作废…", self.void_selected)
        menu.addSeparator()
        menu.addAction(f"新建{self.fam.label}", self.new_record)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def print_list(self) -> None:
        """The filtered list as a table on paper (at most PRINT_LIMIT rows)."""
        fam, flt = self.fam.name, self.model.flt
        sort, desc = self.model.sort_key, self.model.descending
        self.ctx.jobs.run(lambda s, job: list_print.list_html(s, job, fam, flt, sort, desc),
                          on_done=self._print_html, title=f"正在准备打印{self.fam.label}…", parent=self)

    def _print_html(self, result) -> None:
        html_text, rows = result
        printer = dialogs.ask_html_printer(self, f"{self.fam.label}台账")
        if printer is None:
            return
        fam, label = self.fam.name, self.fam.label

        def work(s, job):
            dialogs.print_html(html_text, printer)
            outputs.record_output(s, "打印", f"{label}列表", family=fam, detail={"rows": rows})
        self.ctx.jobs.run(work, title=f"正在打印{label}…", parent=self)

    def export(self) -> None:
        keys = list(CHOICES)
        chosen = dialogs.ask_choice(self, "导出 Excel", export_question(self.fam.label, self.model.total),
                                    [CHOICES[k] for k in keys])
        if chosen is None:
            return
        which = keys[chosen]
        suggested = f"{self.fam.label}-{self.ctx.today().isoformat()}.xlsx"
        path = dialogs.save_file_name(self, "导出 Excel", suggested, "Excel 工作簿 (*.xlsx)")
        if path is None:
            return
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        fam, flt = self.fam.name, self.model.flt
        sort, desc = self.model.sort_key, self.model.descending
        self.ctx.jobs.run(lambda s, job: export_list(s, job, fam, flt, sort, desc, path, which),
                          on_done=lambda n: dialogs.show_info(self, f"已导出 {n} 条记录到\n{path}"),
                          title=f"正在导出{self.fam.label}…", parent=self)
