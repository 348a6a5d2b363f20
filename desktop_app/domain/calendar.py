"""The working-day calendar: statutory holidays, make-up working days, and the
date arithmetic every deadline is built from.

Why tables and not a formula: the State Council fixes each year's holidays and
make-up working days (调休上班) by notice, so the program carries one editable
table per year (``resources/holidays/YYYY.json``, domain.md §7). A year nobody
has entered yet counts weekends only, and callers say so to the user
(``uncovered_years``).

Tables come from files that clerks edit by hand and from exchange packages, so
``YearTable.from_json`` accepts any object and answers either with a table or
with a ``ValidationError`` carrying a Chinese message; it never crashes.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterable, Mapping

from desktop_app.errors import ValidationError, reason
from desktop_app.paths import resource_dir

log = logging.getLogger(__name__)

RESOURCES = resource_dir()
HOLIDAY_DIR = RESOURCES / "holidays"

# Years outside this range are typing mistakes, not holiday tables.
MIN_YEAR, MAX_YEAR = 1949, 2199
# The longest official break so far is 10 days (春节 2020, extended); anything
# much longer is a typo such as a wrong month in the last day.
MAX_OFF_SPAN = 15
MAX_HOLIDAYS = 20
MAX_MAKE_UP_PER_HOLIDAY = 5

# ASCII digits only: ``\d`` would also accept full-width digits typed in a
# Chinese input method, which date.fromisoformat then rejects obscurely.
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TABLE_KEYS = ("year", "notice", "issued", "holidays")
_HOLIDAY_KEYS = ("name", "off", "work")


# ---------------------------------------------------------------- plain dates

def days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def add_days(start: date, n: int) -> date:
    return start + timedelta(days=n)


def add_months(start: date, n: int) -> date:
    """Calendar months, same day of month; a missing day becomes the month's
    last day (1月31日 + 1个月 = 2月28/29日), as domain.md §7 prescribes."""
    months = start.year * 12 + start.month - 1 + n
    year, month = divmod(months, 12)
    month += 1
    return date(year, month, min(start.day, days_in_month(year, month)))


# ---------------------------------------------------------------- year tables

@dataclass(frozen=True)
class Holiday:
    """One holiday of a notice: the inclusive range of days off and the
    weekend days worked in exchange."""

    name: str
    first: date
    last: date
    work: tuple[date, ...] = ()


@dataclass(frozen=True)
class YearTable:
    """One year's holiday schedule as published in one notice.

    ``holidays`` is the source of truth (it round-trips through JSON); the
    per-day sets below are derived once so that lookups are set lookups.
    """

    year: int
    notice: str
    issued: date
    holidays: tuple[Holiday, ...]
    days_off: frozenset[date] = field(init=False, repr=False, compare=False)
    make_up_days: frozenset[date] = field(init=False, repr=False, compare=False)
    day_names: Mapping[date, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_table(self)
        names: dict[date, str] = {}
        for h in self.holidays:
            for ordinal in range(h.first.toordinal(), h.last.toordinal() + 1):
                names[date.fromordinal(ordinal)] = h.name
        make_up = frozenset(d for h in self.holidays for d in h.work)
        object.__setattr__(self, "days_off", frozenset(names))
        object.__setattr__(self, "make_up_days", make_up)
        # A plain dict, not a MappingProxyType: tables must pickle (worker
        # processes, deepcopy); nothing writes to it after this point.
        object.__setattr__(self, "day_names", names)

    @classmethod
    def from_json(cls, obj: Any) -> YearTable:
        """Parse the ``resources/holidays/YYYY.json`` format, refusing anything
        malformed with a ``ValidationError``."""
        if not isinstance(obj, dict):
            raise ValidationError("table", "节假日安排表格式不对：应为一个 JSON 对象。")
        _check_keys(obj, _TABLE_KEYS, "table", "节假日安排表")
        year = _parse_int(obj["year"], "year", "年度")
        notice = _parse_text(obj["notice"], "notice", "通知名称", 200)
        issued = _parse_date(obj["issued"], "issued", "通知发布日期")
        raw = obj["holidays"]
        if not isinstance(raw, list) or not raw:
            raise ValidationError("holidays", "节假日安排表中“holidays”应为非空列表。")
        if len(raw) > MAX_HOLIDAYS:
            raise ValidationError("holidays", f"节假日安排表列了 {len(raw)} 个节日，超过 {MAX_HOLIDAYS} 个，请核对。")
        holidays = tuple(_parse_holiday(item, i) for i, item in enumerate(raw))
        return cls(year, notice, issued, holidays)

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "notice": self.notice,
            "issued": self.issued.isoformat(),
            "holidays": [
                {"name": h.name,
                 "off": [h.first.isoformat(), h.last.isoformat()],
                 "work": [d.isoformat() for d in h.work]}
                for h in self.holidays
            ],
        }


def read_table_file(path: Path) -> YearTable:
    """Read one ``YYYY.json``; every failure becomes a ``ValidationError``
    whose field is the file name, so the user knows which file to fix."""
    name = path.name
    try:
        # utf-8-sig: Windows Notepad may save the file with a byte-order mark.
        with open(path, encoding="utf-8-sig") as f:
            obj = json.load(f)
    except UnicodeDecodeError:
        raise ValidationError(name, f"{name} 不是 UTF-8 编码，请用记事本“另存为”UTF-8 后重试。") from None
    except json.JSONDecodeError as e:
        raise ValidationError(name, f"{name} 不是有效的 JSON：第 {e.lineno} 行第 {e.colno} 列附近有错（{e.msg}）。") from None
    except RecursionError:
        raise ValidationError(name, f"{name} 嵌套层次过深，不是节假日安排表。") from None
    except OSError as e:
        raise ValidationError(name, f"无法读取 {name}：{reason(e)}。") from None
    try:
        table = YearTable.from_json(obj)
    except ValidationError as e:
        raise ValidationError(name, f"{name}：{e.message}") from None
    if path.stem != str(table.year):
        raise ValidationError(name, f"{name} 中填写的年度是 {table.year} 年，文件名应为 {table.year}.json。")
    return table


# ---------------------------------------------------------------- parsing

def _show(value: Any) -> str:
    """A short rendering of a bad value for a message (it may be huge, deeply
    nested or even circular when it comes from code rather than a file)."""
    try:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, RecursionError):
        text = "…"
    return text if len(text) <= 30 else text[:30] + "…"


def _check_keys(obj: dict, expected: tuple[str, ...], where: str, label: str) -> None:
    for key in expected:
        if key not in obj:
            raise ValidationError(where, f"{label}缺少“{key}”项。")
    # Unknown keys are refused because they are usually typos ("wrok"), and a
    # typo silently ignored would drop make-up days from the calendar.
    for key in obj:
        if key not in expected:
            raise ValidationError(where, f"{label}有无法识别的项“{_show(key)}”。")


def _parse_int(value: Any, where: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(where, f"{label}“{_show(value)}”应为整数。")
    return value


def _parse_text(value: Any, where: str, label: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(where, f"{label}不能为空，应为文字。")
    if len(value) > limit:
        raise ValidationError(where, f"{label}超过 {limit} 个字。")
    return value.strip()


def _parse_date(value: Any, where: str, label: str) -> date:
    message = f"{label}“{_show(value)}”不是有效日期，应写作 2026-01-01 这样的格式。"
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        raise ValidationError(where, message)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(where, message) from None


def _parse_holiday(item: Any, i: int) -> Holiday:
    where, label = f"holidays[{i}]", f"第 {i + 1} 个节日"
    if not isinstance(item, dict):
        raise ValidationError(where, f"{label}格式不对：应为 JSON 对象。")
    _check_keys(item, _HOLIDAY_KEYS, where, label)
    name = _parse_text(item["name"], f"{where}.name", f"{label}的名称", 20)
    label = f"{label}“{name}”"
    off = item["off"]
    if not isinstance(off, list) or len(off) != 2:
        raise ValidationError(f"{where}.off", f"{label}的放假日期应写成 [首日, 末日] 两个日期。")
    first = _parse_date(off[0], f"{where}.off", f"{label}的放假首日")
    last = _parse_date(off[1], f"{where}.off", f"{label}的放假末日")
    work = item["work"]
    if not isinstance(work, list) or len(work) > MAX_MAKE_UP_PER_HOLIDAY:
        raise ValidationError(f"{where}.work", f"{label}的调休上班日应为列表，最多 {MAX_MAKE_UP_PER_HOLIDAY} 天。")
    days = tuple(_parse_date(d, f"{where}.work", f"{label}的调休上班日") for d in work)
    return Holiday(name, first, last, days)


def _check_table(t: YearTable) -> None:
    """Rules a table must satisfy however it was built (JSON or code)."""
    if not MIN_YEAR <= t.year <= MAX_YEAR:
        raise ValidationError("year", f"年度 {t.year} 超出范围（{MIN_YEAR}–{MAX_YEAR}）。")
    # A notice appears in the autumn before its year, or (amendments, as in
    # 2020) during the year itself.
    if t.issued.year not in (t.year - 1, t.year):
        raise ValidationError("issued", f"通知发布日期 {t.issued} 与年度 {t.year} 不符，应在 {t.year - 1} 年或 {t.year} 年。")
    taken: dict[date, str] = {}
    for i, h in enumerate(t.holidays):
        _check_holiday(t.year, h, i, taken)


def _check_holiday(year: int, h: Holiday, i: int, taken: dict[date, str]) -> None:
    where, label = f"holidays[{i}]", f"第 {i + 1} 个节日“{h.name}”"
    for d in (h.first, h.last):
        if d.year != year:
            raise ValidationError(f"{where}.off", f"{label}的放假日期 {d} 不在 {year} 年内。")
    if h.first > h.last:
        raise ValidationError(f"{where}.off", f"{label}的放假首日 {h.first} 晚于末日 {h.last}。")
    span = (h.last - h.first).days + 1
    if span > MAX_OFF_SPAN:
        raise ValidationError(f"{where}.off", f"{label}放假 {span} 天，超过 {MAX_OFF_SPAN} 天，请核对日期。")
    if all(date.fromordinal(o).weekday() >= 5 for o in range(h.first.toordinal(), h.last.toordinal() + 1)):
        raise ValidationError(f"{where}.off", f"{label}的放假日期 {h.first} 至 {h.last} 都是周六、周日，本来就休息；"
                                              "请填写含工作日在内的整段假期。")
    for ordinal in range(h.first.toordinal(), h.last.toordinal() + 1):
        d = date.fromordinal(ordinal)
        if d in taken:
            raise ValidationError(f"{where}.off", f"{label}的放假日期 {d} 与“{taken[d]}”重叠。")
        taken[d] = h.name
    for d in h.work:
        _check_make_up_day(year, d, where, label, taken)
        taken[d] = f"{h.name}调休上班日"


def _check_make_up_day(year: int, d: date, where: str, label: str, taken: dict[date, str]) -> None:
    if d.year != year:
        raise ValidationError(f"{where}.work", f"{label}的调休上班日 {d} 不在 {year} 年内。")
    if d.weekday() < 5:
        raise ValidationError(f"{where}.work", f"{label}的调休上班日 {d} 不是周六或周日；工作日本来就上班，无需列出。")
    if d in taken:
        raise ValidationError(f"{where}.work", f"{label}的调休上班日 {d} 已列为“{taken[d]}”。")


# ---------------------------------------------------------------- calendar

@dataclass(frozen=True, slots=True)
class _YearIndex:
    """Working days of one year, for O(1) counting.

    ``work`` holds the ordinals of the working days in order; ``upto[i]`` is
    the number of working days among the year's first ``i + 1`` days.
    """

    first: int
    work: tuple[int, ...]
    upto: tuple[int, ...]


class WorkCalendar:
    """Working days under the entered year tables; weekends only elsewhere.

    Immutable from the outside: ``with_table`` returns a new calendar. The
    per-year indexes are built lazily and cached, because a bulk deadline
    pass over 100,000 records touches only a handful of years.
    """

    def __init__(self, tables: Iterable[YearTable] = (), *, rest_day_shift: bool = True) -> None:
        # 期限届满日遇休息日顺延 (the office setting ``deadline.rest_day_shift``,
        # on by default): a computed due date is settled onto a working day.
        self.rest_day_shift = bool(rest_day_shift)
        by_year: dict[int, YearTable] = {}
        for t in tables:
            if t.year in by_year:
                raise ValidationError("year", f"{t.year} 年的节假日安排重复录入。")
            by_year[t.year] = t
        self._tables = by_year
        self._off = frozenset().union(*(t.days_off for t in by_year.values()))
        self._make_up = frozenset().union(*(t.make_up_days for t in by_year.values()))
        self._names = {d: n for t in by_year.values() for d, n in t.day_names.items()}
        self._index: dict[int, _YearIndex] = {}
        self._problems: tuple[str, ...] = ()

    @classmethod
    def load_default(cls, directory: Path | None = None) -> WorkCalendar:
        """Load every ``YYYY.json`` in ``resources/holidays``.

        A broken file must not stop the program from starting: it is skipped,
        logged, and its message kept in ``problems`` for the GUI to show; its
        year then counts weekends only, as ``uncovered_years`` reports.
        """
        folder = HOLIDAY_DIR if directory is None else directory
        tables, problems = [], []
        for path in sorted(folder.glob("*.json")):
            try:
                tables.append(read_table_file(path))
            except ValidationError as e:
                log.error("节假日安排表未载入：%s", e.message)
                problems.append(e.message)
        cal = cls(tables)
        cal._problems = tuple(problems)
        return cal

    def with_table(self, table: YearTable) -> WorkCalendar:
        """A calendar with ``table`` added, replacing any table of its year."""
        cal = WorkCalendar([t for t in self._tables.values() if t.year != table.year] + [table],
                           rest_day_shift=self.rest_day_shift)
        cal._problems = self._problems
        return cal

    def with_rest_day_shift(self, on: bool) -> WorkCalendar:
        """The same tables with the rest-day rule switched on or off."""
        cal = WorkCalendar(self._tables.values(), rest_day_shift=on)
        cal._problems = self._problems
        return cal

    @property
    def tables(self) -> tuple[YearTable, ...]:
        return tuple(self._tables[y] for y in sorted(self._tables))

    @property
    def problems(self) -> tuple[str, ...]:
        """Chinese messages about table files that ``load_default`` skipped."""
        return self._problems

    def has_table(self, year: int) -> bool:
        return year in self._tables

    def uncovered_years(self, dates: Iterable[date]) -> set[int]:
        """Years among ``dates`` counted by weekends only (no table entered)."""
        return {d.year for d in dates} - self._tables.keys()

    def is_working_day(self, d: date) -> bool:
        if d in self._make_up:
            return True
        return d.weekday() < 5 and d not in self._off

    def holiday_name(self, d: date) -> str | None:
        """The holiday a day off belongs to (weekends inside the break
        included); None for ordinary days and for make-up working days."""
        return self._names.get(d)

    def next_working_day(self, d: date) -> date:
        """``d`` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def settle(self, due: date) -> date:
        """A computed due date under the office's rest-day rule: moved to the next
        working day when the rule is on (民法典第二百零三条: 期限的最后一日是法定
        休假日的，以法定休假日结束的次日为期限的最后一日), unchanged when off."""
        return self.next_working_day(due) if self.rest_day_shift else due

    def add_working_days(self, start: date, n: int) -> date:
        """"自收到之日起 N 个工作日": day 1 is the first working day after
        ``start`` (the day of receipt is not counted); n=0 returns ``start``."""
        if n < 0:
            raise ValueError(f"n must not be negative, got {n}")
        if n == 0:
            return start
        year = start.year
        idx = self._year_index(year)
        pos = idx.upto[start.toordinal() - idx.first] + n  # 1-based within `year`
        while pos > len(idx.work):
            pos -= len(idx.work)
            year += 1
            idx = self._year_index(year)
        return date.fromordinal(idx.work[pos - 1])

    def working_days_left(self, today: date, due: date) -> int:
        """Working days after ``today`` up to and including ``due``; 0 when
        due is today, negative (the working days after ``due`` up to and
        including ``today``) when overdue. Inverts ``add_working_days``."""
        if today.year == due.year:
            return self._rank(due) - self._rank(today)
        lo, hi, sign = (today, due, 1) if today < due else (due, today, -1)
        between = sum(len(self._year_index(y).work) for y in range(lo.year + 1, hi.year))
        total = len(self._year_index(lo.year).work) - self._rank(lo) + between + self._rank(hi)
        return sign * total

    # Plain calendar arithmetic lives here too so that every deadline rule is
    # applied through one object.
    add_days = staticmethod(add_days)
    add_months = staticmethod(add_months)

    def _rank(self, d: date) -> int:
        """Working days from 1 January of ``d``'s year up to and including d."""
        idx = self._year_index(d.year)
        return idx.upto[d.toordinal() - idx.first]

    def _year_index(self, year: int) -> _YearIndex:
        idx = self._index.get(year)
        if idx is None:
            # A race between threads only builds the same index twice.
            idx = self._index[year] = self._build_index(year)
        return idx

    def _build_index(self, year: int) -> _YearIndex:
        first = date(year, 1, 1).toordinal()
        last = date(year, 12, 31).toordinal()
        work: list[int] = []
        upto: list[int] = []
        for ordinal in range(first, last + 1):
            if self.is_working_day(date.fromordinal(ordinal)):
                work.append(ordinal)
            upto.append(len(work))
        return _YearIndex(first, tuple(work), tuple(upto))

    def __repr__(self) -> str:
        return f"WorkCalendar(years={sorted(self._tables)}, rest_day_shift={self.rest_day_shift})"
