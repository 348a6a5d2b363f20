"""The chart of a report: its first figure per row (rows with a figure), or for a
rectification table the 按期率; for the 预警清单, items by kind and colour."""
from __future__ import annotations

from collections import Counter

from desktop_app.reports.chart_data import Series
from desktop_app.reports.engine import ReportResult

MAX_BARS = 16


def series_of(result: ReportResult) -> Series:
    if result.defn.kind == "deadlines":
        counted = Counter((i["family_label"], i["level"]) for i in result.items)   # one pass
        kinds = sorted({k for k, _lv in counted})
        values = {label: [float(counted[k, lv]) for k in kinds]
                  for lv, label in (("red", "已逾期"), ("yellow", "临期"), ("orange", "今日到期"))}
        return Series(f"{result.defn.title}（按类别）", kinds, {k: v for k, v in values.items() if any(v)}, "项")
    ratio = next((c for c in result.columns if c.ratio and "按期" in c.label), None)
    col = ratio or next(c for c in result.columns if not c.ratio)
    rows = [r for r in result.rows if result.value(r.key, col.key)]
    if result.by != "month":
        rows.sort(key=lambda r: -(result.value(r.key, col.key) or 0))
    rows = rows[:MAX_BARS]
    if result.by == "month":
        rows.sort(key=lambda r: str(r.key))
    return Series(f"{result.defn.title}·{col.label}（{result.period.title}）", [r.label for r in rows],
                  {col.label: [float(result.value(r.key, col.key) or 0) for r in rows]},
                  "%" if col.ratio else "", bool(col.ratio))
