"""Export: everything an office has not yet confirmed, to a drive (exchange.md §3.3).

``export_for(s, peer, dest_dir, passphrase, signing_key, *, full=False,
include_peer_records=True, max_size=AUTO, kdf_cost=None, progress=None, cancel=None)``

1. The rows of the scope (``scope.py``) whose vectors the peer's confirmed knowledge
   does not dominate (``outgoing.py``; ``full=True``: all of them), read in one read
   transaction so the rows and the knowledge sent with them agree.
2. The inner archive is built in a local work folder, streaming (one row, one 1 MiB
   block at a time), then encrypted and signed into a local package.
3. The package is copied to ``dest_dir`` as ``.partial``, synced, renamed and read back
   (``media.copy_to_media``).  Then, and only then, ``export_log`` and the audit log
   get one entry each — in one transaction, so a process killed mid-export leaves
   the database as it was.  ``peer_knowledge`` is never touched (R4): a lost or
   yanked drive costs only a re-export.
4. When one file would exceed ``max_size`` (default: 4 GiB − 1 on a FAT32 drive), the
   export is split into several packages, each self-contained: the first carries all
   the records; each carries the attachment rows it holds *and* their files, so the
   parts import in any order.  ``max_size`` is injectable for tests.
"""
from __future__ import annotations

import json
import logging
import mimetypes
import uuid
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, Iterable, Iterator

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from desktop_app.errors import UserFacingError
from desktop_app.security import authz
from desktop_app.security.roles import Permission
from desktop_app.services.attachments import blob_path
from desktop_app.services.session import Session
from desktop_app.store import audit
from desktop_app.store.db import transaction

from . import housekeeping, media, shared, vectors
from .archive import ArchiveWriter
from .kdf import Argon2Cost
from .keys import public_key_raw
from .limits import KiB
from .meter import CancelFn, StepProgressFn, Steps
from .offices import is_trusted, own_public_key
from .outgoing import conflict_rows, coverage_digest, family_rows, shared_rows
from .package import write_package
from .scope import (CONFLICT_TABLE, FAMILY_TABLES, SHARED_TABLE, SYNC_TABLES, Partition,
                    Relation, export_partitions, relation)
from .wire import APP_VERSION, SCHEMA_VERSION

log = logging.getLogger(__name__)

AUTO = object()
# Bytes a part needs beyond its entries' contents (generous; measured ~1/3 of this):
ENVELOPE_RESERVE = 4 * KiB       # magic, header without its vectors, signature
PART_RESERVE = 8 * KiB           # manifest fields, table entries, central directory
ENTRY_RESERVE = 1 * KiB          # one attachment: zip headers, manifest lines, its row


@dataclass
class ExportResult:
    packages: list[Path] = field(default_factory=list)
    package_ids: list[str] = field(default_factory=list)
    records: int = 0
    attachments: int = 0
    conflicts: int = 0
    kind: str = "delta"

    def to_json(self) -> dict[str, Any]:
        return {"package": str(self.packages[0]) if self.packages else None,
                "packages": [str(p) for p in self.packages], "records": self.records,
                "attachments": self.attachments, "conflicts": self.conflicts,
                "kind": self.kind}


@dataclass
class _Job:
    s: Session
    peer: str
    rel: Relation
    partitions: list[Partition]
    full: bool
    steps: Steps
    work: Path
    base: dict[str, vectors.Vector] = field(default_factory=dict)
    result: ExportResult = field(default_factory=ExportResult)

    def base_of(self, owner: str) -> vectors.Vector | None:
        return None if self.full else self.base.get(owner, {})


def _check(s: Session, peer: str, key: Ed25519PrivateKey, dest: Path) -> None:
    if peer != s.office_code and not is_trusted(s.conn, peer):
        raise UserFacingError(f"单位 {peer} 尚未登记为可信单位，不能向其导出。"
                              "请先用 taizhang office trust 导入对方的单位名片。")
    own = own_public_key(s.conn)
    if own is None or public_key_raw(own) != public_key_raw(key):
        raise UserFacingError("签名密钥与本单位登记的公钥不一致。")
    if not dest.is_dir():
        raise UserFacingError(f"目标文件夹不存在：{dest}")


def export_for(s: Session, peer: str, dest_dir: Path | str, passphrase: str,
               signing_key: Ed25519PrivateKey, *, full: bool = False,
               include_peer_records: bool = True, max_size: Any = AUTO,
               kdf_cost: Argon2Cost | None = None, progress: StepProgressFn = None,
               cancel: CancelFn = None) -> ExportResult:
    """Export for office ``peer`` into ``dest_dir``; see module docstring."""
    authz.require(s, Permission.READ_RECORD, "导出数据")
    dest = Path(dest_dir)
    _check(s, peer, signing_key, dest)
    if not passphrase:
        raise UserFacingError("交换口令不能为空。")
    housekeeping.clean_abandoned(s.data_dir)
    rel = relation(s.conn, s.office_code, peer)
    limit = media.max_file_size(dest) if max_size is AUTO else max_size
    if rel in (Relation.LOWER, Relation.SELF):
        with transaction(s.conn):
            shared.publish_own(s)
    parts = export_partitions(s.conn, s.office_code, peer, rel,
                              include_peer_records=include_peer_records)
    job = _Job(s, peer, rel, parts, full, Steps(progress, cancel),
               housekeeping.new_work_dir(s.data_dir, "export"))
    job.result.kind = "full" if full else "delta"
    try:
        archives = _build(job, limit)
        written = _write_packages(job, archives, dest, signing_key, passphrase, kdf_cost)
        _log(job, written)
    finally:
        housekeeping.remove_work_dir(job.work)
    log.info("exported %d package(s) for %s: %d records, %d attachments",
             len(job.result.packages), peer, job.result.records, job.result.attachments)
    return job.result


# ------------------------------------------------------------------ building

def _checked(rows: Iterable[dict], steps: Steps) -> Iterator[dict]:
    for n, row in enumerate(rows):
        if n % 2000 == 0:
            steps.check()
        yield row


def _table_rows(job: _Job, table: str) -> Iterable[dict]:
    conn = job.s.conn
    if table == SHARED_TABLE:
        return chain.from_iterable(shared_rows(conn, p.owner, job.base_of(p.owner))
                                   for p in job.partitions if table in p.tables)
    if table == CONFLICT_TABLE:
        return chain.from_iterable(
            conflict_rows(conn, p.owner, p.tables & set(FAMILY_TABLES))
            for p in job.partitions)
    return chain.from_iterable(family_rows(conn, table, p.owner, job.base_of(p.owner))
                               for p in job.partitions if table in p.tables)


def _add_table(writer: ArchiveWriter, table: str, rows: Iterable[dict], steps: Steps) -> int:
    it = iter(rows)
    first = next(it, None)
    if first is None:
        return 0
    return writer.add_jsonl(table, _checked(chain((first,), it), steps))


def _records(job: _Job, writer: ArchiveWriter) -> list[dict]:
    """Write every table but ``attachment`` into the first part; return those rows."""
    attachments: list[dict] = []
    for index, table in enumerate(SYNC_TABLES):
        job.steps.report(index, len(SYNC_TABLES), "正在汇集记录…")
        if table == "attachment":
            attachments = list(_table_rows(job, table))
            continue
        n = _add_table(writer, table, _table_rows(job, table), job.steps)
        if table == CONFLICT_TABLE:
            job.result.conflicts += n
        elif table != SHARED_TABLE:
            job.result.records += n
    job.result.records += len(attachments)
    return attachments


def _build(job: _Job, limit: int | None) -> list[tuple[Path, dict]]:
    conn, me = job.s.conn, job.s.office_code
    first = ArchiveWriter(job.work / "part-1.zip")
    conn.execute("BEGIN")       # one snapshot for the rows and the knowledge sent with them
    try:
        owners = [p.owner for p in job.partitions]
        if not job.full:
            job.base = vectors.base_for(conn, job.peer, owners)
        acks = vectors.knowledge(conn, me)
        attachments = _records(job, first)
        fields = {"schema_version": SCHEMA_VERSION, "kind": job.result.kind,
                  "sender_node": job.s.instance,
                  "sender_knowledge": {o: acks[o] for o in owners if o in acks},
                  "coverage_digest": coverage_digest(conn, job.partitions)}
    except BaseException:
        first.abort()
        raise
    finally:
        conn.execute("COMMIT")
    try:
        vectors_size = len(json.dumps([job.base, acks, fields["sender_knowledge"]]))
        groups = _assign(job, attachments, first.bytes_written, limit, vectors_size)
    except BaseException:
        first.abort()
        raise
    return _finish_parts(job, first, groups, fields, acks)


def _blob_size(job: _Job, row: dict) -> int:
    path = blob_path(job.s, row["sha256"])
    try:
        return path.stat().st_size
    except OSError:
        raise UserFacingError(f"附件“{row['filename']}”的文件不见了（{row['sha256'][:12]}…），"
                              "无法导出。请先运行 taizhang check。") from None


def _assign(job: _Job, rows: list[dict], first_used: int, limit: int | None,
            vectors_size: int) -> list[list[dict]]:
    """Attachment rows per part, each part with the files of its rows, under ``limit``.
    ``vectors_size``: the vectors every part repeats (header base, acks, manifest)."""
    if limit is None:
        return [rows]
    reserve = PART_RESERVE + vectors_size
    budget = (limit - ENVELOPE_RESERVE) * 4096 // 4097    # 16-byte tag per 64 KiB chunk
    if first_used + reserve > budget:
        raise UserFacingError("记录数据超过目标U盘单个文件的上限，无法分包导出；"
                              "请改用 exFAT/NTFS 格式的U盘。")
    groups: list[list[dict]] = [[]]
    used, blobs = first_used + reserve, set()
    for row in rows:
        sha = None if row["voided"] else row["sha256"]
        size = _blob_size(job, row) if sha else 0
        cost = ENTRY_RESERVE + (size if sha not in blobs else 0)
        if used + cost > budget and used > reserve:
            groups.append([])
            used, blobs, cost = reserve, set(), ENTRY_RESERVE + size
        if used + cost > budget:
            raise UserFacingError(f"附件“{row['filename']}”（{size // (1024 * 1024)} MB）"
                                  "超过目标U盘单个文件的上限，无法导出。")
        groups[-1].append(row)
        used += cost
        if sha:
            blobs.add(sha)
    return groups


def _mime(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def _finish_parts(job: _Job, first: ArchiveWriter, groups: list[list[dict]],
                  fields: dict, acks: dict) -> list[tuple[Path, dict]]:
    group_id, out = str(uuid.uuid4()), []
    for index, rows in enumerate(groups):
        writer = first if index == 0 else ArchiveWriter(job.work / f"part-{index + 1}.zip")
        with writer:
            for row in rows:
                job.steps.check()
                if not row["voided"]:
                    writer.add_attachment(blob_path(job.s, row["sha256"]),
                                          mime=_mime(row["filename"]), sha256=row["sha256"])
                    job.result.attachments += 1
            _add_table(writer, "attachment", rows, job.steps)
            writer.add_acks(acks)
            split = {"group": group_id, "part": index + 1, "parts": len(groups)}
            manifest = writer.finish({**fields, "split": split})
        out.append((writer.path, manifest))
    return out


# ------------------------------------------------------------------ writing

def _next_seq(job: _Job) -> int:
    row = job.s.conn.execute("SELECT max(seq) FROM export_log WHERE peer = ?",
                             (job.peer,)).fetchone()
    return (row[0] or 0) + 1


def _write_packages(job: _Job, archives: list[tuple[Path, dict]], dest: Path,
                    key: Ed25519PrivateKey, passphrase: str,
                    kdf_cost: Argon2Cost | None) -> list[tuple[dict, media.CopyResult, dict]]:
    me, seq, out = job.s.office_code, _next_seq(job), []
    for index, (zip_path, manifest) in enumerate(archives):
        header = {"schema_version": SCHEMA_VERSION, "app_version": APP_VERSION,
                  "sender": me, "recipient": job.peer, "seq": seq + index,
                  "kind": job.result.kind, "scope": sorted(p.owner for p in job.partitions),
                  "base_vector": {} if job.full else job.base}
        part = f"（第 {index + 1}/{len(archives)} 包）" if len(archives) > 1 else ""
        info = write_package(job.work / f"part-{index + 1}.tzx", header, zip_path, key,
                             passphrase, kdf_cost=kdf_cost,
                             progress=job.steps.step(f"正在加密签名{part}…"),
                             cancel=job.steps.cancel)
        zip_path.unlink()
        name = media.package_filename(me, job.peer, seq + index, info.header["created_utc"])
        copied = media.copy_to_media(info.path, dest, name,
                                     progress=job.steps.step(f"正在写入U盘{part}…"),
                                     cancel=job.steps.cancel)
        info.path.unlink()
        job.result.packages.append(copied.path)
        job.result.package_ids.append(info.package_id)
        out.append((info.header, copied, manifest))
    return out


def _log(job: _Job, written: list[tuple[dict, media.CopyResult, dict]]) -> None:
    s = job.s
    now = s.now().isoformat(timespec="seconds")
    with transaction(s.conn):
        for header, copied, manifest in written:
            counts = manifest["counts"]
            s.conn.execute(
                "INSERT INTO export_log (package_id, peer, seq, kind, sha256, path, records,"
                " attachments, created_utc, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (header["package_id"], job.peer, header["seq"], header["kind"], copied.sha256,
                 str(copied.path), sum(n for t, n in counts.items() if t in FAMILY_TABLES),
                 len(manifest["attachments"]), header["created_utc"], s.user))
        audit.append(s.conn, ts=now, actor=s.user, action="导出", detail={
            "peer": job.peer, "kind": job.result.kind, "records": job.result.records,
            "attachments": job.result.attachments, "conflicts": job.result.conflicts,
            "packages": [h["package_id"] for h, _, _ in written]})
