"""An SQLite or OS error in a background job or on the GUI thread is one Chinese
line in the ordinary error box, not the crash dialog."""
from __future__ import annotations

import errno
import sqlite3

from ui import crash as crash_module
from ui.crash import CrashReporter


def test_job_error_from_sqlite_is_a_chinese_message(app, tmp_path, monkeypatch, qtbot):
    shown = []
    monkeypatch.setattr(crash_module.dialogs, "show_error", lambda parent, line, *a: shown.append(line))
    reporter = CrashReporter(tmp_path / "logs" / "taizhang.log")
    reporter.handle_job_error(sqlite3.OperationalError("database is locked"), None)
    reporter.handle_job_error(PermissionError(errno.EACCES, "Permission denied", "C:/导出.xlsx"), None)
    assert shown[0].startswith("数据库正被另一个程序或窗口占用")
    assert "没有权限访问“C:/导出.xlsx”" in shown[1]
    assert reporter.dialog is None                      # no crash dialog


def test_gui_thread_os_error_is_a_message_too(app, tmp_path, monkeypatch, qtbot):
    shown = []
    monkeypatch.setattr(crash_module.dialogs, "show_error", lambda parent, line, *a: shown.append(line))
    reporter = CrashReporter(tmp_path / "logs" / "taizhang.log")
    reporter.report(OSError(errno.ENOSPC, "No space left on device", "D:/a.pdf"), "the GUI thread")
    qtbot.waitUntil(lambda: bool(shown))
    assert "磁盘空间已满" in shown[0] and reporter.dialog is None
    # a bug still gets the crash dialog
    reporter.report(KeyError("x"), "the GUI thread")
    qtbot.waitUntil(lambda: reporter.dialog is not None)
    reporter.dialog.close()
