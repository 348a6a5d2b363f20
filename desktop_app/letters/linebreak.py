"""Our own CJK line breaker for a fixed character grid (GB/T 9704 5.2.3, GB/T 15834 5.1).

Text is cut into *units* that never split: one ideograph or full-width mark (one cell),
a 破折号 "——" or 省略号 "……" (two cells), a run of Latin letters/digits with its
attached half-width punctuation (whole cells, measured by the caller's font), and a
number glued to the unit after it ("2026年", "15%").

避头尾: a line never starts with a closing mark and never ends with an opening one.
When the natural break would violate that, the breaker *pulls characters down* to the
next line (推出) instead of hanging the mark past the 版心 or squeezing punctuation:
both alternatives would move later glyphs off the 28-column grid, and the grid is the
stronger requirement of the standard (gbt9704.md §7.1 lists push-down as sanctioned).
The price is a line that ends one cell short now and then, as in Word's grid mode.

Pure module: no fonts, no reportlab. Widths are in grid cells.
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import Callable, Sequence

# GB/T 15834-2011 5.1 + W3C clreq: marks that may not open a line (closing brackets and
# quotes, all 点号, connectors, 间隔号, 分隔号, unit signs), full- and half-width.
NO_START = frozenset(
    "，。、；：？！）〕】］｝〉》」』〗〙”’…—―～·・‧／％‰℃°′″"
    "〞｠｣〟,.;:?!)]}%/"
)
# Opening brackets and quotes (and currency/number signs) may not close a line.
NO_END = frozenset("“‘（〔【［｛〈《「『〖〘〝｟｢([{￥＄＃＠§$#@")
# Units that stand for a single mark two cells wide and must never be split.
PAIRED_MARKS = frozenset("—―…")
# A number keeps the unit word after it on the same line ("2024年", "15%", "3号").
NUMBER_SUFFIXES = frozenset("年月日号时分秒％个人元万亿岁名项条次")
# Invisible characters with no glyph: dropped, never reported as "missing".
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")

CJK, LATIN, PAIR, SPACE = "cjk", "latin", "pair", "space"


@dataclass(frozen=True)
class Part:
    """A piece of a unit: ``latin`` parts are laid out by their measured width."""

    text: str
    cells: int
    latin: bool
    start: int = 0  # offset in the cleaned paragraph, so callers can style by position


@dataclass(frozen=True)
class Unit:
    parts: tuple[Part, ...]
    kind: str

    @property
    def text(self) -> str:
        return "".join(part.text for part in self.parts)

    @property
    def cells(self) -> int:
        return sum(part.cells for part in self.parts)

    @property
    def first(self) -> str:
        return self.text[0]

    @property
    def last(self) -> str:
        return self.text.rstrip(" ")[-1:] or " "


@dataclass(frozen=True)
class Placed:
    """A part placed at a column (0-based cell index from the line's left edge)."""

    col: int
    part: Part


LatinCells = Callable[[str], int]


def estimate_latin_cells(text: str) -> int:
    """Fallback measure without a font: half a cell per character, rounded up."""
    return max(1, math.ceil(len(text) / 2))


def is_halfwidth(ch: str) -> bool:
    """Narrow characters are measured by font width; wide and ambiguous take a cell.

    East-Asian "ambiguous" characters (“”…— ·) are full-width in Chinese text.
    """
    if ch == "\u3000":
        return False
    return unicodedata.east_asian_width(ch) in ("Na", "H", "N")


def clean_text(text: str) -> str:
    """Drop invisible format characters and variation selectors; tabs become spaces."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in INVISIBLE or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
            continue
        out.append(" " if ch in "\t\r\n" else ch)
    return "".join(out)


Narrow = Callable[[str], bool]


def _latin_end(text: str, start: int, narrow: Narrow) -> int:
    end = start
    while end < len(text) and text[end] != " " and narrow(text[end]):
        end += 1
    while end < len(text) and text[end] == " ":
        end += 1  # trailing spaces travel with the word
    return end


def _is_number(word: str) -> bool:
    core = word.strip(" ")
    return bool(core) and core[0].isdigit() and all(c.isdigit() or c in ".,%" for c in core)


def tokenize(text: str, latin_cells: LatinCells = estimate_latin_cells,
             narrow: Narrow = is_halfwidth) -> list[Unit]:
    """Cut text into unbreakable units (see module docstring)."""
    units: list[Unit] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in PAIRED_MARKS and i + 1 < n and text[i + 1] == ch:
            units.append(Unit((Part(ch * 2, 2, False, i),), PAIR))
            i += 2
        elif ch == " ":
            units.append(Unit((Part(" ", 1, False, i),), SPACE))
            i += 1
        elif narrow(ch):
            end = _latin_end(text, i, narrow)
            word = text[i:end]  # trailing spaces included: they separate it from the next word
            parts = [Part(word, latin_cells(word), True, i)]
            if _is_number(word) and word[-1] != " " and end < n and text[end] in NUMBER_SUFFIXES:
                parts.append(Part(text[end], 1, False, end))  # suffixes are all full-width
                end += 1
            units.append(Unit(tuple(parts), LATIN))
            i = end
        else:
            kind = PAIR if ch in PAIRED_MARKS else CJK
            units.append(Unit((Part(ch, 1, False, i),), kind))
            i += 1
    return units


def can_break(before: Unit, after: Unit) -> bool:
    """May a line end after ``before`` and the next start with ``after``?"""
    if after.kind == SPACE or before.kind == SPACE:
        return True
    if after.first in NO_START:
        return False
    return before.last not in NO_END


def _split_oversized(unit: Unit, width: int, latin_cells: LatinCells) -> list[Unit]:
    """A single Latin run wider than a line (a long URL) is cut by characters."""
    text, pieces, start = unit.text, [], 0
    while start < len(text):
        end = start + 1
        while end < len(text) and latin_cells(text[start:end + 1]) <= width:
            end += 1
        piece = text[start:end]
        offset = unit.parts[0].start + start
        pieces.append(Unit((Part(piece, min(width, latin_cells(piece)), True, offset),), LATIN))
        start = end
    return pieces


def _fit(units: Sequence[Unit], start: int, width: int) -> int:
    end, used = start, 0
    while end < len(units) and used + units[end].cells <= width:
        used += units[end].cells
        end += 1
    return end


def _choose_break(units: Sequence[Unit], start: int, end: int) -> int:
    """Walk back from the greedy break to the nearest legal one (push-down)."""
    brk = end
    while brk > start + 1 and not can_break(units[brk - 1], units[brk]):
        brk -= 1
    if can_break(units[brk - 1], units[brk]):
        return brk
    return end  # no legal break in the whole line: impossible input, break anyway


def break_units(units: Sequence[Unit], first_width: int, rest_width: int,
                latin_cells: LatinCells = estimate_latin_cells) -> list[list[Unit]]:
    """Greedy fill with 避头尾 by push-down; spaces at a line start are dropped."""
    units = list(units)
    lines: list[list[Unit]] = []
    start, width = 0, first_width
    while start < len(units):
        if lines:
            while start < len(units) and units[start].kind == SPACE:
                start += 1
            if start == len(units):
                break
        end = _fit(units, start, width)
        if end == start:
            unit = units[start]
            if unit.kind == LATIN and len(unit.text.strip(" ")) > 1:
                units[start:start + 1] = _split_oversized(unit, width, latin_cells)
                continue
            end = start + 1  # a mark wider than a whole line: nothing better exists
        brk = end if end == len(units) else _choose_break(units, start, end)
        lines.append(units[start:brk])
        start, width = brk, rest_width
    return lines or [[]]


def place(line: Sequence[Unit], indent: int = 0) -> list[Placed]:
    """Columns of every part of a line, trailing spaces dropped."""
    placed, col = [], indent
    trimmed = list(line)
    while trimmed and trimmed[-1].kind == SPACE:
        trimmed.pop()
    for unit in trimmed:
        for part in unit.parts:
            placed.append(Placed(col, part))
            col += part.cells
    return placed


def line_text(line: Sequence[Unit]) -> str:
    return "".join(unit.text for unit in line).strip(" ")


def break_paragraph(text: str, width: int, first_indent: int = 0, rest_indent: int = 0,
                    latin_cells: LatinCells = estimate_latin_cells,
                    narrow: Narrow = is_halfwidth) -> list[list[Placed]]:
    """Break one paragraph and place its lines; columns include the indents."""
    units = tokenize(clean_text(text), latin_cells, narrow)
    lines = break_units(units, width - first_indent, width - rest_indent, latin_cells)
    return [place(line, first_indent if i == 0 else rest_indent) for i, line in enumerate(lines)]


def balanced_lines(text: str, max_width: int,
                   latin_cells: LatinCells = estimate_latin_cells,
                   narrow: Narrow = is_halfwidth) -> list[str]:
    """Title wrapping: as few lines as possible, of near-equal length (GB/T 9704 7.3.1)."""
    units = tokenize(clean_text(text).strip(), latin_cells, narrow)
    total = sum(unit.cells for unit in units)
    if total <= max_width:
        return [line_text(units)]
    count = math.ceil(total / max_width)
    for width in range(math.ceil(total / count), max_width + 1):
        lines = break_units(units, width, width, latin_cells)
        if len(lines) <= count:
            return [line_text(line) for line in lines]
    return [line_text(line) for line in break_units(units, max_width, max_width, latin_cells)]
