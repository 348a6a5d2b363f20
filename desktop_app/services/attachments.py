"""Attachments: files kept once by their SHA-256 in the data folder, and an
``attachment`` record that ties a file to a record.

The file is copied (streamed, hashed on the way) to a temporary name in the
store and renamed into place; a file already present is not copied again.
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
from desktop_app.security import authz
from desktop_app.security.roles import Permission
from desktop_app.services import records
from desktop_app.services.session import Session

DEFAULT_LIMIT_MB = 200
CHUNK = 1 << 20


def blob_path(s: Session, sha256: str) -> Path:
    return s.attachments_dir / sha256[:2] / sha256


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
                                            "sha256": sha, "filename": source.name[:255],
                                            "size": size})


def attachments_of(s: Session, family_name: str, record_id: str):
    authz.require(s, Permission.READ_RECORD)
    return s.conn.execute("SELECT * FROM attachment WHERE owner_family = ? AND owner_id = ?"
                          " AND voided = 0 ORDER BY created_at", (family_name, record_id)).fetchall()


def export_copy(s: Session, sha256: str, target: Path) -> Path:
    authz.require(s, Permission.READ_RECORD)
    shutil.copyfile(blob_path(s, sha256), target)
    return target
