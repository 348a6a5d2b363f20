"""The writing half of an import: one transaction through the bulk write path
(the services' checks, stamps, audit entries and index rows), committed only when
no row failed and this is not a dry run."""
from __future__ import annotations

import uuid

from desktop_app.errors import UserFacingError, ValidationError
from desktop_app.services.bulk import BulkLoader


def _problem(fam, exc: Exception) -> str:
    name = getattr(exc, "field", None)
    try:
        label = fam.field(name).label if name and name != "status" else ("状态" if name == "status" else "")
    except KeyError:
        label = ""
    return f"{label}：{exc}" if label and label not in str(exc) else str(exc)


def _create_new_masters(loader: BulkLoader, resolver, summary) -> None:
    for name, uid in resolver.new.units.items():
        loader.create("unit", {"name": name, "category": "其他", "note": "由 Excel 导入时新建"}, record_id=uid)
    for (name, unit_id), pid in resolver.new.persons.items():
        loader.create("person", {"name": name, "unit_id": unit_id}, record_id=pid)
    summary.created_units = len(resolver.new.units)
    summary.created_persons = len(resolver.new.persons)


def write_rows(s, fam, summary, resolver, shape, progress=None) -> None:
    from desktop_app.reports.importer import audit_import, status_path
    from desktop_app.reports.layout import remember
    conn = s.conn
    todo = [r for r in summary.rows if not r.problems and r.status == "待导入"]
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Rows stay in memory until every row has passed (up to 20,000): a file with a
        # wrong row is then refused without indexing the rows that were right.
        loader = BulkLoader(s, batch=len(todo) + 1 if len(todo) <= 20_000 else 5000)
        if not summary.errors:
            _create_new_masters(loader, resolver, summary)
        for i, r in enumerate(todo):
            values = {k: v for k, v in r.values.items() if k != "status"}
            rid = str(uuid.uuid4())
            try:
                steps = status_path(fam.workflow, r.values["status"]) if r.values.get("status") else []
                # An imported ledger is history: its past deadlines are what the clerk
                # confirms by importing it (each one audited as confirmed).
                loader.create(fam.name, values, record_id=rid, confirm_dates=True)
                for step in steps:
                    loader.set_status(fam.name, rid, step)
                r.record_id = rid
            except (ValidationError, UserFacingError) as exc:
                loader.pending.pop(rid, None)
                r.problems.append(_problem(fam, exc))
            if progress and i % 500 == 0:
                progress(i, len(todo))
        if summary.errors:
            conn.execute("ROLLBACK")
            for r in todo:
                r.record_id = None
            return
        loader.flush()
        for r in todo:
            r.status = "已导入"
        remember(conn, fam, shape)
        audit_import(s, summary)
        if summary.dry_run:
            conn.execute("ROLLBACK")
        else:
            conn.execute("COMMIT")
            summary.applied = True
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
