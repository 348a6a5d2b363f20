"""One search across the text of every family.

Terms of three or more characters go to the trigram FTS table; shorter terms
(most Chinese words: 约谈, 整改) are matched with ``instr`` on base tables,
because trigram MATCH never matches under three characters and LIKE on the FTS
table finds no CJK on SQLite 3.40 (ecosystem.md §0.3). When a long term is
present the FTS narrows the rows first and short terms are checked on those.
Otherwise a search across all families scans ``record_index`` once, and a
search inside one family's list scans ``record_text``, the same text clustered
by family (half the pages of rowid look-ups through ``record_index``). Input is
bound as a parameter, never spliced into SQL; FTS phrases are quoted.
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


def _split(words: list[str]) -> tuple[list[str], list[str]]:
    return [w for w in words if len(w) >= 3], [w for w in words if len(w) < 3]


def matching_ids(words: list[str], family: str) -> tuple[str, list]:
    """A subquery yielding the ids of one family's records whose text holds every term."""
    long, short = _split(words)
    if long:
        conds = ["rowid IN (SELECT rowid FROM record_fts WHERE record_fts MATCH ?)"] * len(long)
        conds += ["instr(body, ?) > 0"] * len(short)
        params = [fts_phrase(w) for w in long] + short
        table = "record_index"
    else:
        conds, params, table = ["instr(body, ?) > 0"] * len(short), list(short), "record_text"
    conds.insert(0, "family = ?")
    params.insert(0, family)
    return f"SELECT id FROM {table} WHERE {' AND '.join(conds)}", params


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
    long, short = _split(words)
    conds = ["ri.rowid IN (SELECT rowid FROM record_fts WHERE record_fts MATCH ?)"] * len(long)
    conds += ["instr(ri.body, ?) > 0"] * len(short)    # all families: one pass over record_index
    rank = " + ".join(["(instr(ri.title, ?) = 0)"] * len(words))
    sql = (f"SELECT ri.family, ri.id, ri.title, ri.body, ri.main_date, ri.status, ({rank}) AS miss"
           f" FROM record_index ri WHERE {' AND '.join(conds)}")
    args = words + [fts_phrase(w) for w in long] + short
    if not include_voided:
        sql += " AND ri.voided = 0"
    if families:
        sql += f" AND ri.family IN ({','.join('?' * len(families))})"
        args += families
    sql += " ORDER BY miss, ri.main_date DESC LIMIT ?"
    rows = conn.execute(sql, [*args, limit]).fetchall()
    return [Hit(r["family"], r["id"], r["title"], _snippet(r["body"], words), r["main_date"],
                r["status"]) for r in rows]
