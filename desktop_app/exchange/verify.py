"""Checks after an import has committed (exchange.md §3.4-11, R12): foreign keys,
``PRAGMA quick_check``, and coverage — every row version the package carried is now
held (dominated) locally.  A failure here is reported, never silent; the data stays
as committed (the pre-import backup is the way back)."""
from __future__ import annotations

import logging

from desktop_app.services.session import Session

from . import shared, vectors
from .archive_read import ArchiveContents
from .plan import staged_rows
from .scope import SHARED_TABLE, SYNC_TABLES

log = logging.getLogger(__name__)
_CHUNK = 500


def _uncovered(s: Session, table: str, batch: dict[str, dict]) -> int:
    if table == SHARED_TABLE:
        held = {rid: (shared.get(s.conn, rid) or {}).get("_vv", {}) for rid in batch}
    else:
        marks = ",".join("?" * len(batch))
        held = {r[0]: vectors.parse(r[1]) for r in s.conn.execute(
            f"SELECT id, _vv FROM {table} WHERE id IN ({marks})", list(batch))}
    return sum(1 for rid, vv in batch.items() if not vectors.dominates(held.get(rid, {}), vv))


def coverage_problems(s: Session, contents: ArchiveContents) -> int:
    missing = 0
    for table in SYNC_TABLES:
        path = contents.records.get(table)
        if path is None:
            continue
        batch: dict[str, dict] = {}
        for row in staged_rows(path):
            batch[row["id"]] = row["_vv"]
            if len(batch) >= _CHUNK:
                missing += _uncovered(s, table, batch)
                batch = {}
        if batch:
            missing += _uncovered(s, table, batch)
    return missing


def post_checks(s: Session, contents: ArchiveContents) -> list[str]:
    problems = []
    broken = s.conn.execute("PRAGMA foreign_key_check").fetchmany(5)
    if broken:
        problems.append(f"导入后发现引用不完整的记录（例如表 {broken[0][0]}），请运行 taizhang check。")
    quick = [r[0] for r in s.conn.execute("PRAGMA quick_check")]
    if quick != ["ok"]:
        problems.append(f"数据库快速检查未通过：{quick[0]}")
    missing = coverage_problems(s, contents)
    if missing:
        problems.append(f"核对发现 {missing} 条记录版本未完整导入，请让对方做一次完整导出。")
    for problem in problems:
        log.error("post-import check: %s", problem)
    return problems
