"""A realistic fictional county for demonstration and benchmarks.

Deterministic for a seed and a "today": the same seed on the same day gives
the same records. Every record goes through the write path a clerk's services
use (validation, deadlines, search text, stamps, the audit chain): batched by
``services.bulk`` (a million records in minutes), or one service call at a time
with ``bulk=False`` (a test proves both give the same folder).
"""
from __future__ import annotations

import logging
import random
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Callable

from desktop_app import demo_text as W
from desktop_app.services import records as R
from desktop_app.services.bulk import BulkLoader
from desktop_app.services.office import init_office
from desktop_app.services.session import Session, database_path, open_session

log = logging.getLogger(__name__)

DEFAULT_RECORDS = 3000
FILLING = "demo.filling"     # set while the first fill of a demo folder runs
# Share of the generated work records per family (units, persons and their
# histories come on top, scaled to the size asked for).
WEIGHTS = {"talk": 18, "letter": 12, "rectification": 6, "rect_item": 15, "rect_action": 5,
           "duty_report": 12, "warning_session": 3, "major_matter": 5, "request": 2,
           "reminder": 4, "meeting": 2, "topic": 4, "meeting_reminder": 2, "meeting_task": 4,
           "resp_entry": 6}


class DemoBuilder:
    def __init__(self, s: Session, rng: random.Random, today: date, bulk: bool = True):
        self.s, self.rng, self.today = s, rng, today
        self.loader = BulkLoader(s) if bulk else None
        self.units: list[str] = []
        self.persons: list[tuple[str, str, bool]] = []    # id, unit id, top leader
        self.standing: list[str] = []
        self.ids: dict[str, list[str]] = {}
        self.count = 0

    # -- helpers -------------------------------------------------------------
    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def day(self, back: int = 365, ahead: int = 0) -> date:
        return self.today + timedelta(days=self.rng.randint(-back, ahead))

    def workday(self, d: date) -> date:
        while not self.s.calendar.is_working_day(d):
            d += timedelta(days=1)
        return d

    def add(self, family: str, values: dict, **kw) -> str:
        rid = self.uid()
        # The demo writes history: deadlines already past are intended (and audited so).
        if self.loader:
            self.loader.create(family, values, record_id=rid, confirm_dates=True, **kw)
        else:
            R.create(self.s, family, values, record_id=rid, confirm_dates=True, **kw)
        self.ids.setdefault(family, []).append(rid)
        self.count += 1
        return rid

    def advance(self, family: str, rid: str, steps: list[str], done_on: date | None = None) -> None:
        for status in steps:
            if self.loader:
                self.loader.set_status(family, rid, status, done_on=done_on)
            else:
                R.set_status(self.s, family, rid, status, done_on=done_on)

    def completion(self, rid: str, deadline: date) -> date:
        """When a finished item of the demo's history was done: mostly on time, some late.
        Drawn from the record's own id, so the county's other records stay as they were."""
        r = random.Random(rid)
        done = deadline + timedelta(days=r.randint(1, 12)) if r.random() < 0.15 \
            else deadline - timedelta(days=r.randint(0, 20))
        return min(done, self.today)

    def commit(self) -> None:
        if self.loader:
            self.loader.flush()
        self.s.conn.execute("COMMIT")
        self.s.conn.execute("BEGIN IMMEDIATE")

    def person(self) -> tuple[str, str, bool]:
        return self.rng.choice(self.persons)

    def name(self) -> str:
        return self.rng.choice(W.SURNAMES) + "".join(
            self.rng.choice(W.GIVEN) for _ in range(self.rng.choice((1, 2, 2))))


def fill_demo(data_dir: Path | str, *, records: int | None = None, seed: int = 2020,
              today: date | None = None, progress: Callable[[int, int], None] | None = None,
              bulk: bool = True) -> dict:
    """Fill ``data_dir`` (initialising it when empty) with the demo county."""
    from desktop_app import demo_records as G
    today = today or date.today()
    data_dir = Path(data_dir)
    start = datetime.combine(today, time(8, 30))
    ticks = iter(range(10**9))
    clock = lambda: start + timedelta(milliseconds=next(ticks))   # deterministic stamps
    s = _open_for_fill(data_dir, clock)
    rng = random.Random(seed)
    total = records or DEFAULT_RECORDS
    # a big build inserts random ids into every table's key: keep those pages cached
    s.conn.execute(f"PRAGMA cache_size = {-min(256, 16 + total // 4000) * 1024}")
    try:
        s.conn.execute("BEGIN IMMEDIATE")
        b = DemoBuilder(s, rng, today, bulk)
        G.units(b)
        G.persons(b, max(160, total // 40))
        G.responsibility(b)
        b.commit()
        b.closed_items = {i for i in b.ids["resp_item"] if s.conn.execute(
            "SELECT fill_deadline < ? FROM resp_item WHERE id = ?", (today.isoformat(), i)).fetchone()[0]}
        names, weights = zip(*WEIGHTS.items())
        while b.count < total:
            G.GENERATORS[rng.choices(names, weights)[0]](b)
            if b.count % 5000 == 0:
                b.commit()
                if progress:
                    progress(b.count, total)
        for name in names:                 # every family present, however small the demo
            while len(b.ids.get(name, ())) < 3:
                G.GENERATORS[name](b)
        s.conn.execute("DELETE FROM setting WHERE key = ?", (FILLING,))
        b.commit()
        s.conn.execute("COMMIT")
    except BaseException:
        if s.conn.in_transaction:
            s.conn.execute("ROLLBACK")
        raise
    finally:
        s.close()
    return {"total": b.count, "units": len(b.units) + 1, "persons": len(b.persons)}


def _open_for_fill(data_dir: Path, clock) -> Session:
    """The session to fill with: an existing office gets the demo settings it lacks;
    a new folder gets the demo office, its settings and the FILLING marker in one
    transaction (a fill killed before its end leaves the marker: ``is_half_filled``)."""
    discard_half_filled(data_dir)
    if not database_path(data_dir).exists():
        s = init_office(data_dir, W.OFFICE_NAME, W.OFFICE_CODE, user="演示数据",
                        settings=W.OFFICE_SETTINGS | {FILLING: "1"})
        s.clock = clock
        return s
    s = open_session(data_dir, user="演示数据", clock=clock)
    try:
        fill_missing_settings(s)
    except BaseException:
        s.close()
        raise
    return s


def ensure_demo(data_dir: Path | str) -> None:
    """The demo folder is filled on first use only (again when a first fill was cut off)."""
    discard_half_filled(data_dir)
    if not database_path(Path(data_dir)).exists():
        fill_demo(data_dir)


def is_half_filled(data_dir: Path | str) -> bool:
    """A demo folder whose first fill was killed: the demo office with the FILLING
    marker still set. Read-only; a folder that is not a demo is never one."""
    import sqlite3
    path = database_path(Path(data_dir))
    if not path.exists():
        return False
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            office = conn.execute("SELECT code FROM office WHERE is_self = 1").fetchone()
            marker = conn.execute("SELECT 1 FROM setting WHERE key = ?", (FILLING,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        # An empty file (killed before the schema was written) is half-filled too.
        return path.stat().st_size == 0
    return office is None or (office[0] == W.OFFICE_CODE and marker is not None)


def discard_half_filled(data_dir: Path | str) -> bool:
    """Remove a half-filled demo database (and its password file) so that it is
    rebuilt; True when one was removed."""
    data_dir = Path(data_dir)
    if not is_half_filled(data_dir):
        return False
    from desktop_app.security.demo_account import PASSWORD_FILE
    log.warning("demo folder %s was half filled; rebuilding it", data_dir)
    for suffix in ("", "-wal", "-shm"):
        Path(str(database_path(data_dir)) + suffix).unlink(missing_ok=True)
    (data_dir / PASSWORD_FILE).unlink(missing_ok=True)
    return True


def fill_missing_settings(s: Session) -> list[str]:
    """Give an existing office the demo's office settings it lacks (contact, phone,
    party committee …), never overwriting one it has; audited. Settings naming the
    demo office itself are given only to the demo office (others fall back to their
    own name). Returns the keys filled."""
    from desktop_app.store import audit
    from desktop_app.store.db import transaction
    own_name = {"doc.abbr", "doc.office", "doc.office_bureau", "org.party_committee", "org.superior"}
    wanted = {k: v for k, v in W.OFFICE_SETTINGS.items()
              if s.office_code == W.OFFICE_CODE or k not in own_name}
    missing = {k: v for k, v in wanted.items() if not s.setting(k)}
    if not missing:
        return []
    with transaction(s.conn):
        for key, value in missing.items():
            s.conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (key, value))
        audit.append(s.conn, ts=s.now().isoformat(timespec="seconds"), actor=s.user,
                     action="补充演示设置", detail={"settings": missing})
    return sorted(missing)
