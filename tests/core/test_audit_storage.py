"""The compact audit storage (issue 14): a creation's detail stored as plain
values and the hash as 32 bytes. Every change to a stored row is still caught,
and a log stored the old way (full ``[null, value]`` pairs, hex hashes) reads
and verifies exactly like the compact one."""
from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from desktop_app.security import audit_view
from desktop_app.security.audit_view import AuditFilter
from desktop_app.services import records
from desktop_app.store import audit


def _talk(session, person, reason="事由"):
    return records.create(session, "talk", {"talk_type": "约谈", "reason": reason,
                                            "person_ids": [person.id], "talkers": "甲",
                                            "talk_date": "2026-11-20"}).record


def _created_row(session, rid):
    return session.conn.execute("SELECT * FROM audit_log WHERE record_id = ? AND action = '新建'",
                                (rid,)).fetchone()


def test_a_creation_is_stored_compactly_and_read_back_as_appended(session, person):
    rec = _talk(session, person)
    row = _created_row(session, rec.id)
    stored = json.loads(row["detail"])
    assert "changes" not in stored and stored["+created"]["reason"] == "事由"
    assert isinstance(row["hash"], bytes) and len(row["hash"]) == 32
    [entry] = audit_view.search(session, AuditFilter(record=rec.id, action="新建"))
    assert entry.detail["changes"]["reason"] == [None, "事由"]
    assert entry.hash == row["hash"].hex()
    assert audit.verify(session.conn) == []
    # the filters that read the stored text still find it: a value, the record's 台账编号
    found = audit_view.search(session, AuditFilter(text="事由", action="新建"))
    assert [e.record_id for e in found] == [rec.id]
    by_ledger = audit_view.search(session, AuditFilter(record=rec.ledger_no))
    assert {e.record_id for e in by_ledger} == {rec.id}


def test_an_edit_keeps_its_before_and_after_pairs(session, person):
    rec = _talk(session, person)
    records.update(session, "talk", rec.id, {"place": "谈话室"})     # place was empty
    row = session.conn.execute("SELECT detail FROM audit_log WHERE action = '修改'").fetchone()
    assert json.loads(row[0]) == {"changes": {"place": [None, "谈话室"]}}


@pytest.mark.parametrize("tamper", [
    lambda d: d.replace("事由", "事实"),                          # a created value altered
    lambda d: d.replace('"+created":{', '"+created": {'),        # only the spacing changed
    lambda d: d.replace('"+created"', '"changes"'),              # the stored form swapped
    lambda d: json.dumps(json.loads(d) | {"note": "补"}, ensure_ascii=False,
                         sort_keys=True, separators=(",", ":")),  # a key added
])
def test_any_change_to_a_compact_entry_is_caught(session, person, tamper):
    rec = _talk(session, person)
    _talk(session, person, "另一事由")
    row = _created_row(session, rec.id)
    changed = tamper(row["detail"])
    assert changed != row["detail"]
    session.conn.execute("UPDATE audit_log SET detail = ? WHERE seq = ?", (changed, row["seq"]))
    problems = audit.verify(session.conn)
    assert problems and problems[0].seq == row["seq"]


def test_a_changed_hash_byte_is_caught(session, person):
    rec = _talk(session, person)
    row = _created_row(session, rec.id)
    forged = bytes([row["hash"][0] ^ 1]) + row["hash"][1:]
    session.conn.execute("UPDATE audit_log SET hash = ? WHERE seq = ?", (forged, row["seq"]))
    assert audit.verify(session.conn)[0].seq == row["seq"]


def test_an_inserted_or_removed_compact_entry_is_caught(session, person):
    for i in range(4):
        _talk(session, person, f"事由{i}")
    rows = [dict(r) for r in session.conn.execute("SELECT * FROM audit_log ORDER BY seq")]
    middle = next(r for r in rows[1:-1] if r["action"] == "新建")
    session.conn.execute("DELETE FROM audit_log WHERE seq = ?", (middle["seq"],))
    assert audit.verify(session.conn)[0].seq == middle["seq"]
    # put it back one place later, as if inserted: the chain breaks there
    session.conn.execute("DELETE FROM audit_log WHERE seq = ?", (middle["seq"] + 1,))
    session.conn.execute("INSERT INTO audit_log VALUES (:seq, :ts, :actor, :action, :family,"
                         " :record_id, :detail, :hash)", middle | {"seq": middle["seq"] + 1})
    session.conn.execute("INSERT INTO audit_log VALUES (:seq, :ts, :actor, :action, :family,"
                         " :record_id, :detail, :hash)", middle)
    assert audit.verify(session.conn)[0].seq == middle["seq"] + 1


def _old_storage(conn) -> None:
    """Rewrite every entry as the store wrote it before issue 14."""
    rows = conn.execute("SELECT seq, detail, hash FROM audit_log").fetchall()
    conn.executemany("UPDATE audit_log SET detail = ?, hash = ? WHERE seq = ?",
                     [(audit._canonical(audit.read_detail(d)), audit.hex_hash(h), seq)
                      for seq, d, h in rows])


def _shown(session, tmp_path, name):
    entries = audit_view.search(session, limit=100000)
    lines = [(e.seq, e.ts, e.actor, e.action, e.family_label, e.record_text, e.detail, e.hash,
              e.summary(), [c.__dict__ for c in e.changes()]) for e in entries]
    target = tmp_path / f"{name}.xlsx"
    audit_view.export_xlsx(session, AuditFilter(until=audit_view.date(2026, 11, 27)), target)
    sheet = list(load_workbook(target).active.iter_rows(values_only=True))[1:]
    return lines, sheet


def test_old_and_compact_storage_show_the_same_log(demo_session, tmp_path):
    conn = demo_session.conn
    assert conn.execute("SELECT count(*) FROM audit_log WHERE instr(detail, '\"+created\"')"
                        ).fetchone()[0] > 1000
    assert audit.verify(conn) == []
    count = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    compact = _shown(demo_session, tmp_path, "compact")
    conn.execute("SAVEPOINT old")
    _old_storage(conn)
    assert conn.execute("SELECT count(*) FROM audit_log WHERE instr(detail, '\"+created\"')"
                        ).fetchone()[0] == 0
    assert audit.verify(conn) == []              # the hashes are the same either way
    conn.execute("DELETE FROM audit_log WHERE seq > ?", (count,))   # the views' own entries
    old = _shown(demo_session, tmp_path, "old")
    conn.execute("ROLLBACK TO old")
    assert len(compact[0]) > 1000 and compact[0] == old[0][-len(compact[0]):]
    assert compact[1][1:] == old[1][1:]          # the sheet (its first line names the time)
