"""A county's report over its own records and those a township sent up: one row
per office and the total; and the county's own table form travelling down."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "exchange"))

from desktop_app.reports import service  # noqa: E402
from desktop_app.reports.builtin import TALK  # noqa: E402
from desktop_app.reports.engine import TOTAL  # noqa: E402
from desktop_app.services import queries  # noqa: E402
from desktop_app.services.queries import ListFilter  # noqa: E402
from sync_kit import make_node, trust  # noqa: E402


def _talks(node, n: int, talk_type: str) -> None:
    unit = node.create("unit", {"name": f"{node.name}单位", "category": "乡镇"})
    people = [node.create("person", {"name": f"{node.name}干部{i}", "unit_id": unit.id, "rank": "乡科级"})
              for i in range(2)]
    for i in range(n):
        node.create("talk", {"talk_type": talk_type, "reason": "节点提醒", "talkers": "张三、李四",
                             "person_ids": [p.id for p in people[: 1 + i % 2]], "unit_id": unit.id,
                             "talk_date": f"2026-08-{10 + i:02d}"})


@pytest.fixture
def two_offices(tmp_path):
    county = make_node(tmp_path, "county", "CNTY", "临川县纪委监委")
    town = make_node(tmp_path, "town", "TOWN-A", "东坡镇纪委")
    trust(town, county)
    yield county, town
    county.close()
    town.close()


def test_county_report_by_office_over_a_townships_records(two_offices, tmp_path):
    county, town = two_offices
    _talks(county, 3, "谈话提醒")
    _talks(town, 4, "廉政谈话")
    county.import_(town.export(county, tmp_path / "up").packages[0])
    result = service.run(county.s, "talk", "2026Q3", by="office")
    rows = {r.key: r for r in result.rows}
    assert list(rows) == ["CNTY", "TOWN-A"]                   # own office first
    assert rows["TOWN-A"].label == "东坡镇纪委"
    assert result.value("CNTY", "times") == 3 and result.value("TOWN-A", "times") == 4
    assert result.value(TOTAL, "times") == 7
    assert result.value("TOWN-A", "persons") == 6              # 1 + 2 + 1 + 2
    drill = result.drills("TOWN-A", "times")[0]
    recs, _ = queries.list_records(county.s, "talk", ListFilter(drill=drill))
    assert len(recs) == 4 and {r.owner_office for r in recs} == {"TOWN-A"}
    # the county's own records only
    own = service.run(county.s, "talk", "2026Q3", office="CNTY")
    assert own.value(TOTAL, "times") == 3


def test_countys_table_form_reaches_the_township(two_offices, tmp_path):
    county, town = two_offices
    form = json.loads(json.dumps(TALK))
    form |= {"name": "talk_county", "title": "乡镇谈话情况报表（县纪委统一表式）"}
    form["columns"] = form["columns"][:2]
    service.save_variant(county.s, form, version="2026")
    town.import_(county.export(town, tmp_path / "down").packages[0])
    infos = {i.name: i for i in service.list_reports(town.s)}
    assert infos["talk_county"].title == "乡镇谈话情况报表（县纪委统一表式）"
    _talks(town, 2, "约谈")
    result = service.run(town.s, "talk_county", "2026Q3")
    assert [c.key for c in result.columns] == ["times", "persons"]
    assert result.value(TOTAL, "times") == 2


def test_a_lower_offices_table_form_never_replaces_the_countys(two_offices, tmp_path):
    county, town = two_offices
    form = json.loads(json.dumps(TALK))
    form["title"] = "乡镇自用谈话表"
    form["columns"] = form["columns"][:1]
    service.save_variant(town.s, form, version="2026")          # the township's own "talk"
    county.import_(town.export(county, tmp_path / "up").packages[0])
    assert county.s.conn.execute("SELECT count(*) FROM report_def").fetchone()[0] == 1   # it did arrive
    infos = {i.name: i for i in service.list_reports(county.s)}
    assert infos["talk"].builtin and infos["talk"].title == "谈话情况统计表"
    assert {i.name: i for i in service.list_reports(town.s)}["talk"].title == "乡镇自用谈话表"
