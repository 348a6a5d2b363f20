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


_CHECKS = {"resp_entry": _resp_entry_open, "warning_session": _warning_attendance}


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


def require(condition: bool, message: str) -> None:
    if not condition:
        raise UserFacingError(message)
