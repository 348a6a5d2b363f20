"""Dates as letters print them (GB/T 9704-2012 7.3.5.4): ``2026年11月29日``.

Arabic digits, full year, no zero padding. Input dates in specs are ISO ``YYYY-MM-DD``;
anything else is refused rather than guessed, because a wrong 成文日期 on a formal
letter is worse than a refusal.
"""
from __future__ import annotations

import re
from datetime import date

from desktop_app.errors import ValidationError

_ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def format_cn_date(value: date) -> str:
    """``date(2026, 3, 7)`` → ``2026年3月7日``."""
    if not isinstance(value, date):
        raise TypeError(f"format_cn_date needs a date, got {type(value).__name__}")
    return f"{value.year}年{value.month}月{value.day}日"


def parse_iso_date(text: object, field: str = "date", label: str = "成文日期") -> date:
    """Strict ``YYYY-MM-DD``; the message names the field in Chinese."""
    example = "例如 2026-11-29"
    if isinstance(text, date):
        return text
    if not isinstance(text, str):
        raise ValidationError(field, f"{label}须写成 YYYY-MM-DD 格式的文字，{example}")
    match = _ISO_RE.match(text.strip())
    if not match:
        raise ValidationError(field, f"{label}「{text}」格式不正确，应为 YYYY-MM-DD，{example}")
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError(field, f"{label}「{text}」不是真实存在的日期，{example}") from None
