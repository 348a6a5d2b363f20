"""The line setter: 避头尾, justified lines, runs broken only where allowed.

The big corpus runs against the breaker directly (fast); test_letters_layout.py checks
a few rendered PDFs the same way.
"""
from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings, strategies as st

import pytest

from desktop_app.letters.justify import Line, layout_paragraph, tokenize
from desktop_app.letters.linebreak import NO_END, NO_START
from desktop_app.letters.titles import title_lines

HANZI = "监督执纪问责党风廉政建设主体责任落实整改谈话提醒函询县镇委员会干部群众工作情况"
CLOSERS = "，。、；：？！"
WRAPS = [("“", "”"), ("《", "》"), ("（", "）"), ("〔", "〕"), ("‘", "’"), ("【", "】")]

words = st.text(alphabet=HANZI, min_size=1, max_size=5)
latin = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=14)
numbers = st.builds(lambda n, unit: f"{n}{unit}", st.integers(0, 10**7), st.sampled_from(["", "%", "年", "号", "个"]))


urls = st.builds(lambda host, path, n: f"https://www.{host}.gov.cn/{path}/index.html?id={n}",
                 st.text(alphabet="abcdefghij", min_size=1, max_size=12),
                 st.text(alphabet="abcdefghij", min_size=1, max_size=10), st.integers(0, 10**9))
with_units = st.builds(lambda n, unit: f"{n}{unit}", st.integers(0, 10**12),
                       st.sampled_from(["季度", "个工作日", "%", "年", "万元", "号"]))


@st.composite
def token(draw) -> str:
    kind = draw(st.integers(0, 11))
    if kind == 10:
        return draw(urls)
    if kind == 11:
        return draw(with_units)
    word = draw(words)
    if kind == 0:
        return word + draw(st.sampled_from(CLOSERS))
    if kind == 1:
        left, right = draw(st.sampled_from(WRAPS))
        return left + word + right
    if kind == 2:
        return word + draw(st.sampled_from(["——", "……"]))
    if kind == 3:
        return " ".join(draw(st.lists(latin, min_size=1, max_size=3)))
    if kind == 4:
        return draw(numbers)
    if kind == 5:
        left, right = draw(st.sampled_from(WRAPS))
        return left + word + draw(st.sampled_from(CLOSERS[:2])) + right + draw(st.sampled_from(CLOSERS))
    return word


paragraphs = st.lists(token(), min_size=1, max_size=40).map("".join)


CELL = 15.793
WIDTH = 28 * CELL


def latin_width(text: str, _start: int = 0) -> float:
    """A stand-in font: digits and letters half a 字, spaces a quarter."""
    return sum(CELL / 4 if c == " " else CELL / 2 for c in text)


def setl(text: str, width: float = WIDTH, indent: int = 2, justify: bool = True) -> list[Line]:
    return layout_paragraph(text, width, CELL, latin_width, first_indent=indent * CELL, justify=justify)


def breaks(text: str, lines: list[str]) -> list[int]:
    """Offsets in ``text`` where each line ends (lines are the text minus edge spaces)."""
    pos, ends = 0, []
    for line in lines:
        while pos < len(text) and text[pos] == " " and not line.startswith(" "):
            pos += 1
        assert text.startswith(line, pos), f"text lost or reordered at {pos}: {line!r}"
        pos += len(line)
        ends.append(pos)
    assert text[pos:].strip(" ") == "", "text lost at the end"
    return ends


def check_lines(text: str, lines: list[Line], width: float) -> None:
    texts = [ln.text.strip(" ") for ln in lines]
    ends = breaks(text, texts)
    for end in ends[:-1]:
        before, after = text[end - 1], text[end]
        if before.isascii() and before.isalpha() and after.isascii() and after.isalpha():
            # only a run with no allowed break that is wider than a line may be cut by letters
            word = re.search(r"[!-~]*$", text[:end]).group() + re.match(r"[!-~]*", text[end:]).group()
            assert latin_width(word) > width - 2 * CELL, f"{word!r} split at {end}: {text!r}"
        run = re.search(r"[0-9A-Za-z.,%]*$", text[:end]).group()
        whole = re.search(r"[!-~]*$", text[:end]).group()
        fits = latin_width(whole) + CELL <= width - 2 * CELL   # else no legal break exists at all
        if run[:1].isdigit() and after in "年月日号个%％季" and fits:
            pytest.fail(f"a number lost its unit at {end}: {text!r}")
    for i, (line, words) in enumerate(zip(lines, texts)):
        assert line.indent + line.width <= width + 0.01, f"line {i} runs past the 版心: {words!r}"
        if i > 0:
            assert words[0] not in NO_START, f"line {i} starts with {words[0]!r}: {words!r}"
        if i < len(lines) - 1:
            assert words[-1] not in NO_END, f"line {i} ends with {words[-1]!r}: {words!r}"
            nxt = texts[i + 1]
            assert not (words[-1] == nxt[0] and words[-1] in "—…"), "a 破折号/省略号 was split"
            gaps = any(not (a.latin and b.latin) for a, b in zip(line.pieces, line.pieces[1:]))
            if gaps:  # justified: ends on the right edge (a word cut by letters has no gap)
                assert abs(line.indent + line.width - width) < 0.01, (i, words, line.indent + line.width)


@settings(max_examples=1200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraphs)
def test_body_paragraphs_obey_kinsoku_and_fill_the_line(text):
    check_lines(text, setl(text), WIDTH)


# Below 10 字 a column can be narrower than the longest unbreakable run the corpus
# builds ("“主主主主主，”，" is 9 字), and no legal break exists at all.
@settings(max_examples=300, deadline=None)
@given(paragraphs, st.integers(10, 27))
def test_narrow_columns_obey_kinsoku(text, cells):
    check_lines(text, setl(text, cells * CELL, 0), cells * CELL)


def test_closing_mark_is_pulled_up_by_compressing_punctuation():
    text = "一" * 20 + "，" + "一" * 4 + "二。"  # 2 + 27 字 with "。" one too many
    lines = setl(text)
    assert lines[0].text == text and len(lines) == 1 or lines[0].text.endswith("二。")


def test_closing_mark_pulls_a_character_down_when_nothing_can_be_compressed():
    text = "一" * 25 + "二。" + "三" * 10
    lines = setl(text)
    assert lines[0].text == "一" * 25 and lines[1].text.startswith("二。")
    assert abs(lines[0].indent + lines[0].width - WIDTH) < 0.01   # the white is spread


def test_opening_mark_never_ends_a_line():
    lines = setl("一" * 25 + "《条例》" + "二" * 10)
    assert not lines[0].text.endswith("《")


def test_dashes_and_ellipses_stay_whole_and_do_not_open_a_line():
    text = "一" * 25 + "——说明" + "二" * 20 + "……"
    lines = setl(text)
    assert all(not ln.text.startswith(("—", "…")) for ln in lines[1:])
    units = tokenize("甲——乙……丙", CELL, latin_width, lambda c: c.isascii())
    assert [u.text for u in units] == ["甲", "——", "乙", "……", "丙"]


def test_numbers_keep_their_unit_and_digits_their_natural_width():
    units = tokenize("第3季度完成100%，15个工作日", CELL, latin_width, lambda c: c.isascii())
    texts = [u.text for u in units]
    assert "3" in texts and "100%" in texts and "15" in texts
    joined = {u.text: u.join for u in units}
    assert joined["3"] == 2 and joined["季"] == 2 and joined["个"] == 2   # NEVER: glued
    for n in range(0, 28):  # wherever the number falls, it never leaves its unit
        for line in setl("一" * n + "第3季度完成100%，15个工作日内回复" + "二" * 30):
            assert not line.text.endswith(("第", "3", "100", "15"))


def test_urls_and_long_numbers_break_inside_instead_of_leaving_a_near_empty_line():
    text = "请登录https://www.example.gov.cn/jubao/index.html?id=12345查看。"
    lines = setl(text)
    assert lines[0].text.startswith("请登录https://"), [ln.text for ln in lines]
    digits = setl("账号" * 10 + "62170000123456789012" + "。")
    assert len(digits[0].text) > 22
    for line in lines[:-1] + digits[:-1]:
        assert abs(line.indent + line.width - WIDTH) < 0.01


def test_word_longer_than_a_line_is_cut_rather_than_overflowing():
    for line in setl("x" * 80, indent=0):
        assert line.width <= WIDTH + 0.01


def test_no_one_character_last_line():
    text = "一" * 26 + "二" * 27 + "见。"
    lines = setl(text)
    assert len(lines[-1].text.rstrip("。")) > 1


def test_adjacent_marks_are_compressed():
    line = setl("他说：“好。”。", indent=0)[0]
    quote = next(p for p in line.pieces if p.text == "”")
    assert quote.advance < CELL * 0.75          # "”。": the ” takes half a 字


def test_titles_break_between_words_in_a_balanced_shape():
    title = "关于对中共某某县某某镇党委落实全面从严治党主体责任情况的监督建议书"
    lines = title_lines(title, 20 * 22, 22, lambda t, i: 11 * len(t))
    assert len(lines) == 2 and "".join(lines) == title
    for word in ("落实", "全面从严治党", "主体责任", "监督建议书"):
        assert any(word in line for line in lines), (word, lines)
    assert title_lines("提醒函", 440, 22, lambda t, i: 11 * len(t)) == ["提醒函"]
    assert title_lines("关于做好\n节日期间工作的提醒函", 440, 22, lambda t, i: 0) == ["关于做好", "节日期间工作的提醒函"]
