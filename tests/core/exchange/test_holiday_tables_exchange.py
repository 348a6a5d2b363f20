"""A holiday table entered in the program travels down to a lower office in an
exchange package: stored in its database, its deadlines recomputed, its source shown."""
import json

from desktop_app.services import holidays
from sync_kit import make_node, trust

NOTICE_2027 = {
    "year": 2027, "notice": "国务院办公厅关于2027年部分节假日安排的通知（测试用）", "issued": "2026-11-10",
    "holidays": [{"name": "元旦", "off": ["2027-01-01", "2027-01-03"], "work": []},
                 {"name": "测试假", "off": ["2027-01-20", "2027-01-22"], "work": ["2027-01-23"]}],
}


def test_an_entered_table_reaches_the_lower_office(tmp_path):
    county = make_node(tmp_path, "county", "CNTY-A", "甲县纪委监委")
    city = make_node(tmp_path, "city", "CITY", "乙市纪委监委")
    try:
        trust(county, city)
        unit = county.create("unit", {"name": "城关镇", "category": "乡镇"})
        letter = county.create("letter", {
            "letter_type": "函询", "title": "函询", "recipient_unit_id": unit.id,
            "written_date": "2026-11-27", "delivered_date": "2027-01-04"})
        due = lambda: county.s.conn.execute(
            "SELECT due_date FROM deadline WHERE id = ? AND kind = 'reply'", (letter.id,)).fetchone()[0]
        assert due() == "2027-01-25"
        table = holidays.parse_notice(json.dumps(NOTICE_2027, ensure_ascii=False), 2027)
        holidays.set_table(city.s, table)
        summary = county.import_(city.export(county, tmp_path / "down").packages[0])
        assert summary["rejected"] == 0
        county.reopen()
        assert county.s.calendar.has_table(2027)
        assert holidays.show(county.s, 2027).table == table
        assert holidays.show(county.s, 2027).source == "上级下发（CITY）"
        assert due() == "2027-01-27"
        # the due date the letter stores moved too, as the county's own change
        assert county.row("letter", letter.id)["reply_due"] == "2027-01-27"
        assert county.s.conn.execute("SELECT count(*) FROM audit_log WHERE record_id = ?"
                                     " AND action = '重算期限'", (letter.id,)).fetchone()[0] == 1
    finally:
        county.close()
        city.close()
