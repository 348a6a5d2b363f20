"""Backups: consistent, verified, rotated, optionally encrypted (backup_format.py).

A backup is a snapshot taken with SQLite's backup API (consistent while other
connections write: WAL readers do not block writers and see one committed
state), plus every attachment the snapshot refers to, written as one ``.tzb``
file under a ``.partial`` name, fsync'ed, renamed into place and then read back
in full: the database is unpacked, opened, ``integrity_check``-ed and its
counts and audit head compared with the header; every attachment's hash is
checked. Only then does the backup count, get copied to the office's second
folder (compared by SHA-256) and older automatic backups get rotated away.

Kinds: start / eod (end of the working day) / manual / pre-restore /
pre-import / pre-migrate. Automatic kinds are rotated (keep the newest 3, then
one a day for 7 days, one a week for 4 weeks, one a month for 12 months);
manual backups are never deleted by the program.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from desktop_app.domain.registry import FAMILIES
from desktop_app.errors import UserFacingError, reason
from desktop_app.filenames import is_sha256
from desktop_app.security import authz, backup_crypto as bc, backup_format as bf, policy
from desktop_app.security.roles import Permission
from desktop_app.store import audit
from desktop_app.store.db import DB_NAME, readonly_uri, transaction

log = logging.getLogger(__name__)

KINDS = {"start": "启动时", "eod": "日终", "manual": "手动", "pre-restore": "恢复前",
         "pre-import": "导入前", "pre-migrate": "迁移前"}
AUTOMATIC = frozenset(KINDS) - {"manual"}
KEY_SETTING = "backup.office_key"
START_GAP = timedelta(minutes=30)     # restarting within this reuses the last start backup
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    kind: str
    office_code: str
    office_name: str
    counts: dict
    audit_entries: int
    db_size: int
    attachments: int
    attachment_bytes: int
    encrypted: bool
    file_size: int

    @property
    def records(self) -> int:
        return sum(self.counts.values())

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @classmethod
    def from_header(cls, path: Path, h: dict) -> "BackupInfo":
        try:
            return cls(Path(path), datetime.fromisoformat(h["created"]), str(h["kind"]),
                       str(h["office_code"]), str(h["office_name"]),
                       {str(k): int(v) for k, v in dict(h["counts"]).items()},
                       int(h["audit_entries"]), int(h["db_size"]), int(h["attachments"]),
                       int(h["attachment_bytes"]), bool(h.get("encryption")),
                       Path(path).stat().st_size)
        except (KeyError, TypeError, ValueError, OSError):
            raise bc.BackupDamaged(f"备份文件头不完整：{Path(path).name}") from None


@dataclass
class BackupResult:
    info: BackupInfo
    second_copy: Path | None = None
    warnings: list[str] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def backups_dir(data_dir: Path | str) -> Path:
    return Path(data_dir) / "backups"


def read_info(path: Path | str) -> BackupInfo:
    """Date, kind, counts of a backup, from its header alone (no passphrase needed)."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            header, _ = bf.read_header(fh)
    except OSError as exc:
        raise UserFacingError(f"无法读取备份文件 {path}：{reason(exc)}") from exc
    return BackupInfo.from_header(path, header)


def list_backups(data_dir: Path | str, extra: list[Path] | None = None) -> list[BackupInfo]:
    """Every readable backup in the data folder's backups and the given folders, newest first."""
    return scan([backups_dir(data_dir), *(extra or [])])


def scan(folders: list[Path]) -> list[BackupInfo]:
    found, seen = [], set()
    for folder in folders:
        if not Path(folder).is_dir():
            continue
        for path in Path(folder).glob("*" + bf.SUFFIX):
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            try:
                found.append(read_info(path))
            except UserFacingError as exc:
                log.warning("unreadable backup %s: %s", path, exc)
    return sorted(found, key=lambda b: (b.created, b.path.name), reverse=True)


# -- taking a backup --------------------------------------------------------------------

def snapshot(db_path: Path, target: Path) -> None:
    """A consistent copy of the live database through SQLite's backup API."""
    src = sqlite3.connect(readonly_uri(db_path), uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def describe(db_path: Path) -> dict:
    """What the header says about a database: office, counts, audit head, attachments."""
    conn = sqlite3.connect(readonly_uri(db_path), uri=True)
    try:
        office = conn.execute("SELECT code, name FROM office WHERE is_self = 1").fetchone() or ("", "")
        counts = {name: conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
                  for name in FAMILIES}
        head = conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
        shas = sorted({r[0] for r in conn.execute("SELECT sha256 FROM attachment")})
        return {"office_code": office[0], "office_name": office[1], "counts": counts,
                "audit_entries": conn.execute("SELECT count(*) FROM audit_log").fetchone()[0],
                "audit_head": head[0] if head else "",
                "schema_version": conn.execute("PRAGMA user_version").fetchone()[0],
                "instance": (conn.execute("SELECT value FROM meta WHERE key = 'instance_id'")
                             .fetchone() or [""])[0]}, shas
    finally:
        conn.close()


def _attachment_files(data_dir: Path, shas: list[str]) -> list[Path]:
    files, missing = [], []
    for sha in shas:
        if not is_sha256(sha):          # never a path: "检查数据库" reports such a row
            log.warning("attachment row with a malformed hash left out of the backup")
            continue
        path = data_dir / "attachments" / sha[:2] / sha
        (files if path.is_file() else missing).append(path)
    if missing:
        raise UserFacingError(f"有 {len(missing)} 个附件文件不见了（如 {missing[0].name[:12]}…），"
                              "备份未做。请先运行“检查数据库”。")
    return files


def _file_name(folder: Path, code: str, created: datetime, kind: str) -> Path:
    stem = f"taizhang-{code or 'office'}-{created:%Y%m%d-%H%M%S}-{kind}"
    path, n = folder / (stem + bf.SUFFIX), 1
    while path.exists() or path.with_name(path.name + ".partial").exists():
        n += 1
        path = folder / f"{stem}-{n}{bf.SUFFIX}"
    return path


def _write(s, target: Path, created: datetime, kind: str, progress: Progress) -> bytes | None:
    """Snapshot, then write the .tzb at ``target``; returns the file key when encrypted."""
    work = Path(tempfile.mkdtemp(prefix=".backup-", dir=target.parent))
    try:
        snap = work / DB_NAME
        progress(0, 0, "正在生成数据库快照…")
        snapshot(s.data_dir / DB_NAME, snap)
        facts, shas = describe(snap)
        files = _attachment_files(s.data_dir, shas)
        header = {"format": "taizhang-backup", "version": 1, "kind": kind,
                  "created": created.isoformat(timespec="seconds"), "created_by": s.user,
                  "db_size": snap.stat().st_size, "db_sha256": bf.file_sha256(snap),
                  "attachments": len(files), "attachment_bytes": sum(p.stat().st_size for p in files),
                  "compression": "zlib", "encryption": None} | facts
        key = None
        office_key = _office_key(s.conn)
        if office_key:
            header["encryption"], key = bc.seal_to(office_key)
        partial = target.with_name(target.name + ".partial")
        total, done = header["db_size"] + header["attachment_bytes"], [0]

        def step(n: int) -> None:
            done[0] += n
            progress(done[0], total, "正在写入备份…")
        with open(partial, "wb") as fh:
            seal = (key, bc.unb64(header["encryption"]["nonce_prefix"])) if key else None
            bf.write_backup(fh, header, snap, files, seal, step)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, target)
        return key
    finally:
        bf.remove_tree(work)
        target.with_name(target.name + ".partial").unlink(missing_ok=True)


def sweep(folder: Path, older_than_s: float = 3600) -> None:
    """Remove what a killed backup left (work folders, ``.partial`` files); recent
    ones may belong to a backup running in another window."""
    for path in [*folder.glob(".backup-*"), *folder.glob(".verify-*"), *folder.glob("*.partial")]:
        try:
            if time.time() - path.stat().st_mtime > older_than_s:
                bf.remove_tree(path) if path.is_dir() else path.unlink()
        except OSError as exc:
            log.warning("could not remove %s: %s", path, exc)


def _office_key(conn: sqlite3.Connection) -> dict | None:
    row = conn.execute("SELECT value FROM setting WHERE key = ?", (KEY_SETTING,)).fetchone()
    return json.loads(row[0]) if row else None


def make_backup(s, *, kind: str = "manual", to_dir: Path | str | None = None,
                progress: Progress | None = None) -> BackupResult:
    """Take, verify, copy and rotate one backup. A manual one needs ``BACKUP``;
    automatic ones are the program's duty, whoever is logged in."""
    if kind not in KINDS:
        raise ValueError(f"unknown backup kind {kind!r}")
    if kind == "manual":
        authz.require(s, Permission.BACKUP, "备份数据")
    progress = progress or (lambda done, total, text: None)
    t0, created = time.perf_counter(), s.now()
    folder = Path(to_dir) if to_dir else backups_dir(s.data_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        sweep(folder)
        path = _file_name(folder, s.office_code, created, kind)
        # Before the snapshot, so that a restored log says which backup it came from.
        _note(s, "备份", {"file": path.name, "folder": str(folder), "kind": kind})
        key = _write(s, path, created, kind, progress)
        progress(0, 0, "正在校验备份…")
        result = BackupResult(verify(path, file_key=key))
    except (OSError, UserFacingError) as exc:
        _note(s, "备份失败", {"kind": kind, "folder": str(folder), "reason": str(exc)})
        if isinstance(exc, OSError):
            raise UserFacingError(f"备份失败：{reason(exc)}（磁盘已满或无权限？）") from exc
        raise
    if to_dir is None:
        _second_copy(s, result)
        result.removed = rotate(folder, s.now())
    result.seconds = time.perf_counter() - t0
    _note(s, "备份完成", {"file": path.name, "records": result.info.records,
                        "encrypted": result.info.encrypted,
                        "second_copy": str(result.second_copy) if result.second_copy else None,
                        "warnings": result.warnings, "seconds": round(result.seconds, 1)})
    return result


def _note(s, action: str, detail: dict) -> None:
    with transaction(s.conn):
        audit.append(s.conn, ts=s.now().isoformat(timespec="seconds"), actor=s.user,
                     action=action, detail=detail)


def _second_copy(s, result: BackupResult) -> None:
    second = policy.second_dir(s.conn)
    if second is None:
        return
    src = result.info.path
    try:
        second.mkdir(parents=True, exist_ok=True)
        target = second / src.name
        partial = target.with_name(target.name + ".partial")
        if bf.copy_file(src, partial) != bf.file_sha256(src):
            raise OSError("复制后的校验值与原备份不符")
        os.replace(partial, target)
        result.second_copy = target
        result.removed += rotate(second, s.now())
    except OSError as exc:
        msg = f"第二备份位置 {second} 不可用（{reason(exc)}），本次备份只保存在数据目录中。"
        log.warning(msg)
        result.warnings.append(msg)


def safety_backup(s, kind: str) -> BackupResult:
    """The backup before a restore, an import or a migration (callable by those
    features; exchange import calls it with ``"pre-import"``)."""
    return make_backup(s, kind=kind)


# -- reading a backup back --------------------------------------------------------------

def verify(path: Path | str, *, passphrase: str | None = None, file_key: bytes | None = None,
           staging: Path | None = None, progress: Progress | None = None) -> BackupInfo:
    """Read the whole backup and check everything; ``BackupDamaged`` otherwise.

    With ``staging`` the database and the attachments are left there (restore);
    without, only a temporary copy of the database is made and removed.
    """
    path = Path(path)
    own = staging is None
    work = Path(tempfile.mkdtemp(prefix=".verify-", dir=path.parent)) if own else Path(staging)
    try:
        header = _unpack(path, passphrase, file_key, work, None if own else work / "attachments",
                         progress or (lambda d, t, x: None))
        _check_database(work / DB_NAME, header)
        return BackupInfo.from_header(path, header)
    except OSError as exc:
        raise bc.BackupDamaged(f"无法读取备份 {path.name}：{reason(exc)}") from exc
    finally:
        if own:
            bf.remove_tree(work)


def _unpack(path: Path, passphrase, file_key, work: Path, attachments: Path | None,
            progress: Progress) -> dict:
    with open(path, "rb") as fh:
        header, data = bf.read_header(fh)
        BackupInfo.from_header(path, header)            # field types, before any arithmetic
        key = file_key
        if header.get("encryption") and key is None:
            if not passphrase:
                raise bc.WrongPassphrase("这个备份已加密，请提供备份口令。")
            key = bc.open_with(header["encryption"], passphrase)
        total, done, db, shas = header.get("db_size", 0) + header.get("attachment_bytes", 0), [0], [], set()

        def step(n: int) -> None:
            done[0] += n
            progress(done[0], total, "正在校验备份…")
        for kind, sha, size in bf.members(fh, header, data, key, work / DB_NAME, attachments, step):
            if kind == "db":
                db.append((sha, size))
            elif sha in shas:
                raise bc.BackupDamaged("备份中有重复的附件条目。")
            else:
                shas.add(sha)
    _compare(header, db, shas)
    header["_attachment_shas"] = shas
    return header


def _compare(header: dict, db: list, shas: set) -> None:
    if len(db) != 1:
        raise bc.BackupDamaged("备份中没有数据库，或有多个数据库。")
    if db[0] != (header.get("db_sha256"), header.get("db_size")):
        raise bc.BackupDamaged("备份中的数据库与文件头记录的校验值不符（文件被改动或损坏）。")
    if len(shas) != header.get("attachments"):
        raise bc.BackupDamaged(f"备份应有 {header.get('attachments')} 个附件，实际 {len(shas)} 个。")


def _check_database(db_path: Path, header: dict) -> None:
    conn = sqlite3.connect(readonly_uri(db_path), uri=True)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if rows != ["ok"]:
            raise bc.BackupDamaged(f"备份中的数据库结构损坏：{rows[0]}")
    except sqlite3.DatabaseError as exc:
        raise bc.BackupDamaged(f"备份中的数据库无法打开：{reason(exc)}") from exc
    finally:
        conn.close()
    facts, shas = describe(db_path)
    for key in ("counts", "audit_entries", "audit_head", "office_code"):
        if facts[key] != header.get(key):
            raise bc.BackupDamaged(f"备份中的数据库与文件头不一致（{key}），文件被改动或损坏。")
    missing = set(shas) - header["_attachment_shas"]
    if missing:
        raise bc.BackupDamaged(f"备份缺少 {len(missing)} 个附件。")


# -- rotation, schedule and the office key ----------------------------------------------

def keep_set(infos: list[BackupInfo], *, last: int = 3, daily: int = 7, weekly: int = 4,
             monthly: int = 12) -> set[Path]:
    """Grandfather-father-son: the newest of each day, week and month, newest first."""
    ordered = sorted(infos, key=lambda b: b.created, reverse=True)
    keep = {b.path for b in ordered[:last]}
    for count, period in ((daily, lambda d: d.date()), (weekly, lambda d: d.isocalendar()[:2]),
                          (monthly, lambda d: (d.year, d.month))):
        seen = []
        for b in ordered:
            p = period(b.created)
            if p not in seen:
                if len(seen) == count:
                    break
                seen.append(p)
                keep.add(b.path)
    return keep


def rotate(folder: Path, now: datetime) -> list[Path]:
    """Delete automatic backups the rotation no longer keeps; returns them."""
    autos = [b for b in scan([folder]) if b.kind in AUTOMATIC and b.created <= now]
    removed = []
    for b in autos:
        if b.path not in keep_set(autos):
            try:
                b.path.unlink()
                removed.append(b.path)
            except OSError as exc:
                log.warning("could not remove old backup %s: %s", b.path, exc)
    return removed


def backup_due(s, *, at_start: bool = False) -> str | None:
    """Which automatic backup is due now: at start, or at the end of the working day."""
    now = s.now()
    mine = [b for b in list_backups(s.data_dir) if b.office_code == s.office_code]
    if at_start:
        return "start" if not mine or now - mine[0].created >= START_GAP else None
    if now.time() < policy.end_of_day(s.conn) or not s.calendar.is_working_day(now.date()):
        return None
    done = any(b.kind == "eod" and b.created.date() == now.date() for b in mine)
    return None if done else "eod"


def set_passphrase(s, passphrase: str) -> None:
    """Encrypt all future backups to a new office key wrapped under ``passphrase``.
    Older backups keep their own wrapped key: they open with the passphrase they
    were made under."""
    authz.require(s, Permission.MANAGE_KEYS, "设置备份口令")
    from desktop_app.security.passwords import check_policy
    check_policy(passphrase)
    key = bc.new_office_key(passphrase)
    with transaction(s.conn):
        s.conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
                       (KEY_SETTING, json.dumps(key, sort_keys=True)))
        audit.append(s.conn, ts=s.now().isoformat(timespec="seconds"), actor=s.user,
                     action="设置备份口令", detail={"public_key": key["public"][:12] + "…"})
