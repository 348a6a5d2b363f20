"""A report as the .xlsx offices send upward: title, office and period, merged
header cells, frozen header, thin borders, a totals row, A4 landscape, and
figures stored as numbers (a percentage as a number with one decimal)."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from desktop_app.reports.due_report import ITEM_COLUMNS
from desktop_app.reports.engine import TOTAL, ReportResult

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
FONT = "宋体"


def _cn_date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _header_rows(result: ReportResult) -> int:
    return 2 if any(c.group for c in result.columns) else 1


def _put(ws, row: int, col: int, value, *, bold=False, align=CENTER, fmt: str | None = None):
    cell = ws.cell(row=row, column=col, value=value)
    cell.border = BOX
    cell.alignment = align
    cell.font = Font(name=FONT, size=11, bold=bold)
    if fmt:
        cell.number_format = fmt
    return cell


def _title(ws, result: ReportResult, width: int) -> None:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    c = ws.cell(row=1, column=1, value=result.defn.title)
    c.font = Font(name="黑体", size=16, bold=True)
    c.alignment = CENTER
    ws.row_dimensions[1].height = 30
    half = max(1, width // 2)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=half)
    ws.cell(row=2, column=1, value=f"填报单位：{result.office_name}").font = Font(name=FONT, size=11)
    right = ws.cell(row=2, column=half + 1 if width > 1 else 1,
                    value=f"统计期间：{result.period.title}（截至{_cn_date(result.scope.as_of)}）")
    right.font = Font(name=FONT, size=11)
    right.alignment = Alignment(horizontal="right")
    if width > half + 1:
        ws.merge_cells(start_row=2, start_column=half + 1, end_row=2, end_column=width)


def _table_header(ws, result: ReportResult, top: int) -> int:
    n = _header_rows(result)
    _put(ws, top, 1, result.by_label, bold=True)
    if n == 2:
        ws.merge_cells(start_row=top, start_column=1, end_row=top + 1, end_column=1)
        _put(ws, top + 1, 1, None)
    col = 2
    cols = list(result.columns)
    i = 0
    while i < len(cols):
        c = cols[i]
        if n == 2 and c.group:
            j = i
            while j + 1 < len(cols) and cols[j + 1].group == c.group:
                j += 1
            _put(ws, top, col, c.group, bold=True)
            for k in range(i, j + 1):
                if k > i:
                    _put(ws, top, col + k - i, None)
                _put(ws, top + 1, col + k - i, cols[k].label, bold=True)
            if j > i:
                ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + j - i)
            col += j - i + 1
            i = j + 1
            continue
        _put(ws, top, col, c.label, bold=True)
        if n == 2:
            _put(ws, top + 1, col, None)
            ws.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
        col += 1
        i += 1
    return top + n


def _number(value, ratio: bool):
    if value is None:
        return "—", None
    if ratio:
        return float(value), "0.0"
    if float(value).is_integer():
        return int(value), "0"
    return round(float(value), 1), "0.0"


def _body(ws, result: ReportResult, top: int) -> int:
    r = top
    for row in [*result.rows, None]:
        key = TOTAL if row is None else row.key
        _put(ws, r, 1, "合计" if row is None else row.label, bold=row is None, align=LEFT)
        for j, c in enumerate(result.columns, start=2):
            value, fmt = _number(result.value(key, c.key), bool(c.ratio))
            _put(ws, r, j, value, bold=row is None, fmt=fmt)
        r += 1
    return r


def _items(ws, result: ReportResult, top: int) -> int:
    heads = [("no", "序号")] + list(ITEM_COLUMNS)
    for j, (_k, label) in enumerate(heads, start=1):
        _put(ws, top, j, label, bold=True)
    r = top + 1
    for n, item in enumerate(result.items, start=1):
        for j, (key, _label) in enumerate(heads, start=1):
            value = n if key == "no" else item.get(key)
            _put(ws, r, j, value, align=LEFT if key in ("title", "unit", "office") else CENTER,
                 fmt="0" if isinstance(value, int) else None)
        r += 1
    _put(ws, r, 1, "合计", bold=True)
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=len(heads))
    _put(ws, r, 2, f"{len(result.items)} 项（已逾期 "
                   f"{sum(1 for i in result.items if i['level'] == 'red')} 项）", bold=True, align=LEFT)
    for j in range(3, len(heads) + 1):
        _put(ws, r, j, None)
    return r + 1


def _detail_sheet(wb, result: ReportResult) -> None:
    """The appended list (整改: 逾期明细清单) on a sheet of its own."""
    from desktop_app.reports.rect_detail import DETAIL_COLUMNS
    ws = wb.create_sheet("逾期明细")
    heads = [("no", "序号")] + list(DETAIL_COLUMNS)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(heads))
    c = ws.cell(row=1, column=1, value=f"{result.defn.title}·逾期明细清单（{result.period.title}）")
    c.font = Font(name="黑体", size=14, bold=True)
    c.alignment = CENTER
    for j, (_k, label) in enumerate(heads, start=1):
        _put(ws, 2, j, label, bold=True)
    for n, item in enumerate(result.detail, start=1):
        for j, (key, _label) in enumerate(heads, start=1):
            value = n if key == "no" else item.get(key)
            _put(ws, n + 2, j, value, align=LEFT if key in ("problem", "unit", "office") else CENTER,
                 fmt="0" if isinstance(value, int) else None)
    if not result.detail:
        ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=len(heads))
        _put(ws, 3, 1, "无逾期未完成的整改问题")
    for j, w in enumerate((6, 20, 44, 12, 10, 10, 22), start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def write_xlsx(result: ReportResult, path: Path | str) -> Path:
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = result.defn.title[:31].replace("/", "、")
    is_list = result.defn.kind == "deadlines"
    width = len(ITEM_COLUMNS) + 1 if is_list else len(result.columns) + 1
    _title(ws, result, width)
    top = 4
    if is_list:
        end = _items(ws, result, top)
        header_end = top + 1
        widths = [6, 10, 40, 12, 12, 10, 8, 22, 22]
    else:
        header_end = _table_header(ws, result, top)
        end = _body(ws, result, header_end)
        widths = [24] + [max(9, min(16, len(c.label) * 2 + 2)) for c in result.columns]
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    if result.defn.note:
        ws.merge_cells(start_row=end + 1, start_column=1, end_row=end + 1, end_column=width)
        note = ws.cell(row=end + 1, column=1, value=f"说明：{result.defn.note}")
        note.font = Font(name=FONT, size=10)
        note.alignment = LEFT
        ws.row_dimensions[end + 1].height = 30
    ws.freeze_panes = ws.cell(row=header_end, column=2)
    ws.print_title_rows = f"{top}:{header_end - 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if result.defn.detail:
        _detail_sheet(wb, result)
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)
    return path
