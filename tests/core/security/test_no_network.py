"""Nothing in the program opens a socket: a full session of work under a guard
that makes every socket creation fail the test."""
from __future__ import annotations

import json
import socket
import sqlite3
from datetime import date

import pytest

from desktop_app.cli import main

USED: list[str] = []


def _refuse(name: str):
    def refuse(*args, **kwargs):
        USED.append(name)
        raise AssertionError(f"网络连接被拦截：{name}{args[:2]}")
    return refuse


@pytest.fixture
def no_sockets(monkeypatch):
    USED.clear()
    for name in ("socket", "create_connection", "socketpair", "getaddrinfo", "fromfd",
                 "create_server"):
        monkeypatch.setattr(socket, name, _refuse(name))
    yield
    assert USED == []


def run(capsys, *argv) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return code, out


def test_a_full_session_of_work_opens_no_socket(no_sockets, tmp_path, capsys):
    from desktop_app.demo import fill_demo
    d = tmp_path / "data"
    pw = tmp_path / "pw.txt"
    pw.write_text("Admin-pass-1\n", encoding="utf-8")
    user = ["--data-dir", d, "--user", "管理员甲", "--password-file", pw]
    run(capsys, "--data-dir", d, "init", "--office-name", "中共临川县纪律检查委员会",
        "--office-code", "LCX", "--admin", "管理员甲", "--admin-password-file", pw)
    fill_demo(d, records=300, seed=3, today=date(2026, 11, 27))
    run(capsys, *user, "user", "add", "录入员乙", "--role", "录入员", "--new-password-file", pw)
    _, out = run(capsys, *user, "summary", "--json")
    assert json.loads(out)["counts"]["person"] > 0
    hits = json.loads(run(capsys, *user, "search", "约谈", "--json")[1])
    conn = sqlite3.connect(d / "taizhang.db")
    person_id = conn.execute("SELECT person_id FROM record_link LIMIT 1").fetchone()[0]
    conn.close()
    assert json.loads(run(capsys, *user, "dossier", person_id, "--json")[1])["entries"]
    assert hits
    _letter(tmp_path)
    run(capsys, *user, "backup")
    backup_file = json.loads(run(capsys, *user, "backups", "--json")[1])[0]["file"]
    run(capsys, *user, "restore", backup_file)
    run(capsys, *user, "check")
    run(capsys, *user, "audit", "--xlsx", tmp_path / "audit.xlsx")
    run(capsys, *user, "audit", "verify")


def _letter(tmp_path) -> None:
    """A letter to PDF, when the letters package and a CJK font are there."""
    try:
        from desktop_app.letters import get_fonts, render_pdf
        from desktop_app.letters.samples import sample_spec, sample_values
    except ImportError:
        return
    fonts = get_fonts(cache_dir=tmp_path / "font-cache")
    if not fonts.has_cjk:
        return
    doc_type = next(iter(sample_values()))
    render_pdf(sample_spec(doc_type), tmp_path / "letter.pdf", fonts)
    assert (tmp_path / "letter.pdf").stat().st_size > 1000
