"""Checking and classifying every row of a package, then (on commit) applying it
(exchange.md §3.4 steps 7–10).

``walk(s, contents, ...)`` reads the staged ``records/*.jsonl`` in ``scope.SYNC_TABLES``
order (holiday tables, parents before children, conflicts last) and, per row: the
content check (``rows.check_wire``), no id twice, ownership (``scope.may_send``, and
no row moving to another partition), attachment files present, the HLC not absurdly
in the future, and the merge decision (``merge.decide``).  References are checked
in bounded memory (``refs.py``): a target must be in the package or the database.
A conflict row must name a record of its own partition (in the package or the
database).  Every attachment file in the package must be used by an attachment row
of the package.  An HLC beyond the accepted clock skew is flagged and decides no
conflict.  A 台账编号 already held by another record becomes a ``duplicate_key``
conflict (both records are kept).

With ``writer=None`` it is the dry run: nothing is written, and the ``Tally`` is the
summary the user confirms.  With a ``Writer`` (inside the import transaction) it
decides again against the database as it is now and writes.  Memory stays at the
ids of the package plus one row at a time.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from desktop_app.domain.registry import FAMILIES
from desktop_app.domain.schema import Kind
from desktop_app.services.attachments import blob_path
from desktop_app.services.session import Session, load_calendar
from desktop_app.store.records import decoded_values, record_title
from desktop_app.store.revision import MAX_FUTURE_MS, format_hlc, parse_hlc

from . import merge, shared
from .apply import Writer, refresh_deadlines
from .archive_read import ArchiveContents, iter_jsonl
from .meter import Steps
from .refs import RefCheck
from .rows import check_wire, data_part, list_items, row_id, to_db, to_wire
from .spill import LedgerNumbers, PackageIds
from .scope import (CONFLICT_TABLE, FAMILY_TABLES, SHARED_TABLE, SYNC_TABLES, Relation,
                    may_send, refusal)
from .wire import SCHEMA_VERSION, upcast

log = logging.getLogger(__name__)

MAX_LISTED = 200
CHUNK_ROWS = 8          # rows read ahead to look their local copies up in one query
MAX_ID = 64             # longer ids are refused anyway (rows.ID_RE)


@dataclass
class Tally:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    rejected: int = 0
    by_table: dict[str, dict[str, int]] = field(default_factory=dict)
    rejections: list[dict[str, str]] = field(default_factory=list)
    conflict_list: list[dict[str, Any]] = field(default_factory=list)
    future_rows: int = 0
    max_hlc: str | None = None
    own_ahead: bool = False

    def reject(self, table: str, rid: str, reason: str) -> None:
        self.rejected += 1
        if len(self.rejections) < MAX_LISTED:
            label = FAMILIES[table].label if table in FAMILIES else table
            self.rejections.append({"table": table, "label": label, "id": rid,
                                    "reason": reason})

    def count(self, table: str, what: str) -> None:
        counts = self.by_table.setdefault(table, {})
        counts[what] = counts.get(what, 0) + 1
        if table in FAMILY_TABLES or what == "conflicts":
            setattr(self, what, getattr(self, what) + 1)


_COUNTED = {merge.NEW: "new", merge.FORWARD: "updated", merge.MERGE: "updated",
            merge.SKIP: "unchanged", merge.CONFLICT: "conflicts"}


class _Walk:
    def __init__(self, s: Session, contents: ArchiveContents, sender: str, rel: Relation,
                 schema: int, steps: Steps, writer: Writer | None):
        self.s, self.conn, self.me = s, s.conn, s.office_code
        self.contents, self.sender, self.rel, self.schema = contents, sender, rel, schema
        self.steps, self.writer = steps, writer
        self.tally = Tally()
        self.seen = PackageIds()                 # the package's ids and their owners
        self.refs = RefCheck(self.conn, self.seen, self.tally.reject)
        self.blobs_used: set[str] = set()
        self.ledger = LedgerNumbers()
        self.now_ms = int(s.now().timestamp() * 1000)
        self.hlc_cap = format_hlc(self.now_ms + MAX_FUTURE_MS, 99999)
        row = self.conn.execute("SELECT counter FROM node WHERE instance_id = ?",
                                (s.instance,)).fetchone()
        self.own_counter = row[0] if row else 0
        self.fetched_table: str | None = None
        self.fetched: dict[str, Any] = {}
        self.fetched_ids: frozenset[str] | set[str] = frozenset()

    # -- reading the local copy
    def prefetch(self, table: str, chunk: list) -> None:
        """Read the local rows of a chunk of package rows in one query (most are new:
        one look-up per row was a tenth of a walk).  Only this table's rows are written
        before ``local`` reads them, each its own id, so the copies stay current."""
        self.fetched_table, self.fetched = table, {}
        ids = {w["id"] for w in chunk if isinstance(w, dict) and isinstance(w.get("id"), str)
               and len(w["id"]) <= MAX_ID}
        if table == SHARED_TABLE or not ids:
            self.fetched_ids = frozenset()
            return
        self.fetched_ids = ids
        self.fetched = {r["id"]: r for r in self.conn.execute(
            f"SELECT * FROM {table} WHERE id IN ({','.join('?' * len(ids))})", list(ids))}

    def local(self, table: str, rid: str) -> dict | None:
        if table == SHARED_TABLE:
            return shared.get(self.conn, rid)
        if table == self.fetched_table and rid in self.fetched_ids:
            row = self.fetched.get(rid)
        else:
            row = self.conn.execute(f"SELECT * FROM {table} WHERE id = ?", (rid,)).fetchone()
        return to_wire(table, row) if row else None

    # -- one row
    def row(self, table: str, wire: Any) -> None:
        if self.schema < SCHEMA_VERSION and isinstance(wire, dict):
            wire = upcast(self.schema, table, wire)
        problem = None if self.writer else check_wire(table, wire)
        if problem is None:
            problem = self._refused(table, wire)
        if problem:
            self.tally.reject(table, row_id(wire), problem)
            return
        local = self.local(table, wire["id"])
        if local is not None and local["owner_office"] != wire["owner_office"]:
            self.tally.reject(table, wire["id"], f"该记录属于 {local['owner_office']}，"
                                                 f"数据包却标为 {wire['owner_office']}")
            return
        self._clock(wire)
        decision = merge.decide(table, local, wire, self.hlc_cap)
        what = _COUNTED[decision.action]
        if table == CONFLICT_TABLE and decision.action == merge.NEW and \
                wire["status"] == "open":
            what = "conflicts"
            self._note(wire["tbl"], wire)
        self.tally.count(table, what)
        if decision.action == merge.CONFLICT:
            self._note(table, decision.conflict)
        if decision.action == merge.NEW and table in FAMILY_TABLES:
            self._ledger_no(table, wire)
        if self.writer is not None and decision.action != merge.SKIP:
            cid = decision.conflict["id"] if decision.conflict else None
            self.writer.store(table, decision.row, local is not None, decision.action, cid)
            if decision.conflict:
                self._record_conflict(decision.conflict)

    def _refused(self, table: str, wire: dict) -> str | None:
        rid, owner = wire["id"], wire["owner_office"]
        if not self.seen.add(table, rid, owner):
            return "同一记录在数据包中出现两次"
        target = wire["tbl"] if table == CONFLICT_TABLE else table
        if not may_send(self.rel, self.sender, self.me, owner, target):
            return refusal(owner, self.sender, target)
        if table == SHARED_TABLE:
            return shared.value_problem(wire)
        if table == CONFLICT_TABLE:
            return self._conflict_owner(wire)
        if table == "attachment" and not wire["voided"]:
            sha = wire["sha256"]
            self.blobs_used.add(sha)
            if sha not in self.contents.attachments and not _blob_exists(self.s, sha):
                return f"附件“{wire['filename']}”的文件不在数据包中，本库也没有"
        if table in FAMILY_TABLES and self.writer is None:
            self._collect_refs(table, wire)
        return None

    def _conflict_owner(self, wire: dict) -> str | None:
        """A conflict only on a record of the partition it names (item 4)."""
        table, rid = wire["tbl"], wire["record_id"]
        owner = self.seen.owner(table, rid)
        if owner is None:
            row = self.conn.execute(f"SELECT owner_office FROM {table} WHERE id = ?",
                                    (rid,)).fetchone()
            owner = row[0] if row else None
        if owner is None:
            return "冲突所指的记录在数据包和本库中都不存在"
        if owner != wire["owner_office"]:
            return f"冲突所指的记录属于 {owner}，不能由 {wire['owner_office']} 提出冲突"
        return None

    def _collect_refs(self, table: str, wire: dict) -> None:
        for f in FAMILIES[table].fields:
            value = wire[f.name]
            if value is None or f.kind not in (Kind.REF, Kind.REFS):
                continue
            for target_id in (list_items(value) or () if f.kind is Kind.REFS else (value,)):
                self.refs.add(f.ref, target_id, (table, wire["id"], f.label))

    def _clock(self, wire: dict) -> None:
        hlc = wire.get("_hlc")
        if hlc:
            if parse_hlc(hlc)[0] > self.now_ms + MAX_FUTURE_MS:
                self.tally.future_rows += 1
            elif self.tally.max_hlc is None or hlc > self.tally.max_hlc:
                self.tally.max_hlc = hlc
        if wire["_vv"].get(self.s.instance, 0) > self.own_counter:
            self.tally.own_ahead = True

    def _note(self, table: str, conflict: dict) -> None:
        if len(self.tally.conflict_list) >= MAX_LISTED:
            return
        winner, loser = json.loads(conflict["winner_json"]), json.loads(conflict["loser_json"])
        if conflict["kind"] == "duplicate_key":          # key columns only, no full version
            self._note_duplicate(table, conflict, winner["ledger_no"])
            return
        fam = FAMILIES[table]
        differing = [fam.field(k).label if k in fam.field_names else k
                     for k, v in data_part(winner).items() if data_part(loser).get(k) != v]
        values = decoded_values(fam, to_db(table, dict(winner, _vv={})))
        self.tally.conflict_list.append({
            "table": table, "label": fam.label, "id": conflict["record_id"],
            "title": record_title(fam, values), "kind": conflict["kind"],
            "fields": differing, "conflict_id": conflict["id"]})

    # -- 台账编号 collisions
    def _ledger_no(self, table: str, wire: dict) -> None:
        number = wire.get("ledger_no")
        if not number or not FAMILIES[table].ledger_prefix:
            return
        if table not in self.ledger.loaded:
            self.ledger.loaded.add(table)
            for r in self.conn.execute(
                    f"SELECT id, ledger_no, owner_office, created_at, created_by FROM {table}"
                    " WHERE ledger_no IS NOT NULL"):
                self.ledger.put(table, r)
        other = self.ledger.get(table, number)
        if other is None or other["id"] == wire["id"]:
            self.ledger.put(table, wire)
            return
        conflict = merge.duplicate_key_row(table, other, wire)
        exists = self.conn.execute("SELECT 1 FROM sync_conflict WHERE id = ?",
                                   (conflict["id"],)).fetchone()
        if exists:
            return
        self.tally.count(table, "conflicts")
        self._note_duplicate(table, conflict, number)
        if self.writer is not None:
            self._record_conflict(conflict)

    def _record_conflict(self, conflict: dict) -> None:
        self.writer.add_conflict(conflict)

    def _note_duplicate(self, table: str, conflict: dict, number: str) -> None:
        if len(self.tally.conflict_list) < MAX_LISTED:
            self.tally.conflict_list.append({
                "table": table, "label": FAMILIES[table].label, "id": conflict["record_id"],
                "title": f"台账编号 {number} 重复", "kind": "duplicate_key", "fields": [],
                "conflict_id": conflict["id"]})

    # -- once the package is known
    def close(self) -> None:
        self.seen.close()
        self.ledger.close()

    def check_references(self) -> None:
        self.refs.finish()
        for sha in sorted(set(self.contents.attachments) - self.blobs_used)[:MAX_LISTED]:
            self.tally.reject("attachment", sha[:16], "数据包中的附件文件没有任何附件记录使用"
                                                      "（数据包不得夹带无用文件）")
        unused = len(set(self.contents.attachments) - self.blobs_used)
        self.tally.rejected += max(0, unused - MAX_LISTED)


def _chunks(rows: Iterator[Any]) -> Iterator[list]:
    """``CHUNK_ROWS`` rows at a time (a line may be 4 MiB: few, to keep memory bounded)."""
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def staged_rows(path: Path) -> Iterator[dict]:
    """The rows of a staged file that ``iter_jsonl`` already read under its caps in the
    dry run (same bytes, in our own work folder): plain ``json.loads`` from here on."""
    with open(path, "rb") as fh:
        for line in fh:
            yield json.loads(line)


def _blob_exists(s: Session, sha: str) -> bool:
    return blob_path(s, sha).is_file()


def walk(s: Session, contents: ArchiveContents, *, sender: str, rel: Relation, schema: int,
         steps: Steps, writer: Writer | None = None) -> Tally:
    """Dry run (``writer`` None) or apply; see module docstring."""
    w = _Walk(s, contents, sender, rel, schema, steps, writer)
    try:
        for table in contents.records:
            if table not in SYNC_TABLES:
                w.tally.reject(table, "-", "本程序不认识这个数据表")
        total = sum(contents.manifest["counts"].get(t, 0) for t in SYNC_TABLES)
        done = 0
        for table in SYNC_TABLES:
            path: Path | None = contents.records.get(table)
            if path is None:
                w.refs.table_done(table)
                continue
            for chunk in _chunks(staged_rows(path) if writer else iter_jsonl(path)):
                w.prefetch(table, chunk)
                for wire in chunk:
                    if done % 1000 == 0:
                        steps.report(done, total, "正在导入记录…" if writer else "正在检查记录…")
                    w.row(table, wire)
                    done += 1
            if writer is not None:
                writer.flush()
            if table == SHARED_TABLE and writer is not None and writer.calendar_changed:
                writer.calendar = load_calendar(s.conn)
                _recompute_own(s, writer.calendar)
                refresh_deadlines(s.conn, writer.calendar)
            if table in FAMILY_TABLES:
                w.refs.table_done(table)
        if writer is None:
            w.check_references()
    finally:
        w.close()
    return w.tally


def _recompute_own(s: Session, calendar) -> None:
    """A new holiday table moves the due dates our own records store (述责报告截止日,
    函询回复期限): recomputed as our changes, like a table entered here."""
    from desktop_app.services.holidays import recompute_stored
    before, s.calendar = s.calendar, calendar
    try:
        recompute_stored(s, "上级下发的节假日安排")
    finally:
        s.calendar = before
