"""发文字号 a document would get: the office's 机关代字 for a document type and
the next free sequence number of the year (read-only).

Numbers already taken are those in 函件 records (``letter.doc_no``) and those
recorded as issued (audit entries with action 发文, see ``outputs``). A real
numbering counter with the assignment in the same transaction belongs in the
core; until then 发文 is recorded in the append-only audit log.
"""
from __future__ import annotations

import json

from desktop_app.letters.docnumber import format_doc_number, parse_doc_number
from desktop_app.errors import ValidationError
from desktop_app.services.office import DEFAULT_SETTINGS
from desktop_app.services.session import Session

PLACEHOLDER = "X"        # document types write the office's abbreviation as X (X纪函)


def prefix_for(s: Session, number_prefix: str | None) -> str | None:
    """The office's 代字 for a type's default such as ``X纪函`` (None: no number)."""
    if not number_prefix:
        return None
    bare = number_prefix[1:] if number_prefix.startswith(PLACEHOLDER) else number_prefix
    for key, default in DEFAULT_SETTINGS.items():
        if key.startswith("prefix.") and default == bare:
            value = s.setting(key)
            if value:
                return value
    letter = s.setting("prefix.函") or DEFAULT_SETTINGS["prefix.函"]
    abbreviation = letter[:-len("纪函")] if letter.endswith("纪函") else ""
    return abbreviation + bare


def _parsed(text: str | None):
    try:
        return parse_doc_number(text) if text else None
    except ValidationError:
        return None


def used_numbers(s: Session, prefix: str, year: int) -> set[int]:
    taken = set()
    for (text,) in s.conn.execute("SELECT doc_no FROM letter WHERE doc_no IS NOT NULL"):
        n = _parsed(text)
        if n and n.prefix == prefix and n.year == year:
            taken.add(n.seq)
    for (detail,) in s.conn.execute("SELECT detail FROM audit_log WHERE action = '发文'"):
        try:
            n = _parsed(json.loads(detail).get("number"))
        except (ValueError, AttributeError):
            continue
        if n and n.prefix == prefix and n.year == year:
            taken.add(n.seq)
    return taken


def next_number(s: Session, prefix: str, year: int) -> str:
    """The number after the highest one taken this year (gaps are not refilled)."""
    return format_doc_number(prefix, year, max(used_numbers(s, prefix, year), default=0) + 1)
