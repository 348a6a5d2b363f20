"""What an import records besides the rows (exchange.md §3.4 steps 4, 8, 10): the
package ledger (``imported_package``), gaps, sequence warnings, raising our knowledge
and replacing the sender node's acks.

``imported_package.summary_json`` keeps, besides the counts, ``sender_node``,
``split`` (group, part, parts) and ``gap_scopes``: knowledge is raised for a scope
only once every part of a split export is in, none of them with a gap there.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import timezone
from typing import Any, Iterable

from desktop_app.errors import UserFacingError
from desktop_app.services.session import Session

from . import vectors
from .scope import Relation
from .wire import ManifestInfo

# A sequence number this far beyond the last one seen from a workstation is reported
# and never becomes the reference for "older" (a jump to 1,000,000 would otherwise
# make every later honest package look old and drop its acknowledgements).
MAX_SEQ_JUMP = 10_000


class AlreadyImported(UserFacingError):
    """A no-op: this package (under whatever file name) was imported before."""

    def __init__(self, package_id: str, when: str, sender: str):
        super().__init__(f"该数据包已于 {when} 导入（来自 {sender}），本次未做任何改动。")
        self.package_id, self.when, self.sender = package_id, when, sender


def utc_text(s: Session) -> str:
    return s.now().astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_not_imported(conn: sqlite3.Connection, package_id: str) -> None:
    row = conn.execute("SELECT imported_utc, sender FROM imported_package WHERE package_id = ?",
                       (package_id,)).fetchone()
    if row is not None:
        raise AlreadyImported(package_id, row[0], row[1])


def _imports_from(conn: sqlite3.Connection, sender: str) -> list[tuple[int, dict[str, Any]]]:
    return [(seq, json.loads(text)) for seq, text in conn.execute(
        "SELECT seq, summary_json FROM imported_package WHERE sender = ?", (sender,))]


def last_seq(conn: sqlite3.Connection, sender: str, node: str) -> int | None:
    """The highest sequence number imported from this workstation of ``sender``,
    not counting packages whose number jumped far ahead (``MAX_SEQ_JUMP``)."""
    seqs = [seq for seq, summary in _imports_from(conn, sender)
            if summary.get("sender_node") == node and not summary.get("seq_jump")]
    return max(seqs) if seqs else None


def gap_scopes(conn: sqlite3.Connection, me: str, base: dict[str, Any]) -> list[str]:
    """Scopes where the sender assumed we hold more than we do (R5)."""
    ours = vectors.knowledge(conn, me)
    return sorted(scope for scope, vector in base.items()
                  if isinstance(vector, dict) and not vectors.dominates(ours.get(scope, {}), vector))


def trusted_scopes(rel: Relation, sender: str, me: str, scopes: Iterable[str]) -> set[str]:
    """Scopes whose sender knowledge we may adopt: only partitions it may send us."""
    if rel is Relation.SELF:
        return set(scopes)
    allowed = {sender} | ({me} if rel is Relation.UPPER else set())
    return set(scopes) & allowed


def split_problem(conn: sqlite3.Connection, header: dict, info: ManifestInfo) -> str | None:
    """Why the parts of a split export disagree, or None.  Every part already imported
    of the same group must come from the same workstation and state the same number
    of parts, and no part number may come twice; otherwise no knowledge is raised."""
    if info.kind == "receipt":
        return None
    for _, summary in _imports_from(conn, header["sender"]):
        split = summary.get("split") or {}
        if split.get("group") != info.group:
            continue
        if split.get("parts") != info.parts or summary.get("sender_node") != info.sender_node \
                or split.get("part") == info.part:
            return ("该数据包与同一组分包中已导入的部分不一致（分包数、序号或工作站不同）："
                    "记录照常检查，但本组不会被当作完整导出。")
    return None


def complete_scopes(conn: sqlite3.Connection, header: dict, info: ManifestInfo,
                    gaps: list[str]) -> set[str]:
    """Scopes whose knowledge this import completes: every part of the export is in
    (this one included) and none had a gap there."""
    scopes = set(header["scope"]) - set(gaps)
    if info.parts == 1:
        return scopes
    parts = {info.part}
    for _, summary in _imports_from(conn, header["sender"]):
        split = summary.get("split") or {}
        if split.get("group") == info.group:
            if summary.get("split_ok") is False:       # a part that disagreed: never complete
                return set()
            parts.add(split.get("part"))
            scopes -= set(summary.get("gap_scopes", ()))
    return scopes if parts == set(range(1, info.parts + 1)) else set()


def own_instance_ahead(instance: str, counter: int, *vector_maps: dict) -> bool:
    """Someone knows versions of our own instance we do not: our database went back
    in time (restored from a backup, or a copy) and must not reuse those counters."""
    for knowledge in vector_maps:
        for vector in knowledge.values():
            if isinstance(vector, dict) and vector.get(instance, 0) > counter:
                return True
    return False


def record(conn: sqlite3.Connection, header: dict, sha256: str, when: str, user: str,
           summary: dict[str, Any], report: str | None) -> None:
    conn.execute(
        "INSERT INTO imported_package (package_id, sender, seq, kind, sha256, imported_utc,"
        " imported_by, summary_json, report_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (header["package_id"], header["sender"], header["seq"], header["kind"], sha256, when,
         user, json.dumps(summary, ensure_ascii=False, sort_keys=True), report))
