"""Character classes for CJK line breaking (GB/T 15834-2011 5.1, W3C clreq).

The line setter itself is justify.py; titles are titles.py. Pure module.
"""
from __future__ import annotations

import unicodedata

# GB/T 15834-2011 5.1 + W3C clreq: marks that may not open a line (closing brackets and
# quotes, all 点号, connectors, 间隔号, 分隔号, unit signs), full- and half-width.
NO_START = frozenset(
    "，。、；：？！）〕】］｝〉》」』〗〙”’…—―～·・‧／％‰℃°′″"
    "〞｠｣〟,.;:?!)]}%/"
)
# Opening brackets and quotes (and currency/number signs) may not close a line.
NO_END = frozenset("“‘（〔【［｛〈《「『〖〘〝｟｢([{￥＄＃＠§$#@")
# Invisible characters with no glyph: dropped, never reported as "missing".
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")


def is_halfwidth(ch: str) -> bool:
    """Narrow characters are measured by font width; wide and ambiguous take a cell.

    East-Asian "ambiguous" characters (“”…— ·) are full-width in Chinese text.
    """
    if ch == "\u3000":
        return False
    return unicodedata.east_asian_width(ch) in ("Na", "H", "N")


def clean_text(text: str) -> str:
    """Drop invisible format characters and variation selectors; tabs become spaces."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in INVISIBLE or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
            continue
        out.append(" " if ch in "\t\r\n" else ch)
    return "".join(out)
