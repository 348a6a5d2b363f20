"""Warning levels, deadline rules, duty-report periods and sanction effect
periods."""
from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.deadlines import (
    CYCLES, SANCTION_FILE, Level, Rule, RuleKind, Thresholds, effect_end, load_sanction_effects,
    looks_relative, parse_relative, period_bounds, period_due, period_label, warning_level,
    weekday_cn, yellow_cutoff,
)
from desktop_app.errors import ValidationError

D = date.fromisoformat
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.load_default()


def refused(call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as e:
        call(*args, **kwargs)
    assert CHINESE.search(e.value.message), e.value.message
    return e.value


# ---------------------------------------------------------------- levels

def test_level_labels():
    assert [(lv.value, lv.label) for lv in Level] == [
        ("green", "正常"), ("yellow", "临期"), ("orange", "今日到期"), ("red", "已逾期")]


@pytest.mark.parametrize("due, level", [
    ("2026-02-27", Level.RED),
    ("2026-03-01", Level.RED),      # yesterday
    ("2026-03-02", Level.ORANGE),   # today (Monday)
    ("2026-03-03", Level.YELLOW),   # 1 working day left
    ("2026-03-07", Level.YELLOW),   # Saturday, 4 left
    ("2026-03-09", Level.YELLOW),   # 5 left: the last yellow day
    ("2026-03-10", Level.GREEN),    # 6 left
])
def test_levels_at_each_boundary(cal, due, level):
    assert warning_level(D(due), D("2026-03-02"), cal) is level
    assert yellow_cutoff(D("2026-03-02"), cal) == D("2026-03-09")


def test_weekend_after_the_fifth_working_day_is_still_yellow(cal):
    today = D("2026-03-06")   # Friday: 9,10,11,12,13 are the five working days
    assert yellow_cutoff(today, cal) == D("2026-03-15")
    assert warning_level(D("2026-03-15"), today, cal) is Level.YELLOW   # Sunday
    assert warning_level(D("2026-03-16"), today, cal) is Level.GREEN


def test_due_inside_a_holiday_is_yellow(cal):
    today = D("2026-09-30")
    assert cal.working_days_left(today, D("2026-10-05")) == 0
    assert warning_level(D("2026-10-05"), today, cal) is Level.YELLOW
    # 10/8, 10/9, 10/10 (Sat, works), 10/12, 10/13.
    assert yellow_cutoff(today, cal) == D("2026-10-13")
    assert warning_level(D("2026-10-14"), today, cal) is Level.GREEN


def test_thresholds_are_configurable(cal):
    today = D("2026-03-02")
    assert warning_level(D("2026-03-03"), today, cal, Thresholds(0)) is Level.GREEN
    assert yellow_cutoff(today, cal, Thresholds(0)) == today
    assert warning_level(D("2026-03-16"), today, cal, Thresholds(10)) is Level.YELLOW
    assert warning_level(D("2026-03-02"), today, cal, Thresholds(0)) is Level.ORANGE


@pytest.mark.parametrize("bad", [-1, 61, True, "5", 5.0, None])
def test_bad_thresholds_refused(bad):
    assert refused(Thresholds, bad).field == "yellow_working_days"


@settings(max_examples=200, deadline=None)
@given(today=st.dates(date(2024, 6, 1), date(2028, 6, 1)),
       offset=st.integers(-10, 40), n=st.integers(0, 60))
def test_cutoff_agrees_with_level(cal, today, offset, n):
    th = Thresholds(n)
    due = today + timedelta(days=offset)
    is_yellow = warning_level(due, today, cal, th) is Level.YELLOW
    assert is_yellow == (today < due <= yellow_cutoff(today, cal, th))


# ---------------------------------------------------------------- rules

@pytest.mark.parametrize("obj, start, due", [
    ({"kind": "working_days", "n": 15}, "2025-09-26", "2025-10-23"),   # 函询回复
    # 下转件 over 春节: 2/14 (Sat, works) | off 2/15–23 | 2/24, 2/25, 2/26, 2/27.
    ({"kind": "working_days", "n": 5}, "2026-02-13", "2026-02-27"),
    ({"kind": "days", "n": 30}, "2026-01-20", "2026-02-19"),           # 事后30日内
    ({"kind": "months", "n": 1}, "2026-01-31", "2026-02-28"),          # 1个月
    ({"kind": "months", "n": 3}, "2026-03-15", "2026-06-15"),          # 交办件
    ({"kind": "next_year_month_day", "month": 1, "day": 31}, "2026-06-30", "2027-01-31"),
    ({"kind": "next_year_month_day", "month": 2, "day": 29}, "2026-06-30", "2027-02-28"),
    ({"kind": "next_year_month_day", "month": 2, "day": 29}, "2027-06-30", "2028-02-29"),
    ({"kind": "period_end_working_days", "n": 5}, "2026-09-30", "2026-10-13"),
])
def test_rules_apply(cal, obj, start, due):
    """The plain count, with the office's rest-day rule switched off."""
    rule = Rule.from_json(obj)
    assert rule.apply(D(start), cal.with_rest_day_shift(False)) == D(due)
    assert rule.to_json() == obj
    assert Rule.from_json(rule.to_json()) == rule
    assert CHINESE.search(rule.label)


def test_rule_built_in_code_is_validated_too():
    assert Rule("working_days", n=15).kind is RuleKind.WORKING_DAYS
    assert Rule("working_days", n=15).label == "15个工作日"
    assert refused(Rule, "working_days").field == "n"
    assert refused(Rule, "months", n=1, day=3).field == "day"


def test_period_due(cal):
    rule = Rule("period_end_working_days", n=5)
    assert period_due("2026Q3", rule, cal) == D("2026-10-13")
    assert period_due("2026-02", rule, cal) == D("2026-03-06")   # 3/2–3/6


BAD_RULES = {
    "not an object": ["working_days", 15],
    "no kind": {"n": 15},
    "unknown kind": {"kind": "weeks", "n": 2},
    "kind not text": {"kind": [1], "n": 2},
    "missing n": {"kind": "working_days"},
    "n as text": {"kind": "working_days", "n": "15"},
    "n as bool": {"kind": "days", "n": True},
    "n as float": {"kind": "months", "n": 1.0},
    "n negative": {"kind": "working_days", "n": -1},
    "n too large": {"kind": "working_days", "n": 1500},
    "extra key": {"kind": "working_days", "n": 15, "month": 1},
    "month 13": {"kind": "next_year_month_day", "month": 13, "day": 1},
    "day 0": {"kind": "next_year_month_day", "month": 1, "day": 0},
    "April 31": {"kind": "next_year_month_day", "month": 4, "day": 31},
    "missing day": {"kind": "next_year_month_day", "month": 1},
}


@pytest.mark.parametrize("obj", BAD_RULES.values(), ids=BAD_RULES.keys())
def test_bad_rules_refused_in_chinese(obj):
    refused(Rule.from_json, obj)


# ---------------------------------------------------------------- periods

@pytest.mark.parametrize("label, first, last", [
    ("2026W07", "2026-02-09", "2026-02-15"),
    ("2026W01", "2025-12-29", "2026-01-04"),
    ("2026W53", "2026-12-28", "2027-01-03"),
    ("2026-03", "2026-03-01", "2026-03-31"),
    ("2028-02", "2028-02-01", "2028-02-29"),
    ("2026Q1", "2026-01-01", "2026-03-31"),
    ("2026Q2", "2026-04-01", "2026-06-30"),
    ("2026Q4", "2026-10-01", "2026-12-31"),
    ("2026H1", "2026-01-01", "2026-06-30"),
    ("2026H2", "2026-07-01", "2026-12-31"),
    ("2026", "2026-01-01", "2026-12-31"),
])
def test_period_bounds(label, first, last):
    assert period_bounds(label) == (D(first), D(last))


@pytest.mark.parametrize("cycle, d, label", [
    ("周", "2026-02-12", "2026W07"),
    ("周", "2025-12-29", "2026W01"),   # ISO week-year
    ("周", "2027-01-01", "2026W53"),
    ("月", "2026-03-31", "2026-03"),
    ("季", "2026-06-30", "2026Q2"),
    ("季", "2026-07-01", "2026Q3"),
    ("半年", "2026-06-30", "2026H1"),
    ("半年", "2026-07-01", "2026H2"),
    ("年", "2026-12-31", "2026"),
])
def test_period_label(cycle, d, label):
    assert period_label(cycle, D(d)) == label


@pytest.mark.parametrize("bad", [
    "", "2026W7", "2026W00", "2025W53", "2026W54", "2026-13", "2026-00", "2026-3", "2026Q5",
    "2026Q0", "2026H3", "26Q1", "2026q2", "2026 Q2", "２０２６", "1066", "2026-03-01", None, 2026,
])
def test_bad_period_labels_refused(bad):
    assert refused(period_bounds, bad).field == "period"


def test_bad_cycle_refused():
    assert refused(period_label, "旬", D("2026-03-01")).field == "cycle"


@settings(max_examples=200, deadline=None)
@given(cycle=st.sampled_from(CYCLES), d=st.dates(date(1990, 1, 1), date(2150, 12, 31)))
def test_label_and_bounds_agree(cycle, d):
    label = period_label(cycle, d)
    first, last = period_bounds(label)
    assert first <= d <= last
    assert period_label(cycle, first) == period_label(cycle, last) == label
    assert period_label(cycle, first - timedelta(days=1)) != label


# ---------------------------------------------------------------- sanctions

@pytest.mark.parametrize("kind, decided, months, end", [
    ("警告", "2026-03-10", None, "2027-03-10"),
    ("严重警告", "2026-03-10", None, "2027-09-10"),
    ("撤销党内职务", "2026-03-10", None, "2028-03-10"),
    ("留党察看", "2026-03-10", 12, "2027-03-10"),
    ("留党察看", "2026-03-10", 24, "2028-03-10"),
    ("停职检查", "2026-08-31", None, "2027-02-28"),
    ("停职检查", "2026-08-31", 3, "2026-11-30"),
    ("调整职务", "2026-03-10", None, "2027-03-10"),
    ("责令辞职", "2026-03-10", None, "2027-03-10"),
    ("免职", "2026-03-10", None, "2027-03-10"),
    ("降职", "2026-03-10", None, "2028-03-10"),
    ("诫勉", "2026-03-10", None, "2026-09-10"),
    ("政务警告", "2026-03-10", None, "2026-09-10"),
    ("政务记大过", "2024-02-29", None, "2025-08-29"),
    ("警告", "2024-02-29", 12, "2025-02-28"),   # stating the fixed period is allowed
])
def test_effect_end(kind, decided, months, end):
    assert effect_end(kind, D(decided), months) == D(end)


def test_kinds_without_effect_period():
    assert effect_end("开除党籍", D("2026-03-10")) is None
    assert effect_end("通报", D("2026-03-10")) is None


def test_table_covers_the_sanction_vocabulary():
    with open(SANCTION_FILE.parent / "vocabularies.json", encoding="utf-8") as f:
        vocab = json.load(f)["sanction_kind"]
    assert set(load_sanction_effects()) == set(vocab)
    assert all(CHINESE.search(e.source) for e in load_sanction_effects().values())


@pytest.mark.parametrize("kind, months, field", [
    ("罚款", None, "kind"),
    ("留党察看", None, "months"),     # the decision must state one or two years
    ("留党察看", 18, "months"),
    ("停职检查", 7, "months"),
    ("警告", 6, "months"),            # fixed period
    ("开除党籍", 12, "months"),
    ("停职检查", True, "months"),
    ("停职检查", 2.0, "months"),
])
def test_bad_effect_requests_refused(kind, months, field):
    assert refused(effect_end, kind, D("2026-03-10"), months).field == field


@pytest.mark.parametrize("content", [
    "not json",
    '{"kinds": {}}',
    '{"kinds": {"警告": {"months": 12}}}',
    '{"kinds": {"警告": {"months": 0, "source": "x"}}}',
    '{"kinds": {"警告": {"months": 12, "choices": [6], "source": "x"}}}',
    '{"kinds": {"警告": {"months": 12, "source": "x", "note": "y"}}}',
    '[1, 2]',
])
def test_bad_sanction_tables_refused(tmp_path, content):
    path = tmp_path / "sanction_effects.json"
    path.write_text(content, encoding="utf-8")
    refused(load_sanction_effects, path)


# ---------------------------------------------------------------- rest-day rule

@pytest.mark.parametrize("obj, start, off, on", [
    # 30 natural days from 2026-11-06 end on Sunday 2026-12-06 (the 整改反馈 seen
    # "今日到期" on a Sunday): the rule moves it to Monday.
    ({"kind": "days", "n": 30}, "2026-11-06", "2026-12-06", "2026-12-07"),
    # ends inside 春节 2026 (off 02-15 … 02-23): the first working day after it
    ({"kind": "days", "n": 30}, "2026-01-20", "2026-02-19", "2026-02-24"),
    # 1个月 ending on 国庆 2026-10-03 (a Saturday inside the break)
    ({"kind": "months", "n": 1}, "2026-09-03", "2026-10-03", "2026-10-08"),
    # 次年1月31日 2027 is a Sunday; 2027 has no table, weekends only
    ({"kind": "next_year_month_day", "month": 1, "day": 31}, "2026-06-30", "2027-01-31", "2027-02-01"),
    # on a working day nothing moves
    ({"kind": "days", "n": 30}, "2026-11-05", "2026-12-05", "2026-12-07"),
    ({"kind": "days", "n": 10}, "2026-11-09", "2026-11-19", "2026-11-19"),
])
def test_rest_day_rule(cal, obj, start, off, on):
    rule = Rule.from_json(obj)
    assert cal.rest_day_shift is True                       # the office default
    assert rule.apply(D(start), cal.with_rest_day_shift(False)) == D(off)
    assert rule.apply(D(start), cal) == D(on)
    assert cal.is_working_day(D(on))


def test_rest_day_rule_leaves_working_day_counts_alone(cal):
    """A working-day count already lands on a working day: the rule never changes it."""
    rule = Rule("working_days", n=15)
    for k in range(0, 400, 7):
        start = D("2025-01-01") + timedelta(days=k)
        assert rule.apply(start, cal) == rule.apply(start, cal.with_rest_day_shift(False))


def test_rest_day_rule_survives_adding_a_table(cal):
    off = cal.with_rest_day_shift(False)
    t = off.tables[-1]
    assert off.with_table(t).rest_day_shift is False
    assert cal.with_table(t).rest_day_shift is True


# ---------------------------------------------------------------- "+N" in a deadline field

@pytest.mark.parametrize("text, due, kind, n", [
    ("+10", "2026-12-11", "working_days", 10),              # from Fri 2026-11-27
    ("10个工作日", "2026-12-11", "working_days", 10),
    ("＋１０", "2026-12-11", "working_days", 10),            # full-width, as a Chinese IME types
    (" + 5 ", "2026-12-04", "working_days", 5),
    ("5工作日", "2026-12-04", "working_days", 5),
    ("9天", "2026-12-07", "days", 9),                        # Sun 12-06 moves to Mon 12-07
    ("9个自然日", "2026-12-07", "days", 9),
    ("30日", "2026-12-28", "days", 30),                      # 12-27 is a Sunday
    ("1个月", "2026-12-28", "months", 1),                     # 12-27 is a Sunday
])
def test_parse_relative(cal, text, due, kind, n):
    got, rule = parse_relative(text, D("2026-11-27"), cal)
    assert got == D(due) and rule == Rule(kind, n=n)
    assert looks_relative(text)


@pytest.mark.parametrize("text, words", [
    ("+", "看不懂"), ("十个工作日", "看不懂"), ("+10周", "看不懂"), ("-3", "看不懂"),
    ("+0", "超出范围"), ("+251", "超出范围"), ("3661天", "超出范围"), ("abc", "看不懂"),
    ("", "看不懂"), ("+99999", "超出范围"),
])
def test_parse_relative_refuses_bad_input(cal, text, words):
    with pytest.raises(ValidationError) as e:
        parse_relative(text, D("2026-11-27"), cal)
    assert words in e.value.message and CHINESE.search(e.value.message)


def test_parse_relative_needs_a_start(cal):
    with pytest.raises(ValidationError, match="请先填写下达日期"):
        parse_relative("+10", None, cal, start_label="下达日期")


@pytest.mark.parametrize("text", ["2026-12-07", "2026/12/07", "2026年12月7日", "20261207"])
def test_dates_are_not_relative(text):
    assert not looks_relative(text)


def test_weekday_cn():
    assert weekday_cn(D("2026-12-06")) == "星期日" and weekday_cn(D("2026-12-07")) == "星期一"
