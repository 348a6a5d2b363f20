"""Rendered letters parsed back with pdfplumber, measured against gbt9704.md.

All positions are checked within 0.5 mm. Baselines and origins come from each
character's text matrix, so the checks do not depend on a font's ascent metrics.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings

from desktop_app.errors import UserFacingError
from desktop_app.letters import LetterSpec, Role, render_bytes, render_pdf
from desktop_app.letters.geometry import A4_H, A4_W, MM
from desktop_app.letters.linebreak import NO_END, NO_START
from desktop_app.letters.samples import sample_spec, sample_values

from letters_pdf import (CFG, TOL, baseline, body_lines, grid_row, is_red, lines_of, open_pdf,
                         origin_x, page_number_text)
from test_letters_linebreak import paragraphs

X0, X1, CELL = CFG.x0, CFG.x1, CFG.cell
CENTRE = X0 + CFG.width / 2
LONG_BODY = [
    "经日常监督发现，你单位在落实全面从严治党主体责任方面存在以下问题，现予以提醒：",
    "一、严格执行中央八项规定及其实施细则精神",
    "（一）加强公务用车管理。落实派车登记、定点停放和使用情况公示制度，严禁公车私用、私车公养。对2026年以来的用车记录开展一次全面自查，形成PDF版台账，确保100%覆盖。",
    "（二）规范公务接待。严格执行“无公函不接待”制度……对超标准接待的，一律由个人退赔——不搞变通。",
    "1.建立问题清单，逐项明确责任人和完成时限，做到“底数清、情况明”。",
    "（1）每月5日前报送上月整改进展；",
    "二、切实履行监督责任",
] + ["请高度重视，认真对照检查，切实加以纠正，并于2026年12月15日前将自查和整改情况书面报告我委。"
     "对拒不纠正或者纠正不到位的，我委将依规依纪采取约谈、问责等措施，确保各项要求落到实处。"] * 6 + ["特此函告。"]


def letter_spec(**changes) -> LetterSpec:
    data = {"type": "提醒函", "office": "中共××县纪律检查委员会", "number": "×纪函〔2026〕5号",
            "recipient": "中共××镇委员会", "title": "提醒函", "body": LONG_BODY, "date": "2026-11-29",
            "attachments": ["问题清单", "整改台账样表"], "cc": ["中共××镇委员会书记"], "mark": "内部"}
    return LetterSpec.from_json({**data, **changes})


@pytest.fixture(scope="module")
def rendered(fonts):
    """Every sample type plus a long letter in both formats, rendered once."""
    out = {name: render_bytes(sample_spec(name), fonts) for name in sample_values()}
    out["长信函"] = render_bytes(letter_spec(), fonts)
    out["长文件"] = render_bytes(letter_spec(type="纪律检查建议书", sealed=False), fonts)
    return out


def pages(data: bytes):
    pdf = open_pdf(data)
    return pdf.pages


def em_top(char) -> float:
    return baseline(char) + CFG.em_ascent * char["size"]


# --- paper, grid, lines ------------------------------------------------------------
def test_every_page_is_a4(rendered):
    for name, data in rendered.items():
        for page in pages(data):
            assert abs(page.width - A4_W) < 0.01 and abs(page.height - A4_H) < 0.01, name


JUSTIFY_TOL = 0.3 * MM
CLOSING_MARKS = set("，。、；：？！）〕】］｝〉》」』〗”’")


def _right_edge_ok(char) -> bool:
    """A line's last glyph ends on the 版心's right edge (184 mm) within 0.3 mm; a closing
    mark may stand there at half width (compressed, as Chinese typesetting allows)."""
    if char["text"] in CLOSING_MARKS:
        return origin_x(char) + CELL / 2 - JUSTIFY_TOL <= X1 <= origin_x(char) + CELL + JUSTIFY_TOL
    return abs(origin_x(char) + min(char["adv"], CELL) - X1) <= JUSTIFY_TOL


def _continued(lines, i) -> bool:
    """Line i is not its paragraph's last: the next line starts flush at the margin."""
    return i + 1 < len(lines) and abs(origin_x(lines[i + 1].chars[0]) - X0) <= JUSTIFY_TOL


def _text_lines(page):
    """3号 lines of the body (a page whose 署名 was kept by a tighter pitch is off-grid)."""
    return [ln for ln in lines_of(page) if ln.chars and ln.text != "内部" and "〔" not in ln.text]


@pytest.mark.parametrize("name", ["长信函", "长文件", "提醒函", "纪律检查建议书", "限期整改通知书", "函询通知书"])
def test_every_non_final_line_ends_on_the_right_edge(rendered, name):
    checked = 0
    for page in pages(rendered[name]):
        lines = _text_lines(page)
        for i, line in enumerate(lines):
            if _continued(lines, i):
                assert _right_edge_ok(line.chars[-1]), (name, line.text, (origin_x(line.chars[-1]) - X0) / MM)
                checked += 1
    assert checked >= 3


@pytest.mark.parametrize("name", ["长信函", "长文件", "提醒函", "纪律检查建议书"])
def test_lines_begin_flush_and_digits_take_their_natural_width(rendered, name):
    digits = 0
    for page in pages(rendered[name]):
        for line in _text_lines(page):
            start = (origin_x(line.chars[0]) - X0) / CELL
            # flush at the margin, or a paragraph's 2-字 indent, or a signature further right
            assert abs(start - round(start)) * CELL <= TOL or start > 4, (name, line.text, start)
            for a, b in zip(line.chars, line.chars[1:]):
                if a["text"].isdigit() and b["text"].isdigit():  # inside a number: no gap
                    assert origin_x(b) - (origin_x(a) + a["adv"]) <= 0.25 * 16, (name, line.text)
                    assert a["adv"] < 0.7 * CELL  # half-width digits, not a whole cell each
                    digits += 1
    assert digits > 3


@pytest.mark.parametrize("name", ["长信函", "长文件", "纪律检查建议书", "谈话提醒通知书"])
def test_at_most_22_body_lines_a_page_on_grid_rows(rendered, name):
    for page in pages(rendered[name]):
        rows = {round(grid_row(line.baseline)) for line in body_lines(page)}
        assert len(rows) <= 22 and all(0 <= r <= 21 for r in rows), rows
    full = [p for p in pages(rendered[name]) if len(body_lines(p)) == 22]
    assert full or name != "长信函"


def test_nothing_runs_past_the_text_block(rendered):
    for name, data in rendered.items():
        for page in pages(data):
            for char in page.chars:
                right = char["x0"] + (CELL / 2 if char["text"] in CLOSING_MARKS else char["adv"])
                assert char["x0"] >= X0 - TOL and right <= X1 + TOL, (name, char["text"])
                assert char["top"] >= 25 * MM - TOL  # the 信函 mark starts 30 mm down
                assert page.height - char["bottom"] >= 20 * MM  # page numbers sit 7 mm below the 版心


def _check_kinsoku(page) -> None:
    for line in body_lines(page):
        text = line.text.strip()
        if not text:
            continue
        assert text[-1] not in NO_END, text
        first = line.chars[0]
        if origin_x(first) - X0 < 1.5 * CELL:  # not a paragraph start (those are indented 2)
            assert text[0] not in NO_START and not text.startswith(("——", "……")), text


def test_rendered_lines_obey_kinsoku(rendered):
    for data in rendered.values():
        for page in pages(data):
            _check_kinsoku(page)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paragraphs)
def test_generated_paragraphs_render_within_the_grid(fonts, text):
    data = render_bytes(letter_spec(body=[text or "正文。"], attachments=[], cc=[]), fonts)
    for page in pages(data):
        _check_kinsoku(page)
        for char in page.chars:
            right = char["x0"] + (CELL / 2 if char["text"] in CLOSING_MARKS else char["adv"])
            assert X0 - TOL <= char["x0"] and right <= X1 + TOL


# --- fonts and colours ---------------------------------------------------------------
def test_all_fonts_are_embedded_truetype(rendered):
    for name, data in rendered.items():
        descriptors = len(re.findall(rb"/Type /FontDescriptor", data))
        assert descriptors and descriptors == len(re.findall(rb"/FontFile2", data)), name
        assert b"/Helvetica" not in data and b"/Type1" not in data


def test_heading_levels_use_their_role_fonts(rendered, fonts):
    chars = [c for p in pages(rendered["长信函"]) for c in p.chars if c["size"] == 16]

    def font_of(text: str) -> str:
        return next(c["fontname"] for c in chars if c["text"] == text)

    def ps_name(role: Role) -> str:
        return fonts.primary(role).ttf.face.name.decode()

    assert ps_name(Role.HEITI) in font_of("细")       # 一、严格执行…实施细则精神
    assert ps_name(Role.KAITI) in font_of("范")       # （二）规范公务接待。
    assert ps_name(Role.FANGSONG) in font_of("拒")    # body text


def test_letterhead_and_rules_are_red_text_is_black(rendered):
    for name in ("提醒函", "谈话提醒通知书"):
        page = pages(rendered[name])[0]
        mark = [c for c in page.chars if c["size"] > 24]
        assert mark and all(is_red(c["non_stroking_color"]) for c in mark)
        others = [c for c in page.chars if c["size"] <= 24]
        assert others and not any(is_red(c["non_stroking_color"]) for c in others)
        red_lines = [ln for ln in page.lines if is_red(ln["stroking_color"])]
        assert len(red_lines) == (4 if name == "提醒函" else 1)
    assert not any(is_red(c["non_stroking_color"]) for p in pages(rendered["谈话记录"]) for c in p.chars)


# --- 版头 positions ------------------------------------------------------------------
def _mark(page):
    return [c for c in page.chars if c["size"] > 24]


def _number_chars(page):
    return next(ln.chars for ln in lines_of(page) if "〔" in ln.text)


def test_file_format_head_positions(rendered):
    page = pages(rendered["谈话提醒通知书"])[0]
    mark = _mark(page)
    size = mark[0]["size"]
    assert abs(em_top(mark[0]) - (A4_H - 72 * MM)) <= TOL                 # 35 mm under the 版心 top
    assert abs((mark[0]["x0"] + mark[-1]["x1"]) / 2 - CENTRE) <= TOL      # centred on the 版心
    number = _number_chars(page)
    mark_bottom = em_top(mark[0]) - size
    assert abs(em_top(number[0]) - (mark_bottom - CFG.gap - 2 * CFG.pitch)) <= TOL  # 下空二行
    assert abs((number[0]["x0"] + number[-1]["x1"]) / 2 - CENTRE) <= TOL
    rule = next(ln for ln in page.lines if is_red(ln["stroking_color"]))
    number_bottom = em_top(number[0]) - 16
    assert abs(rule["top"] - rule["linewidth"] / 2 - (A4_H - number_bottom + 4 * MM)) <= TOL  # 4 mm
    assert abs(rule["x0"] - X0) <= TOL and abs(rule["x1"] - X1) <= TOL
    inner = next(ln for ln in lines_of(page) if ln.text == "内部")
    assert abs(origin_x(inner.chars[0]) - X0) <= TOL and round(grid_row(inner.baseline), 2) == 0


def test_letter_format_head_positions(rendered):
    page = pages(rendered["提醒函"])[0]
    mark = _mark(page)
    size = mark[0]["size"]
    assert abs(em_top(mark[0]) - (A4_H - 30 * MM)) <= TOL                 # 30 mm from the paper top
    reds = sorted((ln for ln in page.lines if is_red(ln["stroking_color"])), key=lambda ln: ln["top"])
    thick, thin = reds[0], reds[1]
    assert thick["linewidth"] > thin["linewidth"]                         # 上粗下细
    mark_bottom = em_top(mark[0]) - size
    assert abs((A4_H - thick["top"]) + thick["linewidth"] / 2 - (mark_bottom - 4 * MM)) <= TOL
    for rule in reds:                                                     # 170 mm, centred on the 版心
        assert abs(rule["x1"] - rule["x0"] - 170 * MM) <= TOL
        assert abs((rule["x0"] + rule["x1"]) / 2 - CENTRE) <= TOL
    low_thin, low_thick = reds[2], reds[3]
    assert low_thick["linewidth"] > low_thin["linewidth"]                 # 上细下粗
    assert abs(A4_H - low_thick["top"] - low_thick["linewidth"] / 2 - 20 * MM) <= TOL
    number = _number_chars(page)
    assert abs(number[-1]["x1"] - X1) <= TOL                              # flush right
    thin_bottom = A4_H - thin["top"] - thin["linewidth"] / 2
    assert abs(em_top(number[0]) - (thin_bottom - 14)) <= TOL             # 7/8 of a 3号 character
    assert page_number_text(page) is None                                 # no number on page 1


def test_title_is_centred_two_lines_below(rendered):
    page = pages(rendered["谈话提醒通知书"])[0]
    title = lines_of(page, 22.0)[0]
    assert abs((title.chars[0]["x0"] + title.chars[-1]["x1"]) / 2 - CENTRE) <= TOL
    rule = next(ln for ln in page.lines if is_red(ln["stroking_color"]))
    rule_bottom = A4_H - rule["top"] - rule["linewidth"] / 2
    assert abs(em_top(title.chars[0]) - (rule_bottom - CFG.gap - 2 * CFG.pitch)) <= TOL


# --- closing ---------------------------------------------------------------------------
def _line_with(data: bytes, pattern: str):
    for number, page in enumerate(pages(data), 1):
        for line in lines_of(page):
            if re.fullmatch(pattern, line.text):
                return number, line
    raise AssertionError(pattern)


def test_sealed_date_inset_four_and_signature_centred(rendered):
    _n, date = _line_with(rendered["长信函"], r"2026年11月29日")
    _n, sig = _line_with(rendered["长信函"], r"中共××县纪律检查委员会")
    assert abs(date.chars[-1]["x1"] - (X1 - 4 * CELL)) <= TOL + 0.3
    centre = (date.chars[0]["x0"] + date.chars[-1]["x1"]) / 2
    assert abs((sig.chars[0]["x0"] + sig.chars[-1]["x1"]) / 2 - centre) <= TOL
    assert abs(sig.baseline - date.baseline - CFG.pitch) < 0.1


def test_unsealed_signature_inset_two_date_two_further(rendered):
    _n, date = _line_with(rendered["长文件"], r"2026年11月29日")
    _n, sig = _line_with(rendered["长文件"], r"中共××县纪律检查委员会")
    assert abs(sig.chars[-1]["x1"] - (X1 - 2 * CELL)) <= TOL + 0.3
    assert abs(origin_x(date.chars[0]) - origin_x(sig.chars[0]) - 2 * CELL) <= TOL


def test_signature_never_stands_alone_on_a_page(rendered):
    """[STD 7.3.5.5]: the page with 署名 and 成文日期 also carries text of the letter."""
    for name, data in rendered.items():
        if name == "谈话记录":
            continue
        number, date = _line_with(data, r"\d{4}年\d{1,2}月\d{1,2}日")
        page = pages(data)[number - 1]
        closing = re.compile(r"中共××县.*|××县监察委员会|\d{4}年\d{1,2}月\d{1,2}日(印发)?|抄[送报]：.*|— \d+ —")
        others = [ln.text for size in (14.0, 16.0) for ln in lines_of(page, size)
                  if not closing.fullmatch(ln.text)]
        assert others, (name, "署名 and date alone on a page")


def test_file_imprint_rules_and_rows(rendered):
    page = pages(rendered["长文件"])[-1]
    black = sorted((ln for ln in page.lines if not is_red(ln["stroking_color"])), key=lambda ln: ln["top"])
    bottom, top = black[-1], black[0]
    assert abs(bottom["linewidth"] - 0.35 * MM) < 0.01 and abs(top["linewidth"] - 0.35 * MM) < 0.01
    assert abs(A4_H - bottom["top"] - bottom["linewidth"] / 2 - CFG.y_bottom) <= TOL  # on the 版心 bottom
    thin = black[1:-1]
    assert len(thin) == 1 and abs(thin[0]["linewidth"] - 0.25 * MM) < 0.01
    rows = lines_of(page, 14.0)
    printed = next(ln for ln in rows if ln.text.endswith("印发"))
    assert abs(printed.chars[-1]["x1"] - (X1 - 14)) <= TOL and abs(printed.chars[0]["x0"] - (X0 + 14)) <= TOL
    copy = next(ln for ln in rows if ln.text.startswith("抄送："))
    assert copy.text.endswith("。") and abs(copy.chars[0]["x0"] - (X0 + 14)) <= TOL


def test_letter_copy_line_sits_at_the_block_bottom_without_rules(rendered):
    page = pages(rendered["提醒函"])[-1]
    copy = next(ln for ln in lines_of(page, 14.0) if ln.text.startswith("抄送："))
    assert CFG.y_bottom <= baseline(copy.chars[0]) <= CFG.y_bottom + CFG.pitch
    assert not [ln for ln in page.lines if not is_red(ln["stroking_color"])]


# --- page numbers -------------------------------------------------------------------------
def test_page_numbers_odd_right_even_left(rendered):
    for name in ("长文件", "长信函", "限期整改通知书"):
        for number, page in enumerate(pages(rendered[name]), 1):
            text = page_number_text(page)
            if name == "长信函" and number == 1 or not lines_of(page):
                assert text is None  # 信函 page 1; a page holding only the 版记 [STD 7.5]
                continue
            assert text == f"— {number} —", (name, number, text)
            line = next(ln for ln in lines_of(page, 14.0) if ln.text == text)
            if number % 2:
                assert abs(line.chars[-1]["x1"] - (X1 - 14)) <= TOL
            else:
                assert abs(line.chars[0]["x0"] - (X0 + 14)) <= TOL


def test_page_number_dash_is_7mm_below_the_block(rendered):
    page = pages(rendered["长文件"])[0]
    line = next(ln for ln in lines_of(page, 14.0) if page_number_text(page) == ln.text)
    dash = line.chars[0]
    image = page.to_image(resolution=300).original.convert("L")
    scale = 300 / 72
    left, right = int(dash["x0"] * scale) + 2, int(dash["x1"] * scale) - 2
    top, bottom = int((A4_H - CFG.y_bottom) * scale), int((A4_H - CFG.y_bottom + 15 * MM) * scale)
    ink = [y for y in range(top, bottom) if any(image.getpixel((x, y)) < 128 for x in range(left, right))]
    assert ink, "dash not found"
    middle = (ink[0] + ink[-1]) / 2 / scale
    assert abs(middle - (A4_H - CFG.y_bottom + 7 * MM)) <= TOL


# --- tables and forms ---------------------------------------------------------------------
def test_task_table_splits_and_repeats_its_header(rendered):
    table_pages = [p for p in pages(rendered["限期整改通知书"]) if lines_of(p, 14.0)]
    with_rows = [p for p in table_pages if any(re.fullmatch(r"\d", ln.text[:1] or "x") for ln in lines_of(p, 14.0))]
    assert len(with_rows) >= 2
    for page in with_rows:
        header = [ln for ln in lines_of(page, 14.0) if "问题" in ln.text and "措施" in ln.text]
        assert header, "header row missing on a continuation page"
        for char in page.chars:
            right = char["x0"] + (CELL / 2 if char["text"] in CLOSING_MARKS else char["adv"])
            assert X0 - TOL <= char["x0"] and right <= X1 + TOL


def test_talk_record_form(rendered):
    all_pages = pages(rendered["谈话记录"])
    text = "".join(c["text"] for p in all_pages for c in p.chars)
    for label in ("谈话对象", "谈话人", "记录人", "谈话内容", "签字"):
        assert label in text
    assert lines_of(all_pages[0], 22.0)[0].text == "谈话记录"
    assert all(p.lines for p in all_pages)


def test_render_pdf_writes_atomically(tmp_path, fonts):
    result = render_pdf(letter_spec(), tmp_path / "a.pdf", fonts)
    assert result.pages >= 2 and result.path.read_bytes().startswith(b"%PDF")
    assert {p.name for p in tmp_path.iterdir()} == {"a.pdf"}
    assert set(result.fonts) >= {"仿宋", "小标宋", "黑体", "楷体", "宋体"}


def test_long_copy_list_and_long_table_cells(fonts):
    many = [f"中共××县第{i}乡镇委员会" for i in range(1, 26)]
    data = render_bytes(letter_spec(type="纪律检查建议书", cc=many), fonts)
    last = pages(data)[-1]
    assert any(ln.text.startswith("抄送：") for ln in lines_of(last, 14.0))
    with pytest.raises(UserFacingError, match="版记超过一页"):
        render_bytes(letter_spec(cc=many * 4), fonts)
    table = {"columns": [{"title": "问题", "width": 10}, {"title": "措施", "width": 18}],
             "rows": [["很长的问题描述。" * 60, "措施" * 300]]}
    data = render_bytes(letter_spec(type="限期整改通知书", table=table), fonts)
    with_header = [p for p in pages(data) if any("问题" in ln.text and "措施" in ln.text for ln in lines_of(p, 14.0))]
    assert len(with_header) >= 2
    for page in pages(data):  # nothing below the 版心, even with a repeated header
        rules = [ln for ln in page.lines if ln["x0"] != ln["x1"]]
        assert all(A4_H - ln["top"] >= CFG.y_bottom - TOL for ln in rules)


def test_long_title_wraps_into_centred_lines_and_note_follows_the_date(fonts):
    title = "关于对中共××县××镇党委落实全面从严治党主体责任情况的监督建议书"
    data = render_bytes(letter_spec(type="纪律检查建议书", title=title, note="联系人：赵××，电话：0000-1234567"),
                        fonts)
    titles = lines_of(pages(data)[0], 22.0)
    assert len(titles) == 2 and "".join(t.text for t in titles) == title.replace("××", "××")
    for line in titles:
        assert abs((line.chars[0]["x0"] + line.chars[-1]["x1"]) / 2 - CENTRE) <= TOL
    for word in ("落实", "全面从严治党", "主体责任", "监督建议书"):   # wrapped between words
        assert any(word in line.text for line in titles), word
    number, date = _line_with(data, r"2026年11月29日")
    note = next(ln for ln in lines_of(pages(data)[number - 1]) if ln.text.startswith("（联系人"))
    assert note.text.endswith("）") and abs(date.baseline - note.baseline - CFG.pitch) < 0.1
    assert abs(origin_x(note.chars[0]) - (X0 + 2 * CELL)) <= TOL
