"""compose(): a LetterSpec becomes pages of positioned items, or a refusal.

The whole letter is laid out before anything is written, so a character that no
installed font can print stops the job with a message naming it and where it is.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

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


def _with_imprint(fills: list[PageFill], imprint: list, top: float) -> None:
    """The 版记 sits at the bottom of the last page; if the text reaches it, add a page."""
    if not imprint:
        return
    if fills[-1].cursor < top:
        fills.append(PageFill(top))
    fills[-1].items.extend(imprint)


def compose(spec: LetterSpec, fonts: FontSet, cfg: LayoutConfig | None = None) -> Composed:
    cfg = cfg or LayoutConfig()
    if not fonts.has_cjk:
        raise UserFacingError(NO_FONT_MESSAGE)
    shaper = Shaper(fonts, cfg)
    head = HeadBuilder(spec, shaper, cfg)
    first_items, cursor = head.first_page()
    imprint, imprint_top = head.imprint()
    fills = paginate(build_flow(spec, shaper, cfg), cursor, cfg, imprint_top - cfg.y_bottom)
    fills[0].items[:0] = first_items
    _with_imprint(fills, imprint, imprint_top)
    pages: list[Page] = []
    letter = spec.format is LetterFormat.LETTER
    for number, fill in enumerate(fills, 1):
        page = Page(fill.items, number, not (letter and number == 1), fill.body_rows)
        if page.show_number:  # 信函格式: no number on page 1 [STD 10.1]
            page.items.extend(head.page_number(number))
        if letter and number == 1:
            page.items.extend(head.letter_bottom_rule())
        pages.append(page)
    if shaper.use.missing:
        raise UserFacingError(missing_glyphs_message(shaper.use.missing))
    for ch, field, font in shaper.use.fallbacks:
        log.info("字符「%s」（U+%04X，%s）由备用字体 %s 印出", ch, ord(ch), field, font)
    return Composed(pages, shaper.use)
