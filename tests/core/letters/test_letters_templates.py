"""Document types as data, and filling their wording."""
from __future__ import annotations

from datetime import date

import pytest

from desktop_app.errors import ValidationError
from desktop_app.letters import DOC_TYPES, LetterFormat, MissingFields, fill_template, load_doc_types
from desktop_app.letters.samples import sample_values

EXPECTED = {
    "谈话提醒通知书": ("文件", "X纪谈"), "约谈通知书": ("文件", "X纪约"), "提醒函": ("信函", "X纪函"),
    "制止函": ("信函", "X纪函"), "函询通知书": ("信函", "X纪办函"), "函询结果反馈函": ("信函", "X纪办函"),
    "限期整改通知书": ("文件", "X纪改"), "纪律检查建议书": ("文件", "X纪建"), "监察建议书": ("文件", "X监建"),
    "监督建议书": ("文件", "X纪督建"), "谈话记录": ("表格", None),
}


def test_every_type_is_present_with_its_format_and_prefix():
    assert {name: (d.format, d.number_prefix) for name, d in DOC_TYPES.items()} == EXPECTED


def test_every_placeholder_has_a_chinese_name():
    for doc in DOC_TYPES.values():
        for key in doc.placeholders:
            label = doc.label(key)
            assert label != key and any("\u4e00" <= ch <= "\u9fff" for ch in label), (doc.name, key)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_samples_fill_every_type(name):
    spec = fill_template(name, sample_values()[name])
    assert spec.doc_type == name and spec.format == LetterFormat(EXPECTED[name][0])
    text = "".join(spec.body) + spec.title + spec.recipient + "".join(spec.cc)
    assert "{" not in text and "}" not in text


def test_missing_values_are_reported_by_chinese_field_name():
    with pytest.raises(MissingFields) as err:
        fill_template("提醒函", {"office": "中共××县纪律检查委员会", "target": "中共××镇委员会"})
    message = str(err.value)
    for label in ("发现的情况", "提醒事项", "书面报告截止日期", "成文日期"):
        assert label in message
    assert ("finding", "发现的情况") in err.value.missing
    assert "被提醒人" not in message  # given


def test_inquiry_needs_both_copies_required_by_the_rules():
    values = dict(sample_values()["函询通知书"])
    spec = fill_template("函询通知书", values)
    assert spec.cc == ("中共××镇委员会书记张××", "县纪委监委派驻第三纪检监察组组长孙××")
    del values["station_leader"]
    with pytest.raises(MissingFields, match="派驻纪检监察组主要负责人"):
        fill_template("函询通知书", values)


def test_supervision_proposal_reports_to_committee_and_superior_commission():
    spec = fill_template("监督建议书", sample_values()["监督建议书"])
    assert spec.report_to == ("中共××县委", "中共××市纪委")


def test_rectification_notice_builds_its_task_table():
    spec = fill_template("限期整改通知书", sample_values()["限期整改通知书"])
    header = [c.text for c in spec.table.rows[0]]
    assert header == ["序号", "问题", "措施", "时限", "责任人"] and spec.table.header_rows == 1
    first = [c.text for c in spec.table.rows[1]]
    assert first[0] == "1" and first[3] == "2026年12月31日"


def test_optional_copy_is_dropped_and_list_values_become_paragraphs():
    values = dict(sample_values()["提醒函"], unit_leader="", deadline=date(2027, 1, 5))
    spec = fill_template("提醒函", values)
    assert spec.cc == ()
    assert spec.body[1].startswith("一、严格执行")
    assert "2027年1月5日前" in spec.body[-2]


def test_office_overrides_replace_wording_and_prefix():
    types = load_doc_types({"提醒函": {"number_prefix": "Y纪函", "title": "关于{subject}的提醒函",
                                      "fields": {**DOC_TYPES["提醒函"].fields, "subject": "提醒主题"}}})
    assert types["提醒函"].number_prefix == "Y纪函"
    assert DOC_TYPES["提醒函"].number_prefix == "X纪函"  # defaults untouched
    spec = fill_template("提醒函", dict(sample_values()["提醒函"], subject="节日期间作风建设"), types)
    assert spec.title == "关于节日期间作风建设的提醒函"


def test_unknown_type_is_refused():
    with pytest.raises(ValidationError, match="不认识的文种「请示」"):
        fill_template("请示", {})
