"""Helpers for the package-layer tests: packages with tiny KDF cost, forged headers, and a
raw ZIP builder that can write what ``zipfile`` refuses to (NUL names, overlaps, forged
sizes, odd flags and methods)."""
from __future__ import annotations

import hashlib
import io
import json
import os
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from desktop_app.exchange import envelope
from desktop_app.exchange.jsonsafe import canonical_json
from desktop_app.exchange.kdf import Argon2Cost
from desktop_app.exchange.package import write_package

FAST_KDF = Argon2Cost(iterations=1, memory_kib=64, lanes=1)
PASS = "交换口令-2026"


def app_header(**overrides: Any) -> dict[str, Any]:
    header = {"schema_version": 3, "app_version": "0.1.0", "sender": "CNTY-07",
              "recipient": "CITY", "seq": 1, "kind": "delta", "scope": ["CNTY-07"],
              "base_vector": {"CNTY-07": {"inst-a": 4}}}
    header.update(overrides)
    return header


def make_package(out: Path, key, plain: bytes, *, passphrase: str = PASS,
                 **header_overrides: Any):
    return write_package(out, app_header(**header_overrides), io.BytesIO(plain), key,
                         passphrase, kdf_cost=FAST_KDF)


class Provider:
    """A passphrase provider that remembers whether it was asked."""

    def __init__(self, answer: str | None = PASS):
        self.answer = answer
        self.calls = 0

    def __call__(self) -> str | None:
        self.calls += 1
        return self.answer


def split_package(data: bytes) -> tuple[dict, bytes]:
    header_len = int.from_bytes(data[8:12], "big")
    header = json.loads(data[12:12 + header_len])
    return header, data[12 + header_len + 64:]


def forge(src: Path, dst: Path, key, mutate: Callable[[dict], None], *,
          fix_aad: bool = True, major: int = envelope.FORMAT_MAJOR) -> None:
    """Rewrite ``src`` with a mutated header, correctly signed by ``key`` — what a trusted
    but hostile or newer sender could produce."""
    header, payload = split_package(src.read_bytes())
    mutate(header)
    if fix_aad:
        header["aad_sha256"] = hashlib.sha256(envelope.aad_bytes(header)).hexdigest()
    header_bytes = canonical_json(header)
    signed = envelope.magic(major) + len(header_bytes).to_bytes(4, "big") + header_bytes
    dst.write_bytes(signed + key.sign(signed) + payload)


# ---------------------------------------------------------------- raw ZIP building

@dataclass
class RawEntry:
    name: bytes
    data: bytes                       # the bytes stored (already compressed)
    method: int = 0
    crc: int = 0
    usize: int | None = None          # declared uncompressed size
    csize: int | None = None          # declared compressed size
    flags: int = 0
    external_attr: int = 0o600 << 16
    create_system: int = 3
    header_offset: int | None = None  # central-directory override


def stored(name: str | bytes, data: bytes, **kw: Any) -> RawEntry:
    raw = name.encode("utf-8") if isinstance(name, str) else name
    return RawEntry(raw, data, 0, zlib.crc32(data), len(data), len(data), **kw)


def deflated(name: str | bytes, data: bytes, **kw: Any) -> RawEntry:
    raw = name.encode("utf-8") if isinstance(name, str) else name
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    packed = comp.compress(data) + comp.flush()
    return RawEntry(raw, packed, 8, zlib.crc32(data), len(data), len(packed), **kw)


def write_raw_zip(path: Path, entries: list[RawEntry], *, zip64_end: bool = False,
                  prefix: bytes = b"", suffix: bytes = b"") -> None:
    out = bytearray()
    offsets = []
    for e in entries:
        offsets.append(len(out))
        csize = len(e.data) if e.csize is None else e.csize
        usize = len(e.data) if e.usize is None else e.usize
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, e.flags, e.method, 0, 0x21,
                           e.crc, csize, usize, len(e.name), 0) + e.name + e.data
    cd_start = len(out)
    for e, offset in zip(entries, offsets):
        csize = len(e.data) if e.csize is None else e.csize
        usize = len(e.data) if e.usize is None else e.usize
        out += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", (e.create_system << 8) | 20, 20,
                           e.flags, e.method, 0, 0x21, e.crc, csize, usize, len(e.name),
                           0, 0, 0, 0, e.external_attr,
                           offset if e.header_offset is None else e.header_offset) + e.name
    cd_size = len(out) - cd_start
    if zip64_end:   # the end records a > 4 GiB archive needs, on a small one
        eocd64 = len(out)
        out += struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, len(entries),
                           len(entries), cd_size, cd_start)
        out += struct.pack("<4sLQL", b"PK\x06\x07", 0, eocd64, 1)
        out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF,
                           0xFFFFFFFF, 0)
    else:
        out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                           cd_size, cd_start, 0)
    path.write_bytes(prefix + bytes(out) + suffix)


def manifest_for(files: dict[str, bytes], **extra: Any) -> dict[str, Any]:
    """A correct manifest for ``files`` (entry name -> content)."""
    tables = [n[8:-6] for n in files if n.startswith("records/")]
    return {"schema_version": 3,
            "sha256": {n: hashlib.sha256(d).hexdigest() for n, d in files.items()},
            "size": {n: len(d) for n, d in files.items()},
            "counts": {t: files[f"records/{t}.jsonl"].count(b"\n") for t in tables},
            "tables": tables,
            "attachments": [{"sha256": n[12:], "size": len(d), "mime": "application/pdf"}
                            for n, d in files.items() if n.startswith("attachments/")],
            **extra}


def sample_files() -> dict[str, bytes]:
    blob = os.urandom(2000)
    rows = b"".join(canonical_json({"id": f"r{i}", "标题": "谈话记录"}) + b"\n"
                    for i in range(20))
    return {"records/talk.jsonl": rows,
            f"attachments/{hashlib.sha256(blob).hexdigest()}": blob,
            "acks.json": canonical_json({"CNTY-07": {"inst-a": 9}})}


def write_archive(path: Path, files: dict[str, bytes], manifest: dict | None = None,
                  extra_entries: list[RawEntry] = (), **kw: Any) -> None:
    """Write ``files`` (deflated) + ``extra_entries`` + manifest.json with the raw builder."""
    manifest = manifest_for(files) if manifest is None else manifest
    entries = [deflated(n, d) for n, d in files.items()] + list(extra_entries)
    entries.append(deflated("manifest.json", canonical_json(manifest)))
    write_raw_zip(path, entries, **kw)


def zero_bomb(total: int, segment: int = 1 << 20) -> tuple[bytes, int]:
    """Raw DEFLATE of ``total`` zero bytes, built from one full-flushed segment repeated
    (a full flush resets the compressor, so the copies concatenate), and its CRC-32."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = comp.compress(bytes(segment)) + comp.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    count = total // segment
    crc = 0
    zeros = bytes(segment)
    for _ in range(count):
        crc = zlib.crc32(zeros, crc)
    return piece * count + final, crc


@dataclass
class FailingWriter(io.RawIOBase):
    """A file that fails with ``error`` once ``limit`` bytes have been written."""
    limit: int
    error: OSError
    written: int = 0
    sink: bytearray = field(default_factory=bytearray)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if self.written + len(data) > self.limit:
            raise self.error
        self.sink += data
        self.written += len(data)
        return len(data)

    def fileno(self) -> int:
        raise OSError("no fileno")
