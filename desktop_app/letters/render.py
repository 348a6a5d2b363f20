"""Draw composed pages with reportlab and write the PDF atomically.

Fonts are TrueType and embedded as subsets by reportlab. The output is written to a
temporary file beside the target and renamed only when complete, so a failed render
never leaves a half-written or stale-looking letter behind.
"""
from __future__ import annotations

import io
import logging
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from reportlab.lib.colors import HexColor
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from desktop_app.errors import FileInUseError, UserFacingError, file_in_use, reason

from .fonts import FontSet, get_fonts
from .geometry import LayoutConfig
from .items import Page, Rule, TextRun
from .layout import compose
from .spec import LetterSpec

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fallback:
    char: str
    field: str
    font: str


@dataclass(frozen=True)
class RenderResult:
    pages: int
    fonts: dict[str, tuple[str, ...]]      # role → font files that printed something
    fallbacks: tuple[Fallback, ...] = ()
    path: Path | None = None
    size: int = 0
    # One sentence per role this letter used that is printed in a stand-in font
    # ("本机没有仿宋字体…暂用 AR PL UMing CN（宋体）代替"): the editor shows them, the CLI
    # prints them on stderr.
    warnings: tuple[str, ...] = ()


_COLORS: dict[str, HexColor] = {}


def _color(hex_value: str) -> HexColor:
    if hex_value not in _COLORS:
        _COLORS[hex_value] = HexColor(hex_value)
    return _COLORS[hex_value]


def _draw_text(canvas: Canvas, run: TextRun) -> None:
    canvas.setFillColor(_color(run.color))
    text = canvas.beginText(run.x, run.y)
    text.setFont(run.font, run.size)
    # Tc and Tz outlive BT/ET in PDF, so every run states both instead of trusting
    # whatever the previous run left behind.
    text.setHorizScale(run.hscale)
    text.setCharSpace(run.char_space)
    if not run.char_space:
        text.textOut(run.text)
        canvas.drawText(text)
        return
    # reportlab switches subset fonts inside one string. The PDF is right either way,
    # but some readers (pdfminer, hence pdfplumber) drop the character spacing after
    # the last glyph of each piece; placing every piece explicitly removes the doubt.
    font = pdfmetrics.getFont(run.font)
    x, start = run.x, 0
    for _subset, encoded in font.splitString(run.text, canvas._doc):
        piece = run.text[start:start + len(encoded)]  # one byte per glyph in a subset
        text.setTextOrigin(x, run.y)
        text.textOut(piece)
        x += (font.stringWidth(piece, run.size) + run.char_space * len(piece)) * run.hscale / 100
        start += len(encoded)
    canvas.drawText(text)


def _draw_rule(canvas: Canvas, rule: Rule) -> None:
    canvas.setStrokeColor(_color(rule.color))
    canvas.setLineWidth(rule.width)
    if rule.y1 is None:
        canvas.line(rule.x0, rule.y, rule.x1, rule.y)
    else:
        canvas.line(rule.x0, rule.y, rule.x1, rule.y1)


def _draw(canvas: Canvas, pages: list[Page], sizes: list[tuple[float, float]]) -> None:
    for page, size in zip(pages, sizes):
        canvas.setPageSize(size)
        for item in page.items:
            if isinstance(item, TextRun):
                _draw_text(canvas, item)
            else:
                _draw_rule(canvas, item)
        canvas.showPage()


def _compose_parts(specs: tuple[LetterSpec, ...], fonts: FontSet, cfg: LayoutConfig | None):
    """One document after another in one file (a report and its appended list): each
    part starts on a new page; page numbers run on, as for 附件 bound with the text.
    Returns the pages, each page's size (a wide table's part lies across) and the fonts used."""
    pages, sizes, use = [], [], None
    for one in specs:
        part_cfg = replace(cfg or LayoutConfig(), first_page=len(pages) + 1)
        composed = compose(one, fonts, part_cfg)
        size = (part_cfg.landscape() if one.landscape else part_cfg).page_size    # as compose set it
        pages += composed.pages
        sizes += [size] * len(composed.pages)
        if use is None:
            use = composed.use
        else:
            for role, files in composed.use.used.items():
                use.used.setdefault(role, set()).update(files)
            use.fallbacks += composed.use.fallbacks
    return pages, sizes, use


def _render(spec: LetterSpec | tuple[LetterSpec, ...], target, fonts: FontSet | None,
            cfg: LayoutConfig | None) -> RenderResult:
    fonts = fonts if fonts is not None else get_fonts()
    specs = tuple(spec) if isinstance(spec, (tuple, list)) else (spec,)
    pages, sizes, use = _compose_parts(specs, fonts, cfg)
    spec = specs[0]
    # Start the canvas on a font the letter uses; reportlab's default would add an
    # unembedded Helvetica to the file, which PDF checkers report.
    first = next(i for p in pages for i in p.items if isinstance(i, TextRun))
    canvas = Canvas(target, pagesize=sizes[0], invariant=True, pageCompression=1,
                    initialFontName=first.font, initialFontSize=first.size)
    canvas.setTitle(spec.title.replace("\n", ""))
    canvas.setSubject(spec.doc_type)
    canvas.setCreator("监督台账 taizhang")
    _draw(canvas, pages, sizes)
    canvas.save()
    return RenderResult(
        pages=len(pages),
        fonts={role: tuple(sorted(files)) for role, files in use.used.items()},
        fallbacks=tuple(Fallback(*f) for f in use.fallbacks),
        warnings=fonts.warnings(use.used),
    )


def render_bytes(spec: LetterSpec, fonts: FontSet | None = None,
                 cfg: LayoutConfig | None = None) -> bytes:
    buffer = io.BytesIO()
    _render(spec, buffer, fonts, cfg)
    return buffer.getvalue()


def render_pdf(spec: LetterSpec | tuple[LetterSpec, ...], out_path, fonts: FontSet | None = None,
               cfg: LayoutConfig | None = None) -> RenderResult:
    """Render to ``out_path`` via a temporary file renamed on success; a tuple of
    specs is printed one after another in the same file."""
    out = Path(out_path)
    if not out.parent.is_dir():
        raise UserFacingError(f"输出目录不存在：{out.parent}")
    buffer = io.BytesIO()
    result = _render(spec, buffer, fonts, cfg)  # layout errors surface before any file exists
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(buffer.getvalue())
        os.replace(tmp, out)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        if file_in_use(exc) is not None:            # open in a PDF reader: the GUI offers 重试
            raise FileInUseError(out) from exc
        hint = "（文件可能正被 PDF 阅读器等程序打开，请关闭后重试）" if isinstance(exc, PermissionError) else ""
        raise UserFacingError(f"无法写入 PDF 文件 {out}：{reason(exc)}{hint}") from exc
    log.info("已生成公文 %s（%d 页）", out, result.pages)
    return RenderResult(result.pages, result.fonts, result.fallbacks, out, len(buffer.getvalue()),
                        result.warnings)
