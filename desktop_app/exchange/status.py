"""The state of our exchanges with each office, for the GUI list and ``taizhang
exchanges`` (R11: "N 条变更尚未被 X 确认（自 …）").

``pending`` counts the records of the export scope for that office that its
workstations have not confirmed (the same rule an export uses, ``outgoing.py``);
``since`` is the oldest change among them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop_app.security import authz
from desktop_app.security.roles import Permission
from desktop_app.services.session import Session

from . import vectors
from .offices import list_offices
from .outgoing import count_pending
from .scope import RELATION_LABELS, export_partitions, relation


@dataclass(frozen=True)
class PeerStatus:
    code: str
    name: str
    relation: str
    fingerprint: str
    pending: int
    since: str | None
    last_export: str | None
    last_import: str | None
    last_receipt: str | None

    @property
    def message(self) -> str:
        if not self.pending:
            return f"{self.name}已确认本单位的全部变更"
        since = f"（自 {self.since[:10]}）" if self.since else ""
        return f"{self.pending} 条变更尚未被 {self.name} 确认{since}"

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "relation": self.relation,
                "fingerprint": self.fingerprint, "pending": self.pending, "since": self.since,
                "last_export": self.last_export, "last_import": self.last_import,
                "last_receipt": self.last_receipt, "message": self.message}


def pending_for(s: Session, peer: str) -> tuple[int, str | None]:
    rel = relation(s.conn, s.office_code, peer)
    parts = export_partitions(s.conn, s.office_code, peer, rel)
    base = vectors.base_for(s.conn, peer, [p.owner for p in parts])
    total, oldest = 0, None
    for part in parts:
        n, first = count_pending(s.conn, part.owner, part.tables, base.get(part.owner, {}))
        total += n
        if first and (oldest is None or first < oldest):
            oldest = first
    return total, oldest


def _latest(s: Session, sql: str, code: str) -> str | None:
    row = s.conn.execute(sql, (code,)).fetchone()
    return row[0] if row else None


def overview(s: Session) -> list[PeerStatus]:
    authz.require(s, Permission.READ_RECORD)
    out = []
    for office in list_offices(s.conn):
        pending, since = pending_for(s, office.code)
        out.append(PeerStatus(
            office.code, office.name, office.relation, office.fingerprint, pending, since,
            _latest(s, "SELECT max(created_utc) FROM export_log WHERE peer = ?"
                       " AND kind != 'receipt'", office.code),
            _latest(s, "SELECT max(imported_utc) FROM imported_package WHERE sender = ?"
                       " AND kind != 'receipt'", office.code),
            _latest(s, "SELECT max(imported_utc) FROM imported_package WHERE sender = ?"
                       " AND kind = 'receipt'", office.code)))
    return out


def history(s: Session, peer: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Exports and imports, newest first."""
    where, params = ("WHERE peer = ?", [peer]) if peer else ("", [])
    items = [{"direction": "导出", "office": r[0], "seq": r[1], "kind": r[2], "when": r[3],
              "records": r[4], "attachments": r[5], "package_id": r[6]}
             for r in s.conn.execute(
                 f"SELECT peer, seq, kind, created_utc, records, attachments, package_id"
                 f" FROM export_log {where}", params)]
    where = where.replace("peer", "sender")
    items += [{"direction": "导入", "office": r[0], "seq": r[1], "kind": r[2], "when": r[3],
               "records": None, "attachments": None, "package_id": r[4]}
              for r in s.conn.execute(
                  f"SELECT sender, seq, kind, imported_utc, package_id FROM imported_package"
                  f" {where}", params)]
    items.sort(key=lambda i: i["when"] or "", reverse=True)
    return items[:limit]


__all__ = ["PeerStatus", "overview", "pending_for", "history", "RELATION_LABELS"]
