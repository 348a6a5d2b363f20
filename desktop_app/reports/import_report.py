"""The row-by-row report of an import (.xlsx): each data row with its result and
problems, the original cells beside them, wrong rows filled red. For a big file
(more than FULL_LIMIT rows) only the rows with problems are listed: writing every
cell of 10,000 good rows took longer than checking them."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, PatternFill

from desktop_app.reports.cells import text_of

RED = PatternFill("solid", fgColor="FFC7CE")
FULL_LIMIT = 2000


def write_report(summary, path: Path | str) -> Path:
    path = Path(path)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("导入检查")
    ws.freeze_panes = "D2"
    head = ["行号", "结果", "问题"] + [lab or f"第{i + 1}列" for i, lab in enumerate(summary.labels)]
    ws.append(head)
    full = len(summary.rows) <= FULL_LIMIT
    for r in summary.rows:
        if not full and not r.problems:
            continue
        result = "有错误" if r.problems else r.status
        cells = [r.row, result, "；".join(r.problems)] + [text_of(v) for v in r.cells[:len(summary.labels)]]
        if r.problems:
            styled = []
            for v in cells:
                c = WriteOnlyCell(ws, value=v)
                c.fill = RED
                c.alignment = Alignment(wrap_text=True, vertical="top")
                styled.append(c)
            ws.append(styled)
        else:
            ws.append(cells)
    for row, why in sorted(summary.skipped.items()):
        ws.append([row + 1, f"跳过（{why}）", ""])
    notes = wb.create_sheet("说明")
    for line in summary.lines():
        notes.append([line])
    if not full:
        notes.append([f"表中共 {len(summary.rows)} 行数据，本报告只列出有问题的 {len(summary.errors)} 行。"])
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)
    return path
