"""帮助 › 使用说明 (F1): the guide opens inside the program, offline, every
chapter with its pictures, and the files travel with the program."""
from __future__ import annotations

import re

from PySide6.QtCore import Qt

from desktop_app.paths import resource
from ui.help_viewer import INDEX, HelpWindow, chapters

TASKS = ("第一次使用", "一天的录入", "由谈话生成文书", "整改跟踪", "月度汇总", "交换", "备份")


def test_f1_opens_the_guide_once(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_F1)
    guide = window.guide
    assert isinstance(guide, HelpWindow) and guide.isVisible()
    assert guide.current_file() == INDEX and "使用说明" in guide.browser.toPlainText()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert window.guide is guide
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().startswith("帮助"))
    assert menu.actions()[0].text() == "使用说明"
    guide.close()


def test_every_chapter_shows_with_its_pictures(app, qtbot):
    guide = HelpWindow()
    qtbot.addWidget(guide)
    titles = [t for t, _ in chapters()]
    assert all(any(task in t for t in titles) for task in TASKS), titles
    for row in range(1, guide.toc.count()):
        guide.toc.setCurrentRow(row)
        name = guide.toc.item(row).data(Qt.ItemDataRole.UserRole)
        assert guide.current_file() == name
        text = guide.browser.toPlainText()
        assert text.startswith(guide.toc.item(row).text()[:4]), text[:40]
        assert not guide.missing_images(), name
        assert "](" not in text                  # Markdown rendered, not shown as source


def test_links_between_chapters_work_and_stay_inside(app, qtbot):
    folder = resource("guide")
    for path in folder.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)]+)\)", text):
            assert not re.match(r"[a-z]+://", target), (path.name, target)     # offline
            assert (folder / target).is_file(), (path.name, target)
    used = {m for p in folder.glob("*.md")
            for m in re.findall(r"\]\((img/[^)]+)\)", p.read_text(encoding="utf-8"))}
    assert used == {f"img/{p.name}" for p in (folder / "img").glob("*.png")}   # no stale picture


def test_clicking_a_link_goes_to_the_chapter(app, qtbot):
    guide = HelpWindow()
    qtbot.addWidget(guide)
    guide.browser.setSource(guide.browser.source().resolved(chapters()[1][1]))
    assert guide.current_file() == chapters()[1][1]
    assert guide.toc.currentItem().text() == chapters()[1][0]
    qtbot.mouseClick(guide.back, Qt.MouseButton.LeftButton)
    assert guide.current_file() == INDEX


def test_docs_guide_lists_the_same_chapters():
    from pathlib import Path
    readme = (Path(__file__).resolve().parents[2] / "docs" / "guide" / "README.md").read_text(encoding="utf-8")
    for title, name in chapters():
        assert f"[{title}](../../resources/guide/{name})" in readme, title
