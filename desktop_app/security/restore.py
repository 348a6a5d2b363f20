"""Restore, and the check at start that offers it.

Order of a restore: verify the whole backup into a staging folder beside the
database; authorise (a logged-in session whose role may restore, or, when the
live database is damaged or gone, the name and password of an account *in the
backup* with that right); take a verified pre-restore backup of the live
database if it can still be read; move the live files aside into
``replaced/``; move the verified database in; bring attachments back; mint a
new instance id (exchange.md §3.1 R6: peers must see the gap and send a full
export) and audit the restore in the restored chain.

A marker file makes an interrupted restore safe: at the next start the old
database is put back if the new one is not in place yet, and otherwise the
restore is completed (new instance id, audit entry).
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop_app.errors import UserFacingError, reason
from desktop_app.filenames import inside, is_sha256
from desktop_app.security import authz, backup, backup_format as bf
from desktop_app.security.backup import BackupInfo
from desktop_app.security.backup_crypto import WrongPassphrase
from desktop_app.security.roles import Permission, permissions_of
from desktop_app.store import audit, revision
from desktop_app.store.db import DB_NAME, open_database, transaction

log = logging.getLogger(__name__)

MARKER = "restore-in-progress.json"
SIDE_FILES = ("", "-wal", "-shm")
STAGING_STALE_S = 3600


@dataclass(frozen=True)
class RestoreResult:
    info: BackupInfo
    replaced: Path | None
    pre_restore: Path | None
    instance: str
    seconds: float


@dataclass(frozen=True)
class Health:
    ok: bool
    missing: bool
    problems: list[str]


def health(data_dir: Path | str) -> Health:
    """The quick check at start: is the live database there and sound?"""
    data_dir = Path(data_dir)
    finish_interrupted(data_dir)
    path = data_dir / DB_NAME
    if not path.exists():
        return Health(False, True, ["数据库文件不存在。"])
    try:
        conn = open_database(path, create=False)
    except UserFacingError as exc:
        return Health(False, False, [str(exc)])
    except sqlite3.DatabaseError as exc:
        return Health(False, False, [f"数据库文件已损坏：{reason(exc)}"])
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
        problems = [] if rows == ["ok"] else [f"数据库结构损坏：{r}" for r in rows[:10]]
    except sqlite3.DatabaseError as exc:
        problems = [f"数据库文件已损坏：{reason(exc)}"]
    finally:
        conn.close()
    return Health(not problems, False, problems)


def newest_good(data_dir: Path | str, *, passphrase: str | None = None,
                extra: list[Path] | None = None) -> tuple[BackupInfo | None, list[str]]:
    """The newest backup that passes full verification, and why newer ones did not."""
    skipped = []
    for info in backup.list_backups(data_dir, extra):
        try:
            return backup.verify(info.path, passphrase=passphrase), skipped
        except WrongPassphrase:
            skipped.append(f"{info.path.name}：已加密，需要备份口令才能校验。")
        except UserFacingError as exc:
            skipped.append(f"{info.path.name}：{exc}")
    return None, skipped


def restore(data_dir: Path | str, backup_path: Path | str, *, session=None, name: str | None = None,
            password: str | None = None, passphrase: str | None = None, clock=None,
            progress=None) -> RestoreResult:
    """Restore ``backup_path`` into ``data_dir``; ``session`` is closed on the way."""
    t0, data_dir = time.perf_counter(), Path(data_dir)
    if session is not None:
        authz.require(session, Permission.RESTORE, "恢复备份")
    elif health(data_dir).ok:
        raise UserFacingError("数据库完好时恢复备份须先登录（--user 和 --password-file）。")
    staging = data_dir / f".restore-{datetime.now():%Y%m%d%H%M%S}-{os.getpid()}"
    staging.mkdir(parents=True)
    try:
        try:
            info = backup.verify(backup_path, passphrase=passphrase, staging=staging, progress=progress)
        except UserFacingError as exc:
            if session is not None:
                backup._note(session, "恢复失败", {"file": Path(backup_path).name, "reason": str(exc)})
            raise
        actor = session.user if session is not None else _authorise_in_backup(staging, name, password, clock)
        pre = _before_swap(session, info)
        replaced = _swap(data_dir, staging, info)
        instance = _after_swap(data_dir, info, actor, replaced, pre, clock)
        return RestoreResult(info, replaced, pre, instance, time.perf_counter() - t0)
    finally:
        if session is not None:
            session.close()
        bf.remove_tree(staging)


def _authorise_in_backup(staging: Path, name, password, clock) -> str:
    """The live database cannot vouch for anyone: the backup's accounts do."""
    from desktop_app.security.auth import check_password
    from desktop_app.services.session import open_session
    if not name:
        raise UserFacingError("数据库已损坏或不存在：请用备份中有“恢复备份”权限的账户"
                              "（--user 和 --password-file）恢复。")
    s = open_session(staging, clock=clock)
    try:
        row = check_password(s, name, password or "", purpose="恢复备份")
        if Permission.RESTORE not in permissions_of(row["role"], authz.three_admins(s.conn)):
            raise authz.PermissionDenied(f"用户“{row['name']}”（{row['role']}）无权恢复备份。")
        return row["name"]
    finally:
        s.close()


def _before_swap(session, info: BackupInfo) -> Path | None:
    """A verified backup of what is about to be replaced, then the audit entry."""
    if session is None:
        return None
    if session.office_code and info.office_code != session.office_code:
        raise UserFacingError(f"这个备份属于另一个机关（{info.office_name}，{info.office_code}），"
                              "不能恢复到本机关的数据目录。")
    pre = backup.make_backup(session, kind="pre-restore").info.path
    backup._note(session, "恢复（本库被替换）", {"file": info.path.name, "pre_restore": pre.name})
    session.close()
    return pre


def _swap(data_dir: Path, staging: Path, info: BackupInfo) -> Path | None:
    live = data_dir / DB_NAME
    replaced = None
    _checkpoint(staging / DB_NAME)      # the login check may have written to it
    if live.exists():
        _checkpoint(live)
        folder = data_dir / "replaced"
        folder.mkdir(exist_ok=True)
        replaced = folder / f"taizhang-{datetime.now():%Y%m%d-%H%M%S}.db"
    marker = data_dir / MARKER
    marker.write_text(json.dumps({"backup": info.path.name, "replaced": str(replaced or "")},
                                 ensure_ascii=False), encoding="utf-8")
    moved = []
    try:
        for suffix in SIDE_FILES:
            src = Path(str(live) + suffix)
            if replaced is not None and src.exists():
                os.replace(src, Path(str(replaced) + suffix))
                moved.append(suffix)
        os.replace(staging / DB_NAME, live)
    except OSError as exc:
        for suffix in moved:           # put the live database back as it was
            os.replace(Path(str(replaced) + suffix), Path(str(live) + suffix))
        marker.unlink(missing_ok=True)
        raise UserFacingError(f"无法替换数据库文件（{reason(exc)}）；请先关闭其他正在使用"
                              "本数据目录的程序窗口。数据库未被改动。") from exc
    _bring_attachments(staging / "attachments", data_dir / "attachments")
    return replaced


def _checkpoint(live: Path) -> None:
    try:
        conn = sqlite3.connect(live)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        log.warning("could not checkpoint the database being replaced: %s", exc)


def _bring_attachments(src: Path, dst: Path) -> None:
    """Verified files replace missing or damaged ones; content-addressed, so a
    file already present with the right hash is left as it is."""
    if not src.is_dir():
        return
    for path in src.glob("*/*"):
        if not is_sha256(path.name) or path.parent.name != path.name[:2]:
            continue                     # not a content-store file: never a path to write
        target = inside(dst, path.parent.name, path.name)
        if target.is_file() and bf.file_sha256(target) == path.name:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)


def _after_swap(data_dir: Path, info: BackupInfo, actor: str, replaced: Path | None,
                pre: Path | None, clock) -> str:
    path = data_dir / DB_NAME
    conn = open_database(path)
    try:
        previous = (conn.execute("SELECT value FROM meta WHERE key = 'instance_id'").fetchone()
                    or [""])[0]
        instance = revision.new_instance(conn, revision.machine_fingerprint(path))
        ts = (clock or datetime.now)().replace(microsecond=0).isoformat()
        with transaction(conn):
            audit.append(conn, ts=ts, actor=actor, action="恢复", detail={
                "file": info.path.name, "backup_created": info.created.isoformat(),
                "kind": info.kind, "records": info.records,
                "replaced": str(replaced) if replaced else None,
                "pre_restore": pre.name if pre else None,
                "previous_instance": previous, "new_instance": instance})
    finally:
        conn.close()
    (data_dir / MARKER).unlink(missing_ok=True)
    return instance


def finish_interrupted(data_dir: Path) -> str | None:
    """After a crash mid-restore: roll back or complete it. Returns what was done."""
    marker = data_dir / MARKER
    if not marker.exists():
        _clean_staging(data_dir)
        return None
    try:
        state = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    live, replaced = data_dir / DB_NAME, state.get("replaced") or ""
    if not live.exists() and replaced and Path(replaced).exists():
        for suffix in SIDE_FILES:
            src = Path(replaced + suffix)
            if src.exists():
                os.replace(src, Path(str(live) + suffix))
        marker.unlink()
        _clean_staging(data_dir)
        log.warning("an interrupted restore was rolled back")
        return "rolled back"
    if live.exists():
        conn = open_database(live)
        try:
            revision.new_instance(conn, revision.machine_fingerprint(live))
            with transaction(conn):
                audit.append(conn, ts=datetime.now().replace(microsecond=0).isoformat(),
                             actor="系统", action="恢复", detail={"note": "上次恢复中断，启动时补完",
                                                                  "file": state.get("backup")})
        finally:
            conn.close()
    marker.unlink(missing_ok=True)
    _clean_staging(data_dir)
    return "completed"


def _clean_staging(data_dir: Path) -> None:
    """Staging folders left by a crash; recent ones may belong to a running restore."""
    for path in data_dir.glob(".restore-*"):
        try:
            if time.time() - path.stat().st_mtime > STAGING_STALE_S:
                bf.remove_tree(path)
        except OSError:
            pass
