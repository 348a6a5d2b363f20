"""Encryption of backups with the office passphrase, without keeping the passphrase.

Backups are written automatically (at start, at the end of the day, before a
restore or an import), when nobody is there to type a passphrase. So the office
key is a pair: the X25519 public key sits in the database and every backup is
sealed to it; the private key is kept only wrapped under the passphrase
(Argon2id → AES-256-GCM), in the settings and again in every backup's header.
Restoring therefore needs the passphrase and nothing else, even on a freshly
reimaged machine, and a thief of the data folder's backups learns nothing.

Per backup: an ephemeral X25519 key, HKDF-SHA256 over the shared secret gives
the file key; the payload is AES-256-GCM in the STREAM construction (64 KiB
chunks, nonce = 7-byte prefix ‖ chunk index ‖ last flag, the header as AAD), so
a cut, an extension or a flipped bit anywhere is refused. This module is kept
apart from ``exchange/`` on purpose: a backup must stay readable for years
whatever the exchange format becomes.
"""
from __future__ import annotations

import base64
import os
import unicodedata
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from desktop_app.errors import UserFacingError

CHUNK = 64 * 1024
TAG = 16
PREFIX = 7
ALG = "x25519-hkdf-sha256/aes-256-gcm-stream-64k"
WRAP_AAD = b"taizhang backup key v1"
# Writer cost 64 MiB × 3 passes (~0.2 s); a reader refuses more than these bounds,
# because the parameters come from a file that may have been tampered with.
KDF_DEFAULT = {"t": 3, "m": 64 * 1024, "p": 1}
KDF_MAX = {"t": 20, "m": 1024 * 1024, "p": 8}


class BackupDamaged(UserFacingError):
    """The backup file is truncated, altered or not a backup."""


class WrongPassphrase(UserFacingError):
    """The passphrase does not open this backup."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text) -> bytes:
    try:
        return base64.b64decode(str(text), validate=True)
    except ValueError:
        raise BackupDamaged("备份文件头已损坏（编码错误）。") from None


def _raw(pub: X25519PublicKey) -> bytes:
    return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _passkey(passphrase: str, kdf: dict) -> bytes:
    for name, high in KDF_MAX.items():
        value = kdf.get(name)
        if type(value) is not int or not 1 <= value <= high:
            raise BackupDamaged("备份文件头中的口令参数超出范围，文件可能被改动。")
    salt = unb64(kdf.get("salt")) if isinstance(kdf.get("salt"), str) else b""
    if kdf["m"] < 8 * kdf["p"] or len(salt) != 16:
        raise BackupDamaged("备份文件头中的口令参数无效，文件可能被改动。")
    secret = unicodedata.normalize("NFC", passphrase or "").encode("utf-8")
    return Argon2id(salt=salt, length=32, iterations=kdf["t"], lanes=kdf["p"],
                    memory_cost=kdf["m"]).derive(secret)


def new_office_key(passphrase: str) -> dict:
    """A fresh key pair; returns what is stored: the public key and the wrapped private key."""
    private = X25519PrivateKey.generate()
    pub = _raw(private.public_key())
    kdf = {"alg": "argon2id", "salt": b64(os.urandom(16))} | KDF_DEFAULT
    nonce = os.urandom(12)
    raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    sealed = AESGCM(_passkey(passphrase, kdf)).encrypt(nonce, raw, WRAP_AAD + pub)
    return {"public": b64(pub), "kdf": kdf, "nonce": b64(nonce), "sealed": b64(sealed)}


def unwrap(office_key: dict, passphrase: str) -> X25519PrivateKey:
    try:
        pub, kdf = unb64(office_key["public"]), office_key["kdf"]
        nonce, sealed = unb64(office_key["nonce"]), unb64(office_key["sealed"])
    except (KeyError, TypeError):
        raise BackupDamaged("备份文件头中缺少密钥信息，文件可能被改动。") from None
    if not isinstance(kdf, dict) or kdf.get("alg") != "argon2id":
        raise BackupDamaged("备份文件头中的口令参数无效。")
    try:
        raw = AESGCM(_passkey(passphrase, kdf)).decrypt(nonce, sealed, WRAP_AAD + pub)
    except InvalidTag:
        raise WrongPassphrase("备份口令不正确（或备份文件头被改动）。") from None
    private = X25519PrivateKey.from_private_bytes(raw)
    if _raw(private.public_key()) != pub:
        raise BackupDamaged("备份密钥不一致，文件可能被改动。")
    return private


def _file_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=ephemeral + recipient,
                info=b"taizhang backup file key v1").derive(shared)


def seal_to(office_key: dict) -> tuple[dict, bytes]:
    """(the header's encryption block without the key wrap, the file key)."""
    recipient = unb64(office_key["public"])
    eph = X25519PrivateKey.generate()
    eph_pub = _raw(eph.public_key())
    shared = eph.exchange(X25519PublicKey.from_public_bytes(recipient))
    block = {"alg": ALG, "ephemeral": b64(eph_pub), "nonce_prefix": b64(os.urandom(PREFIX)),
             "office_key": office_key}
    return block, _file_key(shared, eph_pub, recipient)


def open_with(block: dict, passphrase: str) -> bytes:
    """The file key of a backup, from its header block and the passphrase."""
    if not isinstance(block, dict) or block.get("alg") != ALG:
        raise BackupDamaged("备份使用了本程序不认识的加密方式。")
    try:
        private = unwrap(block.get("office_key") or {}, passphrase)
        eph = unb64(block.get("ephemeral"))
        shared = private.exchange(X25519PublicKey.from_public_bytes(eph))
    except (ValueError, TypeError, KeyError):     # wrong lengths or types in a damaged header
        raise BackupDamaged("备份文件头中的密钥信息已损坏。") from None
    return _file_key(shared, eph, _raw(private.public_key()))


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class SealingWriter:
    """A write-only file object that seals what it is given, chunk by chunk. The
    last chunk is known only at ``close``, so one chunk is held back."""

    def __init__(self, dst: BinaryIO, key: bytes, prefix: bytes, aad: bytes):
        self.dst, self.aead, self.prefix, self.aad = dst, AESGCM(key), prefix, aad
        self.buf, self.index = bytearray(), 0

    def write(self, data) -> int:
        self.buf += data
        while len(self.buf) > CHUNK:
            self._emit(bytes(self.buf[:CHUNK]), last=False)
            del self.buf[:CHUNK]
        return len(data)

    def _emit(self, plain: bytes, last: bool) -> None:
        self.dst.write(self.aead.encrypt(_nonce(self.prefix, self.index, last), plain, self.aad))
        self.index += 1

    def close(self) -> None:
        self._emit(bytes(self.buf), last=True)
        self.buf = bytearray()

    def flush(self) -> None:
        pass


class OpeningReader:
    """A read-only file object that opens a STREAM-sealed payload to its end."""

    def __init__(self, src: BinaryIO, key: bytes, prefix: bytes, aad: bytes):
        self.src, self.aead, self.prefix, self.aad = src, AESGCM(key), prefix, aad
        self.index, self.out, self.done = 0, bytearray(), False
        self.pending = self._read_chunk()

    def _read_chunk(self) -> bytes:
        parts, left = [], CHUNK + TAG
        while left:
            data = self.src.read(left)
            if not data:
                break
            parts.append(data)
            left -= len(data)
        return b"".join(parts)

    def _next(self) -> None:
        sealed = self.pending
        if len(sealed) < TAG:
            raise BackupDamaged("备份文件不完整（被截断）。")
        self.pending = self._read_chunk() if len(sealed) == CHUNK + TAG else b""
        last = not self.pending
        try:
            self.out += self.aead.decrypt(_nonce(self.prefix, self.index, last), sealed, self.aad)
        except InvalidTag:
            raise BackupDamaged(f"备份文件已损坏或被改动（第 {self.index + 1} 个数据块校验失败，"
                                "或文件被截断）。") from None
        self.index += 1
        self.done = last

    def read(self, n: int = -1) -> bytes:
        while not self.done and (n < 0 or len(self.out) < n):
            self._next()
        n = len(self.out) if n < 0 else min(n, len(self.out))
        data = bytes(self.out[:n])
        del self.out[:n]
        return data
