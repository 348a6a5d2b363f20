"""Opening, migrating and refusing databases; the audit chain; crash safety."""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from desktop_app.errors import UserFacingError
from desktop_app.services import records
from desktop_app.services.check import full_check
from desktop_app.services.session import database_path, open_session
from desktop_app.store import audit, ddl, migrations
from desktop_app.store.db import open_database

ROOT = Path(__file__).resolve().parents[2]


def test_released_step_one_matches_declarations():
    released = (migrations.SQL_DIR / "001_initial.sql").read_text(encoding="utf-8")
    assert released == ddl.initial_schema(), (
        "A record declaration changed after schema v1 was released: add a migration step "
        "instead of editing 001_initial.sql (or regenerate it only before the first release).")


def test_new_database_is_at_latest_version(data_dir):
    conn = open_database(database_path(data_dir))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    conn.close()


def test_newer_database_refused_untouched(data_dir):
    path = database_path(data_dir)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(UserFacingError, match="更新版本的程序"):
        open_database(path)
    assert path.read_bytes() == before


def test_corrupt_database_refused_untouched(tmp_path):
    path = tmp_path / "taizhang.db"
    path.write_bytes(b"this is not a database at all" * 100)
    before = path.read_bytes()
    with pytest.raises(UserFacingError, match="已损坏"):
        open_database(path)
    assert path.read_bytes() == before


def test_damaged_pages_reported_by_check(data_dir):
    s = open_session(data_dir)
    for i in range(300):
        records.create(s, "unit", {"name": f"单位{i}", "category": "乡镇"})
    s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    path = database_path(data_dir)
    raw = bytearray(path.read_bytes())
    raw[8192:8192 + 4096] = b"\xff" * 4096           # trash one page in the middle
    path.write_bytes(bytes(raw))
    try:
        s = open_session(data_dir)
    except UserFacingError:
        return                                        # refused at open: also fine
    problems = full_check(s.conn, s.attachments_dir)
    s.close()
    assert problems


def test_older_database_migrated_with_a_copy_first(tmp_path, monkeypatch):
    path = tmp_path / "taizhang.db"
    conn = open_database(path)
    conn.close()
    extra = tmp_path / "002_test.sql"
    extra.write_text("CREATE TABLE migrated_marker (x INTEGER);", encoding="utf-8")
    monkeypatch.setattr(migrations, "SQL_DIR", tmp_path)
    shutil.copy(ROOT / "desktop_app/store/sql/001_initial.sql", tmp_path / "001_initial.sql")
    monkeypatch.setattr(migrations, "STEPS", ["001_initial.sql", "002_test.sql"])
    monkeypatch.setattr(migrations, "LATEST", 2)
    conn = open_database(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    conn.execute("SELECT * FROM migrated_marker")
    conn.close()
    copies = list((tmp_path / "backups").glob("pre-migrate-v1-*.db"))
    assert len(copies) == 1


def test_failed_migration_leaves_database_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "taizhang.db"
    open_database(path).close()
    (tmp_path / "002_bad.sql").write_text("CREATE TABLE ok_part (x); THIS IS NOT SQL;",
                                          encoding="utf-8")
    shutil.copy(ROOT / "desktop_app/store/sql/001_initial.sql", tmp_path / "001_initial.sql")
    monkeypatch.setattr(migrations, "SQL_DIR", tmp_path)
    monkeypatch.setattr(migrations, "STEPS", ["001_initial.sql", "002_bad.sql"])
    monkeypatch.setattr(migrations, "LATEST", 2)
    with pytest.raises(UserFacingError):
        open_database(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'ok_part'").fetchone()
    conn.close()


def _make_entries(session, person, n=5):
    for i in range(n):
        records.create(session, "talk", {"talk_type": "约谈", "reason": f"事由{i}",
                                         "person_ids": [person.id], "talkers": "甲",
                                         "talk_date": "2026-11-20"})


def test_audit_chain_intact(session, person):
    _make_entries(session, person)
    assert audit.verify(session.conn) == []


def test_edited_audit_row_is_named(session, person):
    _make_entries(session, person)
    session.conn.execute("UPDATE audit_log SET actor = '别人' WHERE seq = 4")
    problems = audit.verify(session.conn)
    assert problems[0].seq == 4 and "第 4 条" in problems[0].message


def test_deleted_audit_row_is_named(session, person):
    _make_entries(session, person)
    session.conn.execute("DELETE FROM audit_log WHERE seq = 3")
    assert audit.verify(session.conn)[0].seq == 3


def test_inserted_audit_row_is_named(session, person):
    _make_entries(session, person)
    row = dict(session.conn.execute("SELECT * FROM audit_log WHERE seq = 5").fetchone())
    session.conn.execute("UPDATE audit_log SET seq = seq + 1000")
    session.conn.execute("UPDATE audit_log SET seq = seq - 1000 WHERE seq <= 1005")
    session.conn.execute("UPDATE audit_log SET seq = seq - 999 WHERE seq > 1005")
    forged = row | {"seq": 6, "actor": "伪造", "hash": "0" * 64}
    session.conn.execute("INSERT INTO audit_log VALUES (:seq, :ts, :actor, :action, :family,"
                         " :record_id, :detail, :hash)", forged)
    assert audit.verify(session.conn)[0].seq == 6


def test_truncated_audit_tail_is_noticed(session, person):
    _make_entries(session, person)
    last = session.conn.execute("SELECT max(seq) FROM audit_log").fetchone()[0]
    session.conn.execute("DELETE FROM audit_log WHERE seq = ?", (last,))
    assert "末尾缺失" in audit.verify(session.conn)[0].message


WRITER = textwrap.dedent("""
    import sys, os
    from desktop_app.services.session import open_session
    from desktop_app.services import records
    s = open_session(sys.argv[1])
    unit = records.create(s, "unit", {"name": "已提交", "category": "乡镇"}).record
    print("committed", flush=True)
    s.conn.execute("BEGIN IMMEDIATE")
    for i in range(100000):
        s.conn.execute("INSERT INTO setting (key, value) VALUES (?, ?)", (f"k{i}", "v" * 100))
        if i == 2000:
            print("midway", flush=True)
    s.conn.execute("COMMIT")
""")


def test_writer_killed_mid_transaction_leaves_committed_data(data_dir):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(data_dir)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "committed"
    assert proc.stdout.readline().strip() == "midway"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    s = open_session(data_dir)
    try:
        assert s.conn.execute("SELECT name FROM unit").fetchall()[0][0] == "已提交"
        assert s.conn.execute("SELECT count(*) FROM setting WHERE key LIKE 'k%'").fetchone()[0] == 0
        assert full_check(s.conn, s.attachments_dir) == []
    finally:
        s.close()


def test_core_never_imports_qt():
    code = textwrap.dedent("""
        import importlib, pkgutil, sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in ('PySide6', 'shiboken6', 'ui'):
                    raise ImportError('blocked: ' + name)
        sys.meta_path.insert(0, Block())
        import desktop_app
        for m in pkgutil.walk_packages(desktop_app.__path__, 'desktop_app.'):
            importlib.import_module(m.name)
        print('ok')
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip().endswith("ok"), out.stderr


def test_database_put_back_from_an_older_copy_gets_a_new_instance(data_dir):
    s = open_session(data_dir)
    records.create(s, "unit", {"name": "甲", "category": "乡镇"})
    first = s.instance
    s.close()
    old = database_path(data_dir).read_bytes()          # a copy taken now (WAL checkpointed on close)
    s = open_session(data_dir)
    records.create(s, "unit", {"name": "乙", "category": "乡镇"})
    assert s.instance == first
    s.close()
    database_path(data_dir).write_bytes(old)            # restore software puts the old file back
    s = open_session(data_dir)
    try:
        assert s.instance != first                       # its counters would repeat: new instance
        records.create(s, "unit", {"name": "丙", "category": "乡镇"})
    finally:
        s.close()
    s = open_session(data_dir)
    try:
        assert s.instance != first                       # and stays on the new one
    finally:
        s.close()


@pytest.mark.parametrize("name", ["数据 目录", "a#b", "50%", "what?"])
def test_data_folders_with_awkward_names(tmp_path, name):
    from desktop_app.services.office import init_office
    from desktop_app.store.db import connect
    d = tmp_path / name
    init_office(d, "测试纪委", "TEST").close()
    s = open_session(d)
    records.create(s, "unit", {"name": "甲", "category": "乡镇"})
    s.close()
    ro = connect(database_path(d), readonly=True)
    assert ro.execute("SELECT name FROM unit").fetchone()[0] == "甲"
    ro.close()
    assert not list(tmp_path.glob("*?mode=ro*"))
