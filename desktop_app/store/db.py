"""Opening the database: pragmas, migrations, refusals.

One connection per thread (sqlite3's rule and ours). ``open_database`` is the
only way in: it refuses a file that is not a database or is newer than this
program, copies the file aside before migrating, and applies the numbered steps.
"""
from __future__ import annotations

import logging
import sqlite3
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from urllib.request import pathname2url

from desktop_app.errors import UserFacingError, reason
from desktop_app.store import migrations

log = logging.getLogger(__name__)

DB_NAME = "taizhang.db"
SQLITE_MAGIC = b"SQLite format 3\x00"


def connect(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """A configured connection; autocommit mode, transactions are explicit."""
    target = readonly_uri(path) if readonly else str(path)
    conn = sqlite3.connect(target, uri=readonly, isolation_level=None, timeout=10,
                           check_same_thread=True)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def readonly_uri(path: Path | str) -> str:
    """A read-only SQLite URI for any path: drive letters, spaces, 中文, '#', '%' and '?'
    are escaped (a plain f"file:{path}" breaks on the last three)."""
    return "file:" + pathname2url(str(Path(path).resolve())) + "?mode=ro"


@contextmanager
def transaction(conn: sqlite3.Connection):
    """``BEGIN IMMEDIATE`` … ``COMMIT``; any exception rolls everything back.

    Inside an outer transaction (bulk work such as the demo generator or an
    import) it becomes a savepoint, so each service call still succeeds or
    fails as a whole.
    """
    if conn.in_transaction:
        conn.execute("SAVEPOINT service_call")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK TO service_call")
            conn.execute("RELEASE service_call")
            raise
        conn.execute("RELEASE service_call")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _check_file(path: Path) -> None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise UserFacingError(f"无法读取数据库文件 {path}：{reason(exc)}") from exc
    if head and head != SQLITE_MAGIC:
        raise UserFacingError(
            f"数据库文件已损坏或不是本程序的数据库：{path}。文件未被改动；请从备份恢复。")


def _backup_before_migration(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    backups = path.parent / "backups"
    backups.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = backups / f"pre-migrate-v{version}-{stamp}.db"
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    log.info("copied database to %s before migrating from v%s", target, version)
    return target


def open_database(path: Path | str, *, create: bool = True) -> sqlite3.Connection:
    """Open (and if needed create or migrate) the database at ``path``."""
    path = Path(path)
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        raise UserFacingError(f"找不到数据库：{path}。请先运行 taizhang init。")
    if exists:
        _check_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = connect(path)     # setting WAL already reads the file: a damaged one fails here
    except sqlite3.DatabaseError as exc:
        raise UserFacingError(f"数据库文件已损坏，无法打开：{path}（{reason(exc)}）。文件未被改动；请从备份恢复。") from exc
    try:
        version = _version(conn)
        latest = migrations.LATEST
        if version > latest:
            raise UserFacingError(
                f"这个数据库由更新版本的程序建立（数据版本 {version}，本程序只认识到 {latest}）。"
                "请安装新版本后再打开；数据库未被改动。")
        if version < latest:
            if version > 0:
                _backup_before_migration(conn, path, version)
            migrations.migrate(conn, version)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise UserFacingError(f"数据库文件已损坏，无法打开：{path}（{reason(exc)}）。文件未被改动；请从备份恢复。") from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]
