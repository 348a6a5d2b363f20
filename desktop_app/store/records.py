"""The one write path for every record family, and reading records back.

All SQL for family tables lives here, driven by the declarations (one
generic repository instead of twenty near-identical ones; the SQL that is
specific to one family lives in its own module, e.g. ``dossier.py``). Column
names come only from the declarations, never from input.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any, Iterable

from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.derive import due_items
from desktop_app.domain.record import Record, Revision
from desktop_app.domain.schema import COMMON_NAMES, Family, Kind
from desktop_app.store import audit, revision
from desktop_app.store.index import reindex


@dataclass(frozen=True)
class WriteContext:
    """Who writes, from which office and instance, at what time."""
    office: str
    user: str
    instance: str
    now: datetime
    calendar: WorkCalendar

    @property
    def ts(self) -> str:
        return self.now.isoformat(timespec="seconds")

    @property
    def now_ms(self) -> int:
        return int(self.now.timestamp() * 1000)


def encode(fam: Family, values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in values.items():
        kind = fam.field(name).kind
        if kind in (Kind.REFS, Kind.LIST) and value is not None:
            value = json.dumps(list(value), ensure_ascii=False)
        out[name] = value
    return out


def decode_value(kind: Kind, value: Any) -> Any:
    if value is None:
        return None
    if kind in (Kind.REFS, Kind.LIST):
        return tuple(json.loads(value))
    if kind is Kind.BOOL:
        return bool(value)
    return value


def _json_tuple(value: Any) -> Any:
    return None if value is None else tuple(json.loads(value))


def _bool(value: Any) -> Any:
    return None if value is None else bool(value)


_DECODERS = {Kind.REFS: _json_tuple, Kind.LIST: _json_tuple, Kind.BOOL: _bool}
_PLANS: dict[tuple, tuple] = {}


def _plan(fam: Family, row: sqlite3.Row) -> tuple:
    """Where each field sits in a row of this shape, and how to decode it; worked out
    once per query shape, because lists decode thousands of rows while scrolling."""
    keys = tuple(row.keys())
    plan = _PLANS.get((fam.name, keys))
    if plan is None:
        fields = tuple((f.name, keys.index(f.name), _DECODERS.get(f.kind)) for f in fam.fields)
        common = {name: keys.index(name) for name in COMMON_NAMES}
        plan = _PLANS[(fam.name, keys)] = (fields, common)
    return plan


def from_row(fam: Family, row: sqlite3.Row) -> Record:
    fields, c = _plan(fam, row)
    values = {name: (decode(row[i]) if decode else row[i]) for name, i, decode in fields}
    return Record(
        family=fam.name, id=row[c["id"]], ledger_no=row[c["ledger_no"]],
        owner_office=row[c["owner_office"]], status=row[c["status"]],
        sensitivity=row[c["sensitivity"]], voided=bool(row[c["voided"]]),
        void_reason=row[c["void_reason"]], created_at=row[c["created_at"]],
        created_by=row[c["created_by"]], updated_at=row[c["updated_at"]],
        updated_by=row[c["updated_by"]],
        revision=Revision(row[c["_origin"]], row[c["_counter"]], row[c["_hlc"]], row[c["_vv"]]),
        values=MappingProxyType(values), title=record_title(fam, values))


def record_title(fam: Family, values: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """The title from the family's title fields; a reference shows the person's or
    unit's name when ``names`` (id → name) has it, and is left out otherwise."""
    parts = []
    for name in fam.title:
        v = values.get(name)
        if fam.field(name).kind is Kind.REF:
            v = (names or {}).get(v) if v else None
        if v not in (None, ""):
            parts.append("、".join(v) if isinstance(v, (tuple, list)) else str(v))
    return " · ".join(parts) or fam.label


def fetch_row(conn: sqlite3.Connection, fam: Family, record_id: str) -> sqlite3.Row | None:
    return conn.execute(f"SELECT * FROM {fam.name} WHERE id = ?", (record_id,)).fetchone()


def get(conn: sqlite3.Connection, fam: Family, record_id: str) -> Record | None:
    row = fetch_row(conn, fam, record_id)
    return from_row(fam, row) if row else None


def get_many(conn: sqlite3.Connection, fam: Family, ids: Iterable[str]) -> list[Record]:
    ids = list(ids)
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"SELECT * FROM {fam.name} WHERE id IN ({marks})", ids).fetchall()
    return [from_row(fam, r) for r in rows]


def _diff(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, list]:
    if old is None:
        return {k: [None, v] for k, v in new.items() if v is not None}
    return {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v}


def write(conn: sqlite3.Connection, ctx: WriteContext, fam: Family, record_id: str,
          data: dict[str, Any], meta: dict[str, Any], *, action: str,
          audit_detail: dict | None = None) -> dict[str, list]:
    """Insert or update one row, with its stamp, index rows, deadlines and audit entry.

    ``data`` holds canonical field values (all fields for an insert, the
    changed ones for an update); ``meta`` the common columns to set (status,
    sensitivity, voided, void_reason, ledger_no). Runs inside the caller's
    transaction. Returns the field-level diff that was audited.
    """
    old_row = fetch_row(conn, fam, record_id)
    old = dict(old_row) if old_row else None
    stamp = revision.next_stamp(conn, ctx.instance, ctx.now_ms)
    row = encode(fam, data) | meta
    row |= {"updated_at": ctx.ts, "updated_by": ctx.user, "_origin": stamp.instance,
            "_counter": stamp.counter, "_hlc": stamp.hlc,
            "_vv": revision.merge_vv(old["_vv"] if old else None, stamp.instance, stamp.counter)}
    if old is None:
        row |= {"id": record_id, "owner_office": ctx.office, "created_at": ctx.ts,
                "created_by": ctx.user}
        cols = ",".join(row)
        conn.execute(f"INSERT INTO {fam.name} ({cols}) VALUES ({','.join('?' * len(row))})",
                     list(row.values()))
    else:
        sets = ",".join(f"{c} = ?" for c in row)
        conn.execute(f"UPDATE {fam.name} SET {sets} WHERE id = ?", [*row.values(), record_id])
    diff = _diff(old, {k: v for k, v in row.items() if not k.startswith("_") and k not in
                       NOT_AUDITED})
    full = dict(fetch_row(conn, fam, record_id))
    reindex(conn, fam, full, due_items(fam, decoded_values(fam, full), ctx.calendar))
    detail = {"changes": diff} | (audit_detail or {})
    audit.append(conn, ts=ctx.ts, actor=ctx.user, action=action, family=fam.name,
                 record_id=record_id, detail=detail)
    return diff


# Columns an audit entry's changes leave out: the entry has its own time, actor and
# record id.
NOT_AUDITED = ("id", "updated_at", "updated_by", "created_at", "created_by")


def decoded_values(fam: Family, row: dict[str, Any]) -> dict[str, Any]:
    """Values as stored (dates ISO), lists decoded: what the deadline rules read."""
    return {f.name: decode_value(f.kind, row.get(f.name)) if f.kind in (Kind.REFS, Kind.LIST)
            else row.get(f.name) for f in fam.fields}


def next_ledger_no(conn: sqlite3.Connection, office: str, prefix: str, year: int) -> str:
    """台账编号 like CNTY-TH-2026-12: per office, prefix and year; never reused."""
    key = f"{office}-{prefix}"
    row = conn.execute("INSERT INTO ledger_counter (prefix, year, last) VALUES (?, ?, 1)"
                       " ON CONFLICT (prefix, year) DO UPDATE SET last = last + 1 RETURNING last",
                       (key, year)).fetchone()
    return f"{key}-{year}-{row[0]}"


def ledger_counter_parts(seq: str, year: str) -> bool:
    """Year and sequence of a 台账编号 that a counter may be raised to: ASCII digits
    of a sane length (an imported "…-²" or a 30-digit number must not reach SQLite)."""
    return (seq.isascii() and seq.isdigit() and len(seq) <= 12
            and year.isascii() and year.isdigit() and len(year) == 4)


def observe_ledger_no(conn: sqlite3.Connection, ledger_no: str | None) -> None:
    """Raise our counter past a number another workstation of this office used
    (seen in an imported row), so that our next number does not repeat it."""
    if not ledger_no:
        return
    head, _, seq = ledger_no.rpartition("-")
    key, _, year = head.rpartition("-")
    if not (ledger_counter_parts(seq, year) and key):
        return
    conn.execute("INSERT INTO ledger_counter (prefix, year, last) VALUES (?, ?, ?)"
                 " ON CONFLICT (prefix, year) DO UPDATE SET last = max(last, excluded.last)",
                 (key, int(year), int(seq)))


COMMON = COMMON_NAMES
