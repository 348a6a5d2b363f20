"""发文字号 and dates: strict formats, Chinese refusals naming the slip."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, strategies as st

from desktop_app.errors import UserFacingError, ValidationError
from desktop_app.letters import format_cn_date, format_doc_number, parse_doc_number, parse_iso_date


def test_parse_good_number():
    number = parse_doc_number("X纪函〔2026〕5号")
    assert (number.prefix, number.year, number.seq) == ("X纪函", 2026, 5)
    assert str(number) == "X纪函〔2026〕5号"


def test_format_number_uses_hexagonal_brackets_and_no_padding():
    text = format_doc_number("X纪办函", 2026, 12)
    assert text == "X纪办函\u30142026\u301512号"


@pytest.mark.parametrize("bad, hint", [
    ("X纪函[2026]5号", "「[」应改为六角括号"),
    ("X纪函【2026】5号", "「【」应改为六角括号"),
    ("X纪函（2026）5号", "「（」应改为六角括号"),
    ("X纪函﹝2026﹞5号", "「﹝」应改为六角括号"),
    ("X纪函〔2026〕第5号", "不加“第”"),
    ("X纪函〔2026〕05号", "不编虚位"),
    ("X纪函〔26〕5号", "年份须写全 4 位"),
    ("X纪函〔2026〕5", "以“号”结尾"),
    ("〔2026〕5号", "缺少机关代字"),
    ("X纪函〔1900〕5号", "年份 1900 不合理"),
    ("X纪函〔2026〕0号", ""),
    ("", ""),
])
def test_bad_numbers_are_refused_in_chinese(bad, hint):
    with pytest.raises(ValidationError) as err:
        parse_doc_number(bad)
    message = str(err.value)
    assert message.startswith("文号格式不正确：应为「X纪函〔2026〕5号」，括号须用六角括号〔〕，序号不加0、不加“第”")
    assert hint in message
    assert err.value.field == "number"


@pytest.mark.parametrize("prefix, year, seq", [
    ("", 2026, 1), ("X纪〔函", 2026, 1), ("X 纪函", 2026, 1), ("X纪函", 26, 1),
    ("X纪函", 2026, 0), ("X纪函", 2026, -3), ("X纪函", True, 1), ("X纪函", 2026, "5"),
])
def test_format_refuses_bad_parts(prefix, year, seq):
    with pytest.raises(UserFacingError):
        format_doc_number(prefix, year, seq)


prefixes = st.text(alphabet="X×纪函办建监谈约改督", min_size=1, max_size=6)


@given(prefixes, st.integers(1949, 2099), st.integers(1, 99999))
def test_number_round_trip(prefix, year, seq):
    parsed = parse_doc_number(format_doc_number(prefix, year, seq))
    assert (parsed.prefix, parsed.year, parsed.seq) == (prefix, year, seq)


def test_chinese_dates_have_no_padding():
    assert format_cn_date(date(2026, 3, 7)) == "2026年3月7日"
    assert format_cn_date(date(2026, 11, 29)) == "2026年11月29日"


@pytest.mark.parametrize("bad", ["2026-02-30", "2026-13-01", "2026-2-3", "2026/11/29", "20261129", "明天", 20261129])
def test_impossible_or_malformed_dates_are_refused(bad):
    with pytest.raises(ValidationError) as err:
        parse_iso_date(bad)
    assert "成文日期" in str(err.value) and "2026-11-29" in str(err.value)


def test_iso_date_parses():
    assert parse_iso_date(" 2026-11-29 ") == date(2026, 11, 29)
