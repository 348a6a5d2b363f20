"""Starting the program: first-start setup, the demo folder, Qt in Chinese,
the crash dialog, the About box, shortcuts, remembered window state."""
from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QMessageBox

from desktop_app.services.session import database_path, open_session
from ui import app as app_module
from ui.crash import CrashDialog, CrashReporter
from ui.setup_dialog import SetupDialog

from uihelp import clock, make_ctx, open_dialogs


# the program installs its log file handler on start; each test takes it off again
pytestmark = pytest.mark.usefixtures("drop_log_handlers")


def _startup(data_dir, demo=False):
    st = app_module.Startup(data_dir, demo, clock=clock, synchronous=True, install_hooks=False)
    ended = []
    st.failed.connect(ended.append)
    st.begin()
    return st, ended


def _fill_setup(monkeypatch, name="中共临川县纪律检查委员会", code="lcx-01", clerk="张录入"):
    def fake_exec(self):
        self.name.setText(name)
        self.code.setText(code)
        self.clerk.setText(clerk)
        self.letter_edits["doc.contact"].setText("赵明")
        self.create()
        return self.result()
    monkeypatch.setattr(SetupDialog, "exec", fake_exec)


def test_first_start_asks_for_the_office_and_creates_the_database(app, tmp_path, monkeypatch, qtbot):
    _fill_setup(monkeypatch)
    data = tmp_path / "new"
    st, ended = _startup(data)
    qtbot.addWidget(st.window)
    assert not ended and st.window.isVisible()
    assert "中共临川县纪律检查委员会" in st.window.windowTitle()
    s = open_session(data)
    assert (s.office_code, s.setting("clerk.name"), s.setting("doc.abbr"), s.setting("doc.contact")) == (
        "LCX-01", "张录入", "临", "赵明")
    s.close()
    assert st.window.ctx.user == "张录入"
    assert (data / "logs" / "taizhang.log").exists()


def test_setup_shows_errors_beside_fields(app, tmp_path, qtbot):
    d = SetupDialog(tmp_path / "x")
    qtbot.addWidget(d)
    d.name.setText("中共某县纪律检查委员会")
    assert d.abbr.text() == "某" and "某纪函〔2026〕1号" in d.example.text()
    d.code.setText("不合格的代码")
    d.clerk.setText("甲")
    d.create()
    assert not d.errors["office_code"].isHidden() and "机关代码" in d.errors["office_code"].text()
    assert d.result() != QDialog.DialogCode.Accepted and not database_path(tmp_path / "x").exists()


def test_cancelled_setup_ends_quietly(app, tmp_path, monkeypatch):
    monkeypatch.setattr(SetupDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    st, ended = _startup(tmp_path / "none")
    assert ended == [0] and st.window is None


def test_demo_folder_is_filled_on_first_use(app, tmp_path, monkeypatch, qtbot):
    import desktop_app.demo as demo
    real = demo.fill_demo
    monkeypatch.setattr(demo, "fill_demo", lambda d, **kw: real(d, records=300, **kw))
    st, ended = _startup(tmp_path / "demo", demo=True)
    qtbot.addWidget(st.window)
    assert not ended and "演示数据" in st.window.windowTitle()
    assert database_path(tmp_path / "demo").exists()


def test_qt_speaks_chinese(app):
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    assert box.button(QDialogButtonBox.StandardButton.Ok).text() == "确定"


def test_one_crash_dialog_for_errors_in_any_thread(app, tmp_path, qtbot):
    reporter = CrashReporter(tmp_path / "logs" / "taizhang.log")
    reporter.install()
    try:
        try:
            raise RuntimeError("界面线程出错")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
        qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
        first = reporter.dialog
        assert "界面线程出错" in first.details.toPlainText()
        t = threading.Thread(target=lambda: 1 / 0)
        t.start()
        t.join()
        qtbot.wait(50)
        assert reporter.dialog is first                       # one dialog, not a pile
        first.close()
        t = threading.Thread(target=lambda: [][1])
        t.start()
        t.join()
        qtbot.waitUntil(lambda: reporter.dialog is not first and reporter.dialog.isVisible())
        assert "IndexError" in reporter.dialog.details.toPlainText()
        assert str(tmp_path / "logs" / "taizhang.log") in reporter.dialog.intro.text()
        reporter.dialog.close()
    finally:
        reporter.uninstall()
    assert not any(isinstance(w, CrashDialog) and w.isVisible() for w in QApplication.topLevelWidgets())


def test_about_box_names_version_and_data_folder(window, ctx, monkeypatch):
    seen = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: seen.append(text))
    window.about()
    assert "版本" in seen[0] and str(ctx.data_dir) in seen[0]


def test_help_opens_the_log_folder(window, ctx, answers):
    action = next(a for a in window.menuBar().actions()[-1].menu().actions() if a.text() == "打开日志文件夹")
    action.trigger()
    assert answers.opened == [ctx.log_path.parent]


def test_shortcuts(window, qtbot):
    assert window.new_action.shortcut() == QKeySequence(QKeySequence.StandardKey.New)
    assert window.search_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    assert window.print_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Print)
    page = window.show_page("talk")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.filters.search.hasFocus()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = next(d for d in open_dialogs() if d.fam.name == "talk")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_window_geometry_and_column_widths_are_remembered(app, ctx, demo_dir, qtbot):
    from ui.main_window import MainWindow
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    w.resize(700, 500)
    page = w.show_page("talk")
    page.table.setColumnWidth(1, 234)
    w.close()
    ini = QSettings(str(demo_dir / "window.ini"), QSettings.Format.IniFormat)
    assert ini.contains("geometry/main") and ini.contains("columns/list-talk")
    again = MainWindow(make_ctx(demo_dir))
    qtbot.addWidget(again)
    again.show()
    assert (again.width(), again.height()) == (700, 500)
    assert again.show_page("talk").table.columnWidth(1) == 234
