"""The wording values of a document, taken from the record it is made from.

Each builder returns what the record knows; what it cannot know (a contact
phone number, a sentence the clerk still has to write) is left out, and
``fill_template`` then names it in Chinese so the clerk can supply it.
Office-wide values come from settings (``doc.contact``, ``doc.phone``,
``org.party_committee``, ``org.superior``).
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Callable

from desktop_app.domain.record import Record
from desktop_app.services.session import Session


def _name(s: Session, table: str, rid: str | None) -> str | None:
    if not rid:
        return None
    row = s.conn.execute(f"SELECT name FROM {table} WHERE id = ?", (rid,)).fetchone()
    return row[0] if row else None


def _person(s: Session, pid: str | None) -> dict[str, Any]:
    row = s.conn.execute("SELECT p.name, p.position, u.name AS unit, u.resident_group FROM person p"
                         " LEFT JOIN unit u ON u.id = p.unit_id WHERE p.id = ?", (pid,)).fetchone()
    return dict(row) if row else {}


def _lines(text: str | None) -> list[str] | None:
    if not text:
        return None
    return [line.strip() for line in text.splitlines() if line.strip()]


def _office_values(s: Session) -> dict[str, Any]:
    return {"contact": s.setting("doc.contact"), "phone": s.setting("doc.phone"),
            "party_committee": s.setting("org.party_committee"),
            "superior_commission": s.setting("org.superior")}


def _talk_common(s: Session, rec: Record) -> dict[str, Any]:
    people = [_person(s, pid) for pid in rec.get("person_ids") or ()]
    first = people[0] if people else {}
    when = rec.get("talk_date")
    talk_time = " ".join(x for x in (when and _cn(when), rec.get("talk_time")) if x)
    return {"person": "、".join(p.get("name", "") for p in people) or None,
            "person_position": rec.get("subject_snapshot") or " ".join(
                x for x in (first.get("unit"), first.get("position")) if x) or None,
            "talker": rec.get("talkers"), "recorder": rec.get("recorder"), "talk_time": talk_time or None,
            "place": rec.get("place"), "reason": rec.get("reason"), "content": rec.get("summary"),
            "statement": rec.get("statement"), "requirements": rec.get("requirements"),
            "unit_leader": f"{first['unit']}党组织主要负责人" if first.get("unit") else None,
            "_first": first}


# What a record's title says around its topic: "关于落实主体责任的监督建议书" → "落实主体责任".
_TOPIC_HEAD = re.compile(r"^关于")
_TOPIC_TAIL = re.compile(r"的?(函询|提醒函|提示函|工作提示函|制止函|纪律检查建议书|监察建议书|监督建议书"
                         r"|建议书|问题整改|整改|通知书?)$")


def topic(title: str | None) -> str | None:
    """The subject a template puts between its own "关于" and "方面": no doubled words."""
    if not title:
        return None
    core = _TOPIC_TAIL.sub("", _TOPIC_HEAD.sub("", title.strip()))
    return core.strip("，。 ") or None


_COUNTY = re.compile(r"^(?:中共)?(.+?([省市县区旗州]))(?:纪律检查委员会|纪委)$")


def issuing_organ(s: Session, doc_type: str) -> str:
    """Who a document goes out under: 监察建议书 from the 监察委员会 (监察法 第45条);
    函询 by the joint 纪委监委 office (监督执纪工作规则 第29条); the rest from the 纪委."""
    office = s.setting("doc.office") or s.office_name
    county = _COUNTY.match(office or "")
    if doc_type == "监察建议书":
        own = s.setting("doc.supervision_office")
        return own or (f"{county.group(1)}监察委员会" if county else f"{office}（监察委员会）")
    if doc_type in ("函询通知书", "函询结果反馈函"):
        own = s.setting("doc.office_bureau")
        if own:
            return own
        if county:
            return f"中共{county.group(1)}纪委{county.group(2)}监委办公室"
        return f"{office}办公室"
    return office


def _iso(day: Any) -> str | None:
    return day.isoformat() if isinstance(day, date) else day


def document_date(s: Session, rec: Record, doc_type: str) -> str:
    """成文日期 that agrees with the record: never after the talk it announces, never
    before the 说明 it answers."""
    today = s.today().isoformat()
    if rec.family == "letter":
        if doc_type == "函询结果反馈函":
            reply = rec.get("reply_date")
            day = rec.get("feedback_date") or today
            return max(day, reply) if reply else day
        return rec.get("written_date") or today
    if rec.family == "rectification":
        return rec.get("issued_date") or today
    if rec.family == "talk" and doc_type != "谈话记录":
        talk = rec.get("talk_date")
        approved = rec.get("approval_date")
        if approved and (not talk or approved <= talk):
            return approved
        return min(today, talk) if talk else today
    return today


def _cn(iso: str) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{y}年{m}月{d}日"


def talk_values(s: Session, rec: Record, doc_type: str) -> dict[str, Any]:
    v = _talk_common(s, rec)
    first = v.pop("_first")
    if doc_type == "约谈通知书":
        unit = _name(s, "unit", rec.get("unit_id")) or first.get("unit")
        v |= {"target": f"{v['person']}同志" if rec.get("form") != "集体" and v["person"] else unit,
              "matter": rec.get("reason"),
              "interviewee": "".join(x for x in (first.get("position"), v["person"]) if x) or None,
              "materials": rec.get("requirements")}
    else:
        v["materials"] = rec.get("requirements")
    return v | _office_values(s)


def letter_values(s: Session, rec: Record, doc_type: str) -> dict[str, Any]:
    p = _person(s, rec.get("recipient_person_id"))
    unit = _name(s, "unit", rec.get("recipient_unit_id")) or p.get("unit")
    target = rec.get("recipient_text") or (f"{p['name']}同志" if p.get("name") else unit)
    cc = list(rec.get("cc") or ())
    v = {"person": p.get("name"), "target": target, "finding": rec.get("summary"),
         "items": _lines(rec.get("suggestions")) or _lines(rec.get("summary")),
         "deadline": rec.get("reply_due"), "behavior": rec.get("stopped_behavior") or rec.get("summary"),
         "rule": rec.get("basis"), "questions": _lines(rec.get("problems")) or _lines(rec.get("summary")),
         "party_leader": cc[0] if cc else (f"{unit}党组织主要负责人" if unit else None),
         "station_leader": cc[1] if len(cc) > 1 else (f"{p['resident_group']}主要负责人"
                                                     if p.get("resident_group") else None),
         "reply_date": rec.get("reply_date"), "subject": topic(rec.get("title")), "party_committee": unit,
         "source": "日常监督检查", "situation": rec.get("summary"), "problems": _lines(rec.get("problems")),
         "suggestions": _lines(rec.get("suggestions")), "feedback_days": rec.get("feedback_days") or 30,
         "area": topic(rec.get("title")), "cc_units": cc or None,
         "unit_leader": f"{unit}党组织主要负责人" if unit and p.get("name") else None}
    if doc_type == "监督建议书":
        up = list(rec.get("cc_up") or ())
        office = _office_values(s)
        v |= {"party_committee": up[0] if up else office["party_committee"],
              "superior_commission": up[1] if len(up) > 1 else office["superior_commission"]}
    return v


def rectification_values(s: Session, rec: Record, doc_type: str) -> dict[str, Any]:
    unit = _name(s, "unit", rec.get("unit_id"))
    items = s.conn.execute(
        "SELECT problem, measures, coalesce(extended_to, deadline) AS due FROM rect_item"
        " WHERE rectification_id = ? AND voided = 0 ORDER BY seq, deadline", (rec.id,)).fetchall()
    who = _name(s, "person", rec.get("responsible_id")) or rec.get("responsible_text") or unit
    return {"target": unit, "source": rec.get("source_type") or "日常监督检查", "area": topic(rec.get("title")),
            "plan_deadline": rec.get("plan_due"), "report_deadline": rec.get("report_due"),
            "tasks": [{"problem": r["problem"], "measure": r["measures"] or "", "deadline": r["due"],
                       "owner": who} for r in items] or None}


BUILDERS: dict[str, tuple[Callable, tuple[str, ...]]] = {
    "talk": (talk_values, ("谈话提醒通知书", "约谈通知书", "谈话记录")),
    "letter": (letter_values, ("函询通知书", "函询结果反馈函", "提醒函", "制止函",
                               "纪律检查建议书", "监察建议书", "监督建议书")),
    "rectification": (rectification_values, ("限期整改通知书",)),
}
LETTER_TYPE_DOCS = {"函询": ("函询通知书", "函询结果反馈函"), "提醒函": ("提醒函",),
                    "工作提示函": ("提醒函",), "制止函": ("制止函",),
                    "纪律检查建议书": ("纪律检查建议书",), "监察建议书": ("监察建议书",),
                    "监督建议书": ("监督建议书",)}


def doc_types_for(rec: Record) -> tuple[str, ...]:
    """The documents that can be made from this record, most likely first."""
    if rec.family == "talk":
        first = "约谈通知书" if rec.get("talk_type") == "约谈" else "谈话提醒通知书"
        return (first, "谈话记录")
    if rec.family == "letter":
        return LETTER_TYPE_DOCS.get(rec.get("letter_type"), ())
    return BUILDERS.get(rec.family, (None, ()))[1]
