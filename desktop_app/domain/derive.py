"""Values the program computes rather than lets people type: deadlines,
影响期届满日, 按时与否. Computed on every write from the record's values."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from desktop_app.domain import deadlines as dl
from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.schema import Deadline, Family
from desktop_app.domain.vocab import RESOURCES

MAJOR_MATTER_DAYS = 30   # 事后 30 日内报告（领导干部报告个人有关事项规定第 6 条）


@dataclass(frozen=True)
class DueItem:
    kind: str
    label: str
    due: date
    done: date | None


@cache
def duty_cycle_rules() -> dict[str, dl.Rule]:
    with open(RESOURCES / "vocab" / "duty_cycles.json", encoding="utf-8") as fh:
        data = json.load(fh)
    return {k: dl.Rule.from_json(v) for k, v in data.items() if not k.startswith("_")}


def _d(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def due_date(spec: Deadline, values: dict[str, Any], cal: WorkCalendar) -> date | None:
    if spec.start and spec.rule is not None:
        start = _d(values.get(spec.start))
        if start is None:
            return None
        rule = spec.rule
        if spec.n_field and values.get(spec.n_field):
            rule = dl.Rule.from_json({"kind": rule.kind, "n": int(values[spec.n_field])})
        return rule.apply(start, cal)
    if spec.due_field:   # "a|b": the first of the fields that holds a date
        for name in spec.due_field.split("|"):
            if values.get(name):
                return _d(values[name])
    return None
    return None


def due_items(fam: Family, values: dict[str, Any], cal: WorkCalendar) -> list[DueItem]:
    out = []
    for spec in fam.deadlines:
        if not spec.applies(values):
            continue
        due = due_date(spec, values, cal)
        if due is not None:
            out.append(DueItem(spec.kind, spec.label, due, _d(values.get(spec.done_field))))
    return out


def derived_values(fam: Family, values: dict[str, Any], cal: WorkCalendar) -> dict[str, Any]:
    """Fields whose value follows from others; merged over what was typed."""
    fn = _DERIVERS.get(fam.name)
    return fn(values, cal) if fn else {}


def _sanction(values, cal):
    decided = _d(values.get("decided"))
    if not decided or not values.get("kind"):
        return {}
    end = dl.effect_end(values["kind"], decided, values.get("effect_months"))
    return {"effect_end": end.isoformat() if end else None}


def _duty(values, cal):
    cycle, period = values.get("cycle"), values.get("period")
    rule = duty_cycle_rules().get(cycle)
    if not rule or not period:
        return {}
    start, end = dl.period_bounds(period)
    if dl.period_label(cycle, start) != period:
        from desktop_app.errors import ValidationError
        raise ValidationError("period", f"期间“{period}”与周期“{cycle}”不符。")
    anchor = start if rule.kind == "next_year_month_day" else end
    return {"due": rule.apply(anchor, cal).isoformat()}


def _major_matter(values, cal):
    reported, event = _d(values.get("report_date")), _d(values.get("event_date"))
    if not reported or not event:
        return {}
    return {"on_time": int(reported <= event + timedelta(days=MAJOR_MATTER_DAYS))}


def _letter(values, cal):
    if values.get("letter_type") == "函询" and values.get("delivered_date"):
        due = dl.Rule.from_json({"kind": "working_days", "n": 15}).apply(
            date.fromisoformat(values["delivered_date"]), cal)
        return {"reply_due": due.isoformat()}
    return {}


_DERIVERS = {"sanction": _sanction, "duty_report": _duty, "major_matter": _major_matter,
             "letter": _letter}
# Derived values that follow the working-day calendar: recomputed when a holiday
# table or the rest-day rule changes (services/holidays.recompute_stored).
CALENDAR_DERIVED = ("duty_report", "letter")
