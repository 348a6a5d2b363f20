"""Offices and keys in the database (exchange.md §3.7, issue 5 item 1).

* ``setup_office_key(s, admin_passphrase, key_file=None)`` — at setup (the GUI setup
  dialog and ``taizhang office keygen`` call it): make this office's Ed25519 key, or
  adopt the key file of the office's first workstation (``key_file``: every
  workstation of one office signs with the same key, since other offices trust the
  office, not the PC).  The private part is stored PKCS#8-encrypted with the admin
  passphrase in ``<data_dir>/keys/office_ed25519.pem``; the public part goes into our
  ``office`` row.  Audited.
* ``load_signing_key(s, admin_passphrase)`` — unlock it for an export or a receipt.
* ``write_card(s, path)`` — our office card (code, name, public key, fingerprint).
* ``trust_office(s, card_path, relation)`` — the separate, deliberate admin step that
  records another office (``trusted_at``), optionally as our upper office or one of
  our lower offices (``parent_code``, see ``scope.py``).  Audited.
* ``trusted_keys(conn, me)`` — the lookup ``package.verify_and_decrypt`` takes: packages
  from an office not trusted are refused before any passphrase is asked.
* ``read_passphrase_file(path)`` — UTF-8, one trailing newline stripped, NFC.
"""
from __future__ import annotations

import base64
import logging
import os
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from cryptography.hazmat.primitives.asymmetric.ed25519 import (Ed25519PrivateKey,
                                                               Ed25519PublicKey)

from desktop_app.errors import UserFacingError, reason
from desktop_app.security import authz
from desktop_app.security.roles import Permission
from desktop_app.services.session import Session
from desktop_app.store import audit
from desktop_app.store.db import transaction

from .errors import KeyMaterialError
from .keys import (OfficeCard, fingerprint, generate_office_key, load_private_key_file,
                   public_key_raw, save_private_key)

log = logging.getLogger(__name__)

KEY_DIR = "keys"
KEY_FILE = "office_ed25519.pem"
PASSPHRASE_FILE_MAX = 4096
RELATIONS = ("upper", "lower", None)


def key_path(data_dir: Path) -> Path:
    return Path(data_dir) / KEY_DIR / KEY_FILE


def read_passphrase_file(path: Path | str, what: str = "口令") -> str:
    """A passphrase from a file: UTF-8, one trailing newline stripped, NFC."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(PASSPHRASE_FILE_MAX + 1)
    except OSError as exc:
        raise UserFacingError(f"无法读取{what}文件 {path}：{reason(exc)}") from exc
    if len(data) > PASSPHRASE_FILE_MAX:
        raise UserFacingError(f"{what}文件过大：{path}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserFacingError(f"{what}文件不是 UTF-8 编码：{path}") from exc
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    if not text:
        raise UserFacingError(f"{what}文件是空的：{path}")
    return unicodedata.normalize("NFC", text)


def own_public_key(conn: sqlite3.Connection) -> Ed25519PublicKey | None:
    row = conn.execute("SELECT public_key FROM office WHERE is_self = 1").fetchone()
    if row is None or not row[0]:
        return None
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(row[0]))


def _audit(s: Session, action: str, detail: dict) -> None:
    audit.append(s.conn, ts=s.now().isoformat(timespec="seconds"), actor=s.user,
                 action=action, detail=detail)


def setup_office_key(s: Session, admin_passphrase: str, *, key_file: Path | str | None = None,
                     replace: bool = False) -> str:
    """Make (or adopt) this office's signing key; returns its fingerprint."""
    authz.require(s, Permission.MANAGE_KEYS)
    if not admin_passphrase:
        raise KeyMaterialError("管理员口令不能为空。")
    path = key_path(s.data_dir)
    existing = own_public_key(s.conn)
    if existing is not None and not replace:
        raise UserFacingError(f"本单位已有签名密钥（指纹 {fingerprint(existing)}），未做改动。"
                              "更换密钥后各单位须重新信任本单位名片。")
    key = load_private_key_file(key_file, admin_passphrase) if key_file else generate_office_key()
    path.parent.mkdir(parents=True, exist_ok=True)
    public = base64.b64encode(public_key_raw(key)).decode("ascii")
    # The key file replaces the old one only once the database names the new key, so a
    # failure in between never leaves a key file the database disowns.
    pending = path.with_name(path.name + ".new")
    save_private_key(pending, key, admin_passphrase)
    try:
        with transaction(s.conn):
            s.conn.execute("UPDATE office SET public_key = ?, trusted_at = ? WHERE is_self = 1",
                           (public, s.now().isoformat(timespec="seconds")))
            _audit(s, "生成单位密钥" if not key_file else "导入单位密钥",
                   {"fingerprint": fingerprint(key), "replaced": existing is not None})
    except BaseException:
        pending.unlink(missing_ok=True)
        raise
    os.replace(pending, path)
    log.info("office key set up, fingerprint %s", fingerprint(key))
    return fingerprint(key)


def load_signing_key(s: Session, admin_passphrase: str) -> Ed25519PrivateKey:
    path = key_path(s.data_dir)
    public = own_public_key(s.conn)
    if public is None or not path.exists():
        raise UserFacingError("本单位还没有签名密钥。请先运行 taizhang office keygen。")
    key = load_private_key_file(path, admin_passphrase)
    if public_key_raw(key) != public_key_raw(public):
        raise KeyMaterialError("密钥文件与数据库中登记的本单位公钥不一致，拒绝使用。")
    return key


def own_card(s: Session) -> OfficeCard:
    public = own_public_key(s.conn)
    if public is None:
        raise UserFacingError("本单位还没有签名密钥。请先运行 taizhang office keygen。")
    return OfficeCard.for_key(s.office_code, s.office_name, public)


def write_card(s: Session, path: Path | str) -> OfficeCard:
    card = own_card(s)
    card.save(path)
    return card


@dataclass(frozen=True)
class TrustedOffice:
    code: str
    name: str
    fingerprint: str
    trusted_at: str
    relation: str


def trust_office(s: Session, card_path: Path | str, relation: str | None = None, *,
                 replace: bool = False) -> OfficeCard:
    """Record another office from its card; ``relation``: "upper", "lower" or None."""
    authz.require(s, Permission.MANAGE_KEYS)
    if relation not in RELATIONS:
        raise UserFacingError("单位关系只能是上级（upper）或下级（lower）。")
    card = OfficeCard.load(card_path)
    if card.office_code == s.office_code:
        raise UserFacingError("这是本单位自己的名片，无需信任。")
    row = s.conn.execute("SELECT public_key FROM office WHERE code = ?",
                         (card.office_code,)).fetchone()
    public = base64.b64encode(card.public_key).decode("ascii")
    if row is not None and row[0] and row[0] != public and not replace:
        raise UserFacingError(
            f"已登记的 {card.office_code} 使用另一把密钥；新名片指纹 {card.fingerprint}。"
            "如确认对方更换了密钥（电话核对指纹），请加 --replace 重新信任。")
    now = s.now().isoformat(timespec="seconds")
    with transaction(s.conn):
        s.conn.execute(
            "INSERT INTO office (code, name, is_self, public_key, trusted_at) VALUES (?, ?, 0, ?, ?)"
            " ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
            " public_key = excluded.public_key, trusted_at = excluded.trusted_at",
            (card.office_code, card.office_name, public, now))
        _set_relation(s.conn, s.office_code, card.office_code, relation)
        _audit(s, "信任单位", {"office": card.office_code, "name": card.office_name,
                               "fingerprint": card.fingerprint, "relation": relation,
                               "replaced": row is not None and row[0] not in (None, public)})
    return card


def _set_relation(conn: sqlite3.Connection, me: str, other: str, relation: str | None) -> None:
    if relation == "upper":
        conn.execute("UPDATE office SET parent_code = ? WHERE code = ?", (other, me))
    elif relation == "lower":
        conn.execute("UPDATE office SET parent_code = ? WHERE code = ?", (me, other))


def trusted_keys(conn: sqlite3.Connection, me: str
                 ) -> Callable[[str, str], Optional[Ed25519PublicKey]]:
    """Sender code -> its trusted public key (our own for another workstation of ours)."""
    def lookup(code: str, key_id: str) -> Optional[Ed25519PublicKey]:
        row = conn.execute("SELECT public_key, trusted_at, is_self FROM office WHERE code = ?",
                           (code,)).fetchone()
        if row is None or not row[0] or (not row[2] and not row[1]):
            return None
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(row[0]))
    return lookup


def is_trusted(conn: sqlite3.Connection, code: str) -> bool:
    row = conn.execute("SELECT public_key, trusted_at FROM office WHERE code = ?",
                       (code,)).fetchone()
    return row is not None and bool(row[0]) and bool(row[1])


def list_offices(conn: sqlite3.Connection) -> list[TrustedOffice]:
    from .scope import RELATION_LABELS, relation
    me = conn.execute("SELECT code FROM office WHERE is_self = 1").fetchone()
    out = []
    for row in conn.execute("SELECT code, name, public_key, trusted_at, is_self FROM office"
                            " WHERE is_self = 0 AND public_key IS NOT NULL ORDER BY code"):
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(row["public_key"]))
        rel = relation(conn, me[0], row["code"]) if me else None
        out.append(TrustedOffice(row["code"], row["name"], fingerprint(key),
                                 row["trusted_at"] or "", RELATION_LABELS.get(rel, "")))
    return out
