"""The security part in the application: login before the window, the window
for the role, the 安全 menu, automatic backups, logout."""
from __future__ import annotations


import pytest
from PySide6.QtWidgets import QApplication

from desktop_app.security import auth, backup
from ui import app as app_module
from ui.main_window import MainWindow
from ui.security import integrate
from ui.security.integrate import SecurityWindow
from secui import PASSWORD, audit_tail, clock, shoot


# the program installs its log file handler on start; each test takes it off again
pytestmark = pytest.mark.usefixtures("drop_log_handlers")


def _start(office, qtbot, name):
    who = auth.authenticate(office, name, PASSWORD[name], clock=clock)
    st = app_module.Startup(office, False, clock=clock, synchronous=True, install_hooks=False,
                            login=lambda folder, demo, clk: who)
    ended = []
    st.failed.connect(ended.append)
    st.begin()
    if st.window is not None:
        qtbot.addWidget(st.window)
    return st, ended


def _menu_texts(window) -> list[str]:
    bar = window.menuBar()
    menu = next(a.menu() for a in bar.actions() if a.text().startswith("安全"))
    return [a.text() for a in menu.actions() if a.text()]


def test_admin_gets_the_ledger_window_with_the_security_menu(app, office, qtbot):
    st, ended = _start(office, qtbot, "管理员甲")
    w = st.window
    assert not ended and isinstance(w, MainWindow)
    assert _menu_texts(w) == ["修改口令…", "锁定屏幕", "审计日志", "备份与恢复", "账户管理",
                              "安全策略与备份设置", "检查数据库…"]
    assert [a.text() for a in w.menuBar().actions()][-1].startswith("帮助")
    s = w.ctx.open_session()
    try:
        assert (s.user, s.role) == ("管理员甲", "管理员")
    finally:
        s.close()
    starts = [b for b in backup.list_backups(office) if b.kind == "start"]
    assert len(starts) == 1                                 # the backup at start
    shoot(w, "main-window-admin")
    w.close()
    assert audit_tail(office, 1) == [("管理员甲", "退出登录")]


def test_clerk_menu_has_no_administration(app, office, qtbot):
    st, _ = _start(office, qtbot, "录入员乙")
    assert _menu_texts(st.window) == ["修改口令…", "锁定屏幕", "备份与恢复", "检查数据库…"]
    s = st.window.ctx.open_session()
    try:
        assert s.role == "录入员"
    finally:
        s.close()
    st.window.close()


def test_auditor_gets_only_the_audit_and_backup_pages(app, office, qtbot):
    st, _ = _start(office, qtbot, "审计员丁")
    w = st.window
    assert isinstance(w, SecurityWindow)
    assert [w.tabs.tabText(i) for i in range(w.tabs.count())] == ["审计日志", "备份与恢复"]
    assert w.pages["audit"].model.rowCount() > 0
    shoot(w, "auditor-window")
    w.close()


def test_security_menu_opens_pages_and_checks_the_database(app, office, qtbot, answers):
    st, _ = _start(office, qtbot, "管理员甲")
    controls = st.window._security
    page = controls.open("accounts")
    qtbot.addWidget(controls.security_window)
    assert page.table.rowCount() == 4
    controls.check()
    assert answers.infos and "检查通过" in answers.infos[-1]
    controls.idle.lock()
    assert controls.idle.is_locked and not controls.security_window.isVisible()
    assert controls.idle.try_unlock(PASSWORD["管理员甲"])
    st.window.close()


def test_run_gui_always_asks_for_a_login(app, tmp_path, monkeypatch):
    made = []

    class Recorder(app_module.Startup):
        def __init__(self, *args, **kw):
            made.append(kw.get("login"))
            super().__init__(*args, install_hooks=False, **{k: v for k, v in kw.items() if k != "install_hooks"})

        def begin(self):
            self.failed.emit(0)
    monkeypatch.setattr(app_module, "Startup", Recorder)
    assert app_module.run_gui(tmp_path / "x", demo=False) == 0
    assert made == [integrate.sign_in]
    assert QApplication.instance() is not None


def test_refused_login_ends_quietly(app, office, qtbot):
    st = app_module.Startup(office, False, clock=clock, synchronous=True, install_hooks=False,
                            login=lambda folder, demo, clk: None)
    ended = []
    st.failed.connect(ended.append)
    st.begin()
    assert ended == [0] and st.window is None


def test_closing_refused_for_unsaved_changes_keeps_the_clerk_logged_in(app, office, qtbot, answers):
    st, _ = _start(office, qtbot, "管理员甲")
    w = st.window
    d = w.open_record("meeting", None)
    d.form.editors["session"].setText("第十五届")             # unsaved
    answers.yes = False
    w.close()
    assert w.isVisible() and audit_tail(office, 1) != [("管理员甲", "退出登录")]
    answers.yes = True
    w.close()
    assert not w.isVisible() and audit_tail(office, 1) == [("管理员甲", "退出登录")]
