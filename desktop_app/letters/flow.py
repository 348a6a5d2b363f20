"""The body of a letter as a flow of grid lines and blocks, before pagination.

Lines are built at baseline 0 and column positions only; the paginator gives each a
grid row. GB/T 9704 7.3: 主送 flush left; paragraphs indented two characters;
headings 一、 黑体 / （一） 楷体 / 1. and （1） 仿宋; 附件说明 one line below the body;
署名 and 成文日期 for sealed and unsealed letters; 附注 after the date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from desktop_app.errors import ValidationError

from .dates import format_cn_date
from .fonts import Role
from .geometry import LayoutConfig
from .items import TextRun
from .linebreak import Placed, clean_text
from .shaping import Shaper
from .spec import LetterFormat, LetterSpec

_NUMERALS = "一二三四五六七八九十百零〇"
HEADING_PATTERNS = (
    (1, re.compile(rf"^[{_NUMERALS}]+、")),
    (2, re.compile(rf"^（[{_NUMERALS}]+）")),
    (3, re.compile(r"^\d+[.．](?!\d)")),
    (4, re.compile(r"^（\d+）")),
)
HEADING_ROLES = {0: Role.FANGSONG, 1: Role.HEITI, 2: Role.KAITI, 3: Role.FANGSONG, 4: Role.FANGSONG}


@dataclass
class FlowLine:
    runs: list[TextRun]          # at baseline y = 0
    keep_with_next: bool = False
    blank: bool = False


@dataclass
class FlowBlock:
    height: float
    items: list                  # relative to the block top at y = 0
    keep_with_next: bool = False
    split: Callable[[float], tuple["FlowBlock", "FlowBlock"] | None] | None = None
    header: list["FlowBlock"] = field(default_factory=list)  # repeated on a new page
    is_header: bool = False


def heading_level(text: str) -> int:
    for level, pattern in HEADING_PATTERNS:
        if pattern.match(text):
            return level
    return 0


def heading_end(text: str) -> int:
    """A run-in heading ends at its first 。; a standalone one is the whole paragraph."""
    stop = text.find("。")
    return len(text) if stop < 0 else stop + 1


class FlowBuilder:
    def __init__(self, spec: LetterSpec, shaper: Shaper, cfg: LayoutConfig):
        self.spec, self.shaper, self.cfg = spec, shaper, cfg

    def lines(self, text: str, field: str, first_indent: int, rest_indent: int,
              role_at: Callable[[int], Role] = lambda _i: Role.FANGSONG,
              x_shift: float = 0.0) -> list[FlowLine]:
        cfg = self.cfg
        placed = self._break(text, first_indent, rest_indent, field)
        return [FlowLine(self.shaper.grid_runs(line, role_at, cfg.x0 + x_shift, 0.0,
                                               cfg.body_size, cfg.cell, field)) for line in placed]

    def blank(self) -> FlowLine:
        return FlowLine([], blank=True)

    def recipient(self) -> list[FlowLine]:
        text = self.spec.recipient.rstrip("：:，,。 ") + "："
        return self.lines(text, "主送机关", 0, 0)

    def paragraph(self, text: str, index: int) -> list[FlowLine]:
        text = clean_text(text).strip()
        level = heading_level(text)
        end = heading_end(text) if level else 0
        role = HEADING_ROLES[level]
        out = self.lines(text, f"正文第{index}段", 2, 0,
                         lambda i: role if i < end else Role.FANGSONG)
        if level and end == len(text):
            out[-1].keep_with_next = True  # a heading never ends a page alone
        return out

    def attachments(self) -> list[FlowLine]:
        items = [a.rstrip("。，；、.,; ") for a in self.spec.attachments]
        if not items:
            return []
        out = [self.blank()]
        label_cells = 3  # "附件：" in three cells, names start at column 5
        for n, name in enumerate(items, 1):
            field = f"附件说明第{n}项"
            text = f"{n}.{name}" if len(items) > 1 else name
            number_cells = self._prefix_cells(f"{n}.", field) if len(items) > 1 else 0
            lines = self.lines(text, field, 2 + label_cells, 2 + label_cells + number_cells)
            if n == 1:
                lines[0].runs = self.lines("附件：", field, 2, 2)[0].runs + lines[0].runs
            out.extend(lines)
        return out

    def _break(self, text: str, first_indent: int, rest_indent: int, field: str) -> list[list[Placed]]:
        cfg = self.cfg
        return self.shaper.break_text(text, cfg.cols, first_indent, rest_indent, Role.FANGSONG,
                                      cfg.body_size, cfg.cell, field)

    def _prefix_cells(self, prefix: str, field: str) -> int:
        last = self._break(prefix, 0, 0, field)[0][-1]
        return last.col + last.part.cells

    def cells_of(self, text: str, field: str) -> tuple[list[Placed], int]:
        """A one-line text placed from column 0, and the cells it takes."""
        lines = self._break(text, 0, 0, field)
        if len(lines) > 1:
            raise ValidationError("signature", f"{field}「{text}」太长，一行排不下")
        placed = lines[0]
        return placed, (placed[-1].col + placed[-1].part.cells) if placed else 0

    def placed_line(self, placed: list[Placed], col: float, field: str,
                    role: Role = Role.FANGSONG) -> FlowLine:
        cfg = self.cfg
        return FlowLine(self.shaper.grid_runs(placed, lambda _i: role, cfg.x0 + col * cfg.cell,
                                              0.0, cfg.body_size, cfg.cell, field))

    def signature(self) -> list[FlowLine]:
        """署名 and 成文日期 [STD 7.3.5.1 sealed / 7.3.5.2 unsealed]."""
        spec, cols = self.spec, self.cfg.cols
        sig, sig_cells = self.cells_of(spec.signature_text, "署名")
        date, date_cells = self.cells_of(format_cn_date(spec.date), "成文日期")
        if spec.sealed:
            date_col = cols - 4 - date_cells           # date right inset 4 字
            sig_col = date_col + (date_cells - sig_cells) / 2  # 署名 centred on the date
            sig_col = max(0.0, min(sig_col, cols - sig_cells))
            blanks = self.cfg.seal_blank_lines
        else:
            sig_col = cols - 2 - sig_cells              # 署名 right inset 2 字
            date_col = sig_col + 2                      # date starts 2 字 further right
            if date_col + date_cells > cols - 2:
                date_col = cols - 2 - date_cells
                sig_col = date_col - 2
            blanks = 1
        out = [self.blank() for _ in range(blanks)]
        out.append(self.placed_line(sig, sig_col, "署名"))
        out.append(self.placed_line(date, date_col, "成文日期"))
        if spec.note:
            note = spec.note if spec.note.startswith("（") else f"（{spec.note.strip('()（）')}）"
            out.extend(self.lines(note, "附注", 2, 0))
        return out


def build_flow(spec: LetterSpec, shaper: Shaper, cfg: LayoutConfig) -> list:
    """Everything between the 版头 and the 版记, in order."""
    from .tables import table_flow  # tables import FlowBlock from here

    builder = FlowBuilder(spec, shaper, cfg)
    items: list = []
    if spec.format is not LetterFormat.FORM:
        items += builder.recipient()
    for index, text in enumerate(spec.body, 1):
        items += builder.paragraph(text, index)
    if spec.table is not None:
        items += table_flow(spec.table, shaper, cfg, builder)
    if spec.format is not LetterFormat.FORM:
        items += builder.attachments()
        closing = builder.signature()
        # 署名/日期 never stand alone on a page [STD 7.3.5.5]: tie them to the last line.
        for item in items[-1:] + closing[:-1]:
            item.keep_with_next = True
        items += closing
    return items
