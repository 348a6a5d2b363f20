"""人员页 = 廉政档案: everything about one person in date order; printable and
exportable to PDF. Opening a 廉政档案 is itself recorded (调阅登记).

The first 200 records come with the opening, the rest a page at a time as the
table is scrolled to its end; printing and the PDF read every record in the job
that makes them. The note gives the number of records of each category."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout,
                               QWidget)

from desktop_app.domain.registry import FAMILIES
from desktop_app.services import outputs, queries
from ui import dialogs, dossier_doc
from ui.columns import cn_date
from ui.models.rows_model import PAYLOAD_ROLE, PagedRowsModel, Row
from ui.widgets.pickers import RefEdit
from ui.widgets.table import make_table, on_open, set_widths


def _export_pdf(s, job, d: queries.Dossier, head: tuple, path):
    dossier_doc.write_pdf(dossier_doc.dossier_html(d, queries.dossier_entries(s, d), *head), path)
    outputs.record_output(s, "导出", "廉政档案 PDF", family="person", record_id=d.person.id,
                          detail={"name": d.person["name"], "file": path.name})
    return path


def _rows(entries) -> list[Row]:
    return [Row((cn_date(e.date) if e.date else "", e.family_label, e.title,
                 dossier_doc.role_labels(e.family, e.roles), e.status), payload=(e.family, e.id))
            for e in entries]


class DossierPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.dossier: queries.Dossier | None = None
        self.next_key: tuple | None = None
        self.generation = 0
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
        self.model = PagedRowsModel(("日期", "类别", "事项", "身份", "状态"), self, level_column=-1)
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
        self.generation += 1
        self.ctx.jobs.cancel(("dossier-more", id(self)))
        self.ctx.jobs.run(lambda s, job: queries.dossier(s, person_id), on_done=self._show,
                          key=("dossier", id(self)), parent=self)

    def _show(self, d: queries.Dossier) -> None:
        self.dossier, self.next_key = d, d.next_key
        p = d.person
        self.picker.blockSignals(True)
        self.picker.set_value(p.id, p["name"])
        self.picker.blockSignals(False)
        self._fill_card(d)
        self.model.set_rows(_rows(d.entries), self._fetch if d.next_key else None)
        self._update_note()
        self._set_enabled(True)
        if d.avoidance:                       # 回避 in 提醒 mode: opened, but the user is told
            self.note.setText(d.avoidance)
            dialogs.show_info(self, d.avoidance)

    def _fetch(self) -> None:
        """The next page, asked for by the table scrolled to its end."""
        gen, pid, key = self.generation, self.dossier.person.id, self.next_key
        self.ctx.jobs.run(lambda s, job: queries.dossier_more(s, pid, key),
                          on_done=lambda page: self._more(gen, page),
                          key=("dossier-more", id(self)), parent=self)

    def _more(self, gen: int, page) -> None:
        if gen != self.generation:            # another person was opened meanwhile
            return
        entries, self.next_key = page
        self.model.append_rows(_rows(entries), self._fetch if self.next_key else None)
        if not (self.dossier and self.dossier.avoidance):
            self._update_note()

    def _update_note(self) -> None:
        d = self.dossier
        parts = "、".join(f"{FAMILIES[name].label} {n}" for name, n in d.counts.items())
        shown = self.model.rowCount()
        more = f"，已显示 {shown} 条（向下滚动加载更多）" if shown < d.total else ""
        self.note.setText(f"共 {d.total} 条{('（' + parts + '）') if parts else ''}{more}，按日期排列。"
                          "双击打开记录。本次查阅已记入审计日志。")

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

    def _head(self) -> tuple:
        """What the printout says besides the records: office, printed by, when."""
        return self.ctx.office_name, self.ctx.user, (self.ctx.clock or datetime.now)()

    def export_pdf(self) -> None:
        if self.dossier is None:
            return
        d = self.dossier
        path = dialogs.save_file_name(self, "导出廉政档案", f"廉政档案-{d.person['name']}.pdf",
                                      "PDF 文件 (*.pdf)")
        if path is None:
            return
        head = self._head()
        self.ctx.jobs.run(lambda s, job: _export_pdf(s, job, d, head, path),
                          on_done=lambda out: dialogs.show_info(self, f"已导出到\n{out}"),
                          title="正在生成 PDF…", parent=self)

    def print_dossier(self) -> None:
        if self.dossier is None:
            return
        d = self.dossier
        printer = dialogs.ask_html_printer(self, f"廉政档案-{d.person['name']}")
        if printer is None:
            return
        head = self._head()

        def work(s, job):
            dialogs.print_html(dossier_doc.dossier_html(d, queries.dossier_entries(s, d), *head),
                               printer)
            outputs.record_output(s, "打印", "廉政档案", family="person", record_id=d.person.id,
                                  detail={"name": d.person["name"]})
        self.ctx.jobs.run(work, title="正在打印廉政档案…", parent=self)
