"""Checks of single values from a package, shared by the row, conflict and header
checks: what SQLite and the rest of the program can hold, decided before the first
write so that the dry run refuses whatever the import would (issue 9, item 2).

* integers fit in SQLite's signed 64 bits; counters and sequence numbers stay below
  ``MAX_COUNTER`` (2^53), far from 2^63 where ``counter + 1`` would overflow;
* text is a sequence of Unicode scalar values (a JSON ``\\ud800`` escape gives a lone
  surrogate that cannot be stored as UTF-8);
* timestamps are what the program writes (``2026-11-27T09:00:01``, optionally with
  ``Z`` or an offset), dates ``yyyy-mm-dd`` in the years the domain accepts;
* ``shown(text)`` makes a value from a package safe to quote in a one-line message.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1
MAX_COUNTER = 2 ** 53
MIN_YEAR, MAX_YEAR = 1900, 2100

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})?", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def is_int64(value: Any) -> bool:
    return type(value) is int and INT64_MIN <= value <= INT64_MAX


def is_counter(value: Any, low: int = 1) -> bool:
    return type(value) is int and low <= value <= MAX_COUNTER


def is_scalar_text(value: str) -> bool:
    """No lone surrogates and no NUL: storable as UTF-8 text in SQLite."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in value


def is_timestamp(value: Any) -> bool:
    if not isinstance(value, str) or not _TIMESTAMP.fullmatch(value):
        return False
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return MIN_YEAR <= moment.year <= 9999


def is_date(value: Any) -> bool:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return False
    try:
        return MIN_YEAR <= date.fromisoformat(value).year <= MAX_YEAR
    except ValueError:
        return False


def scalar_problem(value: Any) -> str | None:
    """Why a top-level column value cannot be stored, or None (dicts are checked by
    their own rules)."""
    if value is None or isinstance(value, dict):
        return None
    if type(value) is int:
        return None if is_int64(value) else "整数超出 64 位范围"
    if isinstance(value, str):
        return None if is_scalar_text(value) else "含有无效的 Unicode 字符"
    return "类型不对（只允许文本、整数或空值）"


def shown(value: Any, limit: int = 40) -> str:
    """A value from a package, safe to quote in a one-line Chinese message: control,
    format (bidi) and surrogate characters become ``?``, and it is cut short."""
    text = value if isinstance(value, str) else repr(value)
    text = "".join("?" if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") else ch
                   for ch in text[:limit + 1])
    return text[:limit] + ("…" if len(text) > limit else "")
