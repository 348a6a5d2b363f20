"""Export of a filtered list to .xlsx (runs in a worker; Qt-free).

Two choices: the list's own columns, or every field of the record (with the
record's bookkeeping: 录入人, times, 作废理由). Either way a spreadsheet can
compute with it: dates are real Excel dates, numbers are numbers, and the
nearest deadline is four columns (期限, 到期日 as a date, 剩余工作日 as a
number — negative when overdue — and 预警), not "2027-01-14 剩29个工作日".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

from desktop_app.domain.record import Record
from desktop_app.domain.registry import FAMILIES, family as get_family
from desktop_app.domain.schema import Field, Kind
from desktop_app.services import lookup, outputs, queries
from desktop_app.services.queries import ListFilter
from ui import listing
from ui.columns import DUE, LEDGER_NO, STATUS, Column, columns_for, format_value, raw_value

PAGE = 1000
VISIBLE, ALL_FIELDS = "visible", "all"
CHOICES = {VISIBLE: "列表中显示的列", ALL_FIELDS: "全部字段（含录入人、修改时间）"}


@dataclass
class Rows:
    """What the cells of one page need besides the records."""
    page: listing.Page
    names: dict[str, str]
    sources: dict[str, str]


@dataclass(frozen=True)
class XCol:
    header: str
    value: Callable[[Record, Rows], Any]
    width: int = 14
    is_date: bool = False
    is_time: bool = False


def _field_value(col: Column, long_text: bool = False) -> Callable[[Record, Rows], Any]:
    def value(rec: Record, rows: Rows) -> Any:
        v = raw_value(col, rec)
        if v is None or v == "":
            return None
        if col.key == STATUS:
            return "已作废" if rec.voided else v
        if col.kind is Kind.DATE:
            return date.fromisoformat(str(v)[:10])
        if col.kind in (Kind.INT, Kind.FLOAT):
            return v
        if col.kind is Kind.LONGTEXT and long_text:
            return str(v)
        if col.key == "source_id":
            return rows.sources.get(v, "")
        if col.key == "source_family":
            return FAMILIES[v].label if v in FAMILIES else v
        return format_value(col, v, rows.names)
    return value


def _due_columns() -> list[XCol]:
    def due(rec: Record, rows: Rows):
        return rows.page.due.get(rec.id)
    return [
        XCol("最近期限", lambda r, rows: d.label if (d := due(r, rows)) else None, 14),
        XCol("到期日", lambda r, rows: date.fromisoformat(d.due_date) if (d := due(r, rows)) else None,
             12, is_date=True),
        XCol("剩余工作日", lambda r, rows: d.days_left if (d := due(r, rows)) else None, 10),
        XCol("预警", lambda r, rows: d.level.label if (d := due(r, rows)) else None, 8),
    ]


def _stamp(attr: str) -> Callable[[Record, Rows], Any]:
    def value(rec: Record, rows: Rows) -> Any:
        text = getattr(rec, attr)
        try:
            return datetime.fromisoformat(text).replace(tzinfo=None, microsecond=0)
        except (TypeError, ValueError):
            return text
    return value


def _field_column(f: Field) -> Column:
    ref = f.ref if f.kind in (Kind.REF, Kind.REFS) else None
    return Column(f.name, f.label, f.kind, ref)


def export_columns(family: str, which: str) -> tuple[list[XCol], tuple[Column, ...]]:
    """The spreadsheet's columns and the list columns whose names must be looked up."""
    if which == VISIBLE:
        cols = columns_for(family)
        out: list[XCol] = []
        for c in cols:
            out += _due_columns() if c.key == DUE else [
                XCol(c.header, _field_value(c), max(10, c.width // 7), is_date=c.kind is Kind.DATE)]
        return out, cols
    fam = get_family(family)
    fields = tuple(_field_column(f) for f in fam.fields)
    out = [XCol("台账编号", _field_value(Column(LEDGER_NO, "台账编号")), 18)] if fam.ledger_prefix else []
    out += [XCol(c.header, _field_value(c, long_text=True), 30 if c.kind is Kind.LONGTEXT else 14,
                 is_date=c.kind is Kind.DATE) for c in fields]
    if fam.workflow != "master":
        out.append(XCol("状态", _field_value(Column(STATUS, "状态")), 10))
    if fam.deadlines:
        out += _due_columns()
    out += [XCol("敏感度", lambda r, rows: r.sensitivity, 8),
            XCol("作废理由", lambda r, rows: r.void_reason if r.voided else None, 20),
            XCol("所属机关", lambda r, rows: r.owner_office, 12),
            XCol("录入人", lambda r, rows: r.created_by, 10),
            XCol("建立时间", _stamp("created_at"), 18, is_time=True),
            XCol("最后修改人", lambda r, rows: r.updated_by, 10),
            XCol("最后修改时间", _stamp("updated_at"), 18, is_time=True)]
    return out, fields


def _sources(s, records: list[Record], cache: dict[str, str]) -> dict[str, str]:
    for rec in records:
        rid = rec.get("source_id")
        if rid and rid not in cache:
            label = lookup.record_label(s, rid)
            cache[rid] = label.text if label else "（不在本机台账中）"
    return cache


def export_list(s, job, family: str, flt: ListFilter, sort: str | None, descending: bool,
                path: Path, which: str = VISIBLE) -> int:
    """Write every record matching ``flt`` (not only the rows loaded on screen);
    returns how many. Written to a temporary name first, then renamed."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    xcols, ref_cols = export_columns(family, which)
    total = queries.count_records(s, family, flt)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title="台账")
    ws.freeze_panes = "A2"
    for i, col in enumerate(xcols, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    bold = Font(bold=True)
    ws.append([_styled(WriteOnlyCell(ws, value=c.header), font=bold) for c in xcols])
    after, written, sources = None, 0, {}
    while True:
        page = listing.load_page(s, family, flt, sort, descending, after, PAGE)
        rows = Rows(page, listing.ref_names(s, ref_cols, page.records),
                    _sources(s, page.records, sources))
        for rec in page.records:
            ws.append([_cell(ws, WriteOnlyCell, c, c.value(rec, rows)) for c in xcols])
        written += len(page.records)
        job.progress(written, total, f"已导出 {written} / {total} 条")
        after = page.next_key
        if after is None:
            break
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)
    outputs.record_output(s, "导出", f"{get_family(family).label}列表 Excel", family=family,
                          detail={"rows": written, "file": path.name, "columns": CHOICES[which]})
    return written


def _cell(ws, cell_type, col: XCol, value: Any):
    if isinstance(value, datetime):
        return _styled(cell_type(ws, value=value), number_format="yyyy-mm-dd hh:mm:ss")
    if isinstance(value, date):
        return _styled(cell_type(ws, value=value), number_format="yyyy-mm-dd")
    return value


def _styled(cell, **attrs):
    for k, v in attrs.items():
        setattr(cell, k, v)
    return cell
