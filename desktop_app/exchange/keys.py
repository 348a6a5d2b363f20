"""Office signing keys, office cards and fingerprints (exchange.md §3.7).

API
---
``generate_office_key() -> Ed25519PrivateKey``
``private_key_to_pem(key, admin_passphrase) -> bytes`` — PKCS#8 PEM, encrypted with
    ``BestAvailableEncryption`` under the NFC-normalised admin passphrase.
``load_private_key(pem, admin_passphrase) -> Ed25519PrivateKey`` — ``KeyMaterialError``
    with a Chinese message on a wrong passphrase, an unencrypted or a non-Ed25519 key.
``save_private_key(path, key, pass)`` / ``load_private_key_file(path, pass)`` — the same
    through a file, written atomically with mode 0600.
``OfficeCard`` — office code, office name, raw public key, creation time;
    ``to_json()`` / ``from_json(bytes)``, ``save(path)`` / ``load(path)``, strict.
``fingerprint(public_key) -> str`` — "1234-5678-9012-3456-7890-1234".
``normalize_passphrase(text) -> bytes`` — NFC, UTF-8.

Fingerprint choice: six groups of four decimal digits.  Clerks read digits over the phone
far more reliably than English-like syllables (proquints) or hex; 24 digits carry about
79.7 bits, so forging a key that matches a given office's fingerprint (a second
preimage) costs around 2^80 key generations.  Each group is 5 bytes of SHA-256(raw key)
taken modulo 10 000, the bias of which (< 10^-8) is irrelevant.  The same string is the
``sender_key_id`` in package headers.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey, Ed25519PublicKey)

from .errors import KeyMaterialError
from .jsonsafe import canonical_json, loads_strict

OFFICE_CODE_RE = re.compile(r"[A-Z0-9][A-Z0-9-]{1,31}", re.ASCII)
CARD_FORMAT = "taizhang-office-card"
CARD_VERSION = 1
CARD_MAX_BYTES = 4096
OFFICE_NAME_MAX = 64
UTC_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", re.ASCII)


def normalize_passphrase(text: str) -> bytes:
    """NFC so that the same passphrase typed through different IMEs derives one key."""
    return unicodedata.normalize("NFC", text).encode("utf-8")


def is_office_code(code: object) -> bool:
    return isinstance(code, str) and OFFICE_CODE_RE.fullmatch(code) is not None


def utc_now_text() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_utc_text(text: object) -> bool:
    if not isinstance(text, str) or UTC_RE.fullmatch(text) is None:
        return False
    try:
        datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return False
    return True


def generate_office_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_key_raw(key: Ed25519PublicKey | Ed25519PrivateKey) -> bytes:
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """Six groups of four digits, to be read aloud when two offices pair by phone."""
    digest = hashlib.sha256(public_key_raw(key)).digest()
    groups = [int.from_bytes(digest[i:i + 5], "big") % 10_000 for i in range(0, 30, 5)]
    return "-".join(f"{g:04d}" for g in groups)


def private_key_to_pem(key: Ed25519PrivateKey, admin_passphrase: str) -> bytes:
    if not admin_passphrase:
        raise KeyMaterialError("管理员口令不能为空。")
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(normalize_passphrase(admin_passphrase)))


def load_private_key(pem: bytes, admin_passphrase: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(
            pem, password=normalize_passphrase(admin_passphrase) or None)
    except TypeError as exc:   # unencrypted key, or a passphrase given for none
        raise KeyMaterialError("私钥文件未加密或口令缺失，拒绝使用。") from exc
    except ValueError as exc:
        raise KeyMaterialError("管理员口令不正确，或私钥文件已损坏。") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyMaterialError("私钥类型不是 Ed25519，拒绝使用。")
    return key


def _write_atomic(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def save_private_key(path: Path | str, key: Ed25519PrivateKey, admin_passphrase: str) -> None:
    _write_atomic(Path(path), private_key_to_pem(key, admin_passphrase), 0o600)


def load_private_key_file(path: Path | str, admin_passphrase: str) -> Ed25519PrivateKey:
    data = Path(path).read_bytes()
    return load_private_key(data, admin_passphrase)


def _card_error(detail: str) -> KeyMaterialError:
    return KeyMaterialError(f"单位名片文件无效：{detail}")


@dataclass(frozen=True)
class OfficeCard:
    """What one office hands another on the first USB trip: who it is and its public key."""
    office_code: str
    office_name: str
    public_key: bytes     # raw 32-byte Ed25519 key
    created: str          # UTC, "YYYY-MM-DDTHH:MM:SSZ"

    def __post_init__(self) -> None:
        if not is_office_code(self.office_code):
            raise _card_error("单位代码格式不正确")
        name = self.office_name
        if (not isinstance(name, str) or not 0 < len(name) <= OFFICE_NAME_MAX
                or name != unicodedata.normalize("NFC", name)
                or any(unicodedata.category(c).startswith("C") for c in name)):
            raise _card_error("单位名称为空、过长或含控制字符")
        if not isinstance(self.public_key, bytes) or len(self.public_key) != 32:
            raise _card_error("公钥长度不是 32 字节")
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key)
        except ValueError as exc:
            raise _card_error("公钥无效") from exc
        if not is_utc_text(self.created):
            raise _card_error("创建时间格式不正确")

    @classmethod
    def for_key(cls, office_code: str, office_name: str,
                key: Ed25519PrivateKey | Ed25519PublicKey) -> "OfficeCard":
        name = unicodedata.normalize("NFC", office_name)
        return cls(office_code, name, public_key_raw(key), utc_now_text())

    def public(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.public_key)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public())

    def to_json(self) -> bytes:
        return canonical_json({
            "format": CARD_FORMAT, "version": CARD_VERSION,
            "office_code": self.office_code, "office_name": self.office_name,
            "public_key": base64.b64encode(self.public_key).decode("ascii"),
            "created": self.created, "fingerprint": self.fingerprint,
        })

    @classmethod
    def from_json(cls, data: bytes) -> "OfficeCard":
        if len(data) > CARD_MAX_BYTES:
            raise _card_error("文件过大")
        try:
            obj = loads_strict(data, max_depth=2)
        except ValueError as exc:
            raise _card_error(str(exc)) from exc
        expected = {"format", "version", "office_code", "office_name", "public_key",
                    "created", "fingerprint"}
        if not isinstance(obj, dict) or set(obj) != expected:
            raise _card_error("字段不符")
        if obj["format"] != CARD_FORMAT or obj["version"] != CARD_VERSION:
            raise _card_error("不是本程序的单位名片或版本不支持")
        if not isinstance(obj["public_key"], str) or len(obj["public_key"]) > 64:
            raise _card_error("公钥格式不正确")
        try:
            raw = base64.b64decode(obj["public_key"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise _card_error("公钥不是有效的 Base64") from exc
        card = cls(obj["office_code"], obj["office_name"], raw, obj["created"])
        # The printed fingerprint must be the real one, or the phone check would confirm
        # a number that does not belong to this key.
        if obj["fingerprint"] != card.fingerprint:
            raise _card_error("指纹与公钥不符")
        return card

    def save(self, path: Path | str) -> None:
        _write_atomic(Path(path), self.to_json(), 0o644)

    @classmethod
    def load(cls, path: Path | str) -> "OfficeCard":
        with open(path, "rb") as fh:
            data = fh.read(CARD_MAX_BYTES + 1)
        return cls.from_json(data)
