"""生成文书: a document (公文) made from a talk, a letter or a rectification —
the wording's fields prefilled from the record, the body it makes, a live
preview (QPdfView), 发文 (the number, the 发文登记 record and the kept PDF),
printing at 300–600 dpi, saving as PDF, opening in the system's PDF viewer.

Wording, numbering and rendering are the core's (``services.documents``);
this is only their editor. Nothing is numbered or recorded before 发文.
"""
from __future__ import annotations

import logging
import uuid
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel,
                               QPlainTextEdit, QPushButton, QScrollArea, QSplitter, QVBoxLayout,
                               QWidget)

from desktop_app.domain.record import Changes, Record, RecordRef
from desktop_app.letters import MissingFields
from desktop_app.services import documents, outputs
from desktop_app.services.document_values import doc_types_for
from ui import dialogs, pdf_pages
from ui.letter_fields import LetterFields
from ui.widgets.date_edit import DateEdit, parse_or_none

log = logging.getLogger(__name__)
PREVIEW_DELAY_MS = 400


def load_type(s, rec: Record, name: str):
    """The office's wording of a type and the values the record gives it."""
    return documents.doc_type(s, name), documents.values_for(s, rec.family, rec.id, name)


def render_preview(s, rec: Record, name: str, overrides: dict, path: Path):
    """(pdf bytes, body paragraphs, missing labels, font warnings): a draft marks what is
    missing as 【…】; a role printed in a stand-in font is named."""
    missing: list[str] = []
    try:
        spec = documents.build_spec(s, rec.family, rec.id, name, overrides)
    except MissingFields as exc:
        missing = [label for _, label in exc.missing]
        overrides = overrides | {k: f"【{label}】" for k, label in exc.missing}
        spec = documents.build_spec(s, rec.family, rec.id, name, overrides)
    result = documents.preview(s, rec.family, rec.id, name, path, overrides)
    return path.read_bytes(), list(spec.body), missing, list(result.warnings)


def issue(s, rec: Record, name: str, overrides: dict, path: Path):
    saved, _result = documents.issue(s, rec.family, rec.id, name, path, overrides)
    changes = saved.changes
    if rec.family == "letter":                       # 发文字号 written into the 函件 too
        changes = changes + Changes(updated=(RecordRef("letter", rec.id),))
    return saved.record, changes, path.read_bytes()


def _write(s, data: bytes, path: Path, rec: Record, name: str, number: str | None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    outputs.record_output(s, "导出", f"{name} PDF", family=rec.family, record_id=rec.id,
                          detail={"number": number, "file": path.name})
    return path


class LetterEditor(QDialog):
    def __init__(self, ctx, rec: Record, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.rec = ctx, rec
        self.doc = None
        self.pdf: bytes | None = None
        self.missing: list[str] = []
        self.issued = None                  # the 发文登记 record once issued
        self.fields: LetterFields | None = None
        self.folder = ctx.data_dir / "tmp" / "letters"
        self.setWindowTitle(f"生成文书 — {rec.title}")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self._build()
        if not ctx.settings.restore_geometry("letter-editor", self):
            self.resize(1200, 820)
        self._type_changed(self.type_box.currentText())

    # -- layout ---------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("文种："))
        self.type_box = QComboBox()
        self.type_box.addItems(list(doc_types_for(self.rec)))
        self.type_box.currentTextChanged.connect(self._type_changed)
        top.addWidget(self.type_box)
        top.addSpacing(16)
        self.number_label = QLabel()
        top.addWidget(self.number_label)
        self.issue_button = QPushButton("发文…")
        self.issue_button.setToolTip("取得发文字号，生成正式文书并记入发文登记")
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
        self.date_edit.edited.connect(self.schedule)
        self.mark_box = QCheckBox("标注“内部”（工作秘密）")
        self.mark_box.setChecked(self.rec.sensitivity == "内部")
        self.mark_box.toggled.connect(self.schedule)
        common.addRow("成文日期：", self.date_edit)
        common.addRow("", self.mark_box)
        v.addLayout(common)
        self.fields_area = QScrollArea()
        self.fields_area.setWidgetResizable(True)
        v.addWidget(self.fields_area, 3)
        head = QHBoxLayout()
        head.addWidget(QLabel("正文（按文书模板生成，可直接修改，每段一行）："), 1)
        self.reset_body_button = QPushButton("按模板重新生成正文")
        self.reset_body_button.setEnabled(False)
        self.reset_body_button.clicked.connect(self.reset_body)
        head.addWidget(self.reset_body_button)
        v.addLayout(head)
        self.body = QPlainTextEdit()
        self.body_edited = False          # the clerk's own wording replaces the template's
        self.body.textChanged.connect(self._body_typed)
        v.addWidget(self.body, 2)
        self.font_warning = QLabel()      # a role printed in a stand-in font, by name
        self.font_warning.setWordWrap(True)
        self.font_warning.setObjectName("banner")
        self.font_warning.hide()
        v.addWidget(self.font_warning)
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
        self.fonts_button = QPushButton("公文字体…")
        self.fonts_button.setToolTip("查看各字体角色是否符合 GB/T 9704，添加本单位的字体文件")
        self.fonts_button.clicked.connect(self.show_fonts)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        for b in (self.print_button, self.save_button, self.open_button, self.fonts_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(close)
        return row

    def show_fonts(self) -> None:
        from ui.fonts_dialog import FontsDialog
        self.fonts_dialog = FontsDialog(self.ctx, self)
        self.fonts_dialog.finished.connect(lambda _r: self.fonts_dialog.changed and self.refresh())
        self.fonts_dialog.open()

    # -- the type, its fields, the preview ------------------------------------
    @property
    def doc_type(self) -> str:
        return self.type_box.currentText()

    def _type_changed(self, name: str) -> None:
        if not name:
            self.status.setText("这条记录不能生成文书。")
            return
        rec = self.rec
        self.ctx.jobs.run(lambda s, job: load_type(s, rec, name), on_done=self._type_loaded,
                          on_error=lambda exc: self.status.setText(str(exc)), parent=self)

    def _type_loaded(self, result) -> None:
        self.doc, values = result
        self.fields = LetterFields(self.doc, values)
        self.fields.edited.connect(self.schedule)
        self.fields_area.setWidget(self.fields)
        self.date_edit.blockSignals(True)
        self.date_edit.set_value(values.get("date"))
        self.date_edit.blockSignals(False)
        self._show_number()
        self.refresh()

    def _show_number(self) -> None:
        numbered = self.doc is not None and self.doc.number_prefix is not None
        number = self.issued.get("doc_no") if self.issued is not None else None
        self.issue_button.setEnabled(self.issued is None)
        self.type_box.setEnabled(self.issued is None)
        if self.issued is not None:
            self.number_label.setText(f"已发文：{number or '（本文种不编号）'}")
        else:
            self.number_label.setText("发文字号：（发文时编号）" if numbered else "本文种不编发文字号")

    def overrides(self) -> dict:
        values = self.fields.values() if self.fields else {}
        d = parse_or_none(self.date_edit.value() or "")
        values |= {"date": d.isoformat() if d else None,
                   "mark": "内部" if self.mark_box.isChecked() else None}
        if self.body_edited:
            values["body"] = self.body.toPlainText()
        return {k: v for k, v in values.items() if v not in (None, "", [])}

    def _body_typed(self) -> None:
        if self.body.signalsBlocked() or self.issued is not None:
            return
        self.body_edited = True
        self.reset_body_button.setEnabled(True)
        self.schedule()

    def reset_body(self) -> None:
        self.body_edited = False
        self.reset_body_button.setEnabled(False)
        self.refresh()

    def schedule(self) -> None:
        if self.issued is None:
            self._timer.start()

    def refresh(self) -> None:
        """Render the draft in a worker; the newest edit wins."""
        self._timer.stop()
        if self.doc is None or self.issued is not None:
            return
        rec, name, overrides = self.rec, self.doc_type, self.overrides()
        path = self.folder / f"预览-{id(self)}.pdf"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.status.setText("正在生成预览…")
        self.ctx.jobs.run(lambda s, job: render_preview(s, rec, name, overrides, path),
                          on_done=self._previewed, on_error=lambda exc: self.status.setText(
                              f"无法生成：{exc}"), key=("letter-preview", id(self)))

    def _previewed(self, result) -> None:
        data, body, self.missing, warnings = result
        self.font_warning.setText("字体提示：" + "；".join(warnings) if warnings else "")
        self.font_warning.setVisible(bool(warnings))
        if not self.body_edited:
            self.body.blockSignals(True)
            self.body.setPlainText("\n".join(body))
            self.body.blockSignals(False)
        if self.missing:
            self.status.setText("还缺少：" + "、".join(self.missing) + "（预览中以【】标出）")
        else:
            self.status.setText("内容已齐全。" + ("发文时印上发文字号。" if self.doc.number_prefix else ""))
        self._show_pdf(data)

    def _show_pdf(self, data: bytes) -> None:
        self.pdf = data
        old = self.view.document()
        doc, self._buffer = pdf_pages.load_pdf(data, self)
        self.view.setDocument(doc)
        if old is not None:
            old.deleteLater()

    # -- 发文 -----------------------------------------------------------------
    def issue(self) -> None:
        if self.missing:
            dialogs.show_error(self, "还缺少：" + "、".join(self.missing) + "。填好后再发文。")
            return
        if not dialogs.ask_yes_no(self, f"发文将取得“{self.doc_type}”的发文字号，生成正式文书并记入发文登记；"
                                        "编号不可收回。继续吗？"):
            return
        rec, name, overrides = self.rec, self.doc_type, self.overrides()
        path = self.folder / f"发文-{uuid.uuid4().hex[:12]}.pdf"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.ctx.jobs.run(lambda s, job: issue(s, rec, name, overrides, path), on_done=self._issued,
                          title="正在发文…", parent=self)

    def _issued(self, result) -> None:
        self.issued, changes, data = result
        self.ctx.bus.changed.emit(changes)
        if self.fields is not None:
            self.fields.setEnabled(False)
        self.date_edit.setEnabled(False)
        self.mark_box.setEnabled(False)
        self.body.setReadOnly(True)
        self.reset_body_button.setEnabled(False)
        self._show_number()
        self.status.setText(f"已发文（{self.issued.get('doc_no') or '不编号'}），文书已存入发文登记。")
        self._show_pdf(data)

    # -- print, save, open ----------------------------------------------------
    @property
    def number(self) -> str | None:
        return self.issued.get("doc_no") if self.issued is not None else None

    def _ready(self) -> bytes | None:
        """The PDF to hand out: the issued one, or a complete draft the clerk confirms."""
        if self.pdf is None:
            return None
        if self.issued is not None:
            return self.pdf
        if self.missing:
            dialogs.show_error(self, "还缺少：" + "、".join(self.missing) + "。")
            return None
        if self.doc.number_prefix and not dialogs.ask_yes_no(
                self, "这是未发文的草稿，没有发文字号。仍要继续吗？（正式文书请先点“发文”）"):
            return None
        return self.pdf

    def _file_name(self) -> str:
        return f"{self.doc_type}-{self.number or '草稿'}.pdf"

    def save_pdf(self) -> None:
        data = self._ready()
        if data is None:
            return
        path = dialogs.save_file_name(self, "另存为 PDF", self._file_name(), "PDF 文件 (*.pdf)")
        if path is not None:
            self._save(data, path, lambda p: dialogs.show_info(self, f"已保存到\n{p}"))

    def open_external(self) -> None:
        data = self._ready()
        if data is not None:
            from desktop_app.filenames import clean_name, inside
            self._save(data, inside(self.folder, clean_name(self._file_name())), dialogs.open_path)

    def _save(self, data: bytes, path: Path, then) -> None:
        rec, name, number = self.rec, self.doc_type, self.number
        self.ctx.jobs.run(lambda s, job: _write(s, data, path, rec, name, number), on_done=then,
                          parent=self)

    def print_letter(self) -> None:
        data = self._ready()
        if data is None:
            return
        printer = dialogs.ask_printer(self, f"{self.doc_type} {self.number or ''}")
        if printer is None:
            return
        dpi = pdf_pages.print_dpi(printer.resolution())
        printer.setResolution(dpi)
        self.ctx.jobs.run(lambda job: pdf_pages.rasterise(data, dpi, job), session=False,
                          title="正在准备打印…", parent=self,
                          on_done=lambda images: self._printed(printer, images))

    def _printed(self, printer, images) -> None:
        pdf_pages.paint(printer, images)
        rec, name, number, dpi = self.rec, self.doc_type, self.number, printer.resolution()
        self.ctx.jobs.run(lambda s, job: outputs.record_output(
            s, "打印", name, family=rec.family, record_id=rec.id,
            detail={"number": number, "pages": len(images), "dpi": dpi}))

    def done(self, result: int) -> None:
        self.ctx.settings.save_geometry("letter-editor", self)
        (self.folder / f"预览-{id(self)}.pdf").unlink(missing_ok=True)
        super().done(result)


def open_letter_editor(ctx, rec: Record, parent: QWidget | None = None) -> LetterEditor:
    editor = LetterEditor(ctx, rec, parent)
    editor.show()
    return editor
