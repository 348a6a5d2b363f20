"""Import: check everything, show a dry run, then apply in one transaction
(exchange.md §3.4, issue 5 item 5).

``prepare_import(s, path, passphrase, *, progress=None, cancel=None) -> PreparedImport``
    Writes nothing to the database.  Copies the package from the drive into a local
    work folder (pulling the drive afterwards is harmless), then: header, signature,
    sender trusted, recipient is us (``package.verify_and_decrypt``; an untrusted or
    damaged package never asks for the passphrase) → already imported?  (the ledger,
    by package id: a renamed copy is the same package; raises ``AlreadyImported``, a
    no-op) → decryption → strict archive → manifest → every row (``plan.walk``).
    ``prepared.summary()`` is the dry-run summary: new, updated, unchanged,
    conflicts, rejected with reasons, warnings (gap, older sequence, clock).
``commit_import(s, prepared, *, signing_key=None, kdf_cost=None, progress=None,
cancel=None) -> dict``
    Refuses a package with any rejected row (``ImportRefused``, naming the rows).
    Backs the database up (``backups/pre-import-<package_id>.db``), moves the verified
    attachment files into the content store, then in ONE transaction applies every
    row, the conflicts, our knowledge (only if complete and gap-free), the sender
    node's acks, the HLC, the ledger row and the audit entries.  Any exception rolls
    it all back: the database is as before.  Afterwards: foreign-key, quick and
    coverage checks, the HTML report, and — given the signing key — the receipt
    ``.tzr`` beside the package on the drive.  ``prepared`` is discarded either way.
``import_package(s, path, passphrase, *, dry_run=False, ...)`` — both, for the CLI.

A receipt (``.tzr``) goes through the same two steps; committing it only records the
acks (no backup needed: it changes no record).
"""
from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from desktop_app.errors import UserFacingError, describe
from desktop_app.filenames import clean_name, inside
from desktop_app.security import authz
from desktop_app.security.roles import Permission
from desktop_app.services.attachments import blob_path
from desktop_app.services.session import Session, database_path
from desktop_app.store import audit, revision
from desktop_app.store.db import transaction

from . import housekeeping, ledger, media, report, vectors
from .apply import Writer
from .archive_read import ArchiveContents, extract_archive
from .envelope import read_header
from .errors import MediaError
from .refusals import record_refusal
from .kdf import Argon2Cost
from .meter import CancelFn, StepProgressFn, Steps
from .offices import trusted_keys
from .package import verify_and_decrypt
from .plan import Tally, walk
from .receipts import write_receipt
from .scope import Relation, relation
from .verify import post_checks
from .wire import KNOWN_CAPABILITIES, SCHEMA_VERSION, ManifestInfo, read_knowledge, read_manifest

log = logging.getLogger(__name__)

Passphrase = str | Callable[[], str | None]


class ImportRefused(UserFacingError):
    """The package has rows we may not accept; ``summary`` lists them."""

    def __init__(self, summary: dict[str, Any]):
        examples = "；".join(f"{r['label']} {r['id']}：{r['reason']}"
                            for r in summary["rejections"][:3])
        super().__init__(f"数据包被拒绝，数据库未改动：{summary['rejected']} 条记录不能接受"
                         f"（{examples}）。")
        self.summary = summary


@dataclass
class PreparedImport:
    source: Path
    work: Path
    staged: Path
    sha256: str
    header: dict[str, Any]
    info: ManifestInfo
    contents: ArchiveContents
    acks: vectors.Knowledge
    relation: Relation
    passphrase: str
    tally: Tally = field(default_factory=Tally)
    gaps: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    acks_current: bool = True
    seq_jump: bool = False
    split_ok: bool = True

    @property
    def package_id(self) -> str:
        return self.header["package_id"]

    @property
    def is_receipt(self) -> bool:
        return self.info.kind == "receipt"

    def summary(self) -> dict[str, Any]:
        t, h = self.tally, self.header
        return {"package_id": h["package_id"], "sender": h["sender"], "seq": h["seq"],
                "kind": h["kind"], "created_utc": h["created_utc"], "sha256": self.sha256,
                "file": str(self.source), "new": t.new, "updated": t.updated,
                "unchanged": t.unchanged, "conflicts": t.conflicts, "rejected": t.rejected,
                "rejections": t.rejections, "conflict_list": t.conflict_list,
                "by_table": t.by_table, "attachments": len(self.contents.attachments),
                "gap": bool(self.gaps), "gap_scopes": self.gaps, "warnings": self.warnings,
                "split": {"part": self.info.part, "parts": self.info.parts},
                "receipt_for": self.info.receipt_for, "applied": False}

    def discard(self) -> None:
        housekeeping.remove_work_dir(self.work)


# ------------------------------------------------------------------ prepare

def _provider(conn: sqlite3.Connection, package_id: str, passphrase: Passphrase):
    def provide() -> str | None:
        # Called only once the signature checked out, so the id is authentic.
        ledger.check_not_imported(conn, package_id)
        return passphrase() if callable(passphrase) else passphrase
    return provide


def _open(s: Session, work: Path, path: Path, passphrase: Passphrase, steps: Steps,
          seen: dict) -> tuple[Path, str, dict, ArchiveContents, str]:
    staged, sha = media.stage_copy(path, work, progress=steps.step("正在复制到本机…"),
                                   cancel=steps.cancel)
    seen["sha256"] = sha
    unverified, _ = read_header(staged, KNOWN_CAPABILITIES)
    seen["sender"] = unverified["sender"]
    secret: list[str] = []
    def remember() -> str | None:
        value = _provider(s.conn, unverified["package_id"], passphrase)()
        if value is not None:
            secret.append(value)
        return value
    plain = work / "inner.zip"
    with open(plain, "xb") as out:
        header = verify_and_decrypt(
            staged, trusted=trusted_keys(s.conn, s.office_code), me=s.office_code,
            passphrase_provider=remember, out_plain=out, known_schema=SCHEMA_VERSION,
            known_capabilities=KNOWN_CAPABILITIES, progress=steps.step("正在校验和解密…"),
            cancel=steps.cancel)
    contents = extract_archive(plain, work, progress=steps.step("正在检查数据包内容…"),
                               cancel=steps.cancel)
    plain.unlink()
    return staged, sha, header, contents, secret[0]


def prepare_import(s: Session, path: Path | str, passphrase: Passphrase, *,
                   progress: StepProgressFn = None, cancel: CancelFn = None) -> PreparedImport:
    """Check the package at ``path`` and plan its import; see module docstring."""
    authz.require(s, Permission.WRITE_RECORD, "导入数据包")
    path = Path(path)
    if not path.is_file():
        raise UserFacingError(f"找不到数据包文件：{path}")
    housekeeping.clean_abandoned(s.data_dir)
    steps = Steps(progress, cancel)
    work = housekeeping.new_work_dir(s.data_dir, "import")
    seen: dict[str, Any] = {"sha256": None, "sender": None}
    try:
        staged, sha, header, contents, secret = _open(s, work, path, passphrase, steps, seen)
        info = read_manifest(contents.manifest, header)
        if info.sender_node == s.instance:
            raise UserFacingError("这是本工作站自己导出的数据包（或回执），无需导入；数据库未改动。")
        if info.kind == "receipt" and (contents.records or contents.attachments):
            raise UserFacingError("回执中不应含有记录或附件，已拒绝；数据库未改动。")
        acks = read_knowledge(contents.acks or {}, "确认向量")
        p = PreparedImport(path, work, staged, sha, header, info, contents, acks,
                           relation(s.conn, s.office_code, header["sender"]), secret)
        _assess(s, p, steps)
    except BaseException as exc:
        housekeeping.remove_work_dir(work)
        if _is_refusal(exc):
            record_refusal(s, path, seen["sha256"], seen["sender"], exc)
        raise
    if p.tally.rejected:
        record_refusal(s, path, p.sha256, p.header["sender"], ImportRefused(p.summary()))
    return p


def _is_refusal(exc: BaseException) -> bool:
    """A refused package, as opposed to a no-op, a full disk or a cancelled run."""
    return isinstance(exc, UserFacingError) and not isinstance(
        exc, (ledger.AlreadyImported, MediaError, authz.PermissionDenied))


def _assess(s: Session, p: PreparedImport, steps: Steps) -> None:
    h = p.header
    last = ledger.last_seq(s.conn, h["sender"], p.info.sender_node)
    if last is not None and h["seq"] < last:
        p.acks_current = False
        p.warnings.append(f"该数据包序号 {h['seq']} 低于此前从同一工作站导入的 {last}："
                          "是较早的数据包，已按版本合并，不会回退任何数据。")
    if h["seq"] > (last or 0) + ledger.MAX_SEQ_JUMP:
        p.seq_jump = True
        p.warnings.append(f"该数据包序号 {h['seq']} 远超此前从同一工作站导入的 {last or 0}"
                          "（对方程序或数据可能异常）：本包照常检查，但它的序号不作为"
                          "今后判断新旧的依据。")
    split = ledger.split_problem(s.conn, h, p.info)
    if split:
        p.split_ok = False
        p.warnings.append(split)
    if p.is_receipt:
        return
    p.gaps = ledger.gap_scopes(s.conn, s.office_code, h["base_vector"])
    if p.gaps:
        p.warnings.append(f"发现数据缺口：{h['sender']} 认为本库已有的部分数据本库没有"
                          "（本库可能从旧备份恢复或被复制过）。本包的记录照常导入，"
                          f"但请对方做一次完整导出（taizhang export --for {s.office_code} --full）。")
    p.tally = walk(s, p.contents, sender=h["sender"], rel=p.relation,
                   schema=h["schema_version"], steps=steps)
    if p.tally.future_rows:
        p.warnings.append(f"{p.tally.future_rows} 条记录的时间戳远超本机时间（对方电脑时钟可能"
                          "不准）；本机时钟不会因此调快。")


# ------------------------------------------------------------------ commit

def _backup(s: Session, package_id: str) -> Path:
    folder = housekeeping.backups_dir(s.data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"pre-import-{package_id}.db"
    tmp = target.with_name(target.name + ".tmp")
    dest = sqlite3.connect(tmp)
    try:
        s.conn.backup(dest)
    finally:
        dest.close()
    os.replace(tmp, target)
    committed = {r[0] for r in s.conn.execute("SELECT package_id FROM imported_package")}
    housekeeping.prune_backups(s.data_dir, committed=committed)
    return target


def move_blob(src: Path, target: Path) -> None:
    """Into the content store: flushed to disk, then renamed into place."""
    with open(src, "rb") as fh:
        os.fsync(fh.fileno())
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(src, target)


def _move_blobs(s: Session, contents: ArchiveContents, steps: Steps) -> None:
    # Before the transaction: a file nothing refers to is harmless if the import fails.
    total = len(contents.attachments)
    for done, (sha, src) in enumerate(sorted(contents.attachments.items())):
        steps.report(done, total, "正在保存附件…")
        target = blob_path(s, sha)
        if not target.exists():
            move_blob(src, target)


def _bookkeeping(s: Session, p: PreparedImport, summary: dict, now: str) -> str | None:
    """Knowledge, acks, clock, ledger and audit; inside the import transaction.
    Returns a new instance id when ours must be replaced."""
    conn, h = s.conn, p.header
    if p.tally.max_hlc:
        revision.observe_hlc(conn, p.tally.max_hlc, int(s.now().timestamp() * 1000))
    raised = []
    if not p.is_receipt and p.split_ok:
        complete = ledger.complete_scopes(conn, h, p.info, p.gaps)
        for scope in ledger.trusted_scopes(p.relation, h["sender"], s.office_code, complete):
            if scope in p.info.sender_knowledge:
                vectors.raise_knowledge(conn, scope, p.info.sender_knowledge[scope])
                raised.append(scope)
    if p.acks_current:
        vectors.set_peer_knowledge(conn, h["sender"], p.info.sender_node, p.acks,
                                   int(s.now().timestamp()))
    counter = conn.execute("SELECT counter FROM node WHERE instance_id = ?",
                           (s.instance,)).fetchone()[0]
    new_instance = None
    if p.tally.own_ahead or ledger.own_instance_ahead(s.instance, counter, p.acks,
                                                      h["base_vector"]):
        new_instance = revision.new_instance(
            conn, revision.machine_fingerprint(database_path(s.data_dir)))
        summary["warnings"].append("本库曾从备份恢复或被复制：已为本机启用新的工作站标识，"
                                   "以免与恢复前的修改混淆。")
    summary.update(applied=True, imported_utc=now, knowledge_raised=sorted(raised))
    kept = {k: summary[k] for k in ("new", "updated", "unchanged", "conflicts", "gap_scopes",
                                    "split", "warnings", "applied")}
    kept.update(sender_node=p.info.sender_node, seq_jump=p.seq_jump, split_ok=p.split_ok,
                split={"group": p.info.group, "part": p.info.part, "parts": p.info.parts})
    ledger.record(conn, h, p.sha256, now, s.user, kept,
                  None if p.is_receipt else str(report.report_path(s.data_dir, p.package_id)))
    audit.append(conn, ts=s.now().isoformat(timespec="seconds"), actor=s.user,
                 action="导入回执" if p.is_receipt else "导入数据包",
                 detail={k: summary[k] for k in ("package_id", "sender", "seq", "new",
                                                 "updated", "unchanged", "conflicts", "gap")})
    return new_instance


def _apply(s: Session, p: PreparedImport, summary: dict, steps: Steps) -> str | None:
    now = ledger.utc_text(s)
    with transaction(s.conn):
        s.conn.execute("PRAGMA defer_foreign_keys = ON")
        if not p.is_receipt:
            writer = Writer(s.conn, me=s.office_code, user=s.user,
                            ts=s.now().isoformat(timespec="seconds"), package_id=p.package_id,
                            sender=p.header["sender"], calendar=s.calendar)
            p.tally = walk(s, p.contents, sender=p.header["sender"], rel=p.relation,
                           schema=p.header["schema_version"], steps=steps, writer=writer)
            if p.tally.rejected:
                raise ImportRefused(p.summary())
            summary.update({k: v for k, v in p.summary().items() if k != "warnings"})
        steps.report(1, 1, "正在提交…")
        return _bookkeeping(s, p, summary, now)


def commit_import(s: Session, p: PreparedImport, *,
                  signing_key: Ed25519PrivateKey | None = None,
                  kdf_cost: Argon2Cost | None = None, progress: StepProgressFn = None,
                  cancel: CancelFn = None) -> dict[str, Any]:
    """Apply a prepared import; see module docstring.  Discards ``p`` in any case."""
    steps = Steps(progress, cancel)
    try:
        authz.require(s, Permission.WRITE_RECORD, "导入数据包")
        ledger.check_not_imported(s.conn, p.package_id)
        summary = p.summary()
        if p.tally.rejected:
            raise ImportRefused(summary)         # recorded when the dry run found it
        backup = None
        try:
            if not p.is_receipt:
                backup = _backup(s, p.package_id)
                summary["backup"] = str(backup)
                _move_blobs(s, p.contents, steps)
            new_instance = _apply(s, p, summary, steps)
        except BaseException as exc:
            if backup is not None:               # not a restore point: nothing committed
                backup.unlink(missing_ok=True)
            if _is_refusal(exc):
                record_refusal(s, p.source, p.sha256, p.header["sender"], exc)
            if isinstance(exc, (sqlite3.Error, OSError)) and describe(exc):
                log.error("import of %s failed", p.package_id, exc_info=True)
                raise UserFacingError(f"导入未能完成，数据库未改动：{describe(exc)}") from exc
            raise
        if new_instance:
            s.instance = new_instance
        if not p.is_receipt:
            _after(s, p, summary, signing_key, kdf_cost, steps)
        return summary
    finally:
        p.discard()


def _after(s: Session, p: PreparedImport, summary: dict, key: Ed25519PrivateKey | None,
           kdf_cost: Argon2Cost | None, steps: Steps) -> None:
    """After the commit: nothing here may turn a committed import into a "failure"."""
    summary["receipt"] = summary["report"] = None
    steps.say("正在核对并写回执…")
    try:
        summary["warnings"] += post_checks(s, p.contents)
        summary["report"] = str(report.write_report(s.data_dir, summary, s.user))
    except (OSError, sqlite3.DatabaseError) as exc:
        log.error("post-import checks or report failed", exc_info=True)
        summary["warnings"].append(f"导入已完成，但导入后的核对或报告未能完成：{exc}")
    if key is None:
        summary["warnings"].append("未提供管理员口令，未生成回执；对方下次仍会发送全部未确认的数据。")
    else:
        try:
            summary["receipt"] = str(write_receipt(
                s, answering=p.header, work=p.work, dest_dir=p.source.parent,
                signing_key=key, passphrase=p.passphrase, kdf_cost=kdf_cost))
        except (MediaError, OSError) as exc:
            summary["warnings"].append(f"回执未能写入U盘：{exc}")
    _archive_package(s, p)


def _archive_package(s: Session, p: PreparedImport) -> None:
    folder = housekeeping.received_dir(s.data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(p.staged, inside(folder, clean_name(p.source.name, "package.tzx")))
    except (OSError, UserFacingError):
        log.warning("could not keep a copy of %s", p.source, exc_info=True)
    housekeeping.prune_received(s.data_dir)


def import_package(s: Session, path: Path | str, passphrase: Passphrase, *,
                   dry_run: bool = False, signing_key: Ed25519PrivateKey | None = None,
                   kdf_cost: Argon2Cost | None = None, progress: StepProgressFn = None,
                   cancel: CancelFn = None) -> dict[str, Any]:
    """Prepare and (unless ``dry_run``) commit; returns the summary."""
    p = prepare_import(s, path, passphrase, progress=progress, cancel=cancel)
    if dry_run:
        summary = p.summary()
        p.discard()
        if summary["rejected"]:
            raise ImportRefused(summary)
        return summary
    return commit_import(s, p, signing_key=signing_key, kdf_cost=kdf_cost,
                         progress=progress, cancel=cancel)
