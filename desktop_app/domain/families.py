"""The record families of domain.md §2, declared once.

Field names are ASCII (they become SQL columns); labels are what users read.
"""
from __future__ import annotations

from desktop_app.domain.deadlines import Rule
from desktop_app.domain.schema import Deadline, Family, Field, Kind

T, LT, D, I, F, B, C, R, RS, L = (Kind.TEXT, Kind.LONGTEXT, Kind.DATE, Kind.INT, Kind.FLOAT,
                                  Kind.BOOL, Kind.CHOICE, Kind.REF, Kind.REFS, Kind.LIST)


def _rule(kind: str, **params) -> Rule:
    return Rule.from_json({"kind": kind, **params})


WD15 = _rule("working_days", n=15)
MONTH1 = _rule("months", n=1)

UNIT = Family(
    "unit", "单位", master=True, workflow="master", title=("name",), date_field="created_at",
    type_field="category",
    fields=(
        Field("name", "单位名称", required=True, max_len=100),
        Field("short_name", "简称", max_len=30),
        Field("category", "单位类别", C, required=True, vocab="unit_category"),
        Field("secretary_id", "党组织书记", R, ref="person"),
        Field("discipline_head", "纪检组织负责人", max_len=50),
        Field("resident_group", "所属派驻组", max_len=100),
        Field("note", "备注", LT, max_len=2000),
    ),
    list_columns=("name", "category", "resident_group"),
)

PERSON = Family(
    "person", "人员", master=True, workflow="master", title=("name",), date_field="created_at",
    type_field="rank", unit_field="unit_id",
    fields=(
        Field("name", "姓名", required=True, max_len=50),
        Field("gender", "性别", C, vocab="gender"),
        Field("birth", "出生日期", D),
        Field("ethnicity", "民族", max_len=20),
        Field("political_status", "政治面貌", C, vocab="political_status"),
        Field("party_join_date", "入党时间", D),
        Field("native_place", "籍贯", max_len=50),
        Field("education", "学历", max_len=30),
        Field("unit_id", "现单位", R, ref="unit", required=True),
        Field("position", "现职务", max_len=100),
        Field("rank", "职级", C, vocab="rank"),
        Field("position_since", "任现职时间", D),
        Field("is_top_leader", "一把手", B),
        Field("is_standing_member", "同级党委常委", B),
        Field("management", "干部管理权限", C, vocab="management"),
    ),
    list_columns=("name", "unit_id", "position", "rank", "is_top_leader", "is_standing_member"),
)

POSITION = Family(
    "position", "任免履历", workflow="master", parent="person_id", title=("position",),
    date_field="start", unit_field="unit_id",
    fields=(
        Field("person_id", "人员", R, ref="person", required=True),
        Field("start", "起始日期", D, required=True),
        Field("end", "终止日期", D),
        Field("unit_id", "单位", R, ref="unit"),
        Field("unit_name", "单位名称（当时）", max_len=100),
        Field("position", "职务", required=True, max_len=100),
    ),
    list_columns=("person_id", "start", "end", "position"),
    extra={"order": (("start", "end"),)},
)

SANCTION = Family(
    "sanction", "处分和处理", workflow="entry", parent="person_id", title=("kind", "doc_no"),
    date_field="decided", type_field="kind",
    fields=(
        Field("person_id", "人员", R, ref="person", required=True),
        Field("kind", "处理类型", C, required=True, vocab="sanction_kind"),
        Field("organ", "决定机关", max_len=100),
        Field("doc_no", "文号", max_len=50),
        Field("decided", "决定日期", D, required=True),
        Field("effect_months", "影响期（月）", I, min_value=0, max_value=120,
              help="留空则按处理类型自动确定"),
        Field("effect_end", "影响期届满日", D, help="自动计算"),
        Field("note", "备注", LT, max_len=2000),
    ),
    list_columns=("person_id", "kind", "decided", "effect_end"),
)

TALK = Family(
    "talk", "谈话", ledger_prefix="TH", workflow="talk", title=("talk_type", "reason"),
    date_field="talk_date", type_field="talk_type", unit_field="unit_id",
    fields=(
        Field("talk_type", "谈话类型", C, required=True, vocab="talk_type"),
        Field("yuetan_subtype", "约谈子类", C, vocab="yuetan_subtype"),
        Field("form", "谈话形式", C, vocab="talk_form"),
        Field("initiator", "发起主体", C, vocab="initiator"),
        Field("reason", "谈话事由", required=True, max_len=200),
        Field("source", "问题来源", C, vocab="problem_source"),
        Field("lead_no", "线索编号", max_len=50, help="只记编号，不录入举报内容"),
        Field("person_ids", "谈话对象", RS, ref="person", required=True),
        Field("unit_id", "对象单位", R, ref="unit"),
        Field("subject_snapshot", "对象单位职务（谈话时）", max_len=500),
        Field("approval_doc_no", "报批请示文号", max_len=50),
        Field("approver", "审批人", max_len=50),
        Field("approval_date", "审批日期", D),
        Field("needs_chief_approval", "须主要负责人批准", B),
        Field("talkers", "谈话人", required=True, max_len=200),
        Field("companions", "陪同人", max_len=200),
        Field("recorder", "记录人", max_len=50),
        Field("entrusted", "委托谈话", B),
        Field("trustee", "受托人", max_len=50),
        Field("entrust_letter_no", "委托函文号", max_len=50),
        Field("entrust_delivered", "委托函送达日", D),
        Field("entrust_report_date", "谈话情况材料报送日", D),
        Field("talk_date", "谈话日期", D, required=True),
        Field("talk_time", "谈话时刻", max_len=30, help="如 上午9时"),
        Field("place", "地点", max_len=100),
        Field("summary", "谈话内容摘要", LT),
        Field("statement", "对象说明或表态", LT),
        Field("requirements", "提出的要求", LT),
        Field("written_required", "要求书面说明/检查", B),
        Field("written_requested", "书面说明要求日期", D),
        Field("written_submitted", "书面说明提交日", D),
        Field("has_rectification", "附带整改", B),
        Field("record_signed", "记录已签字", B),
        Field("outcome", "处置结果", C, vocab="hanxun_outcome"),
        Field("report_date", "情况报告日期", D),
        Field("explain_at_meeting", "须在民主生活会说明", B),
        Field("explained_date", "说明日期", D),
        Field("archived_to_dossier", "已归入廉政档案", B),
        Field("jiemian_mode", "诫勉方式", C, vocab="jiemian_mode"),
        Field("jiemian_doc_no", "诫勉书文号", max_len=50),
    ),
    deadlines=(
        Deadline("entrusted_talk", "受托谈话", "entrust_report_date", start="entrust_delivered",
                 rule=WD15, when=(("entrusted", (1, True)),)),
        Deadline("written", "书面说明", "written_submitted", start="written_requested", rule=WD15,
                 when=(("written_required", (1, True)),)),
        Deadline("report", "情况报告", "report_date", start="talk_date", rule=MONTH1,
                 when=(("talk_type", ("谈话函询谈话",)),)),
    ),
    list_columns=("ledger_no", "talk_type", "person_ids", "unit_id", "talk_date", "reason"),
)

LETTER = Family(
    "letter", "函件", ledger_prefix="HJ", workflow="letter", title=("letter_type", "title"),
    date_field="written_date", type_field="letter_type", unit_field="recipient_unit_id",
    fields=(
        Field("letter_type", "函件类型", C, required=True, vocab="letter_type"),
        Field("doc_no", "发文字号", max_len=50),
        Field("title", "标题", required=True, max_len=200),
        Field("issuing_organ", "发函机关", C, vocab="issuing_organ"),
        Field("recipient_person_id", "主送（个人）", R, ref="person"),
        Field("recipient_unit_id", "主送（单位）", R, ref="unit"),
        Field("recipient_text", "主送", max_len=200),
        Field("cc", "抄送", L, max_len=2000),
        Field("cc_up", "抄报", L, max_len=2000),
        Field("signer", "签发人", max_len=50),
        Field("sign_date", "签发日期", D),
        Field("written_date", "成文日期", D, required=True),
        Field("delivery_method", "送达方式", C, vocab="delivery_method"),
        Field("delivered_date", "送达日期", D),
        Field("receiver", "签收人", max_len=50),
        Field("summary", "事由或问题摘要", LT),
        Field("reminder_category", "提醒事项类别", C, vocab="reminder_category"),
        Field("stopped_behavior", "被制止的行为", LT),
        Field("basis", "依据或违反的规定", max_len=300),
        Field("problems", "存在的主要问题", LT),
        Field("suggestions", "建议和要求", LT),
        Field("lead_no", "线索编号", max_len=50, help="只记编号，不录入举报内容"),
        Field("reply_form", "回复形式", C, vocab="reply_form"),
        Field("reply_due", "回复期限", D, help="函询按送达日加15个工作日自动计算"),
        Field("reply_date", "实际回复日期", D),
        Field("reply_doc_no", "回复文号", max_len=50),
        Field("reply_signer", "回复签署人", max_len=50),
        Field("direct_reply", "直接回复", B),
        Field("report_date", "情况报告日期", D),
        Field("outcome", "处置结果", C, vocab="hanxun_outcome"),
        Field("feedback_doc_no", "反馈函文号", max_len=50),
        Field("feedback_date", "反馈函日期", D),
        Field("spot_check", "抽查核实", B),
        Field("feedback_days", "反馈期限（日）", I, min_value=1, max_value=365),
        Field("approver", "审批人", max_len=50),
        Field("rect_plan_received", "整改方案收到日", D),
        Field("rect_report_received", "整改报告收到日", D),
        Field("lookback_date", "回头看日期", D),
        Field("lookback_conclusion", "回头看结论", C, vocab="lookback_conclusion"),
        Field("accountability", "是否问责", B),
    ),
    deadlines=(
        Deadline("reply", "函询回复", "reply_date", start="delivered_date", rule=WD15,
                 when=(("letter_type", ("函询",)),)),
        Deadline("report", "情况报告", "report_date", start="reply_date", rule=MONTH1,
                 when=(("letter_type", ("函询",)),)),
        Deadline("reply_typed", "书面回复", "reply_date", due_field="reply_due", working_day_due=True,
                 anchor="delivered_date|written_date",
                 when=(("letter_type", ("提醒函", "制止函", "工作提示函")),)),
        Deadline("feedback", "整改反馈", "rect_report_received", start="delivered_date",
                 rule=_rule("days", n=30), n_field="feedback_days",
                 when=(("letter_type", ("纪律检查建议书", "监察建议书", "监督建议书")),)),
    ),
    list_columns=("ledger_no", "letter_type", "doc_no", "title", "written_date", "status"),
)
