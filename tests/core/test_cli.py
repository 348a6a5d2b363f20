"""The taizhang command as a user runs it: exit codes, JSON shapes, messages."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.store.dump import canonical_dump

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def admin_args(tmp_path) -> list:
    """The acting user's global options (an administrator, see ``as_admin``)."""
    f = tmp_path / "admin-password.txt"
    f.write_text("Admin-pass-1\n", encoding="utf-8")
    return ["--user", "管理员甲", "--password-file", f]


def as_admin(data_dir: Path, admin_args: list) -> list:
    from desktop_app.security.accounts import create_first_admin
    create_first_admin(data_dir, admin_args[1], "Admin-pass-1")
    return admin_args


def test_init_then_refuse_second_init(tmp_path, capsys, admin_args):
    d, pw = tmp_path / "d", admin_args[3]
    assert run(capsys, "--data-dir", d, "init", "--office-name", "测试纪委", "--office-code", "TEST",
               "--admin", "管理员甲", "--admin-password-file", pw)[0] == 0
    code, out, err = run(capsys, "--data-dir", d, "init", "--office-name", "别的", "--office-code", "OTHER",
                         "--admin", "管理员乙", "--admin-password-file", pw)
    assert code == 1 and "已初始化" in err and err.count("\n") == 1
    assert run(capsys, "--data-dir", d, *admin_args, "summary")[0] == 0


def test_bad_office_code(tmp_path, capsys, admin_args):
    code, _, err = run(capsys, "--data-dir", tmp_path / "d", "init", "--office-name", "x", "--office-code", "小写",
                       "--admin", "管理员甲", "--admin-password-file", admin_args[3])
    assert code == 1 and "机关代码" in err


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as e:
        main(["no-such-command"])
    assert e.value.code == 2


def test_commands_on_uninitialised_folder(tmp_path, capsys):
    for cmd in (["summary"], ["search", "约谈"], ["dossier", "张三"]):
        code, _, err = run(capsys, "--data-dir", tmp_path / "empty", *cmd)
        assert code == 1 and "taizhang init" in err


def test_demo_summary_search_dossier_check(demo_dir, capsys, admin_args):
    user = as_admin(demo_dir, admin_args)
    code, out, _ = run(capsys, "--data-dir", demo_dir, *user, "summary", "--json")
    assert code == 0
    summary = json.loads(out)
    assert set(summary) == {"counts", "due_soon", "overdue", "due_soon_total", "overdue_total"}
    assert summary["counts"]["unit"] >= 20 and summary["counts"]["person"] >= 150
    assert summary["overdue"] and summary["due_soon"]
    assert len(summary["overdue"]) == min(30, summary["overdue_total"])
    code, out, _ = run(capsys, "--data-dir", demo_dir, *user, "summary", "--json", "--all")
    everything = json.loads(out)
    assert len(everything["overdue"]) == everything["overdue_total"] > 30
    assert everything["overdue"][:30] == summary["overdue"]
    code, out, _ = run(capsys, "--data-dir", demo_dir, *user, "summary")
    assert f"已逾期：{summary['overdue_total']} 项，列出最早的 30 项（--all 列出全部）" in out
    code, out, _ = run(capsys, "--data-dir", demo_dir, *user, "search", "约谈", "--json")
    hits = json.loads(out)
    assert code == 0 and hits and {"family", "id", "title"} <= set(hits[0])
    person = sqlite3.connect(demo_dir / "taizhang.db").execute(
        "SELECT l.person_id FROM record_link l WHERE family = 'talk' LIMIT 1").fetchone()[0]
    code, out, _ = run(capsys, "--data-dir", demo_dir, *user, "dossier", person, "--json")
    dossier = json.loads(out)
    assert code == 0 and dossier["person"]["id"] == person and dossier["entries"]
    code, out, _ = run(capsys, "--data-dir", demo_dir, "check", "--json")
    assert code == 0 and json.loads(out) == {"ok": True, "problems": []}


def test_check_names_edited_audit_row(demo_dir, capsys):
    conn = sqlite3.connect(demo_dir / "taizhang.db")
    conn.execute("UPDATE audit_log SET detail = '{}' WHERE seq = 42")
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "--data-dir", demo_dir, "check", "--json")
    result = json.loads(out)
    assert code == 1 and not result["ok"]
    assert any("第 42 条" in p for p in result["problems"])


def test_demo_is_deterministic_for_a_seed(tmp_path):
    from datetime import date
    from desktop_app.demo import fill_demo
    dumps = []
    for name in ("a", "b"):
        fill_demo(tmp_path / name, records=300, seed=11, today=date(2026, 11, 27))
        conn = sqlite3.connect(tmp_path / name / "taizhang.db")
        text = canonical_dump(conn, exclude=("node", "meta", "audit_log", "knowledge"))
        conn.close()
        dumps.append(text.replace(_instance(tmp_path / name), "INSTANCE"))   # random per database
    assert dumps[0] == dumps[1]


def _instance(d: Path) -> str:
    conn = sqlite3.connect(d / "taizhang.db")
    try:
        return conn.execute("SELECT instance_id FROM node").fetchone()[0]
    finally:
        conn.close()


def test_cli_entry_point_runs(tmp_path):
    out = subprocess.run([sys.executable, "-m", "desktop_app.cli", "--data-dir", str(tmp_path / "x"),
                          "summary"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 1 and out.stderr.startswith("错误：")
