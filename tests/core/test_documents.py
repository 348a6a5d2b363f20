"""Documents from records: wording from the record, numbers only at 发文, never
reused, voided numbers kept; failures take no number; the letter CLI."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pdfplumber
import pytest

from desktop_app.cli import main
from desktop_app.errors import UserFacingError
from desktop_app.letters.documents import MissingFields
from desktop_app.services import documents, records
from desktop_app.services.document_samples import SLUGS, render_samples
from tests.core.conftest import dump


def _text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "".join(page.extract_text() or "" for page in pdf.pages).replace(" ", "").replace("\n", "")


def _letter(s, **extra):
    person = s.conn.execute("SELECT id FROM person WHERE voided = 0 LIMIT 1").fetchone()[0]
    values = {"letter_type": "提醒函", "title": "提醒函", "written_date": "2026-11-20",
              "recipient_person_id": person, "summary": "个别干部存在公车私用苗头",
              "suggestions": "严格公车管理\n规范财务报销", "reply_due": "2026-12-10"} | extra
    return records.create(s, "letter", values).record


def test_preview_has_no_number_and_records_nothing(demo_session, tmp_path):
    rec = _letter(demo_session)
    before = dump(demo_session)
    documents.preview(demo_session, "letter", rec.id, "提醒函", tmp_path / "p.pdf")
    assert dump(demo_session) == before
    text = _text(tmp_path / "p.pdf")
    assert "个别干部存在公车私用苗头" in text
    assert "临纪函〔2026〕号" in text  # the 代字 shows where the number goes; none is taken
    assert "2026年12月10日" in text


def test_issue_assigns_increasing_numbers_and_keeps_the_pdf(demo_session, tmp_path):
    rec = _letter(demo_session)
    first, _ = documents.issue(demo_session, "letter", rec.id, "提醒函", tmp_path / "a.pdf")
    second, _ = documents.issue(demo_session, "letter", rec.id, "提醒函", tmp_path / "b.pdf")
    assert first.record["doc_no"] == "临纪函〔2026〕1号"
    assert second.record["doc_no"] == "临纪函〔2026〕2号"
    assert "临纪函〔2026〕1号" in _text(tmp_path / "a.pdf")
    assert records.get(demo_session, "letter", rec.id)["doc_no"] == "临纪函〔2026〕1号"
    from desktop_app.services.attachments import blob_path
    assert blob_path(demo_session, first.record["pdf_sha256"]).exists()
    actions = [r[0] for r in demo_session.conn.execute("SELECT action FROM audit_log WHERE family = 'document'")]
    assert actions == ["新建", "新建"]


def test_voided_number_is_kept_and_not_reused(demo_session, tmp_path):
    rec = _letter(demo_session)
    first, _ = documents.issue(demo_session, "letter", rec.id, "提醒函", tmp_path / "a.pdf")
    records.void(demo_session, "document", first.record.id, "送达对象有误，作废重发")
    again, _ = documents.issue(demo_session, "letter", rec.id, "提醒函", tmp_path / "b.pdf")
    assert again.record["doc_no"] == "临纪函〔2026〕2号"
    kept = records.get(demo_session, "document", first.record.id)
    assert kept.voided and kept.void_reason == "送达对象有误，作废重发" and kept["doc_no"].endswith("1号")


def test_typed_numbers_are_not_reused(demo_session, tmp_path):
    _letter(demo_session, doc_no="临纪函〔2026〕7号")
    rec = _letter(demo_session)
    saved, _ = documents.issue(demo_session, "letter", rec.id, "提醒函", tmp_path / "a.pdf")
    assert saved.record["doc_no"] == "临纪函〔2026〕8号"


def test_missing_wording_is_named_and_nothing_taken(demo_session, tmp_path):
    rec = _letter(demo_session, summary=None, suggestions=None)
    before = dump(demo_session)
    with pytest.raises(MissingFields, match="发现的情况"):
        documents.issue(demo_session, "letter", rec.id, "提醒函", tmp_path / "a.pdf")
    assert dump(demo_session) == before and not (tmp_path / "a.pdf").exists()


def test_unprintable_character_refused_and_no_number_taken(demo_session, tmp_path):
    rec = _letter(demo_session, summary="有人名为𠮷的干部存在问题")
    before = dump(demo_session)
    with pytest.raises(UserFacingError, match="U\\+20BB7"):
        documents.issue(demo_session, "letter", rec.id, "提醒函", tmp_path / "a.pdf")
    assert dump(demo_session) == before


def test_wrong_document_type_for_record(demo_session, tmp_path):
    rec = _letter(demo_session)
    with pytest.raises(UserFacingError, match="可生成的文书是：提醒函"):
        documents.preview(demo_session, "letter", rec.id, "约谈通知书", tmp_path / "x.pdf")


def test_office_template_overrides_wording_and_prefix(demo_session, tmp_path):
    tpl = records.create(demo_session, "letter_template", {
        "doc_type": "提醒函", "version": "2026-1", "content": '{"number_prefix": "X纪提", "title": "廉政提醒函"}'}).record
    records.set_status(demo_session, "letter_template", tpl.id, "启用")
    rec = _letter(demo_session)
    saved, _ = documents.issue(demo_session, "letter", rec.id, "提醒函", tmp_path / "a.pdf")
    assert saved.record["doc_no"] == "临纪提〔2026〕1号"
    assert "廉政提醒函" in _text(tmp_path / "a.pdf")


def test_samples_of_every_type_from_demo_data(demo_session, tmp_path):
    made = render_samples(demo_session, tmp_path)
    assert [name for name, _ in made] == list(SLUGS)
    for _name, path in made:
        assert path.stat().st_size > 2000


def test_rectification_notice_lists_its_items(demo_session, tmp_path):
    row = demo_session.conn.execute(
        "SELECT r.id, count(i.id) n FROM rectification r JOIN rect_item i ON i.rectification_id = r.id"
        " WHERE r.plan_due IS NOT NULL GROUP BY r.id ORDER BY n DESC LIMIT 1").fetchone()
    documents.preview(demo_session, "rectification", row["id"], "限期整改通知书", tmp_path / "r.pdf")
    problem = demo_session.conn.execute("SELECT problem FROM rect_item WHERE rectification_id = ? LIMIT 1",
                                        (row["id"],)).fetchone()[0]
    assert problem.replace(" ", "")[:6] in _text(tmp_path / "r.pdf")


def test_cli_make_and_issue(demo_dir, tmp_path, capsys):
    from desktop_app.security.accounts import create_first_admin
    pw = tmp_path / "pw.txt"
    pw.write_text("Admin-pass-1\n", encoding="utf-8")
    try:
        create_first_admin(demo_dir, "审核甲", "Admin-pass-1")
    except UserFacingError:
        pytest.skip("demo folder already has an administrator")
    talk = __import__("sqlite3").connect(demo_dir / "taizhang.db").execute(
        "SELECT ledger_no FROM talk WHERE talk_type = '约谈' LIMIT 1").fetchone()[0]
    user = ["--data-dir", str(demo_dir), "--user", "审核甲", "--password-file", str(pw)]
    assert main(user + ["letter", "make", talk, "--type", "约谈通知书", "-o", str(tmp_path / "y.pdf")]) == 0
    assert main(user + ["letter", "make", talk, "--type", "约谈通知书", "-o", str(tmp_path / "z.pdf"),
                        "--issue"]) == 0
    out = capsys.readouterr().out
    assert "已发文：临纪约〔2026〕1号" in out
    assert main(user + ["letter", "make", talk, "--type", "提醒函", "-o", str(tmp_path / "w.pdf")]) == 1
    assert "可生成的文书是" in capsys.readouterr().err
    assert main(user + ["letter", "make", "no-such", "--type", "提醒函", "-o", str(tmp_path / "w.pdf")]) == 1


def test_edited_body_replaces_the_template_wording(demo_session, tmp_path):
    rec = _letter(demo_session)
    saved, _ = documents.issue(demo_session, "letter", rec.id, "提醒函", tmp_path / "a.pdf",
                               {"body": "一、这是改写后的第一段。\n请于规定时间内报告。"})
    text = _text(tmp_path / "a.pdf")
    assert "这是改写后的第一段" in text and "经日常监督发现" not in text
    with pytest.raises(Exception, match="正文不能为空"):
        documents.preview(demo_session, "letter", rec.id, "提醒函", tmp_path / "b.pdf", {"body": ["  "]})
