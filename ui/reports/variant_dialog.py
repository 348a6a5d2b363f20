"""本机关表式: a copy of a report with its title, rows and columns changed — columns
left out (unticked), renamed (edit the text) or moved — kept in the database as a
report_def record and sent with exchange packages like the letter templates."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout)

from desktop_app.reports import service
from desktop_app.reports.definition import DIMENSIONS, ReportDef
from ui import dialogs

KEY_ROLE = Qt.ItemDataRole.UserRole + 1


class VariantDialog(QDialog):
    saved = Signal(str)          # the report's name

    def __init__(self, ctx, defn: ReportDef, parent=None):
        super().__init__(parent)
        self.ctx, self.defn = ctx, defn
        self.setWindowTitle(f"本机关表式：{defn.title}")
        self.resize(520, 560)
        form = QFormLayout()
        self.title = QLineEdit(defn.title)
        self.name = QLineEdit(defn.name)
        self.name.setToolTip("与内置报表同名则替换内置报表；换一个代号（英文字母、数字、下划线）则另增一张报表")
        self.version = QLineEdit(str(ctx.today().year))
        self.note = QLineEdit()
        self.rows = QComboBox()
        dims = [defn.rows] + [d for d in defn.by if d != defn.rows]
        for d in dict.fromkeys(dims):
            self.rows.addItem(DIMENSIONS.get(d, "类型"), d)
        form.addRow("表名", self.title)
        form.addRow("代号", self.name)
        form.addRow("按…分行", self.rows)
        form.addRow("版本", self.version)
        form.addRow("修改说明", self.note)
        self.columns = QListWidget()
        for c in defn.columns:
            item = QListWidgetItem(c.label)
            item.setData(KEY_ROLE, c.key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEditable)
            item.setCheckState(Qt.CheckState.Checked)
            self.columns.addItem(item)
        moves = QHBoxLayout()
        for text, step in (("上移", -1), ("下移", 1)):
            b = QPushButton(text)
            b.clicked.connect(lambda _=False, st=step: self._move(st))
            moves.addWidget(b)
        moves.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("列（取消勾选即不列出；双击可改列名）"))
        layout.addWidget(self.columns, 1)
        layout.addLayout(moves)
        layout.addWidget(buttons)

    def _move(self, step: int) -> None:
        row = self.columns.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.columns.count():
            return
        item = self.columns.takeItem(row)
        self.columns.insertItem(target, item)
        self.columns.setCurrentRow(target)

    def content(self) -> dict:
        data = self.defn.to_json()
        by_key = {c["key"]: c for c in data["columns"]}
        kept = []
        for i in range(self.columns.count()):
            item = self.columns.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                col = dict(by_key[item.data(KEY_ROLE)])
                col["label"] = item.text().strip() or col["label"]
                kept.append(col)
        keys = {c["key"] for c in kept}
        # a percentage whose parts were left out cannot stay
        data["columns"] = [c for c in kept if "ratio" not in c or set(c["ratio"]) <= keys]
        data["title"] = self.title.text().strip()
        data["name"] = self.name.text().strip()
        data["rows"] = self.rows.currentData()
        if data["rows"] in DIMENSIONS and data["rows"] not in data["by"]:
            data["by"] = [data["rows"], *data["by"]]
        return data

    def save(self) -> None:
        content = json.loads(json.dumps(self.content()))
        version, note = self.version.text().strip() or "1", self.note.text().strip()
        self.ctx.jobs.run(lambda s, job: service.save_variant(s, content, version=version, note=note),
                          on_done=self._saved, parent=self)

    def _saved(self, record) -> None:
        self.saved.emit(record["name"])
        dialogs.show_info(self, f"已保存本机关表式“{record['title']}”，随数据交换发送给下级机关。")
        self.accept()
