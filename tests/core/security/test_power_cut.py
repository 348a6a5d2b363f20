"""A power cut, simulated by killing the process: no committed record is lost,
and a backup cut off half-way never passes for a backup."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_app.security import backup
from desktop_app.services.check import full_check
from desktop_app.services.session import open_session

ROOT = Path(__file__).resolve().parents[3]

WRITER = r"""
import sys
from desktop_app.services import records
from desktop_app.services.session import open_session
s = open_session(sys.argv[1], user="断电测试")
unit = records.create(s, "unit", {"name": "断电单位", "category": "乡镇"}).record
while True:
    rid = records.create(s, "person", {"name": "断电人员", "unit_id": unit.id}).record.id
    print(rid, flush=True)          # printed only after the commit returned
"""

BACKUPS = r"""
import sys
from desktop_app.security import backup
from desktop_app.services.session import open_session
s = open_session(sys.argv[1], user="断电测试")
print("ready", flush=True)
while True:
    backup.make_backup(s, kind="start")
"""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


def _start(script: str, data_dir: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, str(data_dir)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_killed_writer_loses_no_committed_record(office):
    proc = _start(WRITER, office)
    committed = []
    while len(committed) < 60:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        committed.append(line.strip())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    s = open_session(office)
    try:
        present = {r[0] for r in s.conn.execute("SELECT id FROM person WHERE name = '断电人员'")}
        assert set(committed) <= present
        assert full_check(s.conn, s.attachments_dir) == []
    finally:
        s.close()


def test_backup_killed_half_way_leaves_no_false_backup(demo_dir):
    proc = _start(BACKUPS, demo_dir)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(1.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for info in backup.list_backups(demo_dir):       # every .tzb there is complete
        backup.verify(info.path)
    s = open_session(demo_dir, user="测试")
    try:
        assert full_check(s.conn, s.attachments_dir, verify_hash=False) == []
        result = backup.make_backup(s)
    finally:
        s.close()
    assert result.info.records > 1000
    backup.sweep(demo_dir / "backups", older_than_s=0)
    assert {p.suffix for p in (demo_dir / "backups").iterdir()} == {".tzb"}
