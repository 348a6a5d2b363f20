"""Report output (.xlsx) and office variants of a report kept as data."""
from __future__ import annotations

import json
from datetime import datetime

import openpyxl
import pytest

from desktop_app.errors import UserFacingError
from desktop_app.reports import service
from desktop_app.reports.builtin import TALK
from desktop_app.reports.engine import TOTAL
from desktop_app.store.dump import dump_digest


@pytest.fixture(scope="module")
def demo(demo_master, tmp_path_factory):
    import shutil
    from desktop_app.services.session import open_session
    d = tmp_path_factory.mktemp("outputs") / "data"
    shutil.copytree(demo_master, d)
    s = open_session(d, user="统计员", clock=lambda: datetime(2026, 11, 27, 9, 0))
    yield s
    s.close()


def test_xlsx_looks_like_an_offices_table(demo, tmp_path):
    result = service.run(demo, "talk", "2026Q3")
    path = service.export(demo, result, tmp_path / "谈话.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert ws["A1"].value == "谈话情况统计表"
    assert "2026年第三季度" in ws.cell(row=2, column=6).value
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:J1", "A4:A5", "D4:H4", "I4:J4"} <= merged      # grouped header cells
    assert ws.freeze_panes == "B6"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == "$4:$5"
    labels = [ws.cell(row=r, column=1).value for r in range(6, 6 + len(result.rows) + 1)]
    assert labels[-1] == "合计"
    total_row = 6 + len(result.rows)
    assert ws.cell(row=total_row, column=2).value == result.value(TOTAL, "times")
    assert isinstance(ws.cell(row=total_row, column=2).value, int)        # numbers as numbers
    assert ws.cell(row=6, column=2).border.left.style == "thin"
    # the export is in the audit chain
    last = demo.conn.execute("SELECT action, detail FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert last[0] == "导出" and json.loads(last[1])["report"] == "talk"


def test_ratio_and_list_reports_to_xlsx(demo, tmp_path):
    rect = service.run(demo, "rectification", "2026")
    ws = openpyxl.load_workbook(service.export(demo, rect, tmp_path / "z.xlsx")).active
    rate_col = 1 + [c.key for c in rect.columns].index("rate") + 1
    assert ws.cell(row=5, column=rate_col).number_format == "0.0"
    due = service.run(demo, "due_list", "2026")
    ws = openpyxl.load_workbook(service.export(demo, due, tmp_path / "d.xlsx")).active
    assert ws["A4"].value == "序号" and ws.cell(row=5, column=1).value == 1
    assert ws.max_row >= 5 + len(due.items)


def test_export_refuses_other_formats_and_changes_nothing(demo, tmp_path):
    result = service.run(demo, "talk", "2026Q3")
    before = dump_digest(demo.conn)
    with pytest.raises(UserFacingError, match="只能导出为"):
        service.export(demo, result, tmp_path / "a.docx")
    assert dump_digest(demo.conn) == before


def test_office_variant_replaces_the_builtin_and_is_checked(demo):
    mine = json.loads(json.dumps(TALK))
    mine["title"] = "谈话情况统计表（县纪委格式）"
    mine["columns"] = mine["columns"][:2] + [{"key": "ours", "label": "县委管理干部", "parts": [
        {"family": "talk", "measure": "persons", "where": {"person": {"eq": ["management", "县委管理"]}}}]}]
    rec = service.save_variant(demo, mine, version="2026", note="只列次数、人次和县管干部")
    infos = {i.name: i for i in service.list_reports(demo)}
    assert infos["talk"].title.endswith("县纪委格式）") and not infos["talk"].builtin
    result = service.run(demo, "talk", "2026")
    assert [c.key for c in result.columns] == ["times", "persons", "ours"]
    assert result.value(TOTAL, "ours") <= result.value(TOTAL, "persons")
    assert rec.status == "启用"
    # a definition naming an unknown field, raw SQL or a bad measure is refused, nothing stored
    before = dump_digest(demo.conn)
    for bad in ({**mine, "rows": "field:talk_type; DROP TABLE talk"},
                {**mine, "where": {"eq": ["1=1 OR talk_type", "x"]}},
                {**mine, "columns": [{"key": "a", "label": "a", "parts": [{"family": "talk", "measure": "sum:reason"}]}]},
                {**mine, "family": "sqlite_master"}, "{not json", {**mine, "columns": []}):
        with pytest.raises(UserFacingError, match="报表定义有误"):
            service.save_variant(demo, bad)
    assert dump_digest(demo.conn) == before


def _pdf_text(path) -> str:
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_pdf_is_a_formal_table_with_the_figures(demo, tmp_path):
    result = service.run(demo, "rectification", "2026Q3")
    path = service.export(demo, result, tmp_path / "整改.pdf")
    text = _pdf_text(path).replace(" ", "")
    assert "整改情况统计表" in text and "2026年第三季度" in text
    assert "合计" in text and "— 1 —".replace(" ", "") in text
    from desktop_app.reports.pdf_out import _num
    totals = "".join(_num(result.value(TOTAL, c.key), bool(c.ratio)) for c in result.columns)
    assert totals in text.replace("\n", "")          # the 合计 row's figures, in order


def test_due_list_and_annual_bulletin_pdf(demo, tmp_path):
    from desktop_app.reports.pdf_out import write_bulletin
    due = service.run(demo, "due_list", "2026")
    text = _pdf_text(service.export(demo, due, tmp_path / "预警.pdf")).replace(" ", "")
    assert "预警清单" in text and "已逾期" in text
    path = write_bulletin(demo, 2026, tmp_path / "通报.pdf")
    text = _pdf_text(path).replace(" ", "").replace("\n", "")
    talk = service.run(demo, "talk", "2026")
    assert "关于2026年度日常监督工作情况的通报" in text
    assert f"全年开展各类谈话{int(talk.value(TOTAL, 'times'))}次" in text


def test_rectification_table_has_its_overdue_list(demo, tmp_path):
    result = service.run(demo, "rectification", "2026")
    assert result.value(TOTAL, "overdue") > 0
    assert len(result.detail) == result.value(TOTAL, "overdue")
    drill = result.drills(TOTAL, "overdue")[0]
    from desktop_app.services import queries
    from desktop_app.services.queries import ListFilter
    ids = set()
    key = None
    while True:
        recs, key = queries.list_records(demo, "rect_item", ListFilter(drill=drill), after=key)
        ids |= {r.id for r in recs}
        if key is None:
            break
    assert {d["id"] for d in result.detail} == ids
    assert all(d["overdue_days"] > 0 and d["unit"] for d in result.detail)
    wb = openpyxl.load_workbook(service.export(demo, result, tmp_path / "整改.xlsx"))
    ws = wb["逾期明细"]
    assert ws["A2"].value == "序号" and ws.cell(row=2 + len(result.detail), column=1).value == len(result.detail)


def test_rectification_pdf_appends_its_overdue_list(demo, tmp_path):
    """The PDF carries the 逾期明细清单 after the table, as the .xlsx does on a sheet."""
    import pdfplumber
    result = service.run(demo, "rectification", "2026")
    path = service.export(demo, result, tmp_path / "整改.pdf")
    with pdfplumber.open(path) as pdf:
        pages = [(p.extract_text() or "").replace(" ", "") for p in pdf.pages]
    first_list = next(i for i, t in enumerate(pages) if "整改情况统计表·逾期明细清单" in t)
    assert first_list >= 1 and "合计" in "".join(pages[:first_list])     # the list starts on a page of its own
    assert f"—{first_list + 1}—" in pages[first_list]                     # page numbers run on
    listed = "".join(pages[first_list:]).replace("\n", "")
    for item in result.detail[:5] + result.detail[-2:]:
        assert item["due_date"] in listed and str(item["problem"])[:4] in listed   # a first line holds 4
    # a report without an appended list keeps one part
    talk = service.run(demo, "talk", "2026")
    with pdfplumber.open(service.export(demo, talk, tmp_path / "谈话.pdf")) as pdf:
        assert "逾期明细清单" not in "".join((p.extract_text() or "") for p in pdf.pages).replace(" ", "")


def test_an_empty_overdue_list_says_so(demo, tmp_path):
    import pdfplumber
    result = service.run(demo, "rectification", "2020")
    assert result.detail == []
    with pdfplumber.open(service.export(demo, result, tmp_path / "整改2020.pdf")) as pdf:
        text = "".join((p.extract_text() or "") for p in pdf.pages).replace(" ", "")
    assert "逾期明细清单" in text and "无逾期未完成的整改问题" in text


def test_a_wide_table_lies_across_and_its_list_stands(demo, tmp_path):
    """横排表格: more figure columns than stand upright go on A4 across; the appended
    list stays upright; page numbers run on across both."""
    import pdfplumber
    from desktop_app.reports.pdf_out import STANDING_COLUMNS
    letters = service.run(demo, "letter", "2026")
    assert len(letters.columns) > STANDING_COLUMNS
    with pdfplumber.open(service.export(demo, letters, tmp_path / "函件.pdf")) as pdf:
        assert all(p.width > p.height for p in pdf.pages)
        assert "—1—" in (pdf.pages[0].extract_text() or "").replace(" ", "")
    rect = service.run(demo, "rectification", "2026")
    assert len(rect.columns) <= STANDING_COLUMNS
    with pdfplumber.open(service.export(demo, rect, tmp_path / "整改.pdf")) as pdf:
        assert all(p.height > p.width for p in pdf.pages)
