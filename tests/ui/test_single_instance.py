"""One window per data folder: a second start brings the first window forward and
ends; a lock left by a crashed program does not block; when nobody answers, the
clerk is told who holds the folder."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtWidgets import QMainWindow

from ui.single_instance import LOCK_NAME, SingleInstance

ROOT = Path(__file__).resolve().parents[2]
SECOND = textwrap.dedent("""
    import sys
    from PySide6.QtWidgets import QApplication
    from ui.single_instance import SingleInstance
    app = QApplication([])
    guard = SingleInstance(sys.argv[1])
    ok = guard.acquire()
    sys.stdout.write(("first" if ok else "second") + "|" + guard.message)
    guard.release()
""")
CRASHED = textwrap.dedent("""
    import os, sys
    from PySide6.QtCore import QCoreApplication, QLockFile
    app = QCoreApplication([])
    lock = QLockFile(sys.argv[1])
    assert lock.tryLock(0)
    os._exit(0)                       # a crash: the lock file stays
""")


def _env():
    return dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")


def _second_start(qtbot, folder: Path) -> str:
    proc = subprocess.Popen([sys.executable, "-c", SECOND, str(folder)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=_env(), cwd=ROOT)
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=20000)   # our event loop answers meanwhile
    out, err = proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out.decode("utf-8")


def test_a_second_start_brings_the_first_window_forward(app, qtbot, tmp_path):
    first = SingleInstance(tmp_path / "数据")
    assert first.acquire()
    window = QMainWindow()
    qtbot.addWidget(window)
    window.showMinimized()
    shown = []
    first.shown.connect(lambda: shown.append(True))
    try:
        assert _second_start(qtbot, tmp_path / "数据") == "second|"
        assert shown == [True] and not window.isMinimized()
    finally:
        first.release()
    assert _second_start(qtbot, tmp_path / "数据") == "first|"        # closed: the next start is first


def test_another_folder_is_another_program(app, qtbot, tmp_path):
    first = SingleInstance(tmp_path / "甲")
    assert first.acquire()
    try:
        assert _second_start(qtbot, tmp_path / "乙") == "first|"
    finally:
        first.release()


def test_a_lock_left_by_a_crash_does_not_block(app, tmp_path):
    folder = tmp_path / "数据"
    folder.mkdir()
    subprocess.run([sys.executable, "-c", CRASHED, str(folder / LOCK_NAME)], check=True, env=_env())
    assert (folder / LOCK_NAME).exists()
    guard = SingleInstance(folder)
    assert guard.acquire() and guard.message == ""
    guard.release()


def test_a_folder_held_on_another_computer_says_which(app, tmp_path):
    folder = tmp_path / "数据"
    folder.mkdir()
    subprocess.run([sys.executable, "-c", CRASHED, str(folder / LOCK_NAME)], check=True, env=_env())
    lines = (folder / LOCK_NAME).read_text(encoding="utf-8").split("\n")
    lines[2] = "县纪委-办公室2"         # pid, program, computer, machine id, boot id
    lines[3] = "0123456789abcdef0123456789abcdef"
    (folder / LOCK_NAME).write_text("\n".join(lines), encoding="utf-8")
    guard = SingleInstance(folder)
    assert not guard.acquire()
    assert "正由电脑“县纪委-办公室2”上的监督台账使用" in guard.message


def test_a_window_that_does_not_answer_is_named(app, qtbot, tmp_path):
    folder = tmp_path / "数据"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys
        from PySide6.QtCore import QCoreApplication, QLockFile
        app = QCoreApplication([])
        lock = QLockFile(sys.argv[1])
        assert lock.tryLock(0)
        print("locked", flush=True)
        sys.stdin.read()                 # holds the lock, listens to nobody
    """), str(folder / LOCK_NAME)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_env())
    folder.mkdir()
    try:
        assert holder.stdout.readline().strip() == b"locked"
        guard = SingleInstance(folder)
        assert not guard.acquire()
        assert f"进程号 {holder.pid}" in guard.message and "没有响应" in guard.message
    finally:
        holder.stdin.close()
        holder.wait(10)
