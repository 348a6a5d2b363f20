"""The revision clock of exchange.md §3.1: instance, counter, HLC, version vector.

Every local write takes one stamp: the instance's counter goes up by one and
the hybrid logical clock moves past both the wall clock and any time seen
before, so that stamps of this database are strictly increasing even when
the PC's clock is set back.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

log = logging.getLogger(__name__)

# An HLC further ahead of the wall clock than this is not adopted (clock abuse).
MAX_FUTURE_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class Stamp:
    instance: str
    counter: int
    hlc: str


def format_hlc(wall_ms: int, logical: int) -> str:
    return f"{wall_ms:015d}.{logical:05d}"


def parse_hlc(text: str) -> tuple[int, int]:
    wall, _, logical = text.partition(".")
    return int(wall), int(logical or 0)


def machine_fingerprint(db_path: Path) -> str:
    """Machine id + database path: changes when the file is copied to another PC.
    A portable copy's database is identified by its drive instead (paths.portable_identity)."""
    from desktop_app.paths import portable_identity
    portable = portable_identity(db_path)
    if portable:
        return portable
    machine = ""
    if sys.platform == "win32":
        try:
            import winreg
            with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE,
                                r"SOFTWARE\Microsoft\Cryptography") as key:
                machine = winreg.QueryValueEx(key, "MachineGuid")[0]
        except OSError:
            machine = ""
    else:
        for candidate in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
            try:
                with open(candidate, encoding="ascii") as fh:
                    machine = fh.read().strip()
                break
            except OSError:
                continue
    machine = machine or os.environ.get("COMPUTERNAME", "") or "unknown"
    return f"{machine}|{Path(db_path).resolve()}"


def ensure_node(conn: sqlite3.Connection, fingerprint: str) -> str:
    """This database's instance id; a new one when the file moved (R6)."""
    row = conn.execute("SELECT instance_id, fingerprint FROM node ORDER BY created_at DESC, rowid DESC"
                       " LIMIT 1").fetchone()
    if row is not None and row["fingerprint"] == fingerprint:
        return row["instance_id"]
    if row is not None:
        log.warning("database was copied or restored: minting a new instance id")
    return new_instance(conn, fingerprint)


def new_instance(conn: sqlite3.Connection, fingerprint: str) -> str:
    instance, database = str(uuid.uuid4()), str(uuid.uuid4())
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO node (instance_id, database_id, fingerprint, counter, created_at)"
                 " VALUES (?, ?, ?, 0, ?)", (instance, database, fingerprint, now))
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('instance_id', ?)", (instance,))
    if own:
        conn.execute("COMMIT")
    return instance


def next_stamp(conn: sqlite3.Connection, instance: str, now_ms: int) -> Stamp:
    """Take the next stamp; must run inside the write transaction."""
    counter = conn.execute("UPDATE node SET counter = counter + 1 WHERE instance_id = ?"
                           " RETURNING counter", (instance,)).fetchone()[0]
    row = conn.execute("SELECT value FROM meta WHERE key = 'hlc'").fetchone()
    last_wall, last_logical = parse_hlc(row[0]) if row else (0, 0)
    if now_ms > last_wall:
        wall, logical = now_ms, 0
    else:
        wall, logical = last_wall, last_logical + 1
    hlc = format_hlc(wall, logical)
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('hlc', ?)", (hlc,))
    return Stamp(instance, counter, hlc)


def observe_hlc(conn: sqlite3.Connection, remote: str, now_ms: int) -> bool:
    """Move our clock past a remote HLC; refuses (returns False) absurd futures."""
    wall, logical = parse_hlc(remote)
    if wall > now_ms + MAX_FUTURE_MS:
        return False
    row = conn.execute("SELECT value FROM meta WHERE key = 'hlc'").fetchone()
    if row is None or (wall, logical) > parse_hlc(row[0]):
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('hlc', ?)", (remote,))
    return True


def merge_vv(old: str | None, instance: str, counter: int) -> str:
    vv = json.loads(old) if old else {}
    vv[instance] = max(counter, vv.get(instance, 0))
    return json.dumps(vv, sort_keys=True, separators=(",", ":"))


# -- a database file put back from an older copy ---------------------------------
# Copied back at the same path (restore software, a hand-made copy), the file
# keeps its fingerprint but its counter goes back: new writes would reuse
# (instance, counter) pairs that peers already hold for other versions, and they
# would skip them. The highest counter seen is therefore also kept beside the
# database; finding the database behind it mints a new instance (R6).
COUNTER_FILE = "instance-counter.json"


def _counter_of(conn: sqlite3.Connection, instance: str) -> int:
    row = conn.execute("SELECT counter FROM node WHERE instance_id = ?", (instance,)).fetchone()
    return row[0] if row else 0


def check_rolled_back(conn: sqlite3.Connection, instance: str, data_dir: Path,
                      fingerprint: str) -> str:
    """The instance to use: a new one when the database is older than we last saw it."""
    try:
        with open(Path(data_dir) / COUNTER_FILE, encoding="utf-8") as fh:
            seen = json.load(fh)
    except (OSError, ValueError):
        return instance
    if not isinstance(seen, dict) or seen.get("instance") != instance:
        return instance
    if _counter_of(conn, instance) >= int(seen.get("counter", 0)):
        return instance
    log.warning("database counter is behind the one last seen: it was put back from a copy")
    return new_instance(conn, fingerprint)


def remember_counter(conn: sqlite3.Connection, instance: str, data_dir: Path) -> None:
    """Note the counter beside the database (on closing a session); never fails."""
    try:
        counter = _counter_of(conn, instance)
        path = Path(data_dir) / COUNTER_FILE
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"instance": instance, "counter": counter}, fh)
        os.replace(tmp, path)
    except (OSError, sqlite3.Error) as exc:
        log.debug("could not note the instance counter: %s", exc)
