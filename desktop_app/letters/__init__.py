"""公文: GB/T 9704-2012 letters to PDF, without Qt.

Public API::

    spec = LetterSpec.from_json(json_dict)          # or fill_template("提醒函", values)
    result = render_pdf(spec, "out.pdf")            # RenderResult(pages, fonts, fallbacks)
    data = render_bytes(spec)
    print(fonts_report().to_text())

Everything a user can get wrong raises ``desktop_app.errors.UserFacingError`` (or its
subclass ValidationError) with a Chinese message. See SPEC.md for the JSON format.
"""
from __future__ import annotations

from pathlib import Path

from .dates import format_cn_date, parse_iso_date
from .docnumber import DocNumber, format_doc_number, parse_doc_number
from .documents import DOC_TYPES, DocType, MissingFields, fill_template, load_doc_types
from .fonts import FontSet, FontsReport, Role, get_fonts
from .geometry import LayoutConfig
from .render import Fallback, RenderResult, render_bytes, render_pdf
from .spec import LetterFormat, LetterSpec, TableCell, TableSpec


def fonts_report(fonts: FontSet | None = None, cache_dir: Path | None = None) -> FontsReport:
    """Which file serves each role, what is used instead, which fonts were skipped."""
    return (fonts if fonts is not None else get_fonts(cache_dir=cache_dir)).report()


__all__ = [
    "DOC_TYPES", "DocNumber", "DocType", "Fallback", "FontSet", "FontsReport", "LayoutConfig",
    "LetterFormat", "LetterSpec", "MissingFields", "RenderResult", "Role", "TableCell",
    "TableSpec", "fill_template", "fonts_report", "format_cn_date", "format_doc_number",
    "get_fonts", "load_doc_types", "parse_doc_number", "parse_iso_date", "render_bytes",
    "render_pdf",
]
