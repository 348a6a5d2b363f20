"""The security commands as a user runs them: who may do what, one-line refusals
with exit code 1, backups and restore, the audit trail, the demo account."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from desktop_app.cli import main
from security_testkit import PASSWORD


@pytest.fixture
def pwfiles(tmp_path) -> dict[str, Path]:
    out = {}
    for i, (name, pw) in enumerate(PASSWORD.items()):
        f = tmp_path / f"pw{i}.txt"
        f.write_text(pw + "\n", encoding="utf-8")
        out[name] = f
    return out


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def who(office: Path, pwfiles, name: str) -> list:
    return ["--data-dir", office, "--user", name, "--password-file", pwfiles[name]]


def refused(result, *words) -> None:
    code, _, err = result
    assert code == 1 and err.startswith("错误：") and err.count("\n") == 1, err
    for w in words:
        assert w in err, err


def test_roles_through_the_cli(office, pwfiles, capsys):
    clerk, auditor = who(office, pwfiles, "录入员乙"), who(office, pwfiles, "审计员丁")
    assert run(capsys, *clerk, "summary")[0] == 0
    refused(run(capsys, *clerk, "audit"), "无权", "审计")
    refused(run(capsys, *clerk, "backup"), "无权")
    refused(run(capsys, *clerk, "user", "add", "某人", "--role", "录入员",
                "--new-password-file", pwfiles["录入员乙"]), "无权")
    refused(run(capsys, *clerk, "user", "list"), "无权")
    refused(run(capsys, *auditor, "summary"), "无权查看记录")
    refused(run(capsys, *auditor, "search", "王"), "无权查看记录")
    refused(run(capsys, *auditor, "dossier", "王建国"), "无权查看记录")
    assert run(capsys, *auditor, "audit", "verify")[0] == 0


def test_login_refusals_are_one_line(office, pwfiles, capsys, tmp_path):
    refused(run(capsys, "--data-dir", office, "summary"), "--user")
    refused(run(capsys, "--data-dir", office, "--user", "录入员乙", "summary"), "口令文件")
    refused(run(capsys, "--data-dir", office, "--user", "录入员乙", "--password-file",
                tmp_path / "none.txt", "summary"), "找不到")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("Wrong-pass-1", encoding="utf-8")
    for _ in range(5):
        refused(run(capsys, "--data-dir", office, "--user", "录入员乙", "--password-file", wrong, "summary"))
    refused(run(capsys, *who(office, pwfiles, "录入员乙"), "summary"), "锁定")
    assert run(capsys, *who(office, pwfiles, "管理员甲"), "user", "unlock", "录入员乙")[0] == 0
    assert run(capsys, *who(office, pwfiles, "录入员乙"), "summary")[0] == 0
    assert run(capsys, "--data-dir", office, "check")[0] == 0            # check needs no user


def test_user_commands(office, pwfiles, capsys, tmp_path):
    admin = who(office, pwfiles, "管理员甲")
    new = tmp_path / "new.txt"
    new.write_text("Brand-new-1\n", encoding="utf-8")
    assert run(capsys, *admin, "user", "add", "新审核人", "--role", "审核人", "--new-password-file", new)[0] == 0
    code, out, _ = run(capsys, *admin, "user", "list", "--json")
    listed = {a["name"]: a for a in json.loads(out)}
    assert code == 0 and listed["新审核人"]["role"] == "审核人" and "password" not in listed["新审核人"]
    assert run(capsys, *admin, "user", "role", "新审核人", "录入员")[0] == 0
    assert run(capsys, *admin, "user", "disable", "新审核人")[0] == 0
    refused(run(capsys, "--data-dir", office, "--user", "新审核人", "--password-file", new, "summary"), "已停用")
    assert run(capsys, *admin, "user", "enable", "新审核人")[0] == 0
    assert run(capsys, *who(office, pwfiles, "录入员乙"), "user", "passwd", "--new-password-file", new)[0] == 0
    assert run(capsys, "--data-dir", office, "--user", "录入员乙", "--password-file", new, "summary")[0] == 0
    refused(run(capsys, *admin, "user", "add", "弱口令", "--role", "录入员", "--new-password-file",
                _file(tmp_path, "weak")), "至少 8 位")
    refused(run(capsys, *admin, "user", "add", "某人", "--role", "局长", "--new-password-file", new), "角色")


def _file(tmp_path: Path, text: str) -> Path:
    f = tmp_path / f"{text}.txt"
    f.write_text(text, encoding="utf-8")
    return f


def test_first_administrator_of_a_folder_without_accounts(tmp_path, capsys, pwfiles):
    from desktop_app.services.office import init_office
    d = tmp_path / "old"
    init_office(d, "某县纪委", "TEST").close()          # e.g. a folder made by an internal tool
    refused(run(capsys, "--data-dir", d, "user", "add", "录入", "--role", "录入员",
                "--new-password-file", pwfiles["管理员甲"]), "管理员")
    assert run(capsys, "--data-dir", d, "user", "add", "管理员甲", "--role", "管理员",
               "--new-password-file", pwfiles["管理员甲"])[0] == 0
    refused(run(capsys, "--data-dir", d, "user", "add", "第二", "--role", "管理员",
                "--new-password-file", pwfiles["管理员甲"]), "--user")
    assert run(capsys, *who(d, pwfiles, "管理员甲"), "summary")[0] == 0


def test_backup_backups_restore(office, pwfiles, capsys, tmp_path):
    admin = who(office, pwfiles, "管理员甲")
    code, out, _ = run(capsys, *admin, "backup", "--json")
    made = json.loads(out)
    assert code == 0 and Path(made["file"]).exists() and made["records"] == 0
    code, out, _ = run(capsys, "--data-dir", office, "backups", "--json")     # no login needed
    assert code == 0 and json.loads(out)[0]["file"] == made["file"]
    code, out, _ = run(capsys, *admin, "restore", made["file"], "--json")
    result = json.loads(out)
    assert code == 0 and Path(result["replaced"]).exists() and result["instance"]
    bad = tmp_path / "bad.tzb"
    bad.write_bytes(Path(made["file"]).read_bytes()[:-50])
    refused(run(capsys, *admin, "restore", bad), "备份")
    refused(run(capsys, *who(office, pwfiles, "录入员乙"), "restore", made["file"]), "无权")
    code, out, _ = run(capsys, *admin, "backup", "--to", tmp_path / "usb")
    assert code == 0 and "usb" in out


def test_audit_command_filters_and_verify(office, pwfiles, capsys):
    auditor = who(office, pwfiles, "审计员丁")
    run(capsys, *who(office, pwfiles, "录入员乙"), "summary")
    code, out, _ = run(capsys, *auditor, "audit", "--of", "录入员乙", "--since", "2020-01-01", "--json")
    entries = json.loads(out)
    assert code == 0 and entries and {e["user"] for e in entries} == {"录入员乙"}
    refused(run(capsys, *auditor, "audit", "--since", "昨天"), "YYYY-MM-DD")
    conn = sqlite3.connect(office / "taizhang.db")
    conn.execute("UPDATE audit_log SET actor = '别人' WHERE seq = 3")
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, *auditor, "audit", "verify", "--json")
    result = json.loads(out)
    assert code == 1 and not result["ok"] and result["problems"][0]["seq"] == 3


def test_check_offers_the_newest_good_backup_for_a_damaged_database(office, pwfiles, capsys):
    run(capsys, *who(office, pwfiles, "管理员甲"), "backup")
    with open(office / "taizhang.db", "r+b") as fh:
        fh.seek(0)
        fh.write(b"not a database at all, sorry")
    code, out, _ = run(capsys, "--data-dir", office, "check")
    assert code == 1 and "最新的完好备份" in out and "restore" in out
    refused(run(capsys, *who(office, pwfiles, "管理员甲"), "summary"), "损坏")


def test_policy_command(office, pwfiles, capsys):
    admin = who(office, pwfiles, "管理员甲")
    code, out, _ = run(capsys, *admin, "policy", "idle-minutes", "5")
    assert code == 0 and "idle-minutes    5" in out
    refused(run(capsys, *admin, "policy", "avoidance", "随便"), "回避规则")
    refused(run(capsys, *who(office, pwfiles, "录入员乙"), "policy", "idle-minutes", "5"), "无权")
    refused(run(capsys, *admin, "policy", "three-admins", "on"), "系统管理员")


def test_demo_folder_has_a_documented_administrator(tmp_path, capsys):
    d = tmp_path / "demo"
    code, out, _ = run(capsys, "--data-dir", d, "demo", "--records", "200")
    assert code == 0 and "demo-password.txt" in out
    assert (d / "demo-password.txt").read_text(encoding="utf-8").strip()
    code, out, _ = run(capsys, "--data-dir", d, "--demo", "summary", "--json")
    assert code == 0 and json.loads(out)["counts"]["unit"] >= 20
    refused(run(capsys, "--data-dir", d, "summary"), "--user")          # without --demo: log in
