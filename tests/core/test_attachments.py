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
