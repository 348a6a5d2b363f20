"""Fixtures for the GUI tests: offscreen Qt, a small demo county copied per
test, a synchronous job runner, and dialogs that answer themselves."""
from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"     # before anything imports Qt
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import logging
import shutil
import tempfile
from pathlib import Path

import pytest

from uihelp import TODAY, make_ctx

@pytest.fixture(autouse=True)
def _no_real_data_dir(tmp_path, monkeypatch):
    """Keep every test out of the user's real data folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "localappdata"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture
def drop_log_handlers():
    """Tests that start the program remove the log file handlers it installed."""
    yield
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_taizhang", False):
            root.removeHandler(h)
            h.close()


@pytest.fixture(scope="session")
def app(qapp):
    from ui.app import make_application
    return make_application()


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory) -> Path:
    from desktop_app.demo import fill_demo
    d = tmp_path_factory.mktemp("demo") / "data"
    fill_demo(d, records=1500, seed=11, today=TODAY)
    return d


@pytest.fixture
def demo_dir(demo_master, tmp_path) -> Path:
    d = tmp_path / "demo"
    shutil.copytree(demo_master, d, ignore=shutil.ignore_patterns("logs", "*.ini"))
    return d


class Answers:
    """What the patched dialogs said and will say."""

    def __init__(self):
        self.errors: list[str] = []
        self.infos: list[str] = []
        self.questions: list[str] = []
        self.yes = True
        self.reason: str | None = "测试理由"
        self.open_file: Path | None = None
        self.save_file: Path | None = None
        self.opened: list[Path] = []
        self.printed: list[str] = []
        self.printers: list = []
        self.choice: int | None = 0             # the first offered answer
        self.choices: list[list[str]] = []


@pytest.fixture(autouse=True)
def answers(monkeypatch) -> Answers:
    from ui import dialogs
    a = Answers()
    monkeypatch.setattr(dialogs, "show_error", lambda parent, msg, title="": a.errors.append(msg))
    monkeypatch.setattr(dialogs, "show_info", lambda parent, msg, title="": a.infos.append(msg))

    def ask(parent, question, title=""):
        a.questions.append(question)
        return a.yes
    monkeypatch.setattr(dialogs, "ask_yes_no", ask)
    monkeypatch.setattr(dialogs, "ask_reason", lambda parent, title, prompt: a.reason)

    def choose(parent, title, question, options):
        a.choices.append(list(options))
        return a.choice
    monkeypatch.setattr(dialogs, "ask_choice", choose)
    monkeypatch.setattr(dialogs, "open_file_name", lambda *args, **kw: a.open_file)
    monkeypatch.setattr(dialogs, "save_file_name", lambda *args, **kw: a.save_file)
    monkeypatch.setattr(dialogs, "open_path", lambda path: a.opened.append(path) or True)
    def printer(parent, title):        # a real print, to a PDF file instead of paper
        from PySide6.QtPrintSupport import QPrinter
        a.printed.append(title)
        p = QPrinter(QPrinter.PrinterMode.HighResolution)
        p.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        p.setOutputFileName(str(Path(tempfile.mkdtemp()) / "printed.pdf"))
        a.printers.append(p)
        return p
    monkeypatch.setattr(dialogs, "ask_html_printer", printer)
    return a


@pytest.fixture
def ctx(app, demo_dir):
    return make_ctx(demo_dir)


@pytest.fixture
def window(ctx, qtbot):
    from ui.main_window import MainWindow
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    return w

