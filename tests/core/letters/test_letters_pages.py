"""Pages: table rows split at line boundaries with the header repeated, column widths
from content, attachment numbers aligned from the 10th on, the 版记 on an even page for
duplex printing, and 署名/日期 kept with the last body lines by the standard's remedy."""
from __future__ import annotations

import pytest

from desktop_app.letters import LetterSpec, render_bytes
from desktop_app.letters.geometry import LayoutConfig
from desktop_app.letters.layout import _compose, compose
from desktop_app.letters.samples import sample_spec

from letters_pdf import CFG, TOL, lines_of, open_pdf, origin_x, page_number_text

BODY = "请高度重视，认真对照检查，切实加以纠正，并于2026年12月15日前将自查和整改情况书面报告我委。"


def spec(**changes) -> LetterSpec:
    data = {"type": "纪律检查建议书", "office": "中共××县纪律检查委员会", "number": "×纪建〔2026〕2号",
            "recipient": "中共××县××局党组", "title": "纪律检查建议书", "body": [BODY],
            "date": "2026-11-29", "cc": ["县委组织部"]}
    return LetterSpec.from_json({**data, **changes})


def test_table_rows_split_at_line_boundaries_with_the_header_repeated(fonts):
    rows = [[str(n), "问题描述" * 12, "整改措施" * 14, "2026年12月31日", "办公室主任"] for n in range(1, 7)]
    table = {"caption": "整改任务清单", "columns": [
        {"title": "序号", "width": 2.5}, {"title": "问题", "width": 8.5}, {"title": "措施", "width": 8.5},
        {"title": "时限", "width": 4.5}, {"title": "责任人", "width": 4}], "rows": rows}
    data = render_bytes(spec(type="限期整改通知书", title="限期整改通知书", body=[BODY] * 4, table=table), fonts)
    with open_pdf(data) as pdf:
        table_pages = [p for p in pdf.pages if any(ln["x0"] == ln["x1"] for ln in p.lines)]
        assert len(table_pages) >= 2
        for page in table_pages:
            heads = [ln.text for ln in lines_of(page, 14.0)]
            assert any("问题" in t and "措施" in t for t in heads)       # header on every page
        for page in table_pages[:-1]:  # a page the table continues from is full to its bottom
            lowest = min(page.height - ln["bottom"] for ln in page.lines if ln["x0"] == ln["x1"])
            assert lowest - CFG.y_bottom < CFG.table_pitch + 2 * 4.0 + TOL, lowest - CFG.y_bottom
        dates = [ln.text for p in pdf.pages for ln in lines_of(p, 14.0) if "2026年" in ln.text and "印发" not in ln.text]
        assert dates and all("2026年12月31日" in t for t in dates)           # column wide enough


def test_short_cells_and_dates_are_not_broken(fonts):
    data = render_bytes(sample_spec("限期整改通知书"), fonts)
    with open_pdf(data) as pdf:
        texts = [ln.text for p in pdf.pages for ln in lines_of(p, 14.0)]
    for word in ("2026年12月31日", "2027年1月15日", "党组书记", "办公室主任", "分管副局长"):
        assert any(word in t for t in texts), word
    assert not any(t.endswith(("2026年", "12月", "党组书")) for t in texts)


def test_attachment_names_align_from_the_tenth_on(fonts):
    names = [f"附件名称{n}" for n in range(1, 13)]
    data = render_bytes(spec(attachments=names), fonts)
    with open_pdf(data) as pdf:
        starts = {}
        for page in pdf.pages:
            for line in lines_of(page):
                for name in names:
                    text = line.text
                    if text.endswith(name) and (text.startswith(f"{names.index(name) + 1}.")
                                                or text.startswith("附件：")):
                        first = next(c for c in line.chars if c["text"] == "附" and c is not line.chars[0]
                                     or (c["text"] == "附" and not text.startswith("附件：")))
                        starts[name] = origin_x(first)
    assert len(starts) == 12
    assert max(starts.values()) - min(starts.values()) <= 0.1, starts


def _imprint_page(pdf) -> int:
    return next(i for i, p in enumerate(pdf.pages, 1)
                if any("印发" in ln.text for ln in lines_of(p, 14.0)))


def test_imprint_goes_on_an_even_page_for_duplex_printing(fonts):
    for paragraphs in range(8, 40, 2):
        data = render_bytes(spec(body=[BODY] * paragraphs), fonts)
        with open_pdf(data) as pdf:
            if len(pdf.pages) == 4 and not any("印发" in ln.text for ln in lines_of(pdf.pages[2], 14.0)) \
                    and any(ln.text for ln in lines_of(pdf.pages[2])):
                break
    else:
        pytest.fail("no body length ends on page 3")
    with open_pdf(data) as pdf:
        assert _imprint_page(pdf) == 4 and len(pdf.pages) == 4
        assert page_number_text(pdf.pages[3]) is None            # the 版记 page shows no number
        assert page_number_text(pdf.pages[2]) == "— 3 —"
    single = render_bytes(spec(body=[BODY] * paragraphs, duplex=False), fonts)
    with open_pdf(single) as pdf:
        assert _imprint_page(pdf) == 3 and len(pdf.pages) == 3


def test_letters_are_not_moved_to_an_even_page_by_default(fonts):
    letter = spec(type="提醒函", title="提醒函", body=[BODY] * 3)
    assert not letter.imprint_on_even_page and spec().imprint_on_even_page


def test_signature_stays_with_the_last_body_lines(fonts):
    """Find a length where 署名/日期 would take the last line to a new page, then check
    the remedy: same page as body text, fewer pages, never a page of signature alone."""
    cfg = LayoutConfig()
    for paragraphs in range(3, 30):
        letter = spec(type="提醒函", title="提醒函", body=[BODY] * paragraphs, cc=[])
        plain, moved = _compose(letter, fonts, cfg)
        if moved:
            break
    else:
        pytest.fail("no body length moves the signature")
    kept = compose(letter, fonts, cfg)
    assert len(kept.pages) < len(plain.pages)
    data = render_bytes(letter, fonts)
    with open_pdf(data) as pdf:
        last = pdf.pages[-1]
        texts = [ln.text for ln in lines_of(last)]
        sig_page = next(p for p in pdf.pages if any("2026年11月29日" == ln.text for ln in lines_of(p)))
        body = [ln.text for ln in lines_of(sig_page) if ln.text not in ("中共××县纪律检查委员会", "2026年11月29日")]
        assert body and len(body[-1]) > 2, texts        # body text above the signature
        assert "此页无正文" not in "".join(texts)
