"""Turn text into positioned glyph runs: per-character font choice, grid or natural.

Grid placement puts every full-width character in its own cell (15.793 pt for 3号)
whatever its font's advance is; Latin runs keep their natural shapes and are spaced
to fill the whole cells the line breaker gave them. Characters no installed font has
are recorded with the field they came from, so the caller can refuse the letter.
"""
from __future__ import annotations

import unicodedata
from typing import Callable, Iterable, Sequence

from .fonts import FontSet, FontUse, LoadedFont, Role
from .geometry import LayoutConfig
from .items import BLACK, TextRun
from .linebreak import (NO_END, NO_START, Placed, balanced_lines, break_paragraph, clean_text,
                        is_halfwidth)

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

    def font(self, role: Role, ch: str, field: str) -> LoadedFont | None:
        found = self.fonts.font_for(role, ch)
        if found is None:
            if (ch, field) not in self._reported:
                self._reported.add((ch, field))
                self.use.missing.append((ch, field))
            return None
        self.use.used.setdefault(role.value, set()).add(found.face.location)
        if found.face != self._primary[role] and (ch, field) not in self._reported:
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

    def latin_cells(self, role: Role, size: float, cell: float, field: str) -> Callable[[str], int]:
        """Cells a Latin run needs: its width rounded, never squeezed by more than 8 %."""
        def measure(text: str) -> int:
            width = sum(f.advance(c) * size for c in text
                        if (f := self.font(role, c, field)) is not None)
            cells = max(1, round(width / cell))
            if (cells * cell - width) / max(1, len(text)) < -0.08 * size:
                cells += 1
            return cells
        return measure

    def break_text(self, text: str, width: int, first_indent: int, rest_indent: int,
                   role: Role, size: float, cell: float, field: str) -> list[list[Placed]]:
        """Line-break with this role's real glyph widths."""
        return break_paragraph(text, width, first_indent, rest_indent,
                               self.latin_cells(role, size, cell, field), self.narrow(role, field))

    def balanced(self, text: str, width: int, role: Role, size: float, field: str) -> list[str]:
        return balanced_lines(text, width, self.latin_cells(role, size, size, field),
                              self.narrow(role, field))

    def grid_runs(self, placed: Iterable[Placed], role_at: RoleAt, x_left: float, y: float,
                  size: float, cell: float, field: str) -> list[TextRun]:
        glyphs: list[Glyph] = []
        for item in placed:
            if item.part.latin:
                glyphs.extend(self._latin_glyphs(item, role_at, x_left, size, cell, field))
            else:
                glyphs.extend(self._cell_glyphs(item, role_at, x_left, size, cell, field))
        return runs_from_glyphs(glyphs, y, size)

    def _cell_glyphs(self, item: Placed, role_at: RoleAt, x_left: float, size: float,
                     cell: float, field: str) -> Iterable[Glyph]:
        for k, ch in enumerate(item.part.text):
            font = self.font(role_at(item.part.start + k), ch, field)
            if font is None:
                continue
            x = x_left + (item.col + k) * cell
            adv = font.advance(ch) * size
            if adv < cell * _NARROW:  # e.g. narrow “” in WenQuanYi: hug the text side
                if ch in NO_END:
                    x += cell - adv
                elif ch not in NO_START:
                    x += (cell - adv) / 2
            yield (x, ch, font, adv)

    def _latin_glyphs(self, item: Placed, role_at: RoleAt, x_left: float, size: float,
                      cell: float, field: str) -> list[Glyph]:
        chars = []
        for k, ch in enumerate(item.part.text):
            font = self.font(role_at(item.part.start + k), ch, field)
            if font is not None:
                chars.append((ch, font, font.advance(ch) * size))
        if not chars:
            return []
        width = sum(adv for _c, _f, adv in chars)
        room = item.part.cells * cell - width
        # Squeeze a run that is a little too wide; centre one that is narrower than its
        # cells, so "3次" reads like a full-width digit instead of "3 次".
        spacing = min(0.0, room / len(chars))
        x, glyphs = x_left + item.col * cell + (room - spacing * len(chars)) / 2, []
        for ch, font, adv in chars:
            glyphs.append((x, ch, font, adv))
            x += adv + spacing
        return glyphs
