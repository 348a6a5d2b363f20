"""导入 Excel 台账: choose the file and the kind of record, check (a dry run of the
whole import), correct the column mapping, look at the rows with their problems
marked, then import all rows at once. Nothing is written until every row is right."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QSplitter,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from desktop_app.domain.record import Changes, RecordRef
from desktop_app.domain.registry import FAMILIES
from desktop_app.reports import importer
from desktop_app.reports.importer import importable
from desktop_app.reports.cells import text_of
from ui import dialogs

PREVIEW_ROWS = 300
RED = QColor("#f8d7da")
SKIP = "（不导入）"


def _write_template(family: str, path: Path) -> Path:
    """In the job: openpyxl (about 0.3 s to load) is not loaded on the GUI thread."""
    from desktop_app.reports.ledger_xlsx import write_template
    return write_template(family, path)


class ImportPage(QWidget):
    checked = Signal(object)          # the ImportSummary of a check or an import

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.summary = None
        self.replacements: dict[str, str] = {}     # a name in the file -> the one the clerk chose
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        title = QLabel("导入 Excel 台账")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        row = QHBoxLayout()
        self.choose = QPushButton("选择文件…")
        self.choose.clicked.connect(self.choose_file)
        self.file_label = QLabel("支持 .xlsx、.xls（含 WPS 另存的 .xls）、.ods、.csv")
        self.family = QComboBox()
        for fam in FAMILIES.values():
            if importable(fam):
                self.family.addItem(fam.label, fam.name)
        self.family.setCurrentIndex(max(0, self.family.findData("talk")))
        self.sheet = QComboBox()
        self.sheet.setToolTip("工作表（隐藏的工作表不列出）")
        self.sheet.setVisible(False)
        self.create_missing = QCheckBox("新建缺少的人员和单位")
        self.create_missing.setToolTip("表中出现而库中没有的人员、单位，确认后才新建")
        self.check_button = QPushButton("检查")
        self.check_button.clicked.connect(lambda: self.run(dry_run=True))
        self.import_button = QPushButton("导入")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(lambda: self.run(dry_run=False))
        template = QPushButton("空白模板…")
        template.clicked.connect(self.save_template)
        for w in (self.choose, self.file_label, self.sheet, QLabel("记录类别"), self.family, self.create_missing,
                  self.check_button, self.import_button, template):
            row.addWidget(w)
        row.insertStretch(2, 1)
        layout.addLayout(row)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.mapping = QTableWidget(0, 2)
        self.mapping.setHorizontalHeaderLabels(["表头", "对应字段"])
        self.mapping.horizontalHeader().setStretchLastSection(True)
        split.addWidget(self.mapping)
        self.preview = QTableWidget(0, 0)
        self.preview.setToolTip("双击标红的行：为表中找不到的人员或单位选择库中相近的一个")
        self.preview.cellDoubleClicked.connect(lambda row, _col: self.choose_candidate(row))
        split.addWidget(self.preview)
        split.setSizes([320, 900])
        layout.addWidget(split, 1)
        self.result_label = QLabel("")
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)
        self.family.currentIndexChanged.connect(self._reset)
        self.sheet.activated.connect(lambda _i: (self._reset(), self.run(dry_run=True)))
        self.create_missing.toggled.connect(lambda _: self.import_button.setEnabled(False))

    def _reset(self) -> None:
        self.summary = None
        self.mapping.setRowCount(0)
        self.import_button.setEnabled(False)

    def choose_file(self) -> None:
        path = dialogs.open_file_name(self, "选择要导入的台账", "表格 (*.xlsx *.xls *.et *.ods *.csv)")
        if path is not None:
            self.set_file(path)

    def set_file(self, path: Path) -> None:
        self.path = Path(path)
        self.replacements = {}
        self.sheet.clear()
        self.sheet.setVisible(False)
        self.file_label.setText(self.path.name)
        self._reset()

    def current_mapping(self) -> dict[str, str | None] | None:
        if self.summary is None or self.mapping.rowCount() == 0:
            return None
        out = {}
        for r in range(self.mapping.rowCount()):
            label = self.mapping.item(r, 0).text()
            box = self.mapping.cellWidget(r, 1)
            if label:
                out[label] = box.currentData()
        return out

    def run(self, dry_run: bool) -> None:
        if self.path is None:
            dialogs.show_info(self, "请先选择要导入的文件。")
            return
        path, family = self.path, self.family.currentData()
        mapping, create = self.current_mapping(), self.create_missing.isChecked()
        replacements = dict(self.replacements)
        sheet = self.sheet.currentText() or None

        def work(s, job):
            return importer.import_file(s, path, family, mapping=mapping, dry_run=dry_run,
                                        create_missing=create, progress=job.progress,
                                        replacements=replacements, sheet=sheet)
        self.ctx.jobs.run(work, on_done=self._show, title="正在检查…" if dry_run else "正在导入…", parent=self)

    def _show(self, summary) -> None:
        self.summary = summary
        if self.sheet.count() == 0 and len(summary.sheets) > 1:
            self.sheet.addItems(summary.sheets)
            self.sheet.setCurrentText(summary.sheet)
            self.sheet.setVisible(True)
        self._fill_mapping(summary)
        self._fill_preview(summary)
        self.result_label.setText("\n".join(summary.lines()[:8]))
        self.import_button.setEnabled(summary.ok and summary.dry_run)
        if summary.applied:
            fam = summary.family
            refs = tuple(RecordRef(fam, r.record_id) for r in summary.rows if r.record_id)
            extra = tuple(RecordRef(f, "") for f in ("person", "unit")
                          if summary.created_persons or summary.created_units)
            self.ctx.bus.changed.emit(Changes(created=refs + extra))
        self.checked.emit(summary)

    def _fill_mapping(self, summary) -> None:
        fam = FAMILIES[summary.family]
        fields = [(SKIP, None), ("状态", "status")] + [(f.label, f.name) for f in fam.fields]
        self.mapping.setRowCount(len(summary.labels))
        for r, label in enumerate(summary.labels):
            self.mapping.setItem(r, 0, QTableWidgetItem(label))
            box = QComboBox()
            for text, name in fields:
                box.addItem(text, name)
            box.setCurrentIndex(max(0, box.findData(summary.mapping.get(r))))
            box.currentIndexChanged.connect(lambda _i: self.import_button.setEnabled(False))
            self.mapping.setCellWidget(r, 1, box)

    def _fill_preview(self, summary) -> None:
        heads = ["行号", "结果", "问题"] + summary.labels
        rows = summary.rows[:PREVIEW_ROWS]
        self.preview.clear()
        self.preview.setColumnCount(len(heads))
        self.preview.setHorizontalHeaderLabels(heads)
        self.preview.setRowCount(len(rows))
        for i, r in enumerate(rows):
            result = "有错误" if r.problems else ("可导入" if r.status in ("待导入", "已导入") and summary.dry_run
                                                 else r.status)
            values = [str(r.row), result, "；".join(r.problems)] + [text_of(v) for v in r.cells[:len(summary.labels)]]
            for j, v in enumerate(values):
                item = QTableWidgetItem(v)
                if r.problems:
                    item.setBackground(QBrush(RED))
                    item.setToolTip("；".join(r.problems))
                self.preview.setItem(i, j, item)
        self.preview.resizeColumnsToContents()

    def choose_candidate(self, row: int) -> None:
        """Offer the closest names for each name of this row the office does not have;
        the choice applies to the whole file, and the file is checked again."""
        if self.summary is None or row >= len(self.summary.rows):
            return
        chosen = False
        for name, candidates in self.summary.rows[row].unknown.items():
            if not candidates:
                continue
            options = list(candidates) + ["都不是（不替换）"]
            pick = dialogs.ask_choice(self, "选择对应的记录", f"库中没有“{name}”。表中的“{name}”是：", options)
            if pick is not None and pick < len(candidates):
                self.replacements[name] = candidates[pick]
                chosen = True
        if chosen:
            self.run(dry_run=True)

    def save_template(self) -> None:
        fam = self.family.currentData()
        path = dialogs.save_file_name(self, "保存空白模板", f"{FAMILIES[fam].label}导入模板.xlsx",
                                      "Excel 工作簿 (*.xlsx)")
        if path is None:
            return
        self.ctx.jobs.run(lambda s, job: _write_template(fam, path.with_suffix(".xlsx")),
                          on_done=lambda p: dialogs.show_info(self, f"已保存模板\n{p}"), parent=self)
