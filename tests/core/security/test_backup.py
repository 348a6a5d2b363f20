"""Backups: complete, verified, refused when truncated or altered, encrypted,
rotated, copied to a second folder, consistent while others write."""
from __future__ import annotations

import random
import shutil
import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop_app.errors import UserFacingError
from desktop_app.security import backup, policy
from desktop_app.security.authz import PermissionDenied
from desktop_app.security.backup import BackupInfo, keep_set
from desktop_app.security.backup_crypto import BackupDamaged, WrongPassphrase
from desktop_app.services import attachments, records
from desktop_app.services.check import full_check
from desktop_app.services.session import open_session
from security_testkit import audit_rows, make_unit_person

PASSPHRASE = "Office-backup-1"
REFUSED = (BackupDamaged, WrongPassphrase)


@pytest.fixture
def filled(office, as_user, tmp_path):
    """Some records and two attachments."""
    clerk = as_user("录入员乙")
    unit, person = make_unit_person(clerk)
    for i in range(2):
        f = tmp_path / f"扫描件{i}.pdf"
        f.write_bytes(bytes([i]) * 5000 + b"%PDF")
        attachments.add_attachment(clerk, "person", person.id, f)
    return office


def _counts(data_dir: Path) -> dict:
    s = open_session(data_dir)
    try:
        from desktop_app.domain.registry import FAMILIES
        return {n: s.conn.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for n in FAMILIES}
    finally:
        s.close()


def test_backup_is_complete_verified_and_audited(filled, as_user):
    result = backup.make_backup(as_user("管理员甲"))
    info = result.info
    assert info.path.exists() and info.path.parent == filled / "backups"
    assert info.counts == _counts(filled) and info.attachments == 2 and not info.encrypted
    assert backup.verify(info.path).records == info.records
    assert [b.path for b in backup.list_backups(filled)] == [info.path]
    assert ("管理员甲", "备份") in audit_rows(filled) and audit_rows(filled)[-1] == ("管理员甲", "备份完成")
    assert not list((filled / "backups").glob(".*")), "no temporary files left behind"


def test_manual_backup_needs_the_right_but_automatic_ones_do_not(filled, as_user):
    clerk = as_user("录入员乙")
    with pytest.raises(PermissionDenied):
        backup.make_backup(clerk)
    assert backup.make_backup(clerk, kind="start").info.kind == "start"


def _variants(filled, as_user):
    admin = as_user("管理员甲")
    plain = backup.make_backup(admin).info.path
    backup.set_passphrase(admin, PASSPHRASE)
    sealed = backup.make_backup(admin).info.path
    return plain, sealed


def test_encrypted_backup_needs_the_passphrase_and_hides_the_content(filled, as_user):
    plain, sealed = _variants(filled, as_user)
    info = backup.read_info(sealed)                       # date and counts without a key
    assert info.encrypted and info.counts == backup.read_info(plain).counts
    with pytest.raises(WrongPassphrase, match="请提供备份口令"):
        backup.verify(sealed)
    with pytest.raises(WrongPassphrase, match="不正确"):
        backup.verify(sealed, passphrase="Wrong-phrase-1")
    assert backup.verify(sealed, passphrase=PASSPHRASE).records == info.records
    data = sealed.read_bytes()
    assert "王建国".encode() not in data and b"SQLite format 3" not in data
    assert b"%PDF" not in data


def _cut_points(size: int, header_end: int) -> list[int]:
    return sorted({0, 5, 12, header_end - 3, header_end, header_end + 10, size // 2,
                   size - 65536 - 16 if size > 70000 else size - 40, size - 17, size - 1})


@pytest.mark.parametrize("which", ["plain", "sealed"])
def test_truncated_backup_is_refused(filled, as_user, tmp_path, which):
    plain, sealed = _variants(filled, as_user)
    path = plain if which == "plain" else sealed
    data = path.read_bytes()
    header_end = 14 + int.from_bytes(data[10:14], "big")
    for cut in _cut_points(len(data), header_end):
        bad = tmp_path / f"cut-{cut}.tzb"
        bad.write_bytes(data[:cut])
        with pytest.raises(REFUSED):
            backup.verify(bad, passphrase=PASSPHRASE)
    longer = tmp_path / "longer.tzb"
    longer.write_bytes(data + b"\0" * 100)
    with pytest.raises(REFUSED):
        backup.verify(longer, passphrase=PASSPHRASE)


@pytest.mark.parametrize("which", ["plain", "sealed"])
def test_altered_backup_is_refused(filled, as_user, tmp_path, which):
    plain, sealed = _variants(filled, as_user)
    path = plain if which == "plain" else sealed
    data = path.read_bytes()
    rng = random.Random(7)
    header_end = 14 + int.from_bytes(data[10:14], "big")
    offsets = [3, 11, 20, header_end - 2] + [rng.randrange(14, header_end) for _ in range(8)] \
        + [rng.randrange(header_end, len(data)) for _ in range(40)] + [len(data) - 1]
    for offset in offsets:
        bad = tmp_path / "flipped.tzb"
        bad.write_bytes(data[:offset] + bytes([data[offset] ^ 0x10]) + data[offset + 1:])
        with pytest.raises(REFUSED):
            backup.verify(bad, passphrase=PASSPHRASE)


def test_a_missing_attachment_file_stops_the_backup(filled, as_user):
    victim = next((filled / "attachments").glob("*/*"))
    victim.unlink()
    with pytest.raises(UserFacingError, match="附件文件不见了"):
        backup.make_backup(as_user("管理员甲"))
    assert audit_rows(filled)[-1] == ("管理员甲", "备份失败")
    assert not list((filled / "backups").glob("*.tzb"))


def test_second_folder_gets_a_checked_copy_or_a_warning(filled, as_user, tmp_path):
    admin = as_user("管理员甲")
    second = tmp_path / "U盘" / "台账备份"
    policy.set_policy(admin, policy.BACKUP_SECOND_DIR, str(second))
    result = backup.make_backup(admin)
    assert result.second_copy == second / result.info.path.name
    assert result.second_copy.read_bytes() == result.info.path.read_bytes()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    policy.set_policy(admin, policy.BACKUP_SECOND_DIR, str(blocker / "sub"))
    result = backup.make_backup(admin)
    assert result.second_copy is None and "第二备份位置" in result.warnings[0]
    assert result.info.path.exists()


def test_backup_to_another_folder(filled, as_user, tmp_path):
    result = backup.make_backup(as_user("管理员甲"), to_dir=tmp_path / "usb")
    assert result.info.path.parent == tmp_path / "usb"
    assert backup.list_backups(filled, [tmp_path / "usb"])[0].path == result.info.path


def _info(created: datetime, kind: str = "start") -> BackupInfo:
    return BackupInfo(Path(f"/b/{created:%Y%m%d%H%M}-{kind}.tzb"), created, kind, "LCX", "x", {}, 0, 0,
                      0, 0, False, 0)


def test_rotation_keeps_7_daily_4_weekly_12_monthly():
    now = datetime(2026, 11, 27, 18, 0)
    infos = [_info(now - timedelta(hours=12 * i)) for i in range(800)]   # two a day, ~13 months
    keep = keep_set(infos)
    kept = sorted((b.created for b in infos if b.path in keep), reverse=True)
    assert kept[:3] == [now, now - timedelta(hours=12), now - timedelta(hours=24)]
    days = {d.date() for d in kept}
    assert all((now - timedelta(days=i)).date() in days for i in range(7))
    months = {(d.year, d.month) for d in kept}
    assert len(months) == 12 and len(kept) <= 3 + 7 + 4 + 12
    assert keep_set([]) == set()


def test_rotate_removes_only_automatic_backups(filled, as_user, clock):
    admin = as_user("管理员甲")
    manual = backup.make_backup(admin).info.path
    for _ in range(12):
        clock.advance(days=1)
        backup.make_backup(admin, kind="start")
    left = backup.list_backups(filled)
    autos = [b for b in left if b.kind == "start"]
    assert manual in [b.path for b in left]
    kept = sorted(str(b.created.date()) for b in autos)
    # seven days; the newest of ISO week 48 (Sunday 29th); the newest of November (30th)
    assert kept == ["2026-11-29", "2026-11-30"] + [f"2026-12-0{d}" for d in range(3, 10)]


def test_backup_due_at_start_and_at_the_end_of_the_working_day(filled, as_user, clock):
    admin = as_user("管理员甲")
    assert backup.backup_due(admin, at_start=True) == "start"
    backup.make_backup(admin, kind="start")
    clock.advance(minutes=10)
    assert backup.backup_due(admin, at_start=True) is None
    clock.advance(minutes=25)
    assert backup.backup_due(admin, at_start=True) == "start"
    assert backup.backup_due(admin) is None                     # 09:35 on a Friday
    clock.t = clock.t.replace(hour=17, minute=31)
    assert backup.backup_due(admin) == "eod"
    backup.make_backup(admin, kind="eod")
    assert backup.backup_due(admin) is None
    clock.t = datetime(2026, 11, 28, 18, 0)                    # Saturday: no end-of-day backup
    assert backup.backup_due(admin) is None


def test_backup_taken_during_writes_restores_to_a_consistent_database(filled, as_user, office,
                                                                      tmp_path):
    """A writer keeps committing records while the backup runs; the backup is one
    committed state: integrity, foreign keys, audit chain and attachments agree."""
    stop, written, errors = threading.Event(), [], []

    def writer():
        s = open_session(office, user="并发录入")
        try:
            unit = records.create(s, "unit", {"name": "并发单位", "category": "乡镇"}).record
            while not stop.is_set():
                written.append(records.create(s, "person", {"name": f"人员{len(written)}",
                                                            "unit_id": unit.id}).record.id)
        except Exception as exc:          # surfaced below
            errors.append(exc)
        finally:
            s.close()
    t = threading.Thread(target=writer)
    t.start()
    try:
        while len(written) < 20:
            threading.Event().wait(0.01)
        result = backup.make_backup(as_user("管理员甲"))
    finally:
        stop.set()
        t.join()
    assert not errors and len(written) > 20
    staging = tmp_path / "check"
    staging.mkdir()
    backup.verify(result.info.path, staging=staging)
    conn = sqlite3.connect(staging / "taizhang.db")
    conn.row_factory = sqlite3.Row
    try:
        assert full_check(conn, staging / "attachments") == []
        persons = conn.execute("SELECT count(*) FROM person WHERE name LIKE '人员%'").fetchone()[0]
        created = conn.execute("SELECT count(*) FROM audit_log WHERE actor = '并发录入'"
                               " AND action = '新建' AND family = 'person'").fetchone()[0]
    finally:
        conn.close()
    assert 0 < persons < len(written) + 1 and persons == created


def test_a_copied_backup_elsewhere_still_verifies(filled, as_user, tmp_path):
    path = backup.make_backup(as_user("管理员甲")).info.path
    moved = tmp_path / "elsewhere" / path.name
    moved.parent.mkdir()
    shutil.copy(path, moved)
    assert backup.verify(moved).records == backup.read_info(path).records
