"""Deadline rules, warning levels, duty-report periods and sanction effect
periods: everything that turns a record's dates into a due date and a colour.

The rules are data (``Rule``) rather than functions so that record
declarations (``domain/schema.py``) can state them, and exchange packages can
carry them, as plain JSON.
"""
from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from desktop_app.domain.calendar import (
    MAX_YEAR, MIN_YEAR, RESOURCES, WorkCalendar, add_days, add_months, days_in_month,
)
from desktop_app.errors import ValidationError

log = logging.getLogger(__name__)

SANCTION_FILE = RESOURCES / "vocab" / "sanction_effects.json"


# ---------------------------------------------------------------- warning levels

class Level(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self]


_LEVEL_LABELS = {Level.GREEN: "正常", Level.YELLOW: "临期", Level.ORANGE: "今日到期", Level.RED: "已逾期"}


@dataclass(frozen=True)
class Thresholds:
    """Office-configurable warning thresholds (domain.md §7: ≤ 5 working days
    left is yellow by default). 0 turns the yellow level off."""

    yellow_working_days: int = 5

    def __post_init__(self) -> None:
        v = self.yellow_working_days
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 60:
            raise ValidationError("yellow_working_days", "临期预警的提前工作日数应为 0 到 60 之间的整数。")


def warning_level(due: date, today: date, cal: WorkCalendar, thresholds: Thresholds = Thresholds()) -> Level:
    """Red when overdue, orange on the day, yellow when at most N working days
    are left (a due date on a weekend or holiday right after the last of them
    counts as close, since nothing can be done before it), green otherwise."""
    if due < today:
        return Level.RED
    if due == today:
        return Level.ORANGE
    n = thresholds.yellow_working_days
    if n > 0 and cal.working_days_left(today, due) <= n:
        return Level.YELLOW
    return Level.GREEN


def yellow_cutoff(today: date, cal: WorkCalendar, thresholds: Thresholds = Thresholds()) -> date:
    """The last due date that is still yellow: a due date is yellow exactly
    when ``today < due <= cutoff``, so SQL can filter on plain date text.
    Returns ``today`` (an empty range) when yellow is turned off."""
    n = thresholds.yellow_working_days
    if n == 0:
        return today
    # The day before the (N+1)-th working day still has N working days left.
    return cal.add_working_days(today, n + 1) - timedelta(days=1)


# ---------------------------------------------------------------- rules

class RuleKind(StrEnum):
    WORKING_DAYS = "working_days"
    DAYS = "days"
    MONTHS = "months"
    NEXT_YEAR_MONTH_DAY = "next_year_month_day"        # 个人事项年度报告：次年1月31日前
    PERIOD_END_WORKING_DAYS = "period_end_working_days"  # 述责述廉：期末后 N 个工作日


# Parameters each kind takes, with their allowed ranges. The upper limits
# only catch typing mistakes (a 15-working-day rule typed as 1500).
_RULE_PARAMS: dict[RuleKind, dict[str, tuple[int, int]]] = {
    RuleKind.WORKING_DAYS: {"n": (0, 250)},
    RuleKind.DAYS: {"n": (0, 3660)},
    RuleKind.MONTHS: {"n": (0, 120)},
    RuleKind.NEXT_YEAR_MONTH_DAY: {"month": (1, 12), "day": (1, 31)},
    RuleKind.PERIOD_END_WORKING_DAYS: {"n": (0, 250)},
}
_PARAM_LABELS = {"n": "数量", "month": "月", "day": "日"}
_KIND_LABELS = {
    RuleKind.WORKING_DAYS: "工作日", RuleKind.DAYS: "自然日", RuleKind.MONTHS: "月",
    RuleKind.NEXT_YEAR_MONTH_DAY: "次年某月某日", RuleKind.PERIOD_END_WORKING_DAYS: "期末后工作日",
}


@dataclass(frozen=True)
class Rule:
    """How a due date follows from a start date.

    ``Rule("working_days", n=15)``, ``Rule("months", n=1)``,
    ``Rule("next_year_month_day", month=1, day=31)``. For
    ``period_end_working_days`` the start is the last day of the duty-report
    period (``period_due`` does that lookup from the period label).
    """

    kind: RuleKind
    n: int | None = None
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        try:
            kind = RuleKind(self.kind)
        except (ValueError, TypeError):
            raise ValidationError("kind", f"未知的期限规则“{self.kind}”。") from None
        object.__setattr__(self, "kind", kind)
        params = _RULE_PARAMS[kind]
        for name in ("n", "month", "day"):
            _check_param(kind, name, getattr(self, name), params.get(name))
        if kind is RuleKind.NEXT_YEAR_MONTH_DAY and self.day > days_in_month(2000, self.month):
            raise ValidationError("day", f"期限规则有误：{self.month}月没有{self.day}日。")

    @classmethod
    def from_json(cls, obj: Any) -> Rule:
        if not isinstance(obj, dict):
            raise ValidationError("rule", "期限规则格式不对：应为 JSON 对象。")
        if "kind" not in obj:
            raise ValidationError("kind", "期限规则缺少“kind”项。")
        try:
            kind = RuleKind(obj["kind"])
        except (ValueError, TypeError):
            raise ValidationError("kind", f"未知的期限规则“{obj['kind']}”。") from None
        params = _RULE_PARAMS[kind]
        for key in obj:
            if key != "kind" and key not in params:
                raise ValidationError("rule", f"期限规则“{_KIND_LABELS[kind]}”有无法识别的项“{key}”。")
        for key in params:
            if key not in obj:
                raise ValidationError(key, f"期限规则“{_KIND_LABELS[kind]}”缺少“{key}”项。")
        return cls(kind, **{key: obj[key] for key in params})

    def to_json(self) -> dict[str, Any]:
        return {"kind": str(self.kind), **{key: getattr(self, key) for key in _RULE_PARAMS[self.kind]}}

    @property
    def label(self) -> str:
        """The rule in Chinese, for forms and letters."""
        k = self.kind
        if k is RuleKind.WORKING_DAYS:
            return f"{self.n}个工作日"
        if k is RuleKind.DAYS:
            return f"{self.n}日"
        if k is RuleKind.MONTHS:
            return f"{self.n}个月"
        if k is RuleKind.NEXT_YEAR_MONTH_DAY:
            return f"次年{self.month}月{self.day}日前"
        return f"期末后{self.n}个工作日"

    def apply(self, start: date, cal: WorkCalendar) -> date:
        """The due date, settled onto a working day under the calendar's
        rest-day rule (``REST_DAY_RULE``; a working-day count lands on one anyway)."""
        return cal.settle(self._raw(start, cal))

    def _raw(self, start: date, cal: WorkCalendar) -> date:
        k = self.kind
        if k is RuleKind.WORKING_DAYS or k is RuleKind.PERIOD_END_WORKING_DAYS:
            return cal.add_working_days(start, self.n)
        if k is RuleKind.DAYS:
            return add_days(start, self.n)
        if k is RuleKind.MONTHS:
            return add_months(start, self.n)
        year = start.year + 1
        # 2月29日 in a common year becomes 2月28日, as for calendar months.
        return date(year, self.month, min(self.day, days_in_month(year, self.month)))


def _check_param(kind: RuleKind, name: str, value: Any, limits: tuple[int, int] | None) -> None:
    what = f"期限规则“{_KIND_LABELS[kind]}”的{_PARAM_LABELS[name]}"
    if limits is None:
        if value is not None:
            raise ValidationError(name, f"{what}不适用，应留空。")
        return
    lo, hi = limits
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ValidationError(name, f"{what}应为 {lo} 到 {hi} 之间的整数。")


# ---------------------------------------------------------------- typed deadlines

REST_DAY_RULE = "遇节假日顺延至下一工作日"
REST_DAY_RULE_HELP = ("按自然日或月计算的期限，届满日是周六、周日或法定节假日的，"
                      "顺延至其后第一个工作日（民法典第二百零三条）。")
WEEKDAYS = "一二三四五六日"
MAX_RELATIVE = {"working_days": 250, "days": 3660, "months": 120}

_RELATIVE_RE = re.compile(
    r"\+?\s*(?P<n>[0-9]{1,5})\s*(?P<unit>个?工作日|个?自然日|天|日|个月|月)?")
_UNITS = {"工作日": "working_days", "个工作日": "working_days", "自然日": "days",
          "个自然日": "days", "天": "days", "日": "days", "个月": "months", "月": "months"}
_RELATIVE_HINT = "可写“+10”或“10个工作日”（工作日）、“30天”（自然日）、“2个月”，或直接写日期"


def weekday_cn(d: date) -> str:
    return "星期" + WEEKDAYS[d.weekday()]


def looks_relative(text: str) -> bool:
    """Whether ``text`` is meant as a count from the start ("+10", "10个工作日")
    rather than a date ("2026-12-07")."""
    t = unicodedata.normalize("NFKC", text or "").strip()
    return bool(t) and (t.startswith("+") or bool(re.search(r"[0-9]\s*(个|工作|自然|天|日|月)", t))) \
        and not re.match(r"[0-9]{4}\s*[-/.年]", t)


def parse_relative(text: str, start: date | None, cal: WorkCalendar,
                   *, field: str = "deadline", start_label: str = "起算日") -> tuple[date, Rule]:
    """"+10" or "10个工作日" (working days), "30天" (calendar days, settled by the
    rest-day rule), "2个月": the due date counted from ``start`` and the rule
    that gave it. Full-width digits and signs are accepted (Chinese input
    methods type them)."""
    t = unicodedata.normalize("NFKC", text or "").strip()
    m = _RELATIVE_RE.fullmatch(t)
    if m is None:
        raise ValidationError(field, f"“{_short(text)}”看不懂。{_RELATIVE_HINT}。")
    if start is None:
        raise ValidationError(field, f"请先填写{start_label}，才能按“{t}”推算期限。")
    kind = _UNITS[m["unit"]] if m["unit"] else "working_days"
    n = int(m["n"])
    if not 1 <= n <= MAX_RELATIVE[kind]:
        unit = {"working_days": "个工作日", "days": "天", "months": "个月"}[kind]
        raise ValidationError(field, f"“{t}”超出范围：应为 1 到 {MAX_RELATIVE[kind]}{unit}。")
    rule = Rule(kind, n=n)
    try:
        due = rule.apply(start, cal)
    except (OverflowError, ValueError):
        raise ValidationError(field, f"“{t}”推算出的日期超出范围。") from None
    return due, rule


def _short(text: str) -> str:
    text = text or ""
    return text if len(text) <= 20 else text[:20] + "…"


# ---------------------------------------------------------------- periods

CYCLES = ("周", "月", "季", "半年", "年")

_PERIOD_RE = re.compile(
    r"(?P<year>[0-9]{4})(?:W(?P<week>[0-9]{2})|-(?P<month>[0-9]{2})|Q(?P<quarter>[1-4])|H(?P<half>[12]))?"
)
_PERIOD_HINT = "应写作 2026W07（周）、2026-03（月）、2026Q2（季）、2026H1（半年）或 2026（年）"


def period_bounds(label: str) -> tuple[date, date]:
    """First and last day of a duty-report period label."""
    m = _PERIOD_RE.fullmatch(label) if isinstance(label, str) else None
    if m is None:
        raise ValidationError("period", f"期间“{label}”格式不对，{_PERIOD_HINT}。")
    year = int(m["year"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError("period", f"期间“{label}”的年份超出范围（{MIN_YEAR}–{MAX_YEAR}）。")
    if m["week"]:
        week = int(m["week"])
        try:
            first = date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValidationError("period", f"期间“{label}”有误：{year} 年没有第 {week} 周。") from None
        return first, first + timedelta(days=6)
    if m["month"]:
        month = int(m["month"])
        if not 1 <= month <= 12:
            raise ValidationError("period", f"期间“{label}”有误：没有 {month} 月。")
        return date(year, month, 1), date(year, month, days_in_month(year, month))
    if m["quarter"] or m["half"]:
        months = 3 if m["quarter"] else 6
        last_month = int(m["quarter"] or m["half"]) * months
        first_month = last_month - months + 1
        return date(year, first_month, 1), date(year, last_month, days_in_month(year, last_month))
    return date(year, 1, 1), date(year, 12, 31)


def period_label(cycle: str, d: date) -> str:
    """The label of the period of ``cycle`` that contains ``d``. Weeks are ISO
    weeks, so 2025-12-29 belongs to 2026W01."""
    if cycle == "周":
        year, week, _ = d.isocalendar()
        return f"{year:04d}W{week:02d}"
    if cycle == "月":
        return f"{d.year:04d}-{d.month:02d}"
    if cycle == "季":
        return f"{d.year:04d}Q{(d.month - 1) // 3 + 1}"
    if cycle == "半年":
        return f"{d.year:04d}H{1 if d.month <= 6 else 2}"
    if cycle == "年":
        return f"{d.year:04d}"
    raise ValidationError("cycle", f"未知的述责周期“{cycle}”，应为 周、月、季、半年 或 年。")


def period_due(label: str, rule: Rule, cal: WorkCalendar) -> date:
    """Due date of a duty report: ``rule`` applied to the period's last day."""
    return rule.apply(period_bounds(label)[1], cal)


# ---------------------------------------------------------------- sanction effects

@dataclass(frozen=True)
class SanctionEffect:
    """Effect period of one kind of sanction or organisational measure."""

    kind: str
    months: int | None           # default; None: no period, or the decision states it
    choices: tuple[int, ...]     # months a decision may state; empty: fixed period
    source: str


@lru_cache(maxsize=4)
def load_sanction_effects(path: Path = SANCTION_FILE) -> Mapping[str, SanctionEffect]:
    """Read ``resources/vocab/sanction_effects.json`` once per process."""
    try:
        with open(path, encoding="utf-8-sig") as f:
            obj = json.load(f)
    except (OSError, ValueError) as e:
        raise ValidationError("sanction_effects", f"处分影响期表 {path.name} 无法读取：{e}") from None
    kinds = obj.get("kinds") if isinstance(obj, dict) else None
    if not isinstance(kinds, dict) or not kinds:
        raise ValidationError("sanction_effects", f"处分影响期表 {path.name} 缺少“kinds”。")
    return MappingProxyType({kind: _parse_effect(path.name, kind, v) for kind, v in kinds.items()})


def _parse_effect(file: str, kind: str, obj: Any) -> SanctionEffect:
    def bad(why: str) -> ValidationError:
        return ValidationError("sanction_effects", f"处分影响期表 {file} 中“{kind}”{why}")

    if not isinstance(obj, dict) or not isinstance(obj.get("source"), str):
        raise bad("应为含“source”（依据）的 JSON 对象。")
    if set(obj) - {"months", "choices", "source"}:
        raise bad("有无法识别的项。")
    months, choices = obj.get("months"), obj.get("choices", [])
    if months is not None and not _is_month_count(months):
        raise bad("的月数应为 1 到 120 之间的整数或 null。")
    if not isinstance(choices, list) or not all(_is_month_count(c) for c in choices):
        raise bad("的可选月数应为 1 到 120 之间的整数列表。")
    if months is not None and choices and months not in choices:
        raise bad("的默认月数不在可选月数之中。")
    return SanctionEffect(kind, months, tuple(choices), obj["source"])


def _is_month_count(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 120


def effect_end(kind: str, decided: date, months: int | None = None) -> date | None:
    """影响期届满日: ``decided`` plus the kind's period in calendar months.

    ``months`` is the period stated in the decision, for kinds whose period
    varies (留党察看 一年或二年, 停职检查 不超过六个月); a fixed period cannot
    be overridden. Returns None for kinds without an effect period (开除党籍,
    通报).
    """
    effect = load_sanction_effects().get(kind)
    if effect is None:
        raise ValidationError("kind", f"未知的处分或处理种类“{kind}”。")
    if months is not None and not _is_month_count(months):
        raise ValidationError("months", f"{kind}的月数应为 1 到 120 之间的整数。")
    if months is None:
        months = effect.months
        if months is None and effect.choices:
            raise ValidationError("months", f"{kind}须写明期限（{_months_text(effect.choices)}）。")
    elif not effect.choices:
        if effect.months is None:
            raise ValidationError("months", f"{kind}没有影响期，不应填写月数。")
        if months != effect.months:
            raise ValidationError("months", f"{kind}的影响期固定为 {effect.months} 个月，不能另填。")
    elif months not in effect.choices:
        raise ValidationError("months", f"{kind}的期限应为{_months_text(effect.choices)}。")
    return None if months is None else add_months(decided, months)


def _months_text(choices: tuple[int, ...]) -> str:
    return "、".join(str(c) for c in choices) + " 个月之一"
