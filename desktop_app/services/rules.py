"""Rules that belong to one family: checks before a write and the values a
status change fills in. Kept apart from the generic services so each rule is
easy to find."""
from __future__ import annotations

from datetime import date
from typing import Any

from desktop_app.domain.record import Record
from desktop_app.domain.schema import Family
from desktop_app.errors import UserFacingError


def _resp_entry_open(s, values: dict[str, Any]) -> None:
    """履责纪实 locks after the item's 填报截止日 (超时不可填报)."""
    row = s.conn.execute("SELECT fill_deadline, item FROM resp_item WHERE id = ?",
                         (values.get("item_id"),)).fetchone()
    if row and row["fill_deadline"] and s.today() > date.fromisoformat(row["fill_deadline"]):
        raise UserFacingError(
            f"清单项“{row['item']}”已过填报截止日（{row['fill_deadline']}），履责纪实已锁定，不能再填报或修改。")


def _warning_attendance(s, values: dict[str, Any]) -> None:
    expected, actual = values.get("expected"), values.get("actual")
    if expected is not None and actual is not None and actual > expected:
        from desktop_app.errors import ValidationError
        raise ValidationError("actual", f"实到人数（{actual}）不能多于应到人数（{expected}）。")


def _extension(s, values: dict[str, Any]) -> None:
    """A new deadline is a working day after the item's current one."""
    from desktop_app.errors import ValidationError
    new = values.get("new_deadline")
    if not new:
        return
    d = date.fromisoformat(new)
    if not s.calendar.is_working_day(d):
        why = s.calendar.holiday_name(d) or "周末"
        raise ValidationError("new_deadline", f"新期限（{new}）是非工作日（{why}），请改为工作日。")
    row = s.conn.execute("SELECT coalesce(extended_to, deadline) FROM rect_item WHERE id = ?",
                         (values.get("item_id"),)).fetchone()
    if row and row[0] and new <= row[0]:
        raise ValidationError("new_deadline", f"新期限（{new}）应晚于现在的完成时限（{row[0]}）。")


_CHECKS = {"resp_entry": _resp_entry_open, "warning_session": _warning_attendance,
           "rect_extension": _extension}


def check(s, fam: Family, values: dict[str, Any]) -> None:
    fn = _CHECKS.get(fam.name)
    if fn:
        fn(s, values)


_DONE_FIELD_ON_STATUS = {
    ("rect_item", "已完成"): "completed_date",
    ("meeting_task", "已完成"): "done_date",
    ("duty_report", "已述责"): "submitted",
}


def on_status(s, fam: Family, rec: Record, target: str) -> dict[str, Any]:
    """Fields a status change fills in (completing an item dates it)."""
    if fam.name == "resp_entry":
        _resp_entry_open(s, dict(rec.values))
    field = _DONE_FIELD_ON_STATUS.get((fam.name, target))
    if field and not rec.get(field):
        return {field: s.today().isoformat()}
    return {}


FOLLOW_UPS = {("rect_extension", "批准")}     # status changes that change other records


def after_status(s, fam: Family, rec: Record, target: str):
    """Changes a status change makes to other records, in the same transaction:
    an approved extension moves its item's deadline (and marks the item 延期)."""
    from desktop_app.domain.record import Changes
    if (fam.name, target) not in FOLLOW_UPS:
        return Changes()
    from desktop_app.domain.vocab import workflows
    from desktop_app.services import records
    item_id = rec.get("item_id")
    changes = records.update(s, "rect_item", item_id, {"extended_to": rec.get("new_deadline")}).changes
    item = records.get(s, "rect_item", item_id)
    if "延期" in workflows()["rect_item"].transitions.get(item.status, ()):
        changes = changes + records.set_status(s, "rect_item", item_id, "延期").changes
    return changes
