"""统计报表 in the window: a report with its chart, a figure double-clicked opens
the list of its records (same count), exports, print with the chart, an office
variant saved from the dialog; 导入 Excel 台账 checked then imported; the
dashboard's charts load off the GUI thread."""
from __future__ import annotations

import os
from pathlib import Path

import openpyxl

from desktop_app.reports import samples
from desktop_app.reports.engine import TOTAL
from uihelp import double_click_row

SHOTS = Path(os.environ.get("TAIZHANG_SCREENSHOTS", "")) if os.environ.get("TAIZHANG_SCREENSHOTS") else None


def _report_page(window, qtbot, name="talk"):
    from ui.pages.navigation import REPORTS
    page = window.show_page(REPORTS)
    qtbot.waitUntil(lambda: page.reports.count() == 8)
    page.select(name)
    page.kind.setCurrentIndex(page.kind.findData("year"))
    page.run_report()
    qtbot.waitUntil(lambda: page.result is not None and page.result.defn.name == name)
    return page


def test_report_table_chart_and_drill_down(window, qtbot, answers):
    page = _report_page(window, qtbot)
    result = page.result
    assert page.model.rowCount() == len(result.rows) + 1
    assert page.chart.series is not None and page.chart.series.labels
    total_row = page.model.rowCount() - 1
    assert page.model.index(total_row, 0).data() == "合计"
    double_click_row(qtbot, page.table, total_row, 1)              # 合计 · 次数
    lst = window.stack.currentWidget()
    assert getattr(lst, "fam", None) is not None and lst.fam.name == "talk"
    qtbot.waitUntil(lambda: lst.model.total is not None)
    assert lst.model.total == result.value(TOTAL, "times")
    assert lst.drill_bar.isVisible() and "合计" in lst.drill_label.text()
    lst.clear_drill()
    qtbot.waitUntil(lambda: lst.model.total is not None and lst.model.total >= result.value(TOTAL, "times"))
    assert not lst.drill_bar.isVisible()


def test_report_exports_print_and_chart_png(window, qtbot, answers, tmp_path):
    page = _report_page(window, qtbot, "rectification")
    answers.save_file = tmp_path / "整改.xlsx"
    page.buttons["xlsx"].click()
    ws = openpyxl.load_workbook(tmp_path / "整改.xlsx").active
    assert ws["A1"].value == "整改情况统计表"
    answers.save_file = tmp_path / "图表.png"
    page.buttons["png"].click()
    assert (tmp_path / "图表.png").stat().st_size > 2000
    page.buttons["print"].click()
    printed = Path(answers.printers[-1].outputFileName())
    assert printed.exists() and printed.stat().st_size > 2000
    if SHOTS:
        window.resize(1400, 900)
        page = _report_page(window, qtbot, "talk")
        page.kind.setCurrentIndex(page.kind.findData("year"))
        page.run_report()
        qtbot.waitUntil(lambda: page.result is not None)
        SHOTS.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(SHOTS / "report-talk-with-chart.png"))


def test_rectification_report_shows_its_overdue_list(window, qtbot, answers):
    """The 逾期明细清单 is on the page too, not only in the .xlsx; double-click opens the problem."""
    from uihelp import open_dialogs
    page = _report_page(window, qtbot, "rectification")
    detail = page.result.detail
    assert detail and page.detail_box.isVisible()
    assert page.detail_model.rowCount() == len(detail)
    assert f"逾期明细清单：{len(detail)} 项" in page.detail_label.text()
    assert page.detail_model.index(0, 2).data() == detail[0]["problem"]
    double_click_row(qtbot, page.detail_table, 0, 2)
    qtbot.waitUntil(lambda: len(open_dialogs()) == 1)
    dialog = open_dialogs()[0]
    assert dialog.fam.name == "rect_item" and dialog.record_id == detail[0]["id"]
    dialog.close()
    page = _report_page(window, qtbot, "talk")                  # a table without a list hides it
    assert not page.detail_box.isVisible()


def test_variant_dialog_keeps_an_offices_table(window, qtbot, answers):
    from ui.reports.variant_dialog import VariantDialog
    page = _report_page(window, qtbot, "talk")
    page.buttons["variant"].click()
    dlg = page.findChild(VariantDialog)
    dlg.name.setText("talk_town")
    dlg.title.setText("乡镇谈话情况表")
    for i in range(2, dlg.columns.count()):
        dlg.columns.item(i).setCheckState(dlg.columns.item(i).checkState().Unchecked)
    dlg.columns.item(0).setText("谈话次数")
    dlg.save()
    qtbot.waitUntil(lambda: page.reports.count() == 9)
    page.select("talk_town")
    qtbot.waitUntil(lambda: page.result is not None and page.result.defn.name == "talk_town")
    assert [c.label for c in page.result.columns] == ["谈话次数", "人次"]
    assert any("已保存本机关表式" in m for m in answers.infos)


def test_import_page_checks_then_imports(window, qtbot, answers, tmp_path):
    from ui.pages.navigation import EXCEL_IMPORT
    page = window.show_page(EXCEL_IMPORT)
    answers.open_file = samples.talk_ledger_xlsx(tmp_path / "谈话台账.xlsx")
    page.choose.click()
    page.check_button.click()
    qtbot.waitUntil(lambda: page.summary is not None)
    assert not page.summary.ok and not page.import_button.isEnabled()
    assert page.preview.rowCount() == 7 and "库中没有人员" in page.preview.item(0, 2).text()
    assert page.mapping.cellWidget(1, 1).currentData() == "person_ids"
    page.create_missing.setChecked(True)
    page.check_button.click()
    qtbot.waitUntil(lambda: page.summary.ok)
    assert page.import_button.isEnabled()
    before = _talks(page.ctx)
    page.import_button.click()
    qtbot.waitUntil(lambda: page.summary.applied)
    assert _talks(page.ctx) == before + 7


def _talks(ctx) -> int:
    s = ctx.open_session()
    try:
        return s.conn.execute("SELECT count(*) FROM talk").fetchone()[0]
    finally:
        s.close()


def test_dashboard_charts_load_after_the_dashboard(window, qtbot):
    from ui.pages.navigation import DASHBOARD
    dash = window.show_page(DASHBOARD)
    qtbot.waitUntil(lambda: dash.charts.data is not None)
    data = dash.charts.data
    assert len(data.by_month.labels) == 12 and sum(sum(v) for v in data.by_month.values.values()) > 0
    assert dash.charts.by_month.series is data.by_month
    if SHOTS:
        window.resize(1400, 900)
        SHOTS.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(SHOTS / "dashboard-with-charts.png"))


def test_import_page_offers_the_closest_names(window, qtbot, answers, tmp_path):
    from ui.pages.navigation import EXCEL_IMPORT
    s = window.ctx.open_session()
    try:
        name, unit = s.conn.execute(
            "SELECT p.name, u.name FROM person p JOIN unit u ON u.id = p.unit_id WHERE length(p.name) = 3"
            " AND p.name IN (SELECT name FROM person GROUP BY name HAVING count(*) = 1) LIMIT 1").fetchone()
    finally:
        s.close()
    typo = name[:2] + ("甲" if name[2] != "甲" else "乙")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["谈话类型", "谈话事由", "谈话对象", "谈话人", "谈话日期"])
    ws.append(["谈话提醒", "节前提醒", typo, "张三、李四", "2026.1.5"])
    answers.open_file = tmp_path / "错字.xlsx"
    wb.save(answers.open_file)
    page = window.show_page(EXCEL_IMPORT)
    page.choose.click()
    page.check_button.click()
    qtbot.waitUntil(lambda: page.summary is not None and not page.summary.ok)
    answers.choice = 0
    double_click_row(qtbot, page.preview, 0, 2)
    qtbot.waitUntil(lambda: page.summary.ok)
    assert page.replacements == {typo: f"{name}（{unit}）"} and f"{name}（{unit}）" in answers.choices[-1]
    assert page.import_button.isEnabled()


def test_import_page_lets_the_clerk_pick_the_sheet(window, qtbot, answers, tmp_path):
    from PySide6.QtCore import Qt
    from ui.pages.navigation import EXCEL_IMPORT
    wb = openpyxl.Workbook()
    for title, name in (("2024年", "2024年警示教育大会"), ("2025年", "2025年警示教育大会")):
        ws = wb.active if title == "2024年" else wb.create_sheet(title)
        ws.title = title
        ws.append(["活动名称", "形式", "日期"])
        ws.append([name, "警示教育大会", f"{title[:4]}-06-01"])
    answers.open_file = tmp_path / "两年.xlsx"
    wb.save(answers.open_file)
    page = window.show_page(EXCEL_IMPORT)
    page.family.setCurrentIndex(page.family.findData("warning_session"))
    page.choose.click()
    page.check_button.click()
    qtbot.waitUntil(lambda: page.summary is not None)
    assert page.summary.sheet == "2024年" and not page.sheet.isHidden()
    assert [page.sheet.itemText(i) for i in range(page.sheet.count())] == ["2024年", "2025年"]
    page.sheet.setFocus()
    qtbot.keyClick(page.sheet, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: page.summary is not None and page.summary.sheet == "2025年")
    assert page.summary.ok and page.preview.item(0, 3).text() == "2025年警示教育大会"
