"""A job that writes over a file another program holds open: the clerk sees one
message with 重试 and 取消; 重试 runs the same work again, 取消 leaves it."""
from __future__ import annotations

import errno

import pytest

from ui import dialogs
from ui.jobs import Jobs, SyncJobs


def _work(target, attempts):
    def write(job):
        attempts.append(1)
        if len(attempts) == 1:        # first try: the file is open in WPS
            raise PermissionError(errno.EACCES, "Permission denied", str(target) + ".tmp", None, str(target))
        target.write_bytes(b"new")
        return "written"
    return write


@pytest.mark.parametrize("kind", [Jobs, SyncJobs])
def test_retry_runs_the_same_work_again(app, qtbot, tmp_path, monkeypatch, kind):
    target = tmp_path / "导出.xlsx"
    target.write_bytes(b"old")
    asked, done, failures, attempts = [], [], [], []
    monkeypatch.setattr(dialogs, "ask_retry", lambda parent, message, *a: asked.append(message) or True)
    runner = kind(lambda: None, lambda exc, parent: failures.append(exc))
    runner.run(_work(target, attempts), on_done=done.append, session=False)
    qtbot.waitUntil(lambda: done == ["written"])
    assert asked == [f"文件“{target}”正被其他程序打开，请关闭后重试。"]
    assert len(attempts) == 2 and failures == [] and target.read_bytes() == b"new"
    runner.shutdown()


def test_cancel_leaves_it(app, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "文书.pdf"
    target.write_bytes(b"old")
    asked, done, failures, attempts = [], [], [], []
    monkeypatch.setattr(dialogs, "ask_retry", lambda parent, message, *a: asked.append(message) or False)
    runner = SyncJobs(lambda: None, lambda exc, parent: failures.append(exc))
    runner.run(_work(target, attempts), on_done=done.append, session=False)
    assert len(asked) == 1 and attempts == [1] and done == [] and failures == []
    assert target.read_bytes() == b"old"


def test_the_retry_box_has_retry_and_cancel(app, qtbot, monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox
    seen = []

    def press_retry():                 # as soon as the modal box is up
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if boxes and not seen:
            seen.extend(b.text() for b in boxes[0].buttons())
            next(b for b in boxes[0].buttons() if b.text() == "重试").click()
    timer = QTimer(interval=10)
    timer.timeout.connect(press_retry)
    timer.start()
    assert dialogs.ask_retry(None, "文件“a.pdf”正被其他程序打开，请关闭后重试。") is True
    timer.stop()
    assert sorted(seen) == ["取消", "重试"]
