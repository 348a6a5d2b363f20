"""The append-only, hash-chained audit log.

Each entry's hash covers its own content and the previous entry's hash, so an
edited, inserted or deleted row breaks the chain at that point; the head (last
seq and hash) is also kept in ``meta`` so that cutting entries off the end is
noticed too. The previous hash is the previous row's ``hash``: not stored twice.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass

GENESIS = "0" * 64


def _canonical(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)


def entry_hash(prev_hash: str, seq: int, ts: str, actor: str, action: str,
               family: str | None, record_id: str | None, detail: str) -> str:
    payload = _canonical([prev_hash, seq, ts, actor, action, family, record_id, detail])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(conn: sqlite3.Connection, *, ts: str, actor: str, action: str,
           family: str | None = None, record_id: str | None = None,
           detail: dict | None = None) -> int:
    """Append one entry; call inside the transaction of the change it records."""
    last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    text = _canonical(detail or {})
    digest = entry_hash(prev, seq, ts, actor, action, family, record_id, text)
    conn.execute(
        "INSERT INTO audit_log (seq, ts, actor, action, family, record_id, detail, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, ts, actor, action, family, record_id, text, digest))
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_head', ?)",
                 (f"{seq}:{digest}",))
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
        digest = entry_hash(prev, seq, row["ts"], row["actor"], row["action"], row["family"],
                            row["record_id"], row["detail"])
        if digest != row["hash"]:
            return [ChainProblem(seq, f"审计日志第 {seq} 条的内容被改动过（{row['ts']} {row['actor']} {row['action']}）。")]
        prev, expected_seq = digest, seq + 1
    head = conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    if head is not None and head[0] != f"{expected_seq - 1}:{prev}":
        last_seq = head[0].split(":")[0]
        return [ChainProblem(expected_seq, f"审计日志末尾缺失：应有 {last_seq} 条，只找到 {expected_seq - 1} 条。")]
    return []
