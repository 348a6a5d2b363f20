"""Font roles of GB/T 9704 (小标宋, 仿宋, 黑体, 楷体, 宋体) mapped to installed TrueType faces.

Every face is classed by the style its names say (仿宋, 楷体, 宋体, 黑体, 小标宋). A
role's chain is ordered by style first — 仿宋 → any other 仿宋 → a 宋体 serif → only
then a 黑体 — then by the office's preference list (``resources/letters/fonts.json``),
with fonts the office added to its data folder ahead of system fonts. A role whose
first face is not of its own style is a *substitute*: the report, the letter editor
and the CLI say so by name. reportlab does no glyph fallback, so every character is
looked up along the chain; the caller learns which characters needed a fallback and
which no font has — a letter with a blank box is never produced.
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


# Style of a face from its names; tested in this order (仿宋 and 小标宋 contain 宋).
_STYLE_WORDS = (
    ("小标宋", ("小标宋", "xiaobiaosong", "标宋", "biaosong", "中宋", "zhongsong")),
    ("仿宋", ("仿宋", "fangsong", "fs_gb2312")),
    ("楷体", ("楷", "kaiti", "ukai", " kai", "kai ")),
    ("黑体", ("黑", "hei", "sans", "gothic")),
    ("宋体", ("宋", "song", "ming", "明", "serif")),
)
# Which styles may stand in for a role, best first [issue: 仿宋 → 仿宋 → 宋体 → 黑体].
ROLE_STYLES: dict[Role, tuple[str, ...]] = {
    Role.XIAOBIAOSONG: ("小标宋", "宋体", "仿宋", "楷体", "黑体"),
    Role.FANGSONG: ("仿宋", "宋体", "小标宋", "楷体", "黑体"),
    Role.KAITI: ("楷体", "仿宋", "宋体", "小标宋", "黑体"),
    Role.HEITI: ("黑体", "小标宋", "宋体", "仿宋", "楷体"),
    Role.SONGTI: ("宋体", "小标宋", "仿宋", "楷体", "黑体"),
}


def face_style(face: FontFace) -> str:
    """仿宋/楷体/黑体/宋体/小标宋 as the face's names say, or 其他."""
    names = " ".join(n.casefold() for n in face.names) + " " + Path(face.path).stem.casefold()
    names = f" {names} "
    for style, words in _STYLE_WORDS:
        if any(w in names for w in words):
            return style
    return "其他"


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

    def ink(self, ch: str) -> tuple[float, float] | None:
        """Horizontal ink extent of a compressible mark in em (None: unknown)."""
        if not hasattr(self, "_ink"):
            self._ink = {c: (a, b) for c, a, b in self.face.punct_ink}
        return self._ink.get(ch)

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
    style: str = ""              # the style of the face that serves the role
    added: bool = False          # an office font from the data folder

    @property
    def preferred(self) -> bool:
        return self.rank == 0

    @property
    def meets_standard(self) -> bool:
        """The role is printed in its own style (GB/T 9704 names styles, not products)."""
        return self.font is not None and self.style == self.role

    @property
    def warning(self) -> str | None:
        """One Chinese sentence naming the missing style and what stands in for it."""
        if self.font is None:
            return f"缺少{self.role}字体：本机没有任何可用的中文 TrueType 字体"
        if self.meets_standard:
            return None
        examples = "、".join(self.wanted[:2])
        return (f"本机没有{self.role}字体（如 {examples}），{self.role}部分暂用 {self.font}"
                f"（{self.style}）代替，不完全符合 GB/T 9704；可添加本单位的{self.role}字体文件"
                f"（设置 › 公文字体，或 taizhang fonts add）")


@dataclass(frozen=True)
class FontsReport:
    roles: tuple[RoleReport, ...]
    others: tuple[str, ...]
    skipped: tuple[str, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(r.role for r in self.roles if r.font is None)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(w for r in self.roles if (w := r.warning))

    def to_text(self) -> str:
        lines = ["公文字体（GB/T 9704：标题小标宋，正文仿宋，一级标题黑体，二级标题楷体，页码宋体）："]
        for r in self.roles:
            if r.font is None:
                lines.append(f"  {r.role}：缺少（未找到任何可用的中文 TrueType 字体）")
                continue
            verdict = "符合" if r.meets_standard else f"不符合，{r.style}代用"
            origin = "，本单位添加" if r.added else ""
            lines.append(f"  {r.role}：{r.font}（{r.style}{origin}）— {r.location} [{verdict}]")
        for warning in self.warnings:
            lines.append(f"注意：{warning}")
        if self.others:
            lines.append(f"缺字时再依次查找：{'、'.join(self.others)}")
        if self.skipped:
            lines.append(f"已跳过 CFF 轮廓字体（reportlab 无法嵌入）：{'、'.join(self.skipped)}")
        return "\n".join(lines)


class FontSet:
    """Role chains over one scan. Loads faces lazily: each costs ~70 ms on first use.

    ``added``: faces from the office's own font folder, found before system fonts.
    """

    def __init__(self, scan: FontScan, preferences: Mapping[str, Sequence[str]] | None = None,
                 cache_dir: Path | None = None, added: FontScan | None = None):
        self.scan = scan
        self.cache_dir = cache_dir
        self.added = tuple(f for f in (added.usable if added else ()) if f.cjk)
        self.preferences = {Role(k): tuple(v) for k, v in (preferences or default_preferences()).items()}
        usable = self.added + tuple(f for f in scan.usable if f.cjk and f not in self.added)
        self._cjk = list(usable)
        self._styles = {f: face_style(f) for f in self._cjk}
        self._chains = {role: self._build_chain(role) for role in Role}
        self._memo: dict[tuple[Role, str], LoadedFont | None] = {}

    def _rank(self, face: FontFace, wanted: Sequence[str]) -> int:
        names = {_norm(n) for n in face.names}
        return next((i for i, w in enumerate(wanted) if _norm(w) in names), len(wanted))

    def _build_chain(self, role: Role) -> tuple[list[FontFace], int]:
        """The role's faces, best first, and the rank of the preference the first matched.

        Order: an office-added face of the role's own style; then the preference list
        (the office's explicit choice); then every other face by style tier
        (ROLE_STYLES), added before system. Every CJK face is in every chain, so a
        rare character still finds a glyph.
        """
        wanted = self.preferences.get(role, ())
        tiers = ROLE_STYLES[role]
        added = set(self.added)

        def key(face: FontFace):
            style = self._styles[face]
            rank = self._rank(face, wanted)
            if face in added and style == role.value:
                group = 0
            elif rank < len(wanted):
                group = 1
            else:
                group = 2 + (tiers.index(style) if style in tiers else len(tiers))
            return (group, face not in added, rank, face.path, face.index)

        chain = sorted(self._cjk, key=key)
        rank = self._rank(chain[0], wanted) if chain else -1
        return chain, (rank if chain and rank < len(wanted) else -1)

    def style(self, face: FontFace) -> str:
        return self._styles.get(face) or face_style(face)

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
                                    self.preferences.get(role, ()),
                                    self.style(first) if first else "", first in self.added))
        used = {r.location for r in roles}
        others = tuple(dict.fromkeys(f.label for f in self._cjk if f.location not in used))
        skipped = tuple(dict.fromkeys(Path(f.path).name for f in self.scan.skipped if f.cjk))
        return FontsReport(tuple(roles), others, skipped)

    def warnings(self, roles: Iterable[str] | None = None) -> tuple[str, ...]:
        """Substitution warnings, for the given roles only (those a letter used)."""
        wanted = None if roles is None else {str(r) for r in roles}
        return tuple(r.warning for r in self.report().roles
                     if r.warning and (wanted is None or r.role in wanted))


_SETS: dict[tuple, FontSet] = {}


def get_fonts(preferences: Mapping[str, Sequence[str]] | None = None,
              cache_dir: Path | None = None,
              font_dirs: Iterable[Path] | None = None,
              added_dir: Path | None = None) -> FontSet:
    """The process-wide FontSet for these settings (scan and loads are reused).

    ``added_dir``: the office's own fonts (``<data folder>/fonts``), found first.
    """
    dirs = tuple(Path(d) for d in font_dirs) if font_dirs is not None else None
    prefs_key = tuple(sorted((k, tuple(v)) for k, v in preferences.items())) if preferences else None
    key = (dirs, str(cache_dir) if cache_dir else None, prefs_key, str(added_dir) if added_dir else None)
    if key not in _SETS:
        added = scan_fonts((Path(added_dir),), cache_dir) if added_dir else None
        _SETS[key] = FontSet(scan_fonts(dirs, cache_dir), preferences, cache_dir, added)
    return _SETS[key]


def forget_fonts() -> None:
    """Drop the process-wide sets and scans (after a font was added)."""
    from . import fontscan

    _SETS.clear()
    fontscan._MEMO.clear()


@dataclass
class FontUse:
    """What one render needed: faces per role, and characters that fell back or are missing."""

    used: dict[str, set[str]] = field(default_factory=dict)
    fallbacks: list[tuple[str, str, str]] = field(default_factory=list)  # (char, field, font)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (char, field)
