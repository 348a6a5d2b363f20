"""The exchange commands as an administrator runs them: two data folders, cards and
trust, export, dry run, import, receipt, refusals (one Chinese line, exit 1, the
database unchanged), conflicts and the exchange list."""
import json

import pytest

from desktop_app.cli import main
from desktop_app.store.db import connect
from desktop_app.store.dump import dump_digest

PASSWORD = "Admin-pass-1"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def setup(tmp_path, capsys):
    files = {}
    for name, text in (("pw", PASSWORD), ("admin", "管理员口令"), ("exchange", "交换口令-甲乙")):
        files[name] = tmp_path / f"{name}.txt"
        files[name].write_text(text + "\n", encoding="utf-8")
    folders = {"county": tmp_path / "county", "city": tmp_path / "city"}
    codes = {"county": ("甲县纪委监委", "CNTY-A"), "city": ("乙市纪委监委", "CITY")}
    for key, folder in folders.items():
        assert run(capsys, "--data-dir", folder, "init", "--office-name", codes[key][0],
                   "--office-code", codes[key][1], "--admin", "管理员",
                   "--admin-password-file", files["pw"])[0] == 0

    def tz(key, *argv):
        return run(capsys, "--data-dir", folders[key], "--user", "管理员", "--password-file",
                   files["pw"], *argv)
    for key in folders:
        code, out, _ = tz(key, "office", "keygen", "--admin-passphrase-file", files["admin"])
        assert code == 0 and "指纹" in out
        assert tz(key, "office", "card", "-o", tmp_path / f"{key}.card")[0] == 0
    code, out, _ = tz("county", "office", "trust", tmp_path / "city.card", "--upper")
    assert code == 0 and "指纹" in out
    assert tz("city", "office", "trust", tmp_path / "county.card", "--lower")[0] == 0
    return tz, files, folders, tmp_path


def digest(folder):
    """Everything but what logging in itself records (the account's last login, the
    audit entry of the login and the audit head)."""
    conn = connect(folder / "taizhang.db", readonly=True)
    try:
        return dump_digest(conn, exclude=("account", "audit_log", "meta"))
    finally:
        conn.close()


def test_export_dry_run_import_receipt(setup, monkeypatch):
    tz, files, folders, tmp = setup
    assert tz("county", "demo", "--records", "50")[0] == 0
    drive = tmp / "drive"
    drive.mkdir()
    monkeypatch.setenv("TAIZHANG_ADMIN_PASSPHRASE_FILE", str(files["admin"]))
    code, out, _ = tz("county", "export", "--for", "CITY", "--to", drive,
                      "--passphrase-file", files["exchange"], "--json")
    result = json.loads(out)
    assert code == 0 and result["records"] > 50 and result["package"].endswith(".tzx")
    before = digest(folders["city"])
    code, out, _ = tz("city", "import", result["package"], "--passphrase-file",
                      files["exchange"], "--dry-run", "--json")
    dry = json.loads(out)
    assert code == 0 and dry["new"] == result["records"] and dry["rejected"] == 0
    assert {"new", "updated", "unchanged", "conflicts", "rejected"} <= set(dry)
    assert digest(folders["city"]) == before
    code, out, _ = tz("city", "import", result["package"], "--passphrase-file",
                      files["exchange"], "--admin-passphrase-file", files["admin"], "--json")
    done = json.loads(out)
    assert code == 0 and done["new"] == result["records"] and done["receipt"]
    code, out, _ = tz("city", "import", result["package"], "--passphrase-file", files["exchange"])
    assert code == 0 and "已于" in out
    code, out, _ = tz("county", "import", done["receipt"], "--passphrase-file", files["exchange"])
    assert code == 0 and "回执" in out
    code, out, _ = tz("county", "exchanges", "--json")
    (peer,) = json.loads(out)
    assert peer["code"] == "CITY" and peer["pending"] == 0 and peer["last_receipt"]
    code, out, _ = tz("city", "conflicts", "--json")
    assert code == 0 and json.loads(out) == []
    code, out, _ = tz("city", "office", "list")
    assert "CNTY-A" in out and "下级单位" in out


def test_refusals_are_one_line_and_change_nothing(setup):
    tz, files, folders, tmp = setup
    drive = tmp / "drive"
    drive.mkdir()
    code, _, err = tz("county", "export", "--for", "CITY", "--to", drive,
                      "--passphrase-file", files["exchange"])
    assert code == 1 and "管理员口令" in err and err.count("\n") == 1
    code, out, _ = tz("county", "export", "--for", "CITY", "--to", drive, "--passphrase-file",
                      files["exchange"], "--admin-passphrase-file", files["admin"])
    package = out.splitlines()[0]
    before = digest(folders["city"])
    code, _, err = tz("city", "import", package, "--passphrase-file", files["pw"])
    assert code == 1 and "交换口令错误" in err and err.count("\n") == 1
    code, _, err = tz("county", "export", "--for", "CNTY-Z", "--to", drive,
                      "--passphrase-file", files["exchange"], "--admin-passphrase-file",
                      files["admin"])
    assert code == 1 and "尚未登记为可信单位" in err
    assert digest(folders["city"]) == before


def test_commands_need_the_right_role(setup, capsys):
    tz, files, folders, tmp = setup
    code, _, err = run(capsys, "--data-dir", folders["city"], "conflicts")
    assert code == 1 and "操作人" in err
