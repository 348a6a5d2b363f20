"""The windowed program (监督台账.exe, taizhang-gui) has no console."""
from __future__ import annotations

import sys


def test_the_windowed_entry_shows_a_refusal_in_a_message_box(tmp_path, monkeypatch):
    """监督台账.exe has no console: what would go to stderr is shown in a window."""
    import ui.app
    from desktop_app.cli import gui_main
    shown = []
    monkeypatch.setattr(ui.app, "show_start_error", shown.append)
    monkeypatch.setattr(sys, "stderr", None)
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "argv", ["监督台账", "--data-dir", str(tmp_path / "无"), "summary"])
    assert gui_main() == 1
    assert shown == [f"错误：数据目录 {tmp_path / '无'} 中还没有台账数据库。请先运行 taizhang init。"]
    monkeypatch.setattr(sys, "argv", ["监督台账", "--no-such-option"])
    monkeypatch.setattr(sys, "stderr", None)
    assert gui_main() == 2 and "用法错误" in shown[-1]


def test_log_lines_are_not_shown_as_the_refusal(monkeypatch):
    import ui.app
    from desktop_app import cli
    shown = []
    monkeypatch.setattr(ui.app, "show_start_error", shown.append)
    monkeypatch.setattr(sys, "stderr", None)

    def noisy(argv):
        sys.stderr.write("WARNING desktop_app.store.revision: database was copied\n")
        sys.stderr.write("错误：无法打开数据库文件。\n")
        return 1
    monkeypatch.setattr(cli, "main", noisy)
    assert cli.gui_main() == 1
    assert shown == ["错误：无法打开数据库文件。"]
