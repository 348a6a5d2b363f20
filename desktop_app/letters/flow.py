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
from .linebreak import clean_text
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

    def lines(self, text: str, field: str, first_indent: float, rest_indent: float,
              role_at: Callable[[int], Role] = lambda _i: Role.FANGSONG) -> list[FlowLine]:
        """A justified paragraph; indents in 字 (cells)."""
        cfg = self.cfg
        lines = self.shaper.set_paragraph(text, cfg.width, cfg.body_size, cfg.cell, field,
                                          first_indent * cfg.cell, rest_indent * cfg.cell,
                                          role_at=role_at)
        return [FlowLine(self.shaper.line_runs(line, cfg.x0, 0.0, cfg.body_size, cfg.cell, field,
                                               role_at)) for line in lines]

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
        """附件说明 [STD 7.3.4]: "附件：1.名称", numbers in one column, names aligned under
        the first name (also from the 10th on), wrapped lines under the name's first character."""
        items = [a.rstrip("。，；、.,; ") for a in self.spec.attachments]
        if not items:
            return []
        cfg = self.cfg
        label = 2 * cfg.cell
        numbers = [f"{n}." for n in range(1, len(items) + 1)] if len(items) > 1 else [""]
        measure = self.shaper.measure(lambda _i: Role.FANGSONG, cfg.body_size, "附件说明")
        column = max(measure(n, 0) for n in numbers)
        name_x = 2 * cfg.cell + 3 * cfg.cell + column   # "附件：" takes three 字
        out = [self.blank()]
        for n, name in enumerate(items, 1):
            field = f"附件说明第{n}项"
            lines = self.shaper.set_paragraph(name, cfg.width, cfg.body_size, cfg.cell, field, name_x, name_x)
            flow = [FlowLine(self.shaper.line_runs(line, cfg.x0, 0.0, cfg.body_size, cfg.cell, field))
                    for line in lines]
            if n == 1:
                flow[0].runs = self.one_line("附件：", field, cfg.x0 + label) + flow[0].runs
            if numbers[n - 1]:
                flow[0].runs = self.one_line(numbers[n - 1], field, cfg.x0 + name_x - column) + flow[0].runs
            out.extend(flow)
        return out

    def one_line(self, text: str, field: str, x: float, role: Role = Role.FANGSONG) -> list:
        """Runs of a short text set at its natural width from ``x``."""
        line = self.set_one(text, field, role)
        return self.shaper.line_runs(line, x, 0.0, self.cfg.body_size, self.cfg.cell, field, lambda _i: role)

    def set_one(self, text: str, field: str, role: Role = Role.FANGSONG):
        cfg = self.cfg
        lines = self.shaper.set_paragraph(text, cfg.width, cfg.body_size, cfg.cell, field, justify=False,
                                          role_at=lambda _i: role)
        if len(lines) > 1:
            raise ValidationError("signature", f"{field}「{text}」太长，一行排不下")
        return lines[0]

    def signature(self) -> list[FlowLine]:
        """署名 and 成文日期 [STD 7.3.5.1 sealed / 7.3.5.2 unsealed]."""
        spec, cfg = self.spec, self.cfg
        cell, right = cfg.cell, cfg.width
        sig = self.set_one(spec.signature_text, "署名")
        date = self.set_one(format_cn_date(spec.date), "成文日期")
        if spec.sealed:
            date_x = right - 4 * cell - date.width               # date right inset 4 字
            sig_x = date_x + (date.width - sig.width) / 2        # 署名 centred on the date
            sig_x = max(0.0, min(sig_x, right - sig.width))
            blanks = self.cfg.seal_blank_lines
        else:
            sig_x = right - 2 * cell - sig.width                 # 署名 right inset 2 字
            date_x = sig_x + 2 * cell                            # date starts 2 字 further right
            if date_x + date.width > right - 2 * cell:
                date_x = right - 2 * cell - date.width
                sig_x = date_x - 2 * cell
            blanks = 1
        out = [self.blank() for _ in range(blanks)]
        for line, x, field in ((sig, sig_x, "署名"), (date, date_x, "成文日期")):
            out.append(FlowLine(self.shaper.line_runs(line, cfg.x0 + x, 0.0, cfg.body_size, cell, field)))
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
