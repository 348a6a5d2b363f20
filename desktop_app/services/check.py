"""检查数据库: integrity, foreign keys, the audit chain, attachments (missing, altered,
and files no record uses)."""
from __future__ import annotations

import hashlib
import logging
import sqlite3
from pathlib import Path

from desktop_app.errors import describe
from desktop_app.filenames import is_sha256
from desktop_app.store import audit

log = logging.getLogger(__name__)


def _integrity(conn: sqlite3.Connection) -> list[str]:
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if rows == ["ok"]:
        return []
    # SQLite's own report is English and technical: it goes to the log.
    log.info("integrity_check:\n%s", "\n".join(rows[:200]))
    return [f"数据库结构损坏：完整性检查发现 {len(rows)} 处问题（详情已写入日志）。请从最近的备份恢复。"]


def _foreign_keys(conn: sqlite3.Connection) -> list[str]:
    return [f"表 {r[0]} 第 {r[1]} 行引用了不存在的 {r[2]} 记录。"
            for r in conn.execute("PRAGMA foreign_key_check").fetchall()[:50]]


def _attachments(conn: sqlite3.Connection, folder: Path, verify_hash: bool) -> list[str]:
    problems = []
    for row in conn.execute("SELECT id, filename, sha256 FROM attachment WHERE voided = 0"):
        if not is_sha256(row["sha256"]):
            problems.append(f"附件“{row['filename']}”的校验值格式不正确（{row['id']}）。")
            continue
        path = folder / row["sha256"][:2] / row["sha256"]
        if not path.exists():
            problems.append(f"附件“{row['filename']}”的文件不见了（{row['sha256'][:12]}…）。")
            continue
        if verify_hash:
            digest = hashlib.sha256()
            with open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
            if digest.hexdigest() != row["sha256"]:
                problems.append(f"附件“{row['filename']}”的内容与记录的校验值不符（文件被改动或损坏）。")
    return problems + _unused(conn, folder)


def _unused(conn: sqlite3.Connection, folder: Path) -> list[str]:
    from desktop_app.services.attachments import unreferenced_files
    files = size = 0
    for _path, length in unreferenced_files(conn, folder):
        files, size = files + 1, size + length
    if not files:
        return []
    return [f"附件文件夹中有 {files} 个文件（{size / 1048576:.1f} MB）没有任何记录使用，"
            "可运行 taizhang check --repair 或在“数据交换”页清理。"]


def full_check(conn: sqlite3.Connection, attachments_dir: Path, *, verify_hash: bool = True) -> list[str]:
    """Every problem found, each a Chinese sentence; empty when all is well."""
    try:
        problems = _integrity(conn)
        problems += _foreign_keys(conn)
    except sqlite3.DatabaseError as exc:
        log.info("database check failed: %s", exc)
        return [describe(exc)]
    steps = (("审计日志", lambda: [p.message for p in audit.verify(conn)]),
             ("附件", lambda: _attachments(conn, attachments_dir, verify_hash)))
    for what, step in steps:
        try:
            problems += step()
        except (sqlite3.DatabaseError, OSError) as exc:   # e.g. text that is not UTF-8
            log.info("checking %s failed: %s", what, exc)
            problems.append(f"{what}无法读取：{describe(exc)}")
    return problems


def quick_check(conn: sqlite3.Connection) -> list[str]:
    rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
    return [] if rows == ["ok"] else rows
