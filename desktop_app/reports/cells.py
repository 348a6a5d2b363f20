"""One cell of an old ledger turned into a field value, or a Chinese reason why not.

Dates come the ways clerks type them (2026.3.7, 2026/3/7, 2026-03-07, 2026年3月7日,
20260307) or as Excel serial numbers; a long number that Excel already turned into
1.23E+17 (an ID number typed into a number cell keeps only 15 digits) is refused,
because its last digits are lost and cannot be recovered from the file.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from desktop_app.domain.schema import Field, Kind
from desktop_app.domain.vocab import choices

_DATE = re.compile(r"(\d{4})\s*(?:[.\-/年]\s*)(\d{1,2})\s*(?:[.\-/月]\s*)(\d{1,2})\s*日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SCI = re.compile(r"[+-]?\d(?:\.\d+)?[eE]\+?\d+")
EXCEL_EPOCH = date(1899, 12, 30)
TRUE = {"是", "有", "√", "✓", "Y", "YES", "TRUE", "1", "已", "需要", "要"}
FALSE = {"否", "无", "×", "✗", "N", "NO", "FALSE", "0", "未", "不需要", "不"}
SPLIT = re.compile(r"[、,，;；/\n]+|\s{2,}")


class CellError(ValueError):
    """The Chinese reason a cell cannot become the field's value; for a name not
    found, the name and the closest names the office has (to choose from)."""

    def __init__(self, message: str, name: str | None = None, candidates: tuple[str, ...] = ()):
        super().__init__(message)
        self.name, self.candidates = name, candidates


def text_of(value) -> str:
    """A cell as text: integral floats without '.0' (codes, 文号 numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def is_blank(value) -> bool:
    return value is None or isinstance(value, str) and not value.strip()


def parse_date(value) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value <= 80000:           # an Excel serial day (1954–2119)
            return (EXCEL_EPOCH + timedelta(days=int(value))).isoformat()
        if 19000101 <= value <= 21001231 and float(value).is_integer():
            return parse_date(str(int(value)))
        raise CellError(f"“{text_of(value)}”不是日期")
    text = str(value).strip().replace("．", ".").replace("－", "-")
    m = _DATE.fullmatch(text) or _COMPACT.fullmatch(text)
    if m is None:
        raise CellError(f"“{text}”不是可识别的日期（可写 2026-03-07、2026.3.7 或 2026年3月7日）")
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        raise CellError(f"日期“{text}”不存在") from None


def _number(value, f: Field):
    if isinstance(value, bool):
        raise CellError(f"“{text_of(value)}”不是数字")
    if isinstance(value, (int, float)):
        n = value
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        text = text.rstrip("人次分个项场")
        try:
            n = float(text)
        except ValueError:
            raise CellError(f"“{value}”不是数字") from None
    if f.kind is Kind.INT:
        if not float(n).is_integer():
            raise CellError(f"“{text_of(value)}”应为整数")
        return int(n)
    return float(n)


def _bool(value) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return int(value)
    text = str(value).strip().upper()
    if text in TRUE:
        return 1
    if text in FALSE:
        return 0
    raise CellError(f"“{value}”应填“是”或“否”")


def _choice(value, f: Field) -> str:
    text = re.sub(r"\s+", "", text_of(value))
    allowed = choices(f.vocab) if f.vocab else ()
    if not allowed or text in allowed:
        return text
    near = [c for c in allowed if text and (text in c or c in text)]
    if len(near) == 1:
        return near[0]
    raise CellError(f"“{text}”不是可选的{f.label}（可选：{'、'.join(allowed)}）")


def _text(value, f: Field) -> str:
    if isinstance(value, float) and abs(value) >= 1e11:
        raise CellError(f"“{text_of(value)}”是被 Excel 改成科学计数法的长数字（如身份证号），"
                        "末几位已经丢失；请把这一列设为文本格式并重新录入")
    text = text_of(value)
    if _SCI.fullmatch(text):
        raise CellError(f"“{text}”是被 Excel 改成科学计数法的长数字（如身份证号），末几位已经丢失；"
                        "请把这一列设为文本格式并重新录入")
    if f.limit and len(text) > f.limit:
        raise CellError(f"内容过长（{len(text)} 字，最多 {f.limit} 字）")
    return text


def convert(value, f: Field):
    """The stored value of ``f`` for a non-blank cell (references are resolved elsewhere)."""
    if f.kind is Kind.DATE:
        return parse_date(value)
    if f.kind in (Kind.INT, Kind.FLOAT):
        return _number(value, f)
    if f.kind is Kind.BOOL:
        return _bool(value)
    if f.kind is Kind.CHOICE:
        return _choice(value, f)
    if f.kind is Kind.LIST:
        items = [t.strip() for t in SPLIT.split(text_of(value)) if t.strip()]
        if f.vocab:
            items = [_choice(t, f) for t in items]
        return items
    if f.kind is Kind.REF:
        return [text_of(value)]
    if f.kind is Kind.REFS:
        return [t.strip() for t in re.split(r"[、,，;；/\n\s]+", text_of(value)) if t.strip()]
    return _text(value, f)
