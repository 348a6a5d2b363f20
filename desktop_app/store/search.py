"""One search across the text of every family.

Terms of three or more characters go to the trigram FTS table; shorter terms
(most Chinese words: 约谈, 整改) go to ``instr`` on the base ``record_index``
table, because trigram MATCH never matches under three characters and LIKE on
the FTS table finds no CJK on SQLite 3.40 (ecosystem.md §0.3). Input is bound
as a parameter, never spliced into SQL; FTS phrases are quoted.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

MAX_TERMS = 8
MAX_QUERY = 100


@dataclass(frozen=True)
class Hit:
    family: str
    id: str
    title: str
    snippet: str
    main_date: str | None
    status: str


def terms(text: str) -> list[str]:
    words = [w for w in (text or "").strip()[:MAX_QUERY].split() if w]
    return list(dict.fromkeys(words))[:MAX_TERMS]


def fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def match_clause(words: list[str], alias: str = "ri") -> tuple[str, list]:
    """SQL condition on ``record_index`` (as ``alias``) true when every term occurs."""
    parts, params = [], []
    for w in words:
        if len(w) >= 3:
            parts.append(f"{alias}.rowid IN (SELECT rowid FROM record_fts WHERE record_fts MATCH ?)")
            params.append(fts_phrase(w))
        else:
            parts.append(f"instr({alias}.body, ?) > 0")    # body includes the title
            params.append(w)
    return " AND ".join(parts) or "1", params


def _snippet(body: str, words: list[str], width: int = 40) -> str:
    for w in words:
        at = body.find(w)
        if at >= 0:
            start = max(0, at - width // 2)
            text = body[start:start + width].replace("\n", " ")
            return ("…" if start else "") + text + ("…" if start + width < len(body) else "")
    return body[:width].replace("\n", " ")


def search(conn: sqlite3.Connection, text: str, *, families: list[str] | None = None,
           include_voided: bool = False, limit: int = 200) -> list[Hit]:
    """Hits ranked by where the terms occur (title first) and date, newest first."""
    words = terms(text)
    if not words:
        return []
    cond, params = match_clause(words)
    rank = " + ".join(["(instr(ri.title, ?) = 0)"] * len(words))
    sql = (f"SELECT ri.family, ri.id, ri.title, ri.body, ri.main_date, ri.status,"
           f" ({rank}) AS miss FROM record_index ri WHERE {cond}")
    args = words + params
    if not include_voided:
        sql += " AND ri.voided = 0"
    if families:
        sql += f" AND ri.family IN ({','.join('?' * len(families))})"
        args += families
    sql += " ORDER BY miss, ri.main_date DESC LIMIT ?"
    rows = conn.execute(sql, [*args, limit]).fetchall()
    return [Hit(r["family"], r["id"], r["title"], _snippet(r["body"], words), r["main_date"],
                r["status"]) for r in rows]
