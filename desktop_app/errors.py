"""The three kinds of error the program shows to a person.

Everything a clerk may see is Chinese and complete as it stands: the GUI shows
``str(error)`` in one dialog, the CLI prints it on one line and exits 1.
"""
from __future__ import annotations


class UserFacingError(Exception):
    """A refusal or failure whose message is shown to the user as is."""


class ValidationError(UserFacingError):
    """Bad input in one field; the GUI shows ``message`` beside ``field``."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return self.message


class NeedsConfirmation(UserFacingError):
    """A write that is allowed only when the user confirms it (a deadline already
    past, or before the record's start). ``items`` lists what needs confirming;
    the caller asks and writes again with the confirmation flag set."""

    def __init__(self, message: str, items: list[dict]):
        super().__init__(message)
        self.items = items


class Cancelled(Exception):
    """Long work stopped because the user asked it to."""


class FileInUseError(UserFacingError):
    """Writing over a file that another program holds open (a PDF in a reader, an
    .xlsx in WPS or Excel, a backup being scanned): Windows refuses the write. The
    GUI offers 重试 (ui.jobs), the CLI prints the line and exits 1."""

    def __init__(self, path):
        super().__init__(f"文件“{path}”正被其他程序打开，请关闭后重试。")
        self.path = path


def file_in_use(exc: BaseException):
    """The path of the file another program holds open, when ``exc`` says so: a
    FileInUseError, or a PermissionError / sharing violation on a file that exists
    (the target of ``os.replace(tmp, target)`` is ``filename2``). None otherwise:
    a missing folder or a read-only file is another problem."""
    import errno
    import os
    if isinstance(exc, FileInUseError):
        return exc.path
    if not isinstance(exc, OSError):
        return None
    winerror = getattr(exc, "winerror", None)
    if not (isinstance(exc, PermissionError) or winerror in (5, 32, 33) or exc.errno == errno.EBUSY):
        return None
    for name in (exc.filename2, exc.filename):
        if name and os.path.isfile(name):
            if not os.access(name, os.W_OK):      # read-only attribute: not "in use"
                return None
            return name
    return None


# ---------------------------------------------------------------- errors from SQLite and the OS

def describe(exc: BaseException) -> str | None:
    """One Chinese line for an SQLite or operating-system error a user can meet
    (disk full, permission denied, a locked or damaged database, a read-only
    folder …); None for anything else, which is a bug and goes to the crash report.
    The English original stays in the log, never in front of the user."""
    import sqlite3
    if isinstance(exc, UserFacingError):
        return str(exc)
    if isinstance(exc, sqlite3.Error):
        return _sqlite_line(exc)
    if isinstance(exc, OSError):
        return _os_line(exc)
    return None


_SQLITE_LINES = (
    # (words in SQLite's message, the line shown)
    (("database or disk is full",), "磁盘空间已满，无法写入数据库。本次修改未保存；请清理磁盘空间后重试。"),
    (("database is locked", "database table is locked", "database schema is locked"),
     "数据库正被另一个程序或窗口占用，等待后仍未释放。请关闭其他正在使用本台账的程序后重试。"),
    (("readonly database", "read-only", "readonly"),
     "数据库文件是只读的，不能写入。请检查数据目录的权限，且不要在光盘或写保护的 U 盘上运行。"),
    (("unable to open database file",),
     "无法打开数据库文件：数据目录不存在、已被移走，或没有访问权限。"),
    (("disk i/o error",), "读写磁盘出错。请检查磁盘或 U 盘是否已拔出或损坏；本次修改未保存。"),
    (("could not decode to utf-8", "malformed", "file is not a database", "not a database",
      "file is encrypted", "corrupt"),
     "数据库文件已损坏（内容无法读取）。请勿继续录入，从最近的备份恢复。"),
    (("interrupted",), "操作已中断。"),
)


_SQLITE_REASONS = tuple(zip((words for words, _ in _SQLITE_LINES), (
    "磁盘空间已满", "被另一个程序或窗口占用", "文件是只读的", "文件不存在或没有访问权限",
    "磁盘读写出错", "内容已损坏", "操作已中断")))


def _sqlite_line(exc: BaseException) -> str:
    import sqlite3
    text = str(exc).lower()
    for words, line in _SQLITE_LINES:
        if any(w in text for w in words):
            return line
    if isinstance(exc, sqlite3.IntegrityError):
        return "数据前后不一致（违反数据库的完整性约束），本次修改未保存。"
    return "数据库操作失败，本次修改未保存。详细原因已写入日志。"


def _os_line(exc: OSError) -> str:
    import errno
    name = exc.filename or exc.filename2
    where = f"“{name}”" if name else "文件"
    code = exc.errno
    winerror = getattr(exc, "winerror", None)
    if code == errno.ENOSPC or winerror in (39, 112):
        return f"磁盘空间已满，无法写入{where}。请清理磁盘空间后重试。"
    if code == errno.EROFS or winerror == 19:
        return f"{where}所在的磁盘是只读的（如写保护的 U 盘或光盘），不能写入。"
    busy = file_in_use(exc)
    if busy is not None:
        return f"文件“{busy}”正被其他程序打开（如 WPS、Excel 或 PDF 阅读器），请关闭后重试。"
    if winerror in (32, 33) or code == errno.EBUSY:
        return f"{where}正被其他程序使用（如 WPS、Excel 或杀毒软件）。请关闭后重试。"
    if isinstance(exc, PermissionError):
        return f"没有权限访问{where}。请检查文件夹权限，或文件是否正被其他程序打开。"
    if isinstance(exc, FileNotFoundError):
        return f"找不到{where}。请检查路径是否正确，U 盘是否已插好。"
    if isinstance(exc, FileExistsError):
        return f"{where}已经存在。"
    if isinstance(exc, IsADirectoryError):
        return f"{where}是文件夹，这里需要一个文件。"
    if isinstance(exc, NotADirectoryError):
        return f"{where}不是文件夹。"
    if code == errno.ENAMETOOLONG or winerror == 206:
        return f"路径太长：{where}。请换一个较短的文件夹。"
    if code == errno.EIO:
        return f"读写{where}时磁盘出错。请检查磁盘或 U 盘是否已拔出或损坏。"
    if code == errno.EMFILE or code == errno.ENFILE:
        return "同时打开的文件太多。请关闭一些窗口后重试。"
    return f"文件操作失败：{where}（系统错误码 {code if code is not None else winerror}）。"


def reason(exc: BaseException) -> str:
    """A short Chinese reason to put inside a sentence that already names the file
    ("无法写入 D:/a.pdf：{reason(exc)}"): never the system's English text."""
    import errno
    import sqlite3
    if isinstance(exc, UserFacingError):
        return str(exc)
    if isinstance(exc, UnicodeDecodeError):
        return "文字编码不是 UTF-8"
    if isinstance(exc, sqlite3.Error):
        text = str(exc).lower()
        for words, phrase in _SQLITE_REASONS:
            if any(w in text for w in words):
                return phrase
        return "数据库操作失败"
    if not isinstance(exc, OSError):
        return "原因见日志"
    code, winerror = exc.errno, getattr(exc, "winerror", None)
    phrases = (
        (code == errno.ENOSPC or winerror in (39, 112), "磁盘空间已满"),
        (code == errno.EROFS or winerror == 19, "磁盘是只读的"),
        (winerror in (32, 33) or code == errno.EBUSY, "文件正被其他程序使用"),
        (isinstance(exc, PermissionError), "没有访问权限"),
        (isinstance(exc, FileNotFoundError), "找不到该文件或文件夹"),
        (isinstance(exc, FileExistsError), "已经存在"),
        (isinstance(exc, IsADirectoryError), "这是一个文件夹"),
        (isinstance(exc, NotADirectoryError), "路径中有一项不是文件夹"),
        (code == errno.ENAMETOOLONG or winerror == 206, "路径太长"),
        (code == errno.EIO, "磁盘读写出错"),
    )
    for hit, phrase in phrases:
        if hit:
            return phrase
    return f"系统错误码 {code if code is not None else winerror}"
