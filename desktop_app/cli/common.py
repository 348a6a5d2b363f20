"""What every command group shares: output, the data folder, secrets and the session.

Only light imports at module level: building the parser must not load the ledger.
"""
from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

from desktop_app import paths
from desktop_app.errors import UserFacingError, reason

PASSWORD_MAX_BYTES = 4096


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def emit(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


def data_dir_of(args) -> Path:
    if getattr(args, "data_dir", None):
        return Path(args.data_dir)
    return paths.demo_data_dir() if getattr(args, "demo", False) else paths.default_data_dir()


def read_secret(path: Path | str | None, what: str) -> str:
    """The first line of a password file ("-" = standard input), without its line end."""
    if path is None:
        raise UserFacingError(f"请用口令文件提供{what}。")
    try:
        if str(path) == "-":
            text = sys.stdin.readline() if sys.stdin is not None else ""
        else:
            with open(path, encoding="utf-8-sig") as fh:
                text = fh.read(PASSWORD_MAX_BYTES)
    except FileNotFoundError:
        raise UserFacingError(f"找不到{what}文件：{path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserFacingError(f"无法读取{what}文件 {path}：{reason(exc)}") from None
    line = text.splitlines()[0] if text.splitlines() else ""
    if not line:
        raise UserFacingError(f"{what}文件是空的：{path}")
    return unicodedata.normalize("NFC", line)


def credentials(args, data_dir: Path) -> tuple[str, str]:
    """(name, password) from --user/--password-file; with --demo and no --user, the
    demo administrator's (demo_account.py)."""
    name = getattr(args, "user", None)
    if not name and getattr(args, "demo", False):
        from desktop_app.security.demo_account import demo_credentials
        demo = demo_credentials(data_dir)
        if demo:
            return demo
    if not name:
        raise UserFacingError("此命令需要指明操作人：在子命令之前加 --user 用户名 --password-file 口令文件。")
    return name, read_secret(getattr(args, "password_file", None), "登录口令")


def session_for(args, data_dir: Path | None = None, permission=None):
    """A logged-in session for a CLI command (closes it on a refusal).

    ``permission`` is a ``security.roles.Permission`` or its name."""
    from desktop_app.security import authz
    from desktop_app.security.auth import login
    from desktop_app.security.roles import Permission
    from desktop_app.services.session import database_path
    data_dir = Path(data_dir or data_dir_of(args))
    if not database_path(data_dir).exists():
        raise UserFacingError(f"数据目录 {data_dir} 中还没有台账数据库。请先运行 taizhang init。")
    name, password = credentials(args, data_dir)
    s = login(data_dir, name, password)
    try:
        if permission is not None:
            authz.require(s, permission if isinstance(permission, Permission) else Permission[permission])
    except BaseException:
        s.close()
        raise
    return s
