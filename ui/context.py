"""What every page needs, passed around as one object: where the data is, who
works, the jobs runner, the signal bus, window settings and the directory of
persons and units."""
from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, Signal

from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.record import Changes
from desktop_app.services.session import Session, open_session
from ui import directory
from ui.forms.record_windows import RecordWindows
from ui.jobs import Jobs, SyncJobs
from ui.settings import UiSettings

log = logging.getLogger(__name__)

CLERK_SETTING = "clerk.name"


class Bus(QObject):
    """Signals that cross pages. ``changed`` carries the ``Changes`` of a service call."""

    changed = Signal(object)
    open_record = Signal(str, str)            # family, id
    new_record = Signal(str, object)          # family, prefilled values
    open_dossier = Signal(str)                # person id
    show_list = Signal(str, object)           # family, ListFilter


class Directory(QObject):
    """Cached persons and units for the pickers; reloaded after they change."""

    loaded = Signal(str)

    def __init__(self, ctx: "AppContext"):
        super().__init__()
        self.ctx = ctx
        self.entries: dict[str, list[directory.Entry]] = {}
        self._loading: set[str] = set()
        ctx.bus.changed.connect(self._on_changed)

    def get(self, family: str) -> list[directory.Entry] | None:
        """The entries if loaded; otherwise starts loading and returns None."""
        if family in self.entries:
            return self.entries[family]
        if family not in self._loading:
            self._loading.add(family)
            self.ctx.jobs.run(lambda s, job: directory.load_entries(s, family),
                              on_done=lambda rows: self._store(family, rows))
        return self.entries.get(family)          # already there when jobs run synchronously

    def _store(self, family: str, rows: list[directory.Entry]) -> None:
        self._loading.discard(family)
        self.entries[family] = rows
        self.loaded.emit(family)

    def _on_changed(self, changes: Changes) -> None:
        for family in ("person", "unit"):
            if family in changes.families:
                self.entries.pop(family, None)


class AppContext:
    def __init__(self, data_dir: Path, *, user: str, office_name: str, office_code: str,
                 calendar: WorkCalendar, demo: bool = False,
                 clock: Callable[[], datetime] | None = None, synchronous: bool = False,
                 error_handler: Callable | None = None):
        self.data_dir = Path(data_dir)
        self.user, self.office_name, self.office_code = user, office_name, office_code
        self.calendar, self.demo, self.clock = calendar, demo, clock
        self.log_path = self.data_dir / "logs" / "taizhang.log"
        self.bus = Bus()
        handler = error_handler or (lambda exc, parent: log.error("job failed: %r", exc))
        self.jobs = (SyncJobs if synchronous else Jobs)(self.open_session, handler)
        self.settings = UiSettings(self.data_dir)
        self.directory = Directory(self)
        self.record_windows = RecordWindows()      # one window per record
        self.crash = None               # the CrashReporter, set by ui.app

    @classmethod
    def load(cls, data_dir: Path, **kw) -> "AppContext":
        """Reads the office, the clerk and the calendar with one short session."""
        s = open_session(data_dir, clock=kw.get("clock"))
        try:
            user = kw.pop("user", None) or s.setting(CLERK_SETTING) or s.user
            return cls(data_dir, user=user, office_name=s.office_name, office_code=s.office_code,
                       calendar=s.calendar, **kw)
        finally:
            s.close()

    def open_session(self) -> Session:
        return open_session(self.data_dir, user=self.user, clock=self.clock)

    def today(self) -> date:
        return (self.clock or datetime.now)().date()

    @property
    def title(self) -> str:
        """The office; Qt adds " — 监督台账" to every window title itself
        (``setApplicationDisplayName`` in ui.app), so no title names the program."""
        suffix = "（演示数据）" if self.demo else ""
        return f"{self.office_name}{suffix}"
