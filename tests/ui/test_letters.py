"""生成文书 from a record: fields from the record, live preview, 发文 numbers,
printing at 300–600 dpi, PDF saved and opened; all audited."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument

from desktop_app.services import queries, records
from ui import dialogs, pdf_pages
from ui.forms.actions import open_letters
from ui.forms.record_dialog import RecordDialog


def _first(ctx, family, **flt):
    s = ctx.open_session()
    try:
        return queries.list_records(s, family, queries.ListFilter(**flt))[0][0]
    finally:
        s.close()


def _editor(ctx, qtbot, family, record_id):
    d = RecordDialog(ctx, family, record_id)
    qtbot.addWidget(d)
    assert any(b.text() == "生成文书…" for b in d.findChildren(type(d.save_button)))
    return open_letters(d)


def _audit(ctx, action):
    s = ctx.open_session()
    try:
        return [dict(r) for r in s.conn.execute("SELECT * FROM audit_log WHERE action = ?", (action,))]
    finally:
        s.close()


def test_talk_to_yuetan_notice_with_number(ctx, qtbot, answers):
    talk = _first(ctx, "talk", type_value="约谈")
    ed = _editor(ctx, qtbot, "talk", talk.id)
    assert ed.doc_type == "约谈通知书"
    assert ed.fields.editors["matter"].text() == talk.get("reason")
    assert ed.pdf is not None and pdf_pages.load_pdf(ed.pdf)[0].pageCount() >= 1
    assert ed.view.document().status() == QPdfDocument.Status.Ready
    assert "还缺少" in ed.status.text()                  # 联系人、电话 are not in the record
    ed.fields.editors["contact"].setText("赵干事")
    ed.fields.editors["phone"].setText("0000-1234567")
    ed.fields.editors["materials"].setText("个人对照检查材料")
    ed.refresh()
    assert "最终版式" in ed.status.text()
    ed.issue()
    assert ed.number == "纪约〔2026〕1号" and not ed.issue_button.isEnabled()
    second = _editor(ctx, qtbot, "talk", talk.id)
    for key, value in (("contact", "赵"), ("phone", "1"), ("materials", "材料")):
        second.fields.editors[key].setText(value)
    second.issue()
    assert second.number == "纪约〔2026〕2号"
    assert [a["record_id"] for a in _audit(ctx, "发文")] == [talk.id, talk.id]


def test_body_can_be_edited_and_regenerated(ctx, qtbot):
    talk = _first(ctx, "talk")
    ed = _editor(ctx, qtbot, "talk", talk.id)
    ed.body.setPlainText("第一段。\n\n第二段。")
    assert ed.body_lines() == ["第一段。", "第二段。"] and ed.regenerate.isEnabled()
    ed.refresh()
    assert ed.body.toPlainText() == "第一段。\n\n第二段。"
    ed.regenerate.click()
    assert not ed.body_edited and ed.body.toPlainText() != "第一段。\n\n第二段。"


def test_letter_gets_its_doc_no_and_rectification_its_task_table(ctx, qtbot, answers):
    s = ctx.open_session()
    letter = records.create(s, "letter", {"letter_type": "提醒函", "title": "节日提醒",
                                          "written_date": "2026-03-09", "recipient_text": "中共某镇委员会",
                                          "summary": "个别干部存在公车私用苗头", "reply_due": "2026-03-20"}).record
    s.close()
    ed = _editor(ctx, qtbot, "letter", letter.id)
    assert ed.doc_type == "提醒函" and ed.fields.editors["target"].text() == "中共某镇委员会"
    ed.fields.editors["items"].setPlainText("一、严格执行中央八项规定精神。")
    ed.issue()
    s = ctx.open_session()
    assert records.get(s, "letter", letter.id).get("doc_no") == ed.number == "纪函〔2026〕1号"
    s.close()
    rect = _first(ctx, "rectification")
    ed = _editor(ctx, qtbot, "rectification", rect.id)
    assert ed.doc_type == "限期整改通知书"
    rows = ed.fields.values()["tasks"]
    s = ctx.open_session()
    n = queries.count_records(s, "rect_item", queries.ListFilter(parent_id=rect.id))
    s.close()
    assert len(rows) == n


def test_print_save_and_open(ctx, qtbot, tmp_path, answers, monkeypatch):
    from PySide6.QtPrintSupport import QPrinter
    talk = _first(ctx, "talk")
    ed = _editor(ctx, qtbot, "talk", talk.id)
    ed.type_box.setCurrentText("谈话记录")                 # no number, nothing required
    printers = []

    def fake_printer(parent, title):
        p = QPrinter(QPrinter.PrinterMode.HighResolution)
        p.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        p.setOutputFileName(str(tmp_path / "printed.pdf"))
        p.setResolution(1200)
        printers.append(p)
        return p
    monkeypatch.setattr(dialogs, "ask_printer", fake_printer)
    ed.print_letter()
    assert printers[0].resolution() == 600                # clamped to 300–600 dpi
    assert (tmp_path / "printed.pdf").stat().st_size > 1000
    answers.save_file = tmp_path / "谈话记录.pdf"
    ed.save_pdf()
    assert answers.save_file.read_bytes().startswith(b"%PDF")
    ed.open_external()
    assert answers.opened[-1].name == "谈话记录-未编号.pdf" and answers.opened[-1].exists()
    assert len(_audit(ctx, "打印")) == 1 and len(_audit(ctx, "导出")) == 2


def test_rasterise_at_print_resolution():
    from desktop_app.letters import render_bytes
    from desktop_app.letters.samples import sample_spec
    images = pdf_pages.rasterise(render_bytes(sample_spec("提醒函")), 300)
    assert images and isinstance(images[0], QImage)
    assert (images[0].width(), images[0].height()) == (2480, 3508)      # A4 at 300 dpi
