"""Progress and cancel for long streaming work (package write/verify, drive copies).

``progress(done_bytes, total_bytes)`` is called after every chunk; ``cancel()`` returning
true makes the work stop with ``Cancelled`` at the next chunk, and the caller's
``finally`` blocks remove whatever was half written.  Both come from ``ui/jobs.py``.
"""
from __future__ import annotations

from typing import Callable, Optional

from desktop_app.errors import Cancelled

ProgressFn = Optional[Callable[[int, int], None]]
CancelFn = Optional[Callable[[], bool]]


class Meter:
    def __init__(self, total: int, progress: ProgressFn = None, cancel: CancelFn = None):
        self.total = total
        self.done = 0
        self._progress = progress
        self._cancel = cancel

    def __call__(self, nbytes: int) -> None:
        self.done += nbytes
        if self._cancel is not None and self._cancel():
            raise Cancelled()
        if self._progress is not None:
            self._progress(self.done, self.total)


StepProgressFn = Optional[Callable[[int, int, str], None]]


class Steps:
    """Progress of a whole export or import, one named step after another, for the GUI:
    ``progress(done, total, text)``; ``step(text)`` gives the ``(done, total)`` callback
    a streaming function of the package layer takes; ``check()`` raises ``Cancelled``."""

    def __init__(self, progress: StepProgressFn = None, cancel: CancelFn = None):
        self._progress = progress
        self.cancel = cancel

    def step(self, text: str) -> ProgressFn:
        if self._progress is None:
            return None
        report = self._progress
        return lambda done, total: report(done, total, text)

    def report(self, done: int, total: int, text: str) -> None:
        self.check()
        if self._progress is not None:
            self._progress(done, total, text)

    def say(self, text: str) -> None:
        """Name the step without offering to cancel it (work after a commit)."""
        if self._progress is not None:
            self._progress(0, 0, text)

    def check(self) -> None:
        if self.cancel is not None and self.cancel():
            raise Cancelled()
