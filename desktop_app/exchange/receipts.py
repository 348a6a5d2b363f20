"""Receipts (``.tzr``): what an office holds after an import, sent back to the sender
(exchange.md §3.2, R4).

A receipt is a package of kind ``receipt`` carrying only ``acks.json`` — our whole
knowledge, per scope — signed with our office key and encrypted with the exchange
passphrase of the package it answers.  It is written beside that package on the drive
as ``<US>_receipt_<package_id>.tzr``; the sending office imports it with the same
``taizhang import``, which replaces its record of what our workstation holds, so its
next export carries only what we lack.  Any later package from us carries the same
acks, so a lost receipt costs nothing but a bigger next package.
"""
from __future__ import annotations

import logging
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from desktop_app.services.session import Session
from desktop_app.store.db import transaction

from . import media, vectors
from .archive import ArchiveWriter
from .kdf import Argon2Cost
from .package import write_package
from .wire import APP_VERSION, SCHEMA_VERSION

log = logging.getLogger(__name__)


def next_seq(s: Session, peer: str) -> int:
    row = s.conn.execute("SELECT max(seq) FROM export_log WHERE peer = ?", (peer,)).fetchone()
    return (row[0] or 0) + 1


def write_receipt(s: Session, *, answering: dict, work: Path, dest_dir: Path,
                  signing_key: Ed25519PrivateKey, passphrase: str,
                  kdf_cost: Argon2Cost | None = None) -> Path:
    """Write the receipt for the package whose header is ``answering``; returns its path."""
    peer, package_id = answering["sender"], answering["package_id"]
    zip_path = work / "receipt.zip"
    with ArchiveWriter(zip_path) as writer:
        writer.add_acks(vectors.knowledge(s.conn, s.office_code))
        writer.finish({"schema_version": SCHEMA_VERSION, "kind": "receipt",
                       "sender_node": s.instance, "sender_knowledge": {},
                       "receipt_for": package_id})
    seq = next_seq(s, peer)
    header = {"schema_version": SCHEMA_VERSION, "app_version": APP_VERSION,
              "sender": s.office_code, "recipient": peer, "seq": seq, "kind": "receipt",
              "scope": [], "base_vector": {}}
    info = write_package(work / "receipt.tzr", header, zip_path, signing_key, passphrase,
                         kdf_cost=kdf_cost)
    copied = media.copy_to_media(info.path, dest_dir,
                                 media.receipt_filename(s.office_code, package_id))
    with transaction(s.conn):
        s.conn.execute(
            "INSERT INTO export_log (package_id, peer, seq, kind, sha256, path, records,"
            " attachments, created_utc, created_by) VALUES (?, ?, ?, 'receipt', ?, ?, 0, 0, ?, ?)",
            (info.package_id, peer, seq, copied.sha256, str(copied.path),
             info.header["created_utc"], s.user))
    log.info("receipt for %s written to %s", package_id, copied.path)
    return copied.path
