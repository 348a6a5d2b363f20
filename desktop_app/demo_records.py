"""Generators for each family of the demo county (see demo.py)."""
from __future__ import annotations

from datetime import date, timedelta

from desktop_app import demo_text as W
from desktop_app.domain.deadlines import period_label


def units(b) -> None:
    groups = W.RESIDENT_GROUPS
    for i, name in enumerate(W.TOWNS):
        b.units.append(b.add("unit", {"name": name, "category": "乡镇", "short_name": name[:-1]}))
    for i, name in enumerate(W.DEPARTMENTS):
        b.units.append(b.add("unit", {"name": name, "category": "县直部门",
                                      "resident_group": groups[i % len(groups)]}))
    for names, cat in ((W.ENTERPRISES, "国有企业"), (W.SCHOOLS, "学校"), (W.HOSPITALS, "医院")):
        for name in names:
            b.units.append(b.add("unit", {"name": name, "category": cat,
                                          "resident_group": groups[-1]}))
    b.county = b.add("unit", {"name": "中共临川县委", "category": "其他"})


def persons(b, target: int) -> None:
    rare = list(W.RARE_NAMES)
    for post in W.STANDING_POSTS:
        pid = b.add("person", {"name": b.name(), "unit_id": b.county, "position": post,
                               "rank": "县管正职" if "书记" in post[:4] else "县管副职",
                               "is_standing_member": True, "is_top_leader": post == "县委书记",
                               "gender": b.rng.choice(("男", "女")), "political_status": "中共党员",
                               "management": "县委管理"})
        b.standing.append(pid)
        b.persons.append((pid, b.county, post == "县委书记"))
    while len(b.persons) < target:
        unit = b.units[len(b.persons) % len(b.units)]
        posts = W.TOWN_POSTS if unit in b.units[:len(W.TOWNS)] else W.DEPT_POSTS
        post, rank, top = posts[(len(b.persons) // len(b.units)) % len(posts)]
        top = top and len(b.persons) // len(b.units) < len(posts)
        name = rare.pop() if rare and b.rng.random() < 0.05 else b.name()
        since = b.day(back=2500, ahead=-30)
        pid = b.add("person", {
            "name": name, "unit_id": unit, "position": post, "rank": rank, "is_top_leader": top,
            "gender": b.rng.choice(("男", "男", "女")), "political_status": "中共党员",
            "birth": since.replace(year=since.year - b.rng.randint(28, 50), day=1).isoformat(),
            "position_since": since.isoformat(), "education": b.rng.choice(("大学", "研究生")),
            "management": "县委管理" if rank.startswith("县管") else "部门管理"})
        b.persons.append((pid, unit, top))
        b.add("position", {"person_id": pid, "start": since.isoformat(), "unit_id": unit,
                           "position": post})
        if b.rng.random() < 0.04:
            b.add("sanction", {"person_id": pid, "kind": b.rng.choice(("诫勉", "警告", "政务警告")),
                               "decided": b.day(400, -10).isoformat(), "organ": "临川县纪委监委"})


def talk(b) -> None:
    pid, unit, top = b.person()
    ttype = b.rng.choice(("提醒谈话", "谈话提醒", "约谈", "约谈", "集体谈话", "诫勉谈话",
                          "廉政谈话", "谈话函询谈话"))
    when = b.day(330, 20)
    people = [pid] + ([b.person()[0] for _ in range(3)] if ttype == "集体谈话" else [])
    values = {"talk_type": ttype, "reason": b.rng.choice(W.TALK_REASONS), "person_ids": list(dict.fromkeys(people)),
              "unit_id": unit, "talkers": f"{b.name()}、{b.name()}", "recorder": b.name(),
              "talk_date": when.isoformat(), "place": "县纪委监委谈话室",
              "talk_time": b.rng.choice(W.TALK_TIMES),
              "form": "集体" if ttype == "集体谈话" else "个别",
              "initiator": b.rng.choice(("纪委监委", "纪委监委", "党委（党组）书记")),
              "source": b.rng.choice(("日常监督", "巡察反馈", "专项检查", "节点提醒")),
              "summary": "指出存在的问题，提出整改要求。", "requirements": "限期书面报告整改情况。"}
    if ttype == "约谈":
        values["yuetan_subtype"] = b.rng.choice(("工作约谈", "提醒约谈", "告诫约谈"))
    if b.rng.random() < 0.35:
        values |= {"written_required": True, "written_requested": when.isoformat()}
        if when < b.today - timedelta(days=30) and b.rng.random() < 0.96:
            values["written_submitted"] = (when + timedelta(days=12)).isoformat()
    if ttype == "谈话函询谈话" and when < b.today - timedelta(days=40):
        values["report_date"] = (when + timedelta(days=25)).isoformat()
    if b.rng.random() < 0.1:
        values |= {"entrusted": True, "trustee": b.name(), "entrust_delivered": when.isoformat()}
        if when < b.today - timedelta(days=25) and b.rng.random() < 0.97:
            values["entrust_report_date"] = (when + timedelta(days=18)).isoformat()
    rid = b.add("talk", values)
    if when <= b.today:
        b.advance("talk", rid, ["已谈话"])


def letter(b) -> None:
    pid, unit, top = b.person()
    ltype = b.rng.choice(("函询", "函询", "提醒函", "提醒函", "制止函", "纪律检查建议书",
                          "监察建议书", "监督建议书", "工作提示函"))
    written = b.workday(b.day(330, 0))
    delivered = written + timedelta(days=b.rng.randint(1, 4))
    values = {"letter_type": ltype, "title": W.LETTER_TITLES[ltype], "written_date": written.isoformat(),
              "recipient_person_id": pid, "recipient_unit_id": unit,
              "issuing_organ": "纪委监委办公室" if ltype == "函询" else "纪委监委",
              "summary": b.rng.choice(W.PROBLEMS), "delivery_method": "直接送达",
              "basis": b.rng.choice(W.BASES),
              "problems": "\n".join(b.rng.sample(W.LETTER_QUESTIONS if ltype == "函询" else W.PROBLEMS, 2)),
              "suggestions": "\n".join(b.rng.sample(W.SUGGESTIONS, 2))}
    if delivered <= b.today:
        values["delivered_date"] = delivered.isoformat()
    if ltype in ("提醒函", "制止函", "工作提示函"):
        values["reply_due"] = b.workday(delivered + timedelta(days=b.rng.randint(10, 30))).isoformat()
        values["reminder_category"] = b.rng.choice(("重要节点", "苗头性问题", "廉洁风险点"))
    if "建议书" in ltype:
        values |= {"feedback_days": 30, "cc_up": ["中共临川县委", "中共临江市纪律检查委员会"]}
    if ltype == "函询":
        values["cc"] = ["所在党委（党组）主要负责人", "派驻纪检监察组主要负责人"]
    if delivered < b.today - timedelta(days=35) and b.rng.random() < 0.96:
        values["reply_date"] = (delivered + timedelta(days=b.rng.randint(5, 18))).isoformat()
        if ltype == "函询" and delivered < b.today - timedelta(days=60):
            values |= {"report_date": (delivered + timedelta(days=45)).isoformat(),
                       "outcome": b.rng.choice(("采信了结", "谈话提醒", "批评教育"))}
    elif "建议书" in ltype and delivered < b.today - timedelta(days=45):
        values["rect_report_received"] = (delivered + timedelta(days=28)).isoformat()
    rid = b.add("letter", values)
    steps = ["审批", "已发出"] + (["已送达"] if "delivered_date" in values else [])
    if "reply_date" in values:
        steps += ["已回复", "已审核", "办结"]
    b.advance("letter", rid, steps)


def rectification(b) -> None:
    pid, unit, top = b.person()
    issued = b.workday(b.day(300, 0))
    values = {"title": f"{b.rng.choice(W.TALK_REASONS)}问题整改", "unit_id": unit, "responsible_id": pid,
              "issued_date": issued.isoformat(), "source_type": b.rng.choice(("约谈", "巡察反馈", "建议书")),
              "plan_due": b.workday(issued + timedelta(days=10)).isoformat(),
              "report_due": b.workday(issued + timedelta(days=b.rng.choice((30, 60, 90)))).isoformat()}
    if issued < b.today - timedelta(days=12):
        values["plan_date"] = (issued + timedelta(days=9)).isoformat()
    report_due = date.fromisoformat(values["report_due"])
    if report_due < b.today - timedelta(days=2) and b.rng.random() < 0.93:
        values["report_date"] = (report_due - timedelta(days=2)).isoformat()
    b.add("rectification", values)


def rect_item(b) -> None:
    if not b.ids.get("rectification"):
        return rectification(b)
    rid = b.rng.choice(b.ids["rectification"])
    issued = b.day(300, 0)
    deadline = b.workday(b.today + timedelta(days=b.rng.randint(-60, 40)))
    values = {"rectification_id": rid, "problem": b.rng.choice(W.PROBLEMS),
              "measures": b.rng.choice(W.MEASURES), "deadline": deadline.isoformat(),
              "seq": len(b.ids.get("rect_item", [])) % 20 + 1}
    item = b.add("rect_item", values)
    if deadline < b.today and b.rng.random() < 0.9:
        b.advance("rect_item", item, ["整改中", "已完成"], b.completion(item, deadline))
    elif b.rng.random() < 0.5:
        b.advance("rect_item", item, ["整改中"])
    if b.rng.random() < 0.1:
        b.add("rect_extension", {"item_id": item, "applied": (deadline - timedelta(days=5)).isoformat(),
                                 "reason": "涉及资金追缴，需延长时限",
                                 "new_deadline": b.workday(deadline + timedelta(days=30)).isoformat()})
    del issued


def rect_action(b) -> None:
    if not b.ids.get("rectification"):
        return rectification(b)
    b.add("rect_action", {"rectification_id": b.rng.choice(b.ids["rectification"]),
                          "action_date": b.day(300, 0).isoformat(),
                          "method": b.rng.choice(("电话", "发函", "约谈", "现场")),
                          "supervisor": b.name(), "result": "已督促责任单位加快整改进度。"})


def duty_report(b) -> None:
    pid = b.rng.choice(b.standing) if b.rng.random() < 0.4 else b.person()[0]
    cycle = b.rng.choice(("周", "月", "月", "季", "季", "半年", "年"))
    held = b.day(330, 0) if cycle != "年" else b.today.replace(month=1, day=15)
    period = period_label(cycle, held - timedelta(days=35 if cycle != "周" else 7))
    values = {"person_id": pid, "cycle": cycle, "period": period,
              "role": "党委常委" if pid in b.standing else "部门一把手",
              "form": b.rng.choice(("书面报告", "会议口头", "公开述责")),
              "meeting_name": "县委常委会扩大会议" if cycle in ("季", "年") else ""}
    if held < b.today - timedelta(days=3) and b.rng.random() < 0.96:
        values |= {"submitted": held.isoformat(), "meeting_date": held.isoformat(),
                   "reviewer": "县委书记", "review": "履职尽责情况较好，要进一步压实“一岗双责”。",
                   "score": round(b.rng.uniform(62, 98), 1)}
    b.add("duty_report", values)


def warning_session(b) -> None:
    expected = b.rng.randint(30, 200)
    held = b.day(330, 10)
    attendees = list(dict.fromkeys(b.person()[0] for _ in range(b.rng.randint(3, 12))))
    values = {"name": b.rng.choice(W.WARNING_NAMES), "held_date": held.isoformat(),
              "form": b.rng.choice(("观看警示教育片", "参观警示教育基地", "旁听庭审", "典型案例通报",
                                    "以案促改专题会", "廉政党课")),
              "organizer_unit_id": b.county, "audience": b.rng.choice(("同级同类一把手", "县管干部", "新提任干部")),
              "expected": expected, "actual": expected - b.rng.randint(0, 8), "attendee_ids": attendees,
              "local_case": b.rng.random() < 0.6, "after_requirements": "撰写心得体会，对照检查",
              "after_due": b.workday(held + timedelta(days=14)).isoformat()}
    if held < b.today - timedelta(days=20):
        values["after_done"] = (held + timedelta(days=13)).isoformat()
    b.add("warning_session", values)


def major_matter(b) -> None:
    cat = b.rng.choice(list(W.MATTER_DESC))
    event = b.day(330, -5)
    b.add("major_matter", {"person_id": b.rng.choice(b.standing), "category": cat,
                           "description": W.MATTER_DESC[cat], "event_date": event.isoformat(),
                           "report_date": (event + timedelta(days=b.rng.choice((3, 10, 25, 40)))).isoformat()
                           if event + timedelta(days=40) < b.today else event.isoformat()})


def request(b) -> None:
    b.add("request", {"person_id": b.standing[0], "matter": b.rng.choice(W.REQUEST_MATTERS),
                      "method": b.rng.choice(("当面", "书面")), "request_date": b.day(330, 0).isoformat(),
                      "reply": "同意。"})


def reminder(b) -> None:
    when = b.day(330, 0)
    values = {"method": b.rng.choice(("当面", "书面", "专题报告")), "matter": b.rng.choice(W.REMIND_MATTERS),
              "remind_date": when.isoformat(), "reminder_by": "县纪委书记", "person_id": b.standing[0],
              "feedback_due": b.workday(when + timedelta(days=15)).isoformat()}
    if when < b.today - timedelta(days=20):
        values |= {"feedback_date": (when + timedelta(days=12)).isoformat(), "feedback": "已部署落实。"}
    b.add("reminder", values)


def meeting(b) -> None:
    b.add("meeting", {"meeting_type": b.rng.choice(("常委会", "常委会", "书记专题会")),
                      "session": f"第{b.rng.randint(1, 60)}次", "meeting_date": b.day(330, 0).isoformat()})


def topic(b) -> None:
    if not b.ids.get("meeting"):
        return meeting(b)
    b.add("topic", {"meeting_id": b.rng.choice(b.ids["meeting"]), "name": b.rng.choice(W.TOPICS),
                    "sanzhongyida": b.rng.choice(("重大决策", "重要干部任免", "重大项目安排", "大额资金使用")),
                    "materials_in_advance": True, "democratic_centralism": True,
                    "last_to_speak": b.rng.random() < 0.9, "vote": "全票通过",
                    "discipline_opinion": "程序规范，无异议。"})


def meeting_reminder(b) -> None:
    if not b.ids.get("topic"):
        return topic(b)
    b.add("meeting_reminder", {"topic_id": b.rng.choice(b.ids["topic"]), "matter": "严格执行议定事项，防范廉政风险",
                               "person_id": b.rng.choice(b.standing), "remind_date": b.day(300, 0).isoformat()})


def meeting_task(b) -> None:
    if not b.ids.get("topic"):
        return topic(b)
    deadline = b.workday(b.today + timedelta(days=b.rng.randint(-50, 40)))
    tid = b.add("meeting_task", {"topic_id": b.rng.choice(b.ids["topic"]), "task": b.rng.choice(W.TASKS),
                                 "responsible_id": b.rng.choice(b.standing), "deadline": deadline.isoformat()})
    if deadline < b.today - timedelta(days=3) and b.rng.random() < 0.93:
        b.advance("meeting_task", tid, ["已完成"], b.completion(tid, deadline))


def responsibility(b) -> None:
    """The 10 类 41 项 list of the seed article, and the eight focus categories."""
    tpl = b.add("resp_template", {"name": "党委（党组）全面从严治党主体责任清单", "year": b.today.year,
                                  "version": f"{b.today.year}版", "subject": "党委"})
    b.advance("resp_template", tpl, ["启用"])
    sizes = [5, 4, 4, 5, 4, 4, 4, 4, 3, 4]            # 41 items in 10 categories
    for c, (cat, n) in enumerate(zip(W.RESP_CATEGORIES, sizes), start=1):
        for i in range(1, n + 1):
            due = b.workday(b.today + timedelta(days=b.rng.choice((-40, -10, 20, 45, 90))))
            b.add("resp_item", {"template_id": tpl, "category_no": c, "category": cat, "item_no": i,
                                "item": f"{cat}第{i}项工作", "frequency": b.rng.choice(("每季度", "每半年", "每年")),
                                "score": 2.5, "fill_deadline": due.isoformat()})
    for c, (cat, methods) in enumerate(W.FOCUS, start=1):
        b.add("focus_item", {"category_no": c, "category": cat, "content": f"重点监督{cat}情况",
                             "methods": methods.split("、"), "frequency": "随时", "department": "党风政风监督室"})


def resp_entry(b) -> None:
    open_items = [i for i in b.ids.get("resp_item", []) if i not in b.closed_items]
    if not open_items:
        return talk(b)
    b.add("resp_entry", {"item_id": b.rng.choice(open_items), "person_id": b.rng.choice(b.standing),
                         "entry_date": b.day(60, 0).isoformat(), "content": "召开专题会议研究部署，形成会议纪要。"})


GENERATORS = {"talk": talk, "letter": letter, "rectification": rectification, "rect_item": rect_item,
              "rect_action": rect_action, "duty_report": duty_report, "warning_session": warning_session,
              "major_matter": major_matter, "request": request, "reminder": reminder,
              "meeting": meeting, "topic": topic, "meeting_reminder": meeting_reminder,
              "meeting_task": meeting_task, "resp_entry": resp_entry}
