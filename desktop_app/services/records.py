"""Services for every record family: create, edit, change status, void, read.

One function = one user action = one transaction. Input is plain values
(what a form or the command line holds); the result is a ``Saved`` with the
record as stored and the ``Changes`` the GUI refreshes from.
"""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from desktop_app.domain.derive import derived_values
from desktop_app.domain.record import Changes, Record, RecordRef, Saved
from desktop_app.domain.registry import family
from desktop_app.domain.schema import SENSITIVITIES, Family, Kind
from desktop_app.domain.validate import check_complete, normalize
from desktop_app.domain.vocab import workflows
from desktop_app.errors import UserFacingError, ValidationError
from desktop_app.security import authz
from desktop_app.security.roles import Permission
from desktop_app.services import rules
from desktop_app.services.session import Session
from desktop_app.store import records as repo
from desktop_app.store.db import transaction

VOID_REASON_MAX = 500


def get(s: Session, family_name: str, record_id: str) -> Record:
    authz.require(s, Permission.READ_RECORD)
    fam = family(family_name)
    rec = repo.get(s.conn, fam, record_id)
    if rec is None:
        raise UserFacingError(f"找不到这条{fam.label}记录（{record_id}）。")
    return rec


def _check_sensitivity(value: str) -> str:
    if value in ("秘密", "机密", "绝密") or "秘密" in value and value != "内部":
        raise ValidationError("sensitivity", "本系统为非涉密系统，严禁录入涉密信息；敏感度只能选“一般”或“内部”。")
    if value not in SENSITIVITIES:
        raise ValidationError("sensitivity", "敏感度只能选“一般”或“内部”。")
    return value


def _check_refs(s: Session, fam: Family, values: dict[str, Any]) -> None:
    for f in fam.fields:
        if f.kind not in (Kind.REF, Kind.REFS) or values.get(f.name) is None:
            continue
        ids = values[f.name] if f.kind is Kind.REFS else (values[f.name],)
        target = family(f.ref)
        found = {r[0]: r[1] for r in s.conn.execute(
            f"SELECT id, voided FROM {target.name} WHERE id IN ({','.join('?' * len(ids))})", ids)}
        for rid in ids:
            if rid not in found:
                raise ValidationError(f.name, f"{f.label}：找不到这个{target.label}（{rid}）。")
            if found[rid]:
                raise ValidationError(f.name, f"{f.label}：这个{target.label}已作废，不能再引用。")


def _check_working_days(s: Session, fam: Family, values: dict[str, Any]) -> None:
    for spec in fam.deadlines:
        if not spec.working_day_due or not spec.due_field:
            continue
        for name in spec.due_field.split("|"):
            if values.get(name):
                d = date.fromisoformat(values[name])
                if not s.calendar.is_working_day(d):
                    label = fam.field(name).label
                    why = s.calendar.holiday_name(d) or "周末"
                    raise ValidationError(name, f"{label}（{d.isoformat()}）是非工作日（{why}），请改为工作日。")


def _prepare(s: Session, fam: Family, merged: dict[str, Any], changed: set[str] | None = None,
             confirm_dates: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    """Derived values and every check; ``changed`` limits the date checks to the
    dates being typed now (a later holiday table must not block other edits).
    Returns the values and the audit detail of what the user confirmed."""
    merged = merged | derived_values(fam, merged, s.calendar)
    check_complete(fam, merged)
    _check_refs(s, fam, merged)
    _check_working_days(s, fam, merged if changed is None else
                        {k: v for k, v in merged.items() if k in changed})
    rules.check(s, fam, merged)
    return merged, rules.confirm_deadlines(s, fam, merged, changed, confirm_dates)


def create(s: Session, family_name: str, values: dict[str, Any], *,
           sensitivity: str = "一般", record_id: str | None = None,
           confirm_dates: bool = False) -> Saved:
    """``confirm_dates``: the user confirmed a typed deadline already past or before
    the record's start (else such a deadline raises ``NeedsConfirmation``)."""
    authz.require(s, Permission.WRITE_RECORD)
    fam = family(family_name)
    data = {f.name: None for f in fam.fields} | normalize(fam, values)
    data, confirmed = _prepare(s, fam, data, confirm_dates=confirm_dates)
    meta = {"status": workflows()[fam.workflow].initial,
            "sensitivity": _check_sensitivity(sensitivity), "voided": 0}
    rid = record_id or str(uuid.uuid4())
    ctx = s.write_context()
    with transaction(s.conn):
        if fam.ledger_prefix:
            meta["ledger_no"] = repo.next_ledger_no(s.conn, s.office_code, fam.ledger_prefix,
                                                    ctx.now.year)
        repo.write(s.conn, ctx, fam, rid, data, meta, action="新建", audit_detail=confirmed)
    return Saved(get(s, fam.name, rid), Changes(created=(RecordRef(fam.name, rid),)))


def _editable(s: Session, fam: Family, record_id: str) -> Record:
    rec = get(s, fam.name, record_id)
    if rec.voided:
        raise UserFacingError(f"这条{fam.label}记录已作废，不能再修改。")
    if rec.owner_office != s.office_code:
        raise UserFacingError(f"这条{fam.label}记录属于 {rec.owner_office}，本机关只能查看，不能修改。")
    return rec


def _stored(rec: Record, fam: Family) -> dict[str, Any]:
    return {f.name: (tuple(v) if isinstance(v, (list, tuple)) else (int(v) if isinstance(v, bool) else v))
            for f in fam.fields for v in [rec.values.get(f.name)]}


def update(s: Session, family_name: str, record_id: str, changes: dict[str, Any], *,
           sensitivity: str | None = None, confirm_dates: bool = False) -> Saved:
    authz.require(s, Permission.WRITE_RECORD)
    fam = family(family_name)
    rec = _editable(s, fam, record_id)
    before = _stored(rec, fam)
    typed = normalize(fam, changes)
    merged, confirmed = _prepare(s, fam, before | typed,
                                 {k for k, v in typed.items() if before.get(k) != v}, confirm_dates)
    data = {k: v for k, v in merged.items() if before.get(k) != v}
    meta = {}
    if sensitivity is not None and sensitivity != rec.sensitivity:
        meta["sensitivity"] = _check_sensitivity(sensitivity)
    if not data and not meta:
        return Saved(rec, Changes())
    with transaction(s.conn):
        repo.write(s.conn, s.write_context(), fam, record_id, data, meta, action="修改",
                   audit_detail=confirmed)
    return Saved(get(s, fam.name, record_id), Changes(updated=(RecordRef(fam.name, record_id),)))


def set_status(s: Session, family_name: str, record_id: str, target: str, *,
               done_on: date | None = None) -> Saved:
    fam = family(family_name)
    authz.require_status_change(s, fam.workflow, target)
    rec = _editable(s, fam, record_id)
    workflows()[fam.workflow].check(rec.status, target)
    data = rules.on_status(s, fam, rec, target, done_on)
    with transaction(s.conn):
        repo.write(s.conn, s.write_context(), fam, record_id, data, {"status": target},
                   action="变更状态", audit_detail={"from": rec.status, "to": target})
        follow = rules.after_status(s, fam, get(s, fam.name, record_id), target)
    changes = Changes(updated=(RecordRef(fam.name, record_id),)) + follow
    return Saved(get(s, fam.name, record_id), changes)


def void(s: Session, family_name: str, record_id: str, reason: str) -> Saved:
    authz.require(s, Permission.WRITE_RECORD)
    fam = family(family_name)
    _editable(s, fam, record_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("void_reason", "作废必须填写理由。")
    if len(reason) > VOID_REASON_MAX:
        raise ValidationError("void_reason", f"作废理由最多 {VOID_REASON_MAX} 字。")
    with transaction(s.conn):
        repo.write(s.conn, s.write_context(), fam, record_id, {},
                   {"voided": 1, "void_reason": reason}, action="作废")
    return Saved(get(s, fam.name, record_id), Changes(voided=(RecordRef(fam.name, record_id),)))
