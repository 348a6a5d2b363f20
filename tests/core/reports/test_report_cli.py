"""taizhang report / import-excel / template as a user runs them."""
from __future__ import annotations

import json
import shutil

import openpyxl
import pytest

from desktop_app.cli import main
from desktop_app.reports import samples


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def county(demo_master, tmp_path):
    from desktop_app.security.accounts import create_first_admin
    d = tmp_path / "county"
    shutil.copytree(demo_master, d)
    create_first_admin(d, "管理员甲", "Admin-pass-1")
    pw = tmp_path / "pw.txt"
    pw.write_text("Admin-pass-1\n", encoding="utf-8")
    return ["--data-dir", d, "--user", "管理员甲", "--password-file", pw]


def test_report_list_and_quarterly_tables(county, capsys, tmp_path):
    code, out, _ = run(capsys, *county, "report", "list", "--json")
    names = [r["name"] for r in json.loads(out)]
    assert code == 0 and names[:3] == ["talk", "letter", "rectification"] and len(names) == 8
    code, out, _ = run(capsys, *county, "report", "talk", "--period", "2026Q3", "-o", tmp_path / "谈话.xlsx", "--json")
    data = json.loads(out)
    assert code == 0 and data["period_title"] == "2026年第三季度" and data["total"]["times"] > 0
    ws = openpyxl.load_workbook(tmp_path / "谈话.xlsx").active
    assert ws["A1"].value == "谈话情况统计表"
    code, out, _ = run(capsys, *county, "report", "rectification", "--period", "2026Q3", "--by", "unit")
    assert code == 0 and out.splitlines()[1].startswith("单位\t问题总数") and "合计" in out


def test_report_refusals(county, capsys, tmp_path):
    code, _, err = run(capsys, *county, "report", "talk", "--period", "2026Q9")
    assert code == 1 and "期间" in err and err.count("\n") == 1
    code, _, err = run(capsys, *county, "report", "talk", "--period", "2026", "-o", tmp_path / "a.doc")
    assert code == 1 and "只能导出为" in err
    code, _, err = run(capsys, *county, "report", "talk")
    assert code == 1 and "--period" in err


def test_template_and_import_excel(county, capsys, tmp_path):
    code, out, _ = run(capsys, *county, "template", "谈话", "-o", tmp_path / "谈话模板.xlsx")
    assert code == 0 and (tmp_path / "谈话模板.xlsx").exists()
    ledger = samples.talk_ledger_xlsx(tmp_path / "谈话台账.xlsx")
    code, out, _ = run(capsys, *county, "import-excel", ledger, "--family", "talk", "--dry-run", "--json")
    data = json.loads(out)
    assert code == 1 and not data["ok"] and len(data["errors"]) == 7 and data["report"]
    code, out, _ = run(capsys, *county, "import-excel", ledger, "--family", "talk", "--create-missing")
    assert code == 0 and "已导入 7 行" in out
    code, out, _ = run(capsys, *county, "import-excel", ledger, "--family", "talk", "--create-missing", "--json")
    assert code == 0 and json.loads(out)["existing"] == 7
    mapping = tmp_path / "m.json"
    mapping.write_text('{"谈话人": "不存在的字段"}', encoding="utf-8")
    code, _, err = run(capsys, *county, "import-excel", ledger, "--family", "talk", "--mapping", mapping)
    assert code == 1 and "没有“不存在的字段”这一项" in err


def test_pdf_and_bulletin_from_the_command_line(county, capsys, tmp_path):
    code, out, _ = run(capsys, *county, "report", "talk", "--period", "2026Q3", "-o", tmp_path / "谈话.pdf")
    assert code == 0 and (tmp_path / "谈话.pdf").read_bytes().startswith(b"%PDF")
    code, out, _ = run(capsys, *county, "report", "bulletin", "--period", "2026", "-o", tmp_path / "通报.pdf")
    assert code == 0 and "通报" in out and (tmp_path / "通报.pdf").stat().st_size > 5000
    code, _, err = run(capsys, *county, "report", "bulletin", "--period", "2026Q1", "-o", tmp_path / "x.pdf")
    assert code == 1 and "年份" in err


def test_export_excel_for_reimport(county, capsys, tmp_path):
    code, out, _ = run(capsys, *county, "export-excel", "谈话", "-o", tmp_path / "谈话.xlsx")
    assert code == 0 and "已导出" in out
    code, out, _ = run(capsys, *county, "import-excel", tmp_path / "谈话.xlsx", "--family", "talk", "--json")
    data = json.loads(out)
    assert code == 0 and data["imported"] == 0 and data["existing"] + data["duplicates"] > 100
    code, _, err = run(capsys, *county, "export-excel", "rect_item", "-o", tmp_path / "x.xlsx")
    assert code == 1 and "不从 Excel 导入" in err


def test_import_excel_takes_the_clerks_choice_among_near_names(county, capsys, tmp_path):
    """The check names the closest persons; --replace uses the one the clerk means."""
    import sqlite3
    from desktop_app.services.session import database_path
    conn = sqlite3.connect(database_path(county[1]))
    name, unit = conn.execute(
        "SELECT p.name, u.name FROM person p JOIN unit u ON u.id = p.unit_id WHERE length(p.name) = 3"
        " AND p.name IN (SELECT name FROM person GROUP BY name HAVING count(*) = 1) LIMIT 1").fetchone()
    conn.close()
    typo = name[:2] + ("甲" if name[2] != "甲" else "乙")
    wb = openpyxl.Workbook()
    wb.active.append(["谈话类型", "谈话事由", "谈话对象", "谈话人", "谈话日期"])
    wb.active.append(["谈话提醒", "节前提醒（命令行）", typo, "张三、李四", "2025.9.1"])
    book = tmp_path / "错字.xlsx"
    wb.save(book)
    code, out, _ = run(capsys, *county, "import-excel", book, "--family", "talk")
    assert code == 1 and f"{name}（{unit}）" in out and f"--replace {typo}=" in out
    code, out, err = run(capsys, *county, "import-excel", book, "--family", "talk",
                         "--replace", f"{typo}={name}（{unit}）")
    assert code == 0 and "已导入 1 行" in out, err
    code, _, err = run(capsys, *county, "import-excel", book, "--family", "talk", "--replace", "只有一边")
    assert code == 1 and "表中名称=库中名称" in err and err.count("\n") == 1
