"""``taizhang user|backup|backups|restore|audit|policy|backup-passphrase``, and the
acting user of every command (global ``--user NAME --password-file F``).

The core CLI calls ``register(subparsers)``; handlers are in ``cli_run.py``.
Commands of other packages that read or change records get their session from
``session_for(args)`` (one call: checks the folder, the credentials and the role).
"""
from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

from desktop_app.errors import UserFacingError
from desktop_app.security.roles import ACCOUNT_ROLES, Permission

PASSWORD_MAX_BYTES = 4096


def read_secret(path: Path | str | None, what: str) -> str:
    """The first line of a password file ("-" = standard input), without its line end."""
    if path is None:
        raise UserFacingError(f"请用口令文件提供{what}。")
    try:
        if str(path) == "-":
            text = sys.stdin.readline()
        else:
            with open(path, encoding="utf-8-sig") as fh:
                text = fh.read(PASSWORD_MAX_BYTES)
    except FileNotFoundError:
        raise UserFacingError(f"找不到{what}文件：{path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserFacingError(f"无法读取{what}文件 {path}：{exc}") from None
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


def session_for(args, data_dir: Path | None = None, permission: Permission | None = None):
    """A logged-in session for a CLI command (closes it on a refusal)."""
    from desktop_app.cli import data_dir_of
    from desktop_app.security import authz
    from desktop_app.security.auth import login
    from desktop_app.services.session import database_path
    data_dir = Path(data_dir or data_dir_of(args))
    if not database_path(data_dir).exists():
        raise UserFacingError(f"数据目录 {data_dir} 中还没有台账数据库。请先运行 taizhang init。")
    name, password = credentials(args, data_dir)
    s = login(data_dir, name, password)
    try:
        if permission is not None:
            authz.require(s, permission)
    except BaseException:
        s.close()
        raise
    return s


def _user_commands(sub) -> None:
    from desktop_app.security import cli_run as run
    user = sub.add_parser("user", help="账户：新建、列出、改口令、解锁、停用、角色、回避关系")
    us = user.add_subparsers(dest="user_command", metavar="子命令")
    us.required = True
    c = us.add_parser("add", help="新建账户（尚无账户时可不登录，建立首个管理员）")
    c.add_argument("name")
    c.add_argument("--role", required=True, help="角色：" + "、".join(r.value for r in ACCOUNT_ROLES))
    c.add_argument("--new-password-file", type=Path, required=True)
    c.add_argument("--person", help="本人的人员编号（用于回避）")
    c.set_defaults(handler=run.user_add)
    c = us.add_parser("list", help="列出账户")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=run.user_list)
    c = us.add_parser("passwd", help="修改自己的口令，或（管理员）重置他人的口令")
    c.add_argument("name", nargs="?")
    c.add_argument("--new-password-file", type=Path, required=True)
    c.set_defaults(handler=run.user_passwd)
    for name, text in (("unlock", "解除锁定"), ("disable", "停用账户"), ("enable", "启用账户")):
        c = us.add_parser(name, help=text)
        c.add_argument("name")
        c.set_defaults(handler=run.user_simple, action=name)
    c = us.add_parser("role", help="修改账户的角色")
    c.add_argument("name")
    c.add_argument("role")
    c.set_defaults(handler=run.user_role)
    c = us.add_parser("relative", help="回避关系：登记或删除某账户的亲属（人员编号）")
    c.add_argument("name")
    c.add_argument("person", help="人员编号")
    c.add_argument("--relation", help="关系，如 配偶、子女、父母；写“本人”表示就是此人")
    c.add_argument("--remove", action="store_true")
    c.set_defaults(handler=run.user_relative)


def _backup_commands(sub) -> None:
    from desktop_app.security import cli_run as run
    c = sub.add_parser("backup", help="立即备份（数据库和附件，备份后校验）")
    c.add_argument("--to", type=Path, help="备份到这个目录（如 U 盘），而不是数据目录的 backups")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=run.backup_now)
    c = sub.add_parser("backups", help="列出备份（时间、类型、记录数），无须登录")
    c.add_argument("--in", dest="folders", type=Path, action="append", help="另外查看的目录")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=run.backups_list)
    c = sub.add_parser("restore", help="校验并恢复一个备份（先留存当前数据库）")
    c.add_argument("backup", type=Path)
    c.add_argument("--passphrase-file", type=Path, help="备份口令文件（加密的备份需要）")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=run.restore_backup)
    c = sub.add_parser("backup-passphrase", help="设置备份口令：此后的备份都加密")
    c.add_argument("--new-passphrase-file", type=Path, required=True)
    c.set_defaults(handler=run.backup_passphrase)


def _audit_commands(sub) -> None:
    from desktop_app.security import cli_run as run
    c = sub.add_parser("audit", help="查看审计日志；audit verify 校验哈希链")
    c.add_argument("--of", help="只看这个用户")
    c.add_argument("--action", help="只看这种操作，如 登录失败、修改、备份")
    c.add_argument("--record", help="只看这条记录（编号或其开头）")
    c.add_argument("--since", help="从这天起（YYYY-MM-DD）")
    c.add_argument("--until", help="到这天为止（YYYY-MM-DD）")
    c.add_argument("--limit", type=int, default=200, help="最多显示的条数（默认 200，最新的在前）")
    c.add_argument("--xlsx", type=Path, help="把符合条件的全部条目导出到这个 .xlsx 文件")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=run.audit_list)
    ac = c.add_subparsers(dest="audit_command", metavar="子命令")
    v = ac.add_parser("verify", help="校验审计日志的哈希链，指出第一条被改动、插入或删除的记录")
    v.add_argument("--json", action="store_true")
    v.set_defaults(handler=run.audit_verify)
    c = sub.add_parser("policy", help="查看或修改安全策略和备份设置")
    c.add_argument("key", nargs="?", help="idle-minutes、lockout-minutes、max-failures、avoidance、"
                                          "backup-dir、end-of-day、three-admins")
    c.add_argument("value", nargs="?")
    c.set_defaults(handler=run.policy_cmd)


def register(subparsers) -> None:
    _user_commands(subparsers)
    _backup_commands(subparsers)
    _audit_commands(subparsers)
