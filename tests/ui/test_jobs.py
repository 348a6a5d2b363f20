"""The jobs helper: work off the GUI thread, the event loop keeps ticking,
progress and cancel for long work, stale jobs superseded, errors routed."""
from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThread, QTimer, Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

from desktop_app.errors import UserFacingError
from ui import jobs as jobs_module
from ui.jobs import Jobs


@pytest.fixture
def runner(ctx):
    failures = []
    r = Jobs(ctx.open_session, lambda exc, parent: failures.append(exc))
    r.failures = failures
    yield r
    r.shutdown()


def _slow(seconds: float):
    def work(s, job):
        end = time.monotonic() + seconds
        n = 0
        while time.monotonic() < end:
            time.sleep(0.01)
            n += 1
            job.progress(n, int(seconds * 100), "处理中")
        return threading.get_ident(), s.conn.execute("SELECT count(*) FROM talk").fetchone()[0]
    return work


def test_long_job_keeps_the_event_loop_ticking(runner, qtbot):
    """The job cannot end unless the GUI thread keeps ticking while it runs: it
    waits for thirty ticks of a GUI timer (a condition, not a time; how fast
    the loop ticks is measured in benchmarks/)."""
    ticked, ticks = threading.Event(), []

    def tick():
        ticks.append(1)
        if len(ticks) >= 30:
            ticked.set()
    timer = QTimer(interval=5)
    timer.timeout.connect(tick)
    timer.start()
    results = []

    def work(s, job):
        seen = ticked.wait(120)
        return threading.get_ident(), seen, s.conn.execute("SELECT count(*) FROM talk").fetchone()[0]

    def done(value):
        results.append((value, QThread.currentThread() is QApplication.instance().thread()))
    runner.run(work, on_done=done)
    qtbot.waitUntil(lambda: bool(results), timeout=130_000)
    timer.stop()
    (worker_thread, seen, talks), on_gui_thread = results[0]
    assert seen and on_gui_thread and worker_thread != threading.get_ident() and talks > 0


def test_progress_dialog_appears_and_cancel_stops_the_job(runner, qtbot, monkeypatch):
    monkeypatch.setattr(jobs_module, "PROGRESS_DELAY_MS", 200)
    done = []
    job = runner.run(_slow(10), on_done=done.append, title="正在做一件很慢的事…")
    qtbot.waitUntil(lambda: any(isinstance(w, QProgressDialog) and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=3000)
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, QProgressDialog) and w.isVisible())
    assert "正在做一件很慢的事" in dialog.labelText()
    cancel = next(b for b in dialog.findChildren(QPushButton) if b.text() == "取消")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not job.running, timeout=8000)         # the job would run 10 s
    assert not done and not runner.failures                  # cancelled: silent


def test_cancel_interrupts_a_running_query(runner, qtbot):
    """A query that would run for minutes ends when cancelled. Cancel is pressed
    until it takes (the first may come before the query has started)."""
    slow_sql = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000000)"
                " SELECT count(*) FROM n")
    started, done = threading.Event(), []

    def work(s, j):
        started.set()
        return s.conn.execute(slow_sql).fetchone()
    job = runner.run(work, on_done=done.append)
    qtbot.waitUntil(started.is_set, timeout=30_000)
    qtbot.waitUntil(lambda: (job.cancel(), not job.running)[1], timeout=30_000)
    assert not done and not runner.failures


def test_newer_job_with_same_key_supersedes(runner, qtbot):
    got = []
    first = runner.run(_slow(5), on_done=lambda v: got.append("first"), key="k")
    second = runner.run(lambda s, j: "second", on_done=got.append, key="k")
    qtbot.waitUntil(lambda: not first.running and not second.running, timeout=3000)
    assert got == ["second"]


def test_errors_are_routed(runner, qtbot):
    shown = []

    def refuse(s, job):
        raise UserFacingError("不行")

    def bug(s, job):
        raise RuntimeError("bug")
    j1 = runner.run(refuse, on_error=shown.append)
    j2 = runner.run(refuse)
    j3 = runner.run(bug, on_error=shown.append)
    qtbot.waitUntil(lambda: not (j1.running or j2.running or j3.running), timeout=3000)
    assert [str(e) for e in shown] == ["不行"]
    assert sorted(type(e).__name__ for e in runner.failures) == ["RuntimeError", "UserFacingError"]


def test_a_stray_interrupt_is_retried_once(runner, qtbot):
    import sqlite3
    calls = []

    def flaky(s, job):
        calls.append(1)
        if len(calls) == 1:                 # a cancel meant for the thread's previous job
            raise sqlite3.OperationalError("interrupted")
        return "ok"
    got = []
    job = runner.run(flaky, on_done=got.append)
    qtbot.waitUntil(lambda: not job.running, timeout=3000)
    assert got == ["ok"] and len(calls) == 2 and not runner.failures
