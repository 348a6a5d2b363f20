"""逾期明细清单 appended to the 整改情况统计表: each problem of the period past its
time limit and not done on the report's day, with its unit, time limit, working
days overdue and how many times it was pressed for (督办)."""
from __future__ import annotations

from datetime import date

DETAIL_COLUMNS = (("unit", "责任单位"), ("problem", "问题"), ("due_date", "期限"),
                  ("overdue_days", "逾期工作日"), ("actions", "督办次数"), ("office", "报送机关"))


def overdue_rect_items(s, result) -> list[dict]:
    scope = result.scope
    params: list = [scope.start.isoformat(), scope.end.isoformat(), scope.as_of.isoformat()]
    office = ""
    if scope.office:
        office = " AND i.owner_office = ?"
        params.append(scope.office)
    rows = s.conn.execute(
        "SELECT i.id, u.name, i.problem, d.due_date, o.name, i.owner_office,"
        " (SELECT count(*) FROM rect_action a WHERE a.rectification_id = r.id AND a.voided = 0)"
        " FROM rect_item i JOIN rectification r ON r.id = i.rectification_id"
        " LEFT JOIN unit u ON u.id = r.unit_id LEFT JOIN office o ON o.code = i.owner_office"
        " JOIN deadline d ON d.family = 'rect_item' AND d.id = i.id AND d.kind = 'item'"
        " WHERE i.voided = 0 AND i.deadline >= ? AND i.deadline <= ? AND +d.active = 1"
        f" AND +d.done_date IS NULL AND +d.due_date < ?{office} ORDER BY u.name, d.due_date", params).fetchall()
    out = []
    for rid, unit, problem, due, office_name, owner, actions in rows:
        days = -s.calendar.working_days_left(scope.as_of, date.fromisoformat(due))
        out.append({"family": "rect_item", "id": rid, "unit": unit or "", "problem": problem,
                    "due_date": due, "overdue_days": days, "actions": actions,
                    "office": office_name or owner})
    return out
