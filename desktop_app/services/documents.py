"""Documents (公文) made from records: the office's wording, preview, and 发文.

A number is assigned only when a document is issued (发文), never on preview:
per 机关代字 and year, one more than the highest ever taken — issued documents
(voided ones included, so a voided number is never reused and keeps its
reason) and numbers typed into 函件 records. Number, PDF and 发文登记 record are
written in one transaction; a render that fails (a character no font has)
leaves no number taken.
"""
from __future__ import annotations

import dataclasses
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from desktop_app.domain.record import Saved
from desktop_app.errors import UserFacingError, ValidationError, reason
from desktop_app.letters import fill_template, get_fonts, load_doc_types, render_pdf
from desktop_app.letters.docnumber import format_doc_number, parse_doc_number
from desktop_app.letters.documents import DocType
from desktop_app.letters.spec import LetterSpec, _text_list
from desktop_app.services import records
from desktop_app.services.attachments import store_file
from desktop_app.services.document_values import BUILDERS, doc_types_for, document_date, issuing_organ
from desktop_app.services.session import Session
from desktop_app.store.db import transaction

PLACEHOLDER = "X"      # shipped templates write the office's 简称 as X (X纪函)


def office_doc_types(s: Session) -> dict[str, DocType]:
    """Shipped wording with the office's active templates (文书模板 records) laid over it."""
    overrides: dict[str, dict] = {}
    for row in s.conn.execute("SELECT doc_type, content FROM letter_template WHERE status = '启用'"
                              " AND voided = 0 ORDER BY updated_at"):
        try:
            overrides[row["doc_type"]] = json.loads(row["content"])
        except ValueError:
            raise UserFacingError(f"「{row['doc_type']}」的文书模板内容不是有效的 JSON，请在文书模板中修改。")
    return load_doc_types(overrides)


def abbreviation(s: Session) -> str:
    """机关简称 for 代字 (临纪函): setting ``doc.abbr``, else the county's first character."""
    configured = s.setting("doc.abbr")
    if configured:
        return configured
    name = re.sub(r"^中共", "", s.office_name or "")
    return name[:1] or PLACEHOLDER


def prefix_for(s: Session, doc: DocType) -> str | None:
    if not doc.number_prefix:
        return None
    own = s.setting(f"prefix.{doc.name}")
    if own:
        return own
    bare = doc.number_prefix[1:] if doc.number_prefix.startswith(PLACEHOLDER) else doc.number_prefix
    return abbreviation(s) + bare


def _issuing_organ(s: Session, doc: DocType) -> str:
    return issuing_organ(s, doc.name)


def doc_type(s: Session, name: str) -> DocType:
    types = office_doc_types(s)
    if name not in types:
        raise ValidationError("type", f"不认识的文种「{name}」，可用的文种有：{'、'.join(types)}")
    return types[name]


def values_for(s: Session, family: str, record_id: str, doc_name: str) -> dict[str, Any]:
    rec = records.get(s, family, record_id)
    if family not in BUILDERS:
        raise UserFacingError(f"{rec.title}：这类记录不能生成文书（可由谈话、函件、整改生成）。")
    allowed = doc_types_for(rec)
    if doc_name not in allowed:
        raise UserFacingError(f"这条记录可生成的文书是：{'、'.join(allowed) or '无'}，不能生成「{doc_name}」。")
    doc = doc_type(s, doc_name)
    builder = BUILDERS[family][0]
    organ = _issuing_organ(s, doc)
    values = {k: _mid_sentence(v) for k, v in builder(s, rec, doc_name).items()}
    # the office's own letterhead text only under its own name (not the 监委's, not the 办公室's)
    own = organ == (s.setting("doc.office") or s.office_name)
    return {"office": organ, "signature": organ,
            "letterhead": s.setting("doc.letterhead") if own else None,
            "date": document_date(s, rec, doc_name),
            "mark": "内部" if rec.sensitivity == "内部" else None} | values


def _mid_sentence(value: Any) -> Any:
    """A one-line value goes inside the template's sentence: its own final 。 would double up."""
    if isinstance(value, str) and "\n" not in value:
        return value.rstrip("。；;，, ")
    return value


def build_spec(s: Session, family: str, record_id: str, doc_name: str,
               overrides: dict[str, Any] | None = None, number: str | None = None) -> LetterSpec:
    """The filled document; ``MissingFields`` names what the clerk still has to supply.

    ``overrides["body"]`` (a list of paragraphs, or one text with a paragraph per
    line) replaces the template's body: the clerk edited the wording itself.
    """
    overrides = dict(overrides or {})
    body = overrides.pop("body", None)
    values = values_for(s, family, record_id, doc_name)
    values |= {k: v for k, v in overrides.items() if v not in (None, "")}
    if number:
        values["number"] = number
    spec = fill_template(doc_type(s, doc_name), values)
    duplex = s.setting("doc.duplex")          # the office's printers: 设置 › 机关信息
    if duplex is not None and spec.duplex is None:
        spec = dataclasses.replace(spec, duplex=duplex == "1")
    if body:
        paragraphs = _text_list({"body": body if isinstance(body, list) else [body]}, "body")
        if not paragraphs:
            raise ValidationError("body", "正文不能为空。")
        spec = dataclasses.replace(spec, body=paragraphs)
    return spec


def _fonts(s: Session):
    return get_fonts(cache_dir=s.data_dir / "cache", added_dir=s.data_dir / "fonts")


def preview(s: Session, family: str, record_id: str, doc_name: str, out_path: Path,
            overrides: dict[str, Any] | None = None):
    """Render without a number (nothing is recorded); the 代字 shows where it will go."""
    spec = build_spec(s, family, record_id, doc_name, overrides)
    if not spec.number:
        spec = dataclasses.replace(spec, number_draft=prefix_for(s, doc_type(s, doc_name)))
    return render_pdf(spec, out_path, fonts=_fonts(s))


def next_seq(s: Session, prefix: str, year: int) -> int:
    row = s.conn.execute("SELECT max(seq) FROM document WHERE prefix = ? AND year = ?",
                         (prefix, year)).fetchone()
    highest = row[0] or 0
    for (text,) in s.conn.execute("SELECT doc_no FROM letter WHERE doc_no LIKE ?", (f"{prefix}〔{year}〕%",)):
        try:
            n = parse_doc_number(text)
        except ValidationError:
            continue
        if n.prefix == prefix and n.year == year:
            highest = max(highest, n.seq)
    return highest + 1


def issue(s: Session, family: str, record_id: str, doc_name: str, out_path: Path,
          overrides: dict[str, Any] | None = None) -> tuple[Saved, Any]:
    """发文: assign the number, render, keep the PDF and the 发文登记 record."""
    from desktop_app.security.authz import require
    from desktop_app.security.roles import Permission
    require(s, Permission.ISSUE_DOCUMENT, "签发文书（发文）")
    doc = doc_type(s, doc_name)
    prefix, year = prefix_for(s, doc), s.today().year
    out_path = Path(out_path)
    with transaction(s.conn):
        number = format_doc_number(prefix, year, next_seq(s, prefix, year)) if prefix else None
        spec = build_spec(s, family, record_id, doc_name, overrides, number)
        fd, tmp = tempfile.mkstemp(suffix=".pdf", dir=s.data_dir)
        os.close(fd)
        try:
            result = render_pdf(spec, tmp, fonts=_fonts(s))
            sha, _size = store_file(s, Path(tmp))
            saved = records.create(s, "document", {
                "doc_type": doc_name, "doc_no": number, "prefix": prefix, "year": year,
                "seq": parse_doc_number(number).seq if number else None, "title": spec.title or doc_name,
                "recipient": spec.recipient, "source_family": family, "source_id": record_id,
                "issued_date": s.today().isoformat(), "pdf_sha256": sha})
            if family == "letter" and number and not records.get(s, "letter", record_id).get("doc_no"):
                records.update(s, "letter", record_id, {"doc_no": number})
            if _same_device(tmp, out_path):
                os.replace(tmp, out_path)
            else:
                _copy(tmp, out_path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return saved, result


def _same_device(a: str, b: Path) -> bool:
    try:
        return os.stat(a).st_dev == os.stat(b.parent).st_dev
    except OSError:
        return False


def _copy(src: str, dst: Path) -> None:
    import shutil
    try:
        shutil.copyfile(src, dst)
    except OSError as exc:
        raise UserFacingError(f"无法写入 {dst}：{reason(exc)}") from exc
