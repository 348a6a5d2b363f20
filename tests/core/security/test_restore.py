"""Restore: verify first, keep the current database aside, new instance id (R6);
a damaged database is found at start and recovered from the newest good backup."""
from __future__ import annotations

import json
import os
import sqlite3

import pytest

from desktop_app.errors import UserFacingError
from desktop_app.security import backup, restore
from desktop_app.security.authz import PermissionDenied
from desktop_app.security.backup_crypto import BackupDamaged, WrongPassphrase
from desktop_app.services import records
from desktop_app.services.check import full_check
from desktop_app.services.session import open_session
from desktop_app.store.dump import dump_digest
from security_testkit import PASSWORD, audit_rows, login, make_unit_person


def _instance(data_dir) -> str:
    conn = sqlite3.connect(data_dir / "taizhang.db")
    try:
        return conn.execute("SELECT value FROM meta WHERE key = 'instance_id'").fetchone()[0]
    finally:
        conn.close()


def _names(data_dir) -> set[str]:
    conn = sqlite3.connect(data_dir / "taizhang.db")
    try:
        return {r[0] for r in conn.execute("SELECT name FROM person")}
    finally:
        conn.close()


@pytest.fixture
def backed_up(office, as_user, clock):
    """王建国 is in the backup; 李后来 was entered after it."""
    clerk = as_user("录入员乙")
    unit, _ = make_unit_person(clerk)
    made = backup.make_backup(as_user("管理员甲")).info
    clock.advance(hours=1)
    records.create(clerk, "person", {"name": "李后来", "unit_id": unit.id})
    return made


def test_restore_replaces_keeps_the_old_database_and_mints_a_new_instance(backed_up, office, as_user):
    before_instance = _instance(office)
    result = restore.restore(office, backed_up.path, session=as_user("管理员甲"))
    assert _names(office) == {"王建国"}
    assert result.instance != before_instance and _instance(office) == result.instance
    assert result.replaced.exists() and result.replaced.parent == office / "replaced"
    old = sqlite3.connect(result.replaced)
    assert {r[0] for r in old.execute("SELECT name FROM person")} == {"王建国", "李后来"}
    old.close()
    assert backup.verify(result.pre_restore).counts["person"] == 2
    assert audit_rows(office)[-1] == ("管理员甲", "恢复")
    s = open_session(office)
    try:
        assert full_check(s.conn, s.attachments_dir) == []
        assert s.instance == result.instance          # the new id stays (same machine, same path)
    finally:
        s.close()
    assert not list(office.glob(".restore-*")) and not (office / restore.MARKER).exists()


def test_only_a_role_with_the_right_may_restore(backed_up, office, as_user):
    clerk = as_user("录入员乙")
    digest = dump_digest(clerk.conn)
    with pytest.raises(PermissionDenied):
        restore.restore(office, backed_up.path, session=clerk)
    with pytest.raises(UserFacingError, match="须先登录"):
        restore.restore(office, backed_up.path, name="管理员甲", password=PASSWORD["管理员甲"])
    s = open_session(office)
    try:
        assert dump_digest(s.conn) == digest
    finally:
        s.close()


def test_a_damaged_backup_is_refused_and_nothing_changes(backed_up, office, as_user, tmp_path):
    data = backed_up.path.read_bytes()
    bad = tmp_path / "bad.tzb"
    bad.write_bytes(data[: len(data) // 2])
    admin = as_user("管理员甲")
    keep = ("audit_log", "meta")          # everything but the audit entry of the refusal
    digest = dump_digest(admin.conn, exclude=keep)
    with pytest.raises(BackupDamaged):
        restore.restore(office, bad, session=admin)
    s = open_session(office)
    try:
        assert dump_digest(s.conn, exclude=keep) == digest
    finally:
        s.close()
    assert audit_rows(office)[-1] == ("管理员甲", "恢复失败")
    assert not list(office.glob(".restore-*")) and not (office / "replaced").exists()


def test_a_backup_of_another_office_is_refused(backed_up, office, as_user, tmp_path):
    from desktop_app.services.office import init_office
    other = tmp_path / "other"
    init_office(other, "另一个县纪委", "OTHER", admin=("管理员甲", PASSWORD["管理员甲"])).close()
    foreign = backup.make_backup(login(other, "管理员甲")).info.path
    with pytest.raises(UserFacingError, match="另一个机关"):
        restore.restore(office, foreign, session=as_user("管理员甲"))
    assert _names(office) == {"王建国", "李后来"}


def _damage(path) -> None:
    with open(path, "r+b") as fh:
        fh.seek(4096 * 2)
        fh.write(os.urandom(4096 * 3))


def test_damaged_database_is_found_at_start_and_recovered_from_the_newest_good_backup(
        backed_up, office, as_user, clock):
    newer = backup.make_backup(as_user("管理员甲"), kind="start").info
    newer.path.write_bytes(newer.path.read_bytes()[:-100])       # the newest is itself damaged
    _damage(office / "taizhang.db")
    for suffix in ("-wal", "-shm"):
        (office / f"taizhang.db{suffix}").unlink(missing_ok=True)
    state = restore.health(office)
    assert not state.ok and not state.missing and state.problems
    good, skipped = restore.newest_good(office)
    assert good.path == backed_up.path and newer.path.name in skipped[0]
    with pytest.raises(UserFacingError, match="用户名或口令不正确"):
        restore.restore(office, good.path, name="管理员甲", password="Wrong-pass-1", clock=clock)
    with pytest.raises(PermissionDenied):
        restore.restore(office, good.path, name="录入员乙", password=PASSWORD["录入员乙"], clock=clock)
    result = restore.restore(office, good.path, name="管理员甲", password=PASSWORD["管理员甲"], clock=clock)
    assert restore.health(office).ok and _names(office) == {"王建国"}
    assert result.replaced.exists() and result.pre_restore is None
    login(office, "管理员甲", clock).close()


def test_reimaged_machine_restores_an_encrypted_backup_with_passphrase_and_backup_accounts(
        office, as_user, tmp_path, clock):
    admin = as_user("管理员甲")
    make_unit_person(admin)
    backup.set_passphrase(admin, "Office-backup-1")
    usb = tmp_path / "usb"
    made = backup.make_backup(admin, to_dir=usb).info.path
    fresh = tmp_path / "reimaged"
    fresh.mkdir()
    assert restore.health(fresh).missing
    with pytest.raises(WrongPassphrase):
        restore.restore(fresh, made, name="管理员甲", password=PASSWORD["管理员甲"], clock=clock)
    restore.restore(fresh, made, name="管理员甲", password=PASSWORD["管理员甲"],
                    passphrase="Office-backup-1", clock=clock)
    assert _names(fresh) == {"王建国"} and _instance(fresh) != _instance(office)
    s = open_session(fresh)
    try:
        assert full_check(s.conn, s.attachments_dir) == []
    finally:
        s.close()


def test_interrupted_restore_is_rolled_back_or_completed(backed_up, office):
    # crash after the live database was moved aside, before the new one was in place
    aside = office / "replaced"
    aside.mkdir()
    os.replace(office / "taizhang.db", aside / "taizhang-x.db")
    for suffix in ("-wal", "-shm"):
        if (office / f"taizhang.db{suffix}").exists():
            os.replace(office / f"taizhang.db{suffix}", aside / f"taizhang-x.db{suffix}")
    (office / restore.MARKER).write_text(json.dumps({"backup": "b.tzb", "replaced": str(aside / "taizhang-x.db")}),
                                         encoding="utf-8")
    assert restore.finish_interrupted(office) == "rolled back"
    assert _names(office) == {"王建国", "李后来"} and not (office / restore.MARKER).exists()
    # crash after the new database was in place, before the new instance id
    before = _instance(office)
    (office / restore.MARKER).write_text(json.dumps({"backup": "b.tzb", "replaced": ""}), encoding="utf-8")
    assert restore.health(office).ok
    assert _instance(office) != before and audit_rows(office)[-1] == ("系统", "恢复")
