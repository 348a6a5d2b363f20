"""The people and units a clerk picks from, with pinyin initials for search.

Loading is Qt-free and runs in a worker (pypinyin takes ~0.4 s to import, so
it is imported there, never at start-up). A surname may be read several ways
(单 shàn, 曾 zēng): every reading of the first character counts, so “sxx”
and “dxx” both find 单雄信.
"""
from __future__ import annotations

from dataclasses import dataclass

from desktop_app.services import lookup
from desktop_app.services.session import Session


@dataclass(frozen=True)
class Entry:
    id: str
    name: str
    detail: str              # unit and position of a person; category of a unit
    initials: tuple[str, ...]
    unit_id: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name}（{self.detail}）" if self.detail else self.name


def initials_of(name: str) -> tuple[str, ...]:
    from pypinyin import Style, lazy_pinyin, pinyin
    rest = "".join(lazy_pinyin(name[1:], style=Style.FIRST_LETTER, errors="default")).lower()
    first = pinyin(name[:1], style=Style.FIRST_LETTER, heteronym=True, errors="default")
    heads = list(dict.fromkeys(h.lower() for h in (first[0] if first else [name[:1]])))
    return tuple(h + rest for h in heads)


def load_entries(s: Session, family: str) -> list[Entry]:
    """All persons (with unit and position) or all units, not voided, by initials."""
    rows = lookup.directory(s, family)
    return sorted((Entry(r.id, r.name, r.detail, initials_of(r.name), r.unit_id) for r in rows),
                  key=lambda e: e.initials)


def matches(entry: Entry, text: str) -> bool:
    """Chinese text: a substring of the name or detail; latin letters: initials."""
    text = text.strip().lower()
    if not text:
        return True
    if text.isascii():
        return any(i.startswith(text) for i in entry.initials) or text in entry.name.lower()
    return text in entry.name or text in entry.detail


def filter_entries(entries: list[Entry], text: str, limit: int = 500) -> list[Entry]:
    out = []
    for e in entries:
        if matches(e, text):
            out.append(e)
            if len(out) >= limit:
                break
    return out
