"""Write and verify/decrypt whole packages: the streaming API the export/import code uses.

``write_package(out_path, app_header, plain_source, signing_key, passphrase, *,
kdf_cost=None, progress=None, cancel=None) -> PackageInfo``
    ``app_header`` holds the application fields (``schema_version``, optionally
    ``min_reader_schema``, ``app_version``, ``sender``, ``recipient``, ``seq``, ``kind``,
    ``scope``, ``base_vector``, optionally ``capabilities``, ``package_id``,
    ``created_utc``); this function adds ``format``, the defaults and every crypto field.
    ``plain_source`` is a path or a seekable binary file positioned at the start of the
    inner archive.  Memory stays at a few chunks.  The file appears at ``out_path`` only
    when complete (``.partial`` + fsync + rename); on any failure nothing is left.

    ``payload_len`` is known before encrypting (it follows from ``plain_len``), so the
    header's length is known too: the payload is written first at its final offset, then
    the header with the real ``payload_sha256`` and the signature are written in front.
    That saves the temp-file copy of the whole payload that signing "after encryption"
    would otherwise need.

``verify_and_decrypt(path, *, trusted, me, passphrase_provider, out_plain, known_schema,
known_capabilities=KNOWN_CAPABILITIES, kdf_bounds=DEFAULT_KDF_BOUNDS, progress=None,
cancel=None) -> header``
    In this order (exchange.md §3.4 step 3, then 5): header shape → sender known and key
    id matches → Ed25519 signature → ``recipient == me`` → payload length and SHA-256 →
    schema (``schema_version`` or ``min_reader_schema`` ≤ ``known_schema``) → KDF bounds →
    only then ``passphrase_provider()`` (so an untrusted or damaged package never
    prompts) → STREAM decryption into ``out_plain`` → ``plain_len`` check.
    ``trusted`` is a mapping office code → ``Ed25519PublicKey`` or a callable
    ``(office_code, key_id) -> Ed25519PublicKey | None`` (for rotation/revocation).
    A provider returning ``None`` means the user cancelled (``Cancelled``).
    Refusals raise ``PackageRejected``; disk trouble raises ``MediaError``.  On refusal
    ``out_plain`` may hold a partial plaintext: the caller discards its staging.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import os
import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable, Collection, Mapping, Optional, Union

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey, Ed25519PublicKey)

from desktop_app.errors import Cancelled

from . import envelope
from .envelope import KNOWN_CAPABILITIES, RawHeader
from .errors import KeyMaterialError, PackageRejected, disk_error
from .jsonsafe import canonical_json
from .kdf import DEFAULT_COST, Argon2Cost, check_kdf, derive_key, new_kdf_params
from .keys import fingerprint, utc_now_text
from .limits import DEFAULT_KDF_BOUNDS, NONCE_PREFIX_LEN, SIGNATURE_LEN, KdfBounds
from .meter import CancelFn, Meter, ProgressFn
from .stream import cipher_len, decrypt_stream, encrypt_stream

log = logging.getLogger(__name__)

CRYPTO_FIELDS = frozenset({"format", "kdf", "aead", "nonce_prefix", "plain_len",
                           "aad_sha256", "payload_len", "payload_sha256", "sender_key_id"})
TrustedKeys = Union[Mapping[str, Ed25519PublicKey],
                    Callable[[str, str], Optional[Ed25519PublicKey]]]
_READ_BLOCK = 1024 * 1024


@dataclass(frozen=True)
class PackageInfo:
    path: Path
    header: dict[str, Any]
    size: int

    @property
    def package_id(self) -> str:
        return self.header["package_id"]


def build_header(app_header: Mapping[str, Any], signing_key: Ed25519PrivateKey,
                 plain_len: int, cost: Argon2Cost) -> dict[str, Any]:
    """Complete header with a placeholder ``payload_sha256`` of the final length."""
    clash = CRYPTO_FIELDS & set(app_header)
    if clash:
        raise ValueError(f"app_header must not set {sorted(clash)}")
    header = {"capabilities": [], "package_id": str(uuid.uuid4()),
              "created_utc": utc_now_text(), **app_header}
    header.update({
        "format": envelope.FORMAT_MAJOR, "kdf": new_kdf_params(cost),
        "aead": envelope.AEAD_NAME,
        "nonce_prefix": base64.b64encode(os.urandom(NONCE_PREFIX_LEN)).decode("ascii"),
        "plain_len": plain_len, "payload_len": cipher_len(plain_len),
        "payload_sha256": "0" * 64, "sender_key_id": fingerprint(signing_key),
    })
    header["aad_sha256"] = hashlib.sha256(envelope.aad_bytes(header)).hexdigest()
    try:   # the writer must never produce what the reader refuses
        envelope.validate_header(header, set(header["capabilities"]))
    except PackageRejected as exc:
        raise ValueError(f"invalid app_header: {exc.detail or exc.reason}") from exc
    return header


def _source_length(src: BinaryIO) -> int:
    start = src.tell()
    end = src.seek(0, os.SEEK_END)
    src.seek(start)
    return end - start


def _write_body(dst: BinaryIO, header: dict[str, Any], key: bytes, src: BinaryIO,
                signing_key: Ed25519PrivateKey, meter: Meter) -> None:
    placeholder = canonical_json(header)
    dst.seek(len(envelope.signed_bytes(placeholder)) + SIGNATURE_LEN)
    header["payload_sha256"] = encrypt_stream(
        key, base64.b64decode(header["nonce_prefix"]), envelope.aad_bytes(header),
        src, dst, header["plain_len"], meter)
    final = canonical_json(header)
    assert len(final) == len(placeholder), "header length changed after encryption"
    signed = envelope.signed_bytes(final)
    dst.seek(0)
    dst.write(signed + signing_key.sign(signed))


def write_package(out_path: Path | str, app_header: Mapping[str, Any],
                  plain_source: Path | str | BinaryIO, signing_key: Ed25519PrivateKey,
                  passphrase: str, *, kdf_cost: Argon2Cost | None = None,
                  progress: ProgressFn = None, cancel: CancelFn = None) -> PackageInfo:
    """Encrypt, sign and write one package; see module docstring."""
    if not passphrase:
        raise KeyMaterialError("交换口令不能为空。")
    out = Path(out_path)
    partial = out.with_name(out.name + ".partial")
    with ExitStack() as stack:
        src = plain_source if hasattr(plain_source, "read") else \
            stack.enter_context(open(plain_source, "rb"))
        plain_len = _source_length(src)
        header = build_header(app_header, signing_key, plain_len, kdf_cost or DEFAULT_COST)
        key = derive_key(header["kdf"], passphrase)
        meter = Meter(header["payload_len"], progress, cancel)
        try:
            with open(partial, "w+b") as dst:
                _write_body(dst, header, key, src, signing_key, meter)
                dst.flush()
                os.fsync(dst.fileno())
            os.replace(partial, out)
        except BaseException as exc:
            partial.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise disk_error(exc, "本机磁盘") from exc
            raise
    size = out.stat().st_size
    log.info("package %s written: %s (%d bytes)", header["package_id"], out, size)
    return PackageInfo(out, header, size)


def _sender_key(trusted: TrustedKeys, sender: str, key_id: str) -> Ed25519PublicKey:
    key = trusted(sender, key_id) if callable(trusted) else trusted.get(sender)
    if key is None:
        raise PackageRejected("untrusted_sender", sender)
    if fingerprint(key) != key_id:
        raise PackageRejected("sender_key_mismatch", sender)
    return key


def _check_payload(fh: BinaryIO, header: dict[str, Any], raw: RawHeader,
                   meter: Meter) -> None:
    actual = raw.file_size - raw.payload_offset
    if actual < header["payload_len"]:
        raise PackageRejected("truncated", f"缺少 {header['payload_len'] - actual} 字节")
    if actual > header["payload_len"]:
        raise PackageRejected("payload_mismatch", "文件末尾有多余数据")
    digest = hashlib.sha256()
    fh.seek(raw.payload_offset)
    while block := fh.read(_READ_BLOCK):
        digest.update(block)
        meter(len(block))
    if digest.hexdigest() != header["payload_sha256"]:
        raise PackageRejected("payload_mismatch")


def _check_schema(header: dict[str, Any], known_schema: int) -> None:
    if header["schema_version"] <= known_schema:
        return
    if header.get("min_reader_schema", header["schema_version"]) <= known_schema:
        return
    raise PackageRejected("schema_too_new",
                          f"数据版本 {header['schema_version']}，本程序支持 {known_schema}")


def _authenticate(fh: BinaryIO, trusted: TrustedKeys, me: str, known_schema: int,
                  known_capabilities: Collection[str], kdf_bounds: KdfBounds,
                  meter: Meter) -> tuple[dict[str, Any], RawHeader]:
    """Everything that needs no passphrase, in the order of the module docstring."""
    header, raw = envelope.parse_header(fh, os.fstat(fh.fileno()).st_size,
                                        known_capabilities)
    meter.total = 2 * header["payload_len"]
    key = _sender_key(trusted, header["sender"], header["sender_key_id"])
    try:
        key.verify(raw.signature, raw.signed)
    except InvalidSignature:
        raise PackageRejected("bad_signature") from None
    if header["recipient"] != me:
        raise PackageRejected("wrong_recipient", f"收件单位 {header['recipient']}")
    _check_payload(fh, header, raw, meter)
    _check_schema(header, known_schema)
    check_kdf(header["kdf"], kdf_bounds)
    return header, raw


def verify_and_decrypt(path: Path | str, *, trusted: TrustedKeys, me: str,
                       passphrase_provider: Callable[[], Optional[str]],
                       out_plain: BinaryIO, known_schema: int,
                       known_capabilities: Collection[str] = KNOWN_CAPABILITIES,
                       kdf_bounds: KdfBounds = DEFAULT_KDF_BOUNDS,
                       progress: ProgressFn = None, cancel: CancelFn = None
                       ) -> dict[str, Any]:
    """Authenticate then decrypt the package at ``path``; see module docstring."""
    meter = Meter(0, progress, cancel)
    try:
        with open(path, "rb") as fh:
            header, raw = _authenticate(fh, trusted, me, known_schema,
                                        known_capabilities, kdf_bounds, meter)
            passphrase = passphrase_provider()
            if passphrase is None:
                raise Cancelled()
            key = derive_key(header["kdf"], passphrase, kdf_bounds)
            fh.seek(raw.payload_offset)
            plain_len = decrypt_stream(key, base64.b64decode(header["nonce_prefix"]),
                                       envelope.aad_bytes(header), fh, out_plain, meter)
    except OSError as exc:
        raise disk_error(exc, "磁盘") from exc
    if plain_len != header["plain_len"]:
        raise PackageRejected("payload_mismatch", "明文长度不符")
    log.info("package %s from %s verified and decrypted", header["package_id"],
             header["sender"])
    return header
