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
