"""Running exchange work off the GUI thread (ARCHITECTURE.md §4: the GUI thread never
waits more than 100 ms).

``Worker(fn, open_session=None)``: ``fn(session, progress, cancel)`` — or
``fn(progress, cancel)`` without a session — runs on its own ``QThread`` with its own
``Session`` (one connection per thread), which it closes when done.
``progress(done, total, text)`` is throttled to ten signals a second; ``cancel()`` is
what the package layer and the import polls.  ``done(result)`` / ``failed(exception)``
arrive on the GUI thread, because the signal-holding object lives there.

A running worker keeps itself alive (``_ALIVE``) instead of belonging to the page that
started it, so that closing a page never destroys a thread that is still running;
a page that is gone simply no longer receives the result.  ``wait_all()`` is for
the main window's close (and the tests).
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.1
_ALIVE: set["Worker"] = set()


class _Thread(QThread):
    def __init__(self, worker: "Worker"):
        super().__init__()
        self.worker = worker

    def run(self) -> None:
        self.worker._run()


class Worker(QObject):
    progress = Signal(int, int, str)
    done = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: Callable[..., Any], open_session: Callable | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.fn, self.open_session = fn, open_session
        self._cancel = threading.Event()
        self._last = 0.0
        self.thread = _Thread(self)
        self.running = False

    def start(self) -> None:
        self.running = True
        _ALIVE.add(self)
        self.thread.finished.connect(self._finished)
        self.thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def wait(self, ms: int = 30000) -> bool:
        return self.thread.wait(ms)

    def _finished(self) -> None:
        self.running = False
        _ALIVE.discard(self)

    def _report(self, done: int, total: int, text: str = "") -> None:
        now = time.monotonic()
        if now - self._last >= PROGRESS_INTERVAL_S or (total and done >= total):
            self._last = now
            self.progress.emit(int(min(done, 2**31 - 1)), int(min(total, 2**31 - 1)), text)

    def _run(self) -> None:
        session = None
        try:
            if self.open_session is None:
                result = self.fn(self._report, self._cancel.is_set)
            else:
                session = self.open_session()
                result = self.fn(session, self._report, self._cancel.is_set)
        except BaseException as exc:     # every failure goes back to the GUI thread
            log.info("exchange job failed: %r", exc)
            self.failed.emit(exc)
            return
        finally:
            if session is not None:
                session.close()
        self.done.emit(result)


def wait_all(ms: int = 30000, *, cancel: bool = False) -> bool:
    """Wait for every running exchange worker (optionally asking them to stop first)."""
    ok = True
    for worker in list(_ALIVE):
        if cancel:
            worker.cancel()
        ok = worker.wait(ms) and ok
    return ok
