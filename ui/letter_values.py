"""What a document (公文) is filled with when it is made from a record: the
文种 that fit a talk, a letter or a rectification, and the template values
taken from the record (Qt-free; runs in a worker)."""
from __future__ import annotations

from typing import Any

from desktop_app.domain.record import Record
from desktop_app.services import lookup, queries
from desktop_app.services.queries import ListFilter
from ui.columns import cn_date

TALK_TYPES = ("谈话提醒通知书", "约谈通知书", "谈话记录")
RECT_TYPES = ("限期整改通知书",)
_LETTER_TYPES = {"函询": ("函询通知书", "函询结果反馈函"), "提醒函": ("提醒函",), "制止函": ("制止函",),
                 "工作提示函": ("提醒函",), "纪律检查建议书": ("纪律检查建议书",),
                 "监察建议书": ("监察建议书",), "监督建议书": ("监督建议书",)}
FAMILIES_WITH_DOCUMENTS = ("talk", "letter", "rectification")


def suggested_types(rec: Record, all_types: list[str]) -> list[str]:
    """The types that fit the record first, then every other type."""
    if rec.family == "talk":
        first = ("约谈通知书", "谈话提醒通知书", "谈话记录") if rec.get("talk_type") == "约谈" else TALK_TYPES
    elif rec.family == "letter":
        first = _LETTER_TYPES.get(rec.get("letter_type"), ())
    else:
        first = RECT_TYPES
    return [t for t in first if t in all_types] + [t for t in all_types if t not in first]


def _names(s, rec: Record) -> dict[str, str]:
    wanted = {"person": [], "unit": []}
    for key in ("person_ids", "recipient_person_id", "responsible_id"):
        v = rec.get(key)
        wanted["person"] += list(v) if isinstance(v, tuple) else [v] if v else []
    for key in ("unit_id", "recipient_unit_id"):
        if rec.get(key):
            wanted["unit"].append(rec.get(key))
    return lookup.names_of(s, wanted)


def _talk(rec: Record, names: dict[str, str], s) -> dict[str, Any]:
    persons = "、".join(names.get(p, "") for p in rec.get("person_ids") or ())
    unit = names.get(rec.get("unit_id"), "")
    when = cn_date(rec.get("talk_date"))
    return {"person": persons, "interviewee": persons, "target": unit or persons,
            "reason": rec.get("reason"), "matter": rec.get("reason"), "talk_time": when,
            "place": rec.get("place"), "talker": rec.get("talkers"), "recorder": rec.get("recorder"),
            "content": rec.get("summary"), "statement": rec.get("statement"),
            "requirements": rec.get("requirements"), "person_position": rec.get("subject_snapshot")}


def _letter(rec: Record, names: dict[str, str], s) -> dict[str, Any]:
    target = (rec.get("recipient_text") or names.get(rec.get("recipient_unit_id"))
              or names.get(rec.get("recipient_person_id")) or "")
    summary = rec.get("summary") or ""
    cc = list(rec.get("cc") or ())
    return {"target": target, "person": names.get(rec.get("recipient_person_id"), target),
            "finding": summary.rstrip("。"), "situation": summary, "behavior": rec.get("stopped_behavior"),
            "questions": [line for line in summary.splitlines() if line.strip()],
            "deadline": rec.get("reply_due"), "reply_date": rec.get("reply_date"), "subject": "有关问题",
            "feedback_days": str(rec.get("feedback_days") or ""), "unit_leader": cc[0] if cc else None,
            "cc_units": "、".join(cc) or None, "party_committee": cc[0] if cc else None,
            "superior_commission": "、".join(rec.get("cc_up") or ()) or None}


def _rectification(rec: Record, names: dict[str, str], s) -> dict[str, Any]:
    unit = names.get(rec.get("unit_id"), "")
    items, _ = queries.list_records(s, "rect_item", ListFilter(parent_id=rec.id), sort="seq",
                                    descending=False, limit=200)
    tasks = [{"problem": i.get("problem"), "measure": i.get("measures") or "",
              "deadline": i.get("extended_to") or i.get("deadline"),
              "owner": rec.get("responsible_text") or names.get(rec.get("responsible_id"), "")}
             for i in items]
    return {"target": unit, "source": rec.get("source_type") or "日常监督",
            "area": rec.get("title"), "plan_deadline": rec.get("plan_due"),
            "report_deadline": rec.get("report_due"), "tasks": tasks}


_BUILDERS = {"talk": _talk, "letter": _letter, "rectification": _rectification}


def template_values(s, rec: Record) -> dict[str, Any]:
    """Values for any of the record's document types; the clerk completes the rest."""
    values = _BUILDERS[rec.family](rec, _names(s, rec), s)
    values |= {"office": s.office_name, "date": s.today().isoformat()}
    if rec.sensitivity == "内部":
        values["mark"] = "内部"
    return {k: v for k, v in values.items() if v not in (None, "", [])}
