"""The audit viewer page: search, before/after, verify the chain, export."""
from __future__ import annotations

import sqlite3

from openpyxl import load_workbook

from desktop_app.services import records
from ui.security.audit_page import AuditModel, AuditPage
from secui import audit_tail, shoot


def _a_change(identity):
    s = identity("录入员乙").open_session()
    try:
        pid = s.conn.execute("SELECT id FROM person LIMIT 1").fetchone()[0]
        records.update(s, "person", pid, {"position": "审计页测试职务"})
    finally:
        s.close()
    return pid


def _page(identity, qtbot, who="审计员丁"):
    page = AuditPage(identity(who), synchronous=True)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    return page


def test_page_lists_filters_and_shows_before_after(app, office, identity, qtbot):
    pid = _a_change(identity)
    page = _page(identity, qtbot)
    assert page.model.rowCount() > 0 and "条符合条件" in page.status.text()
    assert audit_tail(office, 1) == [("审计员丁", "查看审计日志")]
    page.user.setCurrentText("录入员乙")
    page.action.setCurrentText("修改")
    page.search()
    assert {e.actor for e in page.model.entries} == {"录入员乙"}
    entry = page.model.entries[0]
    assert entry.record_id == pid
    shown = page.model.index(0, 5).data()            # 记录编号: the name the log gives, not an id
    assert shown == entry.record_label and shown and shown != pid[:8]
    page.show_entry(0)
    cells = [page.changes.item(0, j).text() for j in range(3)]
    assert cells[0] == "现职务" and cells[2] == "审计页测试职务"
    shoot(page, "audit-page")
    page.since.setText("三月一日")
    page.search()
    assert "起始日期" in page.error.text()


def test_paging_loads_more(app, office, identity, qtbot):
    page = _page(identity, qtbot)
    first = page.model.rowCount()
    assert first == 200 and page.more
    page.load_more()
    assert page.model.rowCount() > first
    assert page.model.entries[first].seq < page.model.entries[first - 1].seq


def test_verify_names_the_broken_entry(app, office, identity, qtbot, answers):
    page = _page(identity, qtbot)
    page.verify()
    assert answers.infos and "完好" in answers.infos[-1]
    conn = sqlite3.connect(office / "taizhang.db")
    conn.execute("UPDATE audit_log SET detail = '{}' WHERE seq = 10")
    conn.commit()
    conn.close()
    page.verify()
    assert answers.errors and "第 10 条" in answers.errors[-1]


def test_export_writes_the_filtered_entries(app, office, identity, qtbot, answers, tmp_path):
    _a_change(identity)
    page = _page(identity, qtbot)
    page.user.setCurrentText("录入员乙")
    page.search()
    answers.save_file = tmp_path / "审计.xlsx"
    page.export()
    rows = list(load_workbook(answers.save_file).active.iter_rows(values_only=True))
    assert {r[2] for r in rows[2:]} == {"录入员乙"} and len(rows) > 2
    assert audit_tail(office, 1) == [("审计员丁", "导出审计日志")]


def test_a_clerk_cannot_read_the_log(app, office, identity, qtbot):
    page = _page(identity, qtbot, "录入员乙")
    assert page.model.rowCount() == 0 and "无权" in page.error.text()


def test_audit_model_passes_the_model_tester(app, office, identity, qtbot, qtmodeltester):
    page = _page(identity, qtbot)
    assert isinstance(page.model, AuditModel)
    qtmodeltester.check(page.model)
