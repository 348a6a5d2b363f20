"""Start the real program and note when its windows appear (``taizhang gui
--startup-probe FILE``, a hidden option): the smoke test of a frozen build and the
start-time benchmark (benchmarks/bench_packaging.py) use it.

It runs ``run_gui`` unchanged; a timer watches the top-level windows. When the login
shows, its time is noted and, for a demo folder whose login is filled in, the login is
submitted; when the main window shows, its time is noted and the window is closed, so
the program ends as it does when a user closes it (a picture of the window is saved
beside FILE as FILE.png). FILE receives one JSON object of
wall-clock times (``time.time()``): ``login``, ``main``, and ``end``, and the CPU
seconds the process had used by then (``login_cpu``, ``main_cpu``: what the start costs
on a machine of its own, whatever else runs beside it). A window that
never comes (an error box, the crash dialog) ends the program with exit code 3 after
two minutes and ``gave_up`` in FILE, so a smoke test fails instead of hanging.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

from PySide6.QtCore import QTimer

POLL_MS = 5
GIVE_UP_S = 120        # a dialog nobody expected (an error, the crash dialog): fail, not hang


class _Watcher:
    def __init__(self, app, out: Path):
        self.app, self.out, self.stamps = app, out, {}
        self.started = time.time()
        self.timer = QTimer(app)
        self.timer.timeout.connect(self.check)
        self.timer.start(POLL_MS)

    def check(self) -> None:
        from PySide6.QtWidgets import QApplication, QMainWindow
        if time.time() - self.started > GIVE_UP_S:
            self.stamps["gave_up"] = time.time()
            self.timer.stop()
            for widget in QApplication.topLevelWidgets():
                if widget.isVisible():
                    self.stamps.setdefault("visible", []).append(type(widget).__name__)
            QApplication.exit(3)           # ends the innermost event loop (a modal dialog's) …
            QTimer.singleShot(0, lambda: QApplication.exit(3))   # … and then the program's
            return

        from ui.security.login import LoginDialog
        for widget in self.app.topLevelWidgets():
            if not widget.isVisible():
                continue
            if isinstance(widget, LoginDialog) and "login" not in self.stamps:
                self.stamps["login"] = time.time()
                self.stamps["login_cpu"] = time.process_time()   # the whole process, all threads
                if widget.name.text() and widget.password.text():   # a demo folder: filled in
                    QTimer.singleShot(0, widget.submit)
            elif isinstance(widget, QMainWindow) and "main" not in self.stamps:
                self.stamps["main"] = time.time()
                self.stamps["main_cpu"] = time.process_time()
                self.timer.stop()
                QTimer.singleShot(0, lambda w=widget: self._shoot_and_close(w))

    def _shoot_and_close(self, window) -> None:
        """A picture of the main window beside FILE (FILE.png), to look at a build."""
        window.grab().save(str(self.out.with_suffix(".png")), "PNG")
        window.close()

    def write(self) -> None:
        self.stamps["end"] = time.time()
        self.out.write_text(json.dumps(self.stamps), encoding="utf-8")


def run_probe(data_dir: Path, demo: bool, out: Path) -> int:
    from ui.app import make_application, run_gui
    watcher = _Watcher(make_application(), Path(out))
    try:
        return run_gui(data_dir, demo)
    finally:
        watcher.write()
