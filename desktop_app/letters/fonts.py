"""Font roles of GB/T 9704 (小标宋, 仿宋, 黑体, 楷体, 宋体) mapped to installed TrueType faces.

Each role has a preference list of internal font names (Windows names first, then the
free Linux fonts); an office can pass its own. reportlab does no glyph fallback, so
every character is looked up in the role's chain: the preferred faces in order, then
every other installed CJK TrueType face. The caller learns which characters needed a
fallback and which no font has — a letter with a blank box is never produced.
"""
from __future__ import annotations

import json
import logging
import zlib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from desktop_app.paths import resource

from .facecache import load_ttfont
from .fontscan import FontFace, FontScan, scan_fonts

log = logging.getLogger(__name__)

RESOURCES = resource("letters")
DEFAULT_DASH_MID = 0.36  # em dash height in SimSun-class fonts (gbt9704.md §6)


class Role(StrEnum):
    XIAOBIAOSONG = "小标宋"
    FANGSONG = "仿宋"
    HEITI = "黑体"
    KAITI = "楷体"
    SONGTI = "宋体"


def default_preferences() -> dict[str, list[str]]:
    """The shipped role → font-name lists (``resources/letters/fonts.json``)."""
    with open(RESOURCES / "fonts.json", encoding="utf-8") as fh:
        return {role: list(names) for role, names in json.load(fh)["roles"].items()}


def _norm(name: str) -> str:
    return "".join(name.split()).casefold()


class LoadedFont:
    """A face registered with reportlab, with cached coverage and advances."""

    def __init__(self, face: FontFace, name: str, ttf: TTFont):
        self.face = face
        self.name = name
        self.ttf = ttf
        self._cmap = ttf.face.charToGlyph
        self._advances: dict[str, float] = {}

    def has(self, ch: str) -> bool:
        return ord(ch) in self._cmap

    def advance(self, ch: str) -> float:
        """Advance width in em."""
        width = self._advances.get(ch)
        if width is None:
            width = self._advances[ch] = self.ttf.stringWidth(ch, 1.0)
        return width

    @property
    def dash_mid(self) -> float:
        return self.face.dash_mid if self.face.dash_mid is not None else DEFAULT_DASH_MID

    def __repr__(self) -> str:
        return f"LoadedFont({self.face.label!r}, {self.face.location!r})"


_LOADED: dict[tuple[str, int], LoadedFont | None] = {}


def load_face(face: FontFace, cache_dir: Path | None = None) -> LoadedFont | None:
    """Register a face with reportlab once per process; None if reportlab refuses it."""
    key = (face.path, face.index)
    if key in _LOADED:
        return _LOADED[key]
    name = f"TZ{zlib.crc32(face.path.encode('utf-8')):08x}-{face.index}"
    try:
        ttf = load_ttfont(name, face.path, face.index, cache_dir)
        pdfmetrics.registerFont(ttf)
        loaded: LoadedFont | None = LoadedFont(face, name, ttf)
    except (TTFError, OSError, ValueError) as exc:
        log.warning("字体无法嵌入，已跳过：%s（%s）", face.location, exc)
        loaded = None
    _LOADED[key] = loaded
    return loaded


@dataclass(frozen=True)
class RoleReport:
    role: str
    font: str | None
    location: str | None
    rank: int                    # index of the matched preference; -1: none matched
    wanted: tuple[str, ...]

    @property
    def preferred(self) -> bool:
        return self.rank == 0


@dataclass(frozen=True)
class FontsReport:
    roles: tuple[RoleReport, ...]
    others: tuple[str, ...]
    skipped: tuple[str, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(r.role for r in self.roles if r.font is None)

    def to_text(self) -> str:
        lines = ["公文字体："]
        for r in self.roles:
            if r.font is None:
                lines.append(f"  {r.role}：缺少（未找到任何可用的中文 TrueType 字体）")
                continue
            if r.rank == 0:
                note = ""
            elif r.rank > 0:
                note = f"（未找到首选的 {'、'.join(r.wanted[:min(r.rank, 4)])}，用列表中的第 {r.rank + 1} 项代替）"
            else:
                note = f"（代用：未找到 {'、'.join(r.wanted[:4])} 等任何一种）"
            lines.append(f"  {r.role}：{r.font} — {r.location}{note}")
        if self.others:
            lines.append(f"缺字时再依次查找：{'、'.join(self.others)}")
        if self.skipped:
            lines.append(f"已跳过 CFF 轮廓字体（reportlab 无法嵌入）：{'、'.join(self.skipped)}")
        return "\n".join(lines)


class FontSet:
    """Role chains over one scan. Loads faces lazily: each costs ~70 ms on first use."""

    def __init__(self, scan: FontScan, preferences: Mapping[str, Sequence[str]] | None = None,
                 cache_dir: Path | None = None):
        self.scan = scan
        self.cache_dir = cache_dir
        self.preferences = {Role(k): tuple(v) for k, v in (preferences or default_preferences()).items()}
        self._cjk = sorted((f for f in scan.usable if f.cjk), key=lambda f: (f.path, f.index))
        self._chains = {role: self._build_chain(role) for role in Role}
        self._memo: dict[tuple[Role, str], LoadedFont | None] = {}

    def _matches(self, wanted: str) -> list[FontFace]:
        key = _norm(wanted)
        return [f for f in self.scan.usable if any(_norm(n) == key for n in f.names)]

    def _build_chain(self, role: Role) -> tuple[list[FontFace], int]:
        """The role's faces in order, and the rank of the preference the first one matched."""
        chain: list[FontFace] = []
        rank = -1
        for i, wanted in enumerate(self.preferences.get(role, ())):
            found = [f for f in self._matches(wanted) if f not in chain]
            if found and rank < 0:
                rank = i
            chain.extend(found)
        chain.extend(f for f in self._cjk if f not in chain)
        return chain, rank

    @property
    def has_cjk(self) -> bool:
        return bool(self._cjk)

    def chain(self, role: Role) -> list[FontFace]:
        return list(self._chains[Role(role)][0])

    def font_for(self, role: Role, ch: str) -> LoadedFont | None:
        """First face of the role's chain that has a glyph for ``ch``."""
        key = (role, ch)
        if key in self._memo:
            return self._memo[key]
        found = None
        for face in self._chains[role][0]:
            loaded = load_face(face, self.cache_dir)
            if loaded is not None and loaded.has(ch):
                found = loaded
                break
        self._memo[key] = found
        return found

    def primary(self, role: Role) -> LoadedFont | None:
        for face in self._chains[role][0]:
            loaded = load_face(face, self.cache_dir)
            if loaded is not None:
                return loaded
        return None

    def report(self) -> FontsReport:
        roles = []
        for role in Role:
            chain, rank = self._chains[role]
            first = chain[0] if chain else None
            roles.append(RoleReport(role.value, first.label if first else None,
                                    first.location if first else None, rank,
                                    self.preferences.get(role, ())))
        used = {r.location for r in roles}
        others = tuple(dict.fromkeys(f.label for f in self._cjk if f.location not in used))
        skipped = tuple(dict.fromkeys(Path(f.path).name for f in self.scan.skipped if f.cjk))
        return FontsReport(tuple(roles), others, skipped)


_SETS: dict[tuple, FontSet] = {}


def get_fonts(preferences: Mapping[str, Sequence[str]] | None = None,
              cache_dir: Path | None = None,
              font_dirs: Iterable[Path] | None = None) -> FontSet:
    """The process-wide FontSet for these settings (scan and loads are reused)."""
    dirs = tuple(Path(d) for d in font_dirs) if font_dirs is not None else None
    prefs_key = tuple(sorted((k, tuple(v)) for k, v in preferences.items())) if preferences else None
    key = (dirs, str(cache_dir) if cache_dir else None, prefs_key)
    if key not in _SETS:
        _SETS[key] = FontSet(scan_fonts(dirs, cache_dir), preferences, cache_dir)
    return _SETS[key]


@dataclass
class FontUse:
    """What one render needed: faces per role, and characters that fell back or are missing."""

    used: dict[str, set[str]] = field(default_factory=dict)
    fallbacks: list[tuple[str, str, str]] = field(default_factory=list)  # (char, field, font)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (char, field)
