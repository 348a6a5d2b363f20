"""Buttons of the record dialog that belong to one family: 廉政档案 of a
person, 生成整改 from a talk or a letter, 生成文书 where letters exist."""
from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from desktop_app.domain.record import Record
from desktop_app.services import records

LETTER_FAMILIES = ("talk", "letter", "rectification")

# talk_type / letter_type → 来源类型 of the rectification (vocabulary rect_source)
_RECT_SOURCE = {"约谈": "约谈", "纪律检查建议书": "建议书", "监察建议书": "建议书", "监督建议书": "建议书"}


def rectification_prefill(s, rec: Record) -> dict:
    """A new 整改 that follows from a talk or a letter."""
    if rec.family == "talk":
        source = _RECT_SOURCE.get(rec.get("talk_type"), "谈话")
        persons = rec.get("person_ids") or ()
        title = f"{rec.get('reason') or '谈话'}问题整改"
        unit, person = rec.get("unit_id"), persons[0] if persons else None
    else:
        source = _RECT_SOURCE.get(rec.get("letter_type"), "函件")
        title = f"{rec.get('title') or '函件'}整改"
        unit, person = rec.get("recipient_unit_id"), rec.get("recipient_person_id")
    if not unit and person:
        unit = records.get(s, "person", person).get("unit_id")
    values = {"title": title[:200], "source_type": source, "source_id": rec.id,
              "issued_date": s.today().isoformat(), "unit_id": unit, "responsible_id": person}
    return {k: v for k, v in values.items() if v}


def _button(text: str, tip: str, slot) -> QPushButton:
    b = QPushButton(text)
    b.setToolTip(tip)
    b.setAutoDefault(False)
    b.clicked.connect(slot)
    return b


def fill_extra_buttons(dialog) -> None:
    layout = dialog.extra_buttons
    while layout.count():
        w = layout.takeAt(0).widget()
        if w is not None:
            w.deleteLater()
    rec = dialog.record
    if rec is None or rec.voided:
        return
    ctx = dialog.ctx
    if rec.family == "person":
        layout.addWidget(_button("廉政档案", "查看此人的廉政档案（查阅会被记录）",
                                 lambda: ctx.bus.open_dossier.emit(rec.id)))
    if rec.family in ("talk", "letter") and not dialog.read_only:
        layout.addWidget(_button("生成整改…", "新建一条由此而来的整改记录",
                                 lambda: ctx.jobs.run(
                                     lambda s, job: rectification_prefill(s, rec),
                                     on_done=lambda values: dialog.open_child("rectification", None, values),
                                     parent=dialog)))
    blob = {"document": ("pdf_sha256", "打开文书 PDF"), "attachment": ("sha256", "打开文件")}.get(rec.family)
    if blob and rec.get(blob[0]):
        layout.addWidget(_button(blob[1], "用系统中的程序打开", lambda: open_blob(dialog, rec, *blob)))
    if rec.family in LETTER_FAMILIES:
        layout.addWidget(_button("生成文书…", "按 GB/T 9704 生成通知书、函件或建议书：预览、发文编号、打印",
                                 lambda: open_letters(dialog)))


def open_blob(dialog, rec: Record, field: str, _label: str) -> None:
    """A file kept by its checksum (a 发文 PDF, an attachment), copied out under its name."""
    from ui import dialogs
    from ui.forms.attachments_panel import _copy_out
    name = rec.get("filename") or f"{rec.get('doc_type') or '文书'}-{rec.get('doc_no') or rec.id[:8]}.pdf"
    sha = rec.get(field)
    dialog.ctx.jobs.run(lambda s, job: _copy_out(s, sha, name, None), on_done=dialogs.open_path,
                        parent=dialog)


def open_letters(dialog):
    """The letter editor is imported on first use: the PDF engine stays out of start-up."""
    from ui.letter_editor import open_letter_editor
    return open_letter_editor(dialog.ctx, dialog.record, dialog)
