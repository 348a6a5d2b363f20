"""Export of a filtered list to .xlsx (runs in a worker; Qt-free): the same
columns and texts as on screen, dates as real dates, the header frozen."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from desktop_app.domain.schema import Kind
from desktop_app.domain.registry import family as get_family
from desktop_app.services import outputs, queries
from desktop_app.services.queries import ListFilter
from ui import listing
from ui.columns import DUE, columns_for, format_value, raw_value

PAGE = 1000


def _value(col, rec, page):
    if col.key == DUE:
        return listing.due_text(page.due.get(rec.id))
    value = raw_value(col, rec)
    if col.kind is Kind.DATE and value:
        return date.fromisoformat(value[:10])
    if col.kind in (Kind.INT, Kind.FLOAT) or col.kind is Kind.LONGTEXT and value:
        return value
    text = format_value(col, value, page.names)
    return "已作废" if col.key == "status" and rec.voided else text


def export_list(s, job, family: str, flt: ListFilter, sort: str | None, descending: bool,
                path: Path) -> int:
    """Write every record matching ``flt`` (not only the rows loaded on screen);
    returns how many. Written to a temporary name first, then renamed."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    cols = columns_for(family)
    total = queries.count_records(s, family, flt)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title="台账")
    ws.freeze_panes = "A2"
    for i, col in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, col.width // 7)
    bold = Font(bold=True)
    ws.append([_styled(WriteOnlyCell(ws, value=c.header), font=bold) for c in cols])
    after, written = None, 0
    while True:
        page = listing.load_page(s, family, flt, sort, descending, after, PAGE)
        for rec in page.records:
            row = []
            for c in cols:
                v = _value(c, rec, page)
                row.append(_styled(WriteOnlyCell(ws, value=v), number_format="yyyy-mm-dd")
                           if isinstance(v, date) else v)
            ws.append(row)
        written += len(page.records)
        job.progress(written, total, f"已导出 {written} / {total} 条")
        after = page.next_key
        if after is None:
            break
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)
    outputs.record_output(s, "导出", f"{get_family(family).label}列表 Excel", family=family,
                          detail={"rows": written, "file": path.name})
    return written


def _styled(cell, **attrs):
    for k, v in attrs.items():
        setattr(cell, k, v)
    return cell
