"""Every built-in report against counts worked out here, in plain Python, from
the demo county's rows; and every figure's drill-down list adds up to it."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date, datetime

import pytest

from desktop_app.domain.registry import family
from desktop_app.reports import service
from desktop_app.reports.engine import TOTAL
from desktop_app.services import queries
from desktop_app.services.queries import ListFilter

YEAR = "2026"          # TODAY is 2026-11-27: the year runs, overdue is judged today
QUARTER = "2026Q3"     # ended: overdue is judged on 2026-09-30


@pytest.fixture(scope="module")
def demo(demo_master):
    from desktop_app.services.session import open_session
    s = open_session(demo_master, user="统计员", clock=lambda: datetime(2026, 11, 27, 9, 0))
    yield s
    s.close()


def rows(s, table: str) -> list[dict]:
    return [dict(r) for r in s.conn.execute(f"SELECT * FROM {table} WHERE voided = 0")]


def in_period(value: str | None, start: str, end: str) -> bool:
    return bool(value) and start <= value[:10] <= end


BOUNDS = {YEAR: ("2026-01-01", "2026-12-31", "2026-11-27"), QUARTER: ("2026-07-01", "2026-09-30", "2026-09-30")}


def deadlines(s) -> dict[tuple[str, str], list[dict]]:
    out = defaultdict(list)
    for r in s.conn.execute("SELECT * FROM deadline"):
        out[(r["family"], r["id"])].append(dict(r))
    return out


def figures(result) -> dict:
    return {(r.label, c.key): result.value(r.key, c.key) for r in result.rows for c in result.columns} | \
        {("合计", c.key): result.value(TOTAL, c.key) for c in result.columns}


@pytest.mark.parametrize("period", [YEAR, QUARTER])
def test_talk_report(demo, period):
    start, end, _ = BOUNDS[period]
    persons = {p["id"]: p for p in rows(demo, "person")}
    want = Counter()
    for t in rows(demo, "talk"):
        if not in_period(t["talk_date"], start, end):
            continue
        kind = t["talk_type"] + (f"（{t['yuetan_subtype']}）" if t["yuetan_subtype"] else "")
        ids = json.loads(t["person_ids"])
        for key in (kind, "合计"):
            want[(key, "times")] += 1
            want[(key, "persons")] += len(ids)
            for pid in ids:
                rank = persons[pid]["rank"]
                for i, r in enumerate(("县管正职", "县管副职", "乡科级", "一般干部", "村（社区）干部"), 1):
                    want[(key, f"rank{i}")] += rank == r
            want[(key, "by_discipline")] += t["initiator"] in ("纪委监委", "派驻纪检监察组", "乡镇纪委")
            want[(key, "by_party")] += t["initiator"] in ("党委（党组）书记", "班子成员")
    got = figures(service.run(demo, "talk", period))
    assert want[("合计", "times")] > 20
    for key, value in got.items():
        assert value == want[key], key


@pytest.mark.parametrize("period", [YEAR, QUARTER])
def test_letter_report(demo, period):
    start, end, as_of = BOUNDS[period]
    dl = deadlines(demo)
    want, days = Counter(), defaultdict(list)
    for l in rows(demo, "letter"):
        if not in_period(l["written_date"], start, end) or l["status"] in ("起草", "审批"):
            continue
        mine = [d for d in dl[("letter", l["id"])] if d["kind"] in ("reply", "reply_typed", "feedback")]
        for key in (l["letter_type"], "合计"):
            want[(key, "sent")] += 1
            want[(key, "replied")] += bool(l["reply_date"])
            want[(key, "on_time")] += any(d["done_date"] and d["done_date"] <= d["due_date"] for d in mine)
            want[(key, "overdue")] += any(d["active"] and not d["done_date"] and d["due_date"] < as_of
                                          for d in mine)
            if l["delivered_date"] and l["reply_date"]:
                days[key].append(demo.calendar.working_days_left(date.fromisoformat(l["delivered_date"]),
                                                                 date.fromisoformat(l["reply_date"])))
            if l["letter_type"] == "函询" and l["outcome"] == "采信了结":
                want[(key, "out1")] += 1
    got = figures(service.run(demo, "letter", period))
    assert want[("合计", "sent")] > 10 and want[("合计", "overdue")] > 0
    for (row, col), value in got.items():
        if col == "avg_days":
            expect = round(sum(days[row]) / len(days[row]), 1) if days[row] else None
            assert value == (expect if expect is not None else None) or value == 0 and expect is None, row
        elif col in ("sent", "replied", "on_time", "overdue", "out1"):
            assert value == want[(row, col)], (row, col)


def test_rectification_report_by_unit(demo):
    start, end, as_of = BOUNDS[YEAR]
    units = {u["id"]: u["name"] for u in rows(demo, "unit")}
    parent = {r["id"]: r["unit_id"] for r in rows(demo, "rectification")}
    dl = deadlines(demo)
    want = Counter()
    for it in rows(demo, "rect_item"):
        if not in_period(it["deadline"], start, end):
            continue
        d = dl[("rect_item", it["id"])]
        for key in (units[parent[it["rectification_id"]]], "合计"):
            want[(key, "total")] += 1
            want[(key, "done")] += bool(it["completed_date"])
            want[(key, "on_time")] += any(x["done_date"] and x["done_date"] <= x["due_date"] for x in d)
            want[(key, "overdue")] += any(x["active"] and not x["done_date"] and x["due_date"] < as_of for x in d)
            want[(key, "extended")] += bool(it["extended_to"])
    result = service.run(demo, "rectification", YEAR, by="unit")
    got = figures(result)
    assert want[("合计", "overdue")] > 0
    for (row, col), value in got.items():
        if col in ("rate", "on_time_rate"):
            num, den = want[(row, "done" if col == "rate" else "on_time")], want[(row, "total")]
            assert value == (round(100 * num / den, 1) if den else None)
        else:
            assert value == want[(row, col)], (row, col)


def test_duty_and_warning_reports(demo):
    start, end, _ = BOUNDS[YEAR]
    want = Counter()
    people = defaultdict(set)
    for d in rows(demo, "duty_report"):
        if not in_period(d["due"] or d["meeting_date"], start, end):
            continue
        for key in (d["cycle"], "合计"):
            want[(key, "expected_n")] += 1
            people[(key, "expected")].add(d["person_id"])
            if d["submitted"]:
                people[(key, "done")].add(d["person_id"])
            if d["score"] is not None and d["score"] < 70:
                people[(key, "low")].add(d["person_id"])
            want[(key, "reviewed")] += bool(d["review"])
    for key, ids in people.items():
        want[key] = len(ids)
    got = figures(service.run(demo, "duty_report", YEAR))
    for (row, col), value in got.items():
        if col in ("expected", "done", "low", "expected_n", "reviewed"):
            assert value == want[(row, col)], (row, col)
    persons = {p["id"]: p for p in rows(demo, "person")}
    want, units = Counter(), defaultdict(set)
    for w in rows(demo, "warning_session"):
        if not in_period(w["held_date"], start, end):
            continue
        for key in (w["form"], "合计"):
            want[(key, "sessions")] += 1
            want[(key, "educated")] += w["actual"] or 0
            units[key] |= {persons[p]["unit_id"] for p in json.loads(w["attendee_ids"] or "[]")}
    for key, u in units.items():
        want[(key, "units")] = len(u)
    got = figures(service.run(demo, "warning_session", YEAR))
    for (row, col), value in got.items():
        if col in ("sessions", "educated", "units"):
            assert value == want[(row, col)], (row, col)


def test_four_one_counts_standing_members_only(demo):
    start, end, _ = BOUNDS[YEAR]
    persons = {p["id"]: p for p in rows(demo, "person")}
    standing = {pid for pid, p in persons.items() if p["is_standing_member"]}
    want = Counter()
    for m in rows(demo, "major_matter"):
        if in_period(m["report_date"], start, end) and m["person_id"] in standing:
            want[(persons[m["person_id"]]["name"], "biao")] += 1
    for r in rows(demo, "reminder"):
        if in_period(r["remind_date"], start, end) and r["person_id"] in standing and r["method"] == "当面":
            want[(persons[r["person_id"]]["name"], "remind1")] += 1
    for t in rows(demo, "talk"):
        if in_period(t["talk_date"], start, end):
            for pid in set(json.loads(t["person_ids"])) & standing:
                want[(persons[pid]["name"], "tan")] += 1
    result = service.run(demo, "four_one", YEAR)
    assert {r.key for r in result.rows} == standing
    for r in result.rows:
        for col in ("biao", "remind1", "tan"):
            assert result.value(r.key, col) == want[(r.label, col)], (r.label, col)


def test_first_form_by_level(demo):
    start, end, _ = BOUNDS[YEAR]
    persons = {p["id"]: p for p in rows(demo, "person")}
    want = Counter()
    for t in rows(demo, "talk"):
        if in_period(t["talk_date"], start, end) and t["talk_type"] in ("谈话提醒", "提醒谈话"):
            for pid in json.loads(t["person_ids"]):
                want[persons[pid]["rank"]] += 1
    for l in rows(demo, "letter"):
        if in_period(l["written_date"], start, end) and l["letter_type"] == "函询" and l["outcome"] == "谈话提醒":
            want[persons[l["recipient_person_id"]]["rank"]] += 1
    result = service.run(demo, "first_form", YEAR)
    assert sum(want.values()) > 0
    for r in result.rows:
        assert result.value(r.key, "remind") == want[r.key], r.key
    assert result.value(TOTAL, "remind") == sum(want.values())


def test_due_list_is_the_due_list_of_today(demo):
    result = service.run(demo, "due_list", YEAR)
    expected = {(d.family, d.id, d.label) for d in queries.due_list(demo)}
    assert {(i["family"], i["id"], i["label"]) for i in result.items} == expected
    assert any(i["level"] == "red" for i in result.items)


@pytest.mark.parametrize("name", ["talk", "letter", "rectification", "duty_report", "warning_session",
                                  "four_one", "first_form"])
def test_every_count_drills_down_to_as_many_records(demo, name):
    result = service.run(demo, name, YEAR)
    checked = 0
    for row_key in [TOTAL, *(r.key for r in result.rows)]:
        for col in result.columns:
            value = result.value(row_key, col.key)
            if col.ratio or not value:
                continue
            drills = result.drills(row_key, col.key)
            measure = col.parts[0].measure
            if measure == "count" and len(col.parts) == 1:
                n = queries.count_records(demo, drills[0].family, ListFilter(drill=drills[0]))
                assert n == value, (name, row_key, col.key)
                checked += 1
            elif measure.startswith(("persons", "sum")) and "person" not in json.dumps(col.parts[0].where):
                rank = row_key if result.by == "level" and row_key != TOTAL else None
                total = sum(_measure_of(demo, d, measure, rank) for d in drills)
                assert total == value, (name, row_key, col.key)
                checked += 1
    assert checked > 3


def _measure_of(s, drill, measure: str, rank: str | None = None) -> float:
    """人次 (persons of the given rank, or all) or the summed field over the drilled records."""
    ranks = dict(s.conn.execute("SELECT id, rank FROM person").fetchall())
    recs, key, total = None, None, 0
    while True:
        recs, key = queries.list_records(s, drill.family, ListFilter(drill=drill), after=key, limit=500)
        for rec in recs:
            if measure == "persons":
                pf = next(f.name for f in family(drill.family).fields if f.ref == "person")
                v = rec[pf]
                ids = v if isinstance(v, tuple) else (v,)
                total += sum(1 for p in ids if rank is None or ranks[p] == rank)
            else:
                total += rec[measure.split(":")[1]] or 0
        if key is None:
            return total


def test_bad_period_and_dimension_are_one_chinese_line(demo):
    from desktop_app.errors import UserFacingError
    for period in ("2026Q5", "去年", "2026-02-30..2026-03-01", "2026-05-01..2026-04-01"):
        with pytest.raises(UserFacingError, match="期间"):
            service.run(demo, "talk", period)
    with pytest.raises(UserFacingError, match="不能按"):
        service.run(demo, "four_one", YEAR, by="level")
    with pytest.raises(UserFacingError, match="没有“nope”这张报表"):
        service.run(demo, "nope", YEAR)
