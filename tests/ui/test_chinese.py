"""What a clerk reads is Chinese: Qt's own file dialog (texts, sizes, dates),
and every window title names the program once."""
from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QFileDialog, QLabel,
                               QTreeView)

from ui import dialogs
from ui.forms.record_dialog import RecordDialog
from ui.widgets.pickers import PickerDialog


PROGRAM = "监督台账"
ENGLISH = re.compile(r"[A-Za-z]{2,}")


def shown_title(widget) -> str:
    """The title as the desktop shows it: Qt appends the application display name
    (QPlatformWindow::formatWindowTitle) unless the title already ends with it."""
    title, name = widget.windowTitle(), QApplication.applicationDisplayName()
    return title if not name or title.endswith(name) else f"{title} — {name}" if title else name


def _english(texts, allowed=()) -> list[str]:
    out = []
    for t in texts:
        for word in ENGLISH.findall(t.replace("&", "")):
            if word not in allowed:
                out.append(t)
    return out


def _inspect_file_dialog(qtbot, folder, found: dict) -> None:
    d = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog) and w.isVisible())
    d.setViewMode(QFileDialog.ViewMode.Detail)
    d.setDirectory(str(folder))
    view = d.findChild(QTreeView, "treeView")
    qtbot.waitUntil(lambda: view.model().rowCount(view.rootIndex()) == 2)
    model, root = view.model(), view.rootIndex()
    found["rows"] = [[model.index(r, c, root).data() for c in range(4)] for r in range(2)]
    found["header"] = [model.headerData(c, view.header().orientation()) for c in range(4)]
    texts = [w.text() for w in d.findChildren(QLabel) + d.findChildren(QAbstractButton)]
    texts += [w.toolTip() for w in d.findChildren(QAbstractButton)]
    combos = [c for c in d.findChildren(QComboBox) if c.objectName() == "fileTypeCombo"]
    texts += [c.itemText(i) for c in combos for i in range(c.count())]
    found["texts"] = [t for t in texts if t]
    found["title"] = shown_title(d)
    d.reject()


def test_file_dialog_is_chinese_with_chinese_dates(app, qtbot, tmp_path):
    folder = tmp_path / "导出"
    (folder / "子文件夹").mkdir(parents=True)
    (folder / "台账.xlsx").write_bytes(b"x" * 1400)
    found: dict = {}
    QTimer.singleShot(0, lambda: _inspect_file_dialog(qtbot, folder, found))
    # the real dialog the program uses (dialogs.save_file_name is replaced in tests)
    assert dialogs._ask_path(None, "导出 Excel", "台账.xlsx", "Excel 工作簿 (*.xlsx)", save=True) is None
    assert found["header"] == ["名称", "体积", "类型", "修改日期"]
    assert not _english(found["texts"], allowed={"Excel", "xlsx"}), found["texts"]
    by_name = {r[0]: r for r in found["rows"]}
    assert by_name["子文件夹"][2] == "文件夹"
    assert by_name["台账.xlsx"][1] == "1.4 kB"
    for row in found["rows"]:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", row[3]), row
    assert found["title"] == f"导出 Excel — {PROGRAM}"


def test_qt_translations_are_loaded(app):
    from PySide6.QtCore import QCoreApplication, QLocale
    assert QLocale().name() == "zh_CN"
    assert QCoreApplication.translate("QFileDialog", "&Look in:") == "查找范围(&L)："
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    assert QCoreApplication.translate("QFileDialog", "Detail View") == "详情视图"


def test_window_titles_name_the_program_once(window, ctx, qtbot):
    assert ctx.office_name in window.windowTitle()
    record = RecordDialog(ctx, "talk")
    picker = PickerDialog(ctx, "person")
    for w in (record, picker):
        qtbot.addWidget(w)
    from ui.setup_dialog import SetupDialog
    from ui.security.login import LoginDialog
    setup = SetupDialog(ctx.data_dir)
    login = LoginDialog(ctx.data_dir, synchronous=True)
    for w in (setup, login):
        qtbot.addWidget(w)
    for w in (window, record, picker, setup, login):
        assert shown_title(w).count(PROGRAM) == 1, shown_title(w)


def test_no_english_on_any_page_or_record_window(window, ctx, qtbot):
    from desktop_app.domain.registry import FAMILIES
    from ui.pages.navigation import CONFLICTS, DASHBOARD, DOSSIER, EXCHANGE, SEARCH

    from uihelp import english_in, visible_texts
    # keys an administrator types into a template's JSON or a report's code name:
    # the help text must name them as they are typed
    typed_keys = {"number_prefix", "title", "body", "talk_county"}
    found = {}
    pages = list(window.nav.items)
    assert {DASHBOARD, SEARCH, DOSSIER, EXCHANGE, CONFLICTS, *FAMILIES} <= set(pages)
    for key in pages:
        window.show_page(key)
        found[key] = english_in(visible_texts(window), typed_keys)
    for family in FAMILIES:
        d = RecordDialog(ctx, family)
        qtbot.addWidget(d)
        found[f"新建{family}"] = english_in(visible_texts(d), typed_keys)
        page = window.show_page(family)
        if page.model.rowCount():
            d = RecordDialog(ctx, family, page.model.rows[0].id)
            qtbot.addWidget(d)
            found[family + "记录"] = english_in(visible_texts(d), typed_keys)
    guide = window.show_guide()
    found["使用说明"] = english_in(visible_texts(guide) + [guide.browser.toPlainText()])
    assert not {k: v for k, v in found.items() if v}


def test_print_and_input_dialogs_are_chinese(app, qtbot):
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    from PySide6.QtWidgets import QInputDialog, QPushButton

    from uihelp import english_in, visible_texts
    printer = QPrinter()
    d = QPrintDialog(printer)
    qtbot.addWidget(d)
    d.show()
    options = next(b for b in d.findChildren(QPushButton) if b.text().startswith("选项"))
    qtbot.mouseClick(options, Qt.MouseButton.LeftButton)             # the page range, copies…
    texts = visible_texts(d)
    assert any("打印" in t for t in texts) and not english_in(texts, allowed={"PDF"}), texts
    i = QInputDialog()
    qtbot.addWidget(i)
    i.setComboBoxItems(["谈话", "函件"])
    i.show()
    assert not english_in(visible_texts(i))
    d.reject()
