"""The window locks itself after the idle period; only the same user's password unlocks."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QWidget

from ui.security.idle_lock import IdleLock
from secui import PASSWORD, audit_tail, clock, shoot


def _window(qtbot):
    w = QMainWindow()
    w.setCentralWidget(QLabel("王建国 的廉政档案（不应在锁屏时看到）"))
    act = QAction("新建记录", w)
    w.menuBar().addMenu("文件").addAction(act)
    w.resize(700, 420)
    qtbot.addWidget(w)
    w.show()
    other = QWidget()
    other.setWindowTitle("打开的记录")
    qtbot.addWidget(other)
    other.show()
    return w, act, other


def test_idle_period_locks_and_the_password_unlocks(app, office, identity, qtbot):
    w, act, other = _window(qtbot)
    lock = IdleLock(w, identity("录入员乙"), minutes=1, check_ms=60_000, clock=clock)
    lock.check()
    assert not lock.is_locked                          # just started: not idle
    lock.last_input -= 61
    lock.check()
    assert lock.is_locked and lock.panel.isVisible()
    assert not other.isVisible() and not act.isEnabled()
    assert lock.panel.geometry() == w.rect()
    shoot(w, "idle-locked")
    assert not lock.try_unlock("Wrong-pass-1")
    assert lock.is_locked and "再输错" in lock.panel.error.text()
    assert lock.try_unlock(PASSWORD["录入员乙"])
    assert not lock.is_locked and other.isVisible() and act.isEnabled()
    assert audit_tail(office, 3) == [("录入员乙", "锁屏"), ("录入员乙", "登录失败"), ("录入员乙", "解除锁屏")]
    lock.stop()


def test_input_keeps_the_window_open(app, office, identity, qtbot):
    w, _, _ = _window(qtbot)
    lock = IdleLock(w, identity("录入员乙"), minutes=1, check_ms=60_000, clock=clock)
    lock.last_input -= 61
    QApplication.sendEvent(w.centralWidget(), QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A,
                                                        Qt.KeyboardModifier.NoModifier, "a"))
    lock.check()
    assert not lock.is_locked and lock.idle_seconds() < 5
    lock.stop()


def test_typing_in_the_panel_unlocks_with_enter(app, office, identity, qtbot):
    w, _, _ = _window(qtbot)
    lock = IdleLock(w, identity("审核人丙"), minutes=5, check_ms=60_000, clock=clock)
    lock.lock()
    qtbot.keyClicks(lock.panel.password, PASSWORD["审核人丙"])
    qtbot.keyClick(lock.panel.password, Qt.Key.Key_Return)
    assert not lock.is_locked
    assert audit_tail(office, 2) == [("审核人丙", "锁屏"), ("审核人丙", "解除锁屏")]
    lock.stop()
