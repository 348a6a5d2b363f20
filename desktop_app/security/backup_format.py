"""The backup file: one ``.tzb`` file per backup.

Layout::

    b"TZBACKUP" + version (1 B) + b"\\n"     10 B
    header length                           4 B, big-endian, at most 64 KiB
    header                                  UTF-8 JSON, sorted keys (readable without a key:
                                            date, office, record counts, sizes, hashes)
    payload                                 a tar stream (taizhang.db, then attachments/xx/sha),
                                            zlib-compressed, and when the office set a backup
                                            passphrase sealed with backup_crypto (header = AAD)
    trailer                                 b"TZBEND\x01\n" + SHA-256 of everything before it

One file is easy to copy to a USB drive and hard to half-copy unnoticed: the
header carries the SHA-256 and size of the database and the count and size of
the attachments, the trailer the SHA-256 of the whole file, and reading checks
all of them (attachments are named by their own SHA-256). The trailer makes any
changed byte count, even one that deflate would have decoded to the same data. Members are extracted by names this module builds, never by the
names in the file; anything but regular files with the expected names is
refused.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tarfile
import zlib
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from desktop_app.security.backup_crypto import (BackupDamaged, OpeningReader, SealingWriter,
                                                unb64)

MAGIC = b"TZBACKUP\x01\n"
HEADER_MAX = 64 * 1024
DB_MEMBER = "taizhang.db"
TRAILER_MAGIC = b"TZBEND\x01\n"
TRAILER_LEN = len(TRAILER_MAGIC) + 32
ATTACHMENT_RE = re.compile(r"attachments/([0-9a-f]{2})/([0-9a-f]{64})", re.ASCII)
COPY = 1 << 20
SUFFIX = ".tzb"


def header_bytes(header: dict) -> bytes:
    return json.dumps(header, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def write_header(fh: BinaryIO, header: dict) -> bytes:
    data = header_bytes(header)
    if len(data) > HEADER_MAX:
        raise ValueError("backup header too large")
    fh.write(MAGIC + len(data).to_bytes(4, "big") + data)
    return data


def read_header(fh: BinaryIO) -> tuple[dict, bytes]:
    """(header, its exact bytes); the file is left at the payload."""
    head = fh.read(len(MAGIC) + 4)
    if len(head) < len(MAGIC) + 4 or head[:len(MAGIC)] != MAGIC:
        raise BackupDamaged("这不是本程序的备份文件，或文件开头已损坏。")
    size = int.from_bytes(head[len(MAGIC):], "big")
    if not 2 <= size <= HEADER_MAX:
        raise BackupDamaged("备份文件头长度不对，文件已损坏。")
    data = fh.read(size)
    if len(data) != size:
        raise BackupDamaged("备份文件不完整（被截断）。")
    try:
        header = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BackupDamaged("备份文件头已损坏。") from None
    if not isinstance(header, dict) or header.get("format") != "taizhang-backup":
        raise BackupDamaged("这不是本程序的备份文件。")
    if header.get("version") != 1:
        raise BackupDamaged("这个备份由更新版本的程序制作，请安装新版本后再恢复。")
    return header, data


class _Deflating:
    """zlib level 1 between tar and the file: ~3× smaller, ~120 MB/s on the
    reference machine, so a backup to a slow USB drive is mostly writing."""

    def __init__(self, dst):
        self.dst, self.z = dst, zlib.compressobj(1)

    def write(self, data) -> int:
        self.dst.write(self.z.compress(data))
        return len(data)

    def close(self) -> None:
        self.dst.write(self.z.flush())


class _Inflating:
    def __init__(self, src):
        self.src, self.z, self.out = src, zlib.decompressobj(), bytearray()

    def read(self, n: int = -1) -> bytes:
        while (n < 0 or len(self.out) < n) and not self.z.eof:
            data = self.src.read(COPY)
            if not data:
                raise BackupDamaged("备份文件不完整（压缩数据被截断）。")
            try:
                self.out += self.z.decompress(data)
            except zlib.error:
                raise BackupDamaged("备份文件已损坏（压缩数据无法解开）。") from None
        n = len(self.out) if n < 0 else min(n, len(self.out))
        data = bytes(self.out[:n])
        del self.out[:n]
        return data

    def finish(self) -> None:
        if self.src.read(1) or self.z.unused_data:
            raise BackupDamaged("备份文件末尾有多余的数据，文件可能被改动。")


class _Hashing:
    """Passes writes (or bounded reads) through, hashing every byte."""

    def __init__(self, fh, digest, limit: int | None = None):
        self.fh, self.digest, self.left = fh, digest, limit

    def write(self, data) -> int:
        self.digest.update(data)
        return self.fh.write(data)

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        data = self.fh.read(n)
        self.left -= len(data)
        self.digest.update(data)
        return data


def write_backup(fh: BinaryIO, header: dict, db_path: Path, attachments: list[Path],
                 seal: tuple[bytes, bytes] | None, progress: Callable[[int], None]) -> None:
    """Header, the tar stream of the database and the attachment files, trailer."""
    out = _Hashing(fh, hashlib.sha256())
    header_data = write_header(out, header)
    sink = SealingWriter(out, seal[0], seal[1], header_data) if seal else out
    deflate = _Deflating(sink)
    with tarfile.open(fileobj=deflate, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        _add(tar, db_path, DB_MEMBER, progress)
        for path in attachments:
            _add(tar, path, f"attachments/{path.name[:2]}/{path.name}", progress)
    deflate.close()
    if seal:
        sink.close()
    fh.write(TRAILER_MAGIC + out.digest.digest())


def _add(tar: tarfile.TarFile, path: Path, name: str, progress) -> None:
    info = tarfile.TarInfo(name)
    with open(path, "rb") as src:
        info.size = path.stat().st_size
        info.mode = 0o600
        tar.addfile(info, src)
    progress(info.size)


def _hash_copy(src, dst, size: int, progress) -> str:
    digest, left = hashlib.sha256(), size
    while left:
        data = src.read(min(COPY, left))
        if not data:
            raise BackupDamaged("备份文件不完整（被截断）。")
        digest.update(data)
        if dst is not None:
            dst.write(data)
        left -= len(data)
        progress(len(data))
    return digest.hexdigest()


def members(fh: BinaryIO, header: dict, header_data: bytes, key: bytes | None,
            db_target: Path, attachments_target: Path | None,
            progress: Callable[[int], None]) -> Iterator[tuple[str, str, int]]:
    """Read the payload (``fh`` just after the header); write the database to
    ``db_target`` and, when given, the attachments under ``attachments_target``;
    yields (kind, sha256, size) per member; checks the trailer at the end."""
    fh, expected = _bounded(fh, header_data)
    enc = header.get("encryption")
    if enc:
        if key is None:
            raise BackupDamaged("这个备份已加密，需要备份口令。")
        prefix = unb64(enc.get("nonce_prefix")) if isinstance(enc, dict) else b""
        if len(prefix) != 7:
            raise BackupDamaged("备份文件头已损坏（加密参数）。")
        source = OpeningReader(fh, key, prefix, header_data)
    else:
        source = fh
    inflate = _Inflating(source)
    try:
        tar = tarfile.open(fileobj=inflate, mode="r|")
        for info in tar:
            yield _member(tar, info, db_target, attachments_target, progress)
        tar.close()
    except tarfile.TarError as exc:
        raise BackupDamaged(f"备份文件已损坏（归档结构错误：{exc}）。") from None
    inflate.read()               # the zlib end marker and its checksum
    inflate.finish()
    if fh.digest.digest() != expected:
        raise BackupDamaged("备份文件的整体校验值不符，文件被改动或损坏。")


def _bounded(fh: BinaryIO, header_data: bytes) -> tuple[_Hashing, bytes]:
    """The payload as a reader that stops before the trailer, and the trailer's digest."""
    start = fh.tell()
    size = os.fstat(fh.fileno()).st_size
    if size - start < TRAILER_LEN:
        raise BackupDamaged("备份文件不完整（被截断）。")
    fh.seek(size - TRAILER_LEN)
    trailer = fh.read(TRAILER_LEN)
    if trailer[:len(TRAILER_MAGIC)] != TRAILER_MAGIC:
        raise BackupDamaged("备份文件不完整（缺少结尾标记，可能被截断）。")
    fh.seek(start)
    digest = hashlib.sha256(MAGIC + len(header_data).to_bytes(4, "big") + header_data)
    return _Hashing(fh, digest, size - TRAILER_LEN - start), trailer[len(TRAILER_MAGIC):]


def _member(tar, info, db_target: Path, attachments_target: Path | None, progress):
    if not info.isreg():
        raise BackupDamaged(f"备份中有不应有的条目：{info.name[:80]}")
    src = tar.extractfile(info)
    if info.name == DB_MEMBER:
        with open(db_target, "xb") as dst:
            return "db", _hash_copy(src, dst, info.size, progress), info.size
    m = ATTACHMENT_RE.fullmatch(info.name)
    if not m or m[1] != m[2][:2]:
        raise BackupDamaged(f"备份中有不应有的条目：{info.name[:80]}")
    if attachments_target is None:
        sha = _hash_copy(src, None, info.size, progress)
    else:
        folder = attachments_target / m[1]
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / (m[2] + ".restoring")
        with open(tmp, "wb") as dst:
            sha = _hash_copy(src, dst, info.size, progress)
        if sha == m[2]:
            tmp.replace(folder / m[2])
        else:
            tmp.unlink()
    if sha != m[2]:
        raise BackupDamaged(f"备份中的附件 {m[2][:12]}… 内容与校验值不符（文件被改动或损坏）。")
    return "attachment", sha, info.size


def copy_file(src: Path, dst: Path) -> str:
    """Copy with fsync; returns the SHA-256 of what was written."""
    digest = hashlib.sha256()
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        for data in iter(lambda: fin.read(COPY), b""):
            digest.update(data)
            fout.write(data)
        fout.flush()
        os.fsync(fout.fileno())
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for data in iter(lambda: fh.read(COPY), b""):
            digest.update(data)
    return digest.hexdigest()


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
