"""Where data lives (ARCHITECTURE.md §3): the per-user data folder, a
separate demo folder, and portable mode when a marker file sits beside the
executable."""
from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

APP = "taizhang"
PORTABLE_MARKER = "taizhang-portable.txt"


def _portable_root() -> Path | None:
    if getattr(sys, "frozen", False):
        exe_dir = Path(sys.executable).resolve().parent
        if (exe_dir / PORTABLE_MARKER).exists():
            return exe_dir / "data"
    return None


def default_data_dir() -> Path:
    return _portable_root() or Path(platformdirs.user_data_dir(APP, appauthor=False))


def demo_data_dir() -> Path:
    root = _portable_root()
    return root.parent / "demo-data" if root else Path(
        platformdirs.user_data_dir(APP + "-demo", appauthor=False))


def log_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "logs"
