"""The columns of each family's list, derived from ``Family.list_columns``.

Qt-free: the table model, the Excel export and the tests share it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Mapping

from desktop_app.domain.registry import family as get_family
from desktop_app.domain.schema import Family, Kind

DUE = "_due"          # the nearest open deadline of the record
LEDGER_NO, STATUS = "ledger_no", "status"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind | None = None
    ref: str | None = None         # target family of a REF / REFS column
    sortable: bool = True
    width: int = 110               # pixels at 100 % scaling

    @property
    def is_ref(self) -> bool:
        return self.ref is not None


_WIDTHS = {Kind.DATE: 90, Kind.BOOL: 56, Kind.INT: 64, Kind.FLOAT: 64, Kind.CHOICE: 90,
           Kind.LONGTEXT: 240, Kind.TEXT: 150, Kind.REFS: 150, Kind.REF: 110, Kind.LIST: 160}


def _field_column(fam: Family, name: str) -> Column:
    if name == LEDGER_NO:
        return Column(LEDGER_NO, "台账编号", width=120)
    if name == STATUS:
        return Column(STATUS, "状态", width=64)
    f = fam.field(name)
    is_ref = f.kind in (Kind.REF, Kind.REFS)
    return Column(f.name, f.label, f.kind, f.ref if is_ref else None,
                  sortable=f.kind not in (Kind.REF, Kind.REFS, Kind.LIST),
                  width=_WIDTHS.get(f.kind, 110))


@cache
def columns_for(family_name: str) -> tuple[Column, ...]:
    """The list columns of a family; 状态 and 最近期限 added where they mean something."""
    fam = get_family(family_name)
    names = list(fam.list_columns or fam.title)
    cols = [_field_column(fam, n) for n in names]
    if STATUS not in names and fam.workflow != "master":
        cols.append(_field_column(fam, STATUS))
    if fam.deadlines:
        cols.append(Column(DUE, "最近期限", sortable=False, width=170))
    return tuple(cols)


def raw_value(col: Column, record) -> Any:
    if col.key == LEDGER_NO:
        return record.ledger_no
    if col.key == STATUS:
        return record.status
    return record.get(col.key)


def format_value(col: Column, value: Any, names: Mapping[str, str]) -> str:
    """The text a clerk reads in a cell (and in the exported spreadsheet)."""
    if value is None or value == "":
        return ""
    if col.kind is Kind.BOOL:
        return "是" if value else "否"
    if col.kind is Kind.REF:
        return names.get(value, "（已删除）")
    if col.kind is Kind.REFS:
        return "、".join(names.get(v, "？") for v in value)
    if col.kind is Kind.LIST:
        return "、".join(value)
    if col.kind is Kind.FLOAT:
        return f"{value:g}"
    if col.kind is Kind.LONGTEXT:
        text = str(value).replace("\n", " ")
        return text if len(text) <= 80 else text[:80] + "…"
    return str(value)


def cn_date(value: str | date | None) -> str:
    """2026-03-07 → 2026年3月7日 (no zero padding; never strftime, ecosystem.md §4)."""
    if not value:
        return ""
    d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{d.year}年{d.month}月{d.day}日"
