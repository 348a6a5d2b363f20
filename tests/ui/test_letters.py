"""生成文书 from a record: wording from the record, live preview, 发文 (number,
发文登记 record, kept PDF), printing at 300–600 dpi, PDF saved and opened."""
from __future__ import annotations

import pytest
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument

from desktop_app.services import queries, records
from ui import dialogs, pdf_pages
from ui.forms.actions import open_letters
from ui.forms.record_dialog import RecordDialog


@pytest.fixture(autouse=True)
def _close_editors(qapp):
    """Editors (and their PDF views) end with their test."""
    yield
    from PySide6.QtWidgets import QApplication
    from ui.letter_editor import LetterEditor
    for w in QApplication.topLevelWidgets():
        if isinstance(w, LetterEditor):
            w.close()
    qapp.processEvents()


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


def _rows(ctx, sql, *args):
    s = ctx.open_session()
    try:
        return [dict(r) for r in s.conn.execute(sql, args)]
    finally:
        s.close()


def _complete(ed) -> None:
    """Fill whatever the record could not give (the preview names it)."""
    for key, editor in ed.fields.editors.items():
        if hasattr(editor, "text") and not editor.text():
            editor.setText("（已填写）")
        elif hasattr(editor, "toPlainText") and not editor.toPlainText():
            editor.setPlainText("一、已填写。")
    ed.refresh()


def test_talk_to_yuetan_notice_and_issue(ctx, qtbot, answers):
    talk = _first(ctx, "talk", type_value="约谈")
    ed = _editor(ctx, qtbot, "talk", talk.id)
    assert ed.doc_type == "约谈通知书" and ed.type_box.count() >= 2
    assert ed.fields.editors["matter"].text() == talk.get("reason").rstrip("。")
    assert ed.pdf.startswith(b"%PDF") and pdf_pages.load_pdf(ed.pdf)[0].pageCount() >= 1
    assert ed.view.document().status() == QPdfDocument.Status.Ready
    assert talk.get("reason").rstrip("。") in ed.body.toPlainText()
    _complete(ed)
    assert not ed.missing and "内容已齐全" in ed.status.text()
    assert _rows(ctx, "SELECT * FROM document") == []          # a preview numbers nothing
    ed.issue()
    assert ed.number == "临纪约〔2026〕1号" and not ed.issue_button.isEnabled()
    assert "已发文" in ed.number_label.text()
    second = _editor(ctx, qtbot, "talk", talk.id)
    _complete(second)
    second.issue()
    assert second.number == "临纪约〔2026〕2号"
    docs = _rows(ctx, "SELECT doc_no, source_id FROM document ORDER BY seq")
    assert docs == [{"doc_no": "临纪约〔2026〕1号", "source_id": talk.id},
                    {"doc_no": "临纪约〔2026〕2号", "source_id": talk.id}]


def test_missing_wording_blocks_issue(ctx, qtbot, answers):
    person = _first(ctx, "person")
    s = ctx.open_session()
    talk = records.create(s, "talk", {"talk_type": "约谈", "reason": "公务接待超标准",
                                      "person_ids": [person.id], "talkers": "王主任",
                                      "talk_date": "2026-03-12"}).record       # no 地点
    s.close()
    ed = _editor(ctx, qtbot, "talk", talk.id)
    assert "约谈地点" in ed.status.text() and "【约谈地点】" in ed.body.toPlainText()
    ed.issue()
    assert ed.issued is None and "约谈地点" in answers.errors[-1]
    assert _rows(ctx, "SELECT * FROM document") == []
    ed.fields.editors["place"].setText("县纪委监委第二谈话室")
    ed.refresh()
    assert "约谈地点" not in ed.status.text()


def test_letter_gets_its_number_and_rectification_its_task_table(ctx, qtbot, answers):
    s = ctx.open_session()
    letter = records.create(s, "letter", {"letter_type": "提醒函", "title": "节日提醒",
                                          "written_date": "2026-03-09", "recipient_text": "中共某镇委员会",
                                          "summary": "个别干部存在公车私用苗头", "reply_due": "2026-03-20"}).record
    s.close()
    ed = _editor(ctx, qtbot, "letter", letter.id)
    assert ed.doc_type == "提醒函" and "中共某镇委员会" in ed.fields.editors["target"].text()
    _complete(ed)
    ed.issue()
    s = ctx.open_session()
    assert records.get(s, "letter", letter.id).get("doc_no") == ed.number
    s.close()
    assert ed.number.startswith("临纪函〔2026〕")
    rect = _first(ctx, "rectification")
    ed = _editor(ctx, qtbot, "rectification", rect.id)
    assert ed.doc_type == "限期整改通知书"
    s = ctx.open_session()
    n = queries.count_records(s, "rect_item", queries.ListFilter(parent_id=rect.id))
    s.close()
    assert len(ed.fields.values()["tasks"]) == n


def test_print_save_and_open(ctx, qtbot, tmp_path, answers, monkeypatch):
    from PySide6.QtPrintSupport import QPrinter
    talk = _first(ctx, "talk", type_value="约谈")
    ed = _editor(ctx, qtbot, "talk", talk.id)
    _complete(ed)
    ed.issue()
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
    answers.save_file = tmp_path / "约谈通知书.pdf"
    ed.save_pdf()
    assert answers.save_file.read_bytes() == ed.pdf
    ed.open_external()
    assert answers.opened[-1].name == f"约谈通知书-{ed.number}.pdf" and answers.opened[-1].exists()
    assert len(_rows(ctx, "SELECT * FROM audit_log WHERE action = '打印'")) == 1
    assert len(_rows(ctx, "SELECT * FROM audit_log WHERE action = '导出'")) == 2


def test_draft_needs_confirmation(ctx, qtbot, answers, tmp_path):
    talk = _first(ctx, "talk", type_value="约谈")
    ed = _editor(ctx, qtbot, "talk", talk.id)
    _complete(ed)
    answers.yes = False
    answers.save_file = tmp_path / "草稿.pdf"
    ed.save_pdf()
    assert "草稿" in answers.questions[-1] and not answers.save_file.exists()


def test_rasterise_at_print_resolution():
    from desktop_app.letters import render_bytes
    from desktop_app.letters.samples import sample_spec
    images = pdf_pages.rasterise(render_bytes(sample_spec("提醒函")), 300)
    assert images and isinstance(images[0], QImage)
    assert (images[0].width(), images[0].height()) == (2480, 3508)      # A4 at 300 dpi


def test_issued_pdf_opens_from_the_register(ctx, qtbot, answers):
    talk = _first(ctx, "talk", type_value="约谈")
    ed = _editor(ctx, qtbot, "talk", talk.id)
    _complete(ed)
    ed.issue()
    d = RecordDialog(ctx, "document", ed.issued.id)
    qtbot.addWidget(d)
    button = next(b for b in d.findChildren(type(d.save_button)) if b.text() == "打开文书 PDF")
    button.click()
    assert answers.opened[-1].read_bytes() == ed.pdf
    assert answers.opened[-1].name == f"约谈通知书-{ed.number}.pdf"


def test_edited_body_is_what_gets_issued(ctx, qtbot, answers):
    talk = _first(ctx, "talk", type_value="约谈")
    ed = _editor(ctx, qtbot, "talk", talk.id)
    _complete(ed)
    ed.body.setPlainText("经研究，决定对你进行约谈。\n请准时参加。")     # the clerk rewrites it
    assert ed.body_edited and ed.reset_body_button.isEnabled()
    ed.refresh()
    assert ed.body.toPlainText() == "经研究，决定对你进行约谈。\n请准时参加。"
    ed.issue()
    pdf = pdf_pages.load_pdf(ed.pdf)[0]
    text = "".join(pdf.getAllText(i).text() for i in range(pdf.pageCount())).replace("\n", "")
    assert "决定对你进行约谈" in text.replace(" ", "")
    assert ed.body.isReadOnly()


def test_reset_body_goes_back_to_the_template(ctx, qtbot, answers):
    talk = _first(ctx, "talk", type_value="约谈")
    ed = _editor(ctx, qtbot, "talk", talk.id)
    original = ed.body.toPlainText()
    ed.body.setPlainText("改过的正文")
    ed.reset_body()
    assert not ed.body_edited and ed.body.toPlainText() == original
