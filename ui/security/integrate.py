"""How the security part joins the application.

``sign_in(data_dir, demo)`` is the step before any window: the quick check (a
damaged database opens the recovery dialog), then the first administrator on a
new folder, else the login. It returns an ``Identity`` or None (the user quit).

``SecureAppContext`` is the application context whose sessions carry the
identity's role, so that every page's job is checked by the core.

``install(window, identity)`` adds the 安全 menu (修改口令, 锁定屏幕, 审计日志,
备份与恢复, 账户管理, 安全策略, 检查数据库), the idle lock, the automatic backups
(at start, at the end of the working day) and the user in the status bar.

A role that may not read records (审计员, and under 三员分立 the system and
security administrators) gets ``SecurityWindow`` instead of the ledger window.
"""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QTabWidget, QWidget

from desktop_app.errors import UserFacingError
from desktop_app.security import auth, backup, policy, restore
from desktop_app.security.auth import Identity
from desktop_app.security.roles import Permission, permissions_of
from ui.context import AppContext
from ui.security.common import make_jobs

log = logging.getLogger(__name__)

AUTO_BACKUP_CHECK_MS = 60_000


def sign_in(data_dir: Path, demo: bool = False, clock=None, *, synchronous: bool = False,
            parent: QWidget | None = None) -> Identity | None:
    from ui.security.login import FirstAdminDialog, LoginDialog, office_name
    from ui.security.recovery import RecoveryDialog
    state = restore.health(data_dir)
    if not state.ok:
        d = RecoveryDialog(data_dir, state.problems, clock=clock, synchronous=synchronous, parent=parent)
        if d.exec() != QDialog.DialogCode.Accepted:
            return None
    if demo:
        from desktop_app.security.demo_account import ensure_demo_admin
        ensure_demo_admin(data_dir)
    _, accounts = office_name(data_dir)
    kind = LoginDialog if accounts else FirstAdminDialog
    kw = {"demo": demo} if accounts else {}
    d = kind(data_dir, clock=clock, synchronous=synchronous, parent=parent, **kw)
    return d.identity if d.exec() == QDialog.DialogCode.Accepted else None


def reads_records(identity: Identity) -> bool:
    return Permission.READ_RECORD in permissions_of(identity.role)


class SecureAppContext(AppContext):
    """The GUI's context with sessions that act as the logged-in account."""

    @classmethod
    def for_identity(cls, identity: Identity, **kw) -> "SecureAppContext":
        ctx = cls.load(identity.data_dir, user=identity.name, **kw)
        ctx.identity = identity
        return ctx

    def open_session(self):
        return self.identity.open_session(self.clock)


class AutoBackup(QObject):
    """The start backup now (unless one is less than 30 minutes old), the
    end-of-day backup when its time has come on a working day."""

    def __init__(self, identity: Identity, jobs, parent: QObject, *, check_ms: int = AUTO_BACKUP_CHECK_MS):
        super().__init__(parent)
        self.identity, self.jobs = identity, jobs
        self.results: list = []
        self.timer = QTimer(self)
        self.timer.timeout.connect(lambda: self.run(at_start=False))
        self.timer.start(check_ms)

    def run(self, at_start: bool) -> None:
        def job(s, j):
            kind = backup.backup_due(s, at_start=at_start)
            return backup.make_backup(s, kind=kind) if kind else None
        self.jobs.run(job, on_done=self._done, on_error=self._failed, key=("auto-backup", id(self)))

    def _done(self, result) -> None:
        if result is not None:
            self.results.append(result)
            log.info("automatic backup %s", result.info.path.name)

    def _failed(self, exc) -> None:
        log.warning("automatic backup failed: %s", exc)
        from ui import dialogs
        dialogs.show_error(None, f"自动备份没有完成：{exc}", "自动备份")


class SecurityWindow(QMainWindow):
    """The pages one account may use, as tabs (also the main window of 审计员)."""

    def __init__(self, identity: Identity, *, synchronous: bool = False, parent=None):
        super().__init__(parent)
        from ui.security.accounts_page import AccountsPage
        from ui.security.audit_page import AuditPage
        from ui.security.backups_page import BackupsPage
        from ui.security.policy_page import PolicyPage
        self.identity = identity
        self.setWindowTitle(f"安全与备份（{identity.name}，{identity.role}）")
        self.resize(1100, 720)
        self.tabs = QTabWidget()
        self.setCentralWidget(self.tabs)
        may = permissions_of(identity.role)
        self.pages: dict[str, QWidget] = {}
        for key, label, needed, make in (
                ("audit", "审计日志", {Permission.READ_AUDIT}, AuditPage),
                ("backups", "备份与恢复", set(), BackupsPage),
                ("accounts", "账户管理", {Permission.MANAGE_ACCOUNTS}, AccountsPage),
                ("policy", "安全策略", {Permission.MANAGE_SECURITY, Permission.MANAGE_SETTINGS}, PolicyPage)):
            if needed and not needed & may:
                continue
            self.pages[key] = make(identity, synchronous=synchronous)
            self.tabs.addTab(self.pages[key], label)

    def show_page(self, key: str) -> QWidget | None:
        page = self.pages.get(key)
        if page is not None:
            self.tabs.setCurrentWidget(page)
        return page


class SecurityControls(QObject):
    """What ``install`` attached to a window; kept alive by the window."""

    def __init__(self, window: QMainWindow, identity: Identity, *, clock=None, synchronous=False,
                 auto_backup: bool = True):
        super().__init__(window)
        from ui.security.idle_lock import IdleLock
        self.window, self.identity, self.clock, self.synchronous = window, identity, clock, synchronous
        self.jobs = make_jobs(lambda: identity.open_session(clock), synchronous=synchronous, parent=self)
        self.security_window: SecurityWindow | None = None
        self.idle = IdleLock(window, identity, _idle_minutes(identity, clock), clock=clock)
        self.auto = AutoBackup(identity, self.jobs, self) if auto_backup else None
        if self.auto is not None:
            self.auto.run(at_start=True)
        self.menu = self._menu()
        label = QLabel(f"当前用户：{identity.name}（{identity.role}）")
        window.statusBar().addWidget(label)
        if hasattr(window, "closed"):
            # the main window may still refuse to close (unsaved record windows, the
            # clerk said no): an event filter runs before it decides, this after
            window.closed.connect(self._window_closed)
        else:
            window.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.window and event.type() == QEvent.Type.Close and event.isAccepted():
            self._window_closed()
        return False

    def _window_closed(self) -> None:
        self.idle.stop()
        self.logout()

    def _menu(self):
        bar = self.window.menuBar()
        menu = bar.addMenu("安全(&S)")
        help_menu = next((a for a in bar.actions() if a.text().startswith("帮助")), None)
        if help_menu is not None:                      # keep 帮助 last, as everywhere
            bar.insertMenu(help_menu, menu)
        may = permissions_of(self.identity.role)
        entries = [("修改口令…", self.change_password, None, True),
                   ("锁定屏幕", lambda: self.idle.lock(), "Ctrl+L", True),
                   None,
                   ("审计日志", lambda: self.open("audit"), None, Permission.READ_AUDIT in may),
                   ("备份与恢复", lambda: self.open("backups"), None, True),
                   ("账户管理", lambda: self.open("accounts"), None, Permission.MANAGE_ACCOUNTS in may),
                   ("安全策略与备份设置", lambda: self.open("policy"), None,
                    bool({Permission.MANAGE_SECURITY, Permission.MANAGE_SETTINGS} & may)),
                   None,
                   ("检查数据库…", self.check, None, True)]
        for entry in entries:
            if entry is None:
                menu.addSeparator()
                continue
            text, slot, key, visible = entry
            if not visible:
                continue
            action = QAction(text, self.window)
            if key:
                action.setShortcut(QKeySequence(key))
            action.triggered.connect(slot)
            menu.addAction(action)
        return menu

    def open(self, key: str):
        if self.security_window is None:
            self.security_window = SecurityWindow(self.identity, synchronous=self.synchronous)
            backups = self.security_window.pages.get("backups")
            if backups is not None:
                backups.restored.connect(self.after_restore)
        self.security_window.show()
        self.security_window.raise_()
        return self.security_window.show_page(key)

    def change_password(self) -> None:
        from ui.security.password_dialogs import change_own_password
        change_own_password(self.identity, self.window, synchronous=self.synchronous)

    def check(self):
        from ui.security.recovery import check_database
        return check_database(self.identity.data_dir, self.window, clock=self.clock,
                              synchronous=self.synchronous)

    def after_restore(self, result) -> None:
        """The open pages show the replaced database: close the program; the next
        start logs in to the restored one."""
        from ui import dialogs
        dialogs.show_info(self.window, "恢复已完成。程序将关闭，请重新启动并登录。", "恢复完成")
        if self.security_window is not None:
            self.security_window.close()
        self.window.close()

    def logout(self) -> None:
        try:
            s = self.identity.open_session(self.clock)
        except UserFacingError:
            return
        try:
            auth.logout(s)
        finally:
            s.close()


def open_main_window(identity: Identity, *, demo: bool = False, clock=None, synchronous: bool = False,
                     error_handler=None, log_path=None, crash=None) -> QMainWindow:
    """The ledger window acting as ``identity`` with the security controls, or, for a
    role that may not read records, the security window alone."""
    if not reads_records(identity):
        window = SecurityWindow(identity, synchronous=synchronous)
    else:
        from ui.main_window import MainWindow
        ctx = SecureAppContext.for_identity(identity, demo=demo, clock=clock, synchronous=synchronous,
                                            error_handler=error_handler)
        if log_path is not None:
            ctx.log_path = log_path
        ctx.crash = crash
        window = MainWindow(ctx)
    install(window, identity, clock=clock, synchronous=synchronous)
    return window


def _idle_minutes(identity: Identity, clock) -> int:
    s = identity.open_session(clock)
    try:
        return policy.get_int(s.conn, policy.IDLE_MINUTES)
    finally:
        s.close()


def install(window: QMainWindow, identity: Identity, **kw) -> SecurityControls:
    controls = SecurityControls(window, identity, **kw)
    window._security = controls                  # lives as long as the window
    return controls
