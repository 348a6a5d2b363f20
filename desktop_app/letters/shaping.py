"""Turn text into positioned glyph runs: per-character font choice, grid or natural.

Every full-width character sits in its own 字 cell (15.793 pt for 3号) whatever its
font's advance is; digits and Latin keep their natural advance; the line setter
(justify.py) decides where each piece goes. Characters no installed font has are
recorded with the field they came from, so the caller can refuse the letter.
"""
from __future__ import annotations

import unicodedata
from typing import Callable, Sequence

from .fonts import FontSet, FontUse, LoadedFont, Role
from .geometry import LayoutConfig
from .items import BLACK, TextRun
from .justify import Line, layout_paragraph
from .linebreak import NO_END, NO_START, clean_text, is_halfwidth
from .titles import title_lines

# Glyph = (x, character, font, advance in points)
Glyph = tuple[float, str, LoadedFont, float]
RoleAt = Callable[[int], Role]
_NARROW = 0.9  # a full-width cell holding a glyph narrower than this is aligned, not stretched


def runs_from_glyphs(glyphs: Sequence[Glyph], y: float, size: float, color: str = BLACK,
                     hscale: float = 100.0) -> list[TextRun]:
    """Merge consecutive glyphs of one font with a constant extra advance into one run."""
    runs: list[TextRun] = []
    start, space = 0, 0.0
    for i in range(1, len(glyphs) + 1):
        if i < len(glyphs):
            px, _pc, pfont, padv = glyphs[i - 1]
            x, _c, font, _a = glyphs[i]
            gap = x - (px + padv * hscale / 100)
            if font is pfont and (i - start == 1 or abs(gap - space) < 0.01):
                space = gap
                continue
        chunk = glyphs[start:i]
        text = "".join(g[1] for g in chunk)
        runs.append(TextRun(chunk[0][0], y, text, chunk[0][2].name, size, color,
                            space if len(chunk) > 1 else 0.0, hscale))
        start, space = i, 0.0
    return runs


class Shaper:
    def __init__(self, fonts: FontSet, cfg: LayoutConfig):
        self.fonts = fonts
        self.cfg = cfg
        self.use = FontUse()
        self._primary = {role: (fonts.chain(role) or [None])[0] for role in Role}
        self._reported: set[tuple[str, str]] = set()
        self._noted: set[tuple[Role, LoadedFont]] = set()

    def font(self, role: Role, ch: str, field: str) -> LoadedFont | None:
        found = self.fonts.font_for(role, ch)
        if found is None:
            if (ch, field) not in self._reported:
                self._reported.add((ch, field))
                self.use.missing.append((ch, field))
            return None
        if (role, found) not in self._noted:  # called for every glyph: note each face once
            self._noted.add((role, found))
            self.use.used.setdefault(role.value, set()).add(found.face.location)
        primary = self._primary[role]
        if (found.face is not primary and (primary is None or (found.face.path, found.face.index)
                                           != (primary.path, primary.index))
                and (ch, field) not in self._reported):
            self._reported.add((ch, field))
            self.use.fallbacks.append((ch, field, found.face.label))
        return found

    # --- natural placement (titles, marks, numbers, 版记) ---------------------------
    def natural(self, text: str, role: Role, size: float, field: str) -> tuple[list[Glyph], float]:
        """Glyphs at their own advances from x = 0; returns them and the total width."""
        glyphs, x = [], 0.0
        for ch in clean_text(text):
            font = self.font(role, ch, field)
            if font is None:
                continue
            adv = font.advance(ch) * size
            glyphs.append((x, ch, font, adv))
            x += adv
        return glyphs, x

    def natural_runs(self, text: str, role: Role, size: float, x: float, y: float, field: str,
                     color: str = BLACK, hscale: float = 100.0, align: str = "left") -> list[TextRun]:
        glyphs, width = self.natural(text, role, size, field)
        width *= hscale / 100
        offset = {"left": 0.0, "center": -width / 2, "right": -width}[align]
        scale = hscale / 100
        moved = [(x + offset + gx * scale, ch, f, adv) for gx, ch, f, adv in glyphs]
        return runs_from_glyphs(moved, y, size, color, hscale)

    # --- grid placement (body text) -------------------------------------------------
    def narrow(self, role: Role, field: str) -> Callable[[str], bool]:
        """Is a character half-width in this role's font? Decides Latin-like placement.

        Ambiguous-width symbols such as × are full-width in SimSun but half-width in
        many Linux fonts; give them a whole cell only where the font draws them wide.
        """
        def test(ch: str) -> bool:
            if is_halfwidth(ch):
                return True
            if unicodedata.east_asian_width(ch) != "A" or unicodedata.category(ch)[0] == "P":
                return False
            font = self.fonts.font_for(role, ch)
            return font is not None and font.advance(ch) < 0.6
        return test

    def measure(self, role_at: RoleAt, size: float, field: str) -> Callable[[str, int], float]:
        """Natural width of a narrow run in its own font (digits, Latin, ××)."""
        def width(text: str, start: int) -> float:
            total = 0.0
            for k, ch in enumerate(text):
                font = self.font(role_at(start + k), ch, field)
                if font is not None:
                    total += font.advance(ch) * size
            return total
        return width

    def set_paragraph(self, text: str, width: float, size: float, cell: float, field: str,
                      first_indent: float = 0.0, rest_indent: float = 0.0, justify: bool = True,
                      role_at: RoleAt = lambda _i: Role.FANGSONG, max_gap: float | None = None) -> list[Line]:
        """Break and justify with this role's real glyph widths (see justify.py)."""
        return layout_paragraph(text, width, cell, self.measure(role_at, size, field),
                                self.narrow(Role.FANGSONG, field), first_indent, rest_indent, justify,
                                self.room(role_at, size, cell), max_gap)

    def room(self, role_at: RoleAt, size: float, cell: float) -> Callable[[str, int], float | None]:
        """White a compressible mark has on its open side in its font, less a hairline,
        so a compressed mark never touches its neighbour (a centred 。 gives less)."""
        def white(ch: str, start: int) -> float | None:
            font = self.fonts.font_for(role_at(start), ch)
            ink = font.ink(ch) if font is not None else None
            if ink is None:
                return None
            if ch in NO_END:  # opening marks: white on the left
                side = ink[0] * size
            else:
                side = cell - ink[1] * size
            return side - 0.08 * size
        return white

    def title(self, text: str, max_width: float, size: float, field: str) -> list[str]:
        role_at: RoleAt = lambda _i: Role.XIAOBIAOSONG
        return title_lines(text, max_width, size, self.measure(role_at, size, field),
                           self.narrow(Role.XIAOBIAOSONG, field))

    def line_runs(self, line: Line, x_left: float, y: float, size: float, cell: float, field: str,
                  role_at: RoleAt = lambda _i: Role.FANGSONG) -> list[TextRun]:
        """The glyphs of a set line from ``x_left`` (the line box's left edge)."""
        glyphs: list[Glyph] = []
        for piece in line.pieces:
            x = x_left + line.indent + piece.x
            if piece.latin:
                for k, ch in enumerate(piece.text):
                    font = self.font(role_at(piece.start + k), ch, field)
                    if font is None:
                        continue
                    adv = font.advance(ch) * size
                    glyphs.append((x, ch, font, adv))
                    x += adv
                continue
            step = piece.advance / len(piece.text)
            for k, ch in enumerate(piece.text):
                font = self.font(role_at(piece.start + k), ch, field)
                if font is not None:
                    gx = self._cell_x(x - piece.cut_left, ch, font, size, cell)
                    if piece.advance < cell - 0.01:
                        gx = self._inside(gx, x, piece.advance, ch, font, size)
                    glyphs.append((gx, ch, font, font.advance(ch) * size))
                x += step
        return runs_from_glyphs(glyphs, y, size)

    @staticmethod
    def _inside(gx: float, box: float, width: float, ch: str, font: LoadedFont, size: float) -> float:
        """A compressed mark whose ink is not where GB fonts put it (a centred 。 in a
        Taiwan-style font) is moved so its ink stays inside the narrowed box."""
        ink = font.ink(ch)
        if ink is None:
            return gx
        left, right = gx + ink[0] * size, gx + ink[1] * size
        if right > box + width:
            gx -= min(right - (box + width), max(0.0, left - box))
        elif left < box:
            gx += min(box - left, max(0.0, box + width - right))
        return gx

    @staticmethod
    def _cell_x(x: float, ch: str, font: LoadedFont, size: float, cell: float) -> float:
        adv = font.advance(ch) * size
        if adv < cell * _NARROW:  # e.g. narrow “” in WenQuanYi: hug the text side
            if ch in NO_END:
                return x + cell - adv
            if ch not in NO_START:
                return x + (cell - adv) / 2
        return x
