"""Every SQLite or OS error a user can meet is one Chinese line (errors.describe),
in the command line and in the check of a damaged file."""
from __future__ import annotations

import errno
import re
import sqlite3

import pytest

from desktop_app.cli import main
from desktop_app.errors import UserFacingError, describe

ENGLISH = re.compile(r"\b(database|disk|file|error|denied|locked|decode|column|permission)\b", re.I)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _one_chinese_line(line: str | None) -> str:
    assert line and "\n" not in line and CHINESE.search(line) and not ENGLISH.search(line), line
    return line


def _sqlite_error(tmp_path, setup, statement) -> sqlite3.Error:
    """Provoke a real SQLite error: ``setup(path)`` returns the connection to fail on."""
    path = tmp_path / "t.db"
    c = sqlite3.connect(path)
    c.execute("CREATE TABLE t (x TEXT)")
    c.commit()
    c.close()
    conn = setup(path)
    with pytest.raises(sqlite3.Error) as e:
        conn.execute(statement)
    conn.close()
    return e.value


def test_disk_full(tmp_path):
    def setup(path):
        c = sqlite3.connect(path)
        c.execute("PRAGMA max_page_count = 2")       # SQLite's own "disk is full"
        return c
    exc = _sqlite_error(tmp_path, setup, "INSERT INTO t SELECT hex(randomblob(4000)) FROM (SELECT 1 UNION SELECT 2)")
    assert "磁盘空间已满" in _one_chinese_line(describe(exc))
    assert "磁盘空间已满" in _one_chinese_line(describe(OSError(errno.ENOSPC, "No space left on device", "D:/备份/a.db")))


def test_database_locked(tmp_path):
    holder = []

    def setup(path):
        a = sqlite3.connect(path, isolation_level=None)
        a.execute("BEGIN EXCLUSIVE")
        holder.append(a)
        return sqlite3.connect(path, timeout=0)
    exc = _sqlite_error(tmp_path, setup, "INSERT INTO t VALUES ('x')")
    holder[0].close()
    assert "正被另一个程序或窗口占用" in _one_chinese_line(describe(exc))


def test_read_only_database(tmp_path):
    exc = _sqlite_error(tmp_path, lambda p: sqlite3.connect(f"{p.as_uri()}?mode=ro", uri=True),
                        "INSERT INTO t VALUES ('x')")
    assert "只读" in _one_chinese_line(describe(exc))
    assert "只读" in _one_chinese_line(describe(OSError(errno.EROFS, "Read-only file system", "/media/u")))


def test_not_a_database(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(sqlite3.DatabaseError) as e:
        sqlite3.connect(bad).execute("SELECT * FROM sqlite_master").fetchall()
    assert "已损坏" in _one_chinese_line(describe(e.value))


def test_text_that_is_not_utf8(tmp_path):
    c = sqlite3.connect(tmp_path / "u.db")
    with pytest.raises(sqlite3.OperationalError) as e:
        c.execute("SELECT CAST(x'e4b8ff' AS TEXT)").fetchall()
    c.close()
    assert "Could not decode" in str(e.value)
    assert "已损坏" in _one_chinese_line(describe(e.value))


def test_cannot_open(tmp_path):
    with pytest.raises(sqlite3.OperationalError) as e:
        sqlite3.connect(tmp_path / "没有这个文件夹" / "a.db")
    assert "无法打开数据库文件" in _one_chinese_line(describe(e.value))


@pytest.mark.parametrize("exc, words", [
    (PermissionError(errno.EACCES, "Permission denied", "C:/台账/导出.xlsx"), "没有权限访问“C:/台账/导出.xlsx”"),
    (FileNotFoundError(errno.ENOENT, "No such file or directory", "E:/包.tzx"), "找不到“E:/包.tzx”"),
    (FileExistsError(errno.EEXIST, "File exists", "a.pdf"), "已经存在"),
    (IsADirectoryError(errno.EISDIR, "Is a directory", "x"), "是文件夹"),
    (NotADirectoryError(errno.ENOTDIR, "Not a directory", "x"), "不是文件夹"),
    (OSError(errno.EIO, "Input/output error", "F:/u.tzx"), "磁盘出错"),
    (OSError(errno.EBUSY, "Device or resource busy", "x.xlsx"), "正被其他程序使用"),
    (OSError(errno.ENAMETOOLONG, "File name too long", "x"), "路径太长"),
    (OSError(errno.EMFILE, "Too many open files"), "同时打开的文件太多"),
    (OSError(errno.EXDEV, "Invalid cross-device link"), "文件操作失败"),
    (sqlite3.IntegrityError("UNIQUE constraint failed: t.x"), "完整性约束"),
    (sqlite3.OperationalError("something new"), "数据库操作失败"),
])
def test_os_and_other_errors(exc, words):
    assert words in _one_chinese_line(describe(exc))


def test_other_exceptions_are_bugs_not_lines():
    assert describe(KeyError("x")) is None and describe(ValueError("x")) is None
    assert describe(UserFacingError("已说明")) == "已说明"


# ---------------------------------------------------------------- through the command line

@pytest.fixture
def office(tmp_path, capsys):
    pw = tmp_path / "pw.txt"
    pw.write_text("Admin-pass-1\n", encoding="utf-8")
    d = tmp_path / "d"
    assert main(["--data-dir", str(d), "init", "--office-name", "中共某某县纪律检查委员会",
                 "--office-code", "MMX", "--admin", "张三", "--admin-password-file", str(pw)]) == 0
    capsys.readouterr()
    return ["--data-dir", str(d), "--user", "张三", "--password-file", str(pw)]


@pytest.mark.parametrize("exc, words", [
    (sqlite3.OperationalError("database is locked"), "正被另一个程序或窗口占用"),
    (sqlite3.OperationalError("attempt to write a readonly database"), "只读"),
    (sqlite3.OperationalError("database or disk is full"), "磁盘空间已满"),
    (PermissionError(errno.EACCES, "Permission denied", "/data/taizhang.db"), "没有权限访问"),
])
def test_cli_prints_one_chinese_line(office, capsys, monkeypatch, exc, words):
    from desktop_app.services import office as office_service

    def fail(*a, **k):
        raise exc
    monkeypatch.setattr(office_service, "set_office_value", fail)
    code = main(office + ["office", "set", "contact", "李四"])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.startswith("错误：") and err.count("\n") == 1 and words in err
    assert not ENGLISH.search(err), err


def test_check_of_a_damaged_file_is_chinese(office, capsys):
    """A text column holding bytes that are not UTF-8 (the check printed SQLite's
    English "Could not decode to UTF-8 column …")."""
    db = office[1] + "/taizhang.db"
    c = sqlite3.connect(db)
    c.execute("UPDATE audit_log SET detail = CAST(x'7b22e4b8ff227d' AS TEXT) WHERE seq = 1")
    c.commit()
    c.close()
    code = main(["--data-dir", office[1], "check"])
    out, err = capsys.readouterr()
    assert code == 1 and "审计日志无法读取：数据库文件已损坏" in out
    assert not ENGLISH.search(out + err), out + err


@pytest.mark.parametrize("exc, phrase", [
    (PermissionError(errno.EACCES, "Permission denied", "a"), "没有访问权限"),
    (OSError(errno.ENOSPC, "No space left on device"), "磁盘空间已满"),
    (FileNotFoundError(errno.ENOENT, "No such file or directory"), "找不到该文件或文件夹"),
    (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), "文字编码不是 UTF-8"),
    (sqlite3.DatabaseError("file is not a database"), "内容已损坏"),
    (sqlite3.OperationalError("database is locked"), "被另一个程序或窗口占用"),
])
def test_reason_inside_a_sentence(exc, phrase):
    from desktop_app.errors import reason
    assert reason(exc) == phrase


def test_unreadable_password_file_is_chinese(tmp_path, capsys, office):
    bad = tmp_path / "gbk.txt"
    bad.write_bytes("口令".encode("gb18030") + b"\xff\xfe")
    code = main(["--data-dir", office[1], "--user", "张三", "--password-file", str(bad), "summary"])
    err = capsys.readouterr().err
    assert code == 1 and "文字编码不是 UTF-8" in err and not ENGLISH.search(err), err
