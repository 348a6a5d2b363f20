"""Entering one year's notice: its name and date, the rest periods and the make-up
working days, typed row by row (or read from a JSON file) and checked by the core
before anything is saved; a refusal is one Chinese line in the dialog."""
from __future__ import annotations

import json
import re
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from desktop_app.domain.calendar import YearTable
from desktop_app.domain.validate import parse_date
from desktop_app.errors import ValidationError
from desktop_app.services import holidays
from ui import dialogs
from ui.widgets.date_edit import DateEdit

COLUMNS = ("节日名称", "放假首日", "放假末日", "调休上班日（多个用“、”分隔）")
_SPLIT = re.compile(r"[、,，;；\s]+")


class HolidayTableDialog(QDialog):
    saved = Signal(object)          # (records whose deadlines moved, the new calendar, the year)

    def __init__(self, ctx, table: YearTable | None, suggested_year: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("节假日安排")
        self.setMinimumSize(720, 480)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.year = QSpinBox()
        self.year.setRange(2000, 2199)
        self.year.setValue(table.year if table else suggested_year)
        self.notice = QLineEdit(table.notice if table else "")
        self.notice.setPlaceholderText("如：国务院办公厅关于2027年部分节假日安排的通知")
        self.issued = DateEdit(None, ctx.today())
        self.issued.set_value(table.issued if table else None)
        form.addRow("年度", self.year)
        form.addRow("通知名称", self.notice)
        form.addRow("发布日期", self.issued)
        layout.addLayout(form)
        self.rows = QTableWidget(0, len(COLUMNS))
        self.rows.setHorizontalHeaderLabels(COLUMNS)
        self.rows.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((110, 110, 110)):
            self.rows.setColumnWidth(col, width)
        layout.addWidget(self.rows, 1)
        for h in table.holidays if table else ():
            self.add_row(h.name, h.first.isoformat(), h.last.isoformat(),
                         "、".join(d.isoformat() for d in h.work))
        if not table:
            for name in ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"):
                self.add_row(name)
        self._build_bottom(layout)

    def _build_bottom(self, layout: QVBoxLayout) -> None:
        row = QHBoxLayout()
        add = QPushButton("添加一行")
        add.clicked.connect(lambda: self.add_row())
        remove = QPushButton("删除所选行")
        remove.clicked.connect(self.remove_rows)
        load = QPushButton("从文件导入…")
        load.clicked.connect(self.load_file)
        for b in (add, remove, load):
            b.setAutoDefault(False)
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        hint = QLabel("日期写作 2027-02-06；放假日期含其中的周末，整段照通知填写；"
                      "调休上班日必须是周六或周日；没有填日期的行不保存。")
        hint.setObjectName("fieldHint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        for b in self.buttons.buttons():    # Enter finishes a cell, it does not save the year
            b.setAutoDefault(False)
            b.setDefault(False)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def add_row(self, *cells: str) -> None:
        r = self.rows.rowCount()
        self.rows.insertRow(r)
        for c in range(len(COLUMNS)):
            self.rows.setItem(r, c, QTableWidgetItem(cells[c] if c < len(cells) else ""))

    def remove_rows(self) -> None:
        for r in sorted({i.row() for i in self.rows.selectedIndexes()}, reverse=True):
            self.rows.removeRow(r)

    def load_file(self) -> None:
        path = dialogs.open_file_name(self, "选择节假日安排表", "节假日安排表 (*.json)")
        if not path:
            return
        try:
            table = holidays.read_notice(Path(path), self.year.value())
        except ValidationError as exc:
            self.show_error(exc.message)
            return
        self.year.setValue(table.year)
        self.notice.setText(table.notice)
        self.issued.set_value(table.issued)
        self.rows.setRowCount(0)
        for h in table.holidays:
            self.add_row(h.name, h.first.isoformat(), h.last.isoformat(),
                         "、".join(d.isoformat() for d in h.work))

    # -- checking and saving ----------------------------------------------------
    def _cell(self, r: int, c: int) -> str:
        item = self.rows.item(r, c)
        return item.text().strip() if item is not None else ""

    def _date(self, text: str, where: str) -> str:
        try:
            return parse_date(text).isoformat()
        except ValidationError:
            raise ValidationError("holidays", f"{where}“{text}”不是日期，应写作 2027-02-06。") from None

    def table(self) -> YearTable:
        """The typed table as the core reads it; ``ValidationError`` with one Chinese
        line for anything wrong."""
        entries = []
        for r in range(self.rows.rowCount()):
            cells = [self._cell(r, c) for c in range(len(COLUMNS))]
            if not any(cells[1:]):
                continue                      # a row without dates (a name only) enters nothing
            name = cells[0] or f"第 {r + 1} 行"
            if not cells[1]:
                raise ValidationError("holidays", f"第 {r + 1} 行“{name}”缺少放假首日。")
            first = self._date(cells[1], f"第 {r + 1} 行“{name}”的放假首日")
            last = self._date(cells[2] or cells[1], f"第 {r + 1} 行“{name}”的放假末日")
            work = [self._date(w, f"第 {r + 1} 行“{name}”的调休上班日")
                    for w in _SPLIT.split(cells[3]) if w]
            entries.append({"name": cells[0], "off": [first, last], "work": work})
        issued = self.issued.value()
        if not issued:
            raise ValidationError("issued", "请填写通知的发布日期。")
        obj = {"year": self.year.value(), "notice": self.notice.text().strip(),
               "issued": self._date(issued, "发布日期"), "holidays": entries}
        return holidays.parse_notice(json.dumps(obj, ensure_ascii=False), self.year.value(),
                                     f"{self.year.value()} 年节假日安排")

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def save(self) -> None:
        try:
            table = self.table()
        except ValidationError as exc:
            self.show_error(exc.message)
            return
        self.show_error("")

        def call(s, job):
            moved = holidays.set_table(s, table)
            return moved, s.calendar, table.year
        self.ctx.jobs.run(call, on_done=self._done, on_error=lambda exc: self.show_error(str(exc)),
                          title="正在保存并重新计算期限…", parent=self)

    def _done(self, result) -> None:
        self.saved.emit(result)
        self.accept()
