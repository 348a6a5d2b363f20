"""Template lint: every document type from every demo record that can make it, and from
records with every optional field empty, reads like something an office head signs.

Fails on "None", a word doubled where a value meets the template ("关于关于"), an
unfilled placeholder, an empty band in the 版头, a 成文日期 that contradicts the
record, and a document under the wrong issuer (监察建议书 from the 监察委员会).
"""
from __future__ import annotations

import re
from collections import Counter

import pytest

from desktop_app.letters import DOC_TYPES, LetterFormat
from desktop_app.letters.documents import MissingFields
from desktop_app.letters.geometry import LayoutConfig
from desktop_app.letters.items import Rule, TextRun
from desktop_app.letters.layout import compose
from desktop_app.services import documents, records
from desktop_app.services.document_values import BUILDERS, doc_types_for

CFG = LayoutConfig()
# Two doubled characters in a row is a join fault ("关于关于", "同志同志"); Chinese
# text has reduplicated words ("常常", "认认真真") but none of two-character words.
DOUBLED = re.compile(r"([\u4e00-\u9fff]{2,4})\1")
FAULTS = (("None", re.compile(r"None|null")), ("placeholder", re.compile(r"[{}]")),
          ("doubled word", DOUBLED), ("doubled mark", re.compile(r"[。，；、：]{2}")),
          # a record's title pasted into a sentence: "你在关于…的监督建议书方面"
          ("title in a sentence", re.compile(r"在关于|(建议书|函询|提醒函|制止函|提示函)(方面|的书面)")))


def spec_texts(spec) -> list[tuple[str, str]]:
    out = [("标题", spec.title), ("主送", spec.recipient), ("署名", spec.signature_text),
           ("发文机关", spec.office), ("附注", spec.note or "")]
    out += [(f"正文第{i}段", p) for i, p in enumerate(spec.body, 1)]
    out += [("抄送", c) for c in spec.cc] + [("抄报", c) for c in spec.report_to]
    if spec.table:
        out += [("表格", c.text) for row in spec.table.rows for c in row]
    return out


def lint_text(spec) -> list[str]:
    faults = []
    for where, text in spec_texts(spec):
        for name, pattern in FAULTS:
            found = pattern.search(text)
            if found:
                faults.append(f"{spec.doc_type} {where}: {name} 「{text[max(0, found.start() - 12):found.end() + 12]}」")
    return faults


def lint_issuer(spec) -> list[str]:
    organ = spec.signature_text
    if spec.doc_type == "监察建议书":
        ok = "监察委员会" in organ and "纪律检查委员会" not in organ and "纪委" not in organ
    elif spec.doc_type in ("函询通知书", "函询结果反馈函"):
        ok = "纪委" in organ and "监委" in organ and organ.endswith("办公室")
    else:
        ok = "纪律检查委员会" in organ or organ.endswith("纪委")
    same_head = spec.format is LetterFormat.FORM or spec.letterhead_text == organ
    return [] if ok and same_head else [f"{spec.doc_type}: 发文机关「{organ}」/ 标志「{spec.letterhead_text}」"]


def lint_dates(spec, rec) -> list[str]:
    """The 成文日期 against the dates of the record the document is made from."""
    day = spec.date.isoformat() if spec.date else None
    if day is None:
        return []
    checks = []
    if spec.doc_type in ("谈话提醒通知书", "约谈通知书"):
        checks.append(("谈话日期", rec.get("talk_date"), "<="))
    if spec.doc_type == "函询结果反馈函":
        checks.append(("书面说明报送日期", rec.get("reply_date"), ">="))
    if spec.doc_type in ("提醒函", "制止函"):
        checks.append(("回复期限", rec.get("reply_due"), "<="))
    if spec.doc_type == "限期整改通知书":
        checks += [("整改方案报送截止日", rec.get("plan_due"), "<="),
                   ("整改报告报送截止日", rec.get("report_due"), "<=")]
    bad = []
    for name, other, op in checks:
        if other and not (day <= other if op == "<=" else day >= other):
            bad.append(f"{spec.doc_type}: 成文日期 {day} 与记录的{name} {other} 矛盾")
    return bad


def lint_bands(spec, fonts) -> list[str]:
    """No empty band in the 版头: from the first item down to the title, consecutive items
    at most 下空二行 apart."""
    page = compose(spec, fonts).pages[0]
    title_y = min(i.y for i in page.items if isinstance(i, TextRun) and i.size == CFG.title_size)
    # from the 发文机关标志 down (the 35 mm above it are the standard's, not a band)
    top = max((i.y for i in page.items if isinstance(i, TextRun) and i.color == CFG.red), default=1e9)
    ys = sorted({round(i.y, 1) for i in page.items if isinstance(i, (TextRun, Rule))
                 and title_y - 0.1 <= i.y <= top + 0.1}, reverse=True)
    # the widest legitimate step: 下空二行 below the red rule down to a 2号 title baseline
    limit = CFG.gap + 2 * CFG.pitch + CFG.em_ascent * CFG.title_size + 2 * CFG.body_size * 0.15
    gaps = [(a, b) for a, b in zip(ys, ys[1:]) if a - b > limit]
    return [f"{spec.doc_type}: 空带 y={a:.0f}→{b:.0f}（{a - b:.0f} pt）" for a, b in gaps]


def _docs(s):
    for family in BUILDERS:
        for (rid,) in s.conn.execute(f"SELECT id FROM {family} WHERE voided = 0"):
            rec = records.get(s, family, rid)
            for doc in doc_types_for(rec):
                yield family, rec, doc


def test_every_document_from_every_demo_record_lints_clean(demo_session, fonts):
    faults, made, shown = [], Counter(), set()
    for family, rec, doc in _docs(demo_session):
        try:
            spec = documents.build_spec(demo_session, family, rec.id, doc)
        except MissingFields as exc:  # the clerk is asked by name; nothing to lint
            assert exc.missing and all(label for _k, label in exc.missing)
            continue
        made[doc] += 1
        faults += lint_text(spec) + lint_issuer(spec) + lint_dates(spec, rec)
        if doc not in shown:  # one layout per type: the 版头 depends on the type only
            shown.add(doc)
            faults += lint_bands(spec, fonts)
    assert set(made) == set(DOC_TYPES), f"demo data makes no {set(DOC_TYPES) - set(made)}"
    assert not faults, "\n".join(sorted(set(faults))[:30])


def _bare_record(s, family: str, doc: str):
    """A record with only its required fields filled."""
    person = s.conn.execute("SELECT id FROM person WHERE voided = 0 LIMIT 1").fetchone()[0]
    unit = s.conn.execute("SELECT id FROM unit WHERE voided = 0 LIMIT 1").fetchone()[0]
    if family == "talk":
        kind = "约谈" if doc == "约谈通知书" else "提醒谈话"
        values = {"talk_type": kind, "reason": "落实主体责任不到位", "person_ids": [person],
                  "talkers": "李××", "talk_date": "2026-12-03"}
    elif family == "letter":
        kind = {v: k for k, vs in (("函询", ("函询通知书", "函询结果反馈函")),) for v in vs}.get(doc, doc)
        values = {"letter_type": kind, "title": f"关于有关问题的{doc}", "written_date": "2026-11-20",
                  "recipient_person_id": person}
    else:
        values = {"title": "公务接待超标准问题整改", "unit_id": unit, "issued_date": "2026-11-20"}
    return records.create(s, family, values).record


@pytest.mark.parametrize("doc", sorted(DOC_TYPES))
def test_records_with_every_optional_field_empty(demo_session, fonts, doc):
    family = next(f for f, (_b, names) in BUILDERS.items() if doc in names)
    rec = _bare_record(demo_session, family, doc)
    try:
        spec = documents.build_spec(demo_session, family, rec.id, doc)
    except MissingFields as exc:
        assert "还缺少" in str(exc) and exc.missing
        return
    faults = lint_text(spec) + lint_issuer(spec) + lint_dates(spec, rec) + lint_bands(spec, fonts)
    assert not faults, "\n".join(faults)


def test_preview_without_number_has_no_band(fonts):
    from desktop_app.letters.samples import sample_spec
    import dataclasses
    for doc in DOC_TYPES:
        spec = dataclasses.replace(sample_spec(doc), number=None)
        assert not lint_bands(spec, fonts), doc


def test_lint_catches_the_faults_it_is_for():
    """The checks themselves can fail: each known fault is reported."""
    from desktop_app.letters.samples import sample_spec
    import dataclasses
    spec = sample_spec("函询结果反馈函")
    bad = dataclasses.replace(spec, body=("你于2026年7月15日报送的关于关于有关问题的书面说明收悉。", "None"))
    found = "\n".join(lint_text(bad))
    assert "doubled word" in found and "None" in found
    pasted = dataclasses.replace(spec, body=("你在关于落实主体责任的监督建议书方面存在以下问题。",))
    assert "title in a sentence" in "\n".join(lint_text(pasted))
    assert lint_issuer(dataclasses.replace(sample_spec("监察建议书"), signature="中共××县纪律检查委员会"))
