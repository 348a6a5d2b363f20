"""Attachments: files kept once by their SHA-256 in the data folder, and an
``attachment`` record that ties a file to a record.

The file is copied (streamed, hashed on the way) to a temporary name in the
store and renamed into place; a file already present is not copied again.
The name a clerk's file had is kept as display text, cleaned by
``desktop_app.filenames`` when stored; copies are written only under cleaned
names inside the intended folder.

Files no row refers to (an import refused after its files were moved in, a write
that never committed) are found by ``unreferenced_files`` (``taizhang check``) and
removed by ``clean_up_unused`` (``check --repair``, the 清理 button of the exchange
page) and, at most weekly, by ``clean_up_if_due`` at start.  Only files older than
an hour are touched: a younger one may belong to a write still in progress.
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path

from desktop_app.domain.record import Saved
from desktop_app.domain.registry import family
from desktop_app.errors import UserFacingError, reason
from desktop_app.filenames import clean_name, inside, require_sha256
from desktop_app.security import authz
from desktop_app.security.roles import Permission
from desktop_app.services import records
from desktop_app.services.session import Session

log = logging.getLogger(__name__)

DEFAULT_LIMIT_MB = 200
CHUNK = 1 << 20


def blob_path(s: Session, sha256: str) -> Path:
    """Where the store keeps a file; ``sha256`` must be a well-formed hash."""
    sha = require_sha256(sha256)
    return inside(s.attachments_dir, sha[:2], sha)


def _limit_bytes(s: Session) -> int:
    try:
        return int(s.setting("attachment.max_mb", str(DEFAULT_LIMIT_MB))) * 1024 * 1024
    except ValueError:
        return DEFAULT_LIMIT_MB * 1024 * 1024


def store_file(s: Session, source: Path) -> tuple[str, int]:
    """Copy ``source`` into the content store; returns (sha256, size)."""
    authz.require(s, Permission.WRITE_RECORD)
    limit = _limit_bytes(s)
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise UserFacingError(f"无法读取文件 {source}：{reason(exc)}") from exc
    if size > limit:
        raise UserFacingError(f"文件过大（{size / 1048576:.1f} MB），附件最大 {limit // 1048576} MB。")
    s.attachments_dir.mkdir(parents=True, exist_ok=True)
    digest, written = hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(dir=s.attachments_dir, prefix=".incoming-")
    try:
        with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
            for chunk in iter(lambda: src.read(CHUNK), b""):
                written += len(chunk)
                if written > limit:
                    raise UserFacingError(f"文件过大，附件最大 {limit // 1048576} MB。")
                digest.update(chunk)
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        sha = digest.hexdigest()
        target = blob_path(s, sha)
        target.parent.mkdir(exist_ok=True)
        if target.exists():
            os.unlink(tmp)
        else:
            os.replace(tmp, target)
        return sha, written
    except OSError as exc:
        _remove(tmp)
        raise UserFacingError(f"保存附件失败：{reason(exc)}（磁盘已满或无权限？）") from exc
    except BaseException:
        _remove(tmp)
        raise


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def add_attachment(s: Session, family_name: str, record_id: str, source: Path | str) -> Saved:
    fam = family(family_name)
    records.get(s, fam.name, record_id)      # the record must exist
    source = Path(source)
    sha, size = store_file(s, source)
    return records.create(s, "attachment", {"owner_family": fam.name, "owner_id": record_id,
                                            "sha256": sha, "filename": clean_name(source.name),
                                            "size": size})


def attachments_of(s: Session, family_name: str, record_id: str):
    authz.require(s, Permission.READ_RECORD)
    return s.conn.execute("SELECT * FROM attachment WHERE owner_family = ? AND owner_id = ?"
                          " AND voided = 0 ORDER BY created_at", (family_name, record_id)).fetchall()


def export_copy(s: Session, sha256: str, target: Path) -> Path:
    """A copy of a stored file at ``target``, a path the clerk chose in a save dialog."""
    authz.require(s, Permission.READ_RECORD)
    source = blob_path(s, sha256)
    if not source.is_file():
        raise UserFacingError(f"附件的文件不见了（{sha256[:12]}…），请运行“检查数据库”。")
    try:
        shutil.copyfile(source, target)
    except OSError as exc:
        raise UserFacingError(f"无法写入 {target}：{reason(exc)}") from exc
    return target


def copy_to_open(s: Session, sha256: str, filename: str) -> Path:
    """A copy under the file's own (cleaned) name in ``tmp/`` of the data folder,
    for opening with the system's program; the store itself names files by hash."""
    sha = require_sha256(sha256)
    folder = inside(s.data_dir, "tmp", sha[:12])
    folder.mkdir(parents=True, exist_ok=True)
    return export_copy(s, sha, inside(folder, clean_name(filename)))


# ------------------------------------------------------------------ unused files

GC_GRACE_S = 3600                 # a file this young may belong to a write not yet committed
GC_INTERVAL_S = 7 * 86400         # the clean-up at start runs at most this often
GC_MARKER = ".last-clean-up"


def referenced_hashes(conn) -> set[str]:
    """Every hash a row names: attachments (voided ones too: they can be restored) and
    issued documents' PDFs.  One entry per distinct file the store must keep."""
    found = {r[0] for r in conn.execute("SELECT DISTINCT sha256 FROM attachment")}
    found.update(r[0] for r in conn.execute(
        "SELECT DISTINCT pdf_sha256 FROM document WHERE pdf_sha256 IS NOT NULL"))
    return found


def unreferenced_files(conn, folder: Path, *, now: float | None = None):
    """Files of the content store no row refers to (and temporary files left by a copy
    that was cut off), older than ``GC_GRACE_S``; yields (path, size)."""
    folder = Path(folder)
    if not folder.is_dir():
        return
    referenced = referenced_hashes(conn)
    cutoff = (time.time() if now is None else now) - GC_GRACE_S
    for item in folder.iterdir():
        if item.is_symlink():
            continue
        if item.is_dir() and len(item.name) == 2:
            candidates = ((f, f.name not in referenced) for f in item.iterdir())
        elif item.is_file() and item.name.startswith(".incoming-"):
            candidates = iter(((item, True),))
        else:
            continue
        for path, unused in candidates:
            try:
                info = path.lstat()
            except OSError:
                continue
            if unused and stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                yield path, info.st_size


def remove_unreferenced(conn, folder: Path, *, now: float | None = None) -> tuple[int, int]:
    """Delete what ``unreferenced_files`` finds; returns (files, bytes) removed."""
    files = size = 0
    for path, length in list(unreferenced_files(conn, folder, now=now)):
        try:
            path.unlink()
        except OSError:
            log.warning("could not remove unused attachment file %s", path, exc_info=True)
            continue
        files, size = files + 1, size + length
    if files:
        log.info("removed %d unused attachment file(s), %d bytes", files, size)
    return files, size


def clean_up_unused(s: Session) -> tuple[int, int]:
    """The 清理无用附件 action (a button and ``taizhang check --repair``): audited."""
    from desktop_app.store import audit
    from desktop_app.store.db import transaction
    authz.require(s, Permission.WRITE_RECORD, "清理无用附件文件")
    files, size = remove_unreferenced(s.conn, s.attachments_dir)
    with transaction(s.conn):
        audit.append(s.conn, ts=s.now().isoformat(timespec="seconds"), actor=s.user,
                     action="清理无用附件", detail={"files": files, "bytes": size})
    return files, size


def clean_up_if_due(data_dir: Path, *, now: float | None = None) -> int:
    """At start, throttled to once per ``GC_INTERVAL_S``: remove unused files.  Reads
    the database read-only; never raises for a damaged or missing database."""
    import sqlite3
    from desktop_app.services.session import database_path
    from desktop_app.store.db import connect
    folder = Path(data_dir) / "attachments"
    marker = folder / GC_MARKER
    now = time.time() if now is None else now
    try:
        if not folder.is_dir() or (marker.exists() and now - marker.stat().st_mtime < GC_INTERVAL_S):
            return 0
        conn = connect(database_path(Path(data_dir)), readonly=True)
        try:
            files, _ = remove_unreferenced(conn, folder, now=now)
        finally:
            conn.close()
        marker.touch()
        os.utime(marker, (now, now))
        return files
    except (OSError, sqlite3.Error):
        log.warning("attachment clean-up at start skipped", exc_info=True)
        return 0
