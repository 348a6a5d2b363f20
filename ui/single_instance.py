"""One program window per data folder.

A second start on the same folder (a double click too many, a shortcut on the
desktop and one in the Start menu) would run a second set of backups and log
rotation over the same files and block a restore. So the first window holds a
lock file in the data folder (QLockFile: it records the process, the computer and
the program; a lock left by a crash is found stale, because that process no longer
exists, and taken over) and listens on a local socket named after the folder. A
second start asks the first window to come forward and ends; when nobody answers,
it says who holds the folder.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QSysInfo, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

log = logging.getLogger(__name__)

LOCK_NAME = "taizhang.lock"
SHOW, ANSWER = b"show\n", b"ok\n"
WAIT_MS = 2000


def server_name(data_dir: Path) -> str:
    """The local socket of a data folder: the same folder gives the same name."""
    key = os.path.normcase(str(Path(data_dir).resolve()))
    return "taizhang-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


class SingleInstance(QObject):
    """``acquire()`` once at start: True to go on; False when another window has the
    folder (it was asked to come forward, or ``message`` says who holds it)."""

    shown = Signal()       # this window was brought forward for a second start

    def __init__(self, data_dir: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.name = server_name(self.data_dir)
        self.lock: QLockFile | None = None
        self.server: QLocalServer | None = None
        self.message = ""

    def acquire(self) -> bool:
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:             # the start-up reports an unusable folder itself
            log.warning("cannot create %s for the lock: %s", self.data_dir, exc)
            return True
        self.lock = QLockFile(str(self.data_dir / LOCK_NAME))
        self.lock.setStaleLockTime(0)      # stale only when its process is gone
        if self.lock.tryLock(100):
            self._listen()
            return True
        if self.lock.error() != QLockFile.LockError.LockFailedError:
            log.warning("lock file %s unusable (%s): going on", self.lock.fileName(), self.lock.error())
            self.lock = None
            return True
        info = self.lock.getLockInfo()
        pid, host = (info[0], info[1]) if info else (0, "")
        if self._ask_first_to_show(pid):
            log.info("another window (pid %s) has %s: brought it forward", pid, self.data_dir)
            return False
        self.message = self._holder_message(pid, host)
        return False

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        if self.lock is not None:
            self.lock.unlock()
            self.lock = None

    # -- the first window ------------------------------------------------------------------
    def _listen(self) -> None:
        QLocalServer.removeServer(self.name)   # a socket file left by a crash (Unix)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._on_connection)
        if not self.server.listen(self.name):
            log.warning("cannot listen on %s: %s", self.name, self.server.errorString())

    def _on_connection(self) -> None:
        while self.server is not None and self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            sock.readyRead.connect(lambda s=sock: self._on_request(s))
            sock.disconnected.connect(sock.deleteLater)

    def _on_request(self, sock: QLocalSocket) -> None:
        if bytes(sock.readAll()).startswith(SHOW.strip()):
            bring_forward()
            sock.write(ANSWER)
            sock.flush()
            self.shown.emit()

    # -- a second start --------------------------------------------------------------------
    def _ask_first_to_show(self, pid: int) -> bool:
        sock = QLocalSocket()
        sock.connectToServer(self.name)
        if not sock.waitForConnected(WAIT_MS):
            return False
        _allow_foreground(pid)
        sock.write(SHOW)
        sock.flush()
        answered = sock.waitForReadyRead(WAIT_MS) and bytes(sock.readAll()).startswith(ANSWER.strip())
        sock.disconnectFromServer()
        return answered

    def _holder_message(self, pid: int, host: str) -> str:
        folder = self.data_dir
        if host and host != QSysInfo.machineHostName():
            return (f"数据目录 {folder} 正由电脑“{host}”上的监督台账使用。同一数据目录同时只能由一个"
                    "程序窗口打开：请先在那台电脑上关闭程序，再重试。")
        return (f"数据目录 {folder} 已由另一个监督台账窗口打开（进程号 {pid}），但它没有响应。"
                "请切换到那个窗口；如果它已无法操作，在任务管理器中结束该进程后再打开。")


def bring_forward() -> QWidget | None:
    """The window the user works in (a dialog it shows first), restored and raised."""
    app = QApplication.instance()
    windows = [w for w in app.topLevelWidgets() if w.isVisible()]
    target = (app.activeModalWidget()
              or next((w for w in windows if isinstance(w, QMainWindow)), None)
              or (windows[0] if windows else None))
    if target is not None:
        if target.isMinimized():
            target.showNormal()
        target.raise_()
        target.activateWindow()
    return target


def _allow_foreground(pid: int) -> None:
    """Windows lets only the process the user just started take the foreground: it
    passes that right to the first window's process."""
    if sys.platform == "win32" and pid:
        try:
            import ctypes
            ctypes.windll.user32.AllowSetForegroundWindow(int(pid))
        except (OSError, AttributeError):
            pass
