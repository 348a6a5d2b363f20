"""The eight built-in reports of domain.md §5.2, written as the same data an
office's own variant is (see definition.py). Each is parsed by the same
checks, so a built-in cannot use anything an office's copy could not."""
from __future__ import annotations

from functools import cache

from desktop_app.reports.definition import ReportDef, parse_definition

RANKS = ("县管正职", "县管副职", "乡科级", "一般干部", "村（社区）干部")
DISCIPLINE_BODIES = ["纪委监委", "派驻纪检监察组", "乡镇纪委"]
PARTY_BODIES = ["党委（党组）书记", "班子成员"]


def _c(key, label, family, measure="count", where=None, group="", person_field=None) -> dict:
    part = {"family": family, "measure": measure}
    if where is not None:
        part["where"] = where
    if person_field:
        part["person_field"] = person_field
    out = {"key": key, "label": label, "parts": [part]}
    if group:
        out["group"] = group
    return out


def _ratio(key, label, num, den, group="") -> dict:
    return {"key": key, "label": label, "ratio": [num, den], "group": group}


TALK = {
    "name": "talk", "title": "谈话情况统计表", "family": "talk", "rows": "field:talk_type+yuetan_subtype",
    "note": "次数按谈话记录计，人次按谈话对象计；集体谈话的每名对象各计一人次。",
    "columns": [
        _c("times", "次数", "talk"),
        _c("persons", "人次", "talk", "persons"),
        *[_c(f"rank{i}", r, "talk", "persons", {"person": {"eq": ["rank", r]}}, "按对象层级（人次）")
          for i, r in enumerate(RANKS, 1)],
        _c("by_discipline", "纪委发起", "talk", where={"in": ["initiator", DISCIPLINE_BODIES]}, group="按发起主体（次数）"),
        _c("by_party", "党委发起", "talk", where={"in": ["initiator", PARTY_BODIES]}, group="按发起主体（次数）"),
    ],
}

HANXUN = ("采信了结", "谈话提醒", "批评教育", "诫勉谈话", "再次谈话或函询", "转初步核实")
LETTER = {
    "name": "letter", "title": "函件情况统计表", "family": "letter", "rows": "type",
    "where": {"not": {"in": ["status", ["起草", "审批"]]}},
    "note": "只统计已发出的函件（成文日期在本期内）。逾期未回复以期末（本期未结束时为当日）为准。",
    "columns": [
        _c("sent", "发出数", "letter"),
        _c("replied", "已回复数", "letter", where={"notnull": "reply_date"}),
        _c("on_time", "按期回复数", "letter",
           where={"deadline": {"kinds": ["reply", "reply_typed", "feedback"], "state": "on_time"}}),
        _c("overdue", "逾期未回复数", "letter",
           where={"deadline": {"kinds": ["reply", "reply_typed", "feedback"], "state": "overdue"}}),
        _c("avg_days", "平均回复工作日", "letter", "avg_workdays:delivered_date,reply_date"),
        *[_c(f"out{i}", o, "letter", where={"and": [{"eq": ["letter_type", "函询"]}, {"eq": ["outcome", o]}]},
             group="函询处置结果") for i, o in enumerate(HANXUN, 1)],
    ],
}

RECTIFICATION = {
    "name": "rectification", "title": "整改情况统计表", "family": "rect_item", "rows": "unit",
    "note": "按整改问题计，期间按完成时限（批准延期的以原时限）统计。附逾期明细清单。",
    "by": ["unit", "office", "type", "level"], "detail": "overdue_rect_items",
    "columns": [
        _c("total", "问题总数", "rect_item"),
        _c("done", "已完成", "rect_item", where={"notnull": "completed_date"}),
        _c("on_time", "按期完成", "rect_item", where={"deadline": {"kinds": ["item"], "state": "on_time"}}),
        _c("overdue", "逾期未完成", "rect_item", where={"deadline": {"kinds": ["item"], "state": "overdue"}}),
        _c("extended", "延期", "rect_item", where={"notnull": "extended_to"}),
        _ratio("rate", "整改率（%）", "done", "total"),
        _ratio("on_time_rate", "按期率（%）", "on_time", "total"),
    ],
}

DUTY = {
    "name": "duty_report", "title": "述责述廉情况表", "family": "duty_report", "rows": "type",
    "date": ["due", "meeting_date"],
    "note": "期间按截止日统计；测评低分指评议得分低于 70 分。",
    "columns": [
        _c("expected", "应述人数", "duty_report", "distinct:person_id"),
        _c("done", "已述人数", "duty_report", "distinct:person_id", {"notnull": "submitted"}),
        _c("expected_n", "应述人次", "duty_report"),
        _c("on_time_n", "按时人次", "duty_report", where={"deadline": {"kinds": ["submit"], "state": "on_time"}}),
        _ratio("on_time_rate", "按时率（%）", "on_time_n", "expected_n"),
        _c("reviewed", "点评数", "duty_report", where={"notnull": "review"}),
        _c("low", "测评低分人数", "duty_report", "distinct:person_id", {"lt": ["score", 70]}),
        _c("spot", "抽查数", "duty_report", where={"true": "spot_check"}),
    ],
}

WARNING = {
    "name": "warning_session", "title": "警示教育情况表", "family": "warning_session", "rows": "type",
    "by": ["type", "unit", "office", "month"],
    "columns": [
        _c("sessions", "场次", "warning_session"),
        _c("expected", "应到人数", "warning_session", "sum:expected"),
        _c("educated", "受教育人次", "warning_session", "sum:actual"),
        _c("units", "覆盖单位数", "warning_session", "distinct:person.unit_id"),
        _c("local", "使用身边案场次", "warning_session", where={"true": "local_case"}),
    ],
}

STANDING = {"true": "is_standing_member"}
FOUR_ONE = {
    "name": "four_one", "title": "“四个一”与“一请示、三提醒”情况表", "family": "major_matter",
    "rows": "person", "row_filter": STANDING, "by": ["person"],
    "note": "按同级党委常委统计；提醒按方式分列。",
    "columns": [
        _c("biao", "一表（重大事项报告）", "major_matter", group="四个一"),
        _c("tan", "一谈（提醒谈话）", "talk", group="四个一"),
        _c("han", "一函（提醒函、制止函）", "letter", where={"in": ["letter_type", ["提醒函", "制止函"]]},
           group="四个一"),
        _c("shu", "一述（已述责）", "duty_report", where={"notnull": "submitted"}, group="四个一"),
        _c("qingshi", "请示", "request", group="一请示、三提醒"),
        *[_c(f"remind{i}", f"提醒（{m}）", "reminder", where={"eq": ["method", m]}, group="一请示、三提醒")
          for i, m in enumerate(("当面", "书面", "专题报告"), 1)],
    ],
}


def _first_form(key: str, label: str, talk_types: list[str], outcome: str | None) -> dict:
    parts = [{"family": "talk", "measure": "persons", "where": {"in": ["talk_type", talk_types]}}]
    if outcome:
        parts.append({"family": "letter", "measure": "persons",
                      "where": {"and": [{"eq": ["letter_type", "函询"]}, {"eq": ["outcome", outcome]}]}})
    return {"key": key, "label": label, "parts": parts}


FIRST_FORM = {
    "name": "first_form", "title": "第一种形态（本级自办部分）人次表", "family": "talk", "rows": "level",
    "by": ["level", "unit", "office"],
    "note": "口径与“四种形态”统计一致：谈话提醒、批评教育、责令检查、诫勉，以及谈话函询了结；"
            "函询按处置结果计入相应方式。",
    "columns": [
        _first_form("remind", "谈话提醒", ["谈话提醒", "提醒谈话"], "谈话提醒"),
        _first_form("criticise", "批评教育", ["批评教育"], "批评教育"),
        _first_form("examine", "责令检查", ["责令检查"], "责令检查"),
        _first_form("jiemian", "诫勉", ["诫勉谈话"], "诫勉谈话"),
        {"key": "closed", "label": "函询了结", "parts": [
            {"family": "letter", "measure": "persons",
             "where": {"and": [{"eq": ["letter_type", "函询"]}, {"eq": ["outcome", "采信了结"]}]}}]},
    ],
}

WARNING_LIST = {
    "name": "due_list", "title": "预警清单", "family": "talk", "rows": "type", "kind": "deadlines",
    "by": ["type", "unit", "office"],
    "note": "红色为已逾期，黄色为即将到期；以期末（本期未结束时为当日）为准。",
    "columns": [],
}

SOURCES = (TALK, LETTER, RECTIFICATION, DUTY, WARNING, FOUR_ONE, FIRST_FORM, WARNING_LIST)


@cache
def builtin_reports() -> dict[str, ReportDef]:
    return {d["name"]: parse_definition(d) for d in SOURCES}
