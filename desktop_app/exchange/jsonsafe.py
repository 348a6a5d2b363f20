"""Canonical JSON writing and hostile-input JSON reading.

Canonical form (the bytes that are signed and used as AEAD associated data): keys sorted
by code point, no spaces, UTF-8 (not ``\\uXXXX``), integers only.  Both sides are this
module, so "sorted" means Python's string order.

``loads_strict`` refuses, before or while parsing: nesting deeper than the cap (a
64 KiB run of ``[`` would otherwise hit the recursion limit deep in the C scanner),
numbers longer than the cap (a million-digit integer costs quadratic time), floats,
NaN/Infinity, duplicate keys (two readers could disagree on which one counts) and
invalid UTF-8.  It raises ``ValueError``; callers turn that into their own rejection.
"""
from __future__ import annotations

import json
import re
from typing import Any

from .limits import JSON_MAX_DEPTH, JSON_MAX_NUMBER_CHARS


def canonical_json(obj: Any) -> bytes:
    """The one byte form of ``obj`` that is signed, hashed and compared."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


# After escapes are removed, a string is a quote, non-quotes, a quote: no backtracking
# beyond one unterminated string at the very end, so the scan is linear.
_STRING = re.compile(rb'"[^"]*"')
_BRACKETS_ONLY = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def check_depth(data: bytes, max_depth: int = JSON_MAX_DEPTH) -> None:
    """Raise ValueError if brackets outside strings nest deeper than ``max_depth``.

    Linear in ``len(data)`` whatever the input (the earlier regex rescanned the rest
    of the input from every escaped quote: quadratic), and every step runs in C:

    1. fast path: fewer opening brackets than the cap cannot nest deeper;
    2. escapes go (``\\\\`` first, then ``\\"``), so every quote left delimits
       a string, and strings are blanked;
    3. only the brackets are kept, ``{}`` mapped to ``[]``, and innermost pairs are
       removed ``max_depth`` times (each round removes one level).  A pair left over
       means deeper nesting; more than ``max_depth`` unmatched opening brackets could
       also make the parser recurse deeper, so they are refused as well (such input
       is not valid JSON anyway).  An unterminated string keeps its brackets, which
       can only make the check stricter."""
    if data.count(b"[") + data.count(b"{") <= max_depth:
        return
    text = _STRING.sub(b"", data.replace(b"\\\\", b"").replace(b'\\"', b""))
    brackets = text.translate(_BRACKETS_ONLY, _NOT_BRACKETS)
    for _ in range(max_depth):
        shorter = brackets.replace(b"[]", b"")
        if len(shorter) == len(brackets):
            break
        brackets = shorter
    if b"[]" in brackets or brackets.count(b"[") > max_depth:
        raise ValueError(f"JSON 嵌套超过 {max_depth} 层")


def _parse_int(text: str) -> int:
    if len(text) > JSON_MAX_NUMBER_CHARS:
        raise ValueError("JSON 数字过长")
    return int(text)


def _refuse_float(text: str) -> Any:
    raise ValueError("JSON 中不允许小数")


def _refuse_constant(text: str) -> Any:
    raise ValueError(f"JSON 中不允许 {text}")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"JSON 键重复：{key}")
        result[key] = value
    return result


def loads_strict(data: bytes, *, max_depth: int = JSON_MAX_DEPTH) -> Any:
    """Parse untrusted JSON bytes under the caps described in the module docstring."""
    check_depth(data, max_depth)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError("JSON 不是有效的 UTF-8") from exc
    try:
        return json.loads(text, parse_int=_parse_int, parse_float=_refuse_float,
                          parse_constant=_refuse_constant, object_pairs_hook=_no_duplicates)
    except RecursionError as exc:   # belt and braces: check_depth should prevent it
        raise ValueError("JSON 嵌套过深") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"JSON 语法错误：{exc.msg}") from exc
