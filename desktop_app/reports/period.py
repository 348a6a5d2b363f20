"""Report periods: a month, quarter, half-year, year or a custom range of days."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from desktop_app.domain.deadlines import period_bounds
from desktop_app.errors import ValidationError

_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\s*(?:\.\.|~|～|至)\s*(\d{4}-\d{2}-\d{2})")
_CN_MONTH = re.compile(r"(\d{4})年(\d{1,2})月")
_CN_QUARTER = re.compile(r"(\d{4})年第?([1-4一二三四])季度")
_CN_HALF = re.compile(r"(\d{4})年(上|下)半年")
_CN_YEAR = re.compile(r"(\d{4})年?(?:度)?")
_CN_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}
HINT = ("期间可写 2026-03（月）、2026Q3（季度）、2026H1（半年）、2026（年），"
        "或 2026-01-05..2026-03-31（自定义）")


@dataclass(frozen=True)
class Period:
    label: str          # canonical: 2026Q3, 2026-03, 2026H1, 2026, 2026-01-05..2026-03-31
    start: date
    end: date

    @property
    def title(self) -> str:
        """How the period is written on a table: 2026年第三季度."""
        s, lab = self.start, self.label
        if "Q" in lab:
            return f"{s.year}年第{'一二三四'[int(lab[-1]) - 1]}季度"
        if "H" in lab:
            return f"{s.year}年{'上' if lab.endswith('1') else '下'}半年"
        if len(lab) == 7:
            return f"{s.year}年{s.month}月"
        if len(lab) == 4:
            return f"{s.year}年度"
        e = self.end
        return f"{s.year}年{s.month}月{s.day}日至{e.year}年{e.month}月{e.day}日"

    def as_of(self, today: date) -> date:
        """The day overdue is judged on: the period's last day, or today while it runs."""
        return min(self.end, today)


def parse_period(text: str) -> Period:
    text = (text or "").strip()
    m = _RANGE.fullmatch(text)
    if m:
        try:
            start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        except ValueError:
            raise ValidationError("period", f"期间“{text}”中的日期不存在。{HINT}。") from None
        if end < start:
            raise ValidationError("period", f"期间“{text}”的结束日早于开始日。")
        if (end - start).days > 366 * 10:
            raise ValidationError("period", f"期间“{text}”超过十年，请缩小范围。")
        return Period(f"{start.isoformat()}..{end.isoformat()}", start, end)
    label = _canonical(text)
    if "W" in label.upper():
        raise ValidationError("period", f"报表不按周统计。{HINT}。")
    try:
        start, end = period_bounds(label)
    except ValidationError:
        raise ValidationError("period", f"期间“{text}”格式不对。{HINT}。") from None
    return Period(label, start, end)


def _canonical(text: str) -> str:
    """Also accept what a clerk writes: 2026年3月, 2026年第三季度, 2026年上半年, 2026年度."""
    if m := _CN_QUARTER.fullmatch(text):
        return f"{m[1]}Q{_CN_DIGITS.get(m[2], m[2])}"
    if m := _CN_HALF.fullmatch(text):
        return f"{m[1]}H{1 if m[2] == '上' else 2}"
    if m := _CN_MONTH.fullmatch(text):
        return f"{m[1]}-{int(m[2]):02d}"
    if m := _CN_YEAR.fullmatch(text):
        return m[1]
    return text.upper().replace("M", "-") if re.fullmatch(r"\d{4}M\d{2}", text.upper()) else text.upper()


def period_of_kind(kind: str, today: date) -> Period:
    """The current month / quarter / half-year / year (the GUI's defaults)."""
    labels = {"month": f"{today.year}-{today.month:02d}", "quarter": f"{today.year}Q{(today.month - 1) // 3 + 1}",
              "half": f"{today.year}H{1 if today.month <= 6 else 2}", "year": f"{today.year}"}
    return parse_period(labels[kind])
