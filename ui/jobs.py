"""The one way the GUI runs slow work: off the GUI thread, results back on it.

A job is a plain callable ``fn(session, job)`` (or ``fn(job)`` with
``session=False``) that calls core services. The worker opens its own
``Session`` (one connection per thread, ARCHITECTURE.md §4) and closes it when
the callable returns. ``on_done(result)`` and ``on_error(exc)`` run on the GUI
thread. Jobs that last longer than a second show a progress dialog with a
cancel button when they were given a ``title``.

The signal holder is created in :meth:`Jobs.run`, i.e. on the GUI thread, so
that connected lambdas run there (ecosystem.md §6).
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop_app.errors import Cancelled, FileInUseError, UserFacingError, file_in_use

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 1000      # show progress only for work longer than this
PROGRESS_INTERVAL_S = 0.1     # at most ten progress signals a second


class JobContext:
    """What a running job sees: cancellation and progress reporting."""

    def __init__(self, signals: "_Signals | None" = None):
        self._cancel = threading.Event()
        self._signals = signals
        self._last_progress = 0.0
        self._conn: sqlite3.Connection | None = None

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise ``Cancelled`` when the user pressed 取消."""
        if self._cancel.is_set():
            raise Cancelled()

    def progress(self, done: int, total: int, text: str = "") -> None:
        self.check()
        now = time.monotonic()
        if self._signals is not None and (now - self._last_progress >= PROGRESS_INTERVAL_S
                                          or done >= total):
            self._last_progress = now
            self._signals.progress.emit(int(done), int(total), text)

    def cancel(self) -> None:
        self._cancel.set()
        conn = self._conn
        if conn is not None:
            try:
                conn.interrupt()     # stops a running query; safe from another thread
            except sqlite3.ProgrammingError:
                pass


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int, str)


class Job(QObject):
    """Handle of one submitted job."""

    finished = Signal()

    def __init__(self, title: str | None, parent: QObject | None = None):
        super().__init__(parent)
        self.title = title
        self.context = JobContext()
        self.running = True
        self.started_at = time.monotonic()
        self.on_done: Callable | None = None
        self.on_error: Callable | None = None
        self.parent_widget: QWidget | None = None
        # submits the same work again (a file another program held open: 重试)
        self.resubmit: Callable[[], Job] | None = None

    def cancel(self) -> None:
        self.context.cancel()


class ThreadSessions:
    """One session per worker thread, kept for the thread's next jobs.

    A fresh connection per job would start with a cold SQLite page cache
    (measured: a 200-row page took twice as long). Pool threads never expire,
    so the sessions live as long as the pool. ``reset()`` makes every thread
    open a new session before its next job (e.g. after the office settings or
    holiday tables changed)."""

    def __init__(self, open_session: Callable):
        self.open_session = open_session
        self._lock = threading.Lock()
        self._sessions: dict[int, tuple[int, Any]] = {}
        self._epoch = 0

    def acquire(self):
        ident = threading.get_ident()
        with self._lock:
            epoch, s = self._sessions.get(ident, (None, None))
        if s is not None and epoch == self._epoch:
            return s
        if s is not None:
            s.close()
        s = self.open_session()
        with self._lock:
            self._sessions[ident] = (self._epoch, s)
        return s

    def release(self, s) -> None:
        if s.conn.in_transaction:          # a service always ends its transaction; be sure
            s.conn.rollback()

    def reset(self) -> None:
        with self._lock:
            self._epoch += 1

    def clear(self) -> None:
        """Forget the sessions (the pool has finished); their connections close when freed."""
        with self._lock:
            self._sessions.clear()


class _PerJobSessions:
    """Open and close a session around each job (the synchronous runner)."""

    def __init__(self, open_session: Callable):
        self.open_session = open_session

    def acquire(self):
        return self.open_session()

    def release(self, s) -> None:
        s.close()

    def reset(self) -> None:
        pass

    def clear(self) -> None:
        pass


def _call(fn: Callable, job: JobContext, sessions) -> Any:
    """Run ``fn`` with this thread's session; a query interrupted by cancel is ``Cancelled``."""
    job.check()
    if sessions is None:
        return fn(job)
    s = sessions.acquire()
    job._conn = s.conn
    try:
        for attempt in (1, 2):
            try:
                return fn(s, job)
            except sqlite3.OperationalError as exc:
                if "interrupt" not in str(exc):
                    raise
                if job.cancelled:
                    raise Cancelled() from exc
                if attempt == 2:
                    raise
                # note: a cancel meant for the job this thread ran just before can
                # reach the connection as this one starts; run it once more.
                log.info("job interrupted by a cancel meant for another; running it again")
    finally:
        job._conn = None
        sessions.release(s)


class _Runnable(QRunnable):
    def __init__(self, fn, job: JobContext, signals: _Signals, sessions):
        super().__init__()
        self.setAutoDelete(False)
        self.fn, self.job, self.signals, self.sessions = fn, job, signals, sessions

    def run(self) -> None:
        try:
            result = _call(self.fn, self.job, self.sessions)
        except BaseException as exc:   # every failure goes back to the GUI thread
            self._send(self.signals.failed, exc)
            return
        self._send(self.signals.done, result)

    @staticmethod
    def _send(signal, value) -> None:
        try:
            signal.emit(value)
        except RuntimeError:           # the program closed while this job ran: nobody waits
            log.debug("job result dropped: the program is closing")


class Jobs(QObject):
    """Runs jobs on a thread pool. ``error_handler(exc, parent)`` shows failures
    that the caller did not handle itself."""

    def __init__(self, open_session: Callable, error_handler: Callable, parent=None,
                 max_threads: int = 3):
        super().__init__(parent)
        self.sessions = self._make_sessions(open_session)
        self.error_handler = error_handler
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self.pool.setExpiryTimeout(-1)          # threads (and their sessions) stay
        self._active: dict[Job, tuple] = {}
        self._keyed: dict[Any, Job] = {}

    def run(self, fn: Callable, *, on_done: Callable | None = None,
            on_error: Callable | None = None, title: str | None = None,
            parent: QWidget | None = None, key: Any = None, session: bool = True) -> Job:
        """Submit ``fn``; a newer job with the same ``key`` cancels the older one."""
        job = Job(title, self)
        self._supersede(key, job)
        signals = _Signals()           # created here, on the GUI thread
        job.context._signals = signals
        runnable = _Runnable(fn, job.context, signals, self.sessions if session else None)
        self._active[job] = (runnable, signals)
        dialog = _ProgressWatch(job, title, parent) if title else None
        signals.progress.connect(dialog.on_progress if dialog else (lambda *a: None))
        signals.done.connect(lambda result: self._finish(job, key, dialog, True, result))
        signals.failed.connect(lambda exc: self._finish(job, key, dialog, False, exc))
        job.on_done, job.on_error, job.parent_widget = on_done, on_error, parent
        job.resubmit = lambda: self.run(fn, on_done=on_done, on_error=on_error, title=title,
                                        parent=parent, key=key, session=session)
        self.pool.start(runnable)
        return job

    def _supersede(self, key: Any, job: Job) -> None:
        if key is None:
            return
        old = self._keyed.get(key)
        if old is not None and old.running:
            old.cancel()
        self._keyed[key] = job

    def _finish(self, job: Job, key, dialog, ok: bool, value) -> None:
        job.running = False
        self._active.pop(job, None)
        if key is not None and self._keyed.get(key) is job:
            del self._keyed[key]
        if dialog is not None:
            dialog.close()
        job.finished.emit()
        if job.parent_widget is not None and not shiboken6.isValid(job.parent_widget):
            # the window that asked was closed meanwhile: its answer has nowhere to go
            if not ok:
                log.info("result of a job for a closed window dropped: %r", value)
            return
        if not ok:
            self.handle_error(value, job.on_error, job.parent_widget, job)
        elif job.on_done is not None and not job.context.cancelled:
            job.on_done(value)

    def handle_error(self, exc: BaseException, on_error, parent, job: Job | None) -> None:
        """Cancelled: silent. A ``UserFacingError`` goes to ``on_error`` when the caller
        gave one (a form shows it beside the field), else to the error dialog; any
        other exception is a bug and goes to the crash dialog."""
        if isinstance(exc, Cancelled):
            return
        busy = file_in_use(exc)
        if busy is not None and job is not None and job.resubmit is not None:
            from ui import dialogs
            if dialogs.ask_retry(parent, str(FileInUseError(busy))):
                job.resubmit()
            return
        if on_error is not None and isinstance(exc, UserFacingError):
            on_error(exc)
            return
        self.error_handler(exc, parent)

    def cancel(self, key: Any) -> None:
        """Cancel the running job submitted under ``key``, if any."""
        job = self._keyed.get(key)
        if job is not None and job.running:
            job.cancel()

    @property
    def busy(self) -> bool:
        return bool(self._active)

    def _make_sessions(self, open_session):
        return ThreadSessions(open_session)

    def shutdown(self, wait_ms: int = 3000) -> None:
        for job in list(self._active):
            job.cancel()
        self.pool.waitForDone(wait_ms)
        self.sessions.clear()


class SyncJobs(Jobs):
    """Runs each job at once on the calling thread: deterministic UI tests."""

    def _make_sessions(self, open_session):
        return _PerJobSessions(open_session)

    def run(self, fn: Callable, *, on_done: Callable | None = None,
            on_error: Callable | None = None, title: str | None = None,
            parent: QWidget | None = None, key: Any = None, session: bool = True) -> Job:
        job = Job(title, self)
        job.resubmit = lambda: self.run(fn, on_done=on_done, on_error=on_error, title=title,
                                        parent=parent, key=key, session=session)
        try:
            result = _call(fn, job.context, self.sessions if session else None)
        except BaseException as exc:
            job.running = False
            job.finished.emit()
            self.handle_error(exc, on_error, parent, job)
            return job
        job.running = False
        job.finished.emit()
        if on_done is not None:
            on_done(result)
        return job


class _ProgressWatch(QObject):
    """A progress dialog that appears only if the job is still running after a second."""

    def __init__(self, job: Job, title: str, parent: QWidget | None):
        super().__init__(job)
        self.job, self.title, self.parent_widget = job, title, parent
        self.dialog: QProgressDialog | None = None
        self.last = (0, 0, "")
        QTimer.singleShot(PROGRESS_DELAY_MS, self, self._show)

    def _show(self) -> None:
        if not self.job.running or self.dialog is not None:
            return
        d = QProgressDialog(self.title, "取消", 0, 0, self.parent_widget)
        d.setWindowTitle("请稍候")
        d.setMinimumDuration(0)
        d.setAutoClose(False)
        d.setAutoReset(False)
        d.setMinimumWidth(360)
        d.canceled.connect(self._cancel)
        self.dialog = d
        self.on_progress(*self.last)
        d.show()

    def _cancel(self) -> None:
        if self.dialog is not None:
            self.dialog.setLabelText("正在取消…")
        self.job.cancel()

    def on_progress(self, done: int, total: int, text: str) -> None:
        self.last = (done, total, text)
        if self.dialog is None:
            return
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total else 0)
        self.dialog.setLabelText(f"{self.title}\n{text}" if text else self.title)

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self._cancel)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
