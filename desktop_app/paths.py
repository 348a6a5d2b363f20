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

import os
import sys
from functools import cache
from pathlib import Path

APP = "taizhang"
PORTABLE_MARKER = "taizhang-portable.txt"
_PACKAGE = Path(__file__).resolve().parent          # .../desktop_app


@cache
def resource_dir() -> Path:
    """The folder of the program's own read-only files (holidays, vocabularies, letter
    templates, fonts.json, icons). A UserFacingError names the places looked in."""
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "resources")
    candidates += [_PACKAGE / "resources", _PACKAGE.parent / "resources"]
    for folder in candidates:
        if (folder / "vocab").is_dir():
            return folder
    from desktop_app.errors import UserFacingError
    raise UserFacingError("程序文件不完整：找不到 resources 文件夹（查找了 "
                          + "、".join(str(c) for c in candidates) + "）。请重新安装本程序。")


def resource(*parts: str) -> Path:
    """A file or folder under :func:`resource_dir`, e.g. ``resource("letters", "fonts.json")``."""
    return resource_dir().joinpath(*parts)


def sql_dir() -> Path:
    """The numbered schema steps (``desktop_app/store/sql``; package data in a wheel and
    data files in a bundle, at the same place relative to the package)."""
    return _PACKAGE / "store" / "sql"


def portable_identity(path: Path | str) -> str | None:
    """The identity of a database inside a portable copy's data folder, or None.

    A portable copy travels on a USB drive: Windows gives the drive another letter on
    another PC (E: today, F: tomorrow), and a Linux desktop mounts it under another
    folder. The database's instance id (store/revision.py) must not change then, or
    each plug-in would look like a copied database to the sister workstations. So for
    a portable copy the identity is the drive's own serial number (Windows) or file
    system UUID (Linux) plus the path inside the drive: unchanged when the letter or
    the mount point changes, different on another drive or in another folder (a real
    copy). Nothing path- or letter-dependent is stored.
    """
    root = _portable_root()
    if root is None:
        return None
    target = Path(path).resolve()
    if not target.is_relative_to(root.parent):
        return None
    mount, volume = _volume_of(target)
    return portable_key(target, mount, volume)


def portable_key(target: Path, mount: Path, volume: str) -> str:
    inside = target.relative_to(mount).as_posix()
    return f"portable|{volume}|{inside}"


def _volume_of(path: Path) -> tuple[Path, str]:
    """(mount point or drive root, volume serial or UUID; "" when unknown)."""
    if sys.platform == "win32":
        return _windows_volume(path)
    mount = path
    while not os.path.ismount(mount) and mount.parent != mount:
        mount = mount.parent
    return mount, _linux_volume_uuid(mount)


def _windows_volume(path: Path) -> tuple[Path, str]:
    import ctypes
    kernel32 = ctypes.windll.kernel32
    root = ctypes.create_unicode_buffer(261)
    serial = ctypes.c_ulong(0)
    if not kernel32.GetVolumePathNameW(str(path), root, 261):
        return Path(path.anchor), ""
    if not kernel32.GetVolumeInformationW(root.value, None, 0, ctypes.byref(serial), None, None, None, 0):
        return Path(root.value), ""
    return Path(root.value), f"{serial.value:08X}"


def _linux_volume_uuid(mount: Path) -> str:
    try:
        with open("/proc/self/mounts", encoding="utf-8", errors="replace") as fh:
            devices = [line.split()[0] for line in fh if len(line.split()) > 1
                       and line.split()[1].replace("\\040", " ") == str(mount)]
        if not devices:
            return ""
        device = os.path.realpath(devices[-1])
        by_uuid = Path("/dev/disk/by-uuid")
        for link in by_uuid.iterdir() if by_uuid.is_dir() else ():
            if os.path.realpath(link) == device:
                return link.name
    except OSError:
        pass
    return ""


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
