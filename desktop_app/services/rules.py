"""Rules that belong to one family: checks before a write and the values a
status change fills in. Kept apart from the generic services so each rule is
easy to find."""
from __future__ import annotations

from datetime import date
from typing import Any, Callable

from desktop_app.domain.record import Record
from desktop_app.domain.schema import Deadline, Family
from desktop_app.errors import NeedsConfirmation, UserFacingError


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


def _stored_file(s, values: dict[str, Any]) -> None:
    """A value that names a file of the content store is a hash, never a path; a file
    name is display text, cleaned (desktop_app.filenames; issue 9)."""
    from desktop_app.errors import ValidationError
    from desktop_app.filenames import is_clean, is_sha256
    for name in ("sha256", "pdf_sha256"):
        if values.get(name) is not None and not is_sha256(values[name]):
            raise ValidationError(name, "校验值必须是 64 位小写十六进制的 SHA-256 值。")
    if "filename" in values and values["filename"] is not None and not is_clean(values["filename"]):
        raise ValidationError("filename", "文件名含有路径、控制字符或 Windows 保留名，请改用普通文件名。")


_CHECKS = {"resp_entry": _resp_entry_open, "warning_session": _warning_attendance,
           "rect_extension": _extension, "attachment": _stored_file, "document": _stored_file}


def check(s, fam: Family, values: dict[str, Any]) -> None:
    fn = _CHECKS.get(fam.name)
    if fn:
        fn(s, values)


# ---------------------------------------------------------------- typed deadlines

def typed_deadline(fam: Family, field: str, values: dict[str, Any] | None = None) -> Deadline | None:
    """The typed-deadline declaration a date field belongs to (it has an anchor);
    with ``values``, only one that applies to them (a letter's 回复期限 is typed
    for 提醒函 but computed for 函询)."""
    for spec in fam.deadlines + _OTHER_DEADLINE_FIELDS.get(fam.name, ()):
        if spec.anchor and spec.due_field and field in spec.due_field.split("|"):
            if values is None or spec.applies(values):
                return spec
    return None


# Date fields that set a deadline without being one of the record's own: typed as
# "+10" too. A 延期申请's new deadline counts from the item's current one.
_OTHER_DEADLINE_FIELDS: dict[str, tuple[Deadline, ...]] = {
    "rect_extension": (Deadline("extension", "延期后时限", "", due_field="new_deadline",
                                anchor="item_id>extended_to|item_id>deadline"),),
}


Fetch = Callable[[str, str], "dict[str, Any] | None"]


def _fetch_row(s) -> Fetch:
    def fetch(family_name: str, record_id: str) -> dict[str, Any] | None:
        row = s.conn.execute(f"SELECT * FROM {family_name} WHERE id = ?", (record_id,)).fetchone()
        return dict(row) if row else None
    return fetch


def anchor_date(s, fam: Family, spec: Deadline, values: dict[str, Any],
                fetch: Fetch | None = None) -> tuple[date | None, str]:
    """The date a typed deadline counts from, and its label (e.g. 下达日期);
    None when that date is not filled in (yet). ``fetch`` reads a referenced
    record (the bulk loader passes one that sees its unwritten rows)."""
    label = ""
    fetch = fetch or _fetch_row(s)
    for path in spec.anchor.split("|"):
        value, label = _follow(fetch, fam, path.split(">"), values)
        if value:
            return date.fromisoformat(value), label
    return None, label


def _follow(fetch: Fetch, fam: Family, steps: list[str], values: dict[str, Any]) -> tuple[str | None, str]:
    from desktop_app.domain.registry import family
    label = fam.field(steps[-1]).label if len(steps) == 1 else ""
    for i, name in enumerate(steps):
        f = fam.field(name)
        if i == len(steps) - 1:
            return values.get(name), f.label
        ref = values.get(name)
        if not ref:
            return None, label
        fam = family(f.ref)
        values = fetch(fam.name, ref)
        if values is None:
            return None, label
    return None, label


def unusual_deadlines(s, fam: Family, values: dict[str, Any], changed: set[str] | None,
                      fetch: Fetch | None = None) -> list[dict]:
    """Typed deadlines being entered that lie before their start date or in the
    past: allowed only with the user's explicit confirmation."""
    today, out = s.today(), []
    for spec in fam.deadlines:
        if not spec.anchor or not spec.due_field or not spec.applies(values):
            continue
        for name in spec.due_field.split("|"):
            if not values.get(name) or (changed is not None and name not in changed):
                continue
            due = date.fromisoformat(values[name])
            start, start_label = anchor_date(s, fam, spec, values, fetch)
            why = []
            if start is not None and due < start:
                why.append(f"早于{start_label}（{start.isoformat()}）")
            if due < today:
                why.append(f"早于今天（{today.isoformat()}），保存后即为逾期")
            if why:
                out.append({"field": name, "label": fam.field(name).label,
                            "value": values[name], "why": "，".join(why)})
    return out


def confirm_deadlines(s, fam: Family, values: dict[str, Any], changed: set[str] | None,
                      confirmed: bool, fetch: Fetch | None = None) -> dict[str, Any]:
    """Raise ``NeedsConfirmation`` for unusual typed deadlines unless ``confirmed``;
    returns the audit detail that records the confirmation."""
    items = unusual_deadlines(s, fam, values, changed, fetch)
    if not items:
        return {}
    if not confirmed:
        lines = "；".join(f"{i['label']}（{i['value']}）{i['why']}" for i in items)
        raise NeedsConfirmation(f"{lines}。确实要这样保存吗？", items)
    return {"confirmed_deadlines": [{k: i[k] for k in ("field", "value", "why")} for i in items]}


_DONE_FIELD_ON_STATUS = {
    ("rect_item", "已完成"): "completed_date",
    ("meeting_task", "已完成"): "done_date",
    ("duty_report", "已述责"): "submitted",
}


def on_status(s, fam: Family, rec: Record, target: str,
              done_on: date | None = None) -> dict[str, Any]:
    """Fields a status change fills in (completing an item dates it: ``done_on``
    when the change records a past completion, as the demo's history does, else today)."""
    if fam.name == "resp_entry":
        _resp_entry_open(s, dict(rec.values))
    field = _DONE_FIELD_ON_STATUS.get((fam.name, target))
    if field and not rec.get(field):
        return {field: (done_on or s.today()).isoformat()}
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
    # The approval is the explicit act: a new deadline already past is confirmed by it.
    changes = records.update(s, "rect_item", item_id, {"extended_to": rec.get("new_deadline")},
                             confirm_dates=True).changes
    item = records.get(s, "rect_item", item_id)
    if "延期" in workflows()["rect_item"].transitions.get(item.status, ()):
        changes = changes + records.set_status(s, "rect_item", item_id, "延期").changes
    return changes
