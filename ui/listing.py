"""Loading one page of a list, in a worker: the records, the names of the
persons and units they refer to (one query per referred family per page, not
one per cell), and the warning level of each record's nearest deadline."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop_app.domain.deadlines import Level
from desktop_app.domain.record import Record
from desktop_app.services import lookup, queries
from desktop_app.services.lookup import NearestDue
from desktop_app.services.queries import ListFilter
from desktop_app.services.session import Session
from ui.columns import DUE, Column, columns_for, format_value, raw_value

Due = NearestDue


@dataclass
class Page:
    records: list[Record]
    next_key: tuple | None
    names: dict[str, str] = field(default_factory=dict)
    due: dict[str, Due] = field(default_factory=dict)
    texts: list[tuple[str, ...]] = field(default_factory=list)   # cell texts, row by row


def cell_text(col: Column, rec: Record, names: dict[str, str], due: dict[str, Due]) -> str:
    if col.key == DUE:
        return due_text(due.get(rec.id))
    if col.key == "status" and rec.voided:
        return "已作废"
    return format_value(col, raw_value(col, rec), names)


def ref_names(s: Session, columns: tuple[Column, ...], records: list[Record]) -> dict[str, str]:
    wanted: dict[str, set[str]] = {}
    for col in columns:
        if not col.is_ref:
            continue
        for r in records:
            v = r.get(col.key)
            if v:
                wanted.setdefault(col.ref, set()).update(v if isinstance(v, tuple) else (v,))
    return lookup.names_of(s, wanted)


def load_page(s: Session, family: str, flt: ListFilter, sort: str | None, descending: bool,
              after: Any = None, limit: int = 200) -> Page:
    """One page, with every cell's text made here in the worker: the GUI
    thread then only hands out strings when the view paints."""
    records, key = queries.list_records(s, family, flt, sort=sort, descending=descending,
                                        after=after, limit=limit)
    cols = columns_for(family)
    names = ref_names(s, cols, records)
    due = lookup.nearest_due(s, family, [r.id for r in records])
    texts = [tuple(cell_text(c, r, names, due) for c in cols) for r in records]
    return Page(records, key, names, due, texts)


def due_text(due: Due | None) -> str:
    if due is None:
        return ""
    text = _due_text(due)
    return text + "（按周末估算）" if getattr(due, "estimated", False) else text


def _due_text(due: Due) -> str:
    if due.level is Level.RED:
        return f"{due.due_date} 逾期{-due.days_left}个工作日" if due.days_left < 0 else f"{due.due_date} 已逾期"
    if due.level is Level.ORANGE:
        return f"{due.due_date} 今日到期"
    return f"{due.due_date} 剩{due.days_left}个工作日"
