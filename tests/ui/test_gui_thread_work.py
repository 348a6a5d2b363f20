"""Work kept off the GUI thread (issue 14, benchmarks/bench_stalls.py): the 导入 Excel
台账 page opens without loading openpyxl and still writes its blank template; a
report's chart figures and its 逾期明细清单 rows are made in the job and are the
same as counted from the result; tables fit columns from a bounded number of rows."""
from __future__ import annotations

import subprocess
import sys
from collections import Counter

import openpyxl


def test_import_page_module_does_not_load_openpyxl():
    code = ("import sys, ui.reports.import_page, desktop_app.reports.importer as i;"
            "from desktop_app.domain.registry import FAMILIES;"
            "assert [n for n in FAMILIES if i.importable(FAMILIES[n])];"
            "print('openpyxl' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_import_page_still_saves_the_blank_template(window, qtbot, answers, tmp_path):
    from ui.pages.navigation import EXCEL_IMPORT
    page = window.show_page(EXCEL_IMPORT)
    page.family.setCurrentIndex(page.family.findData("talk"))
    answers.save_file = tmp_path / "谈话导入模板"
    button = next(b for b in page.findChildren(type(page.check_button)) if b.text() == "空白模板…")
    button.click()
    qtbot.waitUntil(lambda: bool(answers.infos))
    wb = openpyxl.load_workbook(tmp_path / "谈话导入模板.xlsx")
    headers = [c.value for c in wb.worksheets[0][1]]
    assert any("谈话" in str(h) for h in headers)


def _run(window, qtbot, name: str):
    from ui.pages.navigation import REPORTS
    page = window.show_page(REPORTS)
    qtbot.waitUntil(lambda: page.reports.count() == 8)
    page.kind.setCurrentIndex(page.kind.findData("year"))
    page.select(name)
    qtbot.waitUntil(lambda: page.result is not None and page.result.defn.name == name
                    and not page.ctx.jobs.busy)
    return page


def test_due_list_chart_counts_every_item_by_kind_and_level(window, qtbot):
    page = _run(window, qtbot, "due_list")
    items, series = page.result.items, page.chart.series
    assert items, "the demo has open deadlines"
    counted = Counter((i["family_label"], i["level"]) for i in items)
    assert series.labels == sorted({i["family_label"] for i in items})
    levels = {"已逾期": "red", "临期": "yellow", "今日到期": "orange"}
    for label, values in series.values.items():
        assert values == [float(counted[k, levels[label]]) for k in series.labels]
    assert sum(sum(v) for v in series.values.values()) == len(items)


def test_rectification_detail_rows_are_numbered_in_order(window, qtbot):
    from desktop_app.reports.rect_detail import DETAIL_COLUMNS
    page = _run(window, qtbot, "rectification")
    detail = page.result.detail
    model = page.detail_model
    assert model.rowCount() == len(detail)
    for n, item in enumerate(detail[:20], 1):
        row = model.rows[n - 1]
        assert row.cells == (str(n), *(str(item.get(k, "")) for k, _ in DETAIL_COLUMNS))
        assert row.payload == (item["family"], item["id"])


def test_tables_fit_columns_from_a_bounded_number_of_rows(window):
    from ui.widgets.table import FIT_ROWS, make_table
    assert make_table().horizontalHeader().resizeContentsPrecision() == FIT_ROWS <= 200
