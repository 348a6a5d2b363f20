"""compose(): a LetterSpec becomes pages of positioned items, or a refusal.

The whole letter is laid out before anything is written, so a character that no
installed font can print stops the job with a message naming it and where it is.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from desktop_app.errors import UserFacingError

from .flow import build_flow
from .fonts import FontSet, FontUse
from .geometry import LayoutConfig
from .header import HeadBuilder
from .items import Page
from .paginate import PageFill, paginate
from .shaping import Shaper
from .spec import LetterFormat, LetterSpec

log = logging.getLogger(__name__)
NO_FONT_MESSAGE = "本机没有找到可用的中文 TrueType 字体，无法生成公文。请安装仿宋、黑体、楷体、宋体等字体后重试（可用 taizhang fonts 查看）。"


@dataclass
class Composed:
    pages: list[Page]
    use: FontUse


def missing_glyphs_message(missing: list[tuple[str, str]]) -> str:
    shown = "、".join(f"「{ch}」（U+{ord(ch):04X}，位于{field}）" for ch, field in missing[:5])
    more = f"等 {len(missing)} 处" if len(missing) > 5 else ""
    return (f"无法生成公文：本机所有字体都没有字符 {shown}{more}。"
            "请安装包含该字的字体（如含扩展汉字的宋体、仿宋字体），或改用其他写法后重试。")


def _with_imprint(fills: list[PageFill], imprint: list, top: float, even: bool) -> set[int]:
    """The 版记 sits at the bottom of the last page; if the text reaches it, add a page.
    ``even`` (双面印刷): an odd last page sends it to the next, even, page. Returns the
    1-based numbers of pages that carry no page number [STD 7.5]."""
    if not imprint:
        return set()
    unnumbered = set()
    if fills[-1].cursor < top or (even and len(fills) % 2 == 1):
        fills.append(PageFill(top))
        unnumbered.add(len(fills))  # a page with only the 版记 shows no number
    fills[-1].items.extend(imprint)
    return unnumbered


def tighter(cfg: LayoutConfig) -> list[LayoutConfig]:
    """The standard's remedy when 署名/日期 would go to a page of their own [STD 7.3.5.5]:
    less room left for the seal, then a line pitch down to 95 % (≈ 28 pt, the common
    Word setting) — never "此页无正文"."""
    seal = replace(cfg, seal_blank_lines=max(1, cfg.seal_blank_lines - 1))
    return [seal] + [replace(seal, line_pitch=cfg.pitch * f, rows=cfg.rows + 1) for f in (0.975, 0.95)]


def compose(spec: LetterSpec, fonts: FontSet, cfg: LayoutConfig | None = None) -> Composed:
    cfg = cfg or LayoutConfig()
    if spec.landscape:                      # 横排表格: the page and its 版心 turned
        cfg = cfg.landscape()
    if not fonts.has_cjk:
        raise UserFacingError(NO_FONT_MESSAGE)
    composed, moved = _compose(spec, fonts, cfg)
    if moved:
        for alternative in tighter(cfg):
            tried, moved = _compose(spec, fonts, alternative)
            if not moved and len(tried.pages) <= len(composed.pages):
                return tried
    return composed


def _compose(spec: LetterSpec, fonts: FontSet, cfg: LayoutConfig) -> tuple[Composed, bool]:
    shaper = Shaper(fonts, cfg)
    head = HeadBuilder(spec, shaper, cfg)
    first_items, cursor = head.first_page()
    imprint, imprint_top = head.imprint()
    flow = build_flow(spec, shaper, cfg)
    fills = paginate(flow, cursor, cfg, imprint_top - cfg.y_bottom)
    if imprint and spec.imprint_on_even_page:
        # duplex: text that ends on an odd page needs no room for the 版记, which goes
        # to the next (even) page anyway
        free = paginate(flow, cursor, cfg, 0.0)
        if len(free) % 2 == 1 and len(free) <= len(fills):
            fills = free
    moved = any(f.moved_closing for f in fills) and spec.format is not LetterFormat.FORM
    fills[0].items[:0] = first_items
    bare = _with_imprint(fills, imprint, imprint_top, spec.imprint_on_even_page)
    pages: list[Page] = []
    letter = spec.format is LetterFormat.LETTER
    for index, fill in enumerate(fills, 1):
        number = cfg.first_page + index - 1
        shown = not (letter and index == 1) and index not in bare
        page = Page(fill.items, number, shown, fill.body_rows)
        if page.show_number:  # 信函格式: no number on page 1 [STD 10.1]
            page.items.extend(head.page_number(number))
        if letter and number == 1:
            page.items.extend(head.letter_bottom_rule())
        pages.append(page)
    if shaper.use.missing:
        raise UserFacingError(missing_glyphs_message(shaper.use.missing))
    for ch, field, font in shaper.use.fallbacks:
        log.info("字符「%s」（U+%04X，%s）由备用字体 %s 印出", ch, ord(ch), field, font)
    return Composed(pages, shaper.use), moved
