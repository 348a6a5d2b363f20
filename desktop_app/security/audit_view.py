"""Reading the audit log: search, the before/after of each change, the chain
check and the Excel export. All of it needs ``Permission.READ_AUDIT``; viewing,
verifying and exporting are themselves audited.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from desktop_app.domain.registry import FAMILIES
from desktop_app.errors import UserFacingError, reason
from desktop_app.security import authz
from desktop_app.security.roles import Permission
from desktop_app.store import audit
from desktop_app.store.db import transaction

PAGE = 200
COMMON_LABELS = {"status": "状态", "sensitivity": "敏感度", "voided": "作废", "void_reason": "作废理由",
                 "ledger_no": "台账编号", "owner_office": "所属机关", "id": "编号", "role": "角色"}
MARK = "内部事项 注意保管"
DETAIL_LABELS = {
    "role": "角色", "reason": "原因", "purpose": "用途", "failures": "连续失败次数", "account": "账户",
    "file": "文件", "folder": "目录", "kind": "类型", "records": "记录数", "encrypted": "加密",
    "second_copy": "第二位置", "warnings": "提示", "seconds": "用时（秒）", "name": "姓名",
    "relation": "关系", "what": "内容", "office": "机关", "code": "机关代码", "key": "设置项",
    "minutes": "分钟", "locked_until": "锁定至", "from": "原状态", "to": "新状态", "rows": "行数",
    "result": "结果", "backup_created": "备份时间", "pre_restore": "恢复前备份", "replaced": "原库移至",
    "previous_instance": "原实例号", "new_instance": "新实例号", "idle_minutes": "空闲分钟",
    "person_id": "人员编号", "note": "说明"}


@dataclass(frozen=True)
class AuditFilter:
    user: str | None = None
    action: str | None = None
    record: str | None = None          # a record id, or its beginning
    family: str | None = None
    since: date | None = None
    until: date | None = None          # inclusive
    text: str | None = None            # anywhere in the details (a name, a file…)


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: Any
    after: Any


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    ts: str
    actor: str
    action: str
    family: str | None
    record_id: str | None
    detail: dict = field(default_factory=dict)
    hash: str = ""
    # how the log itself names the record (台账编号, a name or a title from its 新建 entry);
    # the 审计员 may read the log, not the records
    record_label: str = ""

    @property
    def record_text(self) -> str:
        return self.record_label or (self.record_id or "")[:8]

    @property
    def family_label(self) -> str:
        return FAMILIES[self.family].label if self.family in FAMILIES else (self.family or "")

    def changes(self) -> list[Change]:
        """The before/after of each changed field (records and settings)."""
        raw = self.detail.get("changes")
        if isinstance(raw, list) and len(raw) == 2:            # a setting: [old, new]
            key = str(self.detail.get("key", "值"))
            return [Change(key, key, raw[0], raw[1])]
        if not isinstance(raw, dict):
            return []
        return [Change(name, _label(self.family, name), pair[0], pair[1])
                for name, pair in raw.items() if isinstance(pair, list) and len(pair) == 2]

    def summary(self) -> str:
        """One line for the table: the changes, or the other details."""
        parts = [f"{c.label}：{_text(c.before)} → {_text(c.after)}" for c in self.changes()]
        rest = {k: v for k, v in self.detail.items()
                if k not in ("changes", "key") and v not in (None, "", [], {})}
        parts += [f"{DETAIL_LABELS.get(k, k)}：{_text(v)}" for k, v in rest.items()]
        return "；".join(parts)


def _label(family: str | None, name: str) -> str:
    fam = FAMILIES.get(family or "")
    if fam is not None:
        try:
            return fam.field(name).label
        except (KeyError, ValueError, StopIteration):
            pass
    return COMMON_LABELS.get(name, name)


def _text(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _where(flt: AuditFilter) -> tuple[str, list]:
    sql, args = [], []
    if flt.user:
        sql.append("actor = ?"); args.append(flt.user.strip())
    if flt.action:
        sql.append("action = ?"); args.append(flt.action.strip())
    if flt.family:
        sql.append("family = ?"); args.append(flt.family)
    if flt.record:
        record = flt.record.strip()
        if re.fullmatch(r"[0-9a-f-]{1,36}", record):           # an id, or its beginning:
            sql.append("record_id >= ? AND record_id < ?")      # a range of audit_record
            args += [record, record + "\U0010ffff"]
        else:                                                 # a 台账编号, a name: as the log shows it
            sql.append("record_id IN (SELECT record_id FROM audit_log WHERE action = '新建'"
                       " AND instr(detail, ?) > 0)")
            args.append(json.dumps(record, ensure_ascii=False))
    if flt.since:
        sql.append("ts >= ?"); args.append(flt.since.isoformat())
    if flt.until:
        sql.append("ts < ?"); args.append((flt.until + timedelta(days=1)).isoformat())
    if flt.text:
        sql.append("instr(detail, ?) > 0"); args.append(flt.text.strip())
    return (" WHERE " + " AND ".join(sql)) if sql else "", args


def _entry(row) -> AuditEntry:
    try:
        detail = audit.read_detail(row["detail"])
    except ValueError:
        detail = {"原文": row["detail"]}
    return AuditEntry(row["seq"], row["ts"], row["actor"], row["action"], row["family"],
                      row["record_id"], detail if isinstance(detail, dict) else {"值": detail},
                      audit.hex_hash(row["hash"]))


def search(s, flt: AuditFilter = AuditFilter(), *, before_seq: int | None = None,
           limit: int = PAGE) -> list[AuditEntry]:
    """Newest first; pass the last seq seen as ``before_seq`` for the next page."""
    authz.require(s, Permission.READ_AUDIT)
    where, args = _where(flt)
    if before_seq is not None:
        where += (" AND " if where else " WHERE ") + "seq < ?"
        args.append(before_seq)
    rows = s.conn.execute(f"SELECT * FROM audit_log{where} ORDER BY seq DESC LIMIT ?",
                          [*args, limit]).fetchall()
    entries = [_entry(r) for r in rows]
    labels = record_labels(s, entries)
    return [replace(e, record_label=labels.get((e.family, e.record_id), "")) for e in entries]


LABEL_FIELDS = ("ledger_no", "name", "title", "doc_no")


def record_labels(s, entries: list[AuditEntry]) -> dict[tuple[str, str], str]:
    """(family, id) → what the record's first entry in the log calls it: its 台账编号,
    else its name or title. Read from the log alone (one indexed look-up per record on
    the page), so the 审计员, who may not read records, sees it too."""
    out: dict[tuple[str, str], str] = {}
    for key in {(e.family, e.record_id) for e in entries if e.family and e.record_id}:
        row = s.conn.execute("SELECT * FROM audit_log WHERE family = ? AND record_id = ?"
                             " ORDER BY seq LIMIT 1", key).fetchone()
        changes = _entry(row).detail.get("changes") if row is not None else None
        if isinstance(changes, dict):
            for name in LABEL_FIELDS:
                pair = changes.get(name)
                if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], str) and pair[1]:
                    out[key] = pair[1][:40]
                    break
    return out


def count(s, flt: AuditFilter = AuditFilter()) -> int:
    authz.require(s, Permission.READ_AUDIT)
    where, args = _where(flt)
    return s.conn.execute(f"SELECT count(*) FROM audit_log{where}", args).fetchone()[0]


def choices(s) -> dict[str, list[str]]:
    """The users and actions that occur, for the filter drop-downs."""
    authz.require(s, Permission.READ_AUDIT)
    return {"users": [r[0] for r in s.conn.execute("SELECT DISTINCT actor FROM audit_log ORDER BY 1")],
            "actions": [r[0] for r in s.conn.execute("SELECT DISTINCT action FROM audit_log ORDER BY 1")]}


def note(s, action: str, detail: dict | None = None) -> None:
    with transaction(s.conn):
        audit.append(s.conn, ts=s.now().isoformat(timespec="seconds"), actor=s.user,
                     action=action, detail=detail or {})


def note_viewed(s, flt: AuditFilter | None = None) -> None:
    """Opening the audit log is recorded too (who looked, for what)."""
    authz.require(s, Permission.READ_AUDIT)
    note(s, "查看审计日志", _filter_detail(flt))


def _filter_detail(flt: AuditFilter | None) -> dict:
    if flt is None:
        return {}
    return {k: (v.isoformat() if isinstance(v, date) else v)
            for k, v in flt.__dict__.items() if v not in (None, "")}


def verify_chain(s) -> list[audit.ChainProblem]:
    """Walk the chain; the first broken entry is named. The check is audited
    after the walk, so it never hides a break at the end of the log."""
    authz.require(s, Permission.READ_AUDIT, "校验审计日志")
    problems = audit.verify(s.conn)
    note(s, "校验审计日志", {"result": "完好" if not problems else problems[0].message})
    return problems


def export_xlsx(s, flt: AuditFilter, path: Path | str) -> int:
    """Write the matching entries (oldest first) to an .xlsx; returns the count."""
    authz.require(s, Permission.READ_AUDIT, "导出审计日志")
    from openpyxl import Workbook
    path = Path(path)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计日志")
    ws.append([f"{MARK}　审计日志　导出人：{s.user}　导出时间：{s.now().isoformat(sep=' ')}"])
    ws.append(["序号", "时间", "用户", "操作", "类别", "记录编号", "修改内容或说明", "哈希"])
    where, args = _where(flt)
    n = 0
    for row in s.conn.execute(f"SELECT * FROM audit_log{where} ORDER BY seq", args):
        e = _entry(row)
        ws.append([e.seq, e.ts.replace("T", " "), e.actor, e.action, e.family_label,
                   e.record_id or "", e.summary(), e.hash])
        n += 1
    try:
        wb.save(path)
    except OSError as exc:
        raise UserFacingError(f"无法写入 {path}：{reason(exc)}") from exc
    note(s, "导出审计日志", {"file": path.name, "rows": n} | _filter_detail(flt))
    return n
