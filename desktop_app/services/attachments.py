"""Attachments: files kept once by their SHA-256 in the data folder, and an
``attachment`` record that ties a file to a record.

The file is copied (streamed, hashed on the way) to a temporary name in the
store and renamed into place; a file already present is not copied again.
The name a clerk's file had is kept as display text, cleaned by
``desktop_app.filenames`` when stored; copies are written only under cleaned
names inside the intended folder.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from desktop_app.domain.record import Saved
from desktop_app.domain.registry import family
from desktop_app.errors import UserFacingError
from desktop_app.filenames import clean_name, inside, require_sha256
from desktop_app.security import authz
from desktop_app.security.roles import Permission
from desktop_app.services import records
from desktop_app.services.session import Session

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
        raise UserFacingError(f"无法读取文件 {source}：{exc.strerror or exc}") from exc
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
        raise UserFacingError(f"保存附件失败：{exc.strerror or exc}（磁盘已满或无权限？）") from exc
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
        raise UserFacingError(f"无法写入 {target}：{exc.strerror or exc}") from exc
    return target


def copy_to_open(s: Session, sha256: str, filename: str) -> Path:
    """A copy under the file's own (cleaned) name in ``tmp/`` of the data folder,
    for opening with the system's program; the store itself names files by hash."""
    sha = require_sha256(sha256)
    folder = inside(s.data_dir, "tmp", sha[:12])
    folder.mkdir(parents=True, exist_ok=True)
    return export_copy(s, sha, inside(folder, clean_name(filename)))
