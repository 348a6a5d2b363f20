"""One search across the text of every family, and inside one family's list.

Every term, of any length, is answered from the gram index ``record_grams``
(``store.index.grams``): a contentless FTS5 table holding, for each record, each
character and each pair of adjacent characters of its text as a token. A one- or
two-character term is one token, so its matches are exact; a longer term is the
AND of its pairs, a superset that ``instr`` on the record's title and text then
narrows to exact substring matches. No query scans the table, whatever the term's length.

Hits rank title matches first, then newest first. ``record_index``'s rowid orders
records by main date, so the gram index gives matches newest first: the search
asks for one rank at a time (all terms in the title, then one term missing from
it, …) and stops as soon as the page is full, instead of ranking every match of
a common character. Input never reaches SQL as text: tokens are hex code points.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from itertools import combinations

MAX_TERMS = 8
MAX_QUERY = 100
RANKED_TERMS = 3          # more terms: one query ranks every match (they are few)


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


def _token_expr(term: str, prefix: str = "") -> str:
    """The gram index expression for a term: exact for 1–2 characters."""
    if len(term) == 1:
        return f"{prefix}u{ord(term):x}"
    pairs = list(dict.fromkeys(f"{prefix}b{ord(a):x}g{ord(b):x}" for a, b in zip(term, term[1:])))
    return pairs[0] if len(pairs) == 1 else "(" + " AND ".join(pairs) + ")"


def _family_expr(families: list[str] | None) -> str:
    return "(" + " OR ".join("f" + f.replace("_", "") for f in families) + ")" if families else ""


def match_expr(words: list[str], families: list[str] | None = None) -> str:
    """Records whose text holds every term (a superset for terms over 2 characters)."""
    expr = " AND ".join(_token_expr(w) for w in words)
    fam = _family_expr(families)
    return f"{fam} AND {expr}" if fam else expr


def _rank_expr(words: list[str], miss: int, families: list[str] | None) -> str:
    """Matches with ``miss`` terms absent from the title (a superset when a long
    term is involved: its title test is ``instr``'s)."""
    base = match_expr(words, families)
    alts = []
    for in_title in combinations(range(len(words)), len(words) - miss):
        pos = [_token_expr(words[i], "t") for i in in_title]
        neg = [_token_expr(words[i], "t") for i in range(len(words))
               if i not in in_title and len(words[i]) <= 2]
        alt = " AND ".join([f"({base})", *pos])
        alts.append(f"({alt}) NOT ({' OR '.join(neg)})" if neg else f"({alt})")
    return " OR ".join(alts)


# How a list finds its page of records holding the terms (``family_condition``):
SAMPLE = 1000             # the family's newest records whose matches estimate the density
TEXT_WALK = 0.05          # from this share of matches: walk the list, test each row's text
DRIVE_MAX = 4000          # under this many matches: fetch them and sort them


def _density(conn: sqlite3.Connection, family: str, expr: str) -> float:
    """The share of the family's newest records that match (what a walk meets)."""
    floor, n = conn.execute(
        "SELECT min(rowid), count(*) FROM (SELECT rowid FROM record_grams WHERE record_grams"
        " MATCH ? ORDER BY rowid DESC LIMIT ?)", (_family_expr([family]), SAMPLE)).fetchone()
    if not n:
        return 0.0
    return conn.execute("SELECT count(*) FROM record_grams WHERE record_grams MATCH ?"
                        " AND rowid >= ?", (expr, floor)).fetchone()[0] / n


def family_condition(conn: sqlite3.Connection, words: list[str], family: str, *,
                     walk: bool = True) -> tuple[str, list]:
    """A condition on a family table ``t``: the record's text holds every term.

    A list wants one page in its own order, so the plan depends on how common
    the terms are in that family. Common (one in twenty of the newest records or
    more): walk the list's sort index and test each row's text, a page is found
    within some four thousand rows (at 1M records cheaper than building the set of
    tens of thousands of matches). Rare (under DRIVE_MAX matches): fetch the matches and sort them.
    In between: walk, testing rows against the gram index's set of matches.
    A count (``walk=False``) always reads the matches.
    """
    expr = match_expr(words, [family])
    long = [w for w in words if len(w) > 2]
    grams = "rowid IN (SELECT rowid FROM record_grams WHERE record_grams MATCH ?)"
    if walk:
        if _density(conn, family, expr) >= TEXT_WALK:
            return ("EXISTS (SELECT 1 FROM record_index ri WHERE ri.family = ? AND ri.id = t.id"
                    + _HOLDS * len(words) + ")", [family, *_twice(words)])
        many = conn.execute("SELECT count(*) FROM (SELECT 1 FROM record_grams WHERE record_grams"
                            " MATCH ? LIMIT ?)", (expr, DRIVE_MAX)).fetchone()[0] >= DRIVE_MAX
        if many:
            return membership(words, family)
    return (f"t.id IN (SELECT ri.id FROM record_index ri WHERE ri.{grams}" + _HOLDS * len(long)
            + ")", [expr, *_twice(long)])


def membership(words: list[str], family: str) -> tuple[str, list]:
    """The record (``t``) is among the gram index's matches: its index row's rowid,
    from the (family, id) key, tested against the set of matching rowids (built
    once per query); for rows another filter has chosen."""
    long = [w for w in words if len(w) > 2]
    return ("EXISTS (SELECT 1 FROM record_index ri WHERE ri.family = ? AND ri.id = t.id AND"
            " ri.rowid IN (SELECT rowid FROM record_grams WHERE record_grams MATCH ?)"
            + _HOLDS * len(long) + ")", [family, match_expr(words, [family]), *_twice(long)])


_HOLDS = " AND (instr(ri.title, ?) > 0 OR instr(ri.body, ?) > 0)"


def _twice(words: list[str]) -> list[str]:
    return [w for w in words for _ in (0, 1)]


def holds_condition(words: list[str]) -> tuple[str, list[str]]:
    """What the gram index cannot decide alone: each term longer than two
    characters tested on the index row ``ri`` (its pairs give a superset)."""
    long = [w for w in words if len(w) > 2]
    return _HOLDS * len(long), _twice(long)


def _snippet(body: str, words: list[str], width: int = 40) -> str:
    for w in words:
        at = body.find(w)
        if at >= 0:
            start = max(0, at - width // 2)
            text = body[start:start + width].replace("\n", " ")
            return ("…" if start else "") + text + ("…" if start + width < len(body) else "")
    return body[:width].replace("\n", " ")


def _query(conn: sqlite3.Connection, expr: str, words: list[str], miss: int | None,
           include_voided: bool, limit: int) -> list[sqlite3.Row]:
    rank = " + ".join(["(instr(ri.title, ?) = 0)"] * len(words))
    long = [w for w in words if len(w) > 2]
    sql = (f"SELECT ri.family, ri.id, ri.title, ri.body, ri.main_date, ri.status, ({rank}) AS miss"
           " FROM record_grams g JOIN record_index ri ON ri.rowid = g.rowid"
           " WHERE record_grams MATCH ?" + _HOLDS * len(long))
    args = [*words, expr, *_twice(long)]
    if not include_voided:
        sql += " AND ri.voided = 0"
    if miss is not None:
        sql += " AND miss = ? ORDER BY g.rowid DESC LIMIT ?"
        args += [miss, limit]
    else:
        sql += " ORDER BY miss, g.rowid DESC LIMIT ?"
        args.append(limit)
    return conn.execute(sql, args).fetchall()


def search(conn: sqlite3.Connection, text: str, *, families: list[str] | None = None,
           include_voided: bool = False, limit: int = 200) -> list[Hit]:
    """Hits ranked by where the terms occur (title first) and date, newest first."""
    words = terms(text)
    if not words:
        return []
    if len(words) > RANKED_TERMS:
        rows = _query(conn, match_expr(words, families), words, None, include_voided, limit)
    else:
        rows = []
        for miss in range(len(words) + 1):
            if len(rows) >= limit:
                break
            rows += _query(conn, _rank_expr(words, miss, families), words, miss,
                           include_voided, limit - len(rows))
    return [Hit(r["family"], r["id"], r["title"], _snippet(f"{r['title']}\n{r['body']}", words),
                r["main_date"], r["status"]) for r in rows]
