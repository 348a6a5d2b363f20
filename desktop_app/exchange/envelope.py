"""The binary envelope of a ``.tzx``/``.tzr`` package (exchange.md §3.2) and its header.

Layout::

    offset 0   magic       8 B  b"TZPKG\\0" + major (1 B) + b"\\n"
    offset 8   header_len  4 B  u32be, 1 .. 64 KiB
    offset 12  header      canonical JSON (jsonsafe.canonical_json)
               signature   64 B Ed25519 over magic ‖ header_len ‖ header
               payload     STREAM ciphertext (stream.py), exactly ``payload_len`` bytes

API
---
``read_header(path, *, known_capabilities=KNOWN_CAPABILITIES) -> (header, RawHeader)``
    Shape only: magic, major, length caps, JSON caps, canonical form, required fields and
    their types, unknown required capability, ``aad_sha256``.  No key is needed, so the
    drive listing uses it too.  Raises ``PackageRejected``.
``parse_header(fh, file_size, known_capabilities)`` — the same on an open file, so that
    verification reads header and payload through one handle.
``aad_bytes(header)`` — canonical header minus ``AAD_EXCLUDED``.
``signed_bytes(header_bytes)`` — magic ‖ header_len ‖ header, what the signature covers.

Capabilities: a list of names.  A name starting with ``opt-`` is an optional hint that a
reader may ignore; any other name the reader does not know makes it refuse (R8).  The
package layer itself needs none; the import layer passes the ones it knows.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Collection

from .errors import PackageRejected
from .jsonsafe import canonical_json, loads_strict
from .keys import is_office_code, is_utc_text
from .limits import (FORMAT_MAJOR, HEADER_LEN_SIZE, HEADER_MAX, MAGIC_LEN, MAGIC_PREFIX,
                     NONCE_PREFIX_LEN, SIGNATURE_LEN)
from .stream import cipher_len, read_exact

AEAD_NAME = "aes-256-gcm-stream-64k"
KINDS = frozenset({"delta", "full", "receipt", "templates"})
AAD_EXCLUDED = frozenset({"aad_sha256", "payload_len", "payload_sha256"})
KNOWN_CAPABILITIES: frozenset[str] = frozenset()
OPTIONAL_CAPABILITY_PREFIX = "opt-"
MAX_SEQ = 2 ** 53
_HEX64 = re.compile(r"[0-9a-f]{64}", re.ASCII)
_KEY_ID = re.compile(r"\d{4}(-\d{4}){5}", re.ASCII)
_CAPABILITY = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}", re.ASCII)


def magic(major: int = FORMAT_MAJOR) -> bytes:
    return MAGIC_PREFIX + bytes([major]) + b"\n"


def signed_bytes(header_bytes: bytes) -> bytes:
    return magic() + len(header_bytes).to_bytes(HEADER_LEN_SIZE, "big") + header_bytes


def aad_bytes(header: dict[str, Any]) -> bytes:
    return canonical_json({k: v for k, v in header.items() if k not in AAD_EXCLUDED})


@dataclass(frozen=True)
class RawHeader:
    header_bytes: bytes
    signed: bytes          # magic ‖ header_len ‖ header
    signature: bytes
    payload_offset: int
    file_size: int


def _bad(detail: str) -> PackageRejected:
    return PackageRejected("bad_header", detail)


def _need(header: dict, name: str, kind: type) -> Any:
    value = header.get(name)
    # bool is an int subclass; a header saying "seq": true is malformed, not seq 1.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _bad(f"字段 {name} 缺失或类型错误")
    return value


def _check_int(header: dict, name: str, low: int, high: int) -> int:
    value = _need(header, name, int)
    if not low <= value <= high:
        raise _bad(f"字段 {name} 超出范围")
    return value


def _check_capabilities(header: dict, known: Collection[str]) -> None:
    caps = _need(header, "capabilities", list)
    if len(caps) > 32 or len(set(map(str, caps))) != len(caps):
        raise _bad("capabilities 过多或重复")
    for cap in caps:
        if not isinstance(cap, str) or _CAPABILITY.fullmatch(cap) is None:
            raise _bad("capabilities 名称不正确")
        if cap not in known and not cap.startswith(OPTIONAL_CAPABILITY_PREFIX):
            raise PackageRejected("capability_unsupported", cap)


def _check_vectors(header: dict) -> None:
    scope = _need(header, "scope", list)
    if len(scope) > 256 or not all(isinstance(s, str) and 0 < len(s) <= 64 for s in scope):
        raise _bad("scope 格式不正确")
    base = _need(header, "base_vector", dict)
    for part, vector in base.items():
        if not isinstance(vector, dict) or len(part) > 64:
            raise _bad("base_vector 格式不正确")
        for instance, counter in vector.items():
            if (len(instance) > 64 or not isinstance(counter, int)
                    or isinstance(counter, bool) or not 0 <= counter <= MAX_SEQ):
                raise _bad("base_vector 格式不正确")


def _check_identity(header: dict) -> None:
    package_id = _need(header, "package_id", str)
    try:
        canonical_id = str(uuid.UUID(package_id))
    except ValueError:
        canonical_id = ""
    if canonical_id != package_id:
        raise _bad("package_id 不是规范的 UUID")
    for name in ("sender", "recipient"):
        if not is_office_code(header.get(name)):
            raise _bad(f"{name} 单位代码格式不正确")
    if _need(header, "kind", str) not in KINDS:
        raise _bad("kind 不正确")
    if not is_utc_text(header.get("created_utc")):
        raise _bad("created_utc 格式不正确")
    _check_int(header, "seq", 0, MAX_SEQ)
    if not 0 < len(_need(header, "app_version", str)) <= 32:
        raise _bad("app_version 格式不正确")


def _check_crypto_fields(header: dict) -> None:
    if header.get("aead") != AEAD_NAME:
        raise _bad("aead 不受支持")
    _need(header, "kdf", dict)
    try:
        prefix = base64.b64decode(_need(header, "nonce_prefix", str), validate=True)
    except (binascii.Error, ValueError):
        prefix = b""
    if len(prefix) != NONCE_PREFIX_LEN:
        raise _bad("nonce_prefix 不正确")
    plain_len = _check_int(header, "plain_len", 0, 2 ** 62)
    if _check_int(header, "payload_len", 0, 2 ** 63) != cipher_len(plain_len):
        raise _bad("payload_len 与 plain_len 不符")
    for name in ("aad_sha256", "payload_sha256"):
        if _HEX64.fullmatch(_need(header, name, str)) is None:
            raise _bad(f"{name} 格式不正确")
    if _KEY_ID.fullmatch(_need(header, "sender_key_id", str)) is None:
        raise _bad("sender_key_id 格式不正确")


def validate_header(header: Any, known_capabilities: Collection[str]) -> dict[str, Any]:
    """Shape and type of every header field; raises ``PackageRejected``."""
    if not isinstance(header, dict):
        raise _bad("头部不是 JSON 对象")
    if _need(header, "format", int) != FORMAT_MAJOR:
        raise PackageRejected("format_unsupported", f"format={header['format']}")
    schema = _check_int(header, "schema_version", 1, 1_000_000)
    if "min_reader_schema" in header:
        _check_int(header, "min_reader_schema", 1, schema)
    _check_capabilities(header, known_capabilities)
    _check_identity(header)
    _check_vectors(header)
    _check_crypto_fields(header)
    if hashlib.sha256(aad_bytes(header)).hexdigest() != header["aad_sha256"]:
        raise _bad("aad_sha256 不符")
    return header


def _read_fixed(fh: BinaryIO, size: int, what: str) -> bytes:
    data = read_exact(fh, size)
    if len(data) != size:
        raise PackageRejected("truncated", f"{what}不完整")
    return data


def _check_magic(head: bytes) -> None:
    if head[:len(MAGIC_PREFIX)] != MAGIC_PREFIX[:len(head)]:
        raise PackageRejected("bad_magic")
    if len(head) < MAGIC_LEN:
        raise PackageRejected("truncated", "文件头不完整")
    if head[MAGIC_LEN - 1:] != b"\n":
        raise PackageRejected("bad_magic")
    if head[len(MAGIC_PREFIX)] != FORMAT_MAJOR:
        raise PackageRejected("format_unsupported", f"容器主版本 {head[len(MAGIC_PREFIX)]}")


def parse_header(fh: BinaryIO, file_size: int,
                 known_capabilities: Collection[str] = KNOWN_CAPABILITIES
                 ) -> tuple[dict[str, Any], RawHeader]:
    """Read and shape-check the header at the current position (offset 0) of ``fh``."""
    head = read_exact(fh, MAGIC_LEN)
    _check_magic(head)
    length_bytes = _read_fixed(fh, HEADER_LEN_SIZE, "头部长度")
    header_len = int.from_bytes(length_bytes, "big")
    if header_len > HEADER_MAX:
        raise PackageRejected("header_too_large", f"{header_len} 字节")
    if header_len == 0:
        raise _bad("头部为空")
    header_bytes = _read_fixed(fh, header_len, "头部")
    signature = _read_fixed(fh, SIGNATURE_LEN, "签名")
    try:
        header = loads_strict(header_bytes)
    except ValueError as exc:
        raise _bad(str(exc)) from exc
    # Only the canonical form is accepted, so the AAD both sides compute is one byte string.
    if not isinstance(header, dict) or canonical_json(header) != header_bytes:
        raise _bad("头部不是规范 JSON")
    validate_header(header, known_capabilities)
    raw = RawHeader(header_bytes, head + length_bytes + header_bytes, signature,
                    MAGIC_LEN + HEADER_LEN_SIZE + header_len + SIGNATURE_LEN, file_size)
    return header, raw


def read_header(path: Path | str,
                known_capabilities: Collection[str] = KNOWN_CAPABILITIES
                ) -> tuple[dict[str, Any], RawHeader]:
    """Parse the header of the package at ``path``; see module docstring."""
    with open(path, "rb") as fh:
        return parse_header(fh, os.fstat(fh.fileno()).st_size, known_capabilities)
