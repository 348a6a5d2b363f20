"""发文字号: the office's 代字 per document type and the next free number."""
from __future__ import annotations

from desktop_app.services import docnumbers, outputs, records
from desktop_app.services.office import set_setting


def test_prefix_from_office_settings(session):
    assert docnumbers.prefix_for(session, "X纪函") == "纪函"
    set_setting(session, "prefix.函", "临纪函")
    set_setting(session, "prefix.整改", "临纪改")
    assert docnumbers.prefix_for(session, "X纪函") == "临纪函"
    assert docnumbers.prefix_for(session, "X纪改") == "临纪改"
    assert docnumbers.prefix_for(session, "X纪约") == "临纪约"     # no setting: the abbreviation
    assert docnumbers.prefix_for(session, None) is None


def test_next_number_counts_letters_and_issued_documents(session):
    assert docnumbers.next_number(session, "临纪函", 2026) == "临纪函〔2026〕1号"
    records.create(session, "letter", {"letter_type": "提醒函", "title": "提醒", "written_date": "2026-11-02",
                                       "doc_no": "临纪函〔2026〕4号"})
    records.create(session, "letter", {"letter_type": "提醒函", "title": "旧", "written_date": "2025-11-02",
                                       "doc_no": "临纪函〔2025〕9号"})
    outputs.record_output(session, "发文", "约谈通知书", detail={"number": "临纪函〔2026〕7号"})
    outputs.record_output(session, "发文", "约谈通知书", detail={"number": "不是文号"})
    assert docnumbers.used_numbers(session, "临纪函", 2026) == {4, 7}
    assert docnumbers.next_number(session, "临纪函", 2026) == "临纪函〔2026〕8号"
    assert docnumbers.next_number(session, "临纪约", 2026) == "临纪约〔2026〕1号"
