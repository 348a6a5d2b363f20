"""Fields and tabs that show other records by what a person reads: the 来源记录
of a 整改 or a 发文 (a record number and title, never an id) with 打开, and the
发文 made from a talk, a letter or a rectification, each opening its PDF."""
from __future__ import annotations

from typing import Any, Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QToolButton, QVBoxLayout, QWidget

from desktop_app.domain.registry import FAMILIES
from desktop_app.domain.schema import Field
from desktop_app.services import lookup
from ui.columns import cn_date
from ui.models.rows_model import Row, RowsModel
from ui.widgets.table import make_table, on_open, set_widths

SOURCE_ID, SOURCE_FAMILY = "source_id", "source_family"


class SourceEditor(QWidget):
    """来源记录: set by the program (生成整改, 发文), shown as 谈话 · 编号 · 标题."""

    edited = Signal()

    def __init__(self, f: Field, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._id: str | None = None
        self._family: str | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.line = QLineEdit()
        self.line.setReadOnly(True)
        self.line.setPlaceholderText("（无）")
        self.open_button = QToolButton()
        self.open_button.setText("打开")
        self.open_button.setToolTip("打开来源记录")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_source)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.open_button)

    def value(self) -> str | None:
        return self._id

    def set_value(self, value: Any, names: Mapping[str, str] | None = None) -> None:
        changed = (value or None) != self._id
        self._id, self._family = value or None, None
        self.line.setText("正在查找…" if self._id else "")
        self.open_button.setEnabled(False)
        if self._id:
            rid = self._id
            self.ctx.jobs.run(lambda s, job: lookup.record_label(s, rid),
                              on_done=lambda label: self._show(rid, label), parent=self)
        if changed:
            self.edited.emit()

    def _show(self, rid: str, label: "lookup.RecordLabel | None") -> None:
        if rid != self._id:
            return
        if label is None:
            self.line.setText("（来源记录不在本机的台账中）")
            return
        self._family = label.family
        self.line.setText(label.text)
        self.open_button.setEnabled(True)

    def open_source(self) -> None:
        if self._id and self._family:
            self.ctx.bus.open_record.emit(self._family, self._id)

    def set_read_only(self, read_only: bool) -> None:
        pass                      # never typed: the program sets it


class FamilyLabelEditor(QLineEdit):
    """来源类别 of a 发文: the family's Chinese name (谈话), the stored value its key."""

    edited = Signal()

    def __init__(self, f: Field, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.setReadOnly(True)
        self._value: str | None = None

    def value(self) -> str | None:
        return self._value

    def set_value(self, value: Any, names: Mapping[str, str] | None = None) -> None:
        self._value = value or None
        fam = FAMILIES.get(value) if value else None
        self.setText(fam.label if fam else (value or ""))

    def set_read_only(self, read_only: bool) -> None:
        pass


LINKED_EDITORS = {SOURCE_ID: SourceEditor, SOURCE_FAMILY: FamilyLabelEditor}


class DocumentsPanel(QWidget):
    """发文 made from this record; double-click opens the 发文登记, 打开 PDF the letter."""

    def __init__(self, ctx, family: str, open_record, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.family, self.open_record = ctx, family, open_record
        self.record_id: str | None = None
        self.documents: list = []
        layout = QVBoxLayout(self)
        self.model = RowsModel(("发文字号", "文种", "标题", "发文日期", "状态"), self, level_column=-1)
        self.table = make_table(self)
        self.table.setModel(self.model)
        set_widths(self.table, [160, 110, 300, 110, 70], stretch=2)
        on_open(self.table, lambda index: self._open(index.row()))
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.open_button = QPushButton("打开发文登记")
        self.open_button.clicked.connect(lambda: self._open(self.table.currentIndex().row()))
        self.pdf_button = QPushButton("打开文书 PDF")
        self.pdf_button.clicked.connect(self.open_pdf)
        for b in (self.open_button, self.pdf_button):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        ctx.bus.changed.connect(self._on_changed)

    def set_record(self, record_id: str | None) -> None:
        self.record_id = record_id
        self.reload()

    def reload(self) -> None:
        if not self.record_id:
            self._show([])
            return
        fam, rid = self.family, self.record_id
        self.ctx.jobs.run(lambda s, job: lookup.issued_documents(s, fam, rid), on_done=self._show,
                          key=("documents", id(self)), parent=self)

    def _show(self, documents: list) -> None:
        self.documents = documents
        self.model.set_rows([Row((d.get("doc_no") or "（未编号）", d.get("doc_type") or "",
                                  d.get("title") or "", cn_date(d.get("issued_date")),
                                  "已作废" if d.voided else d.status), payload=d.id)
                             for d in documents])

    def _open(self, row: int) -> None:
        if 0 <= row < len(self.documents):
            self.open_record("document", self.documents[row].id, None)

    def open_pdf(self) -> None:
        from ui.forms.actions import open_blob
        row = self.table.currentIndex().row()
        if 0 <= row < len(self.documents) and self.documents[row].get("pdf_sha256"):
            open_blob(self, self.documents[row], "pdf_sha256", "")

    def _on_changed(self, changes) -> None:
        if self.record_id and "document" in changes.families:
            self.reload()
