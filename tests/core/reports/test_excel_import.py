"""Importing old ledgers: the sample ledgers (merged headers, totals row, mixed
dates), the round trip, re-import, mapping, and every kind of bad input ending
in one Chinese line and an unchanged database."""
from __future__ import annotations

import json
import shutil
import zipfile
from datetime import datetime

import openpyxl
import pytest

from desktop_app.errors import UserFacingError
from desktop_app.reports import importer, samples
from desktop_app.reports.ledger_xlsx import export_family, write_template
from desktop_app.services.office import init_office
from desktop_app.services.session import open_session
from desktop_app.store.dump import dump_digest

CLOCK = lambda: datetime(2026, 11, 27, 9, 0)  # noqa: E731


@pytest.fixture
def demo(demo_master, tmp_path):
    d = tmp_path / "demo"
    shutil.copytree(demo_master, d)
    s = open_session(d, user="录入员", clock=CLOCK)
    yield s
    s.close()


@pytest.fixture
def empty(tmp_path):
    s = init_office(tmp_path / "empty", "测试县纪委监委", "TEST", user="录入员")
    s.clock = CLOCK
    yield s
    s.close()


def talks_by_reason(s) -> dict[str, dict]:
    return {r["reason"]: dict(r) for r in s.conn.execute("SELECT * FROM talk WHERE voided = 0")}


def test_sample_talk_ledger_imports_and_a_second_import_finds_it(demo, tmp_path):
    path = samples.talk_ledger_xlsx(tmp_path / "谈话台账.xlsx")
    before = dump_digest(demo.conn)
    refused = importer.import_file(demo, path, "talk")          # new persons not confirmed
    assert not refused.ok and len(refused.errors) == 7
    assert "库中没有人员“钱文斌”" in refused.errors[1].problems[0]
    assert dump_digest(demo.conn) == before
    report = openpyxl.load_workbook(refused.report).active
    assert report["A1"].value == "行号" and report["B2"].value == "有错误"
    done = importer.import_file(demo, path, "talk", create_missing=True)
    assert done.ok and done.count("已导入") == 7 and done.created_persons == 7
    assert sorted(done.skipped.values()) == ["合计行", "表尾"]
    talks = talks_by_reason(demo)
    dates = [talks[t[5]]["talk_date"] for t in samples.TALKS]
    assert dates == ["2025-03-07", "2025-03-18", "2025-04-01", "2025-04-15", "2025-05-06",
                     "2025-05-20", "2025-06-03"]
    unit = demo.conn.execute("SELECT name FROM unit WHERE id = ?", (talks["专项资金拨付迟缓"]["unit_id"],)).fetchone()
    assert unit[0] == "县财政局"                       # matched to the demo county's unit
    records_after = dump_digest(demo.conn, exclude=("audit_log", "meta"))
    again = importer.import_file(demo, path, "talk", create_missing=True)
    assert again.ok and again.count("已存在") == 7 and again.count("已导入") == 0
    assert dump_digest(demo.conn, exclude=("audit_log", "meta")) == records_after     # nothing doubled


def test_gbk_csv_and_xls_samples(demo, tmp_path):
    csv_path = samples.warning_ledger_csv(tmp_path / "警示教育（乡镇）.csv")
    got = importer.import_file(demo, csv_path, "warning_session")
    assert got.ok and got.count("已导入") == 3 and "GBK" in got.notes[0]
    row = demo.conn.execute("SELECT form, actual, local_case FROM warning_session WHERE name = ?"
                            " AND held_date = '2025-04-09'", ("参观县廉政教育基地",)).fetchone()
    assert tuple(row) == ("参观警示教育基地", 58, 0)
    xls = samples.letter_ledger_xls(tmp_path / "函件.xls")
    got = importer.import_file(demo, xls, "函件")
    assert got.ok and got.count("已导入") == 2
    assert demo.conn.execute("SELECT written_date FROM letter WHERE doc_no = ?",
                             ("临纪函〔2025〕7号",)).fetchone()[0] == "2025-06-10"


def test_round_trip_into_an_empty_office(demo, empty, tmp_path):
    families = ("unit", "person", "talk", "letter", "warning_session")
    for fam in families:
        path = tmp_path / f"{fam}.xlsx"
        n = export_family(demo, fam, path)
        got = importer.import_file(empty, path, fam)
        assert got.ok, got.lines()
        assert got.count("已导入") + got.count("重复") == n
    assert _content(demo, "talk") == _content(empty, "talk")
    assert _content(demo, "letter") == _content(empty, "letter")
    assert _content(demo, "warning_session") == _content(empty, "warning_session")


def _content(s, fam_name: str) -> list:
    """Each record's field values with ids replaced by names, and its status."""
    from desktop_app.domain.registry import family
    fam = family(fam_name)
    names = dict(s.conn.execute("SELECT id, name FROM person UNION ALL SELECT id, name FROM unit"))
    out = []
    for row in s.conn.execute(f"SELECT * FROM {fam.name} WHERE voided = 0"):
        values = []
        for f in fam.fields:
            v = row[f.name]
            if f.ref in ("person", "unit") and v:
                v = sorted(names[x] for x in json.loads(v)) if f.kind.value == "refs" else names[v]
            values.append(v)
        out.append(json.dumps([row["status"], *values], ensure_ascii=False))
    return sorted(out)


def test_template_is_importable_and_has_drop_downs(demo, tmp_path):
    path = write_template("talk", tmp_path / "谈话模板.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    assert ws["A1"].value == "谈话类型*"
    assert any("选项" in dv.formula1 for dv in ws.data_validations.dataValidation)
    assert wb["选项"].sheet_state == "hidden"
    date_col = [c.column for c in ws[1] if c.value == "谈话日期*"][0]
    assert ws.cell(row=3, column=date_col).number_format == "yyyy-mm-dd"
    got = importer.import_file(demo, path, "talk", dry_run=True, create_missing=True)
    assert got.ok and got.count("已导入") == 1          # the example row
    with pytest.raises(UserFacingError, match="没有导入模板"):
        write_template("rect_item", tmp_path / "x.xlsx")


def test_mapping_file_and_remembered_mapping(demo, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["受教育活动", "教育形式", "举办日", "到会人数", "备考"])
    ws.append(["廉政党课", "廉政党课", "2025.9.1", 80, "无"])
    path = tmp_path / "自编表.xlsx"
    wb.save(path)
    with pytest.raises(UserFacingError, match="找不到警示教育的表头"):
        importer.import_file(demo, path, "warning_session")
    mapping = {"受教育活动": "活动名称", "教育形式": "form", "举办日": "held_date", "到会人数": "实到人数",
               "备考": None}
    got = importer.import_file(demo, path, "warning_session", mapping=mapping)
    assert got.ok and got.count("已导入") == 1
    ws.append(["廉政党课（二）", "廉政党课", "2025.9.8", 70, ""])
    wb.save(path)
    got = importer.import_file(demo, path, "warning_session")      # same layout: remembered
    assert got.ok and got.count("已导入") == 1 and got.count("已存在") == 1


# ------------------------------------------------------------------ bad input

def _refused(s, path, family="talk", match="", **kw):
    before = dump_digest(s.conn)
    with pytest.raises(UserFacingError, match=match) as e:
        importer.import_file(s, path, family, **kw)
    assert "\n" not in str(e.value)
    assert dump_digest(s.conn) == before
    return str(e.value)


def _talk_book(rows: list[list]) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["谈话类型", "谈话事由", "谈话对象", "谈话人", "谈话日期", "线索编号"])
    for r in rows:
        ws.append(r)
    return wb


def test_formulas_give_their_saved_values_and_are_never_evaluated(demo, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["活动名称", "形式", "日期", "应到人数", "实到人数"])
    ws.append(["警示教育大会", "警示教育大会", "2025-07-01", "=40+40", "=D2-3"])
    path = tmp_path / "公式.xlsx"
    wb.save(path)
    # openpyxl saves no cached values: the cells are empty, never computed by us
    got = importer.import_file(demo, path, "warning_session")
    assert got.ok
    row = demo.conn.execute("SELECT expected, actual FROM warning_session WHERE name = '警示教育大会'"
                            " AND held_date = '2025-07-01'").fetchone()
    assert tuple(row) == (None, None)
    # a file saved by Excel/WPS carries the value: that value is used
    cached = tmp_path / "公式-已保存.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(cached, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                for formula, value in ((b"40+40", b"80"), (b"D2-3", b"77")):
                    for empty in (b"<v></v>", b"<v/>", b"<v />"):
                        data = data.replace(b"<f>" + formula + b"</f>" + empty,
                                            b"<f>" + formula + b"</f><v>" + value + b"</v>")
                data = data.replace(b"2025-07-01", b"2025-07-02")
            dst.writestr(item, data)
    got = importer.import_file(demo, cached, "warning_session")
    assert got.ok
    row = demo.conn.execute("SELECT expected, actual FROM warning_session WHERE held_date = '2025-07-02'"
                            " AND name = '警示教育大会'").fetchone()
    assert tuple(row) == (80, 77)


def test_external_links_and_embedded_macros_are_noted_not_followed(demo, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["活动名称", "形式", "日期"])
    ws.append(["旁听庭审", "旁听庭审", "2025-08-08"])
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    linked = tmp_path / "外部链接.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(linked, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/externalLinks/externalLink1.xml", "<externalLink/>")
        dst.writestr("xl/vbaProject.bin", b"\x00" * 64)
    got = importer.import_file(demo, linked, "warning_session")
    assert got.ok and any("外部链接" in n for n in got.notes) and any("宏" in n for n in got.notes)
    xlsm = tmp_path / "台账.xlsm"
    shutil.copy(plain, xlsm)
    _refused(demo, xlsm, "warning_session", "带宏")


def test_a_million_rows_is_refused_while_reading(demo, tmp_path):
    path = tmp_path / "百万行.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        fh.write("谈话类型,谈话事由,谈话对象,谈话人,谈话日期\n")
        line = "谈话提醒,节前提醒,张三,李四,2025-01-02\n"
        for _ in range(1_000_000):
            fh.write(line)
    _refused(demo, path, match="上限")


def test_hidden_sheets_are_ignored_and_cannot_be_chosen(demo, tmp_path):
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "旧数据"
    hidden.append(["活动名称", "形式", "日期"])
    hidden.append(["不应导入", "廉政党课", "2025-01-01"])
    hidden.sheet_state = "hidden"
    ws = wb.create_sheet("登记表")
    ws.append(["活动名称", "形式", "日期"])
    ws.append(["应导入", "廉政党课", "2025-01-02"])
    wb.active = 1
    path = tmp_path / "隐藏.xlsx"
    wb.save(path)
    got = importer.import_file(demo, path, "warning_session")
    assert got.ok and got.sheet == "登记表" and any("隐藏" in n for n in got.notes)
    names = {r[0] for r in demo.conn.execute("SELECT name FROM warning_session")}
    assert "应导入" in names and "不应导入" not in names
    _refused(demo, path, "warning_session", "隐藏", sheet="旧数据")


def test_wrong_types_and_long_numbers_are_row_errors(demo, tmp_path):
    person = demo.conn.execute("SELECT name FROM person GROUP BY name HAVING count(*) = 1 LIMIT 1").fetchone()[0]
    wb = _talk_book([["谈话提醒", "提醒", person, "甲、乙", "2025-02-30", None],
                     ["不存在的类型", "提醒", person, "甲、乙", "2025.3.1", None],
                     ["谈话提醒", "提醒", person, "甲、乙", "2025.3.2", 1.10101199001011e17],
                     ["谈话提醒", "提醒", person, "甲、乙", "2025.3.3", "1.23E+17"],
                     ["谈话提醒", "提醒", person, "甲、乙", "2025.3.4", "X-2025-01"]])
    path = tmp_path / "错误.xlsx"
    wb.save(path)
    before = dump_digest(demo.conn)
    got = importer.import_file(demo, path, "talk")
    assert not got.ok and dump_digest(demo.conn) == before
    problems = {r.row: "；".join(r.problems) for r in got.errors}
    assert "不存在" in problems[2] and "不是可选的谈话类型" in problems[3]
    assert "科学计数法" in problems[4] and "科学计数法" in problems[5]
    assert 6 not in problems


@pytest.mark.parametrize("name,content,match", [
    ("导出.xls", b"<html><body><table><tr><td>\xe8\xb0\x88</td></tr></table></body></html>", "网页"),
    ("假的.xlsx", b"just some text, not a workbook", "不是有效的"),
    ("空.csv", b"", "空的"),
    ("图片.png", b"\x89PNG", "只能导入"),
])
def test_files_that_are_not_spreadsheets(demo, tmp_path, name, content, match):
    path = tmp_path / name
    path.write_bytes(content)
    _refused(demo, path, match=match)


def test_zip_bomb_named_xlsx(demo, tmp_path):
    path = tmp_path / "台账.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            chunk = b"0" * (1 << 20)
            for _ in range(40):
                fh.write(chunk)
    _refused(demo, path, match="压缩炸弹")


def test_gbk_csv_with_utf8_name_and_unknown_family(demo, tmp_path):
    path = tmp_path / "谈话台账（东坡镇）.csv"
    path.write_bytes("谈话类型,谈话事由\n谈话提醒,节前\n".encode("gb18030"))
    _refused(demo, path, match="没有对应")
    _refused(demo, path, "没有这类", match="没有“没有这类”这类记录")


def test_ods_with_a_merged_title(demo, tmp_path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    def row(*values, span=None):
        tr = TableRow()
        for i, v in enumerate(values):
            cell = TableCell(valuetype="string", numbercolumnsspanned=span) if span and i == 0 \
                else TableCell(valuetype="string")
            cell.addElement(P(text=v))
            tr.addElement(cell)
            if span and i == 0:
                for _ in range(span - 1):
                    tr.addElement(CoveredTableCell())
        return tr
    doc = OpenDocumentSpreadsheet()
    table = Table(name="警示教育")
    table.addElement(row("2025年警示教育登记", span=3))
    table.addElement(row("活动名称", "形式", "日期"))
    table.addElement(row("廉政党课进机关", "廉政党课", "2025年10月9日"))
    doc.spreadsheet.addElement(table)
    path = tmp_path / "登记.ods"
    doc.save(str(path))
    got = importer.import_file(demo, path, "warning_session")
    assert got.ok and got.count("已导入") == 1
    assert demo.conn.execute("SELECT held_date FROM warning_session WHERE name = '廉政党课进机关'").fetchone()[0] \
        == "2025-10-09"


def test_a_near_name_offers_candidates_and_the_choice_is_used(demo, tmp_path):
    name, unit = demo.conn.execute(
        "SELECT p.name, u.name FROM person p JOIN unit u ON u.id = p.unit_id WHERE length(p.name) = 3"
        " AND p.name IN (SELECT name FROM person GROUP BY name HAVING count(*) = 1) LIMIT 1").fetchone()
    typo = name[:2] + ("甲" if name[2] != "甲" else "乙")
    wb = _talk_book([["谈话提醒", "节前提醒", typo, "张三、李四", "2025.9.1", None]])
    path = tmp_path / "错字.xlsx"
    wb.save(path)
    refused = importer.import_file(demo, path, "talk")
    (row,) = refused.errors
    assert f"{name}（{unit}）" in row.unknown[typo]
    got = importer.import_file(demo, path, "talk", replacements={typo: f"{name}（{unit}）"})
    assert got.ok and got.count("已导入") == 1
    pid = demo.conn.execute("SELECT id FROM person WHERE name = ?", (name,)).fetchone()[0]
    stored = demo.conn.execute("SELECT person_ids FROM talk WHERE reason = '节前提醒' AND talk_date = '2025-09-01'"
                               ).fetchone()[0]
    assert json.loads(stored) == [pid]


def test_wps_et_saved_as_xls_imports_and_a_native_et_is_explained(demo, tmp_path):
    xls = samples.letter_ledger_xls(tmp_path / "函件.xls")
    et = tmp_path / "函件.et"
    shutil.copy(xls, et)                       # WPS "另存为 Excel 97-2003" keeps the .et name
    got = importer.import_file(demo, et, "letter", dry_run=True)
    assert got.ok and got.count("已导入") == 2
    native = tmp_path / "原生.et"
    native.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)   # OLE, not a workbook
    _refused(demo, native, "letter", "WPS 中另存为")
