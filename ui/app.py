"""Starting the desktop program: Qt's Chinese translations, the UI font, the
log file, the crash dialog, the first-start setup or the demo data, then the
main window. ``taizhang`` (no subcommand) and ``taizhang --demo`` come here."""
from __future__ import annotations

import logging
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTimer, QTranslator, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog

from desktop_app.errors import UserFacingError
from desktop_app.paths import resource
from desktop_app.services.session import database_path
from ui import dialogs, logging_setup, style
from ui.crash import CrashReporter
from ui.qt_zh import MissingChinese

log = logging.getLogger(__name__)

ZH_CN = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
ICON = resource("icons", "taizhang.svg")


def install_translators(app: QApplication) -> list[QTranslator]:
    """qtbase_zh_CN from PySide6's own translations: 确定/取消, context menus, print
    and file dialogs; then the texts that file lacks for this Qt (ui.qt_zh)."""
    QLocale.setDefault(ZH_CN)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = []
    for name in ("qtbase",):              # the wheel and the bundle have no qt_zh_CN.qm
        tr = QTranslator(app)
        if tr.load(ZH_CN, name, "_", folder):
            app.installTranslator(tr)
            loaded.append(tr)
        else:
            log.warning("Qt translation %s_zh_CN not found in %s", name, folder)
    missing = MissingChinese(app)          # searched first: installed last
    app.installTranslator(missing)
    loaded.append(missing)
    return loaded


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("监督台账")
    app.setOrganizationName("taizhang")
    app.setApplicationDisplayName("监督台账")
    if ICON.exists():
        app.setWindowIcon(QIcon(str(ICON)))
    if not getattr(app, "_taizhang_translators", None):
        app._taizhang_translators = install_translators(app)
    style.apply(app)
    return app


class Startup(QObject):
    """Brings the program up; ``ready`` carries the main window, ``failed`` an exit code."""

    ready = Signal(object)
    failed = Signal(int)

    def __init__(self, data_dir: Path, demo: bool, *, clock: Callable[[], datetime] | None = None,
                 synchronous: bool = False, install_hooks: bool = True, login: Callable | None = None):
        super().__init__()
        self.data_dir, self.demo, self.clock = Path(data_dir), demo, clock
        # login(data_dir, demo, clock) -> Identity | None: run_gui always passes
        # ui.security.integrate.sign_in; without it (tests, tools) no login is asked.
        self.login = login
        self.synchronous = synchronous
        self.log_path = logging_setup.configure(self.data_dir)
        self.crash = CrashReporter(self.log_path, self)
        if install_hooks:
            self.crash.install()
        self.window = None
        self.started = time.perf_counter()

    def begin(self) -> None:
        log.info("starting on %s (demo=%s)", self.data_dir, self.demo)
        if self.demo:       # a first fill killed half way is rebuilt, not opened
            from desktop_app.demo import discard_half_filled
            discard_half_filled(self.data_dir)
        if database_path(self.data_dir).exists():
            self._housekeeping()
            self.open_window()
        elif self.demo:
            self._fill_demo()
        elif self.ask_setup():
            self.open_window()
        else:
            self.failed.emit(0)

    def _housekeeping(self) -> None:
        """Leftovers of an exchange cut off last time (staging, partial files)."""
        from desktop_app.exchange.housekeeping import housekeeping
        try:
            housekeeping(self.data_dir)
        except OSError as exc:          # never a reason not to start
            log.warning("exchange housekeeping failed: %s", exc)

    def ask_setup(self) -> bool:
        from ui.setup_dialog import SetupDialog
        return SetupDialog(self.data_dir).exec() == QDialog.DialogCode.Accepted

    def _fill_demo(self) -> None:
        from desktop_app.demo import fill_demo
        from ui.jobs import Jobs, SyncJobs
        runner = (SyncJobs if self.synchronous else Jobs)(None, self.crash.handle_job_error, self)
        folder = self.data_dir

        def fill(job):
            job.progress(0, 0, "首次打开演示数据，正在生成一个虚构的县……")
            return fill_demo(folder, progress=lambda done, total: job.progress(
                done, total, f"已生成 {done} / 约 {total} 条记录"))

        self._demo_runner = runner
        job = runner.run(fill, session=False, title="正在准备演示数据…",
                         on_done=lambda stats: self.open_window(), on_error=self._demo_failed)
        job.finished.connect(lambda: self._demo_finished(job))
        if not job.running:
            self._demo_finished(job)

    def _demo_finished(self, job) -> None:
        """Cancelled: remove the half-filled demo database and stop."""
        if job.context.cancelled and self.window is None:
            for suffix in ("", "-wal", "-shm"):
                path = Path(str(database_path(self.data_dir)) + suffix)
                path.unlink(missing_ok=True)
            self.failed.emit(0)

    def _demo_failed(self, exc) -> None:
        dialogs.show_error(None, f"无法生成演示数据：{exc}")
        self.failed.emit(1)

    def open_window(self) -> None:
        if self.login is not None:
            self._open_signed_in()
            return
        from ui.context import AppContext
        from ui.main_window import MainWindow
        try:
            ctx = AppContext.load(self.data_dir, demo=self.demo, clock=self.clock,
                                  synchronous=self.synchronous,
                                  error_handler=self.crash.handle_job_error)
        except UserFacingError as exc:
            dialogs.show_error(None, str(exc), "无法打开台账")
            self.failed.emit(1)
            return
        ctx.log_path = self.log_path
        ctx.crash = self.crash
        self.window = MainWindow(ctx)
        self.window.show()
        log.info("main window shown after %.0f ms", (time.perf_counter() - self.started) * 1000)
        freeze_startup_heap()
        self.ready.emit(self.window)

    def _open_signed_in(self) -> None:
        """Login (or first administrator, or recovery), then the window for that role."""
        from ui.security import integrate
        identity = self.login(self.data_dir, self.demo, self.clock)
        if identity is None:
            self.failed.emit(0)
            return
        try:
            self.window = integrate.open_main_window(
                identity, demo=self.demo, clock=self.clock, synchronous=self.synchronous,
                error_handler=self.crash.handle_job_error, log_path=self.log_path, crash=self.crash)
        except UserFacingError as exc:
            dialogs.show_error(None, str(exc), "无法打开台账")
            self.failed.emit(1)
            return
        self.window.show()
        freeze_startup_heap()
        self.ready.emit(self.window)


def freeze_startup_heap() -> None:
    """What the start made (modules, classes, the window's widgets: some 40,000 objects)
    lives as long as the program: taken out of the garbage collector's full passes,
    which otherwise scan it again each time and hold every thread, the GUI thread
    too, for tens of ms (benchmarks/bench_stalls.py's 最长GC column)."""
    import gc
    gc.collect()
    gc.freeze()


def show_start_error(text: str) -> None:
    """A refusal of the windowed program before its window exists (no console to print on)."""
    make_application()
    dialogs.show_error(None, text, "监督台账无法启动")


def run_gui(data_dir: Path, demo: bool) -> int:
    app = make_application()
    from ui.single_instance import SingleInstance
    guard = SingleInstance(data_dir)
    if not guard.acquire():                   # another window has this folder
        if guard.message:
            dialogs.show_error(None, guard.message, "监督台账已在运行")
        return 1 if guard.message else 0
    try:
        return _run(app, data_dir, demo)
    finally:
        guard.release()


def _run(app: QApplication, data_dir: Path, demo: bool) -> int:
    app.setQuitOnLastWindowClosed(False)      # the progress dialog of the demo is not the end
    from ui.security.integrate import sign_in
    startup = Startup(data_dir, demo, login=sign_in)
    startup.ready.connect(lambda window: app.setQuitOnLastWindowClosed(True))
    code: list[int] = []
    startup.failed.connect(lambda c: (code.append(c), QTimer.singleShot(0, app.quit)))
    QTimer.singleShot(0, startup.begin)
    result = app.exec()
    startup.crash.uninstall()
    return code[0] if code else result
