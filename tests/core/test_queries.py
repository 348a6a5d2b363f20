"""Search, lists with keyset paging, the due list and the 廉政档案."""
from __future__ import annotations

import pytest

from desktop_app.domain.registry import FAMILIES
from desktop_app.errors import UserFacingError
from desktop_app.services import queries, records
from desktop_app.services.queries import ListFilter


@pytest.mark.parametrize("text", ["约", "约谈", "主体责", "主体责任", "整改", "财务管理"])
def test_search_finds_chinese_of_any_length(demo_session, text):
    hits = queries.search(demo_session, text)
    assert hits, text
    for h in hits[:50]:
        row = demo_session.conn.execute("SELECT title, body FROM record_index WHERE family=? AND id=?",
                                        (h.family, h.id)).fetchone()
        assert text in row["title"] or text in row["body"]


def test_search_ranks_title_hits_first(session, person):
    a = records.create(session, "talk", {"talk_type": "约谈", "reason": "其他事由", "person_ids": [person.id],
                                         "talkers": "甲", "talk_date": "2026-11-20",
                                         "summary": "谈及整改"}).record
    b = records.create(session, "rectification", {"title": "整改事项", "unit_id": person["unit_id"],
                                                   "issued_date": "2026-11-02"}).record
    ids = [h.id for h in queries.search(session, "整改")]
    assert ids.index(b.id) < ids.index(a.id)


@pytest.mark.parametrize("text", ['"', "'", '"约谈', "a OR b", "NEAR(x y)", "*", "%", "_", ")(", "--"])
def test_search_input_is_data(demo_session, text):
    queries.search(demo_session, text)       # no exception, no SQL error


def test_search_several_terms_and_voided_hidden(session, person):
    rec = records.create(session, "talk", {"talk_type": "约谈", "reason": "公车使用管理不严",
                                           "person_ids": [person.id], "talkers": "甲",
                                           "talk_date": "2026-11-20"}).record
    assert [h.id for h in queries.search(session, "公车 管理不严")] == [rec.id]
    records.void(session, "talk", rec.id, "错录")
    assert queries.search(session, "公车") == []


@pytest.mark.parametrize("family", list(FAMILIES))
def test_every_family_pages_cover_all_rows_once(demo_session, family):
    total = queries.count_records(demo_session, family)
    for desc in (True, False):
        seen, key = [], None
        while True:
            page, key = queries.list_records(demo_session, family, descending=desc, after=key, limit=37)
            seen += [r.id for r in page]
            if key is None:
                break
        assert len(seen) == len(set(seen)) == total


def test_list_sort_by_column_with_nulls(demo_session):
    seen, key = [], None
    while True:
        page, key = queries.list_records(demo_session, "letter", sort="delivered_date",
                                         descending=False, after=key, limit=25)
        seen += page
        if key is None:
            break
    values = [r["delivered_date"] for r in seen]
    nulls = [v for v in values if v is None]
    assert values[:len(nulls)] == nulls
    assert values[len(nulls):] == sorted(values[len(nulls):])
    assert len(seen) == queries.count_records(demo_session, "letter")


def test_list_filters(demo_session):
    s = demo_session
    talks, _ = queries.list_records(s, "talk", ListFilter(type_value="约谈"), limit=1000)
    assert talks and all(t["talk_type"] == "约谈" for t in talks)
    person = talks[0]["person_ids"][0]
    mine, _ = queries.list_records(s, "talk", ListFilter(person_id=person), limit=1000)
    assert mine and all(person in t["person_ids"] for t in mine)
    ranged, _ = queries.list_records(s, "talk", ListFilter(date_from="2026-06-01", date_to="2026-06-30"))
    assert all("2026-06-01" <= t["talk_date"] <= "2026-06-30" for t in ranged)
    red, _ = queries.list_records(s, "rect_item", ListFilter(level="red"), limit=1000)
    overdue = {d.id for d in queries.due_list(s) if d.level.value == "red" and d.family == "rect_item"}
    assert {r.id for r in red} == overdue
    texted, _ = queries.list_records(s, "talk", ListFilter(text="约谈"), limit=1000)
    assert len(texted) >= len(talks)


def test_due_list_levels(demo_session):
    items = queries.due_list(demo_session)
    levels = {d.level.value for d in items}
    assert {"red", "yellow"} <= levels
    for d in items:
        if d.level.value == "red":
            assert d.due_date < "2026-11-27"
        elif d.level.value == "orange":
            assert d.due_date == "2026-11-27"
        else:
            assert 1 <= d.days_left <= 5


def test_summary_shape(demo_session):
    result = queries.summary(demo_session)
    assert set(result["counts"]) == set(FAMILIES)
    made_later = {"attachment", "document", "letter_template", "report_def"}   # by clerks, not by the demo
    assert all(v > 0 for k, v in result["counts"].items() if k not in made_later)
    for item in result["due_soon"] + result["overdue"]:
        assert {"family", "id", "title", "due_date"} <= set(item)


def test_dossier_in_date_order_and_audited(session, person, unit):
    for d in ("2026-11-20", "2026-03-01", "2026-07-15"):
        records.create(session, "talk", {"talk_type": "约谈", "reason": "事由", "person_ids": [person.id],
                                         "talkers": "甲", "talk_date": d})
    records.create(session, "letter", {"letter_type": "提醒函", "title": "提醒", "written_date": "2026-05-05",
                                       "recipient_person_id": person.id})
    d = queries.dossier(session, "王建国")
    dates = [e.date for e in d.entries]
    assert dates == sorted(dates) and len(dates) == 4
    assert d.unit_name == "城关镇"
    last = session.conn.execute("SELECT action, record_id FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert tuple(last) == ("查阅廉政档案", person.id)


def test_dossier_ambiguous_or_unknown_name(session, unit, person):
    records.create(session, "person", {"name": "王建国", "unit_id": unit.id, "position": "科员"})
    with pytest.raises(UserFacingError, match="有 2 人叫"):
        queries.dossier(session, "王建国")
    with pytest.raises(UserFacingError, match="找不到人员"):
        queries.dossier(session, "不存在的人")
    assert queries.dossier(session, person.id).person.id == person.id
