"""Running a report: the figures of every row and column, the totals, and what
each figure drills down to."""
from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop_app.domain.registry import FAMILIES
from desktop_app.domain.vocab import choices
from desktop_app.errors import UserFacingError
from desktop_app.reports.compile import PartQuery, Scope, condition_sql, group_key, grouped_query
from desktop_app.reports.definition import DIMENSIONS, Column, ReportDef
from desktop_app.reports.period import Period
from desktop_app.store.queries import DrillFilter

TOTAL = "__total__"
UNFILLED = "（未填）"


@dataclass(frozen=True)
class Row:
    key: Any
    label: str


@dataclass
class ReportResult:
    defn: ReportDef
    period: Period
    by: str
    scope: Scope
    office_name: str
    rows: list[Row]
    values: dict[tuple[Any, str], float | None]      # (row key or TOTAL, column key) -> figure
    made_on: date
    items: list[dict] = field(default_factory=list)  # deadline lists: one dict per line
    detail: list[dict] = field(default_factory=list)  # an appended list (整改: 逾期明细)

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.defn.columns

    @property
    def by_label(self) -> str:
        return DIMENSIONS.get(self.by, "类型") if not self.by.startswith("field:") else "类型"

    def value(self, row_key: Any, col_key: str) -> float | None:
        return self.values.get((row_key, col_key))

    def drills(self, row_key: Any, col_key: str) -> list[DrillFilter]:
        """The list filters showing the records behind one figure: one per family counted."""
        col = self.defn.column(col_key)
        if col.ratio:
            col = self.defn.column(col.ratio[0])
        label = self.row_label(row_key)
        out = []
        for part in col.parts:
            q = PartQuery(self.defn, part, self.by, self.scope, total=row_key == TOTAL)
            where, params = q.drill(row_key, whole=row_key == TOTAL)
            out.append(DrillFilter(part.family, f"{self.defn.title} · {label} · {col.label}",
                                   where, tuple(params)))
        return out

    def row_label(self, row_key: Any) -> str:
        if row_key == TOTAL:
            return "合计"
        return next((r.label for r in self.rows if r.key == row_key), str(row_key))

    def to_json(self) -> dict:
        def cell(v):
            return None if v is None else (int(v) if float(v).is_integer() else round(v, 1))
        return {"name": self.defn.name, "title": self.defn.title, "period": self.period.label,
                "period_title": self.period.title, "by": self.by, "office": self.office_name,
                "as_of": self.scope.as_of.isoformat(),
                "columns": [{"key": c.key, "label": c.label, "group": c.group} for c in self.columns],
                "rows": [{"key": r.key, "label": r.label,
                          "values": {c.key: cell(self.value(r.key, c.key)) for c in self.columns}}
                         for r in self.rows],
                "total": {c.key: cell(self.value(TOTAL, c.key)) for c in self.columns},
                "items": self.items, "detail": self.detail}


def _register_functions(conn: sqlite3.Connection, calendar) -> None:
    # one report's pairs of days repeat (a year holds ~100k letters, far fewer distinct
    # pairs): remembered for this run only, so a changed holiday calendar counts next time
    @functools.lru_cache(maxsize=65536)
    def workdays(a, b):
        if not a or not b:
            return None
        try:
            return calendar.working_days_left(date.fromisoformat(a[:10]), date.fromisoformat(b[:10]))
        except ValueError:
            return None
    conn.create_function("tz_workdays", 2, workdays, deterministic=True)


def _figures(defn: ReportDef, col: Column, by: str, scope: Scope, done: dict) -> tuple[dict, float | None]:
    """Per-row figures and the total of one column from its parts' figures (``done``:
    per part, (per row, total or None)): parts are added; an average (one part only)
    is taken over the total's records, not added up."""
    per_row: dict[Any, float] = {}
    total: float | None = 0.0
    for part in col.parts:
        rows, part_total = done[id(part)]
        additive = PartQuery(defn, part, by, scope).additive
        if part.measure.startswith("avg_workdays"):          # rows and total hold (sum, count)
            if part_total is None or additive:
                part_total = (sum(v[0] for v in rows.values()), sum(v[1] for v in rows.values()))
            return ({k: _average(*v) for k, v in rows.items()}, _average(*part_total))
        for k, v in rows.items():
            per_row[k] = per_row.get(k, 0.0) + (v or 0.0)
        if part_total is None or additive:
            part_total = sum(v or 0.0 for v in rows.values())    # the 合计 row adds the rows up
        total += part_total
    return per_row, total


def _average(amount: float, count: int) -> float | None:
    return round(amount / count, 1) if count else None


def _part_figures(conn, defn: ReportDef, by: str, scope: Scope) -> dict:
    """Every part's figures, counted in one pass per family and person expansion (a
    table such as 谈话 has nine columns over the same records): per part, its figure
    by row and its total over all records (None where the rows add up to it)."""
    groups: dict[tuple, list] = {}
    for col in defn.columns:
        for part in col.parts:
            groups.setdefault(group_key(defn, part, by, scope), []).append(part)
    done: dict = {}
    for parts in groups.values():
        queries = [PartQuery(defn, part, by, scope) for part in parts]
        per_part: list[dict] = [{} for _ in parts]
        totals: list = [None] * len(parts)
        need_total = not all(q.additive for q in queries)
        for row in conn.execute(*grouped_query(defn, parts, by, scope, total=need_total)):
            at = 2
            for i, q in enumerate(queries):
                if q.measure == "avg_workdays":      # (sum, how many values, how many records)
                    value, records, at = (row[at] or 0.0, row[at + 1]), row[at + 2], at + 3
                    if not row[0] and not records:
                        continue                     # no record in this row: no figure
                else:
                    value, at = row[at] or 0.0, at + 1
                if row[0]:
                    totals[i] = value
                else:
                    per_part[i][row[1]] = value
        for i, part in enumerate(parts):
            done[id(part)] = (per_part[i], totals[i])
    return done


def run_report(s, defn: ReportDef, period: Period, *, by: str | None = None,
               office: str | None = None) -> ReportResult:
    """The figures of ``defn`` over ``period``, rows split by ``by`` (default the
    definition's rows), counting every office's records or only ``office``'s."""
    by = by or defn.rows
    if by != defn.rows and by not in defn.by:
        allowed = "、".join(DIMENSIONS[b] for b in defn.by)
        raise UserFacingError(f"“{defn.title}”可按{allowed}分组，不能按“{DIMENSIONS.get(by, by)}”。")
    if by == "type":
        by = defn.rows if defn.rows.startswith("field:") else "type"
    scope = Scope(period.start, period.end, period.as_of(s.today()), office)
    _register_functions(s.conn, s.calendar)
    result = ReportResult(defn, period, by, scope, s.office_name, [], {}, s.today())
    if defn.kind == "deadlines":
        from desktop_app.reports.due_report import due_items
        result.items = due_items(s, defn, result)
        return result
    keys: set[Any] = set()
    done = _part_figures(s.conn, defn, by, scope)
    for col in defn.columns:
        if col.ratio:
            continue
        per_row, total = _figures(defn, col, by, scope, done)
        for k, v in per_row.items():
            result.values[(k, col.key)] = v
            if v:
                keys.add(k)
        result.values[(TOTAL, col.key)] = total
    result.rows = row_universe(s.conn, defn, by, keys, period)
    for r in result.rows:
        for col in defn.columns:
            if not col.ratio and (r.key, col.key) not in result.values:
                result.values[(r.key, col.key)] = 0.0
    for col in defn.columns:
        if col.ratio:
            for r in [*result.rows, Row(TOTAL, "合计")]:
                num, den = (result.values.get((r.key, k)) for k in col.ratio)
                result.values[(r.key, col.key)] = round(100.0 * num / den, 1) if den else None
    if defn.detail == "overdue_rect_items":
        from desktop_app.reports.rect_detail import overdue_rect_items
        result.detail = overdue_rect_items(s, result)
    return result


def row_universe(conn, defn: ReportDef, by: str, keys: set[Any], period: Period) -> list[Row]:
    """The rows a table lists: every value of a vocabulary (zeros too, as offices'
    tables do), every office, the persons the report is about; otherwise the keys
    that have figures, in a stable order."""
    fam = FAMILIES[defn.family]
    if by == "type" and fam.type_field:
        by = f"field:{fam.type_field}"
    if by.startswith("field:"):
        return _vocab_rows(fam, by[6:].split("+"), keys)
    if by == "level":
        return _ordered(list(choices("rank")), keys)
    if by == "month":
        months, y, m = [], period.start.year, period.start.month
        while (y, m) <= (period.end.year, period.end.month):
            months.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return [Row(k, f"{int(k[:4])}年{int(k[5:])}月") for k in months] + _extra(keys - set(months))
    if by == "office":
        offices = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT code, name, is_self FROM office")}
        order = sorted(set(offices) | {k for k in keys if k}, key=lambda c: (not offices.get(c, ("", 0))[1], c))
        return [Row(c, offices.get(c, (c, 0))[0]) for c in order]
    table = "unit" if by == "unit" else "person"
    if by == "person" and defn.row_filter is not None:
        where, params = condition_sql(defn.row_filter, "p", FAMILIES["person"], period.end)
        ids = [r[0] for r in conn.execute(f"SELECT id FROM person p WHERE p.voided = 0 AND {where}", params)]
        keys = set(keys) | set(ids)
    names = {}
    wanted = [k for k in keys if k]
    for i in range(0, len(wanted), 500):
        chunk = wanted[i:i + 500]
        names.update(conn.execute(f"SELECT id, name FROM {table} WHERE id IN ({','.join('?' * len(chunk))})",
                                  chunk).fetchall())
    rows = sorted((Row(k, names.get(k, str(k))) for k in wanted), key=lambda r: (r.label, r.key))
    return rows + ([Row(None, UNFILLED)] if None in keys else [])


def _ordered(values: list[str], keys: set[Any]) -> list[Row]:
    return [Row(v, v) for v in values] + _extra(keys - set(values))


def _extra(keys: set[Any]) -> list[Row]:
    named = sorted(k for k in keys if k not in (None, ""))
    return [Row(k, str(k)) for k in named] + ([Row(None, UNFILLED)] if None in keys or "" in keys else [])


def _vocab_rows(fam, names: list[str], keys: set[Any]) -> list[Row]:
    f = fam.field(names[0]) if names[0] != "status" else None
    values = list(choices(f.vocab)) if f is not None and f.vocab else []
    if len(names) == 2:
        sub = fam.field(names[1])
        subs = list(choices(sub.vocab)) if sub.vocab else []
        expanded = []
        for v in values:
            expanded.append(v)
            if v == "约谈" or any(f"{v}（{s}）" in keys for s in subs):
                expanded += [f"{v}（{s}）" for s in subs]
        values = expanded
    rows = [Row(v, v) for v in values if v != "约谈" or "约谈" in keys or len(names) == 1]
    return rows + _extra(keys - set(values))
