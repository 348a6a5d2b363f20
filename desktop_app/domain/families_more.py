"""Record families of domain.md §2.4–§2.11 (rectification onwards)."""
from __future__ import annotations

from desktop_app.domain.families import B, C, D, F, I, L, LT, R, RS
from desktop_app.domain.schema import Deadline, Family, Field

RECTIFICATION = Family(
    "rectification", "整改", ledger_prefix="ZG", workflow="rectification", title=("title",),
    date_field="issued_date", type_field="source_type", unit_field="unit_id",
    fields=(
        Field("title", "整改事项", required=True, max_len=200),
        Field("source_type", "来源类型", C, vocab="rect_source"),
        Field("source_id", "来源记录", max_len=40, searchable=False),
        Field("unit_id", "责任单位", R, ref="unit", required=True),
        Field("responsible_id", "整改第一责任人", R, ref="person"),
        Field("responsible_text", "具体责任人", max_len=100),
        Field("issued_date", "下达日期", D, required=True),
        Field("plan_due", "整改方案报送截止日", D),
        Field("plan_date", "整改方案报送日", D),
        Field("report_due", "整改报告报送截止日", D),
        Field("report_date", "整改报告报送日", D),
        Field("report_doc_no", "整改报告文号", max_len=50),
        Field("lookback_date", "回头看日期", D),
        Field("lookback_conclusion", "回头看结论", C, vocab="lookback_conclusion"),
        Field("followup", "后续处置", C, vocab="followup"),
        Field("note", "备注", LT, max_len=5000),
    ),
    deadlines=(
        Deadline("plan", "整改方案", "plan_date", due_field="plan_due", working_day_due=True,
                 anchor="issued_date"),
        Deadline("report", "整改报告", "report_date", due_field="report_due", working_day_due=True,
                 anchor="issued_date"),
    ),
    list_columns=("ledger_no", "title", "unit_id", "issued_date", "report_due", "status"),
)

RECT_ITEM = Family(
    "rect_item", "整改问题", workflow="rect_item", parent="rectification_id",
    title=("problem",), date_field="deadline",
    fields=(
        Field("rectification_id", "所属整改", R, ref="rectification", required=True),
        Field("seq", "问题编号", I, min_value=1, max_value=9999),
        Field("problem", "问题描述", LT, required=True, max_len=2000),
        Field("measures", "整改措施", LT, max_len=5000),
        Field("deadline", "完成时限", D, required=True),
        Field("extended_to", "延期后时限", D, help="批准延期后自动填写"),
        Field("completed_date", "完成日期", D),
        Field("acceptor", "验收人", max_len=50),
        Field("acceptance", "验收意见", LT, max_len=2000),
    ),
    deadlines=(Deadline("item", "整改问题完成", "completed_date", due_field="extended_to|deadline",
                        working_day_due=True, anchor="rectification_id>issued_date"),),
    list_columns=("rectification_id", "seq", "problem", "deadline", "status"),
)

RECT_EXTENSION = Family(
    "rect_extension", "延期申请", workflow="extension", parent="item_id",
    title=("reason",), date_field="applied",
    fields=(
        Field("item_id", "整改问题", R, ref="rect_item", required=True),
        Field("applied", "申请日期", D, required=True),
        Field("reason", "延期理由", required=True, max_len=500),
        Field("approver", "批准人", max_len=50),
        Field("new_deadline", "新期限", D, required=True),
    ),
    list_columns=("item_id", "applied", "new_deadline", "status"),
)

RECT_ACTION = Family(
    "rect_action", "督办记录", workflow="entry", parent="rectification_id",
    title=("method", "result"), date_field="action_date", type_field="method",
    fields=(
        Field("rectification_id", "所属整改", R, ref="rectification", required=True),
        Field("action_date", "督办日期", D, required=True),
        Field("method", "督办方式", C, vocab="action_method", required=True),
        Field("supervisor", "督办人", max_len=50),
        Field("result", "督办结果", LT, max_len=2000),
    ),
    list_columns=("rectification_id", "action_date", "method", "supervisor"),
)

DUTY_REPORT = Family(
    "duty_report", "述责述廉", ledger_prefix="SZ", workflow="duty",
    title=("person_id", "cycle", "period"),
    date_field="meeting_date", type_field="cycle",
    fields=(
        Field("person_id", "述责人", R, ref="person", required=True),
        Field("role", "身份", C, vocab="duty_role"),
        Field("cycle", "周期", C, vocab="cycle", required=True),
        Field("period", "期间", required=True, max_len=10, help="如 2026W07、2026-03、2026Q2、2026H1、2026"),
        Field("form", "述责形式", C, vocab="duty_form"),
        Field("meeting_name", "会议名称", max_len=100),
        Field("meeting_date", "会议日期", D),
        Field("participants", "参加人范围", max_len=200),
        Field("due", "截止日", D, help="按周期自动计算"),
        Field("submitted", "报告提交日", D),
        Field("reviewer", "点评人", max_len=50),
        Field("review", "点评意见", LT),
        Field("issues", "发现问题", LT),
        Field("score", "评议得分", F, min_value=0, max_value=100),
        Field("spot_check", "半年抽查", B),
        Field("spot_method", "抽查方式", max_len=100),
        Field("spot_conclusion", "抽查结论", LT, max_len=2000),
        Field("publicity", "晾晒通报范围", max_len=100),
        Field("publicity_doc_no", "通报文号", max_len=50),
        Field("rank_no", "排名", I, min_value=1, max_value=9999),
        Field("archived", "载入廉政档案", B),
    ),
    deadlines=(Deadline("submit", "述责报告", "submitted", due_field="due"),),
    list_columns=("ledger_no", "person_id", "cycle", "period", "due", "submitted", "score"),
)

WARNING_SESSION = Family(
    "warning_session", "警示教育", ledger_prefix="JS", workflow="entry", title=("name",),
    date_field="held_date", type_field="form", unit_field="organizer_unit_id",
    fields=(
        Field("name", "活动名称", required=True, max_len=200),
        Field("form", "形式", C, vocab="warning_form", required=True),
        Field("organizer_unit_id", "组织单位", R, ref="unit"),
        Field("held_date", "日期", D, required=True),
        Field("place", "地点", max_len=100),
        Field("audience", "参加对象类别", C, vocab="audience"),
        Field("expected", "应到人数", I, min_value=0, max_value=100000),
        Field("actual", "实到人数", I, min_value=0, max_value=100000),
        Field("attendee_ids", "参会人员", RS, ref="person"),
        Field("cases", "使用的案例", LT, max_len=2000),
        Field("local_case", "身边案", B),
        Field("speaker", "主讲人或主持人", max_len=50),
        Field("after_requirements", "会后要求", LT, max_len=2000),
        Field("after_due", "会后材料提交截止", D),
        Field("after_done", "会后材料收齐日", D),
    ),
    deadlines=(Deadline("after", "会后材料", "after_done", due_field="after_due", anchor="held_date"),),
    list_columns=("ledger_no", "name", "form", "held_date", "expected", "actual"),
)

MAJOR_MATTER = Family(
    "major_matter", "个人重大事项报告", ledger_prefix="SX", workflow="entry",
    title=("person_id", "category", "description"), date_field="report_date", type_field="category",
    fields=(
        Field("person_id", "报告人", R, ref="person", required=True),
        Field("report_date", "报告日期", D, required=True),
        Field("category", "事项类别", C, vocab="matter_category", required=True),
        Field("description", "事项说明", max_len=200, help="不存资产明细"),
        Field("event_date", "事项发生日期", D),
        Field("on_time", "按时报告", B, help="自动判断：事后30日内"),
        Field("check_result", "核查情况", LT, max_len=2000),
    ),
    list_columns=("ledger_no", "person_id", "category", "report_date", "on_time"),
)

REQUEST = Family(
    "request", "请示记录", ledger_prefix="QS", workflow="entry", title=("matter",),
    date_field="request_date",
    fields=(
        Field("person_id", "请示对象（党委书记）", R, ref="person"),
        Field("matter", "请示事项", required=True, max_len=200),
        Field("method", "请示方式", C, vocab="request_method"),
        Field("request_date", "请示日期", D, required=True),
        Field("reply", "批示或答复", LT, max_len=5000),
    ),
    list_columns=("ledger_no", "matter", "request_date", "person_id"),
)

REMINDER = Family(
    "reminder", "提醒记录", ledger_prefix="TX", workflow="entry", title=("method", "matter", "person_id"),
    date_field="remind_date", type_field="method",
    fields=(
        Field("method", "提醒方式", C, vocab="remind_method", required=True),
        Field("matter", "提醒事项", required=True, max_len=200),
        Field("remind_date", "提醒日期", D, required=True),
        Field("reminder_by", "提醒人", max_len=50),
        Field("person_id", "提醒对象", R, ref="person", required=True),
        Field("feedback_due", "反馈期限", D),
        Field("feedback_date", "反馈日期", D),
        Field("feedback", "反馈或落实情况", LT, max_len=5000),
    ),
    deadlines=(Deadline("feedback", "提醒反馈", "feedback_date", due_field="feedback_due", anchor="remind_date"),),
    list_columns=("ledger_no", "method", "matter", "remind_date", "person_id"),
)

MEETING = Family(
    "meeting", "常委会会议", ledger_prefix="HY", workflow="entry", title=("meeting_type", "session"),
    date_field="meeting_date", type_field="meeting_type",
    fields=(
        Field("meeting_type", "会议类型", C, vocab="meeting_type", required=True),
        Field("session", "届次", max_len=50),
        Field("meeting_date", "会议日期", D, required=True),
        Field("note", "备注", LT, max_len=2000),
    ),
    list_columns=("ledger_no", "meeting_type", "session", "meeting_date"),
)

TOPIC = Family(
    "topic", "议题", workflow="entry", parent="meeting_id", title=("name",), date_field="created_at",
    type_field="sanzhongyida",
    fields=(
        Field("meeting_id", "所属会议", R, ref="meeting", required=True),
        Field("name", "议题名称", required=True, max_len=200),
        Field("sanzhongyida", "三重一大", C, vocab="sanzhongyida"),
        Field("pre_review", "会前调研或审查意见", LT, max_len=5000),
        Field("materials_in_advance", "提前送达材料", B),
        Field("democratic_centralism", "执行民主集中制", B),
        Field("last_to_speak", "末位表态", B),
        Field("vote", "表决情况", max_len=200),
        Field("discipline_opinion", "列席纪委人员意见", LT, max_len=5000),
    ),
    list_columns=("meeting_id", "name", "sanzhongyida", "last_to_speak"),
)

MEETING_REMINDER = Family(
    "meeting_reminder", "常委会提醒清单", workflow="task", parent="topic_id", title=("matter",),
    date_field="remind_date",
    fields=(
        Field("topic_id", "所属议题", R, ref="topic", required=True),
        Field("matter", "提醒事项", required=True, max_len=500),
        Field("person_id", "提醒对象", R, ref="person"),
        Field("remind_date", "提醒日期", D, required=True),
    ),
    list_columns=("topic_id", "matter", "person_id", "remind_date"),
)

MEETING_TASK = Family(
    "meeting_task", "常委会任务清单", workflow="task", parent="topic_id", title=("task",),
    date_field="deadline",
    fields=(
        Field("topic_id", "所属议题", R, ref="topic", required=True),
        Field("task", "任务", required=True, max_len=500),
        Field("responsible_id", "责任人", R, ref="person"),
        Field("responsible_text", "责任人（其他）", max_len=100),
        Field("deadline", "时限", D, required=True),
        Field("done_date", "完成日期", D),
    ),
    deadlines=(Deadline("task", "任务清单", "done_date", due_field="deadline", working_day_due=True,
                        anchor="topic_id>meeting_id>meeting_date"),),
    list_columns=("topic_id", "task", "responsible_id", "deadline", "status"),
)

RESP_TEMPLATE = Family(
    "resp_template", "责任清单模板", workflow="template", title=("name", "version"),
    date_field="created_at", type_field="subject",
    fields=(
        Field("name", "清单名称", required=True, max_len=100),
        Field("year", "年度", I, required=True, min_value=2000, max_value=2100),
        Field("version", "版本", required=True, max_len=20),
        Field("subject", "责任主体", C, vocab="resp_subject", required=True),
    ),
    list_columns=("name", "year", "version", "subject", "status"),
)

RESP_ITEM = Family(
    "resp_item", "清单项", workflow="master", parent="template_id", title=("category", "item"),
    date_field="fill_deadline",
    fields=(
        Field("template_id", "所属清单", R, ref="resp_template", required=True),
        Field("category_no", "类序号", I, min_value=1, max_value=99),
        Field("category", "类", required=True, max_len=100),
        Field("item_no", "项序号", I, min_value=1, max_value=999),
        Field("item", "项", required=True, max_len=300),
        Field("description", "说明", LT, max_len=2000),
        Field("score", "考核分值", F, min_value=0, max_value=1000),
        Field("frequency", "频次", C, vocab="frequency"),
        Field("fill_deadline", "填报截止日", D, help="截止后履责纪实锁定"),
    ),
    list_columns=("template_id", "category", "item", "frequency", "fill_deadline"),
)

RESP_ENTRY = Family(
    "resp_entry", "履责纪实", workflow="entry", parent="item_id", title=("content",),
    date_field="entry_date",
    fields=(
        Field("item_id", "清单项", R, ref="resp_item", required=True),
        Field("person_id", "履责人", R, ref="person", required=True),
        Field("entry_date", "日期", D, required=True),
        Field("content", "履责内容", LT, required=True, max_len=5000),
        Field("reviewer", "审核人", max_len=50),
    ),
    list_columns=("item_id", "person_id", "entry_date", "content"),
)

FOCUS_ITEM = Family(
    "focus_item", "重点监督内容", workflow="master", title=("category", "content"),
    date_field="created_at",
    fields=(
        Field("category_no", "类别序号", I, min_value=1, max_value=99),
        Field("category", "监督事项类别", required=True, max_len=100),
        Field("content", "监督内容", LT, required=True, max_len=2000),
        Field("methods", "监督方法", L, vocab="supervision_method"),
        Field("frequency", "频次", C, vocab="frequency"),
        Field("department", "责任部门", max_len=100),
    ),
    list_columns=("category", "content", "methods", "frequency"),
)

DOCUMENT = Family(
    "document", "发文登记", workflow="master", title=("doc_no", "title"), date_field="issued_date",
    type_field="doc_type",
    fields=(
        Field("doc_type", "文种", C, vocab="doc_type", required=True),
        Field("doc_no", "发文字号", max_len=50),
        Field("prefix", "机关代字", max_len=30),
        Field("year", "年份", I, min_value=2000, max_value=2100),
        Field("seq", "序号", I, min_value=1, max_value=999999),
        Field("title", "标题", required=True, max_len=200),
        Field("recipient", "主送", max_len=300),
        Field("source_family", "来源类别", max_len=40, searchable=False),
        Field("source_id", "来源记录", max_len=40, searchable=False),
        Field("issued_date", "发文日期", D, required=True),
        Field("pdf_sha256", "文书PDF", max_len=64, searchable=False),
    ),
    list_columns=("doc_no", "doc_type", "title", "issued_date", "status"),
)

LETTER_TEMPLATE = Family(
    "letter_template", "文书模板", workflow="template", title=("doc_type", "version"),
    date_field="created_at", type_field="doc_type",
    fields=(
        Field("doc_type", "文种", C, vocab="doc_type", required=True),
        Field("version", "版本", required=True, max_len=20),
        Field("content", "模板内容（JSON）", LT, required=True, max_len=20000, searchable=False,
              help="只写与出厂模板不同的部分，如 number_prefix、title、body"),
        Field("note", "修改说明", max_len=200),
    ),
    list_columns=("doc_type", "version", "status", "note"),
)

REPORT_DEF = Family(
    "report_def", "报表定义", workflow="template", title=("title", "version"),
    date_field="created_at", type_field="base",
    fields=(
        Field("name", "报表代号", required=True, max_len=40, searchable=False,
              help="英文字母、数字和下划线，如 talk_county"),
        Field("title", "表名", required=True, max_len=60),
        Field("base", "所据内置报表", max_len=40, searchable=False),
        Field("version", "版本", required=True, max_len=20),
        Field("content", "报表定义（JSON）", LT, required=True, max_len=60000, searchable=False,
              help="行、列、统计方式和筛选条件，由报表引擎检查后运行"),
        Field("note", "修改说明", max_len=200),
    ),
    list_columns=("title", "base", "version", "status", "note"),
)

ATTACHMENT = Family(
    "attachment", "附件", workflow="master", title=("filename",), date_field="created_at",
    fields=(
        Field("owner_family", "所属类别", max_len=40, required=True, searchable=False),
        Field("owner_id", "所属记录", max_len=40, required=True, searchable=False),
        Field("sha256", "SHA-256", max_len=64, required=True, searchable=False),
        Field("filename", "文件名", max_len=255, required=True),
        Field("size", "大小（字节）", I, min_value=0),
    ),
    list_columns=("filename", "size", "sha256"),
)
