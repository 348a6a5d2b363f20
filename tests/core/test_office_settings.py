"""Office settings from the command line's service, and the demo on an existing office."""
from __future__ import annotations

import json
import sqlite3

import pytest

from desktop_app import demo
from desktop_app.errors import UserFacingError, ValidationError
from desktop_app.services import office, records
from desktop_app.services.session import database_path, open_session
from desktop_app.store.dump import canonical_dump
from tests.core.conftest import TODAY


def _values(s):
    return {row["key"]: row["value"] for row in office.office_settings(s)}


def test_show_lists_every_key_with_label(session):
    rows = office.office_settings(session)
    assert {r["key"] for r in rows} >= {"name", "code", "abbr", "contact", "phone", "letterhead"}
    values = _values(session)
    assert values["name"] == "中共临川县纪律检查委员会" and values["code"] == "LCX"
    assert values["contact"] is None and values["rest_day_shift"] == "1"
    assert all(r["label"] for r in rows)


@pytest.mark.parametrize("key, value, stored", [
    ("contact", "  赵明 ", "赵明"), ("phone", "0791-1234567", "0791-1234567"),
    ("abbr", "临", "临"), ("letterhead", "中共临川县纪律检查委员会", "中共临川县纪律检查委员会"),
    ("rest_day_shift", "否", "0"), ("yellow_days", "3", "3"),
])
def test_set_writes_and_audits(session, key, value, stored):
    assert office.set_office_value(session, key, value) == stored
    assert _values(session)[key] == stored
    detail = json.loads(session.conn.execute(
        "SELECT detail FROM audit_log WHERE action = '修改设置' ORDER BY seq DESC").fetchone()[0])
    assert detail["changes"][1] == stored


def test_rename_and_recode_a_fresh_office(data_dir):
    s = open_session(data_dir, user="管理员")
    try:
        office.set_office_value(s, "name", "中共临川县纪委")
        office.set_office_value(s, "code", "lcx-2")
        assert (s.office_name, s.office_code) == ("中共临川县纪委", "LCX-2")
    finally:
        s.close()
    s = open_session(data_dir, user="管理员")
    try:
        assert (s.office_name, s.office_code) == ("中共临川县纪委", "LCX-2")
    finally:
        s.close()


@pytest.mark.parametrize("key, value, words", [
    ("colour", "红", "没有“colour”这项设置"), ("contact", "", "不能为空"),
    ("phone", "call me", "联系电话只能含数字"), ("contact", "长" * 31, "最多 30 字"),
    ("rest_day_shift", "也许", "请写“是”或“否”"), ("yellow_days", "99", "0 到 60"),
    ("code", "小写 码", "机关代码只能用"), ("name", " ", "请填写机关名称"),
    ("letterhead", "第一行\n第二行", "只能写一行"),
])
def test_bad_values_are_refused_and_change_nothing(session, key, value, words):
    before = canonical_dump(session.conn)
    with pytest.raises(ValidationError, match=words):
        office.set_office_value(session, key, value)
    assert canonical_dump(session.conn) == before


def test_code_cannot_change_once_records_exist(session, unit):
    before = canonical_dump(session.conn)
    with pytest.raises(UserFacingError, match="已有 1 条记录，不能再修改"):
        office.set_office_value(session, "code", "NEW-1")
    assert canonical_dump(session.conn) == before


def test_defaults_are_what_the_letters_print(session):
    """The default shown for an unset issuer, bureau or 监委 is the organ the letters use."""
    from desktop_app.services.document_values import issuing_organ
    rows = {r["key"]: r for r in office.office_settings(session)}
    assert rows["supervision"]["value"] is None
    assert rows["supervision"]["default"] == issuing_organ(session, "监察建议书") == "临川县监察委员会"
    assert rows["bureau"]["default"] == issuing_organ(session, "函询通知书") == "中共临川县纪委县监委办公室"
    assert rows["issuer"]["default"] == issuing_organ(session, "提醒函")


def test_supervision_office_is_set_and_used_by_the_letters(session):
    from desktop_app.services.document_values import issuing_organ
    assert office.set_office_value(session, "supervision", "临川县监察委员会（试）") == "临川县监察委员会（试）"
    assert issuing_organ(session, "监察建议书") == "临川县监察委员会（试）"


def test_unset_returns_to_the_default_and_is_audited(session):
    office.set_office_value(session, "bureau", "临川县纪委监委办公室")
    default = office.unset_office_value(session, "bureau")
    assert default == "中共临川县纪委县监委办公室" and _values(session)["bureau"] is None
    detail = json.loads(session.conn.execute(
        "SELECT detail FROM audit_log WHERE action = '修改设置' ORDER BY seq DESC").fetchone()[0])
    assert detail == {"key": "doc.office_bureau", "changes": ["临川县纪委监委办公室", None]}
    before = canonical_dump(session.conn)
    office.unset_office_value(session, "bureau")               # already unset: nothing written
    assert canonical_dump(session.conn) == before


@pytest.mark.parametrize("key, words", [("name", "不能清除"), ("rest_day_shift", "不能清除"),
                                        ("colour", "没有“colour”这项设置")])
def test_unset_refuses_required_and_unknown_keys(session, key, words):
    before = canonical_dump(session.conn)
    with pytest.raises(ValidationError, match=words):
        office.unset_office_value(session, key)
    assert canonical_dump(session.conn) == before


def test_check_writes_nothing(session):
    before = canonical_dump(session.conn)
    assert office.check_office_value(session, "phone", " 0791-1234567 ") == "0791-1234567"
    assert office.check_office_value(session, "code", "lcx-9") == "LCX-9"
    assert canonical_dump(session.conn) == before


# ---------------------------------------------------------------- demo

def test_demo_fills_missing_settings_without_overwriting(data_dir):
    s = open_session(data_dir, user="管理员")
    office.set_office_value(s, "phone", "0791-5550000")
    s.close()
    demo.fill_demo(data_dir, records=200, seed=3, today=TODAY)
    s = open_session(data_dir, user="管理员")
    try:
        values = _values(s)
        assert values["phone"] == "0791-5550000"                       # kept
        assert values["contact"] == "赵明"                            # filled
        entry = s.conn.execute("SELECT detail FROM audit_log WHERE action = '补充演示设置'").fetchone()
        assert "doc.contact" in json.loads(entry[0])["settings"]
        assert s.setting(demo.FILLING) is None
    finally:
        s.close()


def test_demo_names_nothing_of_another_office(tmp_path):
    d = tmp_path / "real"
    office.init_office(d, "中共某某县纪律检查委员会", "MMX").close()
    demo.fill_demo(d, records=200, seed=3, today=TODAY)
    s = open_session(d)
    try:
        assert s.setting("doc.office") is None and s.setting("doc.abbr") is None
        assert s.setting("doc.contact") and s.setting("doc.phone")
    finally:
        s.close()


def test_a_half_filled_demo_folder_is_rebuilt(tmp_path, monkeypatch):
    d = tmp_path / "demo"

    def killed(b, n):
        raise KeyboardInterrupt          # the first start killed during the fill

    from desktop_app import demo_records
    with monkeypatch.context() as m:
        m.setattr(demo_records, "persons", killed)
        with pytest.raises(KeyboardInterrupt):
            demo.fill_demo(d, records=200, seed=3, today=TODAY)
    assert database_path(d).exists() and demo.is_half_filled(d)
    demo.ensure_demo(d)
    assert not demo.is_half_filled(d)
    s = open_session(d)
    try:
        assert s.conn.execute("SELECT count(*) FROM talk").fetchone()[0] >= 3
    finally:
        s.close()
    # a complete demo is never rebuilt again
    before = database_path(d).stat().st_mtime_ns
    demo.ensure_demo(d)
    assert database_path(d).stat().st_mtime_ns == before


def test_an_empty_database_file_counts_as_half_filled(tmp_path):
    d = tmp_path / "demo"
    d.mkdir()
    database_path(d).write_bytes(b"")
    assert demo.is_half_filled(d)
    assert demo.discard_half_filled(d) and not database_path(d).exists()


def test_a_real_office_is_never_taken_for_a_half_filled_demo(data_dir, unit):
    s = open_session(data_dir)
    s.conn.execute("INSERT INTO setting (key, value) VALUES (?, '1')", (demo.FILLING,))
    s.close()
    # data_dir's office is LCX (the demo code) in the fixture: use another office
    other = data_dir.parent / "other"
    office.init_office(other, "中共某某县纪律检查委员会", "MMX").close()
    conn = sqlite3.connect(database_path(other))
    conn.execute("INSERT INTO setting (key, value) VALUES (?, '1')", (demo.FILLING,))
    conn.commit()
    conn.close()
    assert not demo.is_half_filled(other)
    assert not demo.discard_half_filled(other) and database_path(other).exists()
