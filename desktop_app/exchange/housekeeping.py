"""Where the exchange keeps its files in the data folder, and cleaning up after a crash
(R11).

::

    <data_dir>/exchange/work/tzwork-*    one folder per running export or import
                                          (staging, inner archive, local package)
    <data_dir>/exchange/received/        imported packages, kept ``KEEP_RECEIVED_DAYS``
    <data_dir>/exchange/reports/         printable import reports (HTML)
    <data_dir>/backups/pre-import-*.db    the database as it was before each import

Each work folder holds ``owner.pid``.  ``clean_abandoned`` removes the folders whose
process is gone (a process killed mid-export or mid-import) — never one still in use
by another running export or import — and is called at the start of every export and
import; the GUI should also call ``housekeeping(data_dir)`` at start-up.
"""
from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

WORK_PREFIX = "tzwork-"
PID_FILE = "owner.pid"
KEEP_BACKUPS = 5             # a 100k-record database is ~360 MB
KEEP_RECEIVED_DAYS = 90
# A folder whose owner cannot be told (no pid file yet) is left alone this long.
GRACE_S = 600


def exchange_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "exchange"


def work_root(data_dir: Path) -> Path:
    return exchange_dir(data_dir) / "work"


def received_dir(data_dir: Path) -> Path:
    return exchange_dir(data_dir) / "received"


def reports_dir(data_dir: Path) -> Path:
    return exchange_dir(data_dir) / "reports"


def backups_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "backups"


def new_work_dir(data_dir: Path, what: str) -> Path:
    root = work_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{what}-", dir=root))
    (folder / PID_FILE).write_text(str(os.getpid()), encoding="ascii")
    return folder


def remove_work_dir(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        import ctypes
        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)   # QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259                          # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)           # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _abandoned(folder: Path) -> bool:
    try:
        pid = int((folder / PID_FILE).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        try:
            return time.time() - folder.stat().st_mtime > GRACE_S
        except OSError:
            return False
    return not _pid_alive(pid)


def clean_abandoned(data_dir: Path) -> int:
    """Remove the work folders of exports and imports that did not finish."""
    root = work_root(data_dir)
    if not root.is_dir():
        return 0
    removed = 0
    for folder in root.iterdir():
        if folder.name.startswith(WORK_PREFIX) and folder.is_dir() \
                and not folder.is_symlink() and _abandoned(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    if removed:
        log.warning("removed %d work folder(s) left by an interrupted exchange", removed)
    return removed


def _committed_ids(data_dir: Path) -> set[str] | None:
    """The package ids of every committed import, or None if the database cannot be read."""
    from desktop_app.services.session import database_path
    from desktop_app.store.db import connect
    path = database_path(Path(data_dir))
    if not path.is_file():
        return None
    try:
        conn = connect(path, readonly=True)
        try:
            return {r[0] for r in conn.execute("SELECT package_id FROM imported_package")}
        finally:
            conn.close()
    except sqlite3.Error:
        log.warning("could not read the import ledger to prune backups", exc_info=True)
        return None


def prune_backups(data_dir: Path, keep: int = KEEP_BACKUPS, *,
                  committed: set[str] | None = None) -> None:
    """Keep the ``keep`` newest pre-import backups of imports that committed.

    A backup whose import did not commit (refused, crashed) is no restore point:
    it is deleted once ``GRACE_S`` old (a younger one may belong to an import still
    running in another process) and never counts in the rotation, so hostile
    packages that fail cannot push the last honest restore point out (issue 9)."""
    folder = backups_dir(data_dir)
    if not folder.is_dir():
        return
    if committed is None:
        committed = _committed_ids(data_dir)
        if committed is None:
            return
    kept, now = [], time.time()
    for path in folder.glob("pre-import-*.db"):
        try:
            mtime = path.stat().st_mtime
        except OSError:
            continue
        if path.name[len("pre-import-"):-len(".db")] in committed:
            kept.append((mtime, path))
        elif now - mtime > GRACE_S:
            path.unlink(missing_ok=True)
    kept.sort()
    for _, path in kept[:-keep] if keep else kept:
        path.unlink(missing_ok=True)


def prune_received(data_dir: Path, days: int = KEEP_RECEIVED_DAYS) -> None:
    folder = received_dir(data_dir)
    if not folder.is_dir():
        return
    cutoff = time.time() - days * 86400
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def housekeeping(data_dir: Path) -> None:
    """Everything above, and (at most weekly) the removal of attachment files no record
    uses; cheap enough for every start of the program."""
    from desktop_app.services.attachments import clean_up_if_due
    clean_abandoned(data_dir)
    prune_backups(data_dir)
    prune_received(data_dir)
    clean_up_if_due(data_dir)
