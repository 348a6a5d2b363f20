"""The window locks itself after the office's idle period (security.idle_minutes).

An event filter on the application notes every keyboard and mouse input; a
timer compares. Locking covers the main window with an opaque panel that asks
for the same user's password, hides every other window of the program (an open
record must not stay readable on an unattended desk), and disables the window's
shortcuts. Lock and unlock, and wrong passwords, go to the audit log; wrong
passwords count towards the account lockout like at login.
"""
from __future__ import annotations

import logging
import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QApplication, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from desktop_app.errors import UserFacingError
from desktop_app.security import auth
from desktop_app.security.auth import Identity
from ui.security.common import error_label, show_in

log = logging.getLogger(__name__)

INPUT_EVENTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                          QEvent.Type.Wheel, QEvent.Type.TouchBegin})
CHECK_MS = 5000


class LockPanel(QFrame):
    """The opaque cover with the unlock form."""

    unlock_requested = Signal(str)
    quit_requested = Signal()

    def __init__(self, identity: Identity, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("lockPanel")
        self.setAutoFillBackground(True)
        self.setStyleSheet("QFrame#lockPanel { background: #eef1f5; }")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QFrame()
        box.setObjectName("card")
        box.setMaximumWidth(420)
        form = QVBoxLayout(box)
        title = QLabel("监督台账已锁定")
        title.setObjectName("pageTitle")
        form.addWidget(title)
        form.addWidget(QLabel(f"离开时屏幕自动锁定。请 {identity.name} 输入口令解锁。"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("口令")
        self.password.returnPressed.connect(self._unlock)
        form.addWidget(self.password)
        self.error = error_label()
        form.addWidget(self.error)
        row = QHBoxLayout()
        self.unlock_button = QPushButton("解锁")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._unlock)
        self.quit_button = QPushButton("退出程序")
        self.quit_button.clicked.connect(self.quit_requested)
        row.addWidget(self.unlock_button)
        row.addWidget(self.quit_button)
        form.addLayout(row)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    def _unlock(self) -> None:
        text = self.password.text()
        self.password.clear()
        self.unlock_requested.emit(text)


class IdleLock(QObject):
    """Install once per main window: ``IdleLock(window, identity, minutes)``."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, window: QWidget, identity: Identity, minutes: int, *,
                 check_ms: int = CHECK_MS, clock=None):
        super().__init__(window)
        self.window, self.identity, self.minutes, self.clock = window, identity, minutes, clock
        self.last_input = time.monotonic()
        self.panel: LockPanel | None = None
        self._hidden: list[QWidget] = []
        self._disabled: list[QAction] = []
        QApplication.instance().installEventFilter(self)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(check_ms)

    @property
    def is_locked(self) -> bool:
        return self.panel is not None

    def eventFilter(self, obj, event) -> bool:
        if event.type() in INPUT_EVENTS:
            self.last_input = time.monotonic()
        if event.type() == QEvent.Type.Resize and obj is self.window and self.panel:
            self.panel.setGeometry(self.window.rect())
        return False

    def idle_seconds(self) -> float:
        return time.monotonic() - self.last_input

    def check(self) -> None:
        if not self.is_locked and self.idle_seconds() >= self.minutes * 60:
            self.lock(idle=True)

    def lock(self, idle: bool = False) -> None:
        if self.is_locked:
            return
        self._record(lambda s: auth.lock_screen(s, self.minutes if idle else None))
        self._hidden = [w for w in QApplication.topLevelWidgets()
                        if w.isVisible() and w is not self.window and w.isWindow()]
        for w in self._hidden:
            w.hide()
        self._disabled = [a for a in self.window.findChildren(QAction) if a.isEnabled()]
        for a in self._disabled:
            a.setEnabled(False)
        self.panel = LockPanel(self.identity, self.window)
        self.panel.setGeometry(self.window.rect())
        self.panel.unlock_requested.connect(self.try_unlock)
        self.panel.quit_requested.connect(self.window.close)
        self.panel.show()
        self.panel.raise_()
        self.panel.password.setFocus()
        self.locked.emit()

    def try_unlock(self, password: str) -> bool:
        """Checked on the GUI thread: one scrypt (~0.1 s) is the whole wait."""
        try:
            auth.unlock_screen(self.identity, password, clock=self.clock)
        except UserFacingError as exc:
            show_in(self.panel.error, str(exc))
            return False
        self.panel.hide()
        self.panel.deleteLater()
        self.panel = None
        for a in self._disabled:
            a.setEnabled(True)
        for w in self._hidden:
            w.show()
        self._hidden, self._disabled = [], []
        self.last_input = time.monotonic()
        self.unlocked.emit()
        return True

    def _record(self, fn) -> None:
        try:
            s = self.identity.open_session(self.clock)
        except UserFacingError as exc:          # still lock: the log entry is what is lost
            log.warning("could not record the screen lock: %s", exc)
            return
        try:
            fn(s)
        finally:
            s.close()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
