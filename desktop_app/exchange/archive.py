"""The inner archive of a package: a ZIP written by ``ArchiveWriter`` (exchange.md §3.2).

Entries (nothing else is ever written or accepted)::

    manifest.json              written last, computed while the others are written
    acks.json                  the sender's knowledge vector per scope (optional)
    records/<table>.jsonl      one canonical JSON object per line
    attachments/<sha256>       a blob, named by the SHA-256 of its content

``ArchiveWriter(path, *, compresslevel=1)`` — use as a context manager (a failure inside the
``with`` deletes the half-written file).  Methods:

* ``add_jsonl(table, rows) -> int`` streams an iterable of dicts (one table, one call;
  call parents first: the order is kept in ``manifest["tables"]``).  DEFLATE.
* ``add_attachment(src_path, *, mime, sha256=None) -> str`` streams a file in, STORED
  (scanned PDFs do not compress); the hash is computed if not given and checked while
  copying.  A hash already added is skipped, so callers need not de-duplicate.
* ``add_acks(acks)`` writes ``acks.json``.
* ``finish(manifest_fields) -> dict`` writes ``manifest.json`` from the caller's fields
  (``schema_version``, ``coverage_digest``, ``sender_knowledge`` …) plus the computed
  ``sha256{entry}``, ``size{entry}``, ``counts{table}``, ``attachments[{sha256,size,mime}]``
  and ``tables``, closes the ZIP and returns the manifest.

The strict reader is ``archive_read.extract_archive``.
"""
from __future__ import annotations

import hashlib
import logging
import re
import zipfile
from pathlib import Path
from typing import Any, Iterable, Mapping

from .jsonsafe import canonical_json

log = logging.getLogger(__name__)

ENTRY_NAME_RE = re.compile(
    r"(manifest\.json|acks\.json|records/[a-z_]{1,40}\.jsonl|attachments/[0-9a-f]{64})",
    re.ASCII)
TABLE_RE = re.compile(r"[a-z_]{1,40}", re.ASCII)
SHA256_RE = re.compile(r"[0-9a-f]{64}", re.ASCII)
MANIFEST = "manifest.json"
ACKS = "acks.json"
COMPUTED_MANIFEST_FIELDS = frozenset({"sha256", "size", "counts", "attachments", "tables"})
MIME_MAX = 100
_BLOCK = 1024 * 1024
# A fixed timestamp: the archive content, not the clock, decides its bytes.
_EPOCH = (1980, 1, 1, 0, 0, 0)


def records_entry(table: str) -> str:
    return f"records/{table}.jsonl"


def attachment_entry(sha256: str) -> str:
    return f"attachments/{sha256}"


def file_sha256(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


class ArchiveWriter:
    """Streaming writer of the inner archive; see module docstring."""

    def __init__(self, path: Path | str, *, compresslevel: int = 1):
        # Level 1: JSON shrinks ~5x already; higher levels cost seconds on 100k records.
        self.path = Path(path)
        self._zip = zipfile.ZipFile(self.path, "w", compression=zipfile.ZIP_DEFLATED,
                                    compresslevel=compresslevel, allowZip64=True)
        self._sha256: dict[str, str] = {}
        self._size: dict[str, int] = {}
        self._counts: dict[str, int] = {}
        self._attachments: dict[str, dict[str, Any]] = {}
        self._closed = False

    def __enter__(self) -> "ArchiveWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()

    def abort(self) -> None:
        if not self._closed:
            self._closed = True
            self._zip.close()
        self.path.unlink(missing_ok=True)

    @property
    def bytes_written(self) -> int:
        """Size of the archive so far: the entries written, not yet the manifest and the
        central directory.  The export uses it to split packages to fit a drive."""
        return self._zip.fp.tell()

    def _record(self, name: str, digest: "hashlib._Hash", size: int) -> None:
        self._sha256[name] = digest.hexdigest()
        self._size[name] = size

    def add_jsonl(self, table: str, rows: Iterable[Mapping[str, Any]]) -> int:
        if TABLE_RE.fullmatch(table) is None:
            raise ValueError(f"bad table name {table!r}")
        if table in self._counts:
            raise ValueError(f"table {table} already added")
        name = records_entry(table)
        digest, size, count = hashlib.sha256(), 0, 0
        with self._zip.open(name, "w", force_zip64=True) as out:
            for row in rows:
                line = canonical_json(row) + b"\n"
                out.write(line)
                digest.update(line)
                size += len(line)
                count += 1
        self._record(name, digest, size)
        self._counts[table] = count
        return count

    def add_attachment(self, src_path: Path | str, *, mime: str,
                       sha256: str | None = None) -> str:
        if not isinstance(mime, str) or not 0 < len(mime) <= MIME_MAX:
            raise ValueError("bad mime")
        sha256 = sha256 or file_sha256(src_path)
        if SHA256_RE.fullmatch(sha256) is None:
            raise ValueError("bad sha256")
        if sha256 in self._attachments:
            return sha256
        name = attachment_entry(sha256)
        info = zipfile.ZipInfo(name, _EPOCH)
        info.compress_type = zipfile.ZIP_STORED
        info.external_attr = 0o600 << 16
        digest, size = hashlib.sha256(), 0
        with open(src_path, "rb") as src:
            info.file_size = src.seek(0, 2)
            src.seek(0)
            with self._zip.open(info, "w") as out:
                while block := src.read(_BLOCK):
                    out.write(block)
                    digest.update(block)
                    size += len(block)
        if digest.hexdigest() != sha256:
            raise ValueError(f"attachment {src_path} changed or its hash is wrong")
        self._record(name, digest, size)
        self._attachments[sha256] = {"sha256": sha256, "size": size, "mime": mime}
        return sha256

    def add_acks(self, acks: Mapping[str, Any]) -> None:
        data = canonical_json(dict(acks))
        self._zip.writestr(zipfile.ZipInfo(ACKS, _EPOCH), data,
                           compress_type=zipfile.ZIP_DEFLATED)
        self._record(ACKS, hashlib.sha256(data), len(data))

    def finish(self, manifest_fields: Mapping[str, Any]) -> dict[str, Any]:
        clash = COMPUTED_MANIFEST_FIELDS & set(manifest_fields)
        if clash:
            raise ValueError(f"manifest_fields must not set {sorted(clash)}")
        manifest = {**manifest_fields, "sha256": self._sha256, "size": self._size,
                    "counts": self._counts, "tables": list(self._counts),
                    "attachments": sorted(self._attachments.values(),
                                          key=lambda a: a["sha256"])}
        self._zip.writestr(zipfile.ZipInfo(MANIFEST, _EPOCH), canonical_json(manifest),
                           compress_type=zipfile.ZIP_DEFLATED)
        self._zip.close()
        self._closed = True
        log.info("archive %s: %d tables, %d attachments", self.path, len(self._counts),
                 len(self._attachments))
        return manifest
