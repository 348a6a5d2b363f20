"""双面印刷 is the office's choice (设置 › 机关信息, ``office set duplex``): unset, 文件格式
puts its 版记 on an even page and 信函格式 does not; "否" prints single-sided (no blank
page before the 版记), "是" duplex for every format. A spec that says itself wins."""
from __future__ import annotations

import dataclasses

from desktop_app.letters import LetterFormat
from desktop_app.letters.documents import MissingFields
from desktop_app.letters.layout import compose
from desktop_app.services import documents, office, records
from desktop_app.services.document_values import BUILDERS, doc_types_for


def _first_spec(s, fmt: LetterFormat):
    for family in BUILDERS:
        for (rid,) in s.conn.execute(f"SELECT id FROM {family} WHERE voided = 0"):
            rec = records.get(s, family, rid)
            for doc in doc_types_for(rec):
                try:
                    spec = documents.build_spec(s, family, rid, doc)
                except MissingFields:
                    continue
                if spec.format is fmt:
                    return family, rid, doc
    raise AssertionError(f"demo data makes no {fmt}")


def test_the_office_setting_decides_duplex(demo_session, fonts):
    s = demo_session
    file_doc = _first_spec(s, LetterFormat.FILE)
    letter_doc = _first_spec(s, LetterFormat.LETTER)
    assert documents.build_spec(s, *file_doc).imprint_on_even_page            # default: by format
    assert not documents.build_spec(s, *letter_doc).imprint_on_even_page
    office.set_office_value(s, "duplex", "否")
    single = documents.build_spec(s, *file_doc)
    assert single.duplex is False and not single.imprint_on_even_page
    office.set_office_value(s, "duplex", "是")
    assert documents.build_spec(s, *letter_doc).imprint_on_even_page
    both = documents.build_spec(s, *file_doc)
    # single-sided never needs more pages than duplex, and never a blank page before the 版记
    assert len(compose(single, fonts).pages) <= len(compose(both, fonts).pages)
    office.unset_office_value(s, "duplex")
    assert documents.build_spec(s, *file_doc).duplex is None


def test_a_spec_that_says_itself_wins(demo_session):
    s = demo_session
    office.set_office_value(s, "duplex", "否")
    spec = dataclasses.replace(documents.build_spec(s, *_first_spec(s, LetterFormat.FILE)), duplex=True)
    assert spec.imprint_on_even_page


def test_only_a_form_may_lie_across():
    import pytest
    from desktop_app.errors import ValidationError
    from desktop_app.letters.spec import LetterSpec
    base = {"type": "提醒函", "office": "中共临川县纪律检查委员会", "title": "关于提醒的函",
            "recipient": "县财政局", "body": ["正文。"], "date": "2026-12-01"}
    with pytest.raises(ValidationError, match="只有表格格式的文书可以横排"):
        LetterSpec.from_json(base | {"landscape": True})
    with pytest.raises(ValidationError, match="应为 true 或 false"):
        LetterSpec.from_json(base | {"landscape": "是"})
