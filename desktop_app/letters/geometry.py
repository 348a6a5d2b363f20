"""Page geometry of GB/T 9704-2012 in PDF points (origin bottom-left).

Every number here comes from gbt9704.md §0/§1; values the standard leaves open are
fields of LayoutConfig so an office can match its Word templates.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cached_property

MM = 72 / 25.4
A4_W, A4_H = 210 * MM, 297 * MM


@dataclass(frozen=True)
class LayoutConfig:
    top_margin_mm: float = 37.0          # 天头 [STD 5.2.1]
    left_margin_mm: float = 28.0         # 订口
    block_w_mm: float = 156.0            # 版心
    block_h_mm: float = 225.0
    cols: int = 28                       # 28 × 22 grid [STD 5.2.3]
    rows: int = 22
    body_size: float = 16.0              # 3号
    # None = gbt9704.md §1.2 model B: 22 glyph heights + 21 gaps fill the 版心 (≈ 29.6 pt).
    line_pitch: float | None = None
    # Where the ideographic em box sits over the baseline (SimSun/FangSong-class ≈ 0.88 em).
    # A fixed value keeps every line on the same grid whatever font serves it.
    em_ascent: float = 0.88
    title_size: float = 22.0             # 2号
    title_pitch: float = 33.0            # not in the standard; 28–35 pt in practice
    small_size: float = 14.0             # 4号: 版记, page numbers, tables
    table_pitch: float = 21.0            # line pitch inside table cells (4号 text)
    file_mark_size: float = 36.0         # 发文机关标志: size "at the issuer's discretion"
    letter_mark_size: float = 30.0
    file_mark_top_mm: float = 72.0       # 35 mm below the 版心 top [STD 7.2.4]
    letter_mark_top_mm: float = 30.0     # from the paper top [STD 10.1]
    red: str = "#FF0000"
    file_rule_mm: float = 0.5            # red separator thickness (unspecified; common)
    letter_thick_mm: float = 0.8         # 信函 double rule (unspecified; gbt9704.md §3)
    letter_thin_mm: float = 0.3
    letter_gap_mm: float = 0.6
    letter_rule_len_mm: float = 170.0
    letter_bottom_rule_mm: float = 20.0  # second double rule above the paper bottom
    imprint_thick_mm: float = 0.35       # 版记 rules [STD 7.4.1]
    imprint_thin_mm: float = 0.25
    page_number_gap_mm: float = 7.0      # 一字线 below the 版心 [STD 7.5]
    first_page: int = 1                  # a later part of one file (a report's list) numbers on
    page_w_mm: float = 210.0             # A4 portrait; landscape() for a wide table
    page_h_mm: float = 297.0
    seal_blank_lines: int = 2            # room for a Ø42 mm seal over 署名/日期
    table_rule_pt: float = 0.75

    def landscape(self) -> "LayoutConfig":
        """A4 across, for a table too wide to stand (横排表格, gbt9704.md): the 版心 turned
        with the page (225 × 156 mm), centred, the character pitch kept."""
        return replace(self, page_w_mm=297.0, page_h_mm=210.0, block_w_mm=225.0, block_h_mm=156.0,
                       left_margin_mm=36.0, top_margin_mm=27.0, cols=40, rows=15)

    # --- derived -------------------------------------------------------------------
    @property
    def page_size(self) -> tuple[float, float]:
        return self.page_w_mm * MM, self.page_h_mm * MM

    @property
    def x0(self) -> float:
        return self.left_margin_mm * MM

    @property
    def width(self) -> float:
        return self.block_w_mm * MM

    @property
    def x1(self) -> float:
        return self.x0 + self.width

    @property
    def y_top(self) -> float:
        return self.page_h_mm * MM - self.top_margin_mm * MM

    @property
    def y_bottom(self) -> float:
        return self.y_top - self.block_h_mm * MM

    @property
    def cell(self) -> float:
        """Character pitch: 156 mm / 28 = 15.793 pt (glyphs stay 16 pt)."""
        return self.width / self.cols

    @cached_property  # read tens of thousands of times per letter
    def pitch(self) -> float:
        if self.line_pitch is not None:
            return self.line_pitch
        return (self.block_h_mm * MM - self.body_size) / (self.rows - 1)

    @property
    def gap(self) -> float:
        """White between two body lines."""
        return self.pitch - self.body_size

    @property
    def max_rows(self) -> int:
        fit = int((self.block_h_mm * MM - self.body_size) / self.pitch + 1e-6) + 1
        return min(self.rows, fit)

    def row_top(self, row: int) -> float:
        """Em-box top of body line ``row`` (0-based) on the page grid."""
        return self.y_top - row * self.pitch

    def baseline(self, em_top: float, size: float) -> float:
        return em_top - self.em_ascent * size

    def col_x(self, col: float) -> float:
        return self.x0 + col * self.cell

    def below(self, em_bottom: float, blank_lines: int) -> float:
        """Cursor for a grid line that follows ``em_bottom`` after ``blank_lines`` blank lines.

        A cursor is the top of a line box: the em box plus half a gap above it, so that
        tables and rules placed at a cursor sit midway between text lines.
        """
        return em_bottom - blank_lines * self.pitch - self.gap / 2

    def first_row_at(self, cursor: float) -> int:
        """First grid row whose line box starts at or below the cursor."""
        rows = (self.y_top + self.gap / 2 - cursor - 0.01) / self.pitch
        return max(0, math.ceil(rows))
