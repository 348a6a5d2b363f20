"""Where things live (ARCHITECTURE.md §3): the program's own files (``resources/``
and the SQL migrations), the per-user data folder, a separate demo folder, and
portable mode when a marker file sits beside the executable.

The program's files are found by :func:`resource_dir`, the one place that knows the
four ways the program is run:

* a checkout or an editable install: ``resources/`` beside the ``desktop_app`` package;
* an installed wheel: the same folder shipped as package data ``desktop_app/resources``
  (``setup.py`` maps the top-level folder there);
* a frozen (PyInstaller) bundle: ``resources/`` in the bundle's data folder
  (``sys._MEIPASS``), where ``packaging/taizhang.spec`` puts it.
"""
from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

APP = "taizhang"
PORTABLE_MARKER = "taizhang-portable.txt"
_PACKAGE = Path(__file__).resolve().parent          # .../desktop_app


@cache
def resource_dir() -> Path:
    """The folder of the program's own read-only files (holidays, vocabularies, letter
    templates, fonts.json, icons). Raises FileNotFoundError naming the places looked in."""
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "resources")
    candidates += [_PACKAGE / "resources", _PACKAGE.parent / "resources"]
    for folder in candidates:
        if (folder / "vocab").is_dir():
            return folder
    raise FileNotFoundError("程序文件不完整：找不到 resources 文件夹（查找了 "
                            + "、".join(str(c) for c in candidates) + "）。请重新安装。")


def resource(*parts: str) -> Path:
    """A file or folder under :func:`resource_dir`, e.g. ``resource("letters", "fonts.json")``."""
    return resource_dir().joinpath(*parts)


def sql_dir() -> Path:
    """The numbered schema steps (``desktop_app/store/sql``; package data in a wheel and
    data files in a bundle, at the same place relative to the package)."""
    return _PACKAGE / "store" / "sql"


def _portable_root() -> Path | None:
    if getattr(sys, "frozen", False):
        exe_dir = Path(sys.executable).resolve().parent
        if (exe_dir / PORTABLE_MARKER).exists():
            return exe_dir / "data"
    return None


def default_data_dir() -> Path:
    import platformdirs
    return _portable_root() or Path(platformdirs.user_data_dir(APP, appauthor=False))


def demo_data_dir() -> Path:
    import platformdirs
    root = _portable_root()
    return root.parent / "demo-data" if root else Path(
        platformdirs.user_data_dir(APP + "-demo", appauthor=False))


def log_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "logs"
