"""Realistic old ledgers, the way offices keep them in Excel and WPS: a merged
title, a 填报单位 line, two header rows with merged group cells, dates typed
every which way (real dates, 2025.3.7, 2025年4月1日, serial numbers), a 合计 row
and a 填表人 line. ``docs/samples/`` holds the files this writes; the tests
build the same files to import them (python -m desktop_app.reports.samples DIR)."""
from __future__ import annotations

import csv
import sys
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

# (对象姓名, 单位, 职务, 类型, 日期 as typed, 事由, 谈话人)
TALKS = [
    ("赵立群", "城关镇", "镇党委书记", "谈话提醒", date(2025, 3, 7), "节前廉洁提醒", "周明、吴芳"),
    ("钱文斌", "县财政局", "局长", "约谈", "2025.3.18", "专项资金拨付迟缓", "周明、吴芳"),
    ("孙海燕", "县教育局", "副局长", "提醒谈话", "2025年4月1日", "招生工作廉洁风险", "郑强、吴芳"),
    ("李建国", "河东镇", "镇长", "诫勉谈话", 45762, "违规发放津补贴", "周明、郑强"),     # Excel serial: 2025-04-15
    ("周晓梅", "县卫生健康局", "党组书记", "廉政谈话", "2025-05-06", "新任职廉政谈话", "郑强、吴芳"),
    ("吴志刚", "柳林镇", "镇党委副书记", "谈话提醒", "2025/5/20", "村级工程监管不到位", "周明、吴芳"),
    ("郑丽华", "县发展和改革局", "副局长", "谈话函询谈话", "2025.6.3", "函询反映问题说明", "周明、郑强"),
]


def _box(ws, r0: int, r1: int, c1: int) -> None:
    for row in ws.iter_rows(min_row=r0, max_row=r1, max_col=c1):
        for c in row:
            c.border = BOX
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def talk_ledger_xlsx(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "2025年谈话台账"
    ws.append(["临川县纪委监委2025年谈话工作台账"])
    ws.merge_cells("A1:H1")
    ws["A1"].font = Font(size=16, bold=True)
    ws.append(["填报单位：党风政风监督室", None, None, None, None, "填报时间：2025年6月30日"])
    ws.merge_cells("A2:E2")
    ws.merge_cells("F2:H2")
    ws.append(["序号", "谈话对象", None, None, "谈话类型", "谈话时间", "谈话事由", "谈话人"])
    ws.append([None, "姓名", "单位", "职务", None, None, None, None])
    for col in "AEFGH":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("B3:D3")
    for i, (name, unit, post, kind, when, why, talkers) in enumerate(TALKS, start=1):
        ws.append([i, name, unit, post, kind, when, why, talkers])
        if isinstance(when, date):
            ws.cell(row=ws.max_row, column=6).number_format = 'yyyy"年"m"月"d"日"'
    ws.append(["合计", None, None, None, f"共 {len(TALKS)} 次", None, None, None])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=4)
    _box(ws, 3, ws.max_row, 8)
    ws.append(["填表人：吴芳", None, None, None, "审核人：周明"])
    for col, width in zip("ABCDEFGH", (6, 10, 16, 14, 12, 16, 24, 14)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A5"
    wb.save(path)
    return path


def warning_ledger_csv(path: Path) -> Path:
    """A WPS-saved CSV: GBK, a title line, dates as 2025.3.7."""
    rows = [["2025年警示教育活动登记表"], [],
            ["活动名称", "形式", "日期", "应到人数", "实到人数", "参加对象类别", "身边案"],
            ["观看警示教育片《蜕变》", "观看警示教育片", "2025.3.12", "120", "116", "县管干部", "是"],
            ["参观县廉政教育基地", "参观警示教育基地", "2025年4月9日", "60", "58", "新提任干部", "否"],
            ["以案促改专题会（县财政局）", "以案促改专题会", "2025-05-14", "45", "45", "同级同类一把手", "是"],
            ["合计", "", "", "225", "219", "", ""]]
    with open(path, "w", encoding="gb18030", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def letter_ledger_xls(path: Path) -> Path:
    """Excel 97-2003 (.xls, as WPS saves its .et on request): needs xlwt (a test extra)."""
    import xlwt
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("函件登记")
    ws.write_merge(0, 0, 0, 5, "2025年函件登记簿")
    heads = ["序号", "函件类型", "文号", "标题", "主送单位", "成文日期"]
    for j, h in enumerate(heads):
        ws.write(1, j, h)
    data = [("提醒函", "临纪函〔2025〕3号", "关于端午节期间严守纪律的提醒函", "县财政局", "2025.5.26"),
            ("制止函", "临纪函〔2025〕7号", "关于立即纠正违规发放津补贴问题的制止函", "河东镇", "2025年6月10日")]
    for i, row in enumerate(data, start=2):
        ws.write(i, 0, i - 1)
        for j, v in enumerate(row, start=1):
            ws.write(i, j, v)
    wb.save(str(path))
    return path


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = [talk_ledger_xlsx(folder / "谈话台账-2025.xlsx"), warning_ledger_csv(folder / "警示教育登记-2025.csv")]
    try:
        out.append(letter_ledger_xls(folder / "函件登记簿-2025.xls"))
    except ImportError:
        pass
    return out


if __name__ == "__main__":
    for p in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/samples")):
        sys.stdout.write(f"{p}\n")
