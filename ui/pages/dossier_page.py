"""人员页 = 廉政档案: everything about one person in date order; printable and
exportable to PDF. Opening a 廉政档案 is itself recorded (调阅登记)."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout,
                               QWidget)

from desktop_app.domain.registry import FAMILIES
from desktop_app.services import outputs, queries
from ui import dialogs, dossier_doc
from ui.columns import cn_date
from ui.models.rows_model import PAYLOAD_ROLE, Row, RowsModel
from ui.widgets.pickers import RefEdit
from ui.widgets.table import make_table, on_open, set_widths


def _export_pdf(s, job, html_text: str, path, person_id: str, name: str):
    dossier_doc.write_pdf(html_text, path)
    outputs.record_output(s, "导出", "廉政档案 PDF", family="person", record_id=person_id,
                          detail={"name": name, "file": path.name})
    return path


class DossierPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.dossier: queries.Dossier | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        title = QLabel("廉政档案")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addSpacing(12)
        top.addWidget(QLabel("人员："))
        self.picker = RefEdit(ctx, "person")
        self.picker.setMinimumWidth(320)
        self.picker.edited.connect(self._picked)
        top.addWidget(self.picker)
        top.addStretch(1)
        self.print_button = QPushButton("打印…")
        self.print_button.setToolTip("Ctrl+P")
        self.print_button.clicked.connect(self.print_dossier)
        self.pdf_button = QPushButton("导出 PDF…")
        self.pdf_button.clicked.connect(self.export_pdf)
        top.addWidget(self.print_button)
        top.addWidget(self.pdf_button)
        layout.addLayout(top)
        self.card = QFrame()
        self.card.setObjectName("card")
        self.card_grid = QGridLayout(self.card)
        layout.addWidget(self.card)
        self.model = RowsModel(("日期", "类别", "事项", "身份", "状态"), self, level_column=-1)
        self.table = make_table(self)
        self.table.setModel(self.model)
        set_widths(self.table, [120, 120, 420, 150, 80], stretch=2)
        on_open(self.table, self._open)
        layout.addWidget(self.table, 1)
        self.note = QLabel("请选择人员。查阅廉政档案会记入审计日志。")
        self.note.setObjectName("muted")
        layout.addWidget(self.note)
        self._set_enabled(False)
        ctx.bus.changed.connect(self._on_changed)

    def _set_enabled(self, on: bool) -> None:
        self.print_button.setEnabled(on)
        self.pdf_button.setEnabled(on)
        self.card.setVisible(on)

    def _picked(self) -> None:
        if self.picker.value():
            self.show_person(self.picker.value())

    def show_person(self, person_id: str) -> None:
        self.ctx.jobs.run(lambda s, job: queries.dossier(s, person_id), on_done=self._show,
                          key=("dossier", id(self)), parent=self)

    def _show(self, d: queries.Dossier) -> None:
        self.dossier = d
        p = d.person
        self.picker.blockSignals(True)
        self.picker.set_value(p.id, p["name"])
        self.picker.blockSignals(False)
        self._fill_card(d)
        self.model.set_rows([
            Row((cn_date(e.date) if e.date else "", e.family_label, e.title,
                 dossier_doc.role_labels(e.family, e.roles), e.status), payload=(e.family, e.id))
            for e in d.entries])
        self.note.setText(f"共 {len(d.entries)} 条，按日期排列。双击打开记录。本次查阅已记入审计日志。")
        self._set_enabled(True)
        if d.avoidance:                       # 回避 in 提醒 mode: opened, but the user is told
            self.note.setText(d.avoidance)
            dialogs.show_info(self, d.avoidance)

    def _fill_card(self, d: queries.Dossier) -> None:
        while self.card_grid.count():
            w = self.card_grid.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        p, fam = d.person, FAMILIES["person"]
        name = QLabel(f"{p['name']}　{d.unit_name}　{p.get('position') or ''}")
        name.setObjectName("sectionTitle")
        self.card_grid.addWidget(name, 0, 0, 1, 6)
        for i, field in enumerate(dossier_doc.PERSON_FIELDS[:9]):
            key = QLabel(fam.field(field).label + "：")
            key.setObjectName("muted")
            value = QLabel(dossier_doc._value_text(p.get(field)) or "—")
            self.card_grid.addWidget(key, 1 + i // 3, (i % 3) * 2)
            self.card_grid.addWidget(value, 1 + i // 3, (i % 3) * 2 + 1)

    def _open(self, index) -> None:
        payload = index.data(PAYLOAD_ROLE) if index.isValid() else None
        if payload:
            self.ctx.bus.open_record.emit(*payload)

    def _on_changed(self, changes) -> None:
        if self.dossier is not None and self.isVisible() and changes.families - {"attachment"}:
            self.show_person(self.dossier.person.id)

    def _html(self) -> str:
        return dossier_doc.dossier_html(self.dossier, self.ctx.office_name, self.ctx.user,
                                        (self.ctx.clock or datetime.now)())

    def export_pdf(self) -> None:
        if self.dossier is None:
            return
        p = self.dossier.person
        path = dialogs.save_file_name(self, "导出廉政档案", f"廉政档案-{p['name']}.pdf", "PDF 文件 (*.pdf)")
        if path is None:
            return
        html_text, pid, name = self._html(), p.id, p["name"]
        self.ctx.jobs.run(lambda s, job: _export_pdf(s, job, html_text, path, pid, name),
                          on_done=lambda out: dialogs.show_info(self, f"已导出到\n{out}"),
                          title="正在生成 PDF…", parent=self)

    def print_dossier(self) -> None:
        if self.dossier is None:
            return
        p = self.dossier.person
        printer = dialogs.ask_html_printer(self, f"廉政档案-{p['name']}")
        if printer is None:
            return
        html_text, pid, name = self._html(), p.id, p["name"]

        def work(s, job):
            dialogs.print_html(html_text, printer)
            outputs.record_output(s, "打印", "廉政档案", family="person", record_id=pid,
                                  detail={"name": name})
        self.ctx.jobs.run(work, title="正在打印廉政档案…", parent=self)
