"""Safe file names and paths that provably stay inside their folder.

A file name that arrives as data (an attachment row in a signed package, the
name of a file a clerk attaches, a document title) is display text, never a
path. It is cleaned once, when it is stored, by :func:`clean_name`, and every
function that writes a file from stored data builds the target with
:func:`inside`, which proves the resolved path lies in the intended folder or
refuses. A content hash that names a file is checked by :func:`require_sha256`
wherever the name is derived from it.

ARCHITECTURE.md says file names are cleaned once "in ``paths``"; this is its
own small module because ``paths.py`` (where the data folder and resources are
found) was being reworked for packaging at the same time, and because the
packaging code and the core both need these rules without the other's imports.

The rules hold on Windows (NTFS and FAT32/exFAT USB drives) and on Linux:

* no path separators (``/`` ``\\``), no ``:`` (drive letters, NTFS streams),
  none of ``* ? " < > |``;
* no control, format (bidi overrides, zero-width), surrogate, private-use or
  unassigned characters, no line or paragraph separators;
* no ``.``/``..``, no leading dots (hidden files), no trailing dots or spaces
  (Windows drops them silently);
* no Windows device names (``CON PRN AUX NUL COM1-9 LPT1-9 CONIN$ CONOUT$``,
  also with superscript digits) with any extension;
* bounded length (UTF-16 code units for NTFS/FAT, UTF-8 bytes for ext4),
  keeping the extension.
"""
from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from desktop_app.errors import UserFacingError

MAX_UTF16_UNITS = 120          # NTFS/FAT32 allow 255; the folder path shares MAX_PATH
MAX_UTF8_BYTES = 200           # ext4 allows 255 bytes; CJK takes 3 bytes a character
MAX_EXTENSION = 16             # ".pdf", ".docx", ".jpeg" … longer suffixes are not extensions
FALLBACK = "未命名"

_FORBIDDEN = frozenset('/\\:*?"<>|')
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_DEVICE = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³]|CONIN\$|CONOUT\$)", re.IGNORECASE)
_SHA256 = re.compile(r"[0-9a-f]{64}")
_EXTENSION = re.compile(r"\.[0-9A-Za-z]{1,%d}" % (MAX_EXTENSION - 1))


def _char(ch: str) -> str:
    if ch in _FORBIDDEN:
        return "_"
    category = unicodedata.category(ch)
    if category in _DROPPED_CATEGORIES:
        return ""
    if category == "Zs":                 # every kind of space becomes a plain one
        return " "
    return ch


def _fits(text: str) -> bool:
    return (len(text.encode("utf-16-le")) // 2 <= MAX_UTF16_UNITS
            and len(text.encode("utf-8")) <= MAX_UTF8_BYTES)


def _shorten(stem: str, suffix: str) -> str:
    """The longest prefix of ``stem`` that fits beside ``suffix``."""
    if _fits(stem + suffix):
        return stem
    low, high = 0, len(stem)
    while low < high:
        mid = (low + high + 1) // 2
        if _fits(stem[:mid] + suffix):
            low = mid
        else:
            high = mid - 1
    return stem[:low].rstrip(" .")


def is_device_name(name: str) -> bool:
    """True for a Windows device name, with or without extensions (``aux.tar.gz``)."""
    head = name.split(".", 1)[0].rstrip(" ")
    return _DEVICE.fullmatch(head) is not None


def clean_name(name: object, fallback: str = FALLBACK) -> str:
    """A file name safe to create in any folder on Windows, FAT32 and Linux.

    Never raises: whatever ``name`` is, the result is a non-empty safe name
    (``fallback``, itself cleaned, when nothing usable is left). Idempotent.
    """
    text = unicodedata.normalize("NFC", name) if isinstance(name, str) else ""
    # NFC again after dropping: a removed zero-width character may have stood between
    # a letter and its combining mark, which then compose (the result stays idempotent).
    text = unicodedata.normalize("NFC", "".join(_char(ch) for ch in text))
    text = re.sub(r" {2,}", " ", text).strip(" .")
    if not text:
        return FALLBACK if fallback == FALLBACK else clean_name(fallback)
    if is_device_name(text):
        text = "_" + text
    stem, dot, ext = text.rpartition(".")
    if not (dot and stem and _EXTENSION.fullmatch(dot + ext)):
        stem, ext = text, ""
    suffix = "." + ext if ext else ""
    stem = _shorten(stem, suffix)
    if not stem:
        stem = FALLBACK
    return stem + suffix


def is_clean(name: object) -> bool:
    return isinstance(name, str) and bool(name) and clean_name(name) == name


def is_sha256(value: object) -> bool:
    """64 lower-case hexadecimal digits, nothing else."""
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None


def require_sha256(value: object, what: str = "文件校验值") -> str:
    if not is_sha256(value):
        raise UserFacingError(f"{what}不是有效的 SHA-256 值，已拒绝使用它作为文件名。")
    return value  # type: ignore[return-value]


def inside(folder: Path | str, *parts: str) -> Path:
    """``folder/part/…``, proven to resolve inside ``folder``, or a refusal.

    Each part must be a single clean name (no separators, no ``..``, not
    absolute); symbolic links are followed before the check, so a link that
    points out of the folder is refused as well.
    """
    base = Path(folder)
    for part in parts:
        if not isinstance(part, str) or not part or part in (".", "..") \
                or any(sep in part for sep in ("/", "\\", "\0", ":")) or os.path.isabs(part):
            raise UserFacingError(f"文件名“{_show(part)}”不安全（含路径成分），已拒绝写入。")
    target = base.joinpath(*parts)
    root = base.resolve()
    resolved = target.resolve()
    if resolved != root and root not in resolved.parents:
        raise UserFacingError(f"文件“{_show(parts[-1] if parts else '')}”会落在文件夹 {base} 之外，已拒绝写入。")
    return target


def _show(part: object) -> str:
    return clean_name(str(part))[:40]
