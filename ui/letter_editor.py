"""生成文书: a document (公文) made from a talk, a letter or a rectification —
its fields and body, a live preview of the PDF (QPdfView), 发文 (the number),
printing at 300–600 dpi, saving as PDF, opening in the system's PDF viewer.
The layout is the letters package's (GB/T 9704); this is only its editor."""
from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPlainTextEdit, QPushButton, QScrollArea, QSplitter,
                               QVBoxLayout, QWidget)

from desktop_app.domain.record import Record
from desktop_app.errors import ValidationError
from desktop_app.letters import DOC_TYPES, MissingFields, fill_template, render_bytes
from desktop_app.services import docnumbers, outputs, records
from ui import dialogs, letter_values, pdf_pages
from ui.letter_fields import LetterFields
from ui.widgets.date_edit import DateEdit, parse_or_none

log = logging.getLogger(__name__)
PREVIEW_DELAY_MS = 400


def fill(doc_type: str, values: dict, body: list[str] | None, draft: bool):
    """The LetterSpec; a draft marks what is missing as 【…】 instead of refusing."""
    try:
        spec = fill_template(doc_type, values)
    except MissingFields as exc:
        if not draft:
            raise
        spec = fill_template(doc_type, values | {k: f"【{label}】" for k, label in exc.missing})
    return dataclasses.replace(spec, body=tuple(body)) if body is not None else spec


def issue(s, rec: Record, doc_type: str, spec, year: int) -> tuple[str, object]:
    """发文: the next number of the type's 代字; written to a 函件's 发文字号; audited."""
    prefix = docnumbers.prefix_for(s, DOC_TYPES[doc_type].number_prefix)
    number = docnumbers.next_number(s, prefix, year)
    changes = None
    if rec.family == "letter":
        changes = records.update(s, "letter", rec.id, {"doc_no": number}).changes
    outputs.record_output(s, "发文", doc_type, family=rec.family, record_id=rec.id,
                          detail={"number": number, "title": spec.title})
    return number, changes


def _write(s, data: bytes, path: Path, rec: Record, doc_type: str, number: str | None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    outputs.record_output(s, "导出", f"{doc_type} PDF", family=rec.family, record_id=rec.id,
                          detail={"number": number, "file": path.name})
    return path


class LetterEditor(QDialog):
    def __init__(self, ctx, rec: Record, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.rec = ctx, rec
        self.base: dict = {}
        self.pdf: bytes | None = None
        self.body_edited = False
        self.fields: LetterFields | None = None
        self.number: str | None = rec.get("doc_no") if rec.family == "letter" else None
        self.setWindowTitle(f"生成文书 — {rec.title}")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self._build()
        if not ctx.settings.restore_geometry("letter-editor", self):
            self.resize(1200, 820)
        ctx.jobs.run(lambda s, job: letter_values.template_values(s, rec), on_done=self._loaded,
                     parent=self)

    # -- layout ---------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("文种："))
        self.type_box = QComboBox()
        for name in letter_values.suggested_types(self.rec, list(DOC_TYPES)):
            self.type_box.addItem(name)
        self.type_box.currentTextChanged.connect(self._type_changed)
        top.addWidget(self.type_box)
        top.addSpacing(16)
        self.number_label = QLabel()
        top.addWidget(self.number_label)
        self.issue_button = QPushButton("发文（编号）…")
        self.issue_button.setToolTip("取得本年度下一个发文字号，记入审计日志")
        self.issue_button.clicked.connect(self.issue)
        top.addWidget(self.issue_button)
        top.addStretch(1)
        layout.addLayout(top)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._build_left())
        self.view = QPdfView()
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        split.addWidget(self.view)
        split.setSizes([520, 680])
        layout.addWidget(split, 1)
        layout.addLayout(self._build_buttons())
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_letter)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save_pdf)

    def _build_left(self) -> QWidget:
        box = QWidget()
        v = QVBoxLayout(box)
        common = QFormLayout()
        self.date_edit = DateEdit(self.ctx.calendar, self.ctx.today())
        self.date_edit.set_value(self.ctx.today())
        self.date_edit.edited.connect(self.schedule)
        self.mark_box = QCheckBox("标注“内部”（工作秘密）")
        self.mark_box.setChecked(self.rec.sensitivity == "内部")
        self.sealed_box = QCheckBox("加盖印章")
        self.sealed_box.setChecked(True)
        self.signature = QLineEdit()
        self.signature.setPlaceholderText(f"默认为 {self.ctx.office_name}")
        for w in (self.mark_box, self.sealed_box):
            w.toggled.connect(self.schedule)
        self.signature.textChanged.connect(self.schedule)
        common.addRow("成文日期：", self.date_edit)
        common.addRow("署名：", self.signature)
        common.addRow("", self.mark_box)
        common.addRow("", self.sealed_box)
        v.addLayout(common)
        self.fields_area = QScrollArea()
        self.fields_area.setWidgetResizable(True)
        v.addWidget(self.fields_area, 2)
        row = QHBoxLayout()
        row.addWidget(QLabel("正文（可直接修改，每段一行）："))
        row.addStretch(1)
        self.regenerate = QPushButton("按模板重新生成正文")
        self.regenerate.clicked.connect(self._regenerate_body)
        self.regenerate.setEnabled(False)
        row.addWidget(self.regenerate)
        v.addLayout(row)
        self.body = QPlainTextEdit()
        self.body.textChanged.connect(self._body_typed)
        v.addWidget(self.body, 2)
        self.status = QLabel("正在准备…")
        self.status.setWordWrap(True)
        self.status.setObjectName("muted")
        v.addWidget(self.status)
        return box

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.print_button = QPushButton("打印…")
        self.print_button.setToolTip("Ctrl+P，300–600 dpi")
        self.print_button.clicked.connect(self.print_letter)
        self.save_button = QPushButton("另存为 PDF…")
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.clicked.connect(self.save_pdf)
        self.open_button = QPushButton("用 PDF 阅读器打开")
        self.open_button.clicked.connect(self.open_external)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        for b in (self.print_button, self.save_button, self.open_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(close)
        return row

    # -- values and preview ---------------------------------------------------
    def _loaded(self, values: dict) -> None:
        self.base = values
        self._type_changed(self.type_box.currentText())

    @property
    def doc_type(self) -> str:
        return self.type_box.currentText()

    def _type_changed(self, name: str) -> None:
        doc = DOC_TYPES[name]
        self.fields = LetterFields(doc, self.base)
        self.fields.edited.connect(self.schedule)
        self.fields_area.setWidget(self.fields)
        self.body_edited = False
        self.regenerate.setEnabled(False)
        self._show_number()
        self.refresh()

    def _show_number(self) -> None:
        has_number = DOC_TYPES[self.doc_type].number_prefix is not None
        self.issue_button.setVisible(has_number)
        self.issue_button.setEnabled(has_number and not self.number)
        self.number_label.setText(f"发文字号：{self.number}" if self.number else
                                  "发文字号：（发文时编号）" if has_number else "")

    def values(self) -> dict:
        v = dict(self.base) | (self.fields.values() if self.fields else {})
        d = parse_or_none(self.date_edit.value() or "")
        v |= {"date": d.isoformat() if d else None, "sealed": self.sealed_box.isChecked(),
              "mark": "内部" if self.mark_box.isChecked() else None,
              "signature": self.signature.text().strip() or None, "number": self.number}
        return {k: x for k, x in v.items() if x not in (None, "", [])}

    def body_lines(self) -> list[str] | None:
        if not self.body_edited:
            return None
        return [p.strip() for p in self.body.toPlainText().splitlines() if p.strip()]

    def schedule(self) -> None:
        self._timer.start()

    def _body_typed(self) -> None:
        if not self.body.signalsBlocked():
            self.body_edited = True
            self.regenerate.setEnabled(True)
            self.schedule()

    def _regenerate_body(self) -> None:
        self.body_edited = False
        self.regenerate.setEnabled(False)
        self.refresh()

    def refresh(self) -> None:
        """Fill the template (fast, here), then render the PDF in a worker."""
        self._timer.stop()
        try:
            spec = fill(self.doc_type, self.values(), self.body_lines(), draft=True)
        except ValidationError as exc:
            self.status.setText(f"无法生成：{exc}")
            return
        if not self.body_edited:
            self.body.blockSignals(True)
            self.body.setPlainText("\n".join(spec.body))
            self.body.blockSignals(False)
        self._show_missing()
        self.ctx.jobs.run(lambda job: render_bytes(spec), session=False, on_done=self._rendered,
                          on_error=lambda exc: self.status.setText(f"无法生成：{exc}"),
                          key=("letter-preview", id(self)))

    def _show_missing(self) -> None:
        try:
            fill(self.doc_type, self.values(), self.body_lines(), draft=False)
            self.status.setText("预览已是最终版式。" + ("" if self.number or not DOC_TYPES[
                self.doc_type].number_prefix else "发文后印上发文字号。"))
        except MissingFields as exc:
            self.status.setText("还缺少：" + "、".join(label for _, label in exc.missing)
                                + "（预览中以【】标出）")
        except ValidationError as exc:
            self.status.setText(str(exc))

    def _rendered(self, data: bytes) -> None:
        self.pdf = data
        old = self.view.document()
        doc, self._buffer = pdf_pages.load_pdf(data, self)
        self.view.setDocument(doc)
        if old is not None:
            old.deleteLater()

    def final_spec(self):
        """The spec to issue, print or save: nothing may be missing."""
        try:
            return fill(self.doc_type, self.values(), self.body_lines(), draft=False)
        except ValidationError as exc:
            dialogs.show_error(self, str(exc))
            return None

    # -- actions --------------------------------------------------------------
    def issue(self) -> None:
        spec = self.final_spec()
        if spec is None or not dialogs.ask_yes_no(
                self, f"发文将取得本年度下一个“{self.doc_type}”发文字号并记入审计日志，编号不可收回。继续吗？"):
            return
        rec, doc_type, year = self.rec, self.doc_type, (spec.date or self.ctx.today()).year
        self.ctx.jobs.run(lambda s, job: issue(s, rec, doc_type, spec, year), on_done=self._issued,
                          parent=self)

    def _issued(self, result) -> None:
        self.number, changes = result
        if changes is not None:
            self.ctx.bus.changed.emit(changes)
        self._show_number()
        self.refresh()

    def _ready_pdf(self, then) -> None:
        """Render the final version (not a draft preview), then ``then(bytes)``."""
        spec = self.final_spec()
        if spec is None:
            return
        if DOC_TYPES[self.doc_type].number_prefix and not self.number and not dialogs.ask_yes_no(
                self, "还没有发文编号。仍要继续吗？（正式发文请先点“发文”）"):
            return
        self.ctx.jobs.run(lambda job: render_bytes(spec), session=False, on_done=then,
                          title="正在生成 PDF…", parent=self)

    def _file_name(self) -> str:
        return f"{self.doc_type}-{self.number or '未编号'}.pdf"

    def save_pdf(self) -> None:
        path = dialogs.save_file_name(self, "另存为 PDF", self._file_name(), "PDF 文件 (*.pdf)")
        if path is not None:
            self._ready_pdf(lambda data: self._save(data, path, lambda p: dialogs.show_info(
                self, f"已保存到\n{p}")))

    def open_external(self) -> None:
        path = self.ctx.data_dir / "tmp" / "letters" / self._file_name()
        self._ready_pdf(lambda data: self._save(data, path, dialogs.open_path))

    def _save(self, data: bytes, path: Path, then) -> None:
        rec, doc_type, number = self.rec, self.doc_type, self.number
        self.ctx.jobs.run(lambda s, job: _write(s, data, path, rec, doc_type, number),
                          on_done=then, parent=self)

    def print_letter(self) -> None:
        self._ready_pdf(self._print)

    def _print(self, data: bytes) -> None:
        printer = dialogs.ask_printer(self, f"{self.doc_type} {self.number or ''}")
        if printer is None:
            return
        dpi = pdf_pages.print_dpi(printer.resolution())
        printer.setResolution(dpi)
        rec, doc_type, number = self.rec, self.doc_type, self.number
        self.ctx.jobs.run(lambda job: pdf_pages.rasterise(data, dpi, job), session=False,
                          title="正在准备打印…", parent=self,
                          on_done=lambda images: self._printed(printer, images, rec, doc_type, number))

    def _printed(self, printer, images, rec, doc_type, number) -> None:
        pdf_pages.paint(printer, images)
        self.ctx.jobs.run(lambda s, job: outputs.record_output(
            s, "打印", doc_type, family=rec.family, record_id=rec.id,
            detail={"number": number, "pages": len(images), "dpi": printer.resolution()}))

    def done(self, result: int) -> None:
        self.ctx.settings.save_geometry("letter-editor", self)
        super().done(result)


def open_letter_editor(ctx, rec: Record, parent: QWidget | None = None) -> LetterEditor:
    editor = LetterEditor(ctx, rec, parent)
    editor.show()
    return editor
