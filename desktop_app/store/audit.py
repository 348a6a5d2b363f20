"""The append-only, hash-chained audit log.

Each entry's hash covers its own content and the previous entry's hash, so an
edited, inserted or deleted row breaks the chain at that point; the head (last
seq and hash) is also kept in ``meta`` so that cutting entries off the end is
noticed too. The previous hash is the previous row's ``hash``: not stored twice.

Storage is compact (issue 14): the hash is kept as its 32 raw bytes (shown and
chained as hex), and the detail of a record's creation, ``{"changes": {field:
[null, value], …}}``, is stored as ``{"+created": {field: value, …}}``. The hash
covers the canonical text of the detail as appended (``logical_text``), not the
stored form, so the chain and every hash shown are the same whichever way an
entry is stored; ``verify`` also insists that the stored text is exactly the
compact form of that detail, so no byte of a row can change unnoticed.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass

GENESIS = "0" * 64
CREATED = "+created"     # the stored key of a creation's values (not an identifier: no caller uses it)


def _canonical(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)


def _creation(changes) -> bool:
    return (isinstance(changes, dict) and bool(changes)
            and all(isinstance(p, list) and len(p) == 2 and p[0] is None for p in changes.values()))


def texts(detail: dict | None, action: str = "") -> tuple[str, str]:
    """(the text kept in ``audit_log.detail``, the canonical text the hash covers):
    the same text, except that a creation's (action 新建) ``[null, value]`` pairs
    are stored as plain values."""
    detail = detail or {}
    if CREATED in detail:
        raise ValueError(f"审计明细不能含有保留键 {CREATED!r}")
    full = _canonical(detail)
    changes = detail.get("changes")
    if action != "新建" or not _creation(changes):
        return full, full
    rest = {k: v for k, v in detail.items() if k != "changes"}
    return _canonical(rest | {CREATED: {k: p[1] for k, p in changes.items()}}), full


def stored_detail(detail: dict | None, action: str = "") -> str:
    return texts(detail, action)[0]


def read_detail(text: str):
    """The detail as it was appended (the inverse of ``stored_detail``)."""
    value = json.loads(text)
    if isinstance(value, dict) and isinstance(value.get(CREATED), dict):
        created = value.pop(CREATED)
        value["changes"] = {k: [None, v] for k, v in created.items()}
    return value


def logical_text(stored: str, action: str) -> str | None:
    """The canonical text the hash covers, from the stored text; None when the
    stored text is not exactly what ``stored_detail`` writes (altered by hand)."""
    if f'"{CREATED}"' not in stored:                     # stored as appended
        return stored
    try:
        value = read_detail(stored)
        compact, full = texts(value, action) if isinstance(value, dict) else (None, None)
    except ValueError:
        return None
    return full if compact == stored else None


def hex_hash(stored) -> str:
    """A stored hash (32 bytes; hex text in a database written before the change) as hex."""
    return stored.hex() if isinstance(stored, bytes) else str(stored)


def entry_hash(prev_hash: str, seq: int, ts: str, actor: str, action: str,
               family: str | None, record_id: str | None, detail: str) -> str:
    payload = _canonical([prev_hash, seq, ts, actor, action, family, record_id, detail])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    """The last entry's seq and hex hash ((0, GENESIS) for an empty log)."""
    last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return (last[0], hex_hash(last[1])) if last else (0, GENESIS)


def append(conn: sqlite3.Connection, *, ts: str, actor: str, action: str,
           family: str | None = None, record_id: str | None = None,
           detail: dict | None = None) -> int:
    """Append one entry; call inside the transaction of the change it records."""
    return append_many(conn, [(ts, actor, action, family, record_id, detail)])


def append_many(conn: sqlite3.Connection,
                entries: list[tuple[str, str, str, str | None, str | None, dict | None]]) -> int:
    """Append ``(ts, actor, action, family, record_id, detail)`` entries in order, chained
    and stored exactly as one ``append`` after another would (one statement for all of
    them: an import's new records).  Returns the last seq; call inside the change's
    transaction."""
    seq, prev = head(conn)
    rows = []
    for ts, actor, action, family, record_id, detail in entries:
        seq += 1
        text, full = texts(detail, action)
        prev = entry_hash(prev, seq, ts, actor, action, family, record_id, full)
        rows.append((seq, ts, actor, action, family, record_id, text, bytes.fromhex(prev)))
    if not rows:
        return seq
    conn.executemany(
        "INSERT INTO audit_log (seq, ts, actor, action, family, record_id, detail, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_head', ?)",
                 (f"{seq}:{prev}",))
    return seq


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    message: str


def verify(conn: sqlite3.Connection) -> list[ChainProblem]:
    """Walk the chain; report the first entry that was altered, inserted or removed."""
    prev, expected_seq = GENESIS, 1
    for row in conn.execute("SELECT * FROM audit_log ORDER BY seq"):
        seq = row["seq"]
        if seq != expected_seq:
            return [ChainProblem(expected_seq, f"审计日志第 {expected_seq} 条缺失（被删除）。")]
        text = logical_text(row["detail"], row["action"])
        digest = text is not None and entry_hash(prev, seq, row["ts"], row["actor"], row["action"],
                                                 row["family"], row["record_id"], text)
        if digest != hex_hash(row["hash"]):
            return [ChainProblem(seq, f"审计日志第 {seq} 条的内容被改动过（{row['ts']} {row['actor']} {row['action']}）。")]
        prev, expected_seq = digest, seq + 1
    head_row = conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    if head_row is not None and head_row[0] != f"{expected_seq - 1}:{prev}":
        last_seq = head_row[0].split(":")[0]
        return [ChainProblem(expected_seq, f"审计日志末尾缺失：应有 {last_seq} 条，只找到 {expected_seq - 1} 条。")]
    return []
