"""What leaves the program: the filtered list to .xlsx, the 廉政档案 to PDF and
the printer; each recorded in the audit chain."""
from __future__ import annotations

import unicodedata
import re
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop_app.domain.registry import FAMILIES
from desktop_app.services import queries

from ui.pages.navigation import DOSSIER

from uihelp import close_window, double_click_row, type_text

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}")


def _audit(ctx, action):
    s = ctx.open_session()
    try:
        return s.conn.execute("SELECT * FROM audit_log WHERE action = ? ORDER BY seq",
                              (action,)).fetchall()
    finally:
        s.close()


def test_export_filtered_list_to_excel(window, ctx, qtbot, tmp_path, answers):
    from openpyxl import load_workbook
    page = window.show_page("talk")
    type_text(qtbot, page.filters.search, "约谈")
    qtbot.waitUntil(lambda: page.model.flt.text == "约谈", timeout=2000)
    total = page.model.total
    answers.save_file = tmp_path / "谈话台账"
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    out = tmp_path / "谈话台账.xlsx"
    assert out.exists() and answers.infos[-1].startswith(f"已导出 {total} 条")
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("台账编号", "谈话类型", "谈话对象")
    assert len(rows) == total + 1
    assert isinstance(rows[1][4], (date,)) or rows[1][4] is None     # 谈话日期 as a real date
    assert "-" not in (rows[1][2] or "")                              # names, not ids
    entry = _audit(ctx, "导出")[-1]
    assert "谈话" in entry["detail"] and str(total) in entry["detail"]


def test_export_all_fields_with_dates_and_numbers(window, ctx, qtbot, tmp_path, answers):
    from openpyxl import load_workbook
    page = window.show_page("rectification")
    answers.save_file = tmp_path / "整改.xlsx"
    answers.choice = 1                                           # 全部字段
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert answers.choices[-1][1].startswith("全部字段")
    rows = list(load_workbook(answers.save_file).active.iter_rows(values_only=True))
    header = rows[0]
    fam_labels = [f.label for f in page.fam.fields]
    assert all(label in header for label in fam_labels) and "录入人" in header
    assert len(rows) == page.model.total + 1
    col = {h: i for i, h in enumerate(header)}
    dated = [r for r in rows[1:] if r[col["到期日"]] is not None]
    assert dated
    for r in dated:
        assert isinstance(r[col["到期日"]], datetime)                 # a real Excel date
        assert isinstance(r[col["剩余工作日"]], int)                  # a number, not "剩29个工作日"
        assert r[col["预警"]] in ("已逾期", "今日到期", "临期") or r[col["预警"]]
    assert isinstance(rows[1][col["下达日期"]], datetime)
    assert isinstance(rows[1][col["建立时间"]], datetime)
    sources = [r[col["来源记录"]] for r in rows[1:] if r[col["来源记录"]]]
    assert all(not UUID.search(s) for s in sources)
    units = [r[col["责任单位"]] for r in rows[1:] if r[col["责任单位"]]]
    assert units and all(not UUID.search(u) for u in units)


def _someone_with_records(ctx):
    s = ctx.open_session()
    try:
        return s.conn.execute(
            "SELECT person_id, count(*) AS n FROM record_link WHERE field != 'self'"
            " GROUP BY person_id ORDER BY n DESC LIMIT 1").fetchone()[0]
    finally:
        s.close()


def test_dossier_in_date_order_pdf_and_print(window, ctx, qtbot, tmp_path, answers):
    import pdfplumber
    person = _someone_with_records(ctx)
    page = window.show_page(DOSSIER)
    page.show_person(person)
    entries = page.dossier.entries
    assert len(entries) >= 2 and page.model.rowCount() == len(entries)
    dates = [e.date for e in entries if e.date]
    assert dates == sorted(dates)
    assert page.picker.line.text() == page.dossier.person["name"]
    assert len(_audit(ctx, "查阅廉政档案")) >= 1
    answers.save_file = tmp_path / "档案.pdf"
    qtbot.mouseClick(page.pdf_button, Qt.MouseButton.LeftButton)
    with pdfplumber.open(answers.save_file) as pdf:
        # NFKC: Qt maps some CJK glyphs to their Kangxi-radical twins in the text layer
        text = unicodedata.normalize("NFKC", "".join(p.extract_text() or "" for p in pdf.pages))
    assert "廉政档案" in text and page.dossier.person["name"] in text
    assert entries[0].family_label in text
    window.print_current()                                    # Ctrl+P on this page
    assert answers.printed == [f"廉政档案-{page.dossier.person['name']}"]
    printed = Path(answers.printers[-1].outputFileName())        # really printed, in the job
    with pdfplumber.open(printed) as pdf:
        assert page.dossier.person["name"] in unicodedata.normalize("NFKC", pdf.pages[0].extract_text())
    assert [e["action"] for e in _audit(ctx, "导出")][-1:] == ["导出"]
    assert len(_audit(ctx, "打印")) == 1


def test_person_dialog_opens_the_dossier(window, ctx, qtbot):
    person = _someone_with_records(ctx)
    dialog = window.open_record("person", person)
    button = next(b for b in dialog.findChildren(type(dialog.save_button)) if b.text() == "廉政档案")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.current_key() == DOSSIER
    assert window.pages[DOSSIER].dossier.person.id == person


def test_dashboard_card_filters_and_opens(window, qtbot):
    from desktop_app.domain.deadlines import Level
    dash = window.pages["dashboard"]
    red = int(dash.cards[Level.RED].number.text())
    qtbot.mouseClick(dash.cards[Level.RED], Qt.MouseButton.LeftButton)
    assert dash.due_model.rowCount() == red > 0
    assert all(r.level is Level.RED for r in dash.due_model.rows)
    double_click_row(qtbot, dash.due_table, 0)
    opened = window.ctx.record_windows.all()
    assert len(opened) == 1 and opened[0].record.id == dash.due_model.rows[0].payload[1]
    close_window(opened[0])


def test_print_the_filtered_list(window, ctx, answers):
    page = window.show_page("letter")
    window.print_current()                                    # Ctrl+P on a list page
    assert answers.printed == ["函件台账"]
    assert Path(answers.printers[-1].outputFileName()).stat().st_size > 1000
    assert len(_audit(ctx, "打印")) == 1 and str(page.model.total) in _audit(ctx, "打印")[0]["detail"]
    from ui.list_print import list_html
    s = ctx.open_session()
    html_text, rows = list_html(s, type("J", (), {"progress": lambda *a: None})(), "letter",
                                page.model.flt, "written_date", True)
    s.close()
    assert rows == page.model.total and "函件台账" in html_text and "发文字号" in html_text


def test_documents_and_attachments_are_not_typed_in(window):
    from uihelp import open_dialogs
    before = len(open_dialogs())
    for family in ("document", "attachment"):
        page = window.show_page(family)
        assert not page.new_button.isEnabled()
        page.new_record()
    assert len(open_dialogs()) == before


def test_dossier_pages_in_as_the_table_scrolls(window, ctx, qtbot, monkeypatch, tmp_path, answers):
    """A 廉政档案 opens with its first page; pressing Ctrl+End in the table brings
    the next pages until every record is there, in date order, with the counts
    per category in the note; the PDF holds every record, not only those shown."""
    import pdfplumber
    from desktop_app.store import dossier as dossier_store
    monkeypatch.setattr(dossier_store, "PAGE", 4)
    person = _someone_with_records(ctx)
    page = window.show_page(DOSSIER)
    page.show_person(person)
    d = page.dossier
    assert d.total > 8 and d.next_key is not None
    s = ctx.open_session()
    try:
        want = [(e.family, e.id) for e in queries.dossier_entries(s, d)]
    finally:
        s.close()
    assert len(want) == d.total
    answers.save_file = tmp_path / "部分.pdf"
    qtbot.mouseClick(page.pdf_button, Qt.MouseButton.LeftButton)
    with pdfplumber.open(answers.save_file) as pdf:
        text = "".join(p.extract_text() or "" for p in pdf.pages)
    assert f"共 {d.total} 条" in text
    table = page.table
    table.setFocus()
    while page.model.rowCount() < d.total:
        before = page.model.rowCount()
        QTest.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: page.model.rowCount() > before or page.model.rowCount() == d.total)
    assert [page.model.payload(i) for i in range(page.model.rowCount())] == want
    assert not page.model.canFetchMore()
    label = FAMILIES[next(iter(d.counts))].label
    assert f"共 {d.total} 条" in page.note.text() and label in page.note.text()
    assert person == d.person.id
