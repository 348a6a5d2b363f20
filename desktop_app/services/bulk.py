"""Many new records at once (the demo and benchmark generator): the write path of
``services.records`` with its SQL batched.

Each call does what the one-record services do — values normalised, derived
values, completeness and the family's own checks, the workflow's transitions and
the fields a status change fills in, 台账编号, one revision stamp and one audit
entry per action (same actions and details as ``create``/``set_status``) — but
keeps the new rows in memory and writes them with one ``executemany`` per table
every ``batch`` records: a record created and advanced three steps is written
once, with the stamp of its last action. The stamp counter, the HLC, the ledger
counters and the audit head live in memory between flushes and are written back
by every flush, so the database is consistent (``check`` passes) after each.

Referenced ids are trusted (the generator made them); ``check`` verifies the
foreign keys afterwards. Call ``flush`` before reading what was loaded, and run
the loader inside one outer transaction (commit between flushes as you like).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from types import MappingProxyType
from typing import Any

from desktop_app.domain.derive import derived_values, due_items
from desktop_app.domain.record import Record, Revision
from desktop_app.domain.registry import FAMILIES, family
from desktop_app.domain.schema import COMMON_NAMES, Family
from desktop_app.domain.validate import check_complete, normalize
from desktop_app.domain.vocab import workflows
from desktop_app.errors import UserFacingError
from desktop_app.services import records, rules
from desktop_app.services.session import Session
from desktop_app.store import audit, index, revision
from desktop_app.store.records import _diff, decoded_values, encode
from desktop_app.store.revision import format_hlc, parse_hlc

from desktop_app.store.records import NOT_AUDITED as _NOT_AUDITED


@dataclass
class _Pending:
    fam: Family
    row: dict[str, Any]                       # every column, as it will be stored
    history: list = field(default_factory=list)


class BulkLoader:
    def __init__(self, s: Session, batch: int = 5000):
        self.s, self.batch = s, batch
        self.pending: dict[str, _Pending] = {}
        self.audit_rows: list[tuple] = []
        self._names: dict[str, dict[str, str]] = {"person": {}, "unit": {}}
        self._columns = {name: COMMON_NAMES + fam.field_names for name, fam in FAMILIES.items()}
        self._load_state()

    # -- state kept in memory between flushes -----------------------------------------
    def _load_state(self) -> None:
        c = self.s.conn
        self.counter = c.execute("SELECT counter FROM node WHERE instance_id = ?",
                                 (self.s.instance,)).fetchone()[0]
        row = c.execute("SELECT value FROM meta WHERE key = 'hlc'").fetchone()
        self.hlc = parse_hlc(row[0]) if row else (0, 0)
        self.seq, self.head = audit.head(c)
        self.ledger = {(r[0], r[1]): r[2] for r in c.execute("SELECT * FROM ledger_counter")}
        for target in self._names:
            self._names[target] = dict(c.execute(f"SELECT id, name FROM {target}"))

    def _save_state(self) -> None:
        c = self.s.conn
        c.execute("UPDATE node SET counter = ? WHERE instance_id = ?", (self.counter, self.s.instance))
        if self.hlc != (0, 0):
            c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('hlc', ?)", (format_hlc(*self.hlc),))
        if self.seq:
            c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_head', ?)",
                      (f"{self.seq}:{self.head}",))
        c.executemany("INSERT INTO ledger_counter (prefix, year, last) VALUES (?, ?, ?)"
                      " ON CONFLICT (prefix, year) DO UPDATE SET last = excluded.last",
                      [(p, y, n) for (p, y), n in self.ledger.items()])

    def names(self, target: str, ids: list[str]) -> list[str]:
        known = self._names.get(target)
        return [known[i] for i in ids if i in known] if known is not None else []

    # -- the write path, one action at a time -------------------------------------------
    def _stamp(self, ctx, rec: _Pending) -> None:
        self.counter += 1
        wall, logical = self.hlc
        self.hlc = (ctx.now_ms, 0) if ctx.now_ms > wall else (wall, logical + 1)
        rec.row |= {"updated_at": ctx.ts, "updated_by": ctx.user, "_origin": ctx.instance,
                    "_counter": self.counter, "_hlc": format_hlc(*self.hlc),
                    "_vv": revision.merge_vv(rec.row["_vv"], ctx.instance, self.counter)}

    def _audit(self, ctx, action: str, rec: _Pending, detail: dict) -> None:
        self.seq += 1
        text, full = audit.texts(detail, action)
        digest = audit.entry_hash(self.head, self.seq, ctx.ts, ctx.user, action, rec.fam.name,
                                  rec.row["id"], full)
        self.audit_rows.append((self.seq, ctx.ts, ctx.user, action, rec.fam.name, rec.row["id"],
                                text, bytes.fromhex(digest)))
        self.head = digest

    def create(self, family_name: str, values: dict[str, Any], *, record_id: str,
               sensitivity: str = "一般", confirm_dates: bool = False) -> None:
        fam = family(family_name)
        if record_id in self.pending:
            raise UserFacingError(f"记录 {record_id} 已经存在。")
        data = {f.name: None for f in fam.fields} | normalize(fam, values)
        data |= derived_values(fam, data, self.s.calendar)
        check_complete(fam, data)
        records._check_working_days(self.s, fam, data)
        rules.check(self.s, fam, data)
        confirmed = rules.confirm_deadlines(self.s, fam, data, None, confirm_dates, self._fetch)
        ctx = self.s.write_context()
        row = dict.fromkeys(self._columns[fam.name]) | encode(fam, data)
        row |= {"id": record_id, "owner_office": ctx.office, "status": workflows()[fam.workflow].initial,
                "sensitivity": sensitivity, "voided": 0, "created_at": ctx.ts, "created_by": ctx.user}
        if fam.ledger_prefix:
            key = (f"{ctx.office}-{fam.ledger_prefix}", ctx.now.year)
            self.ledger[key] = self.ledger.get(key, 0) + 1
            row["ledger_no"] = f"{key[0]}-{key[1]}-{self.ledger[key]}"
        rec = self.pending[record_id] = _Pending(fam, row)
        self._stamp(ctx, rec)
        audited = {k: v for k, v in row.items() if not k.startswith("_") and k not in _NOT_AUDITED}
        self._audit(ctx, "新建", rec, {"changes": _diff(None, audited)} | confirmed)
        if fam.name in self._names and data.get("name"):
            self._names[fam.name][record_id] = data["name"]
        if len(self.pending) >= self.batch:
            self.flush()

    def set_status(self, family_name: str, record_id: str, target: str, *,
                   done_on: date | None = None) -> None:
        rec = self.pending.get(record_id)
        if rec is None or (family_name, target) in rules.FOLLOW_UPS:
            # written already, or a change that moves other records: the one-record service
            self.flush()
            records.set_status(self.s, family_name, record_id, target, done_on=done_on)
            self._load_state()
            return
        fam = rec.fam
        workflows()[fam.workflow].check(rec.row["status"], target)
        data = encode(fam, rules.on_status(self.s, fam, self._record(rec), target, done_on))
        ctx = self.s.write_context()
        old = dict(rec.row)
        rec.row |= data | {"status": target}
        self._stamp(ctx, rec)
        changed = {k: rec.row[k] for k in [*data, "status"]}
        self._audit(ctx, "变更状态", rec, {"changes": _diff(old, changed), "from": old["status"],
                                          "to": target})

    def _fetch(self, family_name: str, record_id: str) -> dict[str, Any] | None:
        """A referenced record, written or still pending."""
        rec = self.pending.get(record_id)
        if rec is not None:
            return rec.row
        row = self.s.conn.execute(f"SELECT * FROM {family_name} WHERE id = ?", (record_id,)).fetchone()
        return dict(row) if row else None

    def _record(self, rec: _Pending) -> Record:
        r = rec.row
        values = decoded_values(rec.fam, r)
        return Record(rec.fam.name, r["id"], r["ledger_no"], r["owner_office"], r["status"],
                      r["sensitivity"], bool(r["voided"]), r["void_reason"], r["created_at"],
                      r["created_by"], r["updated_at"], r["updated_by"],
                      Revision(r["_origin"], r["_counter"], r["_hlc"], r["_vv"]),
                      MappingProxyType(values))

    # -- writing ------------------------------------------------------------------------
    def flush(self) -> None:
        if not self.pending and not self.audit_rows:
            return
        conn, derived = self.s.conn, []
        # In creation order (a record refers only to records made before it), one
        # executemany per run of the same family.
        for name, run in groupby(self.pending.values(), key=lambda r: r.fam.name):
            recs = list(run)
            cols = self._columns[name]
            conn.executemany(f"INSERT INTO {name} ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
                             [[r.row[c] for c in cols] for r in recs])
            for r in recs:
                due = due_items(r.fam, decoded_values(r.fam, r.row), self.s.calendar)
                derived.append(index.derived(self.names, r.fam, r.row, due))
        index.insert_many(conn, derived)
        conn.executemany("INSERT INTO audit_log (seq, ts, actor, action, family, record_id, detail,"
                         " hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", self.audit_rows)
        self._save_state()
        self.pending.clear()
        self.audit_rows.clear()
