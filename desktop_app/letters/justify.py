"""Justified CJK lines with digits and Latin at their natural width (GB/T 9704 5.2.3,
GB/T 15834 5.1, W3C clreq).

Every ideograph and full-width mark is one 字 wide (156 mm / 28 = 15.793 pt); runs of
digits, Latin letters and ×× take their font's own advance, as Word sets them in a
28-character grid. Every line but a paragraph's last fills the 版心 exactly.

避头尾, in the order Chinese typesetting practice allows:
1. *compress punctuation* — a closing mark gives up its right half, an opening mark its
   left half, at a line end and between adjacent marks ("”。" → the ” half width), so
   the mark that may not start a line is pulled up into this one;
2. otherwise push characters down to the nearest legal break and *distribute* the
   white over the line's gaps (never inside a number or word);
3. a last line of a single character ("见。") is avoided by pulling it up with
   compression, or by moving one more character down.

Runs break only where they may: a URL after / . - ? & = _ #, a digit string of eight or
more digits between digits, a Latin text at spaces and hyphens; a word wider than a
line is cut by letters. A number keeps the character after it ("3季度", "100%",
"15个工作日") and a "第" before it. Pure module: widths come from the caller.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Callable, Sequence

from .linebreak import INVISIBLE, NO_END, NO_START, clean_text, is_halfwidth

FREE, INRUN, NEVER = 0, 1, 2
CJK, MARK, PAIR, LATIN, SPACE = "cjk", "mark", "pair", "latin", "space"
# Marks whose white half may be taken away (mainland GB style: 点号 sit left).
CLOSING = frozenset("，。、；：？！）〕】］｝〉》」』〗”’")
OPENING = frozenset("（〔【［｛〈《「『〖“‘")
PAIRED = frozenset("—―…")
URL_BREAKS = frozenset("/.-?&=_#")
MIN_DIGITS_TO_BREAK = 8
SLACK_MAX = 3.0        # cells of white a line may get before a run is broken instead
EPS = 0.01

Measure = Callable[[str, int], float]   # (text, offset in paragraph) → width in points
Narrow = Callable[[str], bool]
Room = Callable[[str, int], "float | None"]  # white a mark may give up (None: half a cell)


@dataclass(frozen=True)
class Unit:
    text: str
    start: int
    width: float
    kind: str
    join: int = FREE            # may a line break before this unit?
    side: str = ""              # "r": closing mark (white on the right), "l": opening
    room: float | None = None   # white on that side in this font (None: half a cell)

    @property
    def shrink(self) -> float:
        if not self.side:
            return 0.0
        return self.width / 2 if self.room is None else max(0.0, min(self.width / 2, self.room))


@dataclass(frozen=True)
class Piece:
    """A unit placed on a line: ``x`` from the line's left edge, ``advance`` as set."""

    x: float
    text: str
    latin: bool
    start: int
    advance: float
    cut_left: float = 0.0       # an opening mark drawn this far left of x (compressed)


@dataclass(frozen=True)
class Line:
    pieces: tuple[Piece, ...]
    indent: float
    width: float                # set width, indent excluded
    last: bool

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)

    @property
    def right(self) -> float:
        """Right edge of the last piece as set, from the line box's left edge."""
        if not self.pieces:
            return self.indent
        last = self.pieces[-1]
        return self.indent + last.x + last.advance


# --- units -------------------------------------------------------------------------
def _is_number(text: str) -> bool:
    return bool(text) and text[0].isdigit() and all(c.isdigit() or c in ".,%‰" for c in text)


def _run_pieces(run: str) -> list[tuple[str, int]]:
    """(piece, join) of a narrow run split at its allowed break points."""
    digits = run.isdigit() and len(run) >= MIN_DIGITS_TO_BREAK
    pieces: list[tuple[str, int]] = []
    cur = ""
    for k, ch in enumerate(run):
        cur += ch
        rest = run[k + 1:]
        if not rest:
            break
        if digits and 2 <= len(cur) and len(rest) >= 2 or (not digits and ch in URL_BREAKS and len(cur) > 1
                                                          and rest[0] not in URL_BREAKS):
            pieces.append((cur, INRUN))
            cur = ""
    pieces.append((cur, INRUN))
    pieces[0] = (pieces[0][0], FREE)
    return pieces


def tokenize(text: str, cell: float, measure: Measure, narrow: Narrow,
             room: Room | None = None) -> list[Unit]:
    units: list[Unit] = []
    i, n = 0, len(text)
    glue_next = False
    while i < n:
        ch = text[i]
        join = NEVER if glue_next else FREE
        glue_next = False
        if ch in PAIRED and i + 1 < n and text[i + 1] == ch:
            units.append(Unit(ch * 2, i, 2 * cell, PAIR, join))
            i += 2
        elif ch == " ":
            units.append(Unit(" ", i, measure(" ", i), SPACE, join))
            i += 1
        elif narrow(ch):
            end = i
            while end < n and text[end] != " " and narrow(text[end]):
                end += 1
            run = text[i:end]
            if units and units[-1].text == "第" and run[0].isdigit():
                join = NEVER
            offset = i
            for k, (piece, piece_join) in enumerate(_run_pieces(run)):
                units.append(Unit(piece, offset, measure(piece, offset), LATIN,
                                  join if k == 0 else piece_join))
                offset += len(piece)
            glue_next = (_is_number(run) or run[-1].isdigit()) and end < n and text[end] != " "
            i = end
        else:
            side = "r" if ch in CLOSING else "l" if ch in OPENING else ""
            kind = MARK if side or unicodedata.category(ch)[0] == "P" else CJK
            white = room(ch, i) if (side and room is not None) else None
            units.append(Unit(ch, i, cell, kind, join, side, white))
            i += 1
    return units


def _split_wide(units: list[Unit], width: float, measure: Measure) -> list[Unit]:
    """A piece wider than a whole line (a long word) is cut into letters."""
    out: list[Unit] = []
    for u in units:
        if u.kind == LATIN and u.width > width and len(u.text) > 1:
            for k, ch in enumerate(u.text):
                out.append(Unit(ch, u.start + k, measure(ch, u.start + k), LATIN, u.join if k == 0 else INRUN))
        else:
            out.append(u)
    return out


# --- widths of a candidate line ----------------------------------------------------
def _adjacent_cuts(units: Sequence[Unit]) -> list[float]:
    """Compression between adjacent marks: "”。" → the ” half, "（《" → the 《 half."""
    cuts = [0.0] * len(units)
    for k in range(len(units) - 1):
        a, b = units[k], units[k + 1]
        if a.side == "r" and b.kind == MARK and b.side:
            cuts[k] = a.shrink
        elif a.side == "l" and b.side == "l":
            cuts[k + 1] = b.shrink
    return cuts


def _trim(units: Sequence[Unit]) -> Sequence[Unit]:
    s, e = 0, len(units)
    while s < e and units[s].kind == SPACE:
        s += 1
    while e > s and units[e - 1].kind == SPACE:
        e -= 1
    return units[s:e]


def natural(units: Sequence[Unit]) -> float:
    units = _trim(units)
    return sum(u.width for u in units) - sum(_adjacent_cuts(units))


def tightest(units: Sequence[Unit]) -> float:
    """Width with every mark compressed as far as practice allows."""
    units = _trim(units)
    cuts = _adjacent_cuts(units)
    return natural(units) - sum(max(0.0, u.shrink - c) for k, (u, c) in enumerate(zip(units, cuts))
                                if k > 0 or len(units) == 1)


# --- breaking ----------------------------------------------------------------------
def legal(units: Sequence[Unit], b: int) -> bool:
    """May a line end before ``units[b]``?"""
    if b <= 0 or b >= len(units):
        return True
    before, after = units[b - 1], units[b]
    if after.join == NEVER:
        return False
    if after.kind == SPACE or before.kind == SPACE:
        return True
    if after.text[0] in NO_START:
        return False
    return before.text[-1] not in NO_END


def _cut_between(a: Unit, b: Unit) -> float:
    """What adjacent-mark compression takes from the pair a, b (see _adjacent_cuts)."""
    if a.side == "r" and b.kind == MARK and b.side:
        return a.shrink
    if a.side == "l" and b.side == "l":
        return b.shrink
    return 0.0


def _fit(units: Sequence[Unit], s: int, width: float) -> int:
    """Largest e with natural(units[s:e]) <= width, summed as the line grows."""
    e, total, spaces, prev = s, 0.0, 0.0, None
    while e < len(units):
        u = units[e]
        if u.kind == SPACE:
            spaces += u.width            # trailing spaces do not count until text follows
            e += 1
            continue
        grown = total + spaces + u.width - (_cut_between(prev, u) if prev is not None else 0.0)
        if grown > width + EPS:
            break
        total, spaces, prev = grown, 0.0, u
        e += 1
    return e


def _choose(units: Sequence[Unit], s: int, e: int, width: float, cell: float) -> int:
    n = len(units)
    if e >= n:
        return n
    if not legal(units, e):  # 1. pull the forbidden mark up by compressing punctuation
        for e2 in range(e + 1, min(n, e + 3) + 1):
            if tightest(units[s:e2]) <= width + EPS and legal(units, e2):
                return e2
    free = inrun = None
    for b in range(e, s, -1):  # 2. push down to a legal break
        if legal(units, b):
            if units[b].join == INRUN:
                inrun = inrun or b
            else:
                free = b
                break
    if free is not None and (inrun is None or width - natural(units[s:free]) <= SLACK_MAX * cell):
        return free
    if inrun is not None:
        return inrun
    return max(e, s + 1)  # nothing legal in the whole line: impossible input, cut anyway


def _is_widow(units: Sequence[Unit]) -> bool:
    words = [u for u in _trim(units) if u.kind in (CJK, LATIN, PAIR)]
    return len(words) == 1 and len(words[0].text) == 1 and len(_trim(units)) <= 2


def _mend_widow(units, spans: list[list[int]], widths: list[float], cell: float) -> None:
    """No one-character last line where pulling it up or moving one more down avoids it."""
    if len(spans) < 2 or not _is_widow(units[spans[-1][0]:spans[-1][1]]):
        return
    (ps, pe), (_ls, le) = spans[-2], spans[-1]
    width = widths[len(spans) - 2]
    if tightest(units[ps:le]) <= width + EPS:
        spans[-2:] = [[ps, le]]
        return
    for b in range(pe - 1, ps + 1, -1):
        if legal(units, b):
            if width - natural(units[ps:b]) <= 2.5 * cell:
                spans[-2][1] = spans[-1][0] = b
            return


def break_lines(units: list[Unit], widths: Callable[[int], float], cell: float) -> list[list[int]]:
    spans: list[list[int]] = []
    s, n = 0, len(units)
    while s < n:
        if spans:
            while s < n and units[s].kind == SPACE:
                s += 1
            if s == n:
                break
        width = widths(len(spans))
        e = _choose(units, s, _fit(units, s, width), width, cell)
        spans.append([s, e])
        s = e
    _mend_widow(units, spans, [widths(k) for k in range(len(spans))], cell)
    return spans or [[0, 0]]


# --- setting a line ----------------------------------------------------------------
def set_line(units: Sequence[Unit], width: float, last: bool, justify: bool = True,
             max_gap: float | None = None) -> tuple[list[Piece], float]:
    """Pieces at their x, compressing marks when too wide and spreading white when short."""
    units = list(_trim(units))
    if not units:
        return [], 0.0
    cuts = _adjacent_cuts(units)
    total = sum(u.width for u in units) - sum(cuts)
    # too wide: the line-end mark first, then the others, each by its share of what
    # they can give (a squeeze spread over several marks shows least)
    end = len(units) - 1
    take = min(max(0.0, units[end].shrink - cuts[end]), max(0.0, total - width))
    cuts[end] += take
    total -= take
    if total > width + EPS:
        # not the line's first unit: an opening mark there keeps the indent straight
        rooms = [max(0.0, u.shrink - c) if 0 < k != end else 0.0 for k, (u, c) in enumerate(zip(units, cuts))]
        available = sum(rooms)
        if available > 0:
            share = min(1.0, (total - width) / available)
            for k, r in enumerate(rooms):
                cuts[k] += r * share
            total -= available * share
    gaps = [k for k in range(1, len(units)) if units[k].join != INRUN
            and not (units[k].kind == LATIN and units[k - 1].kind == LATIN)]
    extra = 0.0
    if justify and not last and gaps and total < width - EPS:
        extra = (width - total) / len(gaps)
        if max_gap is not None and extra > max_gap:
            extra = 0.0  # a narrow column: ragged reads better than letter-spaced
    pieces, x, spread = [], 0.0, set(gaps)
    for k, u in enumerate(units):
        if k in spread:
            x += extra
        advance = u.width - cuts[k]
        cut_left = cuts[k] if u.side == "l" else 0.0
        pieces.append(Piece(x, u.text, u.kind in (LATIN, SPACE), u.start, advance, cut_left))
        x += advance
    return pieces, x


def layout_paragraph(text: str, width: float, cell: float, measure: Measure,
                     narrow: Narrow = is_halfwidth, first_indent: float = 0.0,
                     rest_indent: float = 0.0, justify: bool = True,
                     room: Room | None = None, max_gap: float | None = None) -> list[Line]:
    """Break and set one paragraph; ``width`` is the whole line, indents included."""
    text = clean_text(text)
    units = tokenize(text, cell, measure, narrow, room)
    units = _split_wide(units, width - max(first_indent, rest_indent), measure)

    def line_width(k: int) -> float:
        return width - (first_indent if k == 0 else rest_indent)

    spans = break_lines(units, line_width, cell)
    lines = []
    for k, (s, e) in enumerate(spans):
        last = k == len(spans) - 1
        pieces, used = set_line(units[s:e], line_width(k), last, justify, max_gap)
        lines.append(Line(tuple(pieces), first_indent if k == 0 else rest_indent, used, last))
    return lines


__all__ = ["Line", "Piece", "Unit", "layout_paragraph", "legal", "natural", "set_line",
           "tightest", "tokenize", "INVISIBLE"]
