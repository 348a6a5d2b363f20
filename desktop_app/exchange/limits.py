"""Every size and cost cap of the package layer, in one place.

The caps protect the reader from a package that is valid but hostile (a compromised or
buggy office) and from corruption.  Tests pass smaller ``ArchiveLimits`` to stay fast.
"""
from __future__ import annotations

from dataclasses import dataclass

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB

FORMAT_MAJOR = 1
MAGIC_PREFIX = b"TZPKG\0"
MAGIC_LEN = 8            # prefix + major byte + b"\n"
HEADER_LEN_SIZE = 4      # u32 big-endian
HEADER_MAX = 64 * KiB
SIGNATURE_LEN = 64

CHUNK_PLAIN = 64 * KiB   # STREAM plaintext chunk
TAG_LEN = 16
CHUNK_CIPHER = CHUNK_PLAIN + TAG_LEN
NONCE_PREFIX_LEN = 7

# JSON caps for every JSON we parse from a package (header, manifest, acks, records).
JSON_MAX_DEPTH = 8
JSON_MAX_NUMBER_CHARS = 19   # fits in a signed 64-bit integer; floats are refused

# FAT32 stores file sizes in 32 bits.
FAT32_MAX_FILE = 4 * GiB - 1


@dataclass(frozen=True)
class KdfBounds:
    """What a reader accepts before spending memory and time on a KDF (exchange.md §4.A-11).

    The minimums are Argon2's own; the package writer uses much stronger defaults
    (see ``kdf.DEFAULT_COST``).
    """
    max_memory_kib: int = 256 * 1024
    max_iterations: int = 10
    max_lanes: int = 8
    min_salt: int = 16
    max_salt: int = 64
    # scrypt: 128 * n * r bytes of memory, capped by the same memory bound.
    max_scrypt_log2_n: int = 20
    max_scrypt_r: int = 16
    max_scrypt_p: int = 4


@dataclass(frozen=True)
class ArchiveLimits:
    """Caps of the inner ZIP, counted on real bytes while reading."""
    max_entries: int = 200_000
    max_entry_bytes: int = 2 * GiB
    max_total_bytes: int = 16 * GiB
    max_ratio: int = 50               # uncompressed : compressed
    ratio_floor_bytes: int = 1 * MiB  # small entries may compress better (JSON, blank pages)
    max_manifest_bytes: int = 64 * MiB
    max_acks_bytes: int = 4 * MiB
    max_line_bytes: int = 4 * MiB     # one JSONL record: a record is < 0.5 MiB, a conflict row < 3 MiB
    max_central_dir_bytes: int = 64 * MiB


DEFAULT_KDF_BOUNDS = KdfBounds()
DEFAULT_ARCHIVE_LIMITS = ArchiveLimits()
