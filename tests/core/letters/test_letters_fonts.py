"""Font discovery, the scan cache, roles and per-character fallback."""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from desktop_app.errors import UserFacingError
from desktop_app.letters import LetterSpec, Role, fonts_report, render_bytes
from desktop_app.letters import facecache, fontscan
from desktop_app.letters.fonts import FontSet, load_face
from desktop_app.letters.fontscan import TRUETYPE, scan_fonts

from letters_pdf import open_pdf

RARE = "𠮷䶮镕堃喆赟"


def _letter(body: str) -> LetterSpec:
    return LetterSpec.from_json({"type": "提醒函", "office": "中共××县纪律检查委员会", "recipient": "王××同志",
                                 "title": "提醒函", "body": [body], "date": "2026-11-29"})


def test_scan_identifies_faces_by_internal_name_and_skips_cff(fonts, caplog):
    usable = [f for f in fonts.scan.faces if f.outline == TRUETYPE and f.cjk]
    assert usable and all(f.names for f in usable)
    assert all(f.path.lower().endswith((".ttf", ".ttc")) for f in usable)
    cff = [f for f in fonts.scan.faces if f.outline == "cff" and f.cjk]
    if cff:  # Debian's Noto CJK: reported, never used
        with caplog.at_level(logging.INFO, logger="desktop_app.letters.fontscan"):
            fontscan.scan_file(cff[0].path)
        assert "跳过 CFF 轮廓字体" in caplog.text
        assert all(f not in fonts.chain(role) for role in Role for f in cff)


def test_ttc_sub_fonts_are_listed_separately(fonts):
    indexes = {f.index for f in fonts.scan.faces if f.path.endswith(".ttc")}
    assert len(indexes) > 1


def test_scan_cache_is_reused_and_refreshed_on_change(tmp_path, monkeypatch):
    source = next((p for p in Path("/usr/share/fonts").rglob("*.ttf")), None)
    if source is None:
        pytest.skip("no .ttf file to copy")
    font_dir, cache = tmp_path / "fonts", tmp_path / "cache"
    font_dir.mkdir()
    copy = font_dir / "a.ttf"
    shutil.copy(source, copy)
    first = scan_fonts([font_dir], cache)
    assert (cache / fontscan.cache_file((font_dir,))).is_file()
    fontscan._MEMO.clear()
    monkeypatch.setattr(fontscan, "scan_file", lambda path: pytest.fail("cache not used"))
    assert scan_fonts([font_dir], cache).faces == first.faces
    monkeypatch.undo()
    copy.touch()
    shutil.copy(source, font_dir / "b.ttf")
    fontscan._MEMO.clear()
    assert len(scan_fonts([font_dir], cache).faces) == 2 * len(first.faces)


def test_office_preferences_change_the_role_font(fonts):
    names = {f.label for f in fonts.scan.usable if f.cjk}
    other = sorted(names)[-1]
    custom = FontSet(fonts.scan, {**{r.value: [] for r in Role}, "仿宋": [other]})
    assert custom.chain(Role.FANGSONG)[0].label == other
    assert custom.report().roles[1].rank == 0


def test_missing_glyph_falls_back_per_character(fonts):
    microhei = [f for f in fonts.scan.usable if f.label == "WenQuanYi Micro Hei"]
    if not microhei or fonts.font_for(Role.FANGSONG, "䶮") is None:
        pytest.skip("needs WenQuanYi Micro Hei (lacks 䶮) and another font that has 䶮")
    custom = FontSet(fonts.scan, {**{r.value: [] for r in Role}, "仿宋": ["WenQuanYi Micro Hei"],
                                  "小标宋": ["WenQuanYi Micro Hei"], "宋体": ["WenQuanYi Micro Hei"]})
    data = render_bytes(_letter("请䶮同志于本周内报告。"), custom)
    with open_pdf(data) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"] == "䶮"]
    assert chars and "MicroHei" not in chars[0]["fontname"]


@pytest.mark.parametrize("ch", list(RARE))
def test_rare_characters_print_through_a_fallback_or_are_refused_by_name(fonts, ch):
    spec = _letter(f"请{ch}同志于本周内报告。")
    if fonts.font_for(Role.FANGSONG, ch) is None:
        with pytest.raises(UserFacingError) as err:
            render_bytes(spec, fonts)
        message = str(err.value)
        assert f"「{ch}」" in message and f"U+{ord(ch):04X}" in message and "正文第1段" in message
        return
    with open_pdf(render_bytes(spec, fonts)) as pdf:
        assert ch in "".join(c["text"] for c in pdf.pages[0].chars)


def test_report_names_a_file_for_every_role(fonts):
    report = fonts_report(fonts)
    assert not report.missing
    for role in report.roles:
        assert Path(role.location.split("#")[0]).is_file()
    text = report.to_text()
    for role in Role:
        assert role.value in text


def test_cached_face_equals_a_parsed_one(fonts, tmp_path):
    face = fonts.chain(Role.FANGSONG)[0]
    fresh = facecache.load_ttfont("T1", face.path, face.index, tmp_path)    # parses, then saves
    cached = facecache.load_ttfont("T2", face.path, face.index, tmp_path)   # restores
    assert set(vars(cached)) == set(vars(fresh))
    # glyphToChar is derived on use (reportlab never reads it after parsing)
    assert set(vars(cached.face)) - {"_glyph_chars"} | {"glyphToChar"} == set(vars(fresh.face))
    for key, value in vars(fresh.face).items():
        if key not in ("_pdfScale", "_ttf_data"):
            mine = getattr(cached.face, key)
            if isinstance(value, list):   # packed arrays behind the same interface
                mine = list(mine)
            assert mine == value, key
    assert 0x4E2D in cached.face.charToGlyph and cached.face.charWidths.get(-5, "none") == "none"
    assert cached.face._ttf_data[:4096] == fresh.face._ttf_data[:4096]   # memory-mapped file
    assert cached.face._pdfScale(512) == fresh.face._pdfScale(512)
    assert cached.stringWidth("中A", 16) == fresh.stringWidth("中A", 16)


def test_no_font_at_all_is_a_clear_refusal(tmp_path):
    empty = FontSet(scan_fonts([tmp_path / "none"], None))
    with pytest.raises(UserFacingError, match="没有找到可用的中文 TrueType 字体"):
        render_bytes(_letter("正文。"), empty)
    assert set(empty.report().missing) == {r.value for r in Role}


def test_load_face_refuses_what_reportlab_cannot_embed(fonts):
    cff = [f for f in fonts.scan.faces if f.outline == "cff"]
    if not cff:
        pytest.skip("no CFF font installed")
    assert load_face(cff[0]) is None


# --- style-aware fallback and honesty about it ------------------------------------
def _fake_dir(tmp_path, *files: str) -> Path:
    folder = tmp_path / "fake-fonts"
    folder.mkdir(exist_ok=True)
    for name in files:
        source = Path(name)
        if not source.is_file():
            pytest.skip(f"needs {name}")
        (folder / source.name).symlink_to(source)
    return folder


HEI = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
SONG = "/usr/share/fonts/truetype/arphic/uming.ttc"
KAI = "/usr/share/fonts/truetype/arphic/ukai.ttc"


def test_only_hei_and_song_installed_fangsong_gets_the_song_and_a_warning(tmp_path):
    fonts = FontSet(scan_fonts([_fake_dir(tmp_path, HEI, SONG)], None))
    report = {r.role: r for r in fonts.report().roles}
    assert fonts.style(fonts.chain(Role.FANGSONG)[0]) == "宋体"       # not the 黑体
    assert fonts.style(fonts.chain(Role.XIAOBIAOSONG)[0]) == "宋体"
    assert fonts.style(fonts.chain(Role.KAITI)[0]) == "宋体"           # no 楷体: serif before 黑体
    assert fonts.style(fonts.chain(Role.HEITI)[0]) == "黑体"
    assert not report["仿宋"].meets_standard and report["黑体"].meets_standard
    warning = report["仿宋"].warning
    assert "本机没有仿宋字体" in warning and report["仿宋"].font in warning and "宋体" in warning
    assert "不符合" in fonts.report().to_text()
    result = render_bytes_result(fonts)
    assert any("仿宋" in w for w in result.warnings)
    assert not any(w.startswith("本机没有黑体") for w in result.warnings)


def test_kaiti_role_finds_any_installed_kai(tmp_path):
    fonts = FontSet(scan_fonts([_fake_dir(tmp_path, HEI, SONG, KAI)], None))
    assert fonts.style(fonts.chain(Role.KAITI)[0]) == "楷体"
    assert fonts.report().roles[3].meets_standard


def render_bytes_result(fonts):
    from desktop_app.letters.render import _render
    import io
    return _render(_letter("一、总体要求\n经研究，现予提醒。"), io.BytesIO(), fonts, None)


def test_added_font_is_found_before_system_fonts(tmp_path):
    from desktop_app.letters.fontadd import add_font
    from desktop_app.letters.fonts import get_fonts
    data = tmp_path / "data"
    system = _fake_dir(tmp_path, HEI, SONG, KAI)
    source = tmp_path / "office" / "our-kai.ttc"
    source.parent.mkdir()
    shutil.copy(KAI, source)
    added = add_font(source, data)
    assert (data / "fonts" / "our-kai.ttc").is_file() and "楷体" in added.styles
    fonts = get_fonts(font_dirs=[system], added_dir=data / "fonts")
    assert fonts.chain(Role.KAITI)[0].path == str(data / "fonts" / "our-kai.ttc")
    assert add_font(source, data).already                     # adding twice changes nothing


@pytest.mark.parametrize("content, message", [(b"", "无法读取"), (b"not a font at all", "无法读取")])
def test_adding_a_bad_file_is_refused_and_changes_nothing(tmp_path, content, message):
    from desktop_app.letters.fontadd import add_font
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(content)
    with pytest.raises(UserFacingError, match=message):
        add_font(bad, tmp_path / "data")
    assert not (tmp_path / "data" / "fonts").exists()
    with pytest.raises(UserFacingError, match="找不到字体文件"):
        add_font(tmp_path / "missing.ttf", tmp_path / "data")
