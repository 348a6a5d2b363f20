"""The display list: what the layout decided, in PDF points, before anything is drawn.

Keeping layout and drawing apart lets tests and the renderer share one truth, and
lets the layout refuse a letter (missing glyph) before a single byte is written.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

BLACK = "#000000"


@dataclass(frozen=True)
class TextRun:
    """Glyphs of one font drawn from (x, y) with a constant extra advance per glyph."""

    x: float
    y: float
    text: str
    font: str          # reportlab font name
    size: float
    color: str = BLACK
    char_space: float = 0.0
    hscale: float = 100.0

    def moved(self, dx: float = 0.0, dy: float = 0.0) -> "TextRun":
        return replace(self, x=self.x + dx, y=self.y + dy)


@dataclass(frozen=True)
class Rule:
    """A straight stroke; ``y`` is the centre line of the stroke."""

    x0: float
    x1: float
    y: float
    width: float
    color: str = BLACK
    y1: float | None = None  # for vertical rules (x0 == x1)

    def moved(self, dy: float) -> "Rule":
        return replace(self, y=self.y + dy, y1=None if self.y1 is None else self.y1 + dy)


@dataclass
class Page:
    items: list = field(default_factory=list)
    number: int = 0            # physical page number, 1-based
    show_number: bool = True
    body_rows: list[int] = field(default_factory=list)  # grid rows holding body text
