"""The grid line breaker: 避头尾, unbreakable units, nothing past the 版心.

The big corpus runs against the breaker directly (fast); test_letters_layout.py checks
a few rendered PDFs the same way.
"""
from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings, strategies as st

from desktop_app.letters.linebreak import (
    NO_END, NO_START, balanced_lines, break_paragraph, break_units, estimate_latin_cells, tokenize,
)

HANZI = "监督执纪问责党风廉政建设主体责任落实整改谈话提醒函询县镇委员会干部群众工作情况"
CLOSERS = "，。、；：？！"
WRAPS = [("“", "”"), ("《", "》"), ("（", "）"), ("〔", "〕"), ("‘", "’"), ("【", "】")]

words = st.text(alphabet=HANZI, min_size=1, max_size=5)
latin = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=14)
numbers = st.builds(lambda n, unit: f"{n}{unit}", st.integers(0, 10**7), st.sampled_from(["", "%", "年", "号", "个"]))


@st.composite
def token(draw) -> str:
    kind = draw(st.integers(0, 9))
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


def check_lines(text: str, lines: list[str], width: int, first_indent: int, cells: list[int]) -> None:
    ends = breaks(text, lines)
    for end in ends[:-1]:
        before, after = text[end - 1], text[end]
        if before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
            word = re.search(r"[!-~]*$", text[:end]).group() + re.match(r"[!-~]*", text[end:]).group()
            # only a word longer than a whole line may be cut
            assert estimate_latin_cells(word) > width - first_indent, f"{word!r} split at {end}: {text!r}"
    for i, (line, used) in enumerate(zip(lines, cells)):
        assert used <= width, f"line {i} runs past the 版心: {line!r}"
        if i > 0:
            assert line[0] not in NO_START, f"line {i} starts with {line[0]!r}: {line!r}"
            assert not line.startswith(("——", "……"))
        if i < len(lines) - 1:
            assert line[-1] not in NO_END, f"line {i} ends with {line[-1]!r}: {line!r}"
            nxt = lines[i + 1]
            assert not (line[-1] == nxt[0] and line[-1] in "—…"), "a 破折号/省略号 was split"


def rendered(text: str, width: int, indent: int) -> tuple[list[str], list[int]]:
    placed = break_paragraph(text, width, indent, 0)
    texts = ["".join(p.part.text for p in line).strip(" ") for line in placed]
    cells = [line[-1].col + line[-1].part.cells if line else 0 for line in placed]
    return texts, cells


@settings(max_examples=1200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraphs)
def test_body_paragraphs_obey_kinsoku_on_28_columns(text):
    lines, cells = rendered(text, 28, 2)
    check_lines(text, lines, 28, 2, cells)


# Below 10 cells a column can be narrower than the longest unbreakable run the corpus
# builds ("“主主主主主，”，" is 9 cells), and no legal break exists at all.
@settings(max_examples=300, deadline=None)
@given(paragraphs, st.integers(10, 27))
def test_narrow_columns_obey_kinsoku(text, width):
    lines, cells = rendered(text, width, 0)
    check_lines(text, lines, width, 0, cells)


def test_closing_mark_pulls_the_previous_character_down():
    text = "一" * 25 + "二。"  # 2 indent + 25 + "二" fills 28; "。" may not open line 2
    lines, cells = rendered(text, 28, 2)
    assert lines == ["一" * 25, "二。"] and cells[0] == 27


def test_opening_mark_never_ends_a_line():
    text = "一" * 25 + "《条例》"
    lines, _ = rendered(text, 28, 2)
    assert lines[0] == "一" * 25 and lines[1] == "《条例》"


def test_dashes_and_ellipses_stay_whole_and_do_not_open_a_line():
    text = "一" * 25 + "——说明" + "二" * 20 + "……"
    lines, _ = rendered(text, 28, 2)
    assert all(not line.startswith(("—", "…")) for line in lines[1:])
    units = tokenize("甲——乙……丙")
    assert [u.text for u in units] == ["甲", "——", "乙", "……", "丙"]
    assert [u.cells for u in units] == [1, 2, 1, 2, 1]


def test_latin_words_and_numbers_are_units():
    units = tokenize("提交PDF文件2026年11月29日，完成85%")
    assert [u.text for u in units][:5] == ["提", "交", "PDF", "文", "件"]
    assert "2026年" in [u.text for u in units]
    assert "85%" in [u.text for u in units]


def test_word_longer_than_a_line_is_cut_rather_than_overflowing():
    lines = break_units(tokenize("x" * 80), 28, 28)
    assert all(sum(u.cells for u in line) <= 28 for line in lines)


def test_titles_break_into_balanced_lines():
    lines = balanced_lines("关于对中共某某县某某镇党委落实全面从严治党主体责任情况的监督建议书", 20)
    assert len(lines) == 2 and abs(len(lines[0]) - len(lines[1])) <= 2
    assert balanced_lines("提醒函", 20) == ["提醒函"]
