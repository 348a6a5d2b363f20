"""Load reportlab TrueType fonts without re-parsing them on every start.

reportlab parses a CJK font's cmap and metrics in pure Python: 50–90 ms per face,
two to four faces per letter, which alone would eat the CLI's 0.5 s start budget.
The parsed tables are plain ints, lists and dicts, so they are kept with ``marshal``
(no code execution on load, unlike pickle) in the cache folder, keyed by the font
file's size and mtime, the reportlab version and the Python version. Any problem with
the cache falls back to the normal parse.
"""
from __future__ import annotations

import logging
import marshal
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

SUBDIR = "fontfaces"
_NOT_KEPT = ("_ttf_data", "_pdfScale")  # the file bytes (re-read) and a lambda (rebuilt)


def _cache_path(cache_dir: Path, path: str, index: int) -> Path | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    key = f"{path}|{index}|{st.st_size}|{st.st_mtime_ns}|{reportlab.Version}|{sys.version_info[:2]}"
    return Path(cache_dir) / SUBDIR / f"{zlib.crc32(key.encode('utf-8')):08x}-{index}.marshal"


def _restore(name: str, path: str, blob: bytes) -> TTFont:
    state = marshal.loads(blob)
    face = TTFontFace.__new__(TTFontFace)
    for key, value in state.items():
        face.__dict__[key] = TTFNameBytes(value) if key in state["_names"] else value
    del face.__dict__["_names"]
    with open(path, "rb") as fh:
        face._ttf_data = fh.read()  # needed later to cut the embedded subset
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
    state["_names"] = [k for k, v in state.items() if isinstance(v, TTFNameBytes)]
    state = {k: (bytes(v) if isinstance(v, TTFNameBytes) else v) for k, v in state.items()}
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
