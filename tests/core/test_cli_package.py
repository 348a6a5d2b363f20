"""The CLI package: the parser loads none of the ledger, every group module stands on
its own (no import cycle), the program's files are found, and the console streams
never fail the program."""
from __future__ import annotations

import io
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from desktop_app import __version__, paths
from desktop_app.errors import UserFacingError
from desktop_app.cli import GROUPS, build_parser, console, main

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8")


def test_building_the_parser_loads_no_command_implementation():
    run = _python("""
        import sys
        from desktop_app.cli import build_parser
        build_parser().parse_args(["summary"])
        heavy = sorted(m for m in sys.modules if m.startswith(
            ("desktop_app.services", "desktop_app.store", "desktop_app.letters", "desktop_app.exchange",
             "desktop_app.domain", "desktop_app.security.accounts", "desktop_app.security.backup",
             "ui", "PySide6", "reportlab", "cryptography", "openpyxl", "sqlite3")))
        print(heavy)
    """)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


@pytest.mark.parametrize("module", sorted({g.__name__ for g in GROUPS} | {"desktop_app.cli.common"}))
def test_every_group_module_imports_first_without_a_cycle(module):
    run = _python(f"import {module}; import desktop_app.cli; print('ok')")
    assert run.stdout.strip() == "ok", run.stderr


def test_every_group_registers_at_least_one_command_with_a_handler():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert {"init", "demo", "summary", "check", "letter", "fonts", "office", "export", "import",
            "user", "backup", "restore", "audit", "policy", "gui"} <= set(sub.choices)
    for name, command in sub.choices.items():
        if command._subparsers is None:
            assert callable(command.get_default("handler")), name


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"taizhang {__version__}"


def test_module_entry_point_runs_the_same_command(tmp_path):
    run = subprocess.run([sys.executable, "-m", "desktop_app.cli", "--version"], cwd=ROOT,
                         capture_output=True, text=True, encoding="utf-8")
    assert run.returncode == 0 and run.stdout.strip() == f"taizhang {__version__}"


def test_resources_and_migrations_are_found():
    assert (paths.resource_dir() / "vocab" / "vocabularies.json").is_file()
    assert paths.resource("letters", "fonts.json").is_file()
    assert (paths.sql_dir() / "001_initial.sql").is_file()


def test_a_bundle_folder_wins_and_a_missing_folder_is_one_clear_message(tmp_path, monkeypatch):
    (tmp_path / "resources" / "vocab").mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    paths.resource_dir.cache_clear()
    try:
        assert paths.resource_dir() == tmp_path / "resources"
        monkeypatch.setattr(paths, "_PACKAGE", tmp_path / "nowhere" / "desktop_app")
        (tmp_path / "resources" / "vocab").rmdir()
        paths.resource_dir.cache_clear()
        with pytest.raises(UserFacingError, match="程序文件不完整"):
            paths.resource_dir()
    finally:
        monkeypatch.undo()
        paths.resource_dir.cache_clear()
    assert paths.resource_dir().is_dir()


def test_text_outside_the_console_code_page_does_not_fail(monkeypatch):
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="gbk", errors="strict")
    monkeypatch.setattr(sys, "stdout", stream)
    console.prepare()
    sys.stdout.write("𠮷 张三 \U0001F600\n")
    sys.stdout.flush()
    assert raw.getvalue().decode("gbk") == "? 张三 ?\n"


def test_a_windowed_program_without_streams_can_still_write(monkeypatch):
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    console.prepare()
    sys.stdout.write("没有控制台\n")
    sys.stderr.write("错误：没有控制台\n")
    sys.stdout.close()
    sys.stderr.close()


def test_no_stdout_under_the_gui_entry(tmp_path):
    """pythonw and the windowed executable start with sys.stdout None: a refusal still exits 1."""
    run = _python(f"""
        import sys
        sys.stdout = sys.stderr = None
        from desktop_app.cli import main
        code = main(["--data-dir", {str(tmp_path / 'none')!r}, "summary"])
        sys.__stdout__.write(str(code))
    """)
    assert run.stdout == "1", run.stderr



def test_a_failed_init_leaves_no_database_behind(tmp_path, monkeypatch, capsys):
    """Program files missing (a broken install): one line, and no half-made database
    that a second try would take for an initialised folder."""
    from desktop_app.store import migrations
    monkeypatch.setattr(migrations, "SQL_DIR", tmp_path / "nowhere")
    pw = tmp_path / "pw.txt"
    pw.write_text("Aa-12345678\n", encoding="utf-8")
    data = tmp_path / "数据"
    code = main(["--data-dir", str(data), "init", "--office-name", "测试县纪委监委", "--office-code", "990001",
                 "--admin", "管理员", "--admin-password-file", str(pw)])
    assert code == 1
    assert capsys.readouterr().err.startswith("错误：找不到")
    assert not (data / "taizhang.db").exists() and not (data / "taizhang.db-wal").exists()
