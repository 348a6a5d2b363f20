"""``taizhang office show|set``, ``taizhang holidays show|set`` and the README's first
steps: ``init`` then ``demo`` then ``letter samples``."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.store.dump import canonical_dump
from desktop_app.services.session import open_session

NOTICE_2027 = {
    "year": 2027, "notice": "国务院办公厅关于2027年部分节假日安排的通知（测试用）", "issued": "2026-11-10",
    "holidays": [{"name": "元旦", "off": ["2027-01-01", "2027-01-03"], "work": []},
                 {"name": "春节", "off": ["2027-02-06", "2027-02-14"], "work": ["2027-02-20"]}],
}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def office(tmp_path, capsys) -> list:
    """An office set up with ``init`` as the README says; the global options of its admin."""
    pw = tmp_path / "pw.txt"
    pw.write_text("Admin-pass-1\n", encoding="utf-8")
    d = tmp_path / "d"
    assert run(capsys, "--data-dir", d, "init", "--office-name", "中共某某县纪律检查委员会",
               "--office-code", "MMX", "--admin", "张三", "--admin-password-file", pw)[0] == 0
    return ["--data-dir", d, "--user", "张三", "--password-file", pw]


def _dump(args):
    """Settings, office and the audit log but its logins (each command logs in)."""
    s = open_session(args[1])
    try:
        c = s.conn
        return (canonical_dump(c, exclude=tuple(
                    r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                    if r[0] not in ("setting", "office", "deadline"))),
                c.execute("SELECT action, detail FROM audit_log WHERE action != '登录'").fetchall())
    finally:
        s.close()


def test_office_show_and_set(office, capsys):
    code, out, _ = run(capsys, *office, "office", "show")
    assert code == 0 and "机关名称：中共某某县纪律检查委员会" in out and "联系人：（未设置）" in out
    assert "机关代字（发文字号用，如“临”得“临纪函”）：（未设置，使用“某”）" in out
    for key, value in (("contact", "李四"), ("phone", "0791-1234567"), ("abbr", "某"),
                       ("letterhead", "中共某某县纪律检查委员会"), ("rest_day_shift", "否")):
        code, out, err = run(capsys, *office, "office", "set", key, value)
        assert code == 0 and out.startswith("已修改"), err
    code, out, _ = run(capsys, *office, "office", "show", "--json")
    shown = json.loads(out)
    assert shown["contact"]["value"] == "李四" and shown["phone"]["value"] == "0791-1234567"
    assert shown["rest_day_shift"]["value"] == "0"


def test_office_unset_goes_back_to_the_default(office, capsys):
    code, out, err = run(capsys, *office, "office", "set", "supervision", "某某县监察委员会（测试）")
    assert code == 0 and out.startswith("已修改 监察委员会名义"), err
    code, out, err = run(capsys, *office, "office", "unset", "supervision")
    assert code == 0 and out.strip() == "已清除 监察委员会名义（监察建议书），公文将使用“某某县监察委员会”", err
    code, out, _ = run(capsys, *office, "office", "show", "--json")
    assert json.loads(out)["supervision"] == {"label": "监察委员会名义（监察建议书）", "value": None,
                                              "default": "某某县监察委员会"}
    before = _dump(office)
    code, out, err = run(capsys, *office, "office", "unset", "code")
    assert code == 1 and out == "" and "不能清除" in err and err.count("\n") == 1
    assert _dump(office) == before


@pytest.mark.parametrize("key, value, words", [
    ("phone", "打电话", "联系电话只能含数字"), ("nothing", "x", "没有“nothing”这项设置"),
    ("yellow_days", "-1", "0 到 60"),
])
def test_office_set_refuses_with_one_chinese_line(office, capsys, key, value, words):
    before = _dump(office)
    code, out, err = run(capsys, *office, "office", "set", key, value)
    assert code == 1 and out == "" and words in err and err.count("\n") == 1
    assert _dump(office) == before


def test_office_set_needs_the_right(office, capsys, tmp_path):
    from desktop_app.security.accounts import add_user
    from desktop_app.security.auth import login
    s = login(office[1], "张三", "Admin-pass-1")
    try:
        add_user(s, "小王", "录入员", "Clerk-pass-1")
    finally:
        s.close()
    pw = tmp_path / "clerk.txt"
    pw.write_text("Clerk-pass-1\n", encoding="utf-8")
    code, _, err = run(capsys, "--data-dir", office[1], "--user", "小王", "--password-file", pw,
                       "office", "set", "contact", "王五")
    assert code == 1 and "无权修改设置" in err


def test_holidays_show_and_set(office, capsys, tmp_path):
    code, out, _ = run(capsys, *office, "holidays", "show", "2026")
    assert code == 0 and "春节：2026年2月15日至2026年2月23日放假，共 9 天" in out and "随程序提供" in out
    code, out, _ = run(capsys, *office, "holidays", "show", "2027")
    assert code == 0 and "2027 年还没有节假日安排表" in out and "按周末估算" in out
    f = tmp_path / "2027年通知.json"
    f.write_text(json.dumps(NOTICE_2027, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, *office, "holidays", "set", "2027", f)
    assert code == 0 and out.startswith("已录入 2027 年节假日安排"), err
    code, out, _ = run(capsys, *office, "holidays", "show", "2027", "--json")
    shown = json.loads(out)
    assert shown[0]["year"] == 2027 and shown[0]["source"] == "本机关录入"
    code, out, _ = run(capsys, *office, "holidays", "set", "2027", f)
    assert code == 0 and out.startswith("已更新")


@pytest.mark.parametrize("year, obj, words", [
    ("2028", NOTICE_2027, "与要录入的 2028 年不符"),
    ("2027", dict(NOTICE_2027, holidays=[{"name": "春节", "off": ["2027-02-06", "2027-02-14"],
                                           "work": ["2027-02-17"]}]), "不是周六或周日"),
    ("2027", "不是 JSON", "不是有效的 JSON"),
])
def test_holidays_set_refuses_with_one_chinese_line(office, capsys, tmp_path, year, obj, words):
    f = tmp_path / "t.json"
    f.write_text(obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    before = _dump(office)
    code, out, err = run(capsys, *office, "holidays", "set", year, f)
    assert code == 1 and words in err and err.count("\n") == 1
    assert _dump(office) == before


def test_holidays_bad_year_is_a_usage_error(office, capsys):
    with pytest.raises(SystemExit) as e:
        main([str(a) for a in office] + ["holidays", "show", "明年"])
    assert e.value.code == 2
    assert "四位数字" in capsys.readouterr().err


def test_letter_samples_right_after_init_and_demo(office, capsys, tmp_path):
    code, out, err = run(capsys, *office, "demo")
    assert code == 0, err
    code, out, err = run(capsys, *office, "letter", "samples", "-o", tmp_path / "samples")
    assert code == 0, err
    pdfs = sorted(Path(tmp_path / "samples").glob("*.pdf"))
    assert len(pdfs) == 11 and all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
