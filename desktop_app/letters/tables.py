"""Tables (整改任务清单, the 谈话记录 form) as flow blocks that split across pages.

Each table row is one block; a row taller than the space left on a page is split
between its text lines, and header rows are repeated on the continuation page.
Table text is 4号 仿宋 (labels 黑体) — the standard fixes no table type size, and 3号
would wrap a 时限 column into single characters.
"""
from __future__ import annotations

import re
from itertools import accumulate

from .flow import FlowBlock, FlowBuilder, FlowLine
from .fonts import Role
from .geometry import LayoutConfig
from .items import Rule, TextRun
from .shaping import Shaper
from .spec import TableCell, TableSpec

H_PAD = 4.0   # white between a cell's rules and its text
MAX_GAP = 0.15  # a cell line is justified only while no gap grows past this share of a 字
V_PAD = 4.0


class _Row:
    """One table row: column edges of each cell and its laid-out lines (runs at y = 0)."""

    def __init__(self, edges: list[tuple[float, float]], cells: list[list[list[TextRun]]],
                 centred: list[bool], min_lines: int):
        self.edges = edges
        self.cells = cells
        self.centred = centred
        self.count = max([min_lines] + [len(c) for c in cells])


def _cell_lines(cell: TableCell, x0: float, x1: float, shaper: Shaper, cfg: LayoutConfig,
                field: str) -> list[list[TextRun]]:
    size = cfg.small_size
    room = max(size, x1 - x0 - 2 * H_PAD)
    role = Role.HEITI if cell.header else Role.FANGSONG
    role_at = lambda _i: role  # noqa: E731
    paragraphs = cell.text.split("\n") if cell.text else []
    if cell.header:  # labels wrap into even lines between words: "对象说明/或表态"
        paragraphs = [line for p in paragraphs for line in shaper.title(p, room, size, field)]
    centred = cell.align == "center" or cell.header
    out = []
    for paragraph in paragraphs:
        for line in shaper.set_paragraph(paragraph, room, size, size, field, justify=not centred,
                                         role_at=role_at, max_gap=MAX_GAP * size):
            left = (x0 + x1 - line.width) / 2 if centred else x0 + H_PAD
            out.append(shaper.line_runs(line, left, 0.0, size, size, field, role_at))
    return out


def _layout_row(row: tuple[TableCell, ...], xs: list[float], shaper: Shaper, cfg: LayoutConfig,
                label: str) -> _Row:
    edges, cells, centred, col = [], [], [], 0
    for i, cell in enumerate(row, 1):
        x0, x1 = xs[col], xs[col + cell.span]
        edges.append((x0, x1))
        cells.append(_cell_lines(cell, x0, x1, shaper, cfg, f"{label}第{i}格"))
        centred.append(cell.header)
        col += cell.span
    return _Row(edges, cells, centred, max(c.lines for c in row))


def _block(row: _Row, start: int, stop: int, cfg: LayoutConfig) -> FlowBlock:
    """Lines ``start:stop`` of a row, with the rules around them."""
    pitch, size = cfg.table_pitch, cfg.small_size
    count = stop - start
    height = count * pitch + 2 * V_PAD
    items: list = []
    for (x0, x1), lines, centred in zip(row.edges, row.cells, row.centred):
        shown = lines[start:stop]
        shift = (count - len(shown)) / 2 if centred else 0.0
        for k, runs in enumerate(shown):
            em_top = -V_PAD - (k + shift) * pitch - (pitch - size) / 2
            items.extend(r.moved(dy=cfg.baseline(em_top, size)) for r in runs)
    w = cfg.table_rule_pt
    left, right = row.edges[0][0], row.edges[-1][1]
    items += [Rule(left, right, 0.0, w), Rule(left, right, -height, w)]
    for x in [left] + [x1 for _x0, x1 in row.edges]:
        items.append(Rule(x, x, 0.0, w, y1=-height))

    def split(available: float):
        fit = int((available - 2 * V_PAD) // pitch)
        if fit < 1 or fit >= count:
            return None
        return _block(row, start, start + fit, cfg), _block(row, start + fit, stop, cfg)

    return FlowBlock(height, items, split=split)


_KEEP_WHOLE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d+[%％]?")
SHORT_CELL = 5   # a cell this short (a name, 办公室主任) is never wrapped: "党组书/记"


def _min_width(cell: TableCell, shaper: Shaper, size: float, field: str) -> float:
    """The narrowest a cell's column may be without breaking a word that must stay whole."""
    role = Role.HEITI if cell.header else Role.FANGSONG

    def width(text: str) -> float:
        lines = shaper.set_paragraph(text, 1e6, size, size, field, justify=False, role_at=lambda _i: role)
        return max((ln.width for ln in lines), default=0.0)

    parts = [p for p in cell.text.split("\n") if p]
    whole = [p for p in parts if len(p) <= SHORT_CELL] + [m.group() for p in parts for m in _KEEP_WHOLE.finditer(p)]
    return max([width(w) for w in whole] + [2 * size]) + 2 * H_PAD


def column_widths(table: TableSpec, shaper: Shaper, cfg: LayoutConfig) -> list[float]:
    """The spec's relative widths, widened where content cannot break ("2026年12月31日",
    "党组书记"), the extra taken from columns that have room to spare."""
    total = sum(table.widths)
    widths = [cfg.width * w / total for w in table.widths]
    need = [0.0] * len(widths)
    for r, row in enumerate(table.rows):
        col = 0
        for cell in row:
            if cell.span == 1 and cell.text:
                need[col] = max(need[col], _min_width(cell, shaper, cfg.small_size, f"表格第{r + 1}行"))
            col += cell.span
    if sum(need) > cfg.width:
        return widths  # content cannot all fit: keep the office's proportions
    short = sum(max(0.0, n - w) for n, w in zip(need, widths))
    spare = [max(0.0, w - n) for n, w in zip(need, widths)]
    if short <= 0 or sum(spare) <= 0:
        return widths
    take = min(1.0, short / sum(spare))
    return [max(n, w) if n > w else w - s * take for n, w, s in zip(need, widths, spare)]


def table_flow(table: TableSpec, shaper: Shaper, cfg: LayoutConfig,
               builder: FlowBuilder) -> list:
    widths = column_widths(table, shaper, cfg)
    xs = [cfg.x0 + acc for acc in accumulate([0.0] + widths)]
    out: list = []
    if table.caption:  # one blank line above the caption, which stays with the table
        set_caption = builder.set_one(table.caption, "表格标题", Role.HEITI)
        runs = builder.one_line(table.caption, "表格标题", cfg.x0 + (cfg.width - set_caption.width) / 2,
                                Role.HEITI)
        blank = builder.blank()
        blank.keep_with_next = True
        out += [blank, FlowLine(runs, keep_with_next=True)]
    headers: list[FlowBlock] = []
    for r, row in enumerate(table.rows):
        laid = _layout_row(row, xs, shaper, cfg, f"表格第{r + 1}行")
        block = _block(laid, 0, laid.count, cfg)
        if r < table.header_rows:
            block.is_header = True
            block.keep_with_next = True
            headers.append(block)
        else:
            block.header = headers
        out.append(block)
    return out
