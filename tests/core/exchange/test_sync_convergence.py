"""Concurrency and convergence (exchange.md §4.B): two workstations of one county
editing the same records, A→B then B→A and crossing packages, the city relaying,
commutativity, clocks set a year off, a cloned database, a restored backup, a lost
package."""
import json
import shutil

import pytest

from desktop_app.exchange import vectors
from desktop_app.store import revision
from sync_kit import copy_node, county_records, make_node, trust


@pytest.fixture
def county(tmp_path):
    """Two workstations of county CNTY-A (one office key) and the city above them."""
    ws1 = make_node(tmp_path, "ws1", "CNTY-A", "甲县纪委监委")
    ws2 = make_node(tmp_path, "ws2", "CNTY-A", "甲县纪委监委", key_from=ws1)
    city = make_node(tmp_path, "city", "CITY", "乙市纪委监委")
    trust(ws1, city)
    trust(ws2, city)
    # Lower-office cards are trusted once per office; ws2 re-trusting the same key is fine.
    ids = county_records(ws1)
    send(ws1, ws2, tmp_path / "seed")
    yield ws1, ws2, city, ids, tmp_path
    for node in (ws1, ws2, city):
        node.close()


def send(a, b, drive, **kw) -> dict:
    result = a.export(b.code, drive, **kw)
    return b.import_(result.packages[-1])


def conflicts(node) -> list[dict]:
    return [dict(r) for r in node.s.conn.execute("SELECT * FROM sync_conflict ORDER BY id")]


def assert_same(*nodes) -> None:
    first = nodes[0].synced()
    for node in nodes[1:]:
        assert node.synced() == first


@pytest.mark.parametrize("order", ["a_then_b", "crossing"])
@pytest.mark.parametrize("edit", ["same_field", "different_fields"])
def test_concurrent_edits_converge_with_one_conflict(county, order, edit):
    ws1, ws2, _, ids, tmp = county
    ws1.update("unit", ids["unit"], {"short_name": "城关一"})
    ws2.update("unit", ids["unit"], {"short_name" if edit == "same_field" else "note": "二号站"})
    if order == "a_then_b":
        first = send(ws1, ws2, tmp / "d1")
        send(ws2, ws1, tmp / "d2")
    else:
        p1 = ws1.export("CNTY-A", tmp / "d1").packages[0]
        p2 = ws2.export("CNTY-A", tmp / "d2").packages[0]
        first = ws2.import_(p1)
        ws1.import_(p2)
    assert first["conflicts"] == 1 and first["conflict_list"][0]["kind"] == "concurrent"
    assert_same(ws1, ws2)
    rows = conflicts(ws1)
    assert len(rows) == 1 and rows == conflicts(ws2)
    versions = {json.loads(rows[0][k]).get("short_name") for k in ("winner_json", "loser_json")}
    assert "城关一" in versions                       # both versions can be retrieved


def test_edit_against_void_keeps_both_and_flags_it(county):
    """Decided by HLC like any conflict (see merge.py for why not "edit beats void");
    the other version stays in the conflict row either way."""
    ws1, ws2, _, ids, tmp = county
    ws1.void("talk", ids["talk"], "重复录入")
    ws2.update("talk", ids["talk"], {"place": "县纪委谈话室"})
    ws2.clock.shift(minutes=5)
    send(ws1, ws2, tmp / "d1")
    send(ws2, ws1, tmp / "d2")
    assert_same(ws1, ws2)
    (conflict,) = conflicts(ws1)
    assert conflict["kind"] == "edit_void"
    versions = [json.loads(conflict[k]) for k in ("winner_json", "loser_json")]
    assert sorted(v["voided"] for v in versions) == [0, 1]
    assert any(v.get("place") == "县纪委谈话室" for v in versions)


def test_void_against_void_converges(county):
    ws1, ws2, _, ids, tmp = county
    ws1.void("talk", ids["talk"], "理由一")
    ws2.void("talk", ids["talk"], "理由二")
    p1 = ws1.export("CNTY-A", tmp / "d1").packages[0]
    p2 = ws2.export("CNTY-A", tmp / "d2").packages[0]
    ws2.import_(p1)
    ws1.import_(p2)
    assert_same(ws1, ws2)
    assert ws1.row("talk", ids["talk"])["voided"] == 1 and len(conflicts(ws1)) == 1


def test_same_ledger_number_minted_twice_is_a_duplicate_key_conflict(county):
    """Numbers seen in imported rows are never handed out again (ws2 already holds ws1's
    seed talk), but two workstations minting before they exchange take the same
    台账编号: both records are kept, one conflict says so."""
    ws1, ws2, _, ids, tmp = county
    seed = ws1.row("talk", ids["talk"])
    values = {"talk_type": "约谈", "person_ids": [ids["person"]], "talkers": "李四",
              "talk_date": "2026-11-21"}
    a = ws1.create("talk", values | {"reason": "一号站录入"})
    b = ws2.create("talk", values | {"reason": "二号站录入"})
    assert b.ledger_no == a.ledger_no != seed["ledger_no"] and b.id != a.id
    summary = send(ws2, ws1, tmp / "d1")
    send(ws1, ws2, tmp / "d2")
    assert summary["conflicts"] == 1
    assert_same(ws1, ws2)
    (conflict,) = conflicts(ws1)
    assert conflict["kind"] == "duplicate_key" and conflict["record_id"] in (a.id, b.id)
    assert ws1.row("talk", a.id) and ws1.row("talk", b.id)          # both records kept


def test_sequential_relay_fast_forwards_and_carries_the_conflict(county):
    ws1, ws2, city, ids, tmp = county
    send(ws1, city, tmp / "up0")
    send(ws2, city, tmp / "up0b")                   # the city knows both workstations
    ws1.update("person", ids["person"], {"position": "镇长"})
    ws2.update("person", ids["person"], {"position": "副镇长"})
    send(ws2, ws1, tmp / "d1")                      # ws1 merges first ...
    summary = send(ws1, city, tmp / "up1")          # ... then relays to the city
    assert summary["conflicts"] == 1 and summary["updated"] >= 1
    down = send(city, ws2, tmp / "down")            # ws2 fast-forwards, learns of it
    assert down["conflicts"] == 1 and down["gap"] is False
    assert_same(ws1, ws2, city)


def test_a_workstation_the_city_never_heard_from_sees_a_gap(county):
    """The city's acks come from ws1 only, so its package assumes ws2 holds what ws1
    holds; ws2 notices (R5) instead of silently missing ws1's newer edit."""
    ws1, ws2, city, ids, tmp = county
    ws1.update("person", ids["person"], {"position": "镇长"})
    send(ws1, city, tmp / "up")
    down = send(city, ws2, tmp / "down")
    assert down["gap"] is True
    full = send(city, ws2, tmp / "full", full=True)
    assert full["gap"] is False and ws2.row("person", ids["person"])["position"] == "镇长"


def test_city_relays_between_the_workstations_of_a_county(county):
    ws1, ws2, city, ids, tmp = county
    for ws in (ws1, ws2):
        send(ws, city, tmp / f"up-{ws.name}")
    ws1.update("unit", ids["unit"], {"note": "一号站的备注"})
    ws2.update("unit", ids["unit"], {"note": "二号站的备注"})
    new = ws2.create("unit", {"name": "新成立的单位", "category": "其他"})
    send(ws1, city, tmp / "u1")
    send(ws2, city, tmp / "u2")
    send(city, ws1, tmp / "c1")
    send(city, ws2, tmp / "c2")
    assert_same(ws1, ws2, city)
    assert ws1.row("unit", new.id) is not None and len(conflicts(city)) == 1


def test_import_order_does_not_matter(county):
    ws1, ws2, city, ids, tmp = county
    send(ws1, city, tmp / "up0")
    ws1.update("unit", ids["unit"], {"short_name": "甲"})
    ws2.update("unit", ids["unit"], {"short_name": "乙"})
    ws2.create("person", {"name": "赵六", "unit_id": ids["unit"]})
    p = ws1.export("CITY", tmp / "p").packages[0]
    q = ws2.export("CITY", tmp / "q").packages[0]
    twin = copy_node(city, tmp, "city-twin")
    city.import_(p)
    city.import_(q)
    twin.import_(q)
    twin.import_(p)
    assert_same(city, twin)
    twin.close()


@pytest.mark.parametrize("days", [365, -365])
def test_a_clock_a_year_off_still_detects_the_conflict(county, days):
    ws1, ws2, _, ids, tmp = county
    ws2.clock.shift(days=days)
    ws1.update("unit", ids["unit"], {"short_name": "本机"})
    ws2.update("unit", ids["unit"], {"short_name": "时钟错了"})
    summary = send(ws2, ws1, tmp / "d1")
    send(ws1, ws2, tmp / "d2")
    assert summary["conflicts"] == 1
    assert bool(summary["warnings"]) == (days > 0)    # a future clock is flagged
    assert_same(ws1, ws2)
    hlc_wall = revision.parse_hlc(ws1.s.conn.execute(
        "SELECT value FROM meta WHERE key = 'hlc'").fetchone()[0])[0]
    assert hlc_wall < int(ws1.clock.t.timestamp() * 1000) + 86_400_000   # not poisoned
    # A clock a year ahead wins nothing (issue 9): its HLC lies beyond the accepted
    # skew, so it ranks below every sane one; a clock a year behind loses by HLC.
    assert ws1.row("unit", ids["unit"])["short_name"] == "本机"
    assert ws1.s.conn.execute("SELECT count(*) FROM sync_conflict").fetchone()[0] == 1


def test_cloned_database_gets_a_new_instance_and_conflicts_are_seen(county):
    ws1, _, _, ids, tmp = county
    clone = copy_node(ws1, tmp, "clone")
    assert clone.s.instance != ws1.s.instance
    ws1.update("unit", ids["unit"], {"short_name": "原机"})
    clone.update("unit", ids["unit"], {"short_name": "克隆机"})
    send(clone, ws1, tmp / "d1")
    send(ws1, clone, tmp / "d2")
    assert_same(ws1, clone)
    assert len(conflicts(ws1)) == 1
    clone.close()


def test_without_the_clone_guard_divergence_goes_unnoticed(county, monkeypatch):
    """Why R6 exists: a copy that keeps the instance id reuses its counters, so two
    different edits look like one version: the city keeps whichever came first and
    never learns of the other — no conflict, nothing flagged."""
    ws1, _, city, ids, tmp = county
    monkeypatch.setattr(revision, "ensure_node", lambda conn, fp: conn.execute(
        "SELECT value FROM meta WHERE key = 'instance_id'").fetchone()[0])
    clone = copy_node(ws1, tmp, "clone")
    assert clone.s.instance == ws1.s.instance
    ws1.update("unit", ids["unit"], {"short_name": "原机"})
    clone.update("unit", ids["unit"], {"short_name": "克隆机"})
    send(ws1, city, tmp / "d1")
    summary = send(clone, city, tmp / "d2")
    assert summary["conflicts"] == 0 and summary["updated"] == 0
    assert city.row("unit", ids["unit"])["short_name"] == "原机"
    assert not conflicts(city)
    clone.close()


def _restore(node, backup) -> None:
    node.close()
    for suffix in ("-wal", "-shm"):
        (node.data_dir / f"taizhang.db{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, node.data_dir / "taizhang.db")
    node.open()


def test_restored_backup_is_a_gap_and_a_full_export_repairs_it(county):
    ws1, _, city, ids, tmp = county
    first = send(ws1, city, tmp / "d1")
    ws1.import_(first["receipt"])
    _restore(city, first["backup"])                 # the city goes back before the import
    ws1.update("unit", ids["unit"], {"short_name": "恢复后"})
    summary = send(ws1, city, tmp / "d2")
    assert summary["gap"] is True
    assert any("请对方做一次完整导出" in w for w in summary["warnings"])
    assert city.row("person", ids["person"]) is None       # the delta could not carry it
    full = send(ws1, city, tmp / "d3", full=True)
    assert full["gap"] is False
    assert city.row("person", ids["person"]) is not None
    assert ws1.synced().split("## sync_conflict")[0].count("CNTY-A") == \
        city.synced().split("## sync_conflict")[0].count("CNTY-A")


def test_restored_workstation_takes_a_new_instance_and_gets_its_records_back(county):
    ws1, _, city, ids, tmp = county
    ws1.s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    backup = tmp / "ws1-backup.db"
    shutil.copyfile(ws1.data_dir / "taizhang.db", backup)
    old_instance = ws1.s.instance
    lost = ws1.create("unit", {"name": "恢复前建的单位", "category": "其他"})
    send(ws1, city, tmp / "up")
    _restore(ws1, backup)
    assert ws1.row("unit", lost.id) is None
    summary = send(city, ws1, tmp / "down")
    assert summary["gap"] is True
    assert ws1.s.instance != old_instance                   # no counter is reused
    assert ws1.row("unit", lost.id) is None                 # the delta assumed it
    full = send(city, ws1, tmp / "full", full=True)
    assert full["gap"] is False and ws1.row("unit", lost.id) is not None
    assert vectors.knowledge(ws1.s.conn, "CNTY-A")["CNTY-A"][old_instance] >= 1


def test_a_lost_package_is_covered_by_the_next_one(county):
    ws1, _, city, ids, tmp = county
    ws1.export(city, tmp / "lost")                           # never arrives
    ws1.update("unit", ids["unit"], {"short_name": "第二次"})
    send(ws1, city, tmp / "d2")
    for table in ("unit", "person", "talk"):
        assert city.row(table, ids[table]) == ws1.row(table, ids[table])
