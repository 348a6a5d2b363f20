"""Every bad spec is refused with a Chinese message naming the field."""
from __future__ import annotations

import pytest

from desktop_app.errors import UserFacingError
from desktop_app.letters import LetterFormat, LetterSpec

GOOD = {
    "type": "提醒函", "office": "中共××县纪律检查委员会", "number": "×纪函〔2026〕5号",
    "recipient": "中共××镇委员会", "title": "提醒函", "body": ["第一段。", "", "第二段\n第三段"],
    "attachments": ["问题清单。"], "signature": "中共××县纪律检查委员会", "date": "2026-11-29",
    "cc": ["中共××镇委员会书记"], "sealed": True, "mark": "内部",
}


def test_good_spec():
    spec = LetterSpec.from_json(GOOD)
    assert spec.format is LetterFormat.LETTER
    assert spec.body == ("第一段。", "第二段", "第三段")  # blanks dropped, newlines split
    assert spec.number == "×纪函〔2026〕5号" and spec.date.isoformat() == "2026-11-29"


@pytest.mark.parametrize("change, words", [
    ({"type": "请示"}, "不认识的文种「请示」"),
    ({"type": None}, "缺少文种"),
    ({"number": "×纪函[2026]5号"}, "文号格式不正确"),
    ({"number": "×纪函〔2026〕第5号"}, "不加“第”"),
    ({"date": "2026-02-30"}, "不是真实存在的日期"),
    ({"date": "2026年11月29日"}, "格式不正确"),
    ({"date": None}, "缺少成文日期"),
    ({"recipient": ""}, "缺少主送机关（recipient）"),
    ({"recipient": None}, "缺少主送机关"),
    ({"office": None}, "缺少发文机关"),
    ({"title": " "}, "缺少标题"),
    ({"body": []}, "缺少正文"),
    ({"body": "一段"}, None),
    ({"body": [1, 2]}, "正文（body）应为文字列表"),
    ({"cc": {"a": 1}}, "抄送（cc）应为文字列表"),
    ({"sealed": "yes"}, "应为 true 或 false"),
    ({"recepient": "x"}, "不认识的字段：recepient"),
    ({"title": "长" * 200}, "过长"),
    ({"table": {"columns": [1, 1], "rows": [["a"]]}}, "格数"),
    ({"table": {"columns": [], "rows": [["a"]]}}, "columns"),
    ({"table": {"columns": [1], "rows": []}}, "rows"),
    ({"table": {"columns": [{"title": "a", "width": -1}], "rows": [["x"]]}}, "宽度"),
    ({"table": {"columns": [1], "rows": [[{"text": "a", "span": 0}]]}}, "span"),
    ({"table": "表"}, "表格"),
])
def test_bad_specs_are_refused(change, words):
    data = {**GOOD, **change}
    if words is None:  # accepted on purpose: a single string is a one-paragraph body
        assert LetterSpec.from_json(data).body == ("一段",)
        return
    with pytest.raises(UserFacingError) as err:
        LetterSpec.from_json(data)
    assert words in str(err.value)


def test_not_an_object_is_refused():
    with pytest.raises(UserFacingError, match="JSON 对象"):
        LetterSpec.from_json(["提醒函"])


def test_form_needs_only_type_office_and_table():
    spec = LetterSpec.from_json({"type": "谈话记录", "office": "中共××县纪律检查委员会",
                                 "table": {"columns": [1, 2], "rows": [[{"text": "谈话对象", "header": True}, "王××"]]}})
    assert spec.title == "谈话记录" and spec.recipient == ""
    with pytest.raises(UserFacingError, match="须有表格"):
        LetterSpec.from_json({"type": "谈话记录", "office": "中共××县纪律检查委员会"})
