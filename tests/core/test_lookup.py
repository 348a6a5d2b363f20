"""The small read services of the desktop lists and pickers, and the audit
entry for what leaves the program (desktop_app/services/lookup.py, outputs.py)."""
from __future__ import annotations

from datetime import date

import pytest

from desktop_app.domain.deadlines import Level
from desktop_app.services import lookup, outputs, records
from desktop_app.store import audit


def test_names_of_persons_and_units(session, person, unit):
    names = lookup.names_of(session, {"person": [person.id, None], "unit": {unit.id}})
    assert names == {person.id: "王建国", unit.id: "城关镇"}
    assert lookup.names_of(session, {"person": []}) == {}


def test_names_in_chunks(session, unit):
    ids = [records.create(session, "person", {"name": f"人员{i}", "unit_id": unit.id}).record.id
           for i in range(3)]
    many = ids + [f"missing-{i}" for i in range(1200)]
    assert set(lookup.names_of(session, {"person": many})) == set(ids)


def test_nearest_due_levels(session, unit):
    rect = records.create(session, "rectification", {
        "title": "整改", "unit_id": unit.id, "issued_date": "2026-11-02",
        "plan_due": "2026-11-20", "report_due": "2026-12-01"}, confirm_dates=True).record
    due = lookup.nearest_due(session, "rectification", [rect.id, "nobody"])
    assert list(due) == [rect.id]
    d = due[rect.id]
    assert (d.due_date, d.label, d.level) == ("2026-11-20", "整改方案", Level.RED)
    assert d.days_left < 0


def test_directory_and_titles(session, person, unit):
    people = lookup.directory(session, "person")
    assert people == [lookup.DirectoryRow(person.id, "王建国", "城关镇 党委书记", unit.id)]
    assert lookup.directory(session, "unit")[0].detail == "乡镇"
    with pytest.raises(ValueError):
        lookup.directory(session, "talk")
    assert [t.title for t in lookup.find_titles(session, "unit", "城关")] == ["城关镇"]
    assert lookup.find_titles(session, "unit", "没有") == []


def test_quarter_bounds():
    assert lookup.quarter_bounds(date(2026, 11, 27)) == (date(2026, 10, 1), date(2027, 1, 1))
    assert lookup.quarter_bounds(date(2026, 3, 31)) == (date(2026, 1, 1), date(2026, 4, 1))


def test_quarter_counts_and_recent(demo_session):
    counts = lookup.quarter_counts(demo_session)
    assert set(counts) >= {"talk", "letter"} and counts["talk"] > 0
    start, end = lookup.quarter_bounds(demo_session.today())
    by_index = dict(demo_session.conn.execute(
        "SELECT family, count(*) FROM record_index WHERE voided = 0 AND main_date >= ?"
        " AND main_date < ? GROUP BY family", (start.isoformat(), end.isoformat())).fetchall())
    assert counts == {name: by_index.get(name, 0) for name in counts}
    recent = lookup.recent_changes(demo_session, 5)
    assert len(recent) == 5 and recent[0].updated_at >= recent[-1].updated_at
    assert recent[0].family_label


def test_outputs_are_audited(session):
    seq = outputs.record_output(session, "导出", "谈话列表 Excel", family="talk",
                                detail={"rows": 3, "file": "谈话.xlsx"})
    row = session.conn.execute("SELECT * FROM audit_log WHERE seq = ?", (seq,)).fetchone()
    assert row["action"] == "导出" and "谈话.xlsx" in row["detail"]
    assert audit.verify(session.conn) == []
    with pytest.raises(ValueError):
        outputs.record_output(session, "删除", "x")
