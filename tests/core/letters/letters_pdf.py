"""Reading rendered letters back with pdfplumber, in the layout's own terms."""
from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass

import pdfplumber

from desktop_app.letters.geometry import MM, LayoutConfig

CFG = LayoutConfig()
TOL = 0.5 * MM  # positions must match gbt9704.md within half a millimetre
BODY_SIZE = 16.0


@dataclass
class Line:
    baseline: float
    chars: list

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)


def open_pdf(data: bytes):
    return pdfplumber.open(io.BytesIO(data))


def baseline(char) -> float:
    return char["matrix"][5]


def origin_x(char) -> float:
    return char["matrix"][4]


def lines_of(page, size: float = BODY_SIZE) -> list[Line]:
    """Text lines of one type size, top to bottom, characters left to right."""
    rows: dict[float, list] = defaultdict(list)
    for char in page.chars:
        if abs(char["size"] - size) < 0.05:
            rows[round(baseline(char), 1)].append(char)
    return [Line(y, sorted(chars, key=origin_x)) for y, chars in sorted(rows.items(), reverse=True)]


def grid_row(y: float) -> float:
    """Fractional grid row of a 3号 baseline (integer when on the 22-line grid)."""
    return (CFG.y_top - CFG.em_ascent * BODY_SIZE - y) / CFG.pitch


def body_lines(page) -> list[Line]:
    """3号 lines that sit on grid rows (title, 版头 and 页码 are other sizes or off-grid)."""
    return [ln for ln in lines_of(page) if abs(grid_row(ln.baseline) - round(grid_row(ln.baseline))) < 0.02]


def is_red(color) -> bool:
    if color is None:
        return False
    values = tuple(color)
    if len(values) == 3:
        r, g, b = values
        return r > 0.8 and g < 0.2 and b < 0.2
    if len(values) == 4:  # CMYK
        c, m, y, k = values
        return c < 0.2 and m > 0.6 and y > 0.6 and k < 0.2
    return False


def page_number_text(page) -> str | None:
    for line in lines_of(page, 14.0):
        if re.fullmatch(r"— \d+ —", line.text):
            return line.text
    return None
