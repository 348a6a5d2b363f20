"""A rotating log file in the data folder's ``logs/`` (ARCHITECTURE.md §4)."""
from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from desktop_app import paths

LOG_NAME = "taizhang.log"
_FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"


def configure(data_dir: Path, level: int = logging.INFO) -> Path:
    """Log to ``<data>/logs/taizhang.log`` (1 MB × 5 files); returns the file path."""
    folder = paths.log_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_NAME
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_taizhang", False):
            root.removeHandler(handler)
            handler.close()
    handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler._taizhang = True
    root.addHandler(handler)
    root.setLevel(level)
    for other in root.handlers:        # the console (if any) keeps to warnings
        if other is not handler and isinstance(other, logging.StreamHandler) \
                and not isinstance(other, logging.FileHandler):
            other.setLevel(max(other.level, logging.WARNING))
    return path


def log_folder(data_dir: Path) -> Path:
    return paths.log_dir(data_dir)
