"""Turning what a person typed into canonical values, or a Chinese refusal.

Canonical storage values: dates as ISO text, booleans as 0/1, lists as
tuples of strings, empty input as None.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from desktop_app.domain.schema import Family, Field, Kind
from desktop_app.domain.vocab import choices
from desktop_app.errors import ValidationError

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
_TRUE = {"1", "true", "yes", "是", "y", "√"}
_FALSE = {"0", "false", "no", "否", "n", ""}
MIN_YEAR, MAX_YEAR = 1900, 2100


def parse_date(value: Any, label: str = "日期", field: str = "date") -> date:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        d = value
    else:
        text = str(value).strip()
        for pattern in _DATE_PATTERNS:
            m = pattern.match(text)
            if m:
                break
        else:
            raise ValidationError(field, f"{label}“{text}”不是有效日期，请按 2026-03-07 的格式填写。")
        y, mo, da = (int(g) for g in m.groups())
        if not 1 <= mo <= 12:
            raise ValidationError(field, f"{label}“{text}”不是有效日期：月份应为 1 至 12。")
        try:
            d = date(y, mo, da)
        except ValueError:
            raise ValidationError(field, f"{label}“{text}”不存在（{y}年{mo}月没有{da}日）。") from None
    if not MIN_YEAR <= d.year <= MAX_YEAR:
        raise ValidationError(field, f"{label}的年份 {d.year} 不合理。")
    return d


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == ()


def _text(f: Field, value: Any) -> str:
    text = str(value).strip() if f.kind is Kind.TEXT else str(value).replace("\r\n", "\n").strip()
    if "\x00" in text:
        raise ValidationError(f.name, f"{f.label}含有不可见的控制字符。")
    if f.kind is Kind.TEXT and "\n" in text:
        raise ValidationError(f.name, f"{f.label}只能填一行。")
    if f.limit and len(text) > f.limit:
        raise ValidationError(f.name, f"{f.label}最多 {f.limit} 个字，现在有 {len(text)} 个字。")
    return text


def _number(f: Field, value: Any) -> int | float:
    try:
        if isinstance(value, bool):
            raise ValueError
        number = int(value) if f.kind is Kind.INT else float(value)
        if f.kind is Kind.INT and isinstance(value, float) and value != int(value):
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationError(f.name, f"{f.label}应填{'整数' if f.kind is Kind.INT else '数字'}。") from None
    if f.min_value is not None and number < f.min_value:
        raise ValidationError(f.name, f"{f.label}不能小于 {f.min_value:g}。")
    if f.max_value is not None and number > f.max_value:
        raise ValidationError(f.name, f"{f.label}不能大于 {f.max_value:g}。")
    return number


def _bool(f: Field, value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return 1
    if text in _FALSE:
        return 0
    raise ValidationError(f.name, f"{f.label}应填“是”或“否”。")


def _items(f: Field, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in re.split(r"[,，、;；\n]", value)]
    items = tuple(str(v).strip() for v in value if str(v).strip())
    if len(items) != len(set(items)):
        raise ValidationError(f.name, f"{f.label}中有重复项。")
    for item in items:
        if len(item) > 200:
            raise ValidationError(f.name, f"{f.label}中的一项过长（最多 200 字）。")
    if f.kind is Kind.LIST and f.vocab:
        bad = [i for i in items if i not in choices(f.vocab)]
        if bad:
            raise ValidationError(f.name, f"{f.label}中的“{bad[0]}”不是可选项。")
    if sum(len(i) for i in items) > (f.limit or 2000):
        raise ValidationError(f.name, f"{f.label}内容过多。")
    return items


def normalize_value(f: Field, value: Any) -> Any:
    if _empty(value):
        return None
    if f.kind in (Kind.TEXT, Kind.LONGTEXT, Kind.REF):
        return _text(f, value)
    if f.kind is Kind.DATE:
        return parse_date(value, f.label, f.name).isoformat()
    if f.kind in (Kind.INT, Kind.FLOAT):
        return _number(f, value)
    if f.kind is Kind.BOOL:
        return _bool(f, value)
    if f.kind is Kind.CHOICE:
        text = str(value).strip()
        if text not in choices(f.vocab):
            raise ValidationError(f.name, f"{f.label}“{text}”不是可选项，可选：{'、'.join(choices(f.vocab))}。")
        return text
    return _items(f, value)   # LIST, REFS


def normalize(fam: Family, raw: dict[str, Any]) -> dict[str, Any]:
    """Canonical values for the fields present in ``raw``; unknown fields refused."""
    out: dict[str, Any] = {}
    for name, value in raw.items():
        try:
            f = fam.field(name)
        except KeyError:
            raise ValidationError(name, f"{fam.label}没有“{name}”这一项。") from None
        out[name] = normalize_value(f, value)
    return out


def check_complete(fam: Family, values: dict[str, Any]) -> None:
    """Required fields present, and date pairs in order."""
    for f in fam.fields:
        if f.required and _empty(values.get(f.name)):
            raise ValidationError(f.name, f"请填写{f.label}。")
    for first, second in order_pairs(fam):
        a, b = values.get(first), values.get(second)
        if a and b and b < a:
            fa, fb = fam.field(first), fam.field(second)
            raise ValidationError(second, f"{fb.label}（{b}）不能早于{fa.label}（{a}）。")


def order_pairs(fam: Family) -> list[tuple[str, str]]:
    pairs = list(fam.extra.get("order", ()))
    for dl in fam.deadlines:
        if dl.start and fam.field(dl.start).kind is Kind.DATE:
            pairs.append((dl.start, dl.done_field))
    return pairs
