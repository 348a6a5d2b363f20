"""统计报表: pick a report and a period, see the table and its chart, double-click
a figure to open the list of the records behind it, export to .xlsx or PDF, print
with the chart, or keep the office's own variant of the table."""
from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDateEdit, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QMenu, QPushButton, QSpinBox, QSplitter, QVBoxLayout, QWidget)

from desktop_app.reports import service
from desktop_app.reports.definition import DIMENSIONS
from desktop_app.services.queries import ListFilter
from ui import dialogs
from ui.models.rows_model import Row, RowsModel
from ui.reports.charts import ChartView
from ui.reports.report_model import ReportModel
from ui.reports.report_series import series_of
from ui.widgets.table import make_table, on_open

log = logging.getLogger(__name__)
KINDS = (("quarter", "季度"), ("month", "月"), ("half", "半年"), ("year", "年度"), ("custom", "自定义"))
NAME_ROLE = Qt.ItemDataRole.UserRole + 1


def _prepared(result) -> tuple:
    """In the job, not on the GUI thread: the chart's figures and the rows of the
    逾期明细清单 (at a million records an annual table has thousands of them)."""
    from desktop_app.reports.rect_detail import DETAIL_COLUMNS
    rows = [Row((str(n), *(str(item.get(key, "")) for key, _label in DETAIL_COLUMNS)),
                payload=(item["family"], item["id"]))
            for n, item in enumerate(result.detail, 1)] if result.defn.detail else []
    return result, series_of(result), rows


class ReportPage(QWidget):
    shown = Signal()            # a report's table and chart are on screen

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.result = None
        self.model = ReportModel(self)
        self._build()
        self._load_list()

    # -- building ---------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        title = QLabel("统计报表")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        layout.addLayout(self._controls())
        split = QSplitter(Qt.Orientation.Horizontal)
        self.reports = QListWidget()
        self.reports.currentItemChanged.connect(lambda *_: self._on_report())
        split.addWidget(self.reports)
        right = QSplitter(Qt.Orientation.Vertical)
        self.table = make_table(self)
        self.table.setModel(self.model)
        on_open(self.table, self.drill)          # double-click or Enter, once
        self.table.horizontalHeader().setMinimumSectionSize(60)
        right.addWidget(self.table)
        right.addWidget(self._detail_box())
        self.chart = ChartView()
        right.addWidget(self.chart)
        right.setSizes([420, 200, 300])
        split.addWidget(right)
        split.setSizes([200, 900])
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)
        self.status = QLabel("选择报表和期间后点“统计”。双击表中数字，可查看对应的记录。")
        self.status.setObjectName("muted")
        layout.addWidget(self.status)

    def _detail_box(self) -> QWidget:
        """The appended list (整改: 逾期明细清单), shown for a report that has one."""
        from desktop_app.reports.rect_detail import DETAIL_COLUMNS
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 4, 0, 0)
        self.detail_label = QLabel()
        v.addWidget(self.detail_label)
        self.detail_model = RowsModel(("序号", *(label for _k, label in DETAIL_COLUMNS)), self,
                                      level_column=-1)
        self.detail_table = make_table(box)
        self.detail_table.setModel(self.detail_model)
        on_open(self.detail_table, self._open_detail)
        v.addWidget(self.detail_table, 1)
        box.hide()
        self.detail_box = box
        return box

    def _show_detail(self, result, rows: list[Row]) -> None:
        self.detail_box.setVisible(bool(result.defn.detail))
        if not result.defn.detail:
            self.detail_model.set_rows([])
            return
        self.detail_label.setText(f"逾期明细清单：{len(result.detail)} 项"
                                  + ("（双击打开整改问题）" if result.detail else "，无逾期未完成的整改问题"))
        self.detail_model.set_rows(rows)
        self.detail_table.resizeColumnsToContents()

    def _open_detail(self, index) -> None:
        if index.isValid():
            family, rid = self.detail_model.rows[index.row()].payload
            self.ctx.bus.open_record.emit(family, rid)

    def _controls(self) -> QHBoxLayout:
        row = QHBoxLayout()
        today = self.ctx.today()
        self.kind = QComboBox()
        for key, label in KINDS:
            self.kind.addItem(label, key)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today.year)
        self.year.setSuffix(" 年")
        self.part = QComboBox()
        self.start, self.end = QDateEdit(), QDateEdit()
        for w, d in ((self.start, date(today.year, 1, 1)), (self.end, today)):
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
            w.setDate(QDate(d.year, d.month, d.day))
        self.by = QComboBox()
        self.scope = QComboBox()
        self.scope.addItem("含下级报送", None)
        self.scope.addItem(f"仅本机关", self.ctx.office_code)
        self.run_button = QPushButton("统计")
        self.run_button.clicked.connect(self.run_report)
        for label, w in (("期间", self.kind), (None, self.year), (None, self.part), (None, self.start),
                         (None, self.end), ("分组", self.by), ("范围", self.scope)):
            if label:
                row.addWidget(QLabel(label))
            row.addWidget(w)
        row.addWidget(self.run_button)
        row.addStretch(1)
        self.buttons = {}
        for key, text, slot in (("xlsx", "导出 Excel…", self.export_xlsx), ("pdf", "导出 PDF…", self.export_pdf),
                                ("print", "打印…", self.print_report), ("png", "图表存为图片…", self.save_chart),
                                ("variant", "本机关表式…", self.edit_variant),
                                ("bulletin", "年度通报…", self.make_bulletin)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            b.setEnabled(False)
            self.buttons[key] = b
            row.addWidget(b)
        self._kind_changed()
        return row

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        today = self.ctx.today()
        self.part.clear()
        parts = {"month": [(f"{m}月", m) for m in range(1, 13)],
                 "quarter": [(f"第{'一二三四'[q - 1]}季度", q) for q in range(1, 5)],
                 "half": [("上半年", 1), ("下半年", 2)]}.get(kind, [])
        for label, value in parts:
            self.part.addItem(label, value)
        current = {"month": today.month, "quarter": (today.month - 1) // 3 + 1,
                   "half": 1 if today.month <= 6 else 2}.get(kind)
        if current:
            self.part.setCurrentIndex(current - 1)
        self.part.setVisible(bool(parts))
        self.year.setVisible(kind != "custom")
        self.start.setVisible(kind == "custom")
        self.end.setVisible(kind == "custom")

    def period_text(self) -> str:
        kind, y, p = self.kind.currentData(), self.year.value(), self.part.currentData()
        if kind == "month":
            return f"{y}-{p:02d}"
        if kind == "quarter":
            return f"{y}Q{p}"
        if kind == "half":
            return f"{y}H{p}"
        if kind == "year":
            return str(y)
        return f"{self.start.date().toString('yyyy-MM-dd')}..{self.end.date().toString('yyyy-MM-dd')}"

    # -- reports list -----------------------------------------------------------
    def _load_list(self) -> None:
        self.ctx.jobs.run(lambda s, job: [(i, service.get_definition(s, i.name)) for i in service.list_reports(s)],
                          on_done=self._fill_list, parent=self)

    def _fill_list(self, infos) -> None:
        current = self.current_name()
        self.reports.clear()
        self.defs = {}
        for info, defn in infos:
            item = QListWidgetItem(info.title + ("" if info.builtin else "（本机关）"))
            item.setData(NAME_ROLE, info.name)
            self.reports.addItem(item)
            self.defs[info.name] = defn
        names = [self.reports.item(i).data(NAME_ROLE) for i in range(self.reports.count())]
        self.reports.setCurrentRow(names.index(current) if current in names else 0)

    def current_name(self) -> str | None:
        item = self.reports.currentItem()
        return item.data(NAME_ROLE) if item else None

    def select(self, name: str) -> None:
        for i in range(self.reports.count()):
            if self.reports.item(i).data(NAME_ROLE) == name:
                self.reports.setCurrentRow(i)

    def _on_report(self) -> None:
        defn = self.defs.get(self.current_name()) if hasattr(self, "defs") else None
        self.by.clear()
        if defn is None:
            return
        dims = [defn.rows if defn.rows in DIMENSIONS else "type"] + [b for b in defn.by]
        for d in dict.fromkeys(dims):
            self.by.addItem(DIMENSIONS.get(d, "类型"), d)
        self.run_report()

    # -- running ----------------------------------------------------------------
    def run_report(self) -> None:
        name = self.current_name()
        if not name:
            return
        period, by, office = self.period_text(), self.by.currentData(), self.scope.currentData()
        self.status.setText("正在统计…")
        self.ctx.jobs.run(lambda s, job: _prepared(service.run(s, name, period, by=by, office=office)),
                          on_done=lambda shown: self._show(*shown), key=("report", id(self)), parent=self)

    def _show(self, result, series, detail_rows: list[Row]) -> None:
        self.result = result
        self.model.set_result(result)
        self.table.resizeColumnsToContents()
        self._show_detail(result, detail_rows)
        self.chart.show_series(series)
        for b in self.buttons.values():
            b.setEnabled(True)
        self.buttons["png"].setEnabled(True)
        hint = "双击某行打开记录。" if result.defn.kind == "deadlines" else "双击数字可查看对应的记录。"
        self.status.setText(f"{result.defn.title}：{result.office_name}，{result.period.title}"
                            f"（截至 {result.scope.as_of.isoformat()}）。{hint}")
        self.shown.emit()

    def drill(self, index) -> None:
        if self.result is None or not index.isValid():
            return
        if self.model.is_list:
            item = self.result.items[index.row()]
            self.ctx.bus.open_record.emit(item["family"], item["id"])
            return
        col = self.model.col_key(index.column())
        if col is None:
            return
        drills = self.result.drills(self.model.row_key(index.row()), col)
        if len(drills) == 1:
            self.open_drill(drills[0])
            return
        from desktop_app.domain.registry import FAMILIES
        menu = QMenu(self)
        for d in drills:
            menu.addAction(f"查看{FAMILIES[d.family].label}记录", lambda d=d: self.open_drill(d))
        menu.exec(self.table.viewport().mapToGlobal(self.table.visualRect(index).center()))

    def open_drill(self, drill) -> None:
        self.ctx.bus.show_list.emit(drill.family, ListFilter(drill=drill))

    # -- outputs ----------------------------------------------------------------
    def _file_name(self, suffix: str) -> str:
        return f"{self.result.defn.title}-{self.result.period.label.replace('..', '至')}{suffix}"

    def export_xlsx(self) -> None:
        self._export(".xlsx", "Excel 工作簿 (*.xlsx)")

    def export_pdf(self) -> None:
        self._export(".pdf", "PDF 文件 (*.pdf)")

    def _export(self, suffix: str, filters: str) -> None:
        path = dialogs.save_file_name(self, "导出报表", self._file_name(suffix), filters)
        if path is None:
            return
        if path.suffix.lower() != suffix:
            path = path.with_suffix(suffix)
        result = self.result
        self.ctx.jobs.run(lambda s, job: service.export(s, result, path),
                          on_done=lambda p: dialogs.show_info(self, f"已导出到\n{p}"),
                          title="正在导出报表…", parent=self)

    def save_chart(self) -> None:
        path = dialogs.save_file_name(self, "图表存为图片", self._file_name(".png"), "PNG 图片 (*.png)")
        if path is None:
            return
        try:
            self.chart.save_png(path if path.suffix.lower() == ".png" else path.with_suffix(".png"))
        except OSError as exc:
            dialogs.show_error(self, str(exc))

    def print_report(self) -> None:
        from PySide6.QtGui import QPageLayout
        from ui.reports.report_print import report_document
        printer = dialogs.ask_html_printer(self, self.result.defn.title)
        if printer is None:
            return
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        result, png = self.result, self.chart.png_bytes()
        title = f"{self.result.defn.title} {self.result.period.label}"

        def work(s, job):
            from desktop_app.services import outputs
            report_document(result, png).print_(printer)
            outputs.record_output(s, "打印", title)
        self.ctx.jobs.run(work, title="正在打印报表…", parent=self)

    def make_bulletin(self) -> None:
        year = self.year.value()
        path = dialogs.save_file_name(self, "年度通报", f"{year}年度日常监督工作情况通报.pdf", "PDF 文件 (*.pdf)")
        if path is None:
            return
        from desktop_app.reports.pdf_out import write_bulletin
        self.ctx.jobs.run(lambda s, job: write_bulletin(s, year, path.with_suffix(".pdf")),
                          on_done=lambda p: dialogs.show_info(self, f"已生成通报\n{p}"),
                          title="正在生成年度通报…", parent=self)

    def edit_variant(self) -> None:
        from ui.reports.variant_dialog import VariantDialog
        dlg = VariantDialog(self.ctx, self.result.defn, self)
        dlg.saved.connect(lambda name: (self._load_list(), self.select(name)))
        dlg.open()
