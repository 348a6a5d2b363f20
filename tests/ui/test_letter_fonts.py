"""The letter editor names a role printed in a stand-in font; the 公文字体 dialog adds
an office's own font file to the data folder (found before system fonts)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop_app.letters import get_fonts
from desktop_app.services import queries
from ui.forms.actions import open_letters
from ui.forms.record_dialog import RecordDialog


def _editor(ctx, qtbot):
    s = ctx.open_session()
    try:
        rec = queries.list_records(s, "letter", queries.ListFilter(type_value="提醒函"))[0][0]
    finally:
        s.close()
    d = RecordDialog(ctx, "letter", rec.id)
    qtbot.addWidget(d)
    return open_letters(d)


def test_editor_warns_about_a_stand_in_font_by_name(ctx, qtbot):
    fonts = get_fonts(cache_dir=ctx.data_dir / "cache", added_dir=ctx.data_dir / "fonts")
    expected = [r for r in fonts.report().roles if r.warning and r.role in ("仿宋", "小标宋")]
    ed = _editor(ctx, qtbot)
    qtbot.waitUntil(lambda: ed.pdf is not None, timeout=20000)
    if not expected:
        assert ed.font_warning.isHidden()
        return
    assert ed.font_warning.isVisible()
    for role in expected:
        assert role.role in ed.font_warning.text() and role.font in ed.font_warning.text()
    ed.close()


def test_fonts_dialog_adds_a_font_file_and_refuses_a_bad_one(ctx, qtbot, answers, tmp_path):
    from ui.fonts_dialog import FontsDialog
    source = Path("/usr/share/fonts/truetype/arphic/ukai.ttc")
    if not source.is_file():
        pytest.skip("needs fonts-arphic-ukai")
    dlg = FontsDialog(ctx)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: "公文字体" in dlg.report.toPlainText(), timeout=20000)
    bad = tmp_path / "notes.ttf"
    bad.write_text("not a font", encoding="utf-8")
    answers.open_file = bad
    QTest.mouseClick(dlg.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(answers.errors), timeout=10000)
    assert "无法读取字体文件" in answers.errors[0]
    assert not (ctx.data_dir / "fonts" / "notes.ttf").exists()
    mine = tmp_path / "office-kai.ttc"
    shutil.copy(source, mine)
    answers.open_file = mine
    qtbot.waitUntil(dlg.add_button.isEnabled, timeout=10000)
    QTest.mouseClick(dlg.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已添加" in dlg.report.toPlainText(), timeout=30000)
    assert (ctx.data_dir / "fonts" / "office-kai.ttc").is_file()
    assert "本单位添加" in dlg.report.toPlainText()   # the 楷体 role now uses the office's copy
    assert dlg.changed


def test_settings_page_shows_the_fonts_and_adds_one(window, ctx, qtbot, answers, tmp_path):
    """设置 › 公文字体 in the navigation: the report, and the same add button."""
    from ui.fonts_dialog import FontsPanel
    from ui.pages.navigation import FONTS
    item = window.nav.items[FONTS]
    assert item.parent().text(0) == "设置" and item.text(0) == "公文字体"
    window.nav.setCurrentItem(item)
    qtbot.waitUntil(lambda: isinstance(window.stack.currentWidget(), FontsPanel), timeout=10000)
    panel = window.stack.currentWidget()
    qtbot.waitUntil(lambda: "符合" in panel.report.toPlainText(), timeout=20000)
    bad = tmp_path / "bad.ttc"
    bad.write_bytes(b"\0" * 64)
    answers.open_file = bad
    QTest.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(answers.errors), timeout=10000)
    assert "字体" in answers.errors[0] and not (ctx.data_dir / "fonts" / "bad.ttc").exists()
