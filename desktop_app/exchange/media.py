"""Moving package files between the local disk and a USB drive (exchange.md §3.3-4, §3.4-1/2).

``package_filename(sender, recipient, seq, created_utc) -> str``
    ``<SENDER>_to_<RECIPIENT>_<seq:06d>_<yyyymmddThhmmssZ>.tzx`` (ASCII, FAT-safe, sortable).
``receipt_filename(recipient, package_id) -> str`` — ``<RECIPIENT>_receipt_<id>.tzr``.
``filesystem_type(path) -> str | None`` — "vfat", "exfat", "NTFS", "FAT32"… or None.
``max_file_size(path) -> int | None`` — 4 GiB − 1 on FAT, else None (no limit known);
    the export splits packages to fit.
``check_free_space(directory, needed, where="U盘")`` — ``MediaError`` "U盘空间不足：需要
    X MB，只有 Y MB".
``copy_to_media(src, dest_dir, name, *, progress=None, cancel=None) -> CopyResult``
    Space and size checks, write ``name.partial``, fsync, ``os.replace``, fsync the
    directory (POSIX), drop the cached pages (Linux) and read back comparing SHA-256.
    Any failure removes what it wrote (as far as a yanked drive lets it) and raises
    ``MediaError``; a leftover ``.partial`` is ignored by ``list_packages``.
``stage_copy(src, staging_dir, *, progress=None, cancel=None) -> (Path, sha256)``
    Copy a package from the drive into local staging under a name made here, hashing on
    the way; everything after this reads the staged copy, so pulling the drive is harmless.
``list_packages(drive_dir, *, known_capabilities=...) -> list[FoundPackage]``
    ``*.tzx`` / ``*.tzr`` whose header parses, sorted by sender, seq, date; ``*.partial``
    and unreadable files are skipped (and logged).
``new_staging_dir(root) -> Path`` / ``clean_staging(root, older_than_s=0) -> int`` /
``remove_partials(drive_dir) -> int`` — housekeeping (R11).
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Collection, Iterable

from desktop_app.errors import Cancelled
from desktop_app.filenames import inside

from .envelope import KNOWN_CAPABILITIES, read_header
from .errors import MediaError, PackageRejected, disk_error
from .keys import is_office_code, is_utc_text
from .limits import FAT32_MAX_FILE, MiB
from .meter import CancelFn, Meter, ProgressFn

log = logging.getLogger(__name__)

PACKAGE_SUFFIX = ".tzx"
RECEIPT_SUFFIX = ".tzr"
PARTIAL_SUFFIX = ".partial"
STAGING_PREFIX = "tzstage-"
_FAT_NAMES = frozenset({"vfat", "msdos", "fat", "fat12", "fat16", "fat32"})
_BLOCK = 1024 * 1024
MAX_LISTED_FILES = 1000
_OCTAL_ESCAPE = re.compile(r"\\([0-7]{3})")


@dataclass(frozen=True)
class CopyResult:
    path: Path
    sha256: str
    size: int


@dataclass(frozen=True)
class FoundPackage:
    path: Path
    header: dict[str, Any]
    size: int


def package_filename(sender: str, recipient: str, seq: int, created_utc: str) -> str:
    if not (is_office_code(sender) and is_office_code(recipient) and is_utc_text(created_utc)):
        raise ValueError("bad package name parts")
    stamp = created_utc.replace("-", "").replace(":", "")
    return f"{sender}_to_{recipient}_{seq:06d}_{stamp}{PACKAGE_SUFFIX}"


def receipt_filename(recipient: str, package_id: str) -> str:
    if not is_office_code(recipient) or str(uuid.UUID(package_id)) != package_id:
        raise ValueError("bad receipt name parts")
    return f"{recipient}_receipt_{package_id}{RECEIPT_SUFFIX}"


def fs_type_from_mounts(target: str, mount_lines: Iterable[str]) -> str | None:
    """The type of the longest mount point containing ``target`` (/proc/mounts format)."""
    best, best_len = None, -1
    for line in mount_lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        # /proc/mounts escapes blanks in mount points as octal (\040).
        point = _OCTAL_ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), fields[1])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) > best_len:
            best, best_len = fields[2], len(point)
    return best


def _linux_fs_type(path: Path) -> str | None:
    with open("/proc/mounts", encoding="utf-8", errors="replace") as fh:
        return fs_type_from_mounts(str(path.resolve()), fh)


def _windows_fs_type(path: Path) -> str | None:
    import ctypes
    kernel32 = ctypes.windll.kernel32
    root = ctypes.create_unicode_buffer(261)
    fs_name = ctypes.create_unicode_buffer(261)
    if not kernel32.GetVolumePathNameW(str(path.resolve()), root, 261):
        return None
    if not kernel32.GetVolumeInformationW(root, None, 0, None, None, None, fs_name, 261):
        return None
    return fs_name.value


def filesystem_type(path: Path | str) -> str | None:
    """Best effort: the file system of the volume holding ``path``, or None."""
    try:
        if sys.platform == "win32":
            return _windows_fs_type(Path(path))
        if sys.platform.startswith("linux"):
            return _linux_fs_type(Path(path))
    except (OSError, AttributeError, ValueError):
        log.warning("cannot tell the file system of %s", path, exc_info=True)
    return None


def max_file_size(path: Path | str) -> int | None:
    fs_type = filesystem_type(path)
    if fs_type is not None and fs_type.lower() in _FAT_NAMES:
        return FAT32_MAX_FILE
    return None


def check_free_space(directory: Path | str, needed: int, where: str = "U盘") -> None:
    free = shutil.disk_usage(directory).free
    if free < needed:
        raise MediaError("disk_full", f"{where}空间不足：需要 {-(-needed // MiB)} MB，"
                                      f"只有 {free // MiB} MB")


def _create_file(path: Path) -> BinaryIO:
    """Every file this module writes is created here, so the tests can simulate a yanked
    drive or a full disk in one place."""
    return open(path, "xb")


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return   # Windows cannot open a directory for fsync; NTFS/FAT metadata follow
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_back_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        if hasattr(os, "posix_fadvise"):
            # Read the device, not the page cache we have just filled.
            os.posix_fadvise(fh.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        while block := fh.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _check_target(src: Path, dest_dir: Path, name: str) -> int:
    if not name.endswith((PACKAGE_SUFFIX, RECEIPT_SUFFIX)) or "/" in name or "\\" in name \
            or not name.isascii():
        raise ValueError(f"bad package file name {name!r}")
    size = src.stat().st_size
    limit = max_file_size(dest_dir)
    if limit is not None and size > limit:
        raise MediaError("file_too_large",
                         f"U盘为 FAT32 格式，单个文件不能超过 4 GB（本数据包 "
                         f"{size // MiB} MB）；请分批导出，或改用 exFAT/NTFS 格式的U盘。")
    check_free_space(dest_dir, size)
    return size


def copy_to_media(src: Path | str, dest_dir: Path | str, name: str, *,
                  progress: ProgressFn = None, cancel: CancelFn = None) -> CopyResult:
    """Put a finished package on the drive, atomically and verified; see module docstring."""
    src, dest_dir = Path(src), Path(dest_dir)
    size = _check_target(src, dest_dir, name)
    final, partial = inside(dest_dir, name), inside(dest_dir, name + PARTIAL_SUFFIX)
    try:
        partial.unlink(missing_ok=True)   # left by an earlier yanked attempt
        with open(src, "rb") as fin, _create_file(partial) as fout:
            sha256 = _copy_streams(fin, fout, Meter(size, progress, cancel),
                                   "本机磁盘", "U盘")
            fout.flush()
            os.fsync(fout.fileno())
        os.replace(partial, final)
        _fsync_dir(dest_dir)
        if _read_back_sha256(final) != sha256:
            final.unlink(missing_ok=True)
            raise MediaError("verify_failed", "写入U盘后回读校验不一致，请换一个U盘重试。")
    except OSError as exc:
        _remove_quietly(partial)
        raise disk_error(exc, "U盘") from exc
    except (Cancelled, MediaError):
        _remove_quietly(partial)
        raise
    log.info("copied %s to %s (%d bytes, sha256 %s)", src, final, size, sha256)
    return CopyResult(final, sha256, size)


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:   # the drive is gone; list_packages ignores the .partial anyway
        log.warning("could not remove %s", path)


def stage_copy(src: Path | str, staging_dir: Path | str, *, progress: ProgressFn = None,
               cancel: CancelFn = None) -> tuple[Path, str]:
    """Copy a package from the drive into local staging; see module docstring."""
    src, staging_dir = Path(src), Path(staging_dir)
    suffix = src.suffix if src.suffix in (PACKAGE_SUFFIX, RECEIPT_SUFFIX) else ".pkg"
    dest = staging_dir / f"{uuid.uuid4().hex}{suffix}"
    try:
        fin = open(src, "rb")
    except OSError as exc:
        raise disk_error(exc, "U盘") from exc
    with fin:
        size = os.fstat(fin.fileno()).st_size
        check_free_space(staging_dir, size, "本机磁盘")
        try:
            with _create_file(dest) as fout:
                sha256 = _copy_streams(fin, fout, Meter(size, progress, cancel),
                                       "U盘", "本机磁盘")
        except BaseException:
            dest.unlink(missing_ok=True)
            raise
    log.info("staged %s as %s (sha256 %s)", src, dest, sha256)
    return dest, sha256


def _copy_streams(fin: BinaryIO, fout: BinaryIO, meter: Meter, src_where: str,
                  dst_where: str) -> str:
    """Copy while hashing; a failure names the side that failed (drive or local disk)."""
    digest = hashlib.sha256()
    while True:
        try:
            block = fin.read(_BLOCK)
        except OSError as exc:
            raise disk_error(exc, src_where) from exc
        if not block:
            return digest.hexdigest()
        try:
            fout.write(block)
        except OSError as exc:
            raise disk_error(exc, dst_where) from exc
        digest.update(block)
        meter(len(block))


def list_packages(drive_dir: Path | str, *,
                  known_capabilities: Collection[str] = KNOWN_CAPABILITIES
                  ) -> list[FoundPackage]:
    """Packages and receipts on the drive whose header parses; see module docstring."""
    found = []
    with os.scandir(drive_dir) as it:
        for item in it:
            if not item.name.endswith((PACKAGE_SUFFIX, RECEIPT_SUFFIX)) \
                    or not item.is_file(follow_symlinks=False):
                continue
            if len(found) >= MAX_LISTED_FILES:     # a drive stuffed with packages
                log.warning("more than %d packages on %s; the rest not listed",
                            MAX_LISTED_FILES, drive_dir)
                break
            try:
                header, raw = read_header(item.path, known_capabilities)
            except (PackageRejected, OSError) as exc:
                log.info("skipping %s: %s", item.path, exc)
                continue
            found.append(FoundPackage(Path(item.path), header, raw.file_size))
    found.sort(key=lambda f: (f.header["sender"], f.header["seq"], f.header["created_utc"]))
    return found


def new_staging_dir(root: Path | str) -> Path:
    Path(root).mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))


def clean_staging(root: Path | str, *, older_than_s: float = 0) -> int:
    """Remove staging directories left by an interrupted import; returns how many."""
    removed = 0
    if not Path(root).is_dir():
        return 0
    cutoff = time.time() - older_than_s
    for item in Path(root).iterdir():
        if item.name.startswith(STAGING_PREFIX) and item.is_dir() \
                and not item.is_symlink() and item.stat().st_mtime <= cutoff:
            shutil.rmtree(item, ignore_errors=True)
            removed += 1
    return removed


def remove_partials(drive_dir: Path | str) -> int:
    """Delete ``*.tzx.partial`` / ``*.tzr.partial`` left by a yanked export."""
    removed = 0
    for suffix in (PACKAGE_SUFFIX, RECEIPT_SUFFIX):
        for item in Path(drive_dir).glob(f"*{suffix}{PARTIAL_SUFFIX}"):
            _remove_quietly(item)
            removed += 1
    return removed
