"""Fill pages with the flow: grid lines snap to the 22 grid rows, blocks stack by height.

Items chained by ``keep_with_next`` move to the next page together (a heading with its
first line; the last body line with 署名 and 成文日期). Tall table rows split between
their lines, and a table's header rows are repeated on each page it continues on.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .flow import FlowBlock, FlowLine
from .geometry import LayoutConfig

EPS = 0.01


@dataclass
class PageFill:
    cursor: float
    items: list = field(default_factory=list)
    body_rows: list[int] = field(default_factory=list)
    empty: bool = True
    moved_closing: bool = False  # the last chain (署名/日期 with the last lines) was moved here


class Paginator:
    def __init__(self, cfg: LayoutConfig, first_cursor: float):
        self.cfg = cfg
        self.pages = [PageFill(first_cursor)]
        self.page_top = cfg.y_top + cfg.gap / 2
        self.reserve = 0.0  # room kept free at the page bottom (the 版记 of the last page)

    @property
    def block_limit(self) -> float:
        return self.cfg.y_bottom + self.reserve

    @property
    def line_limit(self) -> float:
        """Lowest em-box bottom; text keeps half a line gap above a reserved 版记."""
        return self.block_limit + (self.cfg.gap / 2 if self.reserve else 0.0)

    @property
    def page(self) -> PageFill:
        return self.pages[-1]

    def new_page(self) -> PageFill:
        self.pages.append(PageFill(self.page_top))
        return self.page

    # --- fitting ---------------------------------------------------------------------
    def _line_row(self, cursor: float) -> int | None:
        cfg = self.cfg
        row = cfg.first_row_at(cursor)
        if row >= cfg.max_rows or cfg.row_top(row) - cfg.body_size < self.line_limit - EPS:
            return None
        return row

    def _advance(self, cursor: float, empty: bool, item) -> tuple[float, bool] | None:
        """Cursor after ``item`` (None if it does not fit); blank lines vanish at a page top."""
        cfg = self.cfg
        if isinstance(item, FlowLine):
            if item.blank and empty:
                return cursor, True
            row = self._line_row(cursor)
            if row is None:
                return None
            return cfg.row_top(row) - cfg.body_size - cfg.gap / 2, False
        if empty and not item.is_header:  # a continued table repeats its header first
            for header in item.header:
                cursor, empty = self._block_advance(cursor, header) or (cursor, empty)
        return self._block_advance(cursor, item)

    def _block_advance(self, cursor: float, block: FlowBlock) -> tuple[float, bool] | None:
        top = min(cursor, self.cfg.y_top)
        if top - block.height < self.block_limit - EPS:
            return None
        return top - block.height, False

    def fits(self, group: list, fresh: bool = False) -> bool:
        """Does the group fit on the current page (or, ``fresh``, on an empty one)?"""
        cursor, empty = (self.page_top, True) if fresh else (self.page.cursor, self.page.empty)
        for item in group:
            state = self._advance(cursor, empty, item)
            if state is None:
                return False
            cursor, empty = state
        return True

    # --- placing ---------------------------------------------------------------------
    def _put(self, item) -> None:
        cfg, page = self.cfg, self.page
        if isinstance(item, FlowLine):
            if item.blank and page.empty:
                return
            row = self._line_row(page.cursor)
            baseline = cfg.baseline(cfg.row_top(row), cfg.body_size)
            page.items += [run.moved(dy=baseline) for run in item.runs]
            if not item.blank:
                page.body_rows.append(row)
            page.cursor, page.empty = self._advance(page.cursor, page.empty, item)
            return
        if page.empty and not item.is_header:
            for header in item.header:  # continuation of a table: repeat its header
                self._put(header)
        top = min(page.cursor, cfg.y_top)
        page.items += [thing.moved(dy=top) for thing in item.items]
        page.cursor, page.empty = top - item.height, False

    def place(self, item) -> None:
        """Place one item, breaking the page (and splitting a block) as needed."""
        if self.fits([item]):
            self._put(item)
            return
        if isinstance(item, FlowBlock) and item.split is not None:
            available = min(self.page.cursor, self.cfg.y_top) - self.block_limit
            if self.page.empty and not item.is_header:
                available -= sum(header.height for header in item.header)
            parts = item.split(available)
            if parts is not None:
                for part in parts:  # both halves belong to the same table
                    part.header = item.header
                self._put(parts[0])
                self.new_page()
                self.place(parts[1])
                return
        if self.page.empty:
            if self.reserve:  # the 版记 cannot share this page: it gets one of its own
                self.reserve = 0.0
                self.place(item)
                return
            self._put(item)  # taller than a whole page and unsplittable: put it anyway
            return
        self.new_page()
        self.place(item)

    def place_group(self, group: list, last: bool = False) -> None:
        if len(group) == 1 and isinstance(group[0], FlowBlock) and group[0].split is not None:
            self.place(group[0])  # a table row splits at a line boundary, no page ends half empty
            return
        if not self.page.empty and not self.fits(group) and self.fits(group, fresh=True):
            self.new_page()  # move the chain whole; one taller than a page starts right here
            self.page.moved_closing = last
        if self.fits(group):
            for item in group:
                self._put(item)
        else:
            for item in group:
                self.place(item)


def groups(flow: list) -> list[list]:
    """Chains of items linked by keep_with_next."""
    out: list[list] = []
    current: list = []
    for item in flow:
        current.append(item)
        if not item.keep_with_next:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def paginate(flow: list, first_cursor: float, cfg: LayoutConfig,
             reserve: float = 0.0) -> list[PageFill]:
    """``reserve``: height kept free under the last group, so the 版记 shares its page."""
    paginator = Paginator(cfg, first_cursor)
    chained = groups(flow)
    for i, group in enumerate(chained):
        last = i == len(chained) - 1
        paginator.reserve = reserve if last else 0.0
        paginator.place_group(group, last)
    return paginator.pages
