"""Tables (整改任务清单, the 谈话记录 form) as flow blocks that split across pages.

Each table row is one block; a row taller than the space left on a page is split
between its text lines, and header rows are repeated on the continuation page.
Table text is 4号 仿宋 (labels 黑体) — the standard fixes no table type size, and 3号
would wrap a 时限 column into single characters.
"""
from __future__ import annotations

from itertools import accumulate

from .flow import FlowBlock, FlowBuilder
from .fonts import Role
from .geometry import LayoutConfig
from .items import Rule, TextRun
from .shaping import Shaper
from .spec import TableCell, TableSpec

H_PAD = 4.0   # white between a cell's rules and its text
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
    capacity = max(1, int((x1 - x0 - 2 * H_PAD) // size))
    role = Role.HEITI if cell.header else Role.FANGSONG
    paragraphs = cell.text.split("\n") if cell.text else []
    if cell.header:  # labels wrap into even lines: "对象说明/或表态", not "对象说明或表/态"
        paragraphs = [line for p in paragraphs for line in shaper.balanced(p, capacity, role, size, field)]
    out = []
    for paragraph in paragraphs:
        for placed in shaper.break_text(paragraph, capacity, 0, 0, role, size, size, field):
            used = (placed[-1].col + placed[-1].part.cells) * size if placed else 0
            left = (x0 + x1 - used) / 2 if cell.align == "center" else x0 + H_PAD
            out.append(shaper.grid_runs(placed, lambda _i: role, left, 0.0, size, size, field))
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


def table_flow(table: TableSpec, shaper: Shaper, cfg: LayoutConfig,
               builder: FlowBuilder) -> list:
    total = sum(table.widths)
    xs = [cfg.x0 + cfg.width * acc / total for acc in accumulate((0.0,) + table.widths)]
    out: list = []
    if table.caption:  # centred by whole cells so it stays on the body grid
        placed, cells = builder.cells_of(table.caption, "表格标题")
        line = builder.placed_line(placed, (cfg.cols - cells) // 2, "表格标题", Role.HEITI)
        line.keep_with_next = True
        out.append(line)
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
