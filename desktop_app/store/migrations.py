"""Numbered schema steps, applied in order; ``PRAGMA user_version`` says how far.

Each step is SQL text run as one script inside its own transaction (the
transaction is part of the script because ``executescript`` would otherwise
commit on its own).
"""
from __future__ import annotations

import logging
import sqlite3

from desktop_app.paths import sql_dir

log = logging.getLogger(__name__)
SQL_DIR = sql_dir()


def _sql_file(name: str) -> str:
    with open(SQL_DIR / name, encoding="utf-8") as fh:
        return fh.read()


STEPS = ["001_initial.sql"]
LATEST = len(STEPS)


def migrate(conn: sqlite3.Connection, current: int) -> None:
    """Apply the steps after ``current``; a failing step leaves the file as it was."""
    for number in range(current + 1, LATEST + 1):
        log.info("migrating database to v%s", number)
        script = _sql_file(STEPS[number - 1])
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
