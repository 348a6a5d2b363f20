"""All record families, parents before children (the order tables are made,
exported and imported in)."""
from __future__ import annotations

from desktop_app.domain import families as f1
from desktop_app.domain import families_more as f2
from desktop_app.domain.schema import Family
from desktop_app.errors import UserFacingError

FAMILIES: dict[str, Family] = {fam.name: fam for fam in (
    f1.UNIT, f1.PERSON, f1.POSITION, f1.SANCTION, f1.TALK, f1.LETTER,
    f2.RECTIFICATION, f2.RECT_ITEM, f2.RECT_EXTENSION, f2.RECT_ACTION,
    f2.DUTY_REPORT, f2.WARNING_SESSION, f2.MAJOR_MATTER, f2.REQUEST, f2.REMINDER,
    f2.MEETING, f2.TOPIC, f2.MEETING_REMINDER, f2.MEETING_TASK,
    f2.RESP_TEMPLATE, f2.RESP_ITEM, f2.RESP_ENTRY, f2.FOCUS_ITEM, f2.DOCUMENT,
    f2.LETTER_TEMPLATE, f2.REPORT_DEF, f2.ATTACHMENT,
)}

# Labels accepted on the command line and in the GUI for a family.
_BY_LABEL = {fam.label: fam for fam in FAMILIES.values()}


def family(name: str) -> Family:
    fam = FAMILIES.get(name) or _BY_LABEL.get(name)
    if fam is None:
        raise UserFacingError(f"没有“{name}”这类记录。")
    return fam
