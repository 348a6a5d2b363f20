"""Report services: which reports there are, running one, an office's own variants.

An office's variant is a ``report_def`` record (status 启用 to be used) whose
content is the definition JSON; it travels in exchange packages like a letter
template. A variant with the name of a built-in report replaces it for the
office; any other name adds a report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from desktop_app.errors import UserFacingError, ValidationError
from desktop_app.reports.builtin import builtin_reports
from desktop_app.reports.definition import ReportDef, parse_definition
from desktop_app.reports.engine import ReportResult, run_report
from desktop_app.reports.period import parse_period
from desktop_app.security import authz
from desktop_app.security.roles import Permission

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")


@dataclass(frozen=True)
class ReportInfo:
    name: str
    title: str
    builtin: bool
    record_id: str | None = None     # the report_def record of an office variant

    def to_json(self) -> dict:
        return {"name": self.name, "title": self.title, "builtin": self.builtin,
                "record_id": self.record_id}


def _variants(s) -> dict[str, tuple[str, ReportDef]]:
    """The table forms in force here: our own, and those our upper office sent down (ours
    win). A lower office's forms arrive with its records but never change our tables."""
    out = {}
    row = s.conn.execute("SELECT parent_code FROM office WHERE is_self = 1").fetchone()
    upper = row[0] if row and row[0] else None
    rows = s.conn.execute("SELECT id, name, content FROM report_def WHERE status = '启用' AND voided = 0"
                          " AND owner_office IN (?, ?) ORDER BY owner_office = ?, updated_at",
                          (s.office_code, upper or s.office_code, s.office_code)).fetchall()
    for rid, name, content in rows:
        try:
            out[name] = (rid, parse_definition(content))
        except ValidationError:      # a broken variant never hides the built-in table
            continue
    return out


def list_reports(s) -> list[ReportInfo]:
    authz.require(s, Permission.READ_RECORD)
    variants = _variants(s)
    out = []
    for name, d in builtin_reports().items():
        rid, defn = variants.pop(name, (None, d))
        out.append(ReportInfo(name, defn.title, rid is None, rid))
    out += [ReportInfo(n, d.title, False, rid) for n, (rid, d) in variants.items()]
    return out


def get_definition(s, name: str) -> ReportDef:
    authz.require(s, Permission.READ_RECORD)
    variants = _variants(s)
    if name in variants:
        return variants[name][1]
    builtin = builtin_reports()
    if name in builtin:
        return builtin[name]
    for d in [*builtin.values(), *(v[1] for v in variants.values())]:
        if d.title == name:
            return get_definition(s, d.name)
    known = "、".join(builtin)
    raise UserFacingError(f"没有“{name}”这张报表。可用的有：{known}（taizhang report list 列出全部）。")


def run(s, name: str, period: str, *, by: str | None = None, office: str | None = None) -> ReportResult:
    defn = get_definition(s, name)
    return run_report(s, defn, parse_period(period), by=by, office=office)


def save_variant(s, content: str | dict, *, version: str = "1", note: str = "", enable: bool = True):
    """Keep an office's own table (a copy of a built-in one with rows or columns
    changed) as a report_def record; returns the saved record."""
    from desktop_app.services import records
    defn = parse_definition(content)
    if not _NAME.fullmatch(defn.name):
        raise ValidationError("name", "报表代号只能用英文字母、数字和下划线，并以字母开头。")
    base = defn.name if defn.name in builtin_reports() else ""
    saved = records.create(s, "report_def", {"name": defn.name, "title": defn.title, "base": base,
                                             "version": version, "content": defn.dumps(), "note": note})
    if enable:
        for (old,) in s.conn.execute("SELECT id FROM report_def WHERE name = ? AND status = '启用'"
                                     " AND id <> ? AND owner_office = ?",
                                     (defn.name, saved.record.id, s.office_code)).fetchall():
            records.set_status(s, "report_def", old, "停用")
        saved = records.set_status(s, "report_def", saved.record.id, "启用")
    return saved.record


def export(s, result: ReportResult, path) -> "Path":
    """Write ``result`` to ``path`` (.xlsx or .pdf) and record the export in the audit chain."""
    from pathlib import Path
    from desktop_app.services.outputs import record_output
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from desktop_app.reports.xlsx_out import write_xlsx
        write_xlsx(result, path)
    elif suffix == ".pdf":
        from desktop_app.reports.pdf_out import write_pdf
        write_pdf(s, result, path)
    else:
        raise UserFacingError(f"报表只能导出为 .xlsx 或 .pdf，不能导出为“{path.suffix or path.name}”。")
    record_output(s, "导出", f"{result.defn.title} {result.period.label}",
                  detail={"report": result.defn.name, "period": result.period.label, "by": result.by,
                          "file": path.name})
    return path
