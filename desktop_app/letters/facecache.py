"""Load reportlab TrueType fonts without re-parsing them on every start.

reportlab parses a CJK font's cmap and metrics in pure Python: 50–90 ms per face,
two to four faces per letter, which alone would eat the CLI's 0.5 s start budget.
The parsed tables are plain ints, lists and dicts, so they are kept with ``marshal``
(no code execution on load, unlike pickle) in the cache folder, keyed by the font
file's size and mtime, the reportlab version and the Python version. Any problem with
the cache falls back to the normal parse.

Start-up cost is what matters here (a one-page letter from a cold process), so the big
tables are stored as packed arrays and used as they are — a sorted key array searched
by bisection behind the dict interface reportlab uses (``in``, ``[]``, ``get``) — instead
of being rebuilt (a marshalled 40 000-entry dict takes 50–80 ms to load, the arrays
well under one); glyphToChar, which reportlab never reads after parsing, is rebuilt
only if asked for; and the font file is memory-mapped instead of read: a 20 MB .ttc
costs nothing until the subset is cut.
"""
from __future__ import annotations

import logging
import marshal
import mmap
import os
import sys
import tempfile
import zlib
from fnmatch import fnmatch
from pathlib import Path
from weakref import WeakKeyDictionary

import reportlab
from reportlab import rl_config
from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace

log = logging.getLogger(__name__)

from array import array
from bisect import bisect_left
from collections.abc import MutableMapping, Sequence

SUBDIR = "fontfaces"
FORMAT = 3
_NOT_KEPT = ("_ttf_data", "_pdfScale", "glyphToChar")  # file bytes (mapped), a lambda, unused
_INT_MAPS = ("charToGlyph",)
_FLOAT_MAPS = ("charWidths",)


class CachedFace(TTFontFace):
    """A face restored from the cache; glyphToChar is derived on first use."""

    @property
    def glyphToChar(self) -> dict:
        out: dict = {}
        glyphs, chars = self.__dict__["_glyph_chars"]
        for glyph, char in zip(_unpacked(*glyphs), _unpacked(*chars)):
            out.setdefault(glyph, []).append(char)
        return out


def _packed(values) -> tuple[str, bytes]:
    """Values as an array of ints when they all are, else of floats (types kept)."""
    values = list(values)
    kind = "q" if all(type(v) is int for v in values) else "d"
    return kind, array(kind, values).tobytes()


def _unpacked(kind: str, data: bytes) -> list:
    return array(kind, data).tolist()


def _pack(state: dict) -> dict:
    packed = dict(state)
    for key in _INT_MAPS + _FLOAT_MAPS:
        items = sorted(packed.pop(key).items())
        packed[f"{key}#"] = (_packed(k for k, _v in items), _packed(v for _k, v in items))
    widths = packed.pop("hmetrics")
    packed["hmetrics#"] = (_packed(w for w, _l in widths), _packed(l for _w, l in widths))
    packed["glyphPos#"] = _packed(packed.pop("glyphPos"))
    return packed


def _glyph_chars(glyph_to_char: dict) -> tuple:
    pairs = [(g, c) for g, chars in glyph_to_char.items() for c in chars]
    return (_packed(g for g, _c in pairs), _packed(c for _g, c in pairs))


class PackedMap(MutableMapping):
    """code → value over two arrays (keys sorted); additions go to a small dict."""

    def __init__(self, keys: array, values: array):
        self._keys, self._values, self._extra = keys, values, {}

    def _index(self, key) -> int:
        i = bisect_left(self._keys, key) if isinstance(key, int) else -1
        return i if 0 <= i < len(self._keys) and self._keys[i] == key else -1

    def __getitem__(self, key):
        if key in self._extra:
            return self._extra[key]
        i = self._index(key)
        if i < 0:
            raise KeyError(key)
        return self._values[i]

    def __contains__(self, key) -> bool:
        return key in self._extra or self._index(key) >= 0

    def get(self, key, default=None):
        return self[key] if key in self else default

    def __setitem__(self, key, value) -> None:
        self._extra[key] = value

    def __delitem__(self, key) -> None:
        raise TypeError("a cached font table is read-only")

    def __iter__(self):
        yield from self._keys
        yield from (k for k in self._extra if self._index(k) < 0)

    def __len__(self) -> int:
        return len(self._keys) + sum(1 for k in self._extra if self._index(k) < 0)


class PackedPairs(Sequence):
    """hmetrics: (advance, left side bearing) per glyph over two arrays."""

    def __init__(self, first: array, second: array):
        self._first, self._second = first, second

    def __getitem__(self, i):
        if isinstance(i, slice):
            return list(zip(self._first[i], self._second[i]))
        return (self._first[i], self._second[i])

    def __len__(self) -> int:
        return len(self._first)


def _sorted_map(keys: array, values: array) -> PackedMap:
    if any(a > b for a, b in zip(keys, keys[1:])):  # written from a dict: sort once
        pairs = sorted(zip(keys, values))
        keys, values = array(keys.typecode, (k for k, _v in pairs)), array(values.typecode, (v for _k, v in pairs))
    return PackedMap(keys, values)


def _unpack(state: dict) -> dict:
    for key in _INT_MAPS + _FLOAT_MAPS:
        keys, values = state.pop(f"{key}#")
        state[key] = _sorted_map(array(*_typed(keys)), array(*_typed(values)))
    aw, lsb = state.pop("hmetrics#")
    state["hmetrics"] = PackedPairs(array(*_typed(aw)), array(*_typed(lsb)))
    state["glyphPos"] = array(*_typed(state.pop("glyphPos#")))
    return state


def _typed(packed: tuple[str, bytes]) -> tuple[str, bytes]:
    return packed


def _cache_path(cache_dir: Path, path: str, index: int) -> Path | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    key = f"{path}|{index}|{st.st_size}|{st.st_mtime_ns}|{reportlab.Version}|{sys.version_info[:2]}|{FORMAT}"
    return Path(cache_dir) / SUBDIR / f"{zlib.crc32(key.encode('utf-8')):08x}-{index}.marshal"


def _restore(name: str, path: str, blob: bytes) -> TTFont:
    state = _unpack(marshal.loads(blob))
    face = CachedFace.__new__(CachedFace)
    for key, value in state.items():
        face.__dict__[key] = TTFNameBytes(value) if key in state["_names"] else value
    del face.__dict__["_names"]
    with open(path, "rb") as fh:  # needed later to cut the embedded subset
        face._ttf_data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    units = face.unitsPerEm
    face._pdfScale = (lambda x: x) if units == 1000 else (lambda x, m=1000 / units: x * m)
    # The rest mirrors TTFont.__init__ of the pinned reportlab 5.1.0; a test compares
    # a restored font with a freshly parsed one attribute by attribute.
    font = TTFont.__new__(TTFont)
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, glob) for glob in ttfonts.unShapedFontGlob)
    return font


def _save(target: Path, font: TTFont) -> None:
    state = {k: v for k, v in vars(font.face).items() if k not in _NOT_KEPT}
    state["_glyph_chars"] = _glyph_chars(font.face.glyphToChar)
    state["_names"] = [k for k, v in state.items() if isinstance(v, TTFNameBytes)]
    state = _pack({k: (bytes(v) if isinstance(v, TTFNameBytes) else v) for k, v in state.items()})
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".face-", suffix=".tmp", dir=target.parent)
    with os.fdopen(fd, "wb") as fh:
        marshal.dump(state, fh)
    os.replace(tmp, target)


def load_ttfont(name: str, path: str, index: int, cache_dir: Path | None) -> TTFont:
    """A reportlab TTFont, from the cache when possible. Raises what TTFont raises."""
    target = _cache_path(cache_dir, path, index) if cache_dir else None
    if target is not None and target.is_file():
        try:
            return _restore(name, path, target.read_bytes())
        except Exception:  # stale or damaged cache: parse the font instead
            log.debug("font cache unusable: %s", target, exc_info=True)
    font = TTFont(name, path, subfontIndex=index)
    if target is not None:
        try:
            _save(target, font)
        except (OSError, ValueError) as exc:
            log.debug("cannot cache font %s: %s", path, exc)
    return font
