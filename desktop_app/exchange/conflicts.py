"""Conflicts as people see and settle them (exchange.md §3.5, issue 5 item 6).

``list_conflicts(s, include_resolved=False)`` / ``get_conflict(s, id)`` — both versions
of a record side by side (``ConflictView.fields``: one ``FieldDiff`` per column, the
differing ones marked), with the record as it is now.

``resolve_conflict(s, conflict_id, choice=None, values=None)`` — a normal local write
whose vector dominates both versions, so it propagates and every office ends up with
it; the conflict row is stamped "resolved" in the same transaction and travels too.

* ``choice="winner"``: keep what the merge kept (a stamp-only write makes it dominate);
* ``choice="loser"``: take the other version's data;
* ``values={field: value}``: a composed result, validated like any edit;
* a ``duplicate_key`` conflict (two records with one 台账编号) keeps both records:
  resolving only records that a person looked at it.

Only the office that owns the record may resolve (R9); others see it read-only.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from desktop_app.domain.registry import FAMILIES
from desktop_app.domain.schema import Family, Kind
from desktop_app.errors import UserFacingError
from desktop_app.security import authz
from desktop_app.security.roles import Permission
from desktop_app.services import records as record_services
from desktop_app.services.session import Session
from desktop_app.store import audit, revision
from desktop_app.store import records as repo
from desktop_app.store.db import transaction

from . import vectors
from .ledger import utc_text
from .rows import to_db, to_wire

KIND_LABELS = {"concurrent": "同时修改", "edit_void": "一方修改、一方作废",
               "duplicate_key": "台账编号重复"}
META_LABELS = (("ledger_no", "台账编号"), ("status", "状态"), ("sensitivity", "敏感度"),
               ("voided", "已作废"), ("void_reason", "作废理由"))
_NAMED = {"person": "name", "unit": "name"}


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    winner: str
    loser: str

    @property
    def differs(self) -> bool:
        return self.winner != self.loser


@dataclass(frozen=True)
class ConflictView:
    id: str
    table: str
    label: str
    record_id: str
    title: str
    kind: str
    status: str
    detected_utc: str
    resolved_by: str | None
    resolved_utc: str | None
    owner_office: str
    editable: bool
    winner: dict[str, Any]
    loser: dict[str, Any]
    current: dict[str, Any] | None
    fields: tuple[FieldDiff, ...]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "table": self.table, "label": self.label,
                "record_id": self.record_id, "title": self.title, "kind": self.kind,
                "kind_label": self.kind_label, "status": self.status,
                "detected_utc": self.detected_utc, "resolved_by": self.resolved_by,
                "owner_office": self.owner_office, "editable": self.editable,
                "fields": [{"name": f.name, "label": f.label, "winner": f.winner,
                            "loser": f.loser, "differs": f.differs} for f in self.fields]}


def _display(s: Session, kind: Kind | None, ref: str | None, value: Any) -> str:
    if value is None or value == "":
        return ""
    if kind in (Kind.REF, Kind.REFS):
        ids = json.loads(value) if kind is Kind.REFS else [value]
        column = _NAMED.get(ref or "")
        names = []
        for rid in ids:
            row = s.conn.execute(f"SELECT {column} FROM {ref} WHERE id = ?", (rid,)).fetchone() \
                if column else None
            names.append(row[0] if row else rid)
        return "、".join(names)
    if kind is Kind.LIST:
        return "、".join(json.loads(value))
    if kind is Kind.BOOL:
        return "是" if value else "否"
    return str(value)


def _diffs(s: Session, fam: Family, winner: dict, loser: dict) -> tuple[FieldDiff, ...]:
    out = []
    for name, label in META_LABELS:
        if name in winner or name in loser:
            kind = Kind.BOOL if name == "voided" else None
            out.append(FieldDiff(name, label, _display(s, kind, None, winner.get(name)),
                                 _display(s, kind, None, loser.get(name))))
    for f in fam.fields:
        if f.name in winner or f.name in loser:
            out.append(FieldDiff(f.name, f.label, _display(s, f.kind, f.ref, winner.get(f.name)),
                                 _display(s, f.kind, f.ref, loser.get(f.name))))
    return tuple(out)


def _view(s: Session, row: Any) -> ConflictView:
    fam = FAMILIES[row["tbl"]]
    winner, loser = json.loads(row["winner_json"]), json.loads(row["loser_json"])
    current = repo.fetch_row(s.conn, fam, row["record_id"])
    current_wire = to_wire(fam.name, current) if current else None
    title = repo.record_title(fam, repo.decoded_values(fam, dict(current))) if current \
        else row["record_id"]
    return ConflictView(
        row["id"], fam.name, fam.label, row["record_id"], title, row["kind"], row["status"],
        row["detected_utc"], row["resolved_by"], row["resolved_utc"], row["owner_office"],
        row["owner_office"] == s.office_code and row["status"] == "open",
        winner, loser, current_wire, _diffs(s, fam, winner, loser))


def list_conflicts(s: Session, *, include_resolved: bool = False) -> list[ConflictView]:
    authz.require(s, Permission.READ_RECORD)
    where = "" if include_resolved else " WHERE status = 'open'"
    return [_view(s, r) for r in s.conn.execute(
        f"SELECT * FROM sync_conflict{where} ORDER BY detected_utc DESC, id")]


def open_count(s: Session) -> int:
    return s.conn.execute("SELECT count(*) FROM sync_conflict WHERE status = 'open'").fetchone()[0]


def get_conflict(s: Session, conflict_id: str) -> ConflictView:
    authz.require(s, Permission.READ_RECORD)
    row = s.conn.execute("SELECT * FROM sync_conflict WHERE id = ?", (conflict_id,)).fetchone()
    if row is None:
        raise UserFacingError(f"找不到这个冲突（{conflict_id[:12]}…）。")
    return _view(s, row)


# ------------------------------------------------------------------ resolving

def _canonical_values(fam: Family, version: dict) -> tuple[dict, dict]:
    """A version's fields as the write path takes them, and its common columns."""
    row = to_db(fam.name, dict(version, _vv={}))
    data = {}
    for f in fam.fields:
        value = row.get(f.name)
        if f.kind in (Kind.REFS, Kind.LIST) and value is not None:
            value = json.loads(value)
        data[f.name] = value
    meta = {k: row[k] for k in ("status", "sensitivity", "voided", "void_reason")}
    return data, meta


def compose_values(view: ConflictView, picks: dict[str, str]) -> dict[str, Any]:
    """Field values for a composed result: ``picks`` maps a field to "winner" or
    "loser"; fields not named keep what the record holds now (the winner's)."""
    fam = FAMILIES[view.table]
    winner, _ = _canonical_values(fam, view.winner)
    loser, _ = _canonical_values(fam, view.loser)
    return {name: (loser if pick == "loser" else winner)[name]
            for name, pick in picks.items() if name in fam.field_names}


def _stamp_of(s: Session, fam: Family, record_id: str) -> tuple[str, int]:
    row = repo.fetch_row(s.conn, fam, record_id)
    return row["_origin"], row["_counter"]


def _write_resolution(s: Session, fam: Family, view: ConflictView, choice: str | None,
                      values: dict | None) -> None:
    """Always a new local version of the record: it dominates both versions (the merge
    already gave the row both in its vector) and marks in its history who decided."""
    detail = {"conflict": view.id, "choice": "组合" if values is not None else choice}
    before = _stamp_of(s, fam, view.record_id)
    if values is not None:
        record_services.update(s, fam.name, view.record_id, values)
    elif choice == "loser":
        data, meta = _canonical_values(fam, view.loser)
        repo.write(s.conn, s.write_context(), fam, view.record_id, data, meta,
                   action="解决冲突", audit_detail=detail)
    if _stamp_of(s, fam, view.record_id) == before:     # kept as is, or nothing changed
        repo.write(s.conn, s.write_context(), fam, view.record_id, {}, {},
                   action="解决冲突", audit_detail=detail)


def _mark_resolved(s: Session, conflict_id: str) -> None:
    row = s.conn.execute("SELECT _vv FROM sync_conflict WHERE id = ?", (conflict_id,)).fetchone()
    stamp = revision.next_stamp(s.conn, s.instance, int(s.now().timestamp() * 1000))
    vv = vectors.merge(vectors.parse(row[0]), {stamp.instance: stamp.counter})
    s.conn.execute("UPDATE sync_conflict SET status = 'resolved', resolved_by = ?,"
                   " resolved_utc = ?, _origin = ?, _counter = ?, _hlc = ?, _vv = ? WHERE id = ?",
                   (s.user, utc_text(s), stamp.instance, stamp.counter, stamp.hlc,
                    vectors.dumps(vv), conflict_id))


def resolve_conflict(s: Session, conflict_id: str, choice: str | None = None,
                     values: dict[str, Any] | None = None) -> ConflictView:
    """Settle a conflict; see module docstring."""
    authz.require(s, Permission.WRITE_RECORD, "处理冲突")
    view = get_conflict(s, conflict_id)
    if view.status != "open":
        raise UserFacingError("这个冲突已经处理过了。")
    if view.owner_office != s.office_code:
        raise UserFacingError(f"该记录属于 {view.owner_office}，只有该单位才能处理这个冲突。")
    if choice not in (None, "winner", "loser") or (choice is None and values is None
                                                   and view.kind != "duplicate_key"):
        raise UserFacingError("请选择保留哪个版本，或填写组合后的内容。")
    fam = FAMILIES[view.table]
    with transaction(s.conn):
        if view.kind != "duplicate_key":
            if view.current is None:
                raise UserFacingError("本库中没有这条记录，无法处理冲突。")
            _write_resolution(s, fam, view, choice, values)
        _mark_resolved(s, conflict_id)
        audit.append(s.conn, ts=s.now().isoformat(timespec="seconds"), actor=s.user,
                     action="处理冲突", family=fam.name, record_id=view.record_id,
                     detail={"conflict": conflict_id, "kind": view.kind,
                             "choice": "组合" if values is not None else (choice or "保留两条")})
    return get_conflict(s, conflict_id)
