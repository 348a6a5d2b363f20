"""The figures behind the charts (dashboard and reports): records by month,
overdue items by unit, 按期率 of rectification by unit. Plain data; ui.reports
draws them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from desktop_app.domain.registry import FAMILIES
from desktop_app.reports.builtin import builtin_reports
from desktop_app.reports.engine import run_report
from desktop_app.reports.period import Period
from desktop_app.security import authz
from desktop_app.security.roles import Permission

WORK_FAMILIES = ("talk", "letter", "rectification", "duty_report", "warning_session", "reminder")
TOP_UNITS = 8


@dataclass
class Series:
    title: str
    labels: list[str]
    values: dict[str, list[float]]            # series name -> one value per label
    unit: str = "件"
    percent: bool = False


@dataclass
class ChartSet:
    by_month: Series
    overdue_by_unit: Series
    on_time_by_unit: Series
    notes: list[str] = field(default_factory=list)


def _months_back(today: date, n: int) -> list[str]:
    y, m, out = today.year, today.month, []
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


def records_by_month(s, today: date, months: int = 12, period: Period | None = None) -> Series:
    keys = _months_back(period.end if period else today, months)
    first, last = keys[0] + "-01", keys[-1] + "-31"
    values = {}
    for name in WORK_FAMILIES:
        fam = FAMILIES[name]
        counts = dict(s.conn.execute(
            f"SELECT substr({fam.date_field}, 1, 7), count(*) FROM {fam.name}"
            f" WHERE {fam.date_field} BETWEEN ? AND ? AND voided = 0 GROUP BY 1", (first, last)))
        values[fam.label] = [float(counts.get(k, 0)) for k in keys]
    return Series("各月新增记录", [f"{int(k[5:])}月" for k in keys], values)


def overdue_by_unit(s, today: date) -> Series:
    """Open deadlines past due on ``today``, by unit (families that name a unit)."""
    counts: dict[str, int] = {}
    for fam in FAMILIES.values():
        if not fam.deadlines or not fam.unit_field:
            continue
        for name, n in s.conn.execute(
                f"SELECT u.name, count(DISTINCT t.id) FROM deadline d JOIN {fam.name} t ON t.id = d.id"
                f" JOIN unit u ON u.id = t.{fam.unit_field} WHERE d.family = ? AND d.active = 1"
                " AND d.done_date IS NULL AND d.due_date < ? AND t.voided = 0 GROUP BY u.name",
                (fam.name, today.isoformat())):
            counts[name] = counts.get(name, 0) + n
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_UNITS]
    return Series("逾期未办结（按单位）", [k for k, _ in top], {"逾期事项": [float(v) for _, v in top]}, "项")


def on_time_by_unit(s, period: Period) -> Series:
    """按期率 of rectification items due in ``period``, the units with most items."""
    result = run_report(s, builtin_reports()["rectification"], period, by="unit")
    rows = [r for r in result.rows if result.value(r.key, "total")]
    rows.sort(key=lambda r: (-(result.value(r.key, "total") or 0), r.label))
    rows = rows[:TOP_UNITS]
    return Series(f"整改率与按期率（{period.title}，按单位）", [r.label for r in rows],
                  {"整改率": [float(result.value(r.key, "rate") or 0) for r in rows],
                   "按期率": [float(result.value(r.key, "on_time_rate") or 0) for r in rows]}, "%", True)


def chart_set(s, period: Period | None = None) -> ChartSet:
    authz.require(s, Permission.READ_RECORD)
    today = s.today()
    year = period or Period(str(today.year), date(today.year, 1, 1), date(today.year, 12, 31))
    return ChartSet(records_by_month(s, today, period=period), overdue_by_unit(s, today),
                    on_time_by_unit(s, year))
