"""The working-day calendar: the official 2025/2026 tables, counting rules,
month arithmetic, and refusal of every kind of bad table."""
from __future__ import annotations

import copy
import json
import pickle
import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from desktop_app.domain.calendar import (
    HOLIDAY_DIR, WorkCalendar, YearTable, add_months, read_table_file,
)
from desktop_app.errors import ValidationError

D = date.fromisoformat
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.load_default()


def table_json(year: int = 2026) -> dict:
    with open(HOLIDAY_DIR / f"{year}.json", encoding="utf-8") as f:
        return json.load(f)


def naive_add(cal: WorkCalendar, start: date, n: int) -> date:
    """The counting rule stated literally, as the oracle for the fast path."""
    d = start
    while n > 0:
        d += timedelta(days=1)
        if cal.is_working_day(d):
            n -= 1
    return d


# ---------------------------------------------------------------- official tables

def test_default_tables_load_without_problems(cal):
    assert cal.has_table(2025) and cal.has_table(2026)
    assert not cal.has_table(2027)
    assert cal.problems == ()


@pytest.mark.parametrize("off", [
    "2025-01-01", "2025-01-28", "2025-02-04", "2025-04-04", "2025-05-05", "2025-06-02",
    "2025-10-01", "2025-10-08",
    "2026-01-01", "2026-01-02", "2026-02-16", "2026-02-23", "2026-04-06", "2026-05-05",
    "2026-06-19", "2026-09-25", "2026-10-01", "2026-10-07",
])
def test_official_days_off(cal, off):
    assert not cal.is_working_day(D(off))


@pytest.mark.parametrize("work", [
    "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
    "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
])
def test_official_make_up_days_are_weekends_that_work(cal, work):
    d = D(work)
    assert d.weekday() >= 5
    assert cal.is_working_day(d)
    assert cal.holiday_name(d) is None


def test_exact_sets_of_2026():
    t = YearTable.from_json(table_json(2026))
    assert len(t.days_off) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert t.make_up_days == {D("2026-01-04"), D("2026-02-14"), D("2026-02-28"), D("2026-05-09"),
                              D("2026-09-20"), D("2026-10-10")}


def test_exact_sets_of_2025():
    t = YearTable.from_json(table_json(2025))
    assert len(t.days_off) == 1 + 8 + 3 + 5 + 3 + 8
    assert t.make_up_days == {D("2025-01-26"), D("2025-02-08"), D("2025-04-27"), D("2025-09-28"),
                              D("2025-10-11")}
    assert t.issued == D("2024-11-12") and "国办发明电〔2024〕12号" in t.notice


def test_ordinary_days(cal):
    assert cal.is_working_day(D("2026-03-02"))       # Monday
    assert not cal.is_working_day(D("2026-03-07"))   # Saturday
    assert not cal.is_working_day(D("2026-03-08"))   # Sunday


def test_holiday_names(cal):
    assert cal.holiday_name(D("2026-02-16")) == "春节"
    assert cal.holiday_name(D("2026-02-15")) == "春节"   # a Sunday inside the break
    assert cal.holiday_name(D("2025-10-06")) == "国庆节、中秋节"
    assert cal.holiday_name(D("2026-03-02")) is None


def test_round_trip_is_exact():
    for year in (2025, 2026):
        obj = table_json(year)
        t = YearTable.from_json(obj)
        assert t.to_json() == obj
        assert YearTable.from_json(t.to_json()) == t


# ---------------------------------------------------------------- counting

@pytest.mark.parametrize("start, n, due", [
    # 国庆 2025, counted by hand: 9/28(Sun, works) 9/29 9/30 | off 10/1–10/8 |
    # 10/9 10/10 10/11(Sat, works) 10/13–17 10/20–23.
    ("2025-09-26", 15, "2025-10-23"),
    # 春节 2026: 2/9–13, 2/14(Sat, works) | off 2/15–23 | 2/24–27, 2/28(Sat, works), 3/2–5.
    ("2026-02-06", 15, "2026-03-05"),
    # 春节 2025: 1/26(Sun, works) 1/27 | off 1/28–2/4 | 2/5–7, 2/8(Sat) 2/10–14, 2/17–20.
    ("2025-01-24", 15, "2025-02-20"),
    # Across the new year: 1/1–3 off, 1/4 (Sun) works.
    ("2025-12-31", 3, "2026-01-06"),
])
def test_fifteen_working_days_by_hand(cal, start, n, due):
    assert cal.add_working_days(D(start), n) == D(due)
    assert cal.working_days_left(D(start), D(due)) == n


def test_receipt_day_is_not_counted(cal):
    assert cal.add_working_days(D("2026-03-06"), 1) == D("2026-03-09")   # Friday → Monday
    assert cal.add_working_days(D("2026-04-03"), 1) == D("2026-04-07")   # Monday is 清明
    assert cal.add_working_days(D("2026-03-04"), 0) == D("2026-03-04")
    assert cal.add_working_days(D("2026-03-07"), 0) == D("2026-03-07")   # even on a Saturday


def test_negative_count_is_a_programming_error(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(D("2026-03-04"), -1)


def test_year_without_table_counts_weekends_only(cal):
    # 2027 has no table: 国庆 is not known, so 10/1 (Fri) is working day 1.
    assert cal.add_working_days(D("2027-09-30"), 15) == D("2027-10-21")
    assert cal.is_working_day(D("2027-10-01"))
    assert cal.uncovered_years([D("2027-10-21"), D("2026-05-01"), D("2024-01-02")]) == {2027, 2024}
    assert cal.uncovered_years([]) == set()


def test_working_days_left_signs(cal):
    assert cal.working_days_left(D("2026-03-04"), D("2026-03-04")) == 0
    assert cal.working_days_left(D("2026-03-04"), D("2026-03-03")) == -1
    assert cal.working_days_left(D("2026-03-09"), D("2026-03-06")) == -1   # Fri, seen on Monday
    # Overdue by a weekend only: no working day has passed yet.
    assert cal.working_days_left(D("2026-03-07"), D("2026-03-06")) == 0
    assert cal.working_days_left(D("2025-12-31"), D("2027-01-01")) == -cal.working_days_left(
        D("2027-01-01"), D("2025-12-31"))


def test_working_days_in_2026(cal):
    # 261 weekdays − 19 weekdays inside the breaks + 6 make-up days = 248; the
    # net loss of 13 is exactly the 13 statutory holidays of 2026.
    assert cal.working_days_left(D("2025-12-31"), D("2026-12-31")) == 248


def test_with_table_returns_a_new_calendar():
    empty = WorkCalendar()
    t = YearTable.from_json(table_json(2026))
    full = empty.with_table(t)
    assert full.has_table(2026) and not empty.has_table(2026)
    assert empty.is_working_day(D("2026-02-16")) and not full.is_working_day(D("2026-02-16"))
    changed = table_json(2026)
    changed["holidays"] = changed["holidays"][:1]
    replaced = full.with_table(YearTable.from_json(changed))
    assert replaced.is_working_day(D("2026-02-16"))
    assert replaced.tables == (YearTable.from_json(changed),)


def test_tables_and_calendars_pickle(cal):
    cal.add_working_days(D("2026-03-02"), 5)   # with a cached year index
    again = pickle.loads(pickle.dumps(cal))
    assert again.tables == cal.tables
    assert again.add_working_days(D("2026-02-13"), 5) == D("2026-02-27")


def test_duplicate_years_refused():
    t = YearTable.from_json(table_json(2026))
    with pytest.raises(ValidationError) as e:
        WorkCalendar([t, t])
    assert CHINESE.search(e.value.message)


# ---------------------------------------------------------------- months and days

@pytest.mark.parametrize("start, n, expected", [
    ("2026-01-31", 1, "2026-02-28"),
    ("2028-01-31", 1, "2028-02-29"),
    ("2026-03-31", 1, "2026-04-30"),
    ("2026-03-15", 1, "2026-04-15"),
    ("2026-11-30", 3, "2027-02-28"),
    ("2026-05-31", -3, "2026-02-28"),
    ("2024-02-29", 12, "2025-02-28"),
    ("2026-08-08", 0, "2026-08-08"),
])
def test_add_months_clamps_to_month_end(cal, start, n, expected):
    assert cal.add_months(D(start), n) == D(expected)
    assert add_months(D(start), n) == D(expected)


def test_add_days(cal):
    assert cal.add_days(D("2026-02-27"), 2) == D("2026-03-01")


# ---------------------------------------------------------------- bad tables

def mutate(path: str, value) -> dict:
    """The 2026 table with one item replaced (``path`` like ``holidays.1.work``)."""
    obj = copy.deepcopy(table_json(2026))
    *parents, last = path.split(".")
    target = obj
    for key in parents:
        target = target[int(key) if key.isdigit() else key]
    if value is DELETE:
        del target[int(last) if last.isdigit() else last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return obj


DELETE = object()

BAD_TABLES = {
    "not an object": [],
    "missing year": mutate("year", DELETE),
    "year as text": mutate("year", "2026"),
    "year as bool": mutate("year", True),
    "year out of range": mutate("year", 1066),
    "empty notice": mutate("notice", "  "),
    "notice not text": mutate("notice", 5),
    "issued malformed": mutate("issued", "2025/11/04"),
    "issued full-width digits": mutate("issued", "２０２５-11-04"),
    "issued impossible": mutate("issued", "2025-02-30"),
    "issued years before": mutate("issued", "2020-11-04"),
    "unknown key": {**table_json(2026), "remark": "x"},
    "holidays empty": mutate("holidays", []),
    "holidays not list": mutate("holidays", {"name": "春节"}),
    "holiday not object": mutate("holidays.0", "元旦"),
    "holiday typo key": mutate("holidays.1", {"name": "春节", "off": ["2026-02-15", "2026-02-23"], "wrok": []}),
    "holiday missing work": mutate("holidays.1.work", DELETE),
    "holiday unnamed": mutate("holidays.1.name", ""),
    "off not a pair": mutate("holidays.1.off", ["2026-02-15"]),
    "off not a list": mutate("holidays.1.off", "2026-02-15"),
    "off date malformed": mutate("holidays.1.off", ["2026-2-15", "2026-02-23"]),
    "off date is number": mutate("holidays.1.off", [20260215, "2026-02-23"]),
    "off in another year": mutate("holidays.0.off", ["2025-12-31", "2026-01-03"]),
    "off first after last": mutate("holidays.1.off", ["2026-02-23", "2026-02-15"]),
    "off too long": mutate("holidays.1.off", ["2026-02-15", "2026-03-23"]),
    "off overlaps another": mutate("holidays.2.off", ["2026-02-23", "2026-02-24"]),
    "work not a list": mutate("holidays.1.work", "2026-02-14"),
    "work on a weekday": mutate("holidays.1.work", ["2026-02-13"]),
    "work in another year": mutate("holidays.0.work", ["2025-12-27"]),
    "work inside the break": mutate("holidays.1.work", ["2026-02-21"]),
    "work listed twice": mutate("holidays.2.work", ["2026-02-14"]),
    "work malformed": mutate("holidays.1.work", ["2026-02-14T00:00"]),
    "too many make-up days": mutate("holidays.1.work", ["2026-02-14"] * 6),
}


@pytest.mark.parametrize("obj", BAD_TABLES.values(), ids=BAD_TABLES.keys())
def test_bad_tables_refused_in_chinese(obj):
    with pytest.raises(ValidationError) as e:
        YearTable.from_json(obj)
    assert CHINESE.search(e.value.message), e.value.message
    assert e.value.field


def test_error_points_at_the_item():
    with pytest.raises(ValidationError) as e:
        YearTable.from_json(BAD_TABLES["work on a weekday"])
    assert e.value.field == "holidays[1].work"
    assert "春节" in e.value.message and "2026-02-13" in e.value.message


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(path=st.sampled_from(["year", "notice", "issued", "holidays", "holidays.1", "holidays.1.name",
                             "holidays.1.off", "holidays.1.off.0", "holidays.1.work", "holidays.3.work"]),
       value=json_values)
def test_garbage_in_any_item_never_crashes(path, value):
    try:
        YearTable.from_json(mutate(path, value))
    except ValidationError as e:
        assert CHINESE.search(e.message)


@settings(max_examples=50, deadline=None)
@given(json_values)
def test_garbage_table_never_crashes(value):
    with pytest.raises(ValidationError):
        YearTable.from_json(value)


# ---------------------------------------------------------------- files

def write(folder, name: str, text: str, encoding: str = "utf-8"):
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def test_load_default_skips_broken_files(tmp_path):
    write(tmp_path, "2026.json", json.dumps(table_json(2026), ensure_ascii=False))
    write(tmp_path, "2025.json", '{"year": 2025,')                        # broken JSON
    write(tmp_path, "2027.json", json.dumps(table_json(2026), ensure_ascii=False))  # wrong name
    cal = WorkCalendar.load_default(tmp_path)
    assert cal.has_table(2026) and not cal.has_table(2025) and not cal.has_table(2027)
    assert len(cal.problems) == 2
    assert any("2025.json" in p for p in cal.problems)
    assert any("2027.json" in p and "文件名" in p for p in cal.problems)


def test_read_table_file_accepts_bom_and_refuses_gbk(tmp_path):
    text = json.dumps(table_json(2026), ensure_ascii=False)
    assert read_table_file(write(tmp_path, "2026.json", text, "utf-8-sig")).year == 2026
    with pytest.raises(ValidationError) as e:
        read_table_file(write(tmp_path, "2026.json", text, "gbk"))
    assert "UTF-8" in e.value.message and e.value.field == "2026.json"


def test_read_table_file_names_the_file(tmp_path):
    with pytest.raises(ValidationError) as e:
        read_table_file(write(tmp_path, "2026.json", json.dumps(BAD_TABLES["work on a weekday"])))
    assert e.value.message.startswith("2026.json")
    with pytest.raises(ValidationError):
        read_table_file(tmp_path / "2030.json")   # missing file


# ---------------------------------------------------------------- properties

dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))


@settings(max_examples=200, deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=300))
def test_add_working_days_lands_on_a_working_day_and_inverts(cal, start, n):
    due = cal.add_working_days(start, n)
    assert due > start
    assert cal.is_working_day(due)
    assert cal.working_days_left(start, due) == n
    assert cal.working_days_left(due, start) == -n


@settings(max_examples=100, deadline=None)
@given(start=dates, n=st.integers(min_value=0, max_value=40))
def test_fast_path_matches_the_literal_rule(cal, start, n):
    assert cal.add_working_days(start, n) == naive_add(cal, start, n)


@settings(max_examples=100, deadline=None)
@given(a=dates, b=dates)
def test_working_days_left_counts_literally(cal, a, b):
    lo, hi = min(a, b), max(a, b)
    count = sum(cal.is_working_day(lo + timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    assert cal.working_days_left(lo, hi) == count
    assert cal.working_days_left(hi, lo) == -count
