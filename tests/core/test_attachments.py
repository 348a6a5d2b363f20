"""Attachments: the clerk's file name is display text, stored cleaned; copies
are written only inside the data folder."""
from __future__ import annotations

import pytest

from desktop_app.errors import UserFacingError
from desktop_app.services import attachments, records


@pytest.fixture
def talk_id(session, person):
    return records.create(session, "talk", {"talk_type": "提醒谈话", "reason": "工作作风",
                                            "person_ids": [person.id], "talkers": "张三",
                                            "talk_date": "2026-11-20"}).record.id


def test_stored_name_is_cleaned_and_copy_stays_inside(session, talk_id, tmp_path):
    src_dir = tmp_path / "in"
    src_dir.mkdir()
    source = src_dir / "CON .pdf\u202e"
    source.write_bytes(b"%PDF-1.4 scan")
    att = attachments.add_attachment(session, "talk", talk_id, source).record
    assert att.get("filename") == "_CON .pdf"
    opened = attachments.copy_to_open(session, att.get("sha256"), "../../taizhang.db")
    assert opened.resolve().is_relative_to(session.data_dir.resolve() / "tmp")
    assert opened.name == "_.._taizhang.db" and opened.read_bytes() == b"%PDF-1.4 scan"


def test_a_path_in_a_hash_field_is_refused(session, tmp_path):
    key = session.data_dir / "keys"
    for bad in ("../keys/private.pem", "/etc/passwd", "A" * 64):
        with pytest.raises(UserFacingError):
            attachments.copy_to_open(session, bad, "x.pdf")
        with pytest.raises(UserFacingError):
            attachments.export_copy(session, bad, tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()
    assert not key.exists() or not any(session.data_dir.glob("tmp/**/*.pem"))


def _stray(session, name: str, age_s: float):
    import os
    import time
    path = session.attachments_dir / name[:2] / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"nobody uses me")
    when = time.time() - age_s
    os.utime(path, (when, when))
    return path


def test_unused_files_are_found_by_check_and_removed(session, talk_id, tmp_path):
    from desktop_app.services.check import full_check
    source = tmp_path / "kept.pdf"
    source.write_bytes(b"%PDF kept")
    kept = attachments.add_attachment(session, "talk", talk_id, source).record
    old = _stray(session, "cd" * 32, 7200)
    young = _stray(session, "ef" * 32, 10)          # may belong to a write in progress
    problems = full_check(session.conn, session.attachments_dir)
    assert any("1 个文件" in p and "没有任何记录使用" in p for p in problems)
    assert attachments.clean_up_unused(session) == (1, len(b"nobody uses me"))
    assert not old.exists() and young.exists()
    assert attachments.blob_path(session, kept.get("sha256")).exists()
    assert full_check(session.conn, session.attachments_dir) == []


def test_clean_up_at_start_is_throttled(session, data_dir):
    import time
    now = time.time()
    first = _stray(session, "12" * 32, 7200)
    session.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert attachments.clean_up_if_due(data_dir, now=now) == 1 and not first.exists()
    second = _stray(session, "34" * 32, 7200)
    assert attachments.clean_up_if_due(data_dir, now=now + 3600) == 0 and second.exists()
    assert attachments.clean_up_if_due(data_dir, now=now + 8 * 86400) == 1
    assert not second.exists()


def test_a_typed_hash_or_file_name_is_checked_like_an_imported_one(session, talk_id):
    from desktop_app.errors import ValidationError
    base = {"owner_family": "talk", "owner_id": talk_id, "sha256": "ab" * 32,
            "filename": "扫描件.pdf", "size": 3}
    for bad in ({"sha256": "../keys/office.key"}, {"filename": "../../taizhang.db"},
                {"filename": "NUL.txt"}):
        with pytest.raises(ValidationError):
            records.create(session, "attachment", base | bad)
    with pytest.raises(ValidationError):
        records.create(session, "document", {"doc_type": "约谈通知书", "title": "通知",
                                             "issued_date": "2026-11-20",
                                             "pdf_sha256": "C:\\\\keys\\\\x"})
