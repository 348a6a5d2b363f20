"""Settling conflicts: both versions side by side, accept one or compose; the
resolution is a local write that dominates both and travels, and the other
workstation sees the conflict resolved; only the owner office may resolve."""
import pytest

from desktop_app.errors import UserFacingError, ValidationError
from desktop_app.exchange import vectors
from desktop_app.exchange.conflicts import get_conflict, list_conflicts, resolve_conflict
from sync_kit import county_records, make_node, trust


@pytest.fixture
def clash(tmp_path):
    """ws1 and ws2 of CNTY-A edited one unit concurrently; both hold the conflict."""
    ws1 = make_node(tmp_path, "ws1", "CNTY-A", "甲县纪委监委")
    ws2 = make_node(tmp_path, "ws2", "CNTY-A", "甲县纪委监委", key_from=ws1)
    city = make_node(tmp_path, "city", "CITY", "乙市纪委监委")
    trust(ws1, city)
    ids = county_records(ws1)
    ws2.import_(ws1.export("CNTY-A", tmp_path / "seed").packages[0])
    ws1.update("unit", ids["unit"], {"short_name": "一号站", "note": "一号站备注"})
    ws2.update("unit", ids["unit"], {"short_name": "二号站"})
    ws2.import_(ws1.export("CNTY-A", tmp_path / "a").packages[0])
    ws1.import_(ws2.export("CNTY-A", tmp_path / "b").packages[0])
    (view,) = list_conflicts(ws1.s)
    yield ws1, ws2, city, ids, view, tmp_path
    for node in (ws1, ws2, city):
        node.close()


def _roundtrip(a, b, tmp, name):
    b.import_(a.export("CNTY-A", tmp / name).packages[0])


def test_view_shows_both_versions_and_marks_the_differences(clash):
    ws1, _, _, ids, view, _ = clash
    assert view.table == "unit" and view.record_id == ids["unit"] and view.editable
    differing = {f.name for f in view.fields if f.differs}
    assert differing == {"short_name", "note"}
    by_name = {f.name: f for f in view.fields}
    assert {by_name["short_name"].winner, by_name["short_name"].loser} == {"一号站", "二号站"}
    assert by_name["name"].winner == by_name["name"].loser == "城关镇"
    assert view.current["short_name"] == by_name["short_name"].winner


@pytest.mark.parametrize("choice", ["winner", "loser"])
def test_accepting_a_version_dominates_both_and_travels(clash, choice):
    ws1, ws2, _, ids, view, tmp = clash
    expected = view.winner if choice == "winner" else view.loser
    resolved = resolve_conflict(ws1.s, view.id, choice=choice)
    assert resolved.status == "resolved" and not resolved.editable
    row = ws1.row("unit", ids["unit"])
    assert row["short_name"] == expected["short_name"]
    vv = vectors.parse(row["_vv"])
    for version in (view.winner, view.loser):
        assert vv[version["_origin"]] >= version["_counter"]
    _roundtrip(ws1, ws2, tmp, "r1")
    assert ws2.row("unit", ids["unit"]) == row
    assert get_conflict(ws2.s, view.id).status == "resolved"
    assert ws1.synced() == ws2.synced()
    assert list_conflicts(ws2.s) == []
    assert len(list_conflicts(ws2.s, include_resolved=True)) == 1


def test_composed_result_is_validated_like_any_edit(clash):
    ws1, _, _, ids, view, _ = clash
    before = ws1.digest()
    with pytest.raises(ValidationError):
        resolve_conflict(ws1.s, view.id, values={"category": "不存在的类别"})
    assert ws1.digest() == before
    resolve_conflict(ws1.s, view.id, values={"short_name": "合并后", "note": "一号站备注"})
    row = ws1.row("unit", ids["unit"])
    assert (row["short_name"], row["note"]) == ("合并后", "一号站备注")
    actions = [r[0] for r in ws1.s.conn.execute(
        "SELECT action FROM audit_log WHERE record_id = ? ORDER BY seq", (ids["unit"],))]
    assert actions[-1] == "处理冲突"


def test_a_conflict_is_resolved_once_and_only_by_its_owner(clash):
    ws1, _, city, _, view, tmp = clash
    city.import_(ws1.export(city, tmp / "up").packages[0])
    (seen,) = list_conflicts(city.s)
    assert seen.id == view.id and not seen.editable
    with pytest.raises(UserFacingError, match="只有该单位才能处理"):
        resolve_conflict(city.s, view.id, choice="winner")
    with pytest.raises(UserFacingError, match="请选择"):
        resolve_conflict(ws1.s, view.id)
    resolve_conflict(ws1.s, view.id, choice="winner")
    with pytest.raises(UserFacingError, match="已经处理过"):
        resolve_conflict(ws1.s, view.id, choice="winner")


def test_concurrent_resolutions_still_converge(clash):
    ws1, ws2, _, ids, view, tmp = clash
    resolve_conflict(ws1.s, view.id, choice="winner")
    resolve_conflict(ws2.s, view.id, choice="loser")
    _roundtrip(ws1, ws2, tmp, "x1")
    _roundtrip(ws2, ws1, tmp, "x2")
    assert ws1.synced() == ws2.synced()
    assert get_conflict(ws1.s, view.id).status == "resolved"
