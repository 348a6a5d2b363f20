"""Find installed fonts by their internal names, cheaply.

File names prove nothing on Chinese Windows (仿宋_GB2312 ships as ``仿宋_GB2312.ttf``,
``FS_GB2312.ttf`` or a renamed ``SIMFANG.TTF``), so every face is identified by its
name table, localized records included. Reading name tables of a few hundred files
takes seconds, so the result is cached in a JSON file (per file, keyed by size and
mtime) under a cache directory the caller owns, and memoised for the process.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

log = logging.getLogger(__name__)

CACHE_FILE = "fontscan-v2.json"
CACHE_VERSION = 2
FONT_SUFFIXES = (".ttf", ".ttc", ".otf", ".otc")
NAME_IDS = (1, 4, 6, 16, 21)  # family, full, PostScript, typographic family, WWS family
TRUETYPE, CFF, UNKNOWN = "truetype", "cff", "unknown"
# OS/2 flags meaning "this face covers Chinese": ulUnicodeRange bit 59 (CJK Unified
# Ideographs) or code-page bits 18 (GB2312) / 20 (Big5). Cheaper than reading the cmap.
_CJK_UNICODE_BIT = 59
_CJK_CODEPAGE_BITS = (18, 20)


@dataclass(frozen=True)
class FontFace:
    path: str
    index: int
    names: tuple[str, ...]
    outline: str
    cjk: bool
    fs_type: int = 0
    dash_mid: float | None = None  # vertical middle of U+2014 in em, for page numbers
    # Horizontal ink extent (em) of the marks that may be compressed: where a mark's
    # ink sits (left in GB fonts, centred in Taiwan-style fonts) decides how to cut it.
    punct_ink: tuple[tuple[str, float, float], ...] = ()

    @property
    def label(self) -> str:
        return self.names[0] if self.names else Path(self.path).name

    @property
    def location(self) -> str:
        return f"{self.path}#{self.index}" if self.path.lower().endswith((".ttc", ".otc")) else self.path


@dataclass(frozen=True)
class FontScan:
    faces: tuple[FontFace, ...]

    @property
    def usable(self) -> tuple[FontFace, ...]:
        return tuple(f for f in self.faces if f.outline == TRUETYPE)

    @property
    def skipped(self) -> tuple[FontFace, ...]:
        return tuple(f for f in self.faces if f.outline != TRUETYPE)


def default_font_dirs() -> list[Path]:
    """System and per-user font folders of the running platform."""
    home = Path.home()
    if os.name == "nt":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        dirs = [windir / "Fonts"]
        local = os.environ.get("LOCALAPPDATA")
        if local:  # per-user installs since Windows 10 1809
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
        return dirs
    if sys.platform == "darwin":
        return [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library" / "Fonts"]
    data_home = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
            home / ".fonts", data_home / "fonts"]


def _font_files(dirs: Iterable[Path]) -> dict[str, tuple[int, int]]:
    """path → (size, mtime_ns) of every font file below the given folders.

    os.scandir returns the stat data with the listing on Windows, so checking the
    cache against C:\\Windows\\Fonts costs one directory read, not a thousand stats.
    """
    found: dict[str, tuple[int, int]] = {}
    pending, seen = [str(d) for d in dirs], set()
    while pending:
        folder = pending.pop()
        real = os.path.realpath(folder)
        if real in seen:  # symlinked folders are followed (as fontconfig does), once
            continue
        seen.add(real)
        try:
            entries = list(os.scandir(folder))
        except OSError:  # missing or unreadable folder: nothing to find there
            continue
        for entry in entries:
            try:
                if entry.is_dir():
                    pending.append(entry.path)
                elif entry.name.lower().endswith(FONT_SUFFIXES):
                    st = entry.stat()
                    found[entry.path] = (st.st_size, st.st_mtime_ns)
            except OSError:
                continue
    return found


def _names(font) -> tuple[str, ...]:
    seen: list[str] = []
    for record in font["name"].names:
        if record.nameID not in NAME_IDS:
            continue
        try:
            text = record.toUnicode().strip()
        except (UnicodeDecodeError, ValueError):
            continue
        if text and text not in seen:
            seen.append(text)
    return tuple(seen)


def _claims_cjk(font) -> bool:
    os2 = font["OS/2"] if "OS/2" in font else None
    if os2 is None:
        return True  # no claim either way: let the cmap decide
    range2 = getattr(os2, "ulUnicodeRange2", 0)
    pages = getattr(os2, "ulCodePageRange1", 0)
    return bool(range2 & (1 << (_CJK_UNICODE_BIT - 32))
                or any(pages & (1 << b) for b in _CJK_CODEPAGE_BITS))


def _is_cjk(font, outline: str) -> bool:
    """OS/2 bits first (cheap); usable faces are confirmed by the cmap (some lie)."""
    if not _claims_cjk(font):
        return False
    if outline != TRUETYPE:
        return True  # only reported as skipped; not worth decoding a CFF font's cmap
    cmap = font.getBestCmap() or {}
    return 0x4E2D in cmap and 0x6587 in cmap  # 中, 文


def _dash_mid(font) -> float | None:
    """Middle of the em dash's ink in em units; the page number hangs on it (GB/T 9704 7.5)."""
    try:
        glyph_name = (font.getBestCmap() or {}).get(0x2014)
        if glyph_name is None or "glyf" not in font:
            return None
        glyph = font["glyf"][glyph_name]
        if not hasattr(glyph, "yMin"):
            return None
        return (glyph.yMin + glyph.yMax) / 2 / font["head"].unitsPerEm
    except Exception:  # a broken glyph table must not stop the scan; fall back to a default
        log.debug("no dash metrics in %s", font.reader.file.name, exc_info=True)
        return None


COMPRESSIBLE = "，。、；：？！）〕】］｝〉》」』〗”’（〔【［｛〈《「『〖“‘"


def _punct_ink(font) -> tuple[tuple[str, float, float], ...]:
    try:
        cmap = font.getBestCmap() or {}
        glyf, units = font["glyf"], font["head"].unitsPerEm
        out = []
        for ch in COMPRESSIBLE:
            name = cmap.get(ord(ch))
            glyph = glyf[name] if name else None
            if glyph is not None and getattr(glyph, "numberOfContours", 0) and hasattr(glyph, "xMin"):
                out.append((ch, round(glyph.xMin / units, 3), round(glyph.xMax / units, 3)))
        return tuple(out)
    except Exception:  # metrics are an optimisation: a broken table only loses them
        log.debug("no punctuation metrics in %s", font.reader.file.name, exc_info=True)
        return ()


def _describe(font, path: str, index: int) -> FontFace:
    if "glyf" in font:
        outline = TRUETYPE
    elif "CFF " in font or "CFF2" in font:
        outline = CFF
    else:
        outline = UNKNOWN
    cjk = _is_cjk(font, outline)
    dash = _dash_mid(font) if outline == TRUETYPE and cjk else None
    ink = _punct_ink(font) if outline == TRUETYPE and cjk else ()
    fs_type = getattr(font["OS/2"], "fsType", 0) if "OS/2" in font else 0
    return FontFace(path, index, _names(font), outline, cjk, fs_type, dash, ink)


def read_faces(path: str) -> list[FontFace]:
    """Describe every face of one font file (all sub-fonts of a collection); raises."""
    from fontTools.ttLib import TTCollection, TTFont  # only needed when the cache misses

    if path.lower().endswith((".ttc", ".otc")):
        fonts = TTCollection(path, lazy=True).fonts
    else:
        fonts = [TTFont(path, lazy=True)]
    return [_describe(font, path, i) for i, font in enumerate(fonts)]


def scan_file(path: str) -> list[FontFace]:
    """read_faces for a font folder: a broken file is logged and skipped."""
    try:
        faces = read_faces(path)
    except Exception as exc:  # corrupt or exotic files are common in font folders
        log.warning("跳过无法读取的字体文件 %s：%s", path, exc)
        return []
    skipped = [face.label for face in faces if face.outline == CFF and face.cjk]
    if skipped:
        log.info("跳过 CFF 轮廓字体文件（reportlab 只能嵌入 TrueType）：%s（%s）",
                 path, "、".join(skipped))
    return faces


def _load_cache(cache_path: Path | None) -> dict:
    if cache_path is None or not cache_path.is_file():
        return {}
    try:
        with open(cache_path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        log.warning("字体缓存文件损坏，将重新扫描：%s", cache_path)
        return {}
    if data.get("version") != CACHE_VERSION:
        return {}
    return data.get("files", {})


def _save_cache(cache_path: Path, files: dict) -> None:
    try:
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".fontscan-", suffix=".tmp", dir=cache_path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"version": CACHE_VERSION, "files": files}, fh, ensure_ascii=False)
        os.replace(tmp, cache_path)
    except OSError as exc:  # a read-only cache folder only costs speed
        log.warning("无法写入字体缓存 %s：%s", cache_path, exc)


def _from_entry(entry: dict) -> list[FontFace]:
    return [FontFace(f["path"], f["index"], tuple(f["names"]), f["outline"], f["cjk"],
                     f.get("fs_type", 0), f.get("dash_mid"), tuple(tuple(x) for x in f.get("punct_ink", ())))
            for f in entry["faces"]]


_MEMO: dict[tuple, FontScan] = {}


def cache_file(dirs: tuple[Path, ...]) -> str:
    """One cache file per set of folders: the office's own font folder and the system
    folders are scanned separately and must not overwrite each other's entries."""
    if dirs == tuple(default_font_dirs()):
        return CACHE_FILE
    key = "|".join(str(d) for d in dirs)
    return CACHE_FILE.replace(".json", f"-{zlib.crc32(key.encode('utf-8')):08x}.json")


def scan_fonts(dirs: Iterable[Path] | None = None, cache_dir: Path | None = None,
               refresh: bool = False) -> FontScan:
    """All faces below ``dirs`` (default: the platform's font folders)."""
    dirs = tuple(Path(d) for d in (dirs if dirs is not None else default_font_dirs()))
    key = (dirs, str(cache_dir) if cache_dir else None)
    if key in _MEMO and not refresh:
        return _MEMO[key]
    cache_path = Path(cache_dir) / cache_file(dirs) if cache_dir else None
    cached = {} if refresh else _load_cache(cache_path)
    files, changed, faces = {}, refresh, []
    for path, (size, mtime) in sorted(_font_files(dirs).items()):
        entry = cached.get(path)
        if not entry or entry.get("size") != size or entry.get("mtime_ns") != mtime:
            entry = {"size": size, "mtime_ns": mtime,
                     "faces": [asdict(face) for face in scan_file(path)]}
            changed = True
        files[path] = entry
        faces.extend(_from_entry(entry))
    if cache_path is not None and (changed or set(files) != set(cached)):
        _save_cache(cache_path, files)
    result = FontScan(tuple(faces))
    _MEMO[key] = result
    return result
